"""The narrative stage alone (enrichers.narratives.assign_narratives), one core, growing state.

    python benchmarks/bench_narratives.py [--posts 1000000]

The posts are made from the sample and narrative evaluation texts, as the enrich stage leaves
them (normalised text, links, parents): a third are near-copies of a known hoax (a changed
word and a unique tag, so every one is compared, none is a cached exact copy), a sixth are
reshares or replies of an earlier post, and the rest are new texts of 12 to 30 words drawn
from the same vocabulary (each founds a narrative, which is what makes the state grow). They
are generated batch by batch, so the benchmark's own memory stays small; the state is a dict,
as offline (the stream keeps the same entries in a Faust table).

Printed, not asserted: at 10 thousand, 100 thousand and 1 million posts, the throughput of the
last stretch, the resident memory (peak), the state entries and the narratives so far.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import orjson

from workload import REPO  # puts the repository on sys.path

from enrichers.narratives import assign_narratives  # noqa: E402
from enrichers.normalize import normalize  # noqa: E402

CHECKPOINTS = (10_000, 100_000, 1_000_000)
BATCH = 1000


def load_texts() -> list[str]:
    texts = []
    for path in (REPO / "data/sample/posts.jsonl", REPO / "data/eval/narratives.jsonl"):
        for line in path.read_bytes().splitlines():
            text = orjson.loads(line).get("text") or ""
            if len(text.split()) >= 8:
                texts.append(normalize(text))
    return texts


def batches(total: int, texts: list[str]):
    """Posts in batches of BATCH, made on the fly (see the module docstring)."""
    rng = random.Random(0)
    vocabulary = sorted({word for text in texts for word in text.split()})
    for start in range(0, total, BATCH):
        batch = []
        for seq in range(start, min(start + BATCH, total)):
            post = {"uid": f"bench:{seq}", "created_at": f"2026-11-20T{(seq // 3600) % 24:02d}:00:00Z", "urls": []}
            roll = rng.random()
            if roll < 1 / 3:
                words = rng.choice(texts).split()
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
                post["text_normalized"] = " ".join(words) + f" #{seq}"
            elif roll < 1 / 2 and seq:
                post["text_normalized"] = ""
                post[rng.choice(("reshare_of", "reply_to"))] = f"bench:{rng.randrange(seq)}"
            else:
                post["text_normalized"] = " ".join(rng.choices(vocabulary, k=rng.randint(12, 30)))
            post["text"] = post["text_normalized"]
            batch.append(post)
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=CHECKPOINTS[-1])
    args = parser.parse_args()
    texts = load_texts()
    state: dict[str, str] = {}
    narratives: set[str] = set()
    done, spent, last_done, last_spent = 0, 0.0, 0, 0.0
    print(f"narrative stage, one core, {len(texts)} source texts")
    for batch in batches(args.posts, texts):
        started = time.perf_counter()
        assign_narratives(batch, state)
        spent += time.perf_counter() - started
        narratives.update(post["narrative_id"] for post in batch)
        done += len(batch)
        if done in CHECKPOINTS or done == args.posts:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rate = (done - last_done) / (spent - last_spent)
            print(f"{done:>9,} posts: {rate:,.0f} posts/s over the last {done - last_done:,}, "
                  f"{done / spent:,.0f} overall; RSS {rss:,.0f} MiB; state {len(state):,} entries; "
                  f"{len(narratives):,} narrative ids assigned")
            last_done, last_spent = done, spent


if __name__ == "__main__":
    main()
