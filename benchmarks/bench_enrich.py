"""The enrich stage alone, one process: posts/s over the sample posts, half of them reshares.

    python benchmarks/bench_enrich.py [--posts 50000]

Every other post repeats a sample text verbatim (a reshare: the analysis cache answers); the
rest get a unique tail, so that their analysis is computed. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from enrichers import stage  # noqa: E402
from ingestors.file_replay import read_records  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "posts.jsonl"


def make_records(count: int) -> list[bytes]:
    """``count`` raw posts from the sample, unique uids, every other text unique."""
    templates = [orjson.loads(line) for line in read_records(SAMPLE)]
    records = []
    for n in range(count):
        post = dict(templates[n % len(templates)], uid=f"bench:{n}")
        post.pop("platform", None), post.pop("native_id", None)
        if n % 2:
            post["text"] = f"{post['text']} (#{n})"
        records.append(orjson.dumps(post))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    records = make_records(args.posts)
    stage.enrich_records(records[:10])  # load the models outside the timing
    started = time.perf_counter()
    for start in range(0, len(records), 1000):
        stage.enrich_records(records[start:start + 1000])
    elapsed = time.perf_counter() - started
    print(f"enrich stage: {args.posts} posts (half reshares) in {elapsed:.1f}s = {args.posts / elapsed:,.0f} posts/s, one process")


if __name__ == "__main__":
    main()
