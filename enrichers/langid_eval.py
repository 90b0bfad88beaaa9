"""Evaluation of the language identifier (``pantau eval langid FILE``).

The file is JSON Lines: one object per post with ``text``, the gold ``lang`` (``und`` for posts
that say too little) and optionally ``kind`` (formal, informal, codemixed, short). The report
gives accuracy overall and per kind, precision, recall and F1 per language, a confusion table
(gold in rows, predicted in columns) and the throughput of :func:`enrichers.langid.identify_many`.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from typing import Iterable

from enrichers import langid


def evaluate(records: Iterable[dict]) -> dict:
    """Run the identifier over ``records`` (dicts with "text", "lang", optional "kind")."""
    records = [r for r in records if isinstance(r, dict) and "lang" in r]
    texts = [str(r.get("text") or "") for r in records]
    gold = [str(r["lang"]) for r in records]
    kinds = [str(r.get("kind") or "-") for r in records]

    langid.identify_many(texts[:1])                     # load the model outside the timing
    start = time.perf_counter()
    guesses = langid.identify_many(texts)
    elapsed = time.perf_counter() - start
    pred = [g.code for g in guesses]

    confusion: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred):
        confusion[g][p] += 1
    labels = sorted(set(gold) | set(pred), key=lambda x: (x not in gold, -gold.count(x), x))
    per_lang = {}
    for lang in labels:
        tp = confusion[lang][lang]
        n_gold = sum(confusion[lang].values())
        n_pred = sum(confusion[g][lang] for g in confusion)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_lang[lang] = {"precision": precision, "recall": recall, "f1": f1, "count": n_gold, "predicted": n_pred}
    per_kind = {}
    for kind in sorted(set(kinds)):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        per_kind[kind] = {"accuracy": sum(gold[i] == pred[i] for i in idx) / len(idx), "count": len(idx)}
    per_kind_lang = {}
    for kind, lang in sorted(set(zip(kinds, gold))):
        idx = [i for i in range(len(gold)) if kinds[i] == kind and gold[i] == lang]
        per_kind_lang[f"{kind}/{lang}"] = {"accuracy": sum(pred[i] == lang for i in idx) / len(idx),
                                           "count": len(idx)}
    n = len(records)
    id_ms = confusion["id"]["ms"] + confusion["ms"]["id"]
    n_id_ms = sum(confusion["id"].values()) + sum(confusion["ms"].values())
    errors = [{"text": texts[i][:200], "gold": gold[i], "pred": pred[i], "kind": kinds[i],
               "candidates": guesses[i].candidates} for i in range(n) if gold[i] != pred[i]]
    return {
        "n": n,
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0,
        "per_lang": per_lang,
        "per_kind": per_kind,
        "per_kind_lang": per_kind_lang,
        "confusion": {g: dict(c) for g, c in confusion.items()},
        "labels": labels,
        "id_ms_confusion": {"id_as_ms": confusion["id"]["ms"], "ms_as_id": confusion["ms"]["id"],
                            "rate": id_ms / n_id_ms if n_id_ms else 0.0},
        "posts_per_s": n / elapsed if elapsed > 0 else float("inf"),
        "mixed_flagged": {kind: sum(guesses[i].mixed for i in range(n) if kinds[i] == kind) for kind in per_kind},
        "errors": errors,
    }


def format_report(result: dict) -> str:
    """A plain-text report of :func:`evaluate`'s result."""
    out = [f"language identification: {result['n']} posts, accuracy {result['accuracy']:.2%}", ""]
    out.append(f"{'lang':<6}{'precision':>10}{'recall':>8}{'F1':>8}{'count':>7}")
    for lang in result["labels"]:
        m = result["per_lang"][lang]
        out.append(f"{lang:<6}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['count']:>7}")
    out += ["", f"{'kind':<11}{'accuracy':>9}{'count':>7}{'mixed':>7}"]
    for kind, m in result["per_kind"].items():
        out.append(f"{kind:<11}{m['accuracy']:>9.2%}{m['count']:>7}{result['mixed_flagged'].get(kind, 0):>7}")
    out += ["", "accuracy per kind and gold language:"]
    out.append("  " + ", ".join(f"{k} {m['accuracy']:.1%} ({m['count']})" for k, m in result["per_kind_lang"].items()))
    im = result["id_ms_confusion"]
    out += ["", f"id/ms confusion: {im['id_as_ms']} id read as ms, {im['ms_as_id']} ms read as id "
                f"({im['rate']:.2%} of id+ms posts)", "", "confusion (rows gold, columns predicted):"]
    labels = result["labels"]
    out.append("gold\\pred " + "".join(f"{p:>5}" for p in labels))
    for g in labels:
        if g in result["confusion"]:
            row = result["confusion"][g]
            out.append(f"{g:<10}" + "".join(f"{row.get(p, 0) or '.':>5}" for p in labels))
    out += ["", f"throughput: {result['posts_per_s']:,.0f} posts/s (identify_many, one process)"]
    if result["errors"]:
        out += ["", f"errors ({len(result['errors'])}):"]
        for e in result["errors"]:
            out.append(f"  {e['gold']}->{e['pred']} [{e['kind']}] {e['text']!r}")
    return "\n".join(out)


def read_jsonl(path: str) -> list[dict]:
    records = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from exc
    return records


def main(path: str) -> int:
    """Print the report for a JSON Lines file; 0 on success, 2 if the file cannot be read."""
    try:
        records = read_jsonl(path)
    except (OSError, ValueError) as exc:
        print(f"pantau eval langid: {exc}", file=sys.stderr)
        return 2
    if not records:
        print(f"pantau eval langid: {path}: no records", file=sys.stderr)
        return 2
    print(format_report(evaluate(records)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "data/eval/langid.jsonl"))
