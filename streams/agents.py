"""The agents: enrich (posts.raw -> posts.enriched), the narrative agents
(streams/narrative_agents.py: posts.enriched -> posts.narrated, narratives.changed), index
(posts.narrated -> Elasticsearch, then narratives.changed) and the trend agents
(streams/trend_agents.py: posts.narrated -> trends.terms -> alerts -> alerts index, webhooks).

Each agent takes a batch (``stream.take_events``), hands it to a pure function, sends the
outputs, and dead-letters each failure with the original bytes, the stage, the reason and the
source offset. Events are acknowledged only after the whole batch has been handled.
"""

from __future__ import annotations

import time

import faust
import orjson

from enrichers.stage import enrich_records
from pantau import metrics
from pantau.clients import async_elasticsearch_client
from pantau.config import Settings
from pantau.deadletter import dead_letter
from streams import topics
from streams.claims_follower import ClaimsFollower
from streams.deadletter_index import register_deadletter_agent
from streams.indexer import BulkPolicy, index_batch
from streams import narrative_store
from streams.narrative_agents import register_narrative_agents
from streams.trend_agents import register_alert_agent, register_trend_agents


def _raw_topic(app: faust.App, name: str) -> faust.TopicT:
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def register_agents(app: faust.App, settings: Settings) -> None:
    """Define the enrich and index agents on ``app``."""
    raw = _raw_topic(app, settings.topic(topics.RAW))
    enriched = _raw_topic(app, settings.topic(topics.ENRICHED))
    narrated = _raw_topic(app, settings.topic(topics.NARRATED))
    changed = _raw_topic(app, settings.topic(topics.NARRATIVES_CHANGED))
    dlq = _raw_topic(app, settings.topic(topics.DLQ))
    policy = BulkPolicy.from_settings(settings)
    claims = ClaimsFollower(settings)

    @app.task
    async def follow_claims() -> None:
        claims.start()

    async def send(topic: faust.TopicT, key: bytes | None, value: bytes) -> None:
        # Straight to the producer: Faust's topic.send() costs far more per message, and the
        # consumer still flushes this same producer before it commits any offset.
        await app.producer.send(topic.get_topic_name(), key, value, partition=None, timestamp=None, headers=None)

    async def send_dead_letter(event: faust.EventT, stage: str, reason: str, original: bytes) -> None:
        message = event.message
        await send(dlq, None, dead_letter(original, stage=stage, reason=reason, topic=message.topic,
                                          partition=message.partition, offset=message.offset))
        metrics.DEAD_LETTERS.labels(stage=stage).inc()

    def observe(events: list[faust.EventT], stage: str) -> None:
        """Latency of each record through ``stage``, and the lag left behind it per partition."""
        now, last = time.time(), {}
        for event in events:
            metrics.LATENCY_SECONDS.labels(stage=stage).observe(max(0.0, now - event.message.timestamp))
            last[event.message.tp] = event.message.offset
        for tp, offset in last.items():
            highwater = app.consumer.highwater(tp)
            if highwater is not None:
                metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=tp.partition).set(max(0, highwater - offset - 1))

    @app.agent(raw, name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.enrich_batch_size, within=settings.batch_within_seconds):
            originals = [event.value or b"" for event in events]
            with metrics.STAGE_SECONDS.labels(stage="enrich").time():
                result = enrich_records(originals, claims.matcher())
            for doc in result.outputs:
                await send(enriched, doc["uid"].encode(), orjson.dumps(doc))
            for position, reason in result.failures:
                await send_dead_letter(events[position], "enrich", reason, originals[position])
            metrics.POSTS.labels(stage="enrich").inc(len(result.outputs))
            observe(events, "enrich")

    register_narrative_agents(app, settings, send, send_dead_letter, observe, raw_topic=_raw_topic,
                              matcher=claims.matcher)
    register_trend_agents(app, settings, send_dead_letter, raw_topic=_raw_topic)
    register_alert_agent(app, settings, raw_topic=_raw_topic)
    register_deadletter_agent(app, settings, raw_topic=_raw_topic)

    @app.agent(narrated, name="index")
    async def index(stream: faust.StreamT) -> None:
        es = async_elasticsearch_client(settings)
        try:
            await _index_stream(stream, es)
        finally:
            await es.close()

    async def _index_stream(stream: faust.StreamT, es) -> None:
        async for events in stream.take_events(settings.index_batch_size, within=settings.batch_within_seconds):
            # The key is the uid (the assign agent sets it); a later copy of the same post in
            # one batch wins.
            docs, origin = {}, {}
            for event in events:
                if not event.key or not event.value:
                    await send_dead_letter(event, "index", "enriched record without uid key or value",
                                           event.value or b"")
                    continue
                uid = event.key.decode("utf-8", "replace")
                docs[uid], origin[uid] = event.value, event
            with metrics.STAGE_SECONDS.labels(stage="index").time():
                docs, indices, changes = await narrative_store.follow_merges(es, settings, docs)
                failures = await index_batch(es, indices, docs, policy)
            for uid, reason in failures:
                await send_dead_letter(origin[uid], "index", reason, origin[uid].value)
            metrics.POSTS.labels(stage="index").inc(len(docs) - len(failures))
            # After the posts are in the index, so that the spread agent finds them there.
            for narrative_id, merged in changes.items():
                await send(changed, narrative_id.encode(), orjson.dumps({"id": narrative_id, "merged": sorted(merged)}))
            observe(events, "index")
