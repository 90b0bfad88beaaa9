"""Evaluate claim matching against a labelled file (``data/eval/claims.jsonl``).

Each example is ``{"text": ..., "claim_id": <catalogue id or null>, "split": "dev"|"test",
"note": ...}``. The figures:

- **top-1 accuracy**: among examples with a gold claim, the share where the matcher returns a
  match *and* it is the gold claim;
- **precision / recall of "matched anything"**: a match on an example with a gold claim counts
  as a true positive (even if it is the wrong claim: that is what top-1 measures), a match on a
  no-claim example as a false positive, no match on an example with a gold claim as a false
  negative;
- **no-claim accuracy**: the share of no-claim examples that match nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import orjson


def load_examples(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """The examples in a JSON Lines file, optionally only those whose ``split`` equals ``split``."""
    examples = []
    with Path(path).open("rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON: {exc}") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f"{path}:{number}: each line needs a string field 'text'")
            if split is None or record.get("split") == split:
                examples.append(record)
    return examples


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(matcher, examples: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Score ``matcher`` (a :class:`enrichers.claims.ClaimMatcher`) on ``examples``.

    Returns a dict with ``n``, ``n_claim``, ``n_none``, ``top1_accuracy``, ``precision``,
    ``recall``, ``f1``, ``none_accuracy`` and ``errors`` (a list of dicts: text, gold,
    predicted, score, kind in {"wrong_claim", "missed", "false_match"}).
    """
    examples = list(examples)
    matches = matcher.match_many([e["text"] for e in examples])
    n_claim = n_none = correct = tp = fp = fn = none_ok = 0
    errors = []
    known = {c.id for c in matcher.claims}
    for example, match in zip(examples, matches):
        gold = example.get("claim_id")
        predicted = match.claim.id if match else None
        score = round(match.score, 3) if match else None
        if gold is not None:
            n_claim += 1
            if gold not in known:
                errors.append({"text": example["text"], "gold": gold, "predicted": predicted, "score": score,
                               "kind": "gold_not_in_catalogue"})
            if match is None:
                fn += 1
                errors.append({"text": example["text"], "gold": gold, "predicted": None, "score": None,
                               "kind": "missed"})
            else:
                tp += 1
                if predicted == gold:
                    correct += 1
                else:
                    errors.append({"text": example["text"], "gold": gold, "predicted": predicted, "score": score,
                                   "kind": "wrong_claim"})
        else:
            n_none += 1
            if match is None:
                none_ok += 1
            else:
                fp += 1
                errors.append({"text": example["text"], "gold": None, "predicted": predicted, "score": score,
                               "kind": "false_match"})
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return {
        "n": len(examples), "n_claim": n_claim, "n_none": n_none,
        "top1_accuracy": _ratio(correct, n_claim),
        "precision": precision, "recall": recall,
        "f1": _ratio(2 * precision * recall, 1) / (precision + recall) if precision + recall else 0.0,
        "none_accuracy": _ratio(none_ok, n_none),
        "threshold": getattr(matcher, "threshold", None),
        "errors": errors,
    }


def format_report(report: Mapping[str, Any], *, max_errors: int = 20) -> str:
    """A human-readable summary of :func:`evaluate`'s report, with up to ``max_errors`` errors."""
    lines = [
        f"examples:          {report['n']} ({report['n_claim']} retell a catalogued claim, "
        f"{report['n_none']} should match nothing)",
        f"threshold:         {report.get('threshold')}",
        f"top-1 accuracy:    {report['top1_accuracy']:.3f}",
        f"matched anything:  precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
        f"F1 {report['f1']:.3f}",
        f"no-claim accuracy: {report['none_accuracy']:.3f}",
    ]
    errors = report.get("errors") or []
    if errors and max_errors <= 0:
        lines.append(f"errors:            {len(errors)}")
    elif errors:
        lines.append(f"errors ({len(errors)}{', first ' + str(max_errors) if len(errors) > max_errors else ''}):")
        for e in errors[:max_errors]:
            text = e["text"] if len(e["text"]) <= 90 else e["text"][:87] + "..."
            lines.append(f"  {e['kind']:<12} gold={e['gold']} predicted={e['predicted']} score={e['score']}  {text}")
    return "\n".join(lines)
