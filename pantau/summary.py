"""The short summary printed after a run: posts by language and platform, top hashtags, dead letters."""

from __future__ import annotations

import collections

import orjson
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer, TopicPartition

from pantau.clients import kafka_python_config
from pantau.config import Settings
from streams import topics


def index_summary(es: Elasticsearch, index: str, top: int = 10) -> dict:
    """Counts from the posts index: total, by language, by platform, top hashtags."""
    es.indices.refresh(index=index)
    result = es.search(index=index, size=0, track_total_hits=True, aggs={
        "language": {"terms": {"field": "language.code", "size": 20}},
        "platform": {"terms": {"field": "platform", "size": 20}},
        "hashtags": {"terms": {"field": "hashtags", "size": top}},
    })
    buckets = {name: [(b["key"], b["doc_count"]) for b in agg["buckets"]]
               for name, agg in result["aggregations"].items()}
    return {"total": result["hits"]["total"]["value"], **buckets}


def read_dead_letters(settings: Settings, timeout_s: float = 2.0) -> list[dict]:
    """Every dead letter in the dlq topic, oldest first per partition, each source record once.

    A worker that stops before committing hands its last records to another, which dead-letters
    them again: letters with the same stage and source offset are one refusal.
    """
    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False,
                             consumer_timeout_ms=int(timeout_s * 1000))
    try:
        topic = settings.topic(topics.DLQ)
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        letters: dict = {}
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    letter = orjson.loads(record.value)
                    source = letter.get("source") or {}
                    if source.get("offset") is None:  # refused before it reached a topic: always its own
                        identity = ("unplaced", len(letters))
                    else:
                        identity = (letter["stage"], source["topic"], source["partition"], source["offset"])
                    letters.setdefault(identity, letter)
        return list(letters.values())
    finally:
        consumer.close()


def format_summary(counts: dict, letters: list[dict]) -> str:
    """Plain-text summary for the terminal."""
    def row(pairs):
        return ", ".join(f"{key} {count}" for key, count in pairs) or "-"

    reasons = collections.Counter(f"{letter['stage']}: {letter['reason']}" for letter in letters)
    lines = [
        f"posts indexed:   {counts['total']}",
        f"by language:     {row(counts['language'])}",
        f"by platform:     {row(counts['platform'])}",
        f"top hashtags:    {row(('#' + tag, n) for tag, n in counts['hashtags'])}",
        f"dead-lettered:   {len(letters)}",
    ]
    lines += [f"  {n} x {reason}" for reason, n in reasons.most_common()]
    return "\n".join(lines)
