"""Re-enrich the posts of a time range and update them in place in Elasticsearch.

When a model or a lexicon changes (``enrichers.stage.ENRICHMENT_VERSION`` says which one
produced a post), ``pantau reprocess`` reads the raw posts again, from the raw topic or from
JSON Lines files, runs them through the same :func:`enrichers.stage.enrich_records` as the
stream, and writes them back under their uid (in the monthly index of their ``created_at``) as
partial updates: the enrichment fields are replaced, fields that later stages added to the
document are kept, and nothing is duplicated.

Reading the raw topic does not join the workers' consumer group and commits nothing: each
partition is read from the first record produced at or after ``since`` (a post cannot be
collected before it was written, so no post of the range lies before it) up to the end it had
when the command started. Posts whose ``created_at`` falls outside ``[since, until)`` are
skipped. Records that are not valid posts were dead-lettered when the stream first saw them;
here they are only counted.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Iterable, Iterator

from kafka import KafkaConsumer, TopicPartition

from enrichers.stage import enrich_records
from pantau.clients import async_elasticsearch_client, kafka_python_config
from pantau.config import Settings
from streams import topics
from streams.indexer import BulkPolicy, index_batch

_RELATIVE = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass
class ReprocessCounts:
    """What one run did: posts updated, skipped for their time, refused as invalid, failed to index."""

    updated: int = 0
    out_of_range: int = 0
    invalid: int = 0
    failed: int = 0


def parse_when(value: str, now: datetime | None = None) -> datetime:
    """An ISO date or date-time (UTC unless it says otherwise), or a span back from now: 30m, 48h, 7d."""
    now = now or datetime.now(timezone.utc)
    if match := _RELATIVE.match(value.strip()):
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a time: use an ISO date such as 2026-11-01, "
                         "a date-time such as 2026-11-01T06:00:00+07:00, or 30m, 48h, 7d") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def raw_topic_records(settings: Settings, since: datetime) -> Iterator[bytes]:
    """The raw topic's records produced at or after ``since``, up to its end when called."""
    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False,
                             group_id=None, consumer_timeout_ms=10_000)
    try:
        topic = settings.topic(topics.RAW)
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        starts = consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in partitions})
        remaining = set()
        for tp in partitions:
            start = starts[tp].offset if starts.get(tp) else ends[tp]
            if start < ends[tp]:
                consumer.seek(tp, start)
                remaining.add(tp)
        while remaining:
            batch = consumer.poll(timeout_ms=1000, max_records=2000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset < ends[tp]:
                        yield message.value
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        consumer.close()


def _created_at(doc: dict) -> datetime:
    return datetime.fromisoformat(doc["created_at"].replace("Z", "+00:00"))


async def _reprocess(settings: Settings, records: Iterable[bytes | str], since: datetime,
                     until: datetime, batch_size: int) -> ReprocessCounts:
    counts = ReprocessCounts()
    es = async_elasticsearch_client(settings)
    policy = BulkPolicy.from_settings(settings)
    records = iter(records)
    try:
        while batch := list(islice(records, batch_size)):
            result = enrich_records(batch)
            counts.invalid += len(result.failures)
            docs = {}
            for doc in result.outputs:
                if since <= _created_at(doc) < until:
                    docs[doc["uid"]] = doc
                else:
                    counts.out_of_range += 1
            months = {uid: settings.posts_index_for(doc["created_at"]) for uid, doc in docs.items()}
            failures = await index_batch(es, months, docs, policy, merge=True)
            counts.failed += len(failures)
            counts.updated += len(docs) - len(failures)
    finally:
        await es.close()
    return counts


def reprocess(settings: Settings, records: Iterable[bytes | str], since: datetime, until: datetime,
              batch_size: int = 1000) -> ReprocessCounts:
    """Re-enrich ``records`` created in ``[since, until)`` and update them in place; return counts."""
    return asyncio.run(_reprocess(settings, records, since, until, batch_size))
