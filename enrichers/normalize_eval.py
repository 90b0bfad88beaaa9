"""Word-level evaluation of :mod:`enrichers.normalize` on a line-aligned informal/formal corpus.

Used with STIF (haryoa/stif-indonesia): ``train.inf``/``train.for`` and ``dev.inf``/``dev.for``.
Only lines whose informal and formal sides have the same number of whitespace tokens are used;
tokens are paired by position. A pair counts when the formal token still has a letter or digit
once punctuation is stripped. Accuracy is the share of pairs where the normalised informal token
equals the formal token, both lower-cased with punctuation and spaces removed. The baseline
leaves every informal token unchanged. STIF's anonymisation placeholders (``xxxnumberxxx``,
``xxxuserxxx``, ...) are corpus artefacts, not text: they are passed through unchanged on both
counts instead of being normalised (elongation would otherwise collapse ``xxx`` to ``x``).

``pantau eval normalize`` calls :func:`main`; ``python -m enrichers.normalize_eval INF FOR`` works
too.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from enrichers.normalize import normalize

_STRIP = re.compile(r"[\W_]+")
_PLACEHOLDER = re.compile(r"^xxx[a-z]+xxx$")


def _key(token: str) -> str:
    return _STRIP.sub("", token.lower())


@dataclass
class Result:
    lines_total: int = 0
    lines_used: int = 0
    tokens: int = 0
    correct: int = 0
    baseline_correct: int = 0
    errors: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.tokens if self.tokens else 0.0

    @property
    def baseline(self) -> float:
        return self.baseline_correct / self.tokens if self.tokens else 0.0


def evaluate(inf_path: str | Path, for_path: str | Path) -> Result:
    inf_lines = Path(inf_path).read_text(encoding="utf-8").splitlines()
    for_lines = Path(for_path).read_text(encoding="utf-8").splitlines()
    if len(inf_lines) != len(for_lines):
        raise ValueError(
            f"{inf_path} has {len(inf_lines)} lines but {for_path} has {len(for_lines)}"
        )
    res = Result(lines_total=len(inf_lines))
    for inf, formal in zip(inf_lines, for_lines):
        a, b = inf.split(), formal.split()
        if not a or len(a) != len(b):
            continue
        res.lines_used += 1
        for x, y in zip(a, b):
            gold = _key(y)
            if not gold:
                continue
            res.tokens += 1
            got = x if _PLACEHOLDER.match(x) else normalize(x)
            if _key(got) == gold:
                res.correct += 1
            else:
                res.errors[(x.lower(), got, y.lower())] += 1
            if _key(x) == gold:
                res.baseline_correct += 1
    return res


def main(inf_path: str | Path, for_path: str | Path) -> int:
    """Print token accuracy, baseline, counts and the 20 most frequent errors; return 0 (2 on bad input)."""
    try:
        res = evaluate(inf_path, for_path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"files: {inf_path} / {for_path}")
    print(f"lines used: {res.lines_used} of {res.lines_total} (same number of tokens on both sides)")
    print(f"tokens: {res.tokens}")
    print(f"token accuracy: {res.accuracy:.4f} ({res.correct}/{res.tokens})")
    print(f"baseline (unchanged): {res.baseline:.4f} ({res.baseline_correct}/{res.tokens})")
    print("most frequent remaining errors (informal -> normalised | formal):")
    for (x, got, y), n in res.errors.most_common(20):
        print(f"  {n:4d}  {x} -> {got!r} | {y}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 3:
        print("usage: python -m enrichers.normalize_eval INFORMAL_FILE FORMAL_FILE", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
