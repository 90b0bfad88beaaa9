"""Trend alerts on the real backend: posts in, alerts in the alerts index and at webhooks on 127.0.0.1.

The rules are a watchlist on one hashtag (threshold 6 posts in a 10-minute window, cooldown an
hour of event time), so a test controls exactly when an alert is due. Event times lie a few
hours in the past: the stream's watermark follows them, never the wall clock.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from ingestors.publish import publish
from pantau.provision import provision

WINDOW = 600


def rules_yaml(tags: list[str], repeat_factor: float = 2.0) -> str:
    return f"""
rules:
  - name: watch
    type: watchlist
    severity: high
    kinds: [hashtag]
    threshold: 6
    terms: {['#' + tag for tag in tags]}
    cooldown_minutes: 60
    repeat_factor: {repeat_factor}
"""


def window_start(hours_ago: float) -> datetime:
    """A window start (a multiple of 10 minutes) about ``hours_ago`` hours before now."""
    t = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    return datetime.fromtimestamp(int(t.timestamp()) // WINDOW * WINDOW, timezone.utc)


def posts(tag: str | None, times: list[datetime]) -> list[bytes]:
    """Raw posts, one per time, carrying ``#tag`` (or none)."""
    out = []
    for when in times:
        n = uuid.uuid4().int % 10**15
        text = f"Info penting soal banjir di kampung kami #{tag}" if tag else "Hujan deras sore ini di Banjarbaru"
        out.append(orjson.dumps({
            "schema_version": 1, "uid": f"x:{n}", "platform": "x", "native_id": str(n),
            "author": {"id": str(n % 97), "handle": f"warga{n % 97}"}, "text": text,
            "created_at": when.isoformat().replace("+00:00", "Z"),
            "hashtags": [tag] if tag else []}))
    return out


def minutes(start: datetime, *offsets: float) -> list[datetime]:
    return [start + timedelta(minutes=m) for m in offsets]


def alerts_for(es, settings, tag: str) -> list[dict]:
    index = settings.index("alerts")
    if not es.indices.exists(index=index):
        return []
    es.indices.refresh(index=index)
    hits = es.search(index=index, size=100, query={"term": {"term.value": tag}}, sort=[{"window.start": "asc"}])
    return [hit["_source"] for hit in hits["hits"]["hits"]]


def indexed(es, settings) -> int:
    es.indices.refresh(index=settings.index("posts"))
    return es.count(index=settings.index("posts"))["count"]


def received(webhook, tag: str) -> list[dict]:
    return [body for _, _, body in webhook.requests if f"#{tag}" in orjson.dumps(body).decode()]


@pytest.fixture
def trend_config(settings, tmp_path, monkeypatch):
    """``trend_config(tag or tags, alerters={name: url}, repeat_factor=2)``: rule and alerter files for this test."""
    def configure(tags: str | list[str], alerters: dict[str, str], repeat_factor: float = 2.0) -> None:
        rules = tmp_path / "rules.yaml"
        rules.write_text(rules_yaml([tags] if isinstance(tags, str) else tags, repeat_factor))
        lines = []
        for name, url in alerters.items():
            variable = f"PANTAU_TEST_WEBHOOK_{name.upper()}"
            monkeypatch.setenv(variable, url)
            lines.append(f"- {{name: {name}, type: slack, url_env: {variable}}}")
        (tmp_path / "alerters.yaml").write_text("\n".join(lines) + "\n")
        monkeypatch.setenv("PANTAU_TREND_RULES_FILE", str(rules))
        monkeypatch.setenv("PANTAU_ALERTERS_FILE", str(tmp_path / "alerters.yaml"))
        monkeypatch.setenv("PANTAU_ALERT_WEBHOOK_TIMEOUT_SECONDS", "1")
        monkeypatch.setenv("PANTAU_ALERT_WEBHOOK_MAX_ATTEMPTS", "2")
        provision(settings)
    return configure


