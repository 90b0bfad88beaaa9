"""Dead letters into Elasticsearch: the pure record -> document function, and the agent end to end."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone

import orjson

from ingestors.publish import make_producer, publish
from pantau.deadletter import dead_letter
from pantau.provision import provision
from streams import topics
from streams.deadletter_index import bulk_chunks, deadletter_document

FIELDS = {"stage", "reason", "failed_at", "source", "connector", "original_text", "original_b64"}
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


def test_a_placed_dead_letter_is_identified_by_its_source_offset():
    record = dead_letter(b'{"uid": "x:1"}', stage="enrich", reason="text: missing", topic="p.posts.raw",
                         partition=2, offset=41)
    doc_id, doc = deadletter_document(record, NOW)
    assert doc_id == "p.posts.raw:2:41"
    assert set(doc) == FIELDS
    assert (doc["stage"], doc["reason"], doc["connector"]) == ("enrich", "text: missing", None)
    assert doc["source"] == {"topic": "p.posts.raw", "partition": 2, "offset": 41}
    assert doc["original_text"] == '{"uid": "x:1"}'
    assert base64.b64decode(doc["original_b64"]) == b'{"uid": "x:1"}'
    assert datetime.fromisoformat(doc["failed_at"]) <= datetime.now(timezone.utc)
    assert deadletter_document(record, NOW)[0] == doc_id  # the same letter again: the same id


def test_a_connector_dead_letter_names_its_connector_and_a_replay_keeps_its_id():
    first = dead_letter(b"<item/>", stage="connector:rss-kompas", reason="no link")
    time.sleep(0.01)
    replayed = dead_letter(b"<item/>", stage="connector:rss-kompas", reason="no link")  # another failed_at
    doc_id, doc = deadletter_document(first, NOW)
    assert doc["connector"] == "rss-kompas" and doc["stage"] == "connector:rss-kompas"
    assert doc["source"] == {"topic": None, "partition": None, "offset": None}
    assert doc_id.startswith("unplaced:") and deadletter_document(replayed, NOW)[0] == doc_id
    other_id, _ = deadletter_document(dead_letter(b"<item/>", stage="connector:rss-kompas", reason="no date"), NOW)
    assert other_id != doc_id


def test_an_unreadable_dead_letter_is_kept_under_stage_unknown():
    for record in (b"\xff\xfe not json", b"[1, 2]", b'{"reason": "no stage"}', b""):
        doc_id, doc = deadletter_document(record, NOW)
        assert set(doc) == FIELDS
        assert (doc["stage"], doc["reason"]) == ("unknown", "unreadable dead letter")
        assert doc["failed_at"] == NOW.isoformat()
        assert base64.b64decode(doc["original_b64"]) == record
        assert deadletter_document(record, NOW)[0] == doc_id
    assert deadletter_document(b"[1]", NOW)[0] != deadletter_document(b"[2]", NOW)[0]


def test_wrong_types_are_dropped_rather_than_refused_by_the_mapping():
    record = orjson.dumps({"stage": "index", "reason": 7, "failed_at": "yesterday",
                           "source": {"topic": "t", "partition": "zero", "offset": True}, "extra": 1})
    doc_id, doc = deadletter_document(record, NOW)
    assert set(doc) == FIELDS and doc["reason"] == "7" and doc["failed_at"] == NOW.isoformat()
    assert doc["source"] == {"topic": "t", "partition": None, "offset": None}
    assert doc_id.startswith("unplaced:")


def test_bulk_chunks_bound_the_request_size():
    docs = {str(n): b"x" * 40 for n in range(10)}
    chunks = bulk_chunks(docs, limit=100)
    assert [len(c) for c in chunks] == [2, 2, 2, 2, 2]
    assert {k: v for c in chunks for k, v in c.items()} == docs
    assert bulk_chunks({"big": b"x" * 500}, limit=100) == [{"big": b"x" * 500}]


MALFORMED = {
    b"this is not json": "not JSON",
    b"[1, 2, 3]": "not a JSON object",
    b'{"text": "tanpa uid", "created_at": "2026-11-01T00:00:00Z"}': "uid: missing",
    b'{"uid": "x:no-time", "text": "halo"}': "created_at: missing",
    b'{"uid": "x:\xff\xfe", "text": "halo", "created_at": "2026-11-01T00:00:00Z"}': "not UTF-8",
}


def test_dead_letters_reach_the_deadletters_index_once_each(settings, start_worker, es, wait_for):
    provision(settings)
    index = settings.index("deadletters")
    raw_topic = settings.topic(topics.RAW)
    valid = orjson.dumps({"uid": "x:ok", "text": "kabar baik", "created_at": "2026-11-01T00:00:00Z"})
    publish(settings, [*MALFORMED, valid])
    # Straight onto the dlq: a letter delivered twice, a connector's letter and garbage.
    twice = dead_letter(b"dup", stage="index", reason="mapping conflict", topic="elsewhere", partition=0, offset=7)
    producer = make_producer(settings)
    for value in (twice, twice, dead_letter(b"<item/>", stage="connector:rss-a", reason="no link"),
                  b"\x00 not a dead letter"):
        producer.send(settings.topic(topics.DLQ), value=value)
    producer.flush()
    producer.close()
    start_worker()
    expected = len(MALFORMED) + 3

    def count() -> int:
        es.indices.refresh(index=index)
        return es.count(index=index)["count"]

    wait_for(lambda: count() >= expected, 120, f"{expected} dead letters in {index}")
    time.sleep(2)  # anything late would be a duplicate
    assert count() == expected, "a dead letter was indexed twice"
    hits = es.search(index=index, size=100, query={"match_all": {}})["hits"]["hits"]
    by_original = {base64.b64decode(hit["_source"]["original_b64"]): hit for hit in hits}
    for original, reason in MALFORMED.items():
        hit = by_original[original]
        source = hit["_source"]
        assert source["stage"] == "enrich" and reason in source["reason"]
        assert source["source"]["topic"] == raw_topic
        assert hit["_id"] == f"{raw_topic}:{source['source']['partition']}:{source['source']['offset']}"
        assert source["connector"] is None
    assert by_original[b"dup"]["_id"] == "elsewhere:0:7"
    assert by_original[b"<item/>"]["_source"]["connector"] == "rss-a"
    garbage = by_original[b"\x00 not a dead letter"]["_source"]
    assert (garbage["stage"], garbage["reason"]) == ("unknown", "unreadable dead letter")
    # The mapping's fields work as mapped: stage and connector are keywords, reason is text.
    enrich = es.count(index=index, query={"term": {"stage": "enrich"}})["count"]
    assert enrich == len(MALFORMED)
    assert es.count(index=index, query={"term": {"connector": "rss-a"}})["count"] == 1
    assert es.count(index=index, query={"match": {"reason": "missing"}})["count"] == 2
