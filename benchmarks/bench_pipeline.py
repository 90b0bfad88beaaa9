"""End-to-end benchmark: pipeline against a no-processing baseline, measured in the same run.

    python benchmarks/bench_pipeline.py [--posts 20000] [--rate 1000] [--seconds 15] [--workers 2]

Baseline: kafka-python produces the records to a topic while one kafka-python consumer reads
them and bulk-indexes them unchanged (no validation, no enrichment). Pipeline: the same records
to posts.raw, through ``pantau worker`` processes (enrich and index agents), into the posts
index. For each, two figures:

- throughput: posts/s from the first publish until the last post is searchable;
- latency at a fixed input rate: p50 and p99 of publish-to-searchable, found by polling the
  index (refresh, then search) every 100 ms.

Publishers and the baseline consumer run in their own processes, as connectors and workers do,
so that no phase shares an interpreter lock with the poller.

Uses KAFKA_BOOTSTRAP_SERVERS / ELASTICSEARCH_URL when set, otherwise starts the local backend.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import orjson
import psutil
from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from kafka import KafkaConsumer

from workload import make_posts  # noqa: E402 - puts the repository on sys.path

from dashboards.elasticsearch import load_mapping  # noqa: E402
from ingestors.publish import make_producer  # noqa: E402
from pantau.clients import elasticsearch_client, kafka_python_config  # noqa: E402
from pantau.config import load_settings  # noqa: E402
from pantau.demo import start_workers, stop_workers  # noqa: E402
from pantau.provision import provision  # noqa: E402
from pantau.runtime import backends, setup_logging  # noqa: E402
from streams import topics  # noqa: E402

def publish_at_rate(topic: str, records: list[dict], rate: float | None, results: multiprocessing.Queue) -> None:
    """Publish records in order, at ``rate`` per second (None: as fast as possible).

    Runs in its own process, like a connector; puts {seq: wall-clock send time} on ``results``.
    """
    producer = make_producer(load_settings())
    sent_at = {}
    started = time.time()
    for n, post in enumerate(records):
        if rate:
            delay = started + n / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        sent_at[post["bench_seq"]] = time.time()
        producer.send(topic, key=post["uid"].encode(), value=orjson.dumps(post))
    producer.flush()
    producer.close()
    results.put(sent_at)


def watch_count(es: Elasticsearch, index: str, total: int, timeout: float) -> float:
    """Poll the index (refresh, count: cheap) until it holds ``total`` posts; return the time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        es.indices.refresh(index=index)
        now = time.time()
        if es.count(index=index)["count"] >= total:
            return now
        time.sleep(0.1)
    raise TimeoutError(f"{index} did not reach {total} posts in {timeout:.0f}s")


def watch_searchable(es: Elasticsearch, index: str, total: int, first_seq: int, timeout: float) -> dict[int, float]:
    """Poll the index until ``total`` posts from ``first_seq`` on are searchable; return seq -> time seen."""
    seen: dict[int, float] = {}
    low = first_seq
    deadline = time.monotonic() + timeout
    while len(seen) < total and time.monotonic() < deadline:
        es.indices.refresh(index=index)
        now = time.time()
        result = es.search(index=index, size=10_000, source=["bench_seq"],
                           query={"range": {"bench_seq": {"gte": low, "lt": first_seq + total}}})
        for hit in result["hits"]["hits"]:
            seen.setdefault(hit["_source"]["bench_seq"], now)
        while low in seen:
            low += 1
        time.sleep(0.1)
    return seen


def baseline_consumer(topic: str, index: str, total: int) -> None:
    """Consume and bulk-index unchanged records: the no-processing baseline (its own process)."""
    settings = load_settings()
    consumer = KafkaConsumer(topic, **kafka_python_config(settings), group_id=f"{topic}-baseline",
                             auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=1000)
    es = elasticsearch_client(settings)
    done = 0
    while done < total:
        batches = consumer.poll(timeout_ms=200, max_records=1000)
        records = [record for batch in batches.values() for record in batch]
        if not records:
            continue
        actions = ({"_index": index, "_id": orjson.loads(r.value)["uid"], "_source": r.value} for r in records)
        bulk(es, actions, chunk_size=1000)
        consumer.commit()
        done += len(records)
    consumer.close()
    es.close()


def summarise(name: str, sent_at: dict, seen: dict, seconds: float) -> dict:
    latencies = sorted(seen[s] - sent_at[s] for s in seen if s in sent_at)
    posts = len(seen) if seen else len(sent_at)
    figures = {"name": name, "posts": posts, "seconds": seconds, "rate": posts / seconds if seconds else 0}
    if latencies:
        figures["p50"] = statistics.median(latencies)
        figures["p99"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return figures


def run_phase(es, name, topic, index, records, rate, baseline=False, timeout=300.0) -> dict:
    """Publish ``records`` (and, for the baseline, consume them) in child processes; time it.

    With a ``rate``, each post's latency is measured (polling by search); without, only the
    time until all are searchable (polling by count, so that polling costs the backend little).
    """
    already = es.count(index=index)["count"]
    results: multiprocessing.Queue = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=publish_at_rate, args=(topic, records, rate, results))]
    if baseline:
        processes.append(multiprocessing.Process(target=baseline_consumer, args=(topic, index, len(records))))
    started = time.time()
    for process in processes:
        process.start()
    if rate:
        seen = watch_searchable(es, index, len(records), records[0]["bench_seq"], timeout)
        elapsed = max(seen.values(), default=started) - started
    else:
        elapsed = watch_count(es, index, already + len(records), timeout) - started
        seen = {}
    sent_at = results.get(timeout=60)
    for process in processes:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
    return summarise(name, sent_at, seen, elapsed)


