"""Narratives on the real backend: several workers and partitions, a crash, the narratives index.

The labelled evaluation set goes through the whole pipeline. Its grouping in the index must be
the one a single process computes offline (``pantau narratives FILE``: the same function, one
worker's view), once the index has followed every merge.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import orjson

from ingestors.publish import publish
from pantau.narratives_cli import read_posts
from pantau.provision import provision

REPO = Path(__file__).resolve().parents[2]
EVAL_SET = REPO / "data/eval/narratives.jsonl"


def partition_of(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for uid, narrative in mapping.items():
        groups[narrative].add(uid)
    return {frozenset(g) for g in groups.values()}


def indexed_narratives(es, index: str) -> dict[str, str]:
    es.indices.refresh(index=index)
    hits = es.search(index=index, size=10_000, source=["uid", "narrative_id"])["hits"]["hits"]
    return {h["_source"]["uid"]: h["_source"].get("narrative_id") for h in hits}


def offline_narratives(tmp_path: Path) -> dict[str, str]:
    """{uid: narrative} of the evaluation set from ``pantau narratives FILE``, in a process of its own
    (the test process's caches have seen other tests' posts)."""
    out = tmp_path / "offline.jsonl"
    subprocess.run([sys.executable, "-m", "pantau", "narratives", str(EVAL_SET), "-o", str(out)], cwd=REPO,
                   check=True, capture_output=True, timeout=300)
    return {post["uid"]: post["narrative_id"] for post in map(orjson.loads, out.read_bytes().splitlines())}


def test_two_workers_with_a_crash_group_like_one_process_and_the_index_follows(settings, start_worker, es,
                                                                               wait_for, tmp_path):
    assert settings.topic_partitions > 1
    provision(settings)
    records = [line for line in EVAL_SET.read_bytes().splitlines() if line.strip()]
    expected = partition_of(offline_narratives(tmp_path))
    posts_index, narratives_index = settings.index("posts"), settings.index("narratives")

    start_worker("worker-0", members=1)
    second = start_worker("worker-1", members=2)
    third = len(records) // 3
    publish(settings, records[:third])
    wait_for(lambda: len(indexed_narratives(es, posts_index)) >= third // 2, 120, "the first posts")
    second.send_signal(signal.SIGKILL)  # a crash in mid-stream: no graceful commit
    second.wait()
    publish(settings, records[third:])
    start_worker("worker-1")  # comes back with the same id and restores the table if it owns it

    wait_for(lambda: len(indexed_narratives(es, posts_index)) >= len(records), 240, "every post indexed")
    try:
        wait_for(lambda: partition_of(indexed_narratives(es, posts_index)) == expected, 240,
                 "the index to hold the offline grouping, merges followed")
    finally:
        actual = indexed_narratives(es, posts_index)
        for group in partition_of(actual) ^ expected:
            print(sorted(group)[:6], len(group), "in the index" if group in partition_of(actual) else "offline",
                  {actual.get(u) for u in group})

    # The narratives index: one summary per narrative of two or more posts, counting all its posts.
    # (Ids may differ from the offline run's: a narrative is named after the post that founded it.)
    labels = indexed_narratives(es, posts_index)
    wanted = {labels[next(iter(g))]: len(g) for g in expected if len(g) >= 2}
    try:
        wait_for(lambda: _summaries(es, narratives_index) == wanted, 240, "every summary to count its posts")
    finally:
        got = _summaries(es, narratives_index)
        print({k: (got.get(k), wanted.get(k)) for k in set(got) | set(wanted) if got.get(k) != wanted.get(k)})
    stubs = es.search(index=narratives_index, size=10_000, query={"exists": {"field": "merged_into"}})["hits"]["hits"]
    merged_into = {stub["_id"]: stub["_source"]["merged_into"] for stub in stubs}
    for stub in merged_into:  # every merged id leads, through later merges, to a live narrative
        survivor = stub
        while survivor in merged_into:
            survivor = merged_into[survivor]
        assert survivor in wanted


def _summaries(es, index: str) -> dict[str, int]:
    es.indices.refresh(index=index)
    hits = es.search(index=index, size=10_000, query={"bool": {"must_not": [{"exists": {"field": "merged_into"}}]}},
                     source=["id", "post_count"])["hits"]["hits"]
    return {h["_source"]["id"]: h["_source"]["post_count"] for h in hits}


def test_the_analyst_commands_read_the_narratives_index(settings, start_worker, es, wait_for):
    provision(settings)
    posts = read_posts(REPO / "data/sample/posts.jsonl")
    publish(settings, [orjson.dumps(p) for p in posts])
    start_worker()
    index = settings.index("narratives")

    def biggest() -> dict | None:
        es.indices.refresh(index=index)
        hits = es.search(index=index, size=1, sort=[{"post_count": "desc"}])["hits"]["hits"]
        return hits[0]["_source"] if hits else None

    wait_for(lambda: len(indexed_narratives(es, settings.index("posts"))) >= len(posts), 180, "the sample posts")
    wait_for(lambda: (biggest() or {}).get("post_count", 0) >= 20, 120, "a narrative summary")
    doc = biggest()
    assert doc["verdict"] and doc["claim"]["id"].startswith("sample-")

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "pantau", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # The sample posts are from 2026-11-20..22: "top" looks back far enough to see them.
    top = run("narratives", "top", "--since", str(24 * 3650))
    assert doc["id"] in top and doc["verdict"] in top
    shown = run("narrative", doc["id"])
    assert doc["id"] in shown and doc["claim"]["url"] in shown
    assert doc["first_posters"][0]["uid"] in shown
