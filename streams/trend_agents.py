"""The trend agents: count terms, detect bursts, raise and deliver alerts (enrichers/trends.py).

* ``trend-funnel`` (posts.narrated, every partition): aggregates a batch of posts into term
  counts per window (:func:`enrichers.trends.aggregate`) and sends them, packed, to the
  partition of ``trends.terms`` that owns each term (Kafka's own key hash), so that every term
  is counted by exactly one worker. A pack is JSON Lines: a header with the batch's latest
  event time (the watermark that closes windows), then aggregates, up to 512 KB a message.
  Every partition gets at least the header each batch.
* ``trends`` (trends.terms): one :class:`enrichers.trends.TrendEngine` per partition, over a
  changelog-backed Faust table (``trend-state``; each key starts with its partition number and
  is written to that changelog partition, so a partition's state moves with it on a
  rebalance). The engine's writes are held back until the pack's alerts are acknowledged by
  the broker, then written together with the pack's offset: a worker that crashes before that
  point redoes the pack from the same state, raising the same alerts with the same ids (which
  the alerts index takes once), and a pack already written is never applied twice.
* ``alerts`` (alerts): creates each alert in the alerts index (``_id`` = alert id: an alert
  raised twice, by a replay or by two workers during a rebalance, is created once) and hands
  the new ones to the webhook dispatcher, which delivers in the background, with retries, and
  never blocks. Each outcome is recorded on the alert. A timer on the group leader resubmits
  alerts whose delivery failed, or never finished because a worker stopped, up to
  ``MAX_REDELIVERIES`` times.

Counting is at least once: posts of a batch that a crashed worker had counted but not yet
committed are counted again. Alerts are not repeated for it (see above and the cooldowns).
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, MutableMapping

import faust
import orjson
import yaml
from kafka.partitioner.default import murmur2

from enrichers.trends import DEFAULT_RULES, Rule, RuleError, TermAggregate, TrendEngine, aggregate, load_rules
from pantau import metrics
from pantau.config import ConfigError, Settings, env_name
from streams import topics
from streams.narrative_agents import pack
from streams.settle import wait_until_settled

log = logging.getLogger(__name__)

OFFSET_KEY = "m|offset"  # the last trends.terms offset whose state is in the table
MAX_REDELIVERIES = 3
_DELETED = object()


class PartitionState(MutableMapping[str, Any]):
    """One partition's slice of the trend table, with its keys stored as ``<partition>|<key>``.

    Writes are buffered: reads see them at once, :meth:`commit` writes them to the table (and so
    to its changelog), :meth:`discard` drops them.
    """

    def __init__(self, table: MutableMapping[str, Any], partition: int):
        self.table, self.prefix = table, f"{partition}|"
        self.pending: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self.pending.get(key)
        if value is _DELETED:
            raise KeyError(key)
        return self.table[self.prefix + key] if value is None else value

    def __setitem__(self, key: str, value: Any) -> None:
        self.pending[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.pending[key] = _DELETED

    def __iter__(self) -> Iterator[str]:
        stored = (key[len(self.prefix):] for key in list(self.table.keys()) if key.startswith(self.prefix))
        seen = set()
        for key in stored:
            seen.add(key)
            if self.pending.get(key) is not _DELETED:
                yield key
        yield from [key for key, value in self.pending.items() if key not in seen and value is not _DELETED]

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        value = self.pending.get(key)
        return (self.prefix + key) in self.table if value is None else value is not _DELETED

    def commit(self) -> None:
        """Write the buffered changes to the table."""
        for key, value in self.pending.items():
            if value is _DELETED:
                self.table.pop(self.prefix + key, None)
            else:
                self.table[self.prefix + key] = value
        self.pending.clear()

    def discard(self) -> None:
        """Forget the buffered changes."""
        self.pending.clear()


@functools.lru_cache(maxsize=200_000)  # kafka-python's murmur2 is pure Python; terms repeat
def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key`` (murmur2, as the Java client)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def term_messages(found: list[TermAggregate], partitions: int, now: float) -> Iterator[tuple[int, bytes]]:
    """(partition, message) for the aggregates of one batch: each aggregate to the partition that
    owns its term, as JSON Lines of at most 512 KB (``pack``) after a header holding the batch's
    latest event time; every partition gets at least the header, so event time moves on there.
    The watermark never runs ahead of ``now``: one post dated next year must not close every window."""
    header = orjson.dumps({"latest": min(max(a.latest for a in found), now)}) + b"\n"
    by_partition: dict[int, list[bytes]] = defaultdict(list)
    for agg in found:
        by_partition[partition_for(agg.key, partitions)].append(orjson.dumps(agg.to_dict()))
    for partition in range(partitions):
        for chunk in pack(by_partition[partition]) if by_partition[partition] else [b""]:
            yield partition, header + chunk


def read_term_message(message: bytes) -> tuple[float, list[TermAggregate]]:
    """The latest event time and the aggregates of a :func:`term_messages` message."""
    header, *lines = message.split(b"\n")
    return float(orjson.loads(header)["latest"]), [TermAggregate.from_dict(orjson.loads(line))
                                                   for line in lines if line]


def trend_rules(settings: Settings) -> list[Rule]:
    """The trend rules of ``trend_rules_file`` (default: rules.example.yaml); ConfigError if invalid."""
    path = settings.trend_rules_file or DEFAULT_RULES
    try:
        return load_rules(path)
    except (RuleError, OSError) as exc:
        raise ConfigError(f"trend_rules_file ({env_name('trend_rules_file')}): {exc}; "
                          f"fix the file (see rules.example.yaml) or point the variable at another") from None


def alerters(settings: Settings) -> list:
    """The webhook alerters of ``alerters_file`` (none when unset); ConfigError if invalid."""
    from streams.alerters import alerters_from_config

    if settings.alerters_file is None:
        return []
    where = f"alerters_file ({env_name('alerters_file')})"
    try:
        items = yaml.safe_load(Path(settings.alerters_file).read_text(encoding="utf-8"))
        if isinstance(items, dict):
            items = items.get("alerters")
        return alerters_from_config(items or [], kibana_url=settings.kibana_url)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where}: cannot read {settings.alerters_file}: {exc}") from None
    except ValueError as exc:  # the message names the alerter and field, never a secret
        raise ConfigError(f"{where}: {exc}") from None


def register_trend_agents(app: faust.App, settings: Settings, send_dead_letter: Callable, *,
                          raw_topic: Callable) -> None:
    """Define the trend-funnel and trends agents and the trend table on ``app``."""
    narrated = raw_topic(app, settings.topic(topics.NARRATED))
    terms = raw_topic(app, settings.topic(topics.TREND_TERMS))
    alerts = raw_topic(app, settings.topic(topics.ALERTS))
    rules = trend_rules(settings)
    # value_type None: values (JSON-able dicts and numbers) go through the app's json serializer.
    table = app.Table("trend-state", partitions=settings.topic_partitions, key_type=str, value_type=None)
    # A key's partition is its prefix, whichever event (or none) is being processed.
    table.partition_for_key = lambda key: int(key.split("|", 1)[0])
    engines: dict[int, tuple[TrendEngine, PartitionState]] = {}

    @app.on_partitions_revoked.connect
    async def forget_engines(*args: Any, **kwargs: Any) -> None:
        engines.clear()  # rebuilt from the table on the next pack, wherever the partition lands

    @app.agent(narrated, name="trend-funnel")
    async def trend_funnel(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.index_batch_size, within=settings.batch_within_seconds):
            posts = []
            for event in events:
                try:
                    posts.append(orjson.loads(event.value or b""))
                except orjson.JSONDecodeError:
                    continue  # the indexer dead-letters what it cannot read; counting skips it
            found = aggregate(posts, settings.trend_window_seconds, settings.trend_hop_seconds)
            if not found:
                continue
            for partition, message in term_messages(found, settings.topic_partitions, time.time()):
                await app.producer.send(terms.get_topic_name(), None, message, partition=partition,
                                        timestamp=None, headers=None)

    @app.agent(terms, name="trends")
    async def trends(stream: faust.StreamT) -> None:
        async for event in stream.events():
            partition, offset = event.message.partition, event.message.offset
            await wait_until_settled(app)  # see streams/settle.py; engines are rebuilt after a rebalance
            if partition not in engines:
                state = PartitionState(table, partition)
                engines[partition] = (TrendEngine(rules, state, lateness_seconds=settings.trend_lateness_seconds),
                                      state)
            engine, state = engines[partition]
            if state.get(OFFSET_KEY, -1) >= offset:
                continue  # its state was written before a crash: do not count it twice
            try:
                latest, found = read_term_message(event.value or b"")
            except (ValueError, TypeError, KeyError) as exc:
                await send_dead_letter(event, "trends", f"unreadable term counts: {exc!r}", event.value or b"")
                continue
            try:
                raised = engine.observe(found) + engine.advance(latest)
            except Exception as exc:  # noqa: BLE001 - one bad pack must not stop trend detection
                log.exception("trend engine failed on partition %d offset %d", partition, offset)
                state.discard()
                engines.pop(partition, None)  # its in-memory index may be ahead of the table now
                await send_dead_letter(event, "trends", f"trend engine failed: {exc!r}", event.value or b"")
                continue
            sent = [await app.producer.send(alerts.get_topic_name(), alert.id.encode(),
                                            orjson.dumps(alert.to_dict()), partition=None, timestamp=None,
                                            headers=None) for alert in raised]
            for future in sent:
                await future  # on the broker before the state that says they were raised
            state[OFFSET_KEY] = offset
            state.commit()
            metrics.ALERTS.inc(len(raised))


def register_alert_agent(app: faust.App, settings: Settings, *, raw_topic: Callable) -> None:
    """Define the alerts agent (alerts index, then webhooks) and the leader's redelivery timer."""
    from pantau.clients import async_elasticsearch_client
    from streams.alerters import AlertDispatcher, kibana_links
    from streams.indexer import BulkPolicy, index_batch

    alerts = raw_topic(app, settings.topic(topics.ALERTS))
    index, policy = settings.index("alerts"), BulkPolicy.from_settings(settings)
    destinations = alerters(settings)
    es = async_elasticsearch_client(settings)

    async def record(alert_id: str, alerter: str, status: str, attempts: int, error: str | None) -> None:
        """Keep each delivery outcome on the alert, so failed deliveries can be seen and resent."""
        metrics.DELIVERIES.labels(alerter=alerter, status=status).inc()
        if status == "retrying":
            return
        now = datetime.now(timezone.utc).isoformat()
        entry = {"alerter": alerter, "status": status, "attempts": attempts, "error": error, "at": now}
        current = await es.get(index=index, id=alert_id, source=["deliveries", "delivered_to"])
        source = current["_source"]
        delivered = sorted(set(source.get("delivered_to") or []) | ({alerter} if status == "sent" else set()))
        everyone = {a.name for a in destinations}
        await es.update(index=index, id=alert_id, if_seq_no=current["_seq_no"],
                        if_primary_term=current["_primary_term"], doc={
                            "deliveries": (source.get("deliveries") or [])[-20:] + [entry],
                            "delivered_to": delivered, "delivery_at": now,
                            "delivery_status": "sent" if everyone <= set(delivered) else status})

    dispatcher = AlertDispatcher(destinations, timeout_seconds=settings.alert_webhook_timeout_seconds,
                                 max_attempts=settings.alert_webhook_max_attempts,
                                 on_result=_retry_on_conflict(record))

    @app.agent(alerts, name="alerts")
    async def deliver(stream: faust.StreamT) -> None:
        await dispatcher.start()
        try:
            async for events in stream.take_events(100, within=settings.batch_within_seconds):
                docs = {}
                for event in events:
                    try:
                        alert = orjson.loads(event.value or b"")
                        alert["links"] = kibana_links(alert, settings.kibana_url)
                        alert["raised_at"] = datetime.now(timezone.utc).isoformat()
                        docs[alert["id"]] = alert
                    except (ValueError, KeyError, TypeError) as exc:
                        log.warning("skipped an unreadable alert record: %r", exc)
                failures = dict(await index_batch(es, index, docs, policy, create=True))
                for alert_id, alert in docs.items():
                    reason = failures.get(alert_id)
                    if reason is None:
                        log.info("alert %s", alert.get("message"))
                        if destinations:
                            dispatcher.submit(alert)
                    elif " 409:" not in reason:  # 409: raised before, already handled
                        log.warning("alert %s not indexed: %s", alert_id, reason)
        finally:
            await dispatcher.stop()  # records the outcomes of what is still in flight, then:
            await es.close()

    @app.timer(interval=60.0, on_leader=True)
    async def redeliver() -> None:
        """Resubmit alerts not delivered to every alerter, once their last attempt is old enough."""
        if not destinations:
            return
        await dispatcher.start()
        try:
            for alert in await undelivered(es, index, {a.name for a in destinations}, datetime.now(timezone.utc)):
                await es.update(index=index, id=alert["id"], doc={"redeliveries": alert.get("redeliveries", 0) + 1})
                dispatcher.submit(alert, only=set(a.name for a in destinations) - set(alert.get("delivered_to") or []))
        except Exception as exc:  # noqa: BLE001 - a failed sweep is retried at the next tick
            log.warning("alert redelivery skipped: %r", exc)


