"""The posts the benchmarks feed: the sample posts cycled, half of them verbatim reshares."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingestors.file_replay import read_records  # noqa: E402

SAMPLE = REPO / "data" / "sample" / "posts.jsonl"


def make_posts(count: int, run: str = "bench") -> list[dict]:
    """``count`` realistic posts, each with its own uid and a ``bench_seq`` sequence number.

    Every other post is a verbatim copy of a sample text (viral reshares and copy-paste
    forwards make about half of real volume); the rest get a unique tail, so that no cache
    answers for them.
    """
    templates = [orjson.loads(line) for line in read_records(SAMPLE)]
    posts = []
    for seq in range(count):
        post = dict(templates[seq % len(templates)], uid=f"bench:{run}-{seq}", bench_seq=seq)
        post.pop("platform", None), post.pop("native_id", None)
        if seq % 2:
            post["text"] = f"{post['text']} (#{seq})"
        posts.append(post)
    return posts
