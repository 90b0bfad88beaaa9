"""Evaluation of named-entity recognition (``pantau eval ner FILE``), independent of the model.

Gold examples come from ``enrichers.ner_corpus`` (CoNLL or JSON Lines); the predictions are,
for each text, a list of ``(start, end, label)`` character spans from any predictor. Predicted
labels go through the same label table as gold ones (``PERSON`` counts as ``PER``, ...); labels
pantau does not use are ignored.

Two ways of counting a predicted span as correct:

- exact: a gold span with the same start, end and label;
- partial: a gold span with the same label that overlaps it. Each gold and each predicted span
  is matched at most once (a maximum one-to-one matching), so precision and recall stay in [0, 1].

Scores are given per label and overall, micro-averaged over PER, LOC and ORG.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from enrichers.ner_corpus import LABELS, Example, Span, map_label, read_examples

Predictor = Callable[[list[str]], list[list[Span]]]

#: The shipped model (``enrichers/data/ner/model``), used by :func:`spacy_predictor` by default.
DEFAULT_MODEL = Path(__file__).resolve().parent / "data" / "ner" / "model"


@dataclass(frozen=True)
class Score:
    """Counts for one label and one way of matching, with precision, recall and F1."""

    matched_gold: int = 0
    matched_pred: int = 0
    gold: int = 0
    pred: int = 0

    @property
    def precision(self) -> float:
        return self.matched_pred / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.matched_gold + other.matched_gold, self.matched_pred + other.matched_pred,
                     self.gold + other.gold, self.pred + other.pred)


@dataclass(frozen=True)
class Report:
    """Exact and partial scores per label (keys of :data:`LABELS`) and overall, for ``n_texts`` texts."""

    n_texts: int
    exact: dict[str, Score] = field(default_factory=dict)
    partial: dict[str, Score] = field(default_factory=dict)
    exact_overall: Score = Score()
    partial_overall: Score = Score()


def _normalise(spans: Sequence[Sequence]) -> list[Span]:
    out = []
    for start, end, label in spans:
        mapped = map_label(str(label))
        if mapped is not None:
            out.append((int(start), int(end), mapped))
    return sorted(set(out))


def _max_matching(gold: list[Span], pred: list[Span]) -> int:
    """Size of a maximum one-to-one matching of overlapping same-label spans (Kuhn's algorithm)."""
    edges = [[j for j, p in enumerate(pred) if p[2] == g[2] and p[0] < g[1] and g[0] < p[1]] for g in gold]
    owner: dict[int, int] = {}                     # predicted index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(gold)))


def evaluate(gold: Sequence[Example], predicted: Sequence[Sequence[Sequence]]) -> Report:
    """Score ``predicted`` (one list of ``(start, end, label)`` per gold example) against ``gold``."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold examples but {len(predicted)} predictions")
    exact = {label: Score() for label in LABELS}
    partial = {label: Score() for label in LABELS}
    for example, pred_spans in zip(gold, predicted):
        g_all, p_all = _normalise(example.spans), _normalise(pred_spans)
        for label in LABELS:
            g = [s for s in g_all if s[2] == label]
            p = [s for s in p_all if s[2] == label]
            hits = len(set(g) & set(p))
            exact[label] += Score(hits, hits, len(g), len(p))
            matched = _max_matching(g, p)
            partial[label] += Score(matched, matched, len(g), len(p))
    return Report(
        n_texts=len(gold), exact=exact, partial=partial,
        exact_overall=sum(exact.values(), Score()), partial_overall=sum(partial.values(), Score()),
    )


def format_report(report: Report, title: str = "") -> str:
    """A plain-text table of the report: precision, recall, F1 per label, exact and partial."""
    head = f"{'label':<8}{'gold':>6}{'pred':>6}   {'exact P':>7}{'R':>7}{'F1':>7}   {'partial P':>9}{'R':>7}{'F1':>7}"
    out = [title or f"named entities: {report.n_texts} texts", "", head, "-" * len(head)]
    rows = [(label, report.exact[label], report.partial[label]) for label in LABELS]
    rows.append(("overall", report.exact_overall, report.partial_overall))
    for label, ex, pa in rows:
        out.append(f"{label:<8}{ex.gold:>6}{ex.pred:>6}   {ex.precision:>7.3f}{ex.recall:>7.3f}{ex.f1:>7.3f}"
                   f"   {pa.precision:>9.3f}{pa.recall:>7.3f}{pa.f1:>7.3f}")
    return "\n".join(out)


def spacy_predictor(model: str | Path = DEFAULT_MODEL, batch_size: int = 256) -> Predictor:
    """A predictor from a spaCy pipeline directory or package name (the shipped model by default)."""
    import spacy

    nlp = spacy.load(model)

    def predict(texts: list[str]) -> list[list[Span]]:
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in nlp.pipe(texts, batch_size=batch_size)]

    return predict


def main(path: str | Path, predict: Predictor | None = None) -> int:
    """Print the report for a labelled file (CoNLL or JSON Lines) and the predictor's speed.

    ``predict`` defaults to the shipped spaCy model. Returns 0, or 2 if the file cannot be read.
    """
    return main_files([path], predict)


def main_files(paths: Sequence[str | Path], predict: Predictor | None = None) -> int:
    """:func:`main` for several files: one report each, then one for all of them together."""
    golds = []
    for path in paths:
        try:
            golds.append(read_examples(path))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            print(f"cannot read {path}: {exc}", file=sys.stderr)
            return 2
    if predict is None:
        predict = spacy_predictor()
    first = next((gold[0].text for gold in golds if gold), None)
    if first is not None:
        predict([first])                                   # load the model outside the timing
    all_gold, all_pred, n, elapsed = [], [], 0, 0.0
    for path, gold in zip(paths, golds):
        texts = [example.text for example in gold]
        start = time.perf_counter()
        predicted = predict(texts)
        elapsed += time.perf_counter() - start
        n += len(texts)
        all_gold += gold
        all_pred += predicted
        print(format_report(evaluate(gold, predicted), title=f"named entities: {path}, {len(gold)} texts"), end="\n\n")
    if len(paths) > 1:
        print(format_report(evaluate(all_gold, all_pred), title=f"named entities: all {len(paths)} files, {n} texts"),
              end="\n\n")
    if elapsed > 0:
        print(f"prediction: {n / elapsed:,.0f} texts/s")
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="+", help="labelled file(s), CoNLL or JSON Lines")
    parser.add_argument("--model", default=str(DEFAULT_MODEL), help="spaCy model directory")
    args = parser.parse_args()
    sys.exit(main_files(args.file, spacy_predictor(args.model)))
