"""Bulk indexing against the real backend, with faults injected by a wrapping client."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from pantau.clients import async_elasticsearch_client
from pantau.provision import provision
from streams.indexer import BulkPolicy, index_batch

FAST = BulkPolicy(max_retries=4, initial_backoff=0.01, max_backoff=0.05)


class _Response:
    def __init__(self, body: dict):
        self.body = body


class FailingBulkClient:
    """Wraps a real client; the first ``fail_times`` bulk calls fail as told, then it passes through.

    ``fail_with`` is an HTTP status given to every item (429, 503 ...) or ``"connection"``
    for a request that never reaches the cluster.
    """

    def __init__(self, client, fail_times: int, fail_with):
        self.client, self.fail_times, self.fail_with = client, fail_times, fail_with
        self.calls = 0

    def options(self, **kwargs):
        return self

    def __getattr__(self, name):
        return getattr(self.client, name)

    async def bulk(self, *args, operations, **kwargs):
        self.calls += 1
        if self.calls <= self.fail_times:
            if self.fail_with == "connection":
                raise TransportConnectionError("injected: connection refused")
            lines = [orjson.loads(op) if isinstance(op, (str, bytes)) else op for op in operations]
            items = [{"index": {"_id": line["index"]["_id"], "status": self.fail_with,
                                "error": {"type": "injected", "reason": "try later"}}}
                     for line in lines if "index" in line]
            return _Response({"errors": True, "items": items})
        return await self.client.bulk(*args, operations=operations, **kwargs)


CREATED = "2026-11-01T00:00:00Z"


def docs(count: int) -> dict[str, dict]:
    return {f"x:{n}": {"uid": f"x:{n}", "text": f"kabar {n}", "created_at": CREATED} for n in range(count)}


async def _index(settings, documents, fail_times=0, fail_with=429):
    client = async_elasticsearch_client(settings)
    wrapped = FailingBulkClient(client, fail_times, fail_with)
    months = {uid: settings.posts_index_for(CREATED) for uid in documents}
    try:
        failures = await index_batch(wrapped, months, documents, FAST)
    finally:
        await client.close()
    return failures, wrapped.calls


@pytest.mark.parametrize("fail_with", [429, 502, 503, "connection"])
def test_transient_failures_are_retried_until_every_document_is_indexed(settings, es, fail_with):
    provision(settings)
    failures, calls = asyncio.run(_index(settings, docs(50), fail_times=2, fail_with=fail_with))
    assert failures == []
    assert calls == 3
    es.indices.refresh(index=settings.index("posts"))
    assert es.count(index=settings.index("posts"))["count"] == 50


def test_reindexing_the_same_uids_never_duplicates(settings, es):
    provision(settings)
    asyncio.run(_index(settings, docs(20)))
    asyncio.run(_index(settings, docs(20)))
    es.indices.refresh(index=settings.index("posts"))
    assert es.count(index=settings.index("posts"))["count"] == 20


def test_json_bytes_are_indexed_as_they_are(settings, es):
    provision(settings)
    batch = {uid: orjson.dumps(doc) for uid, doc in docs(5).items()}
    failures, _ = asyncio.run(_index(settings, batch))
    assert failures == []
    assert es.get(index=settings.posts_index_for(CREATED), id="x:3")["_source"]["text"] == "kabar 3"


def test_a_document_the_mapping_refuses_is_returned_with_its_reason(settings, es):
    provision(settings)
    batch = docs(3)
    batch["x:1"]["created_at"] = "not a date at all"
    failures, _ = asyncio.run(_index(settings, batch))
    assert [uid for uid, _ in failures] == ["x:1"]
    assert failures[0][1].startswith("elasticsearch 400")
    es.indices.refresh(index=settings.index("posts"))
    assert es.count(index=settings.index("posts"))["count"] == 2
