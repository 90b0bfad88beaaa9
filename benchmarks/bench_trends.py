"""Trend detection: posts/s of aggregate + observe + advance on one core, and the state's size.

    python benchmarks/bench_trends.py [--days 3] [--seed 0] [--batch 500]

The stream is the synthetic one of ``enrichers/trends_eval.py`` (about 800 posts an hour with a
daily cycle, about 8 terms a post, injected bursts, some posts out of order), with the rules of
``rules.example.yaml``, 10-minute windows hopping by 5 minutes, 5 minutes of lateness. Posts
are fed in delivery order in batches, as the offline replay and the stream do: ``aggregate``
per batch, ``observe``, ``advance`` to the newest event time. Generating the posts is not timed.
The state is a dict; its size is reported as records by kind and as JSON bytes (what a
changelog-backed table would hold), at its largest (sampled every 50 batches) and at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from enrichers.trends import DEFAULT_RULES, TrendEngine, aggregate, load_rules, to_epoch  # noqa: E402
from enrichers.trends_eval import HOP, LATENESS, WINDOW, generate  # noqa: E402


def state_size(state: dict) -> tuple[Counter, int]:
    """Records per key kind (w, b, c, t, m) and the JSON size of the whole state in bytes."""
    kinds = Counter(k.split("|", 1)[0] for k in state)
    return kinds, sum(len(k) + len(orjson.dumps(v)) for k, v in state.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    posts, truth = generate(args.seed, args.days)
    rules = load_rules(DEFAULT_RULES)
    times = [to_epoch(p["created_at"]) for p in posts]
    state: dict = {}
    engine = TrendEngine(rules, state, lateness_seconds=LATENESS)
    t_agg = t_engine = 0.0
    n_aggs = 0
    alerts = 0
    biggest = (Counter(), 0)
    per_batch = []
    for i, start in enumerate(range(0, len(posts), args.batch)):
        batch = posts[start:start + args.batch]
        t0 = time.perf_counter()
        found = aggregate(batch, WINDOW, HOP)
        t1 = time.perf_counter()
        alerts += len(engine.observe(found))
        alerts += len(engine.advance(max(times[start:start + args.batch])))
        t2 = time.perf_counter()
        t_agg += t1 - t0
        t_engine += t2 - t1
        n_aggs += len(found)
        per_batch.append((t2 - t0) / len(batch))
        if i % 50 == 0:
            size = state_size(state)
            if size[1] > biggest[1]:
                biggest = size
    t0 = time.perf_counter()
    alerts += len(engine.flush())
    t_engine += time.perf_counter() - t0
    total = t_agg + t_engine
    end_kinds, end_bytes = state_size(state)
    print(f"stream: seed {args.seed}, {args.days} days, {len(posts):,} posts, {len(truth)} bursts, "
          f"batches of {args.batch}; {n_aggs:,} term-window aggregates ({n_aggs / len(posts):.1f} per post)")
    print(f"aggregate:           {len(posts) / t_agg:>9,.0f} posts/s  ({t_agg:.1f} s)")
    print(f"observe + advance:   {len(posts) / t_engine:>9,.0f} posts/s  ({t_engine:.1f} s)")
    print(f"all three:           {len(posts) / total:>9,.0f} posts/s  ({total:.1f} s; median batch "
          f"{1 / statistics.median(per_batch):,.0f} posts/s)")
    print(f"alerts: {alerts}, late post-terms dropped: {engine.late}")
    print(f"state, largest sample: {dict(biggest[0])}, {biggest[1] / 1e6:.1f} MB as JSON")
    print(f"state, after flush:    {dict(end_kinds)}, {end_bytes / 1e6:.1f} MB as JSON")


if __name__ == "__main__":
    main()