def test_alert_reaches_webhooks_cooldown_holds_and_broken_webhooks_stall_nothing(
        settings, start_worker, es, wait_for, receiver, trend_config):
    tag = f"uji{uuid.uuid4().hex[:8]}"
    desk = receiver([(200, {}, "ok")])
    broken = receiver([(500, {}, "upstream down")])
    stuck = receiver(hang=threading.Event())
    trend_config(tag, {"desk": desk.url("/"), "broken": broken.url("/"), "stuck": stuck.url("/")})
    start_worker(members=1)
    t0 = window_start(hours_ago=4)

    burst = posts(tag, minutes(t0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5))  # 8 posts: the 6th crosses the threshold
    publish(settings, burst)
    wait_for(lambda: len(alerts_for(es, settings, tag)) == 1, 90, "the alert in the alerts index")
    wait_for(lambda: len(received(desk, tag)) == 1, 30, "the alert at the working webhook")

    # The same term 11 minutes later: 8 posts, inside the cooldown and not twice the last count.
    publish(settings, posts(tag, minutes(t0, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5)))
    wait_for(lambda: indexed(es, settings) == 16, 60, "the second group of posts indexed")
    time.sleep(3)  # the trend agents run beside the indexer; give them the same batch

    # The stuck webhook is still hanging and the broken one failing: the stream goes on.
    publish(settings, posts(tag, minutes(t0 + timedelta(hours=2), 1, 1.5, 2, 2.5, 3, 3.5)))
    wait_for(lambda: indexed(es, settings) == 22, 30, "posts indexed while webhooks hang and fail")
    wait_for(lambda: len(alerts_for(es, settings, tag)) == 2, 60, "the alert after the cooldown")
    time.sleep(2)
    alerts = alerts_for(es, settings, tag)
    assert len(alerts) == 2, [a["id"] for a in alerts]  # the second group stayed quiet
    first, after_cooldown = alerts
    assert first["count"] >= 6 and first["rule"] == "watch" and first["severity"] == "high"
    assert first["term"] == {"kind": "hashtag", "value": tag}
    assert {s["uid"] for s in first["samples"]} <= {orjson.loads(p)["uid"] for p in burst}
    assert first["top_authors"] and first["platforms"] == [{"platform": "x", "posts": first["count"]}]
    assert datetime.fromisoformat(after_cooldown["window"]["start"]) >= t0 + timedelta(hours=1)
    assert first["links"]["discover"].startswith(settings.kibana_url.rstrip("/") + "/app/discover")

    wait_for(lambda: len(received(desk, tag)) == 2, 30, "the second alert at the working webhook")
    assert f"#{tag}" in orjson.dumps(received(desk, tag)[0]).decode()

    def outcomes() -> dict[str, str]:
        doc = es.get(index=settings.index("alerts"), id=first["id"])["_source"]
        return {d["alerter"]: d["status"] for d in doc.get("deliveries") or []}
    wait_for(lambda: len(outcomes()) == 3, 60, "every delivery outcome recorded on the alert")
    assert outcomes() == {"desk": "sent", "broken": "failed", "stuck": "failed"}
    doc = es.get(index=settings.index("alerts"), id=first["id"])["_source"]
    assert doc["delivered_to"] == ["desk"] and doc["delivery_status"] == "failed"
    assert len(broken.requests) >= 2  # retried before giving up


def test_a_burst_out_of_order_within_the_lateness_alerts_once(settings, start_worker, es, wait_for,
                                                              receiver, trend_config):
    tag = f"uji{uuid.uuid4().hex[:8]}"
    desk = receiver()
    trend_config(tag, {"desk": desk.url("/")})
    start_worker(members=1)
    t1 = window_start(hours_ago=3)

    # Four posts of the burst, newest first; then others that move event time 12 minutes on,
    # past the end of the burst's window (t1 + 10) but within the 5 minutes' lateness.
    publish(settings, posts(tag, minutes(t1, 8, 6, 4, 2)))
    publish(settings, posts(None, minutes(t1, 12)))
    wait_for(lambda: indexed(es, settings) == 5, 60, "the first posts indexed")
    time.sleep(3)
    assert alerts_for(es, settings, tag) == []
    # The rest of the burst arrives late, in no order: the window is still open and counts it.
    publish(settings, posts(tag, minutes(t1, 7, 1, 9, 3)))
    wait_for(lambda: len(alerts_for(es, settings, tag)) == 1, 60, "the late burst's alert")

    # Posts for a window closed long ago are dropped: no second alert, even past the cooldown.
    publish(settings, posts(None, minutes(t1, 90)))
    wait_for(lambda: indexed(es, settings) == 10, 60, "event time moved on")
    time.sleep(3)
    publish(settings, posts(tag, minutes(t1, 2, 3, 4, 5, 6, 7, 8)))
    wait_for(lambda: indexed(es, settings) == 17, 60, "the too-late posts indexed")
    time.sleep(3)
    alerts = alerts_for(es, settings, tag)
    assert len(alerts) == 1 and alerts[0]["count"] >= 6, alerts
    wait_for(lambda: len(received(desk, tag)) == 1, 30, "the alert at the webhook")