async def undelivered(es, index: str, names: set[str], now: datetime, *, settle_seconds: float = 600) -> list[dict]:
    """Alerts of the last day that some alerter in ``names`` has not received, whose last delivery
    outcome (or, with none, whose raising) is at least ``settle_seconds`` old, and that were
    resubmitted fewer than MAX_REDELIVERIES times."""
    settled = (now - timedelta(seconds=settle_seconds)).isoformat()
    query = {"bool": {
        "filter": [{"range": {"raised_at": {"gte": (now - timedelta(days=1)).isoformat()}}},
                   {"bool": {"should": [{"range": {"delivery_at": {"lte": settled}}},
                                        {"bool": {"must_not": [{"exists": {"field": "delivery_at"}}],
                                                  "filter": [{"range": {"raised_at": {"lte": settled}}}]}}],
                             "minimum_should_match": 1}}],
        "should": [{"bool": {"must_not": [{"term": {"delivered_to": name}}]}} for name in sorted(names)],
        "minimum_should_match": 1,
        "must_not": [{"range": {"redeliveries": {"gte": MAX_REDELIVERIES}}}]}}
    await es.indices.refresh(index=index)
    found = await es.search(index=index, size=100, query=query, sort=[{"raised_at": "asc"}])
    return [hit["_source"] for hit in found["hits"]["hits"]]


def _retry_on_conflict(record: Callable) -> Callable:
    """``record`` retried when another outcome of the same alert was written in between."""
    from elasticsearch import ConflictError

    async def recording(*args: Any) -> None:
        for _ in range(5):
            try:
                return await record(*args)
            except ConflictError:
                continue
        log.warning("delivery outcome of alert %s not recorded: kept conflicting", args[0])
    return recording