def backend_cpu_seconds() -> float:
    """CPU seconds used so far by local noida-db processes (0 with an external cluster)."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] == "noida-db" and process.info["cpu_times"]:
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def cpu_of(processes: list[psutil.Process]) -> float:
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def measure_baseline(es, settings, throughput_set, latency_set, rate) -> list[dict]:
    """Raw produce, consume and bulk-index of the same records, with no processing."""
    topic, index = settings.topic("baseline"), settings.index("baseline")
    # The same mapping as pantau's posts index: what the baseline leaves out is the processing,
    # not the cost of indexing into an analysed mapping.
    body = load_mapping("posts")
    body["mappings"]["properties"]["bench_seq"] = {"type": "long"}
    es.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
    backend_before = backend_cpu_seconds()
    throughput = run_phase(es, "baseline throughput", topic, index, throughput_set, None, baseline=True)
    throughput["backend_cpu"] = backend_cpu_seconds() - backend_before
    return [throughput, run_phase(es, "baseline latency", topic, index, latency_set, rate, baseline=True)]


def measure_pipeline(es, settings, warm_up, throughput_set, latency_set, rate, workers) -> tuple[list[dict], float]:
    """The same records through posts.raw and ``pantau worker`` processes; also their memory."""
    provision(settings)
    # Create the monthly posts indices the records go to now, so that the mapping reaches each.
    for month in {settings.posts_index_for(p["created_at"]) for p in warm_up + throughput_set + latency_set}:
        es.options(ignore_status=400).indices.create(index=month)  # 400: it exists
    es.indices.put_mapping(index=settings.index("posts"), properties={"bench_seq": {"type": "long"}})
    processes = start_workers(settings, workers, Path(".pantau/logs/bench"))
    topic, index = settings.topic(topics.RAW), settings.index("posts")
    try:
        # Warm up: one post all the way through (start_workers waited until they had joined).
        run_phase(es, "warm-up", topic, index, warm_up, None)
        workers_ps = [psutil.Process(p.pid) for p in processes]
        backend_before, workers_before = backend_cpu_seconds(), cpu_of(workers_ps)
        throughput = run_phase(es, "pipeline throughput", topic, index, throughput_set, None)
        throughput["backend_cpu"] = backend_cpu_seconds() - backend_before
        throughput["workers_cpu"] = cpu_of(workers_ps) - workers_before
        results = [throughput, run_phase(es, "pipeline latency", topic, index, latency_set, rate)]
        rss = sum(psutil.Process(p.pid).memory_info().rss for p in processes) / workers / 2**20
    finally:
        stop_workers(processes)
    return results, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000, help="posts for the throughput phase")
    parser.add_argument("--rate", type=float, default=200, help="input posts/s for the latency phase")
    parser.add_argument("--seconds", type=float, default=15, help="length of the latency phase")
    parser.add_argument("--workers", type=int, default=2, help="pantau worker processes")
    args = parser.parse_args()
    setup_logging("WARNING")
    run = uuid.uuid4().hex[:8]
    os.environ.update(PANTAU_TOPIC_PREFIX=f"bench{run}.", PANTAU_INDEX_PREFIX=f"bench{run}-",
                      PANTAU_CONSUMER_GROUP=f"bench{run}")
    records = make_posts(args.posts + int(args.rate * args.seconds) + 1, run)
    warm_up, throughput_set, latency_set = records[:1], records[1:args.posts + 1], records[args.posts + 1:]
    # Each side gets a fresh local backend (when no cluster is given), so neither pays for the
    # other's data.
    with backends(load_settings(), fresh=True, data_dir=Path(".pantau/noida/bench")) as settings, \
            elasticsearch_client(settings) as es:
        results = measure_baseline(es, settings, throughput_set, latency_set, args.rate)
    with backends(load_settings(), fresh=True, data_dir=Path(".pantau/noida/bench")) as settings, \
            elasticsearch_client(settings) as es:
        pipeline, rss = measure_pipeline(es, settings, warm_up, throughput_set, latency_set, args.rate, args.workers)
        results += pipeline

    print(f"\nend-to-end benchmark: {args.posts} posts for throughput; {len(latency_set)} posts at "
          f"{args.rate:.0f}/s for latency; {args.workers} pantau workers; backend "
          f"{'local noida-db' if settings.kafka_bootstrap_servers.startswith('127.0.0.1') else settings.kafka_bootstrap_servers}")
    print(f"{'phase':<22}{'posts':>8}{'seconds':>9}{'posts/s':>10}{'p50 s':>8}{'p99 s':>8}")
    for r in results:
        print(f"{r['name']:<22}{r['posts']:>8}{r['seconds']:>9.2f}{r['rate']:>10.0f}"
              f"{r.get('p50', float('nan')):>8.2f}{r.get('p99', float('nan')):>8.2f}")
    base, pipe = results[0]["rate"], results[2]["rate"]
    print(f"pipeline / baseline throughput: {pipe / base:.2f}  (target >= 0.5)")
    print(f"worker resident memory: {rss:.0f} MiB each")
    base_cpu, pipe_cpu = results[0].get("backend_cpu", 0), results[2].get("backend_cpu", 0)
    if base_cpu and pipe_cpu:
        per_post = 1000 / args.posts
        print(f"CPU per 1000 posts, throughput phase: pantau workers {results[2]['workers_cpu'] * per_post:.2f} s; "
              f"local backend {pipe_cpu * per_post:.2f} s (baseline run: {base_cpu * per_post:.2f} s)")


if __name__ == "__main__":
    main()
