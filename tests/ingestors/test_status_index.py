"""Connector status snapshots in the connectors index."""

from __future__ import annotations

import logging
from datetime import datetime

from elasticsearch import Elasticsearch

from dashboards.elasticsearch import ensure_indices
from ingestors.state import BatchCounts, StateStore, Status
from ingestors.status_index import StatusSnapshots, snapshot_id, status_document

FIELDS = {"name", "type", "state", "paused", "at", "last_success", "last_error_at", "last_error_kind",
          "last_error", "consecutive_errors", "backoff_seconds", "items_per_minute", "fetched", "published",
          "duplicates", "dead_lettered", "errors", "errors_total", "checkpoint"}


class Clock:
    def __init__(self, now: float = 1_800_000_010.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_status_document_has_the_mapping_fields_with_iso_dates():
    status = Status("rss-a", state="failing", last_success=1_800_000_000.0, last_error_at=1_800_000_005.5,
                    last_error_kind="server", last_error="HTTP 503", consecutive_errors=2, backoff_seconds=4,
                    errors={"server": 2, "mapping": 3}, checkpoint=["not", "an", "object"], fetched=5)
    doc = status_document(status, "rss", 1_800_000_010.0)
    assert set(doc) == FIELDS
    assert doc["at"] == "2027-01-15T08:00:10+00:00"
    assert datetime.fromisoformat(doc["last_success"]).timestamp() == 1_800_000_000.0
    assert datetime.fromisoformat(doc["last_error_at"]).timestamp() == 1_800_000_005.5
    assert (doc["type"], doc["errors_total"], doc["backoff_seconds"]) == ("rss", 5, 4.0)
    assert doc["checkpoint"] == {"value": ["not", "an", "object"]}
    never = status_document(Status("b"), "mastodon", 1_800_000_010.0)
    assert never["last_success"] is None and never["errors_total"] == 0 and never["checkpoint"] is None
    assert snapshot_id("rss-a", 1_800_000_059.9, 60) == snapshot_id("rss-a", 1_800_000_000.0, 60) == "rss-a:1800000000"


def test_snapshots_index_one_document_per_connector_per_interval(settings, es, tmp_path):
    ensure_indices(es, settings)
    index = settings.index("connectors")
    clock = Clock()
    state = StateStore.in_dir(tmp_path, clock=clock)
    state.ensure(["rss-a", "masto-b"])
    state.commit("rss-a", {"etag": "x1"}, ["1", "2"], BatchCounts(fetched=3, published=2, duplicates=1))
    state.record_error("masto-b", "server", "HTTP 503 from example.org", 4.0, failing=False)
    state.record_error("masto-b", "rate_limited", "HTTP 429 from example.org", 8.0, failing=False)
    snapshots = StatusSnapshots(state, es, index, types={"rss-a": "rss", "masto-b": "mastodon"}, clock=clock)

    assert snapshots.snapshot() == 2
    clock.now += 20  # the same minute: replaces, never duplicates
    state.commit("rss-a", {"etag": "x2"}, ["3"], BatchCounts(fetched=1, published=1))
    assert snapshots.snapshot() == 2
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 2
    hits = {hit["_id"]: hit["_source"] for hit in es.search(index=index, size=10)["hits"]["hits"]}
    assert set(hits) == {"rss-a:1800000000", "masto-b:1800000000"}
    a, b = hits["rss-a:1800000000"], hits["masto-b:1800000000"]
    assert set(a) == FIELDS and set(b) == FIELDS
    assert (a["type"], a["state"], a["fetched"], a["published"], a["duplicates"]) == ("rss", "running", 4, 3, 1)
    assert a["checkpoint"] == {"etag": "x2"} and a["paused"] is False and a["errors_total"] == 0
    assert datetime.fromisoformat(a["at"]).timestamp() == clock.now
    assert (b["type"], b["state"], b["last_error_kind"], b["consecutive_errors"]) == ("mastodon", "backing-off",
                                                                                   "rate_limited", 2)
    assert b["errors"] == {"rate_limited": 1, "server": 1} and b["errors_total"] == 2
    assert b["backoff_seconds"] == 8.0 and isinstance(b["items_per_minute"], float)

    # The next interval is a new point in the series; the mapped types answer queries.
    clock.now += 60
    snapshots.stop()  # the last snapshot, at stop
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 4
    assert es.count(index=index, query={"term": {"type": "mastodon"}})["count"] == 2
    assert es.count(index=index, query={"range": {"errors_total": {"gte": 2}}})["count"] == 2
    assert es.count(index=index, query={"range": {"at": {"gte": "2027-01-15T08:01:00Z"}}})["count"] == 2


def test_an_unreachable_elasticsearch_is_a_warning_not_an_error(tmp_path, caplog):
    state = StateStore.in_dir(tmp_path)
    state.ensure(["rss-a"])
    with Elasticsearch("http://127.0.0.1:9", max_retries=0, request_timeout=2) as dead:
        snapshots = StatusSnapshots(state, dead, "nowhere", interval=0.05).start()
        with caplog.at_level(logging.WARNING, logger="ingestors.status_index"):
            snapshots.stop()
    assert snapshots.snapshot() == 0
    assert "not indexed into nowhere" in caplog.text
