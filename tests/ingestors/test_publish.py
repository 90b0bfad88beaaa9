"""Publishing to posts.raw on the real broker, and what happens to a record too large for it."""

from kafka import KafkaConsumer, TopicPartition

from ingestors.publish import publish
from pantau.clients import kafka_python_config
from pantau.post import MAX_RECORD_BYTES
from pantau.provision import provision
from pantau.summary import read_dead_letters


def test_records_are_keyed_by_uid_and_an_oversized_one_is_dead_lettered(settings):
    provision(settings)
    huge = b'{"uid": "x:huge", "text": "' + b"a" * MAX_RECORD_BYTES + b'"}'
    assert publish(settings, [b'{"uid": "x:1"}', huge, b"garbage"]) == 3

    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False, consumer_timeout_ms=3000)
    topic = settings.topic("posts.raw")
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    received = {record.value: record.key for record in consumer}
    consumer.close()
    assert received == {b'{"uid": "x:1"}': b"x:1", b"garbage": None}

    (letter,) = read_dead_letters(settings)
    assert letter["stage"] == "publish"
    assert letter["reason"].startswith(f"record too large: {len(huge)} bytes")
