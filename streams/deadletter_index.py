"""Dead letters into Elasticsearch: the dlq topic -> the ``<prefix>deadletters`` index.

:func:`deadletter_document` is the pure part: one dlq record (the JSON bytes
``pantau.deadletter.dead_letter`` writes) -> ``(_id, document)`` with exactly the fields of
``dashboards/mappings/deadletters.json``. :func:`register_deadletter_agent` defines the
``deadletters`` agent, which feeds it batches (``take_events``) and bulk-indexes the results
with :func:`streams.indexer.index_batch`.

Idempotent: the ``_id`` is ``<source.topic>:<source.partition>:<source.offset>`` when the dead
letter names where its record came from, so a dlq record delivered again (a worker that
stopped before committing) and a record that two workers dead-lettered during a rebalance are
one document. A dead letter without a source (a connector refused the item before it reached a
topic) gets a digest of its stage, reason and original bytes instead (the refusal time is left
out, so a connector batch replayed after a crash does not add a second copy).

Nothing here crashes the agent or writes to the dlq: a dlq record that cannot be read is
indexed as it is under stage ``unknown`` and reason ``unreadable dead letter``, and a document
Elasticsearch refuses is logged and skipped (the record itself stays in the dlq topic).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import datetime, timezone
from typing import Any, Callable

import orjson

from enrichers.spread import parse_time
from streams import topics

log = logging.getLogger(__name__)

STAGE_UNKNOWN = "unknown"
UNREADABLE_REASON = "unreadable dead letter"
#: Keep each bulk request well under Elasticsearch's 100 MB http.max_content_length.
MAX_BULK_BYTES = 20_000_000
_TEXT_CHARS = 10_000  # as pantau.deadletter keeps


def _iso(value: Any) -> str | None:
    """An ISO 8601 timestamp Elasticsearch's ``date`` takes, or None."""
    moment = parse_time(value) if isinstance(value, str) else None
    return moment.isoformat() if moment else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _unreadable(record: bytes, now: datetime) -> tuple[str, dict]:
    return "unreadable:" + hashlib.sha256(record).hexdigest(), {
        "stage": STAGE_UNKNOWN,
        "reason": UNREADABLE_REASON,
        "failed_at": now.isoformat(),
        "source": {"topic": None, "partition": None, "offset": None},
        "connector": None,
        "original_text": record.decode("utf-8", "replace")[:_TEXT_CHARS],
        "original_b64": base64.b64encode(record).decode("ascii"),
    }


def deadletter_document(record: bytes, now: datetime | None = None) -> tuple[str, dict]:
    """The ``(_id, document)`` of one dlq record for the deadletters index.

    The document has ``stage``, ``reason``, ``failed_at``, ``source`` (topic, partition,
    offset), ``connector`` (the name after ``connector:`` when the stage is a connector's,
    else None), ``original_text`` and ``original_b64``; nothing else (the mapping is strict
    about types, not dynamic). A record that is not a JSON object, or lacks a stage, is
    "unreadable": stage ``unknown``, reason ``unreadable dead letter``, ``failed_at`` = ``now``
    (default: the current time), its own bytes as the original, and an ``_id`` that is a
    digest of those bytes. Fields of the wrong type are dropped rather than refused.
    """
    now = now or datetime.now(timezone.utc)
    try:
        letter = orjson.loads(record)
    except (orjson.JSONDecodeError, TypeError):
        return _unreadable(record, now)
    if not isinstance(letter, dict) or not isinstance(letter.get("stage"), str) or not letter["stage"]:
        return _unreadable(record, now)

    stage = letter["stage"]
    reason = letter.get("reason")
    reason = reason if isinstance(reason, str) else ("no reason given" if reason is None else str(reason))
    source = letter.get("source") if isinstance(letter.get("source"), dict) else {}
    topic = source.get("topic") if isinstance(source.get("topic"), str) else None
    partition, offset = _int(source.get("partition")), _int(source.get("offset"))
    original_b64 = letter.get("original_b64") if isinstance(letter.get("original_b64"), str) else None
    original_text = letter.get("original_text") if isinstance(letter.get("original_text"), str) else None
    document = {
        "stage": stage,
        "reason": reason,
        "failed_at": _iso(letter.get("failed_at")) or now.isoformat(),
        "source": {"topic": topic, "partition": partition, "offset": offset},
        "connector": (stage.split(":", 1)[1] or None) if stage.startswith("connector:") else None,
        "original_text": original_text,
        "original_b64": original_b64,
    }
    if topic is not None and partition is not None and offset is not None:
        doc_id = f"{topic}:{partition}:{offset}"
    else:
        doc_id = "unplaced:" + _digest(stage, reason, original_b64 or original_text or "")
    return doc_id, document


def bulk_chunks(docs: dict[str, bytes], limit: int = MAX_BULK_BYTES) -> list[dict[str, bytes]]:
    """``docs`` split into consecutive groups of at most ``limit`` bytes (a larger one alone)."""
    chunks: list[dict[str, bytes]] = [{}]
    size = 0
    for doc_id, body in docs.items():
        if chunks[-1] and size + len(body) > limit:
            chunks.append({})
            size = 0
        chunks[-1][doc_id] = body
        size += len(body)
    return [chunk for chunk in chunks if chunk]


def register_deadletter_agent(app, settings, *, raw_topic: Callable) -> None:
    """Define the ``deadletters`` agent (dlq -> the deadletters index) on ``app``."""
    from pantau.clients import async_elasticsearch_client
    from streams.indexer import BulkPolicy, index_batch

    dlq = raw_topic(app, settings.topic(topics.DLQ))
    index, policy = settings.index("deadletters"), BulkPolicy.from_settings(settings)

    @app.agent(dlq, name="deadletters")
    async def deadletters(stream) -> None:
        es = async_elasticsearch_client(settings)
        try:
            async for events in stream.take_events(settings.index_batch_size, within=settings.batch_within_seconds):
                docs: dict[str, bytes] = {}
                for event in events:
                    record = event.value or b""
                    try:
                        doc_id, document = deadletter_document(record)
                    except Exception:  # noqa: BLE001 - one odd record must not stop the agent
                        log.exception("dead letter at %s:%s not readable", event.message.partition,
                                      event.message.offset)
                        doc_id, document = _unreadable(record, datetime.now(timezone.utc))
                    docs[doc_id] = orjson.dumps(document)
                for chunk in bulk_chunks(docs):
                    try:
                        failures = await index_batch(es, index, chunk, policy)
                    except Exception:  # noqa: BLE001 - e.g. a request Elasticsearch refuses as a whole
                        log.exception("%d dead letters not indexed into %s (they stay in the dlq topic)",
                                      len(chunk), index)
                        continue
                    for doc_id, reason in failures:
                        log.warning("dead letter %s not indexed into %s: %s", doc_id, index, reason)
        finally:
            await es.close()
