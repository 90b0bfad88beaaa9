"""The enrich stage alone, every model on, over a realistic mix, on one or more cores.

    python benchmarks/bench_enrich.py [--posts 40000] [--processes 2]

The mix is drawn from the sample posts: about 70 % Indonesian, 20 % English, 10 % other
(Malay, Javanese, Sundanese, Banjar). Every other post repeats a sample text verbatim (viral
reshares and copy-paste forwards: about half of real volume); the rest get a unique tail, so
that nothing is cached for them. The posts are split between ``--processes`` worker processes
by uid, as Kafka partitions split them between workers; each process loads the models before
the clock starts, then enriches its share in batches of 1000.

Printed, not asserted: posts/s over the whole mix (all processes together); distinct texts/s
(a second pass in which every text is new); the resident memory of one worker process (peak,
models included).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import time
import zlib

import orjson

from workload import SAMPLE, read_records  # puts the repository on sys.path

from enrichers import stage  # noqa: E402

MIX = {"id": 0.70, "en": 0.20, "other": 0.10}


def make_mix(count: int, run: str, reshare_share: float = 0.5) -> list[bytes]:
    """``count`` posts in the MIX proportions; ``reshare_share`` of them repeat a sample text verbatim."""
    templates: dict[str, list[dict]] = {"id": [], "en": [], "other": []}
    for line in read_records(SAMPLE):
        post = orjson.loads(line)
        lang = post.get("lang_hint")
        templates[lang if lang in ("id", "en") else "other"].append(post)
    rng = random.Random(0)
    groups, weights = list(MIX), list(MIX.values())
    posts = []
    for seq in range(count):
        post = dict(rng.choice(templates[rng.choices(groups, weights)[0]]), uid=f"bench:{run}-{seq}")
        post.pop("platform", None), post.pop("native_id", None)
        if rng.random() >= reshare_share:
            post["text"] = f"{post['text']} (#{run}{seq})"
        posts.append(orjson.dumps(post))
    return posts


def _work(args: tuple[list[bytes], multiprocessing.Barrier]) -> tuple[float, int]:
    records, barrier = args
    stage.enrich_records(make_mix(200, "warm"))  # load every model outside the timing
    barrier.wait()
    started = time.perf_counter()
    for start in range(0, len(records), 1000):
        stage.enrich_records(records[start:start + 1000])
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(records: list[bytes], processes: int) -> tuple[float, int]:
    """Enrich ``records`` split by uid over ``processes`` fresh processes: (seconds, peak RSS KiB)."""
    shares: list[list[bytes]] = [[] for _ in range(processes)]
    for record in records:
        shares[zlib.crc32(orjson.loads(record)["uid"].encode()) % processes].append(record)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            results = pool.map(_work, [(share, barrier) for share in shares])
    return max(seconds for seconds, _ in results), max(rss for _, rss in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=40_000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(f"enrich stage {stage.ENRICHMENT_VERSION}, {args.processes} process(es), mix {MIX}")

    seconds, rss = run(make_mix(args.posts, "mix"), args.processes)
    print(f"  whole mix, half reshares: {args.posts} posts in {seconds:.1f}s = {args.posts / seconds:,.0f} posts/s")
    distinct = args.posts // 2
    seconds, rss2 = run(make_mix(distinct, "new", reshare_share=0.0), args.processes)
    print(f"  every text new:           {distinct} posts in {seconds:.1f}s = {distinct / seconds:,.0f} distinct texts/s")
    print(f"  peak resident memory of one worker process: {max(rss, rss2) / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
