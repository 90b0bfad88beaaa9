"""Throughput of enrichers.normalize.normalize on one core, in short posts per second.

    python benchmarks/bench_normalize.py [--posts 50000] [--repeat 3]

Posts are synthetic but realistic (seeded): 8-30 tokens drawn from informal and formal Indonesian
words, elongated and digit-spelled words, reduplication, URLs, mentions, hashtags, emoji and
punctuation, so that nearly every post is unique while words repeat as in a real stream. The
process is pinned to one CPU where the OS allows it. The first pass (cold token cache) and the
best of the following passes (warm cache, the steady state of a worker) are both printed.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from enrichers import normalize as N  # noqa: E402

WORDS = (
    "vaksin hoaks berita pemerintah presiden covid jakarta polisi banjir gempa tsunami chip "
    "mengandung bahaya awas waspada jangan percaya sebarkan viral info dari grup sebelah "
    "katanya beneran ini itu ada yang sudah belum tidak bisa mau tolong cek fakta"
).split()
INFORMAL = "gk ga gak nggak yg bgt dgn udh udah blm sy aja emg krn org utk tdk kalo gimana tp jd lg".split()
FANCY = ["bangeeeet", "hoaaaks", "s4y4", "b3r1t4", "anak2", "hati2", "wkwkwk", "parahhh", "yaaa"]
EXTRA = ["https://t.co/AbC123", "bit.ly/hoaks", "@KominfoRI", "#HoaksCovid", "#Vaksin",
         "😂", "🔥🔥", "!!!", "?", ",", "."]


def make_posts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    pools = [WORDS] * 6 + [INFORMAL] * 3 + [FANCY, EXTRA]
    posts = []
    for _ in range(n):
        k = rnd.randint(8, 30)
        toks = [rnd.choice(rnd.choice(pools)) for _ in range(k)]
        if rnd.random() < 0.3:
            toks[0] = toks[0].capitalize()
        toks.append(str(rnd.randint(0, 10**6)))  # make posts unique
        posts.append(" ".join(toks))
    return posts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass
    posts = make_posts(args.posts)
    avg_chars = sum(map(len, posts)) / len(posts)
    normalize = N.normalize
    N._map_token.cache_clear()
    N._map_chunk.cache_clear()
    rates = []
    for _ in range(1 + args.repeat):
        t0 = time.perf_counter()
        for p in posts:
            normalize(p)
        rates.append(len(posts) / (time.perf_counter() - t0))
    print(f"posts: {len(posts)}, average {avg_chars:.0f} characters")
    print(f"cold cache: {rates[0]:,.0f} posts/s")
    print(f"warm cache (best of {args.repeat}): {max(rates[1:]):,.0f} posts/s on one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
