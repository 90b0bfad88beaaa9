"""``pantau reprocess``: re-enrich a time range from the raw topic or a file, update in place."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from enrichers.stage import ENRICHMENT_VERSION
from ingestors.publish import publish
from pantau.provision import provision
from pantau.reprocess import parse_when, raw_topic_records, reprocess

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def raw(n: int, day: int) -> bytes:
    return orjson.dumps({"uid": f"x:{n}", "text": f"Diskominfo Kalsel: pesan berantai soal vaksin itu hoaks {n}",
                         "created_at": f"2026-11-{day:02d}T08:00:00Z"})


def test_when_accepts_dates_datetimes_and_spans_back_from_now():
    assert parse_when("2026-11-01") == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert parse_when("2026-11-01T07:00:00+07:00") == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert parse_when("48h", now=NOW) == datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    assert parse_when("7d", now=NOW) == datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="48h"):
        parse_when("last tuesday")


def test_reprocess_from_the_raw_topic_updates_the_range_in_place_and_keeps_later_fields(settings, es):
    provision(settings)
    index = settings.index("posts")
    records = [raw(n, day=10 + n % 3) for n in range(30)] + [b"{not json"]
    for record in records[:-1]:  # what an older enrichment wrote, plus a field a later stage added
        doc = orjson.loads(record) | {"enrichment_version": "0-old", "narrative_id": "n-1"}
        es.index(index=settings.posts_index_for(doc["created_at"]), id=doc["uid"], document=doc)
    publish(settings, records)

    since, until = parse_when("2026-11-11"), parse_when("2026-11-12")
    counts = reprocess(settings, raw_topic_records(settings, since), since, until, batch_size=7)

    assert (counts.updated, counts.out_of_range, counts.invalid, counts.failed) == (10, 20, 1, 0)
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 30
    hits = es.search(index=index, size=100)["hits"]["hits"]
    by_version = {}
    for hit in hits:
        by_version.setdefault(hit["_source"]["enrichment_version"], []).append(hit["_source"])
    assert len(by_version[ENRICHMENT_VERSION]) == 10 and len(by_version["0-old"]) == 20
    for doc in by_version[ENRICHMENT_VERSION]:
        assert doc["created_at"].startswith("2026-11-11")
        assert doc["narrative_id"] == "n-1" and doc["language"]["code"] == "id"


def test_reprocess_command_reads_a_file(settings, es, tmp_path):
    provision(settings)
    source = tmp_path / "backfill.jsonl"
    source.write_bytes(b"\n".join(raw(n, day=20) for n in range(5)) + b"\n")
    done = subprocess.run([sys.executable, "-m", "pantau", "reprocess", "--since", "2026-11-20",
                           "--until", "2026-11-21", "--file", str(source)],
                          cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "re-enriched and updated 5 posts" in done.stdout
    es.indices.refresh(index=settings.index("posts"))
    assert es.count(index=settings.index("posts"))["count"] == 5

    bad = subprocess.run([sys.executable, "-m", "pantau", "reprocess", "--since", "yesterday-ish"],
                         cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "48h" in bad.stderr
