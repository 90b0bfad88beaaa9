"""Publishes raw post records to posts.raw with kafka-python, keyed by uid."""

from __future__ import annotations

from typing import Iterable

from kafka import KafkaProducer

from ingestors.file_replay import record_key
from pantau.clients import kafka_python_config
from pantau.config import Settings
from pantau.deadletter import dead_letter
from pantau.post import MAX_RECORD_BYTES
from streams import topics


def make_producer(settings: Settings) -> KafkaProducer:
    """A producer tuned for throughput that still waits for the broker's acknowledgement."""
    return KafkaProducer(**kafka_python_config(settings), acks="all", linger_ms=20,
                         batch_size=256 * 1024, max_request_size=2 * 1024 * 1024, retries=10,
                         compression_type="gzip")


def publish(settings: Settings, records: Iterable[bytes], producer: KafkaProducer | None = None) -> int:
    """Send every record to posts.raw and wait until all are acknowledged; return the count.

    A record over the size any stage accepts (pantau.post.MAX_RECORD_BYTES) goes straight to
    the dead-letter topic instead, with its first 100 KB and its size: Kafka would refuse it.
    """
    own = producer is None
    producer = producer or make_producer(settings)
    topic = settings.topic(topics.RAW)
    count = 0
    try:
        for record in records:
            if len(record) > MAX_RECORD_BYTES:
                reason = f"record too large: {len(record)} bytes (max {MAX_RECORD_BYTES}); kept: first 100 KB"
                producer.send(settings.topic(topics.DLQ), value=dead_letter(record[:100_000], stage="publish",
                                                                          reason=reason))
            else:
                producer.send(topic, key=record_key(record), value=record)
            count += 1
        producer.flush()
    finally:
        if own:
            producer.close()
    return count
