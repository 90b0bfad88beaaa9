"""The narrative agents: funnel, assign and spread (the design is in enrichers/narratives.py).

* ``funnel`` (posts.enriched, every partition): packs the enriched posts of a batch into a few
  large messages on narratives.assign, a single-partition topic, so that the one assigner pays
  Kafka's per-message cost once per batch, not once per post.
* ``assign`` (narratives.assign): :func:`enrichers.narratives.assign_narratives` over a
  changelog-backed Faust table, then one message per post on posts.narrated (keyed by uid) for
  the indexer. Kafka gives the partition, and so the table, to one worker at a time; another
  worker restores the table from its changelog when it takes over.
* ``spread`` (narratives.changed, keyed by narrative id, sent by the indexer after it has
  indexed a batch): collects the ids for ``narrative_refresh_seconds`` and rebuilds each one's
  summary in the narratives index (streams/narrative_store.py).
* ``sweep`` (a timer on the leader): relabels posts whose indexing raced with a merge, and
  rebuilds summaries that do not count what the index holds (a change message lost with a
  crashed worker).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

import faust
import orjson
from elastic_transport import TransportError
from elasticsearch import ApiError
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, wait_exponential_jitter

from enrichers.narratives import assign_narratives
from pantau import metrics
from pantau.clients import async_elasticsearch_client
from pantau.config import Settings
from streams import narrative_store, topics
from streams.settle import wait_until_settled

log = logging.getLogger(__name__)

#: Largest message the funnel writes (the Kafka default limit is 1 MB).
MAX_PACK_BYTES = 512 * 1024


def pack(records: list[bytes]) -> Iterator[bytes]:
    """JSON Lines messages of at most MAX_PACK_BYTES (a bigger single record goes alone)."""
    chunk: list[bytes] = []
    size = 0
    for record in records:
        if chunk and size + len(record) + 1 > MAX_PACK_BYTES:
            yield b"\n".join(chunk)
            chunk, size = [], 0
        chunk.append(record)
        size += len(record) + 1
    if chunk:
        yield b"\n".join(chunk)


def register_narrative_agents(app: faust.App, settings: Settings, send: Callable, send_dead_letter: Callable,
                              observe: Callable, raw_topic: Callable, matcher: Callable) -> None:
    """Define the funnel, assign and spread agents and the narrative table on ``app``."""
    enriched = raw_topic(app, settings.topic(topics.ENRICHED))
    to_assign = raw_topic(app, settings.topic(topics.NARRATIVE_ASSIGN))
    narrated = raw_topic(app, settings.topic(topics.NARRATED))
    changed = raw_topic(app, settings.topic(topics.NARRATIVES_CHANGED))
    # use_partitioner: writes happen after take_events has returned, outside any one event
    state = app.Table("narrative-index", partitions=1, key_type=str, value_type=str, use_partitioner=True)

    @app.agent(enriched, name="funnel")
    async def funnel(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.index_batch_size, within=settings.batch_within_seconds):
            for message in pack([event.value for event in events if event.value]):
                await send(to_assign, None, message)

    @app.agent(to_assign, name="assign")
    async def assign(stream: faust.StreamT) -> None:
        async for events in stream.take_events(16, within=settings.batch_within_seconds):
            posts, origins = [], []
            for event in events:
                for line in (event.value or b"").split(b"\n"):
                    try:
                        post = orjson.loads(line)
                        if not isinstance(post, dict) or not isinstance(post.get("uid"), str):
                            raise ValueError("not a post object with a uid")
                    except ValueError as exc:
                        await send_dead_letter(event, "narratives", f"unreadable enriched post: {exc}", line)
                        continue
                    posts.append(post)
                    origins.append((event, line))
            await wait_until_settled(app)  # then the table is whole, and nothing rewrites it under us
            with metrics.STAGE_SECONDS.labels(stage="narratives").time():
                try:
                    assign_narratives(posts, state)
                    failed = None
                except Exception as exc:  # noqa: BLE001 - one bad post must not stop the assigner
                    failed = exc
            if failed is not None:  # find the culprit: post by post, dead-lettering what fails
                posts = await _one_by_one(posts, origins)
            for post in posts:
                await send(narrated, post["uid"].encode(), orjson.dumps(post))
            metrics.POSTS.labels(stage="narratives").inc(len(posts))
            observe(events, "narratives")

    async def _one_by_one(posts: list[dict], origins: list[tuple]) -> list[dict]:
        done = []
        for post, (event, line) in zip(posts, origins):
            try:
                done.extend(assign_narratives([post], state))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(event, "narratives", f"narrative assignment failed: {exc!r}", line)
        return done

    @app.timer(interval=max(settings.narrative_refresh_seconds, 5.0), on_leader=True)
    async def sweep() -> None:
        """Every refresh interval, on one worker: relabel stragglers of recent merges, and rebuild
        recent narratives' summaries that missed posts."""
        es = async_elasticsearch_client(settings)
        try:
            since = datetime.now(timezone.utc) - timedelta(seconds=max(600.0, 20 * settings.narrative_refresh_seconds))
            relabelled = await narrative_store.sweep_merged(es, settings, since, matcher())
            if relabelled:
                log.info("relabelled %d posts caught in a merge", relabelled)
            rebuilt = await narrative_store.reconcile(es, settings, since, matcher())
            if rebuilt:
                log.info("rebuilt %d narrative summaries that had missed posts", rebuilt)
        except (TransportError, ApiError) as exc:
            log.warning("merge sweep skipped: %s", exc)
        finally:
            await es.close()

    @app.agent(changed, name="spread")
    async def spread(stream: faust.StreamT) -> None:
        es = async_elasticsearch_client(settings)
        try:
            async for events in stream.take_events(100_000, within=settings.narrative_refresh_seconds):
                changes: dict[str, set[str]] = {}
                for event in events:
                    try:
                        change = orjson.loads(event.value or b"")
                        changes.setdefault(change["id"], set()).update(change.get("merged") or [])
                    except (ValueError, KeyError, TypeError) as exc:
                        await send_dead_letter(event, "spread", f"unreadable narrative change: {exc!r}",
                                               event.value or b"")
                started = time.monotonic()
                # Summaries are rebuilt from the index, so waiting out an outage loses nothing.
                async for attempt in AsyncRetrying(retry=retry_if_exception_type((TransportError, ApiError)),
                                                   wait=wait_exponential_jitter(initial=1, max=60),
                                                   before_sleep=before_sleep_log(log, logging.WARNING)):
                    with attempt:
                        later: dict[str, set[str]] = {}
                        await narrative_store.refresh(es, settings, changes, matcher(), deferred=later)
                # Not this round's: back on the topic (before these events are acknowledged), so a
                # later round takes them even if nothing else changes, and a restart loses none.
                for narrative_id, merged in later.items():
                    await send(changed, narrative_id.encode(), orjson.dumps({"id": narrative_id, "merged": sorted(merged)}))
                metrics.STAGE_SECONDS.labels(stage="spread").observe(time.monotonic() - started)
        finally:
            await es.close()
