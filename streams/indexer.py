"""Bulk indexing of a batch of documents into Elasticsearch, with retries and per-item errors.

Each document's ``_id`` is its ``uid``, and a post always goes to the monthly index of its
``created_at`` (the caller maps uids to indices), so re-delivery and re-indexing never duplicate a post.
Per-item 429 and 5xx answers are retried by ``async_streaming_bulk`` with exponential backoff;
other per-item errors (a mapping conflict, say) are returned to the caller with the original
document and the reason, for the dead-letter topic. When the whole request fails (the cluster
is down or overloaded), the batch is retried with capped exponential backoff until it goes
through: the caller does not commit its offsets meanwhile, so nothing is lost, and since the
ids are stable, nothing is duplicated either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping, Union

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch
from elasticsearch.helpers import async_streaming_bulk
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception, wait_exponential_jitter

log = logging.getLogger(__name__)

RETRY_ON_STATUS = (429, 500, 502, 503, 504)

#: Where documents go: one index, or {uid: index}.
Index = Union[str, Mapping[str, str]]


@dataclass(frozen=True)
class BulkPolicy:
    """How hard to try: per-item retries and the backoff between them."""

    max_retries: int = 6
    initial_backoff: float = 0.5
    max_backoff: float = 30.0

    @classmethod
    def from_settings(cls, settings) -> "BulkPolicy":
        """The policy that pantau.config.Settings describes (index_max_retries and the backoffs)."""
        return cls(settings.index_max_retries, settings.index_initial_backoff_seconds,
                   settings.index_max_backoff_seconds)


def _whole_request_failed(exc: BaseException) -> bool:
    if isinstance(exc, (TransportConnectionError, ConnectionTimeout)):
        return True
    return isinstance(exc, ApiError) and exc.meta.status in RETRY_ON_STATUS


def _reason(info: dict) -> str:
    error = info.get("error", {})
    if isinstance(error, dict):
        return f"elasticsearch {info.get('status')}: {error.get('type')}: {error.get('reason')}"
    return f"elasticsearch {info.get('status')}: {error}"


def _actions(index: Index, docs: Mapping[str, bytes | dict], merge: bool, create: bool):
    def target(uid: str) -> str:
        return index if isinstance(index, str) else index[uid]

    if create:
        return ({"_op_type": "create", "_index": target(uid), "_id": uid, "_source": source}
                for uid, source in docs.items())
    if merge:
        return ({"_op_type": "update", "_index": target(uid), "_id": uid, "doc": doc, "doc_as_upsert": True}
                for uid, doc in docs.items())
    return ({"_index": target(uid), "_id": uid, "_source": source} for uid, source in docs.items())


async def _bulk_once(es: AsyncElasticsearch, index: Index, docs: Mapping[str, bytes | dict],
                     policy: BulkPolicy, merge: bool, create: bool) -> list[tuple[str, str]]:
    actions = _actions(index, docs, merge, create)
    failed = []
    async for ok, item in async_streaming_bulk(
        es, actions, chunk_size=len(docs) or 1, max_retries=policy.max_retries,
        initial_backoff=policy.initial_backoff, max_backoff=policy.max_backoff,
        retry_on_status=RETRY_ON_STATUS, raise_on_error=False, raise_on_exception=True, yield_ok=False,
    ):
        if not ok:
            info = next(iter(item.values()))
            failed.append((info.get("_id"), _reason(info)))
    return failed


async def index_batch(es: AsyncElasticsearch, index: Index, docs: Mapping[str, bytes | dict],
                      policy: BulkPolicy = BulkPolicy(), *, merge: bool = False,
                      create: bool = False) -> list[tuple[str, str]]:
    """Index ``docs`` ({uid: document}) into ``index``; return the (uid, reason) pairs that failed.

    ``index`` is one index name, or {uid: index name} with an entry for every uid (posts go to
    their monthly index: a write by id must name a concrete index, not the posts alias).
    A document may be a dict or JSON bytes (sent as they are, with no re-serialising). With
    ``merge`` (dict documents only), each is a partial update that creates the document when
    it is missing and otherwise replaces only the fields it carries, keeping the others (what
    later stages added). With ``create``, a document whose id is already there is left alone
    and returned with a 409 reason. Blocks, retrying with backoff, while Elasticsearch cannot take the
    request at all.
    """
    if not docs:
        return []
    retrying = AsyncRetrying(
        retry=retry_if_exception(_whole_request_failed),
        wait=wait_exponential_jitter(multiplier=policy.initial_backoff, max=policy.max_backoff,
                                     jitter=policy.initial_backoff),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await _bulk_once(es, index, docs, policy, merge, create)
    raise AssertionError("unreachable: tenacity either returns or raises")
