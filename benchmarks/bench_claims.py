"""Claim matching: posts/s with a 100- and a 1,000-claim catalogue, and the eval figures.

    python benchmarks/bench_claims.py            # speed + dev/test figures
    python benchmarks/bench_claims.py --sweep    # also the dev threshold sweep used to pick MATCH_THRESHOLD

The extra claims are synthesised by recombining the seed catalogue's vocabulary (random words of
random claims, 6-16 words each, seeded), so the index has the real catalogue's term distribution
at ten times its size. The posts are the sample posts and the eval posts (about 830 distinct
texts), each given a distinct numeric suffix per pass so no whole-text cache helps; the timing
is of ``ClaimMatcher.match_many`` plus ``fact_check_verdict`` on one core, after one warm-up
pass (the first pass, with cold word caches, is printed too).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from enrichers.claims import ClaimMatcher, fact_check_verdict, load_catalogue  # noqa: E402
from enrichers.claims_eval import evaluate, format_report, load_examples  # noqa: E402

EVAL_FILE = ROOT / "data" / "eval" / "claims.jsonl"
SAMPLE_FILE = ROOT / "data" / "sample" / "posts.jsonl"


def synthesise(claims, n: int, seed: int = 2026):
    """``n`` claims: the real ones, then recombinations of their words."""
    rng = random.Random(seed)
    words = [w for c in claims for w in c.claim.split()]
    out = list(claims[:n])
    i = 0
    while len(out) < n:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 16)))
        out.append(replace(claims[i % len(claims)], id=f"synthetic-{len(out)}", claim=text, aliases=()))
        i += 1
    return out


def posts() -> list[str]:
    texts = [orjson.loads(line)["text"] for line in SAMPLE_FILE.open("rb") if line.strip()]
    texts += [e["text"] for e in load_examples(EVAL_FILE)]
    return texts


def speed(matcher: ClaimMatcher, texts: list[str], passes: int = 3) -> tuple[float, float]:
    def one(tag: int) -> float:
        batch = [f"{t} {tag}{i}" for i, t in enumerate(texts)]
        start = time.perf_counter()
        matcher.match_many(batch)
        for t in batch:
            fact_check_verdict(t)
        return len(batch) / (time.perf_counter() - start)

    cold = one(0)
    warm = max(one(p) for p in range(1, passes + 1))
    return cold, warm


def main(argv: list[str]) -> int:
    seed = load_catalogue()
    texts = posts()
    for size in (100, 1000):
        claims = synthesise(seed, size)
        start = time.perf_counter()
        matcher = ClaimMatcher(claims)
        built = time.perf_counter() - start
        cold, warm = speed(matcher, texts)
        print(f"{size:>5} claims: index built in {built:.2f}s; {warm:,.0f} posts/s "
              f"(first pass, cold caches: {cold:,.0f} posts/s) over {len(texts)} posts")
    matcher = ClaimMatcher(seed)
    if "--sweep" in argv:
        dev = load_examples(EVAL_FILE, "dev")
        print("dev sweep: threshold top1 precision recall f1")
        for step in range(25, 81):
            matcher.threshold = step / 100
            r = evaluate(matcher, dev)
            print(f"  {matcher.threshold:.2f} {r['top1_accuracy']:.3f} {r['precision']:.3f} {r['recall']:.3f} "
                  f"{r['f1']:.3f}")
        matcher = ClaimMatcher(seed)
    for split in ("dev", "test"):
        print(f"\n== {split} split ({len(seed)}-claim seed catalogue)")
        print(format_report(evaluate(matcher, load_examples(EVAL_FILE, split)), max_errors=0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
