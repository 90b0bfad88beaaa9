"""The trend funnel's messages: routed by term, small enough for Kafka, read back whole."""

from __future__ import annotations

import time

from enrichers.trends import aggregate
from streams.narrative_agents import MAX_PACK_BYTES
from streams.trend_agents import partition_for, read_term_message, term_messages


def test_a_big_batch_is_split_under_the_size_limit_and_every_term_reaches_its_partition():
    posts = [{"uid": f"x:{i}", "platform": "x", "author": {"handle": f"u{i}"}, "language": {"code": "id"},
              "created_at": f"2026-11-20T08:{i % 60:02d}:00Z", "text": "kata " * 60,
              "hashtags": [f"tag{i}", f"tag{i % 7}"], "keywords": [f"kata{i}", f"kata{i} lain"]}
             for i in range(3000)]
    found = aggregate(posts, 600, 300)
    messages = list(term_messages(found, 4, now=time.time()))
    assert len(messages) > 4  # more than one message for some partitions
    assert all(len(message) <= MAX_PACK_BYTES + 100 for _, message in messages)
    received = {}
    for partition, message in messages:
        latest, aggregates = read_term_message(message)
        assert latest == max(a.latest for a in found)
        for agg in aggregates:
            assert partition_for(agg.key, 4) == partition
            received[(agg.key, agg.start)] = agg.count
    assert received == {(a.key, a.start): a.count for a in found}


def test_every_partition_hears_the_time_and_the_time_never_passes_the_clock():
    found = aggregate([{"uid": "x:1", "platform": "x", "created_at": "2031-01-01T00:00:00Z",
                        "hashtags": ["masa depan"]}], 600, 300)
    messages = list(term_messages(found, 4, now=1_800_000_000.0))
    assert sorted(partition for partition, _ in messages) == [0, 1, 2, 3]
    assert {read_term_message(message)[0] for _, message in messages} == {1_800_000_000.0}