def test_a_restart_in_mid_burst_neither_repeats_the_alert_nor_misses_the_next(settings, start_worker, es,
                                                                              wait_for, receiver, trend_config):
    tag = f"uji{uuid.uuid4().hex[:8]}"
    desk = receiver()
    trend_config(tag, {"desk": desk.url("/")}, repeat_factor=10)  # growth alone never repeats here
    worker = start_worker(members=1)
    t0 = window_start(hours_ago=4)

    publish(settings, posts(tag, minutes(t0, 1, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2)))  # crosses the threshold
    wait_for(lambda: len(received(desk, tag)) == 1, 90, "the alert at the webhook")
    publish(settings, posts(tag, minutes(t0, 2.4, 2.6, 2.8, 3.0)))  # the burst goes on ...
    worker.send_signal(signal.SIGKILL)  # ... and the worker dies under it
    worker.wait()
    # Then six posts in the next hopping window (t0+5 to t0+15): a worker that had lost the
    # cooldown would alert on them, under a new alert id.
    publish(settings, posts(tag, minutes(t0, 6, 6.3, 6.6, 7, 7.3, 7.6)))
    start_worker(members=1)  # the same member id: it takes its partitions and their state back
    wait_for(lambda: indexed(es, settings) == 17, 120, "the whole burst indexed")
    time.sleep(5)
    assert len(alerts_for(es, settings, tag)) == 1
    assert len(received(desk, tag)) == 1

    # Two hours later the term bursts again: the restarted worker alerts.
    publish(settings, posts(tag, minutes(t0 + timedelta(hours=2), 1, 1.5, 2, 2.5, 3, 3.5)))
    wait_for(lambda: len(alerts_for(es, settings, tag)) == 2, 90, "the next burst's alert")
    wait_for(lambda: len(received(desk, tag)) == 2, 30, "the next alert at the webhook")


def test_two_workers_share_the_terms_and_raise_each_alert_once(settings, start_worker, es, wait_for, receiver,
                                                              trend_config):
    from streams.trend_agents import partition_for

    by_partition: dict[int, str] = {}  # one tag counted on each partition, so on both workers
    while len(by_partition) < settings.topic_partitions:
        tag = f"uji{uuid.uuid4().hex[:8]}"
        by_partition.setdefault(partition_for(f"hashtag|{tag}", settings.topic_partitions), tag)
    tags = list(by_partition.values())
    desk = receiver()
    trend_config(tags, {"desk": desk.url("/")})
    start_worker("worker-0", members=1)
    start_worker("worker-1", members=2)
    t0 = window_start(hours_ago=5)

    for tag in tags:  # every tag bursts once, in the same minutes
        publish(settings, posts(tag, minutes(t0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5)))
    wait_for(lambda: indexed(es, settings) == 8 * len(tags), 120, "every post indexed")
    wait_for(lambda: all(len(received(desk, tag)) == 1 for tag in tags), 60, "one alert per tag at the webhook")
    time.sleep(3)
    assert {tag: len(alerts_for(es, settings, tag)) for tag in tags} == {tag: 1 for tag in tags}
    assert len(desk.requests) == len(tags)


def test_undelivered_alerts_are_found_for_redelivery_once_settled(settings, es):
    from pantau.clients import async_elasticsearch_client
    from streams.trend_agents import MAX_REDELIVERIES, undelivered

    provision(settings)
    index, now = settings.index("alerts"), datetime.now(timezone.utc)

    def ago(minutes: float) -> str:
        return (now - timedelta(minutes=minutes)).isoformat()

    docs = {
        "half-delivered": {"raised_at": ago(30), "delivery_at": ago(20), "delivered_to": ["desk"]},
        "never-tried": {"raised_at": ago(30)},  # its worker stopped before any outcome
        "all-delivered": {"raised_at": ago(30), "delivery_at": ago(20), "delivered_to": ["desk", "ops"]},
        "just-raised": {"raised_at": ago(1)},
        "failed-just-now": {"raised_at": ago(30), "delivery_at": ago(1), "delivered_to": []},
        "given-up": {"raised_at": ago(30), "delivery_at": ago(20), "redeliveries": MAX_REDELIVERIES},
        "last-week": {"raised_at": ago(7 * 24 * 60), "delivery_at": ago(7 * 24 * 60)},
    }
    for alert_id, doc in docs.items():
        es.index(index=index, id=alert_id, document={"id": alert_id, **doc})

    async def find():
        client = async_elasticsearch_client(settings)
        try:
            return await undelivered(client, index, {"desk", "ops"}, now)
        finally:
            await client.close()

    assert sorted(alert["id"] for alert in asyncio.run(find())) == ["half-delivered", "never-tried"]
