"""The enrich stage alone, one process: posts/s over the sample posts, half of them reshares.

    python benchmarks/bench_enrich.py [--posts 50000]

Every other post repeats a sample text verbatim (a reshare: the analysis cache answers); the
rest get a unique tail, so that their analysis is computed. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import sys
import time

import orjson

from workload import make_posts  # puts the repository on sys.path

from enrichers import stage  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    records = [orjson.dumps(post) for post in make_posts(args.posts)]
    stage.enrich_records(records[:10])  # load the models outside the timing
    started = time.perf_counter()
    for start in range(0, len(records), 1000):
        stage.enrich_records(records[start:start + 1000])
    elapsed = time.perf_counter() - started
    print(f"enrich stage: {args.posts} posts (half reshares) in {elapsed:.1f}s = {args.posts / elapsed:,.0f} posts/s, one process")


if __name__ == "__main__":
    main()
