"""Alert delivery: Slack-compatible webhooks and Telegram's sendMessage against receivers on
127.0.0.1 (pytest-httpserver, threaded), the dispatcher's retries, timeouts and isolation,
secrets kept out of errors and logs, Kibana links, and the configuration loader.

No external network. Backoffs are tiny; timing assertions compare recorded timestamps (the
event loop's clock and the receivers' time.monotonic(), the same clock), never the duration
of a test.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pytest_httpserver import HTTPServer

from streams.alerters import (
    AlertDeliveryError,
    AlertDispatcher,
    SlackAlerter,
    TelegramAlerter,
    alerters_from_config,
    format_text,
    kibana_links,
)

TOKEN = "123456789:AAHsecretTOKENvalue_xyz-42"
SLACK_PATH = "/services/T0PANTAU/B0ALERTS/hooksecretXYZ123"
KIBANA = "http://kibana.example:5601/"


def make_alert(**overrides) -> dict:
    alert = {
        "id": "burst|hashtag|vaksinbabi|2026-11-20T08:00:00Z",
        "rule": "rare-bursts",
        "type": "burst",
        "severity": "high",
        "term": {"kind": "hashtag", "value": "vaksinbabi"},
        "window": {"start": "2026-11-20T08:00:00Z", "end": "2026-11-20T08:10:00Z",
                   "size_seconds": 600},
        "count": 40, "baseline": 3.1, "factor": 12.9, "zscore": 8.2,
        "filters": {"languages": [], "platforms": []},
        "samples": [
            {"uid": f"x:{i}", "text": f"sampel {i} " + "vaksin ini mengandung babi " * 10,
             "author": f"user{i}", "platform": "x", "created_at": "2026-11-20T08:01:00Z",
             "narrative_id": "x:1"}
            for i in range(1, 6)
        ],
        "top_authors": [{"author": "user1", "posts": 4}],
        "platforms": [{"platform": "x", "posts": 30}, {"platform": "facebook", "posts": 10}],
        "narratives": [{"id": "x:1", "posts": 25}],
        "claim": {"id": "c1", "verdict": "HOAKS", "url": "https://cekfakta.example/vaksin-babi",
                  "claim": "Vaksin mengandung babi"},
        "event_time": "2026-11-20T08:10:00Z",
        "message": "burst: #vaksinbabi 40 posts in 10 min vs ~3 usual (x13)",
        "raised_at": "2026-11-20T08:10:05Z",
    }
    alert.update(overrides)
    return alert


class Results:
    """on_result's calls, with a way to wait for one."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, int, str | None]] = []
        self.times: list[float] = []

    def __call__(self, alert_id, alerter, status, attempts, error):
        self.calls.append((alert_id, alerter, status, attempts, error))
        self.times.append(time.monotonic())

    def of(self, alerter: str) -> list[tuple]:
        return [c for c in self.calls if c[1] == alerter]

    async def wait_for(self, alerter: str, status: str, timeout: float = 10) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call, at in zip(self.calls, self.times):
                if call[1] == alerter and call[2] == status:
                    return at
            await asyncio.sleep(0.01)
        raise AssertionError(f"no {status!r} result for {alerter} within {timeout}s: {self.calls}")


def slack(receiver_, name: str = "ops", **kw) -> SlackAlerter:
    return SlackAlerter(name, receiver_.url(SLACK_PATH), kibana_url=KIBANA, **kw)


# Delivery --------------------------------------------------------------------------------------


def test_slack_webhook_receives_the_alert_text_and_blocks(receiver):
    hook = receiver(path=SLACK_PATH)
    results = Results()

    async def run():
        async with AlertDispatcher([slack(hook)], on_result=results, initial_backoff=0.05) as d:
            assert d.submit(make_alert()) is True
            assert await d.drain(10)
            return d

    d = asyncio.run(run())
    assert len(hook.requests) == 1
    _, path, body = hook.requests[0]
    assert path == SLACK_PATH
    assert "burst: #vaksinbabi 40 posts in 10 min" in body["text"]
    assert body["text"].startswith("[HIGH] ")
    types = [b["type"] for b in body["blocks"]]
    assert types[0] == "header" and "section" in types and "actions" in types
    button = body["blocks"][-1]["elements"][0]
    assert button["url"].startswith("http://kibana.example:5601/app/discover#/?_g=")
    assert results.calls == [(make_alert()["id"], "ops", "sent", 1, None)]
    assert list(d.delivered) == [(make_alert()["id"], "ops", 1)] and not d.failed
    assert d.pending() == 0


def test_a_resubmitted_alert_goes_only_to_the_alerters_named(receiver):
    first, second = receiver(path=SLACK_PATH), receiver(path=SLACK_PATH)

    async def run():
        async with AlertDispatcher([slack(first, "ops"), slack(second, "desk")], initial_backoff=0.05) as d:
            assert d.submit(make_alert(), only={"desk"})
            assert await d.drain(10)

    asyncio.run(run())
    assert len(first.requests) == 0 and len(second.requests) == 1


def test_slack_text_from_posts_cannot_ping_the_channel_or_forge_links():
    sample = {"uid": "x:9", "text": "<!channel> & <http://evil.example|klik>", "author": "a",
              "platform": "x"}
    payload = SlackAlerter("ops", "https://hooks.slack.example/services/T/B/abcdefgh",
                           kibana_url=KIBANA).payload(make_alert(samples=[sample]))
    section = next(b for b in payload["blocks"] if b["type"] == "section")["text"]["text"]
    for text in (payload["text"], section):
        assert "<!channel>" not in text and "<http://evil" not in text
        assert "&lt;!channel&gt; &amp; &lt;http://evil.example|klik&gt;" in text


def test_telegram_receives_send_message_with_chat_id_and_text(receiver):
    bot = receiver([(200, {}, {"ok": True, "result": {"message_id": 7}})],
                   path=f"/bot{TOKEN}/sendMessage")
    results = Results()
    alerter = TelegramAlerter("desk", TOKEN, -1001234567890, api_base=bot.url("/"),
                              kibana_url=KIBANA)

    async def run():
        async with AlertDispatcher([alerter], on_result=results, initial_backoff=0.05) as d:
            d.submit(make_alert(message="burst: <b> & #vaksinbabi"))
            assert await d.drain(10)

    asyncio.run(run())
    assert len(bot.requests) == 1
    _, path, body = bot.requests[0]
    assert path == f"/bot{TOKEN}/sendMessage"
    assert body["chat_id"] == -1001234567890
    assert body["parse_mode"] == "HTML" and body["disable_web_page_preview"] is True
    assert "burst: &lt;b&gt; &amp; #vaksinbabi" in body["text"]  # escaped for HTML
    assert '<a href="http://kibana.example:5601/app/discover#/?_g=' in body["text"]
    assert results.calls[-1][2:] == ("sent", 1, None)


def test_telegram_plain_text_mode_sends_the_text_as_is(receiver):
    bot = receiver([(200, {}, {"ok": True, "result": {}})], path=f"/bot{TOKEN}/sendMessage")
    alerter = TelegramAlerter("desk", TOKEN, "@pantau_alerts", api_base=bot.url("/"),
                              parse_mode=None)

    async def run():
        async with AlertDispatcher([alerter]) as d:
            d.submit(make_alert(message="a <b> & c"))
            assert await d.drain(10)

    asyncio.run(run())
    body = bot.requests[0][2]
    assert "parse_mode" not in body and body["chat_id"] == "@pantau_alerts"
    assert body["text"].startswith("[HIGH] a <b> & c")


def test_500_twice_then_200_is_retried_and_delivered(receiver):
    hook = receiver([(500, {}, "oops"), (502, {}, "bad gateway"), (200, {}, "ok")],
                    path=SLACK_PATH)
    results = Results()

    async def run():
        async with AlertDispatcher([slack(hook)], on_result=results, initial_backoff=0.05,
                                   max_backoff=0.2) as d:
            d.submit(make_alert())
            assert await d.drain(10)
            return d

    d = asyncio.run(run())
    assert len(hook.requests) == 3
    assert [c[2:4] for c in results.calls] == [("retrying", 1), ("retrying", 2), ("sent", 3)]
    assert "HTTP 500" in results.calls[0][4] and "HTTP 502" in results.calls[1][4]
    assert list(d.delivered) == [(make_alert()["id"], "ops", 3)]
    # Each retry waited at least the initial backoff (exponential, with jitter on top).
    starts = [a.started for a in d.attempts]
    assert all(b - a >= 0.05 for a, b in zip(starts, starts[1:]))


@pytest.mark.parametrize("kind", ["slack-header", "telegram-json"])
def test_429_retry_after_is_honoured(receiver, kind):
    if kind == "slack-header":
        target = receiver([(429, {"Retry-After": "1"}, "rate_limited"), (200, {}, "ok")],
                          path=SLACK_PATH)
        alerter = slack(target)
    else:
        target = receiver(
            [(429, {}, {"ok": False, "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1}}),
             (200, {}, {"ok": True, "result": {}})],
            path=f"/bot{TOKEN}/sendMessage")
        alerter = TelegramAlerter("desk", TOKEN, 42, api_base=target.url("/"))
    results = Results()

    async def run():
        async with AlertDispatcher([alerter], on_result=results, initial_backoff=0.05,
                                   max_backoff=0.1) as d:
            d.submit(make_alert())
            assert await d.drain(15)
            return d

    d = asyncio.run(run())
    assert [c[2] for c in results.calls] == ["retrying", "sent"]
    first, second = d.attempts[0], d.attempts[1]
    assert first.status == "retrying" and first.delay >= 1.0
    assert "429" in first.error and "retry after 1" in first.error
    # Recorded times: the second attempt started at least Retry-After after the first answer
    # (the backoff alone, max 0.1s, would have been much shorter).
    assert second.started - first.finished >= 0.99
    (t1, _, _), (t2, _, _) = target.requests
    assert t2 - t1 >= 0.99


def test_hanging_webhook_stalls_neither_submit_nor_the_other_alerter(receiver):
    release = threading.Event()
    hanging = receiver(path="/hang", hang=release)
    working = receiver(path=SLACK_PATH)
    results = Results()
    timeout = 3.0
    alerters = [SlackAlerter("hangs", hanging.url("/hang")), slack(working, name="works")]

    async def run():
        async with AlertDispatcher(alerters, on_result=results, timeout_seconds=timeout,
                                   max_attempts=1, initial_backoff=0.05) as d:
            alerts = [make_alert(id=f"a{i}") for i in range(3)]
            before = time.monotonic()
            for alert in alerts:
                assert d.submit(alert)
            submitted = time.monotonic()
            # submit() only queues: it never waits for the network.
            assert submitted - before < 0.5
            for _ in range(300):
                if len(d.delivered) == 3:
                    break
                await asyncio.sleep(0.01)
            got_all = time.monotonic()
            still_pending = d.pending()
            assert await d.drain(timeout + 10)
            return submitted, got_all, still_pending, d

    submitted, got_all, still_pending, d = asyncio.run(run())
    # The working alerter got all three before the hanging one's timeout could expire.
    assert sorted(a for a, name, _ in d.delivered if name == "works") == ["a0", "a1", "a2"]
    assert [t for t, _, _ in working.requests][-1] - submitted < timeout / 2
    assert got_all - submitted < timeout / 2
    assert still_pending == 3  # the hanging deliveries, still waiting then
    # The hanging one timed out, per attempt, and was recorded as failed.
    hung = results.of("hangs")
    assert [c[2] for c in hung] == ["failed"] * 3
    assert all("no answer within 3s" in c[4] or "ReadTimeout" in c[4] for c in hung)
    release.set()


def test_permanently_failing_webhook_ends_failed_after_max_attempts(receiver):
    hook = receiver([(503, {}, "unavailable")], path=SLACK_PATH)
    results = Results()

    async def run():
        async with AlertDispatcher([slack(hook)], on_result=results, max_attempts=4,
                                   initial_backoff=0.05, max_backoff=0.1) as d:
            d.submit(make_alert())
            assert await d.drain(10)
            return d

    d = asyncio.run(run())
    assert len(hook.requests) == 4
    assert [c[2:4] for c in results.calls] == [
        ("retrying", 1), ("retrying", 2), ("retrying", 3), ("failed", 4)]
    assert "HTTP 503" in results.calls[-1][4]
    assert list(d.failed)[0][:3] == (make_alert()["id"], "ops", 4)
    assert d.failed_count == 1 and d.sent_count == 0


def test_a_client_error_is_not_retried(receiver):
    hook = receiver([(404, {}, "no_service")], path=SLACK_PATH)
    results = Results()

    async def run():
        async with AlertDispatcher([slack(hook)], on_result=results, initial_backoff=0.05) as d:
            d.submit(make_alert())
            assert await d.drain(10)
            assert len(hook.requests) == 1
            d.submit(make_alert())  # a failed alert may be submitted again
            assert await d.drain(10)

    asyncio.run(run())
    assert len(hook.requests) == 2
    assert results.calls[0][2:4] == ("failed", 1) and "no_service" in results.calls[0][4]


def test_one_failing_alerter_does_not_affect_another(receiver):
    bad = receiver([(500, {}, "boom")], path=SLACK_PATH)
    good = receiver(path=SLACK_PATH)
    results = Results()

    async def run():
        async with AlertDispatcher([slack(bad, name="bad"), slack(good, name="good")],
                                   on_result=results, max_attempts=2,
                                   initial_backoff=0.05) as d:
            d.submit(make_alert())
            assert await d.drain(10)

    asyncio.run(run())
    assert results.of("good")[-1][2] == "sent" and results.of("bad")[-1][2] == "failed"


def test_the_same_alert_is_sent_once(receiver):
    hook = receiver(path=SLACK_PATH)

    async def run():
        async with AlertDispatcher([slack(hook)]) as d:
            d.submit(make_alert())
            d.submit(make_alert())
            assert await d.drain(10)

    asyncio.run(run())
    assert len(hook.requests) == 1


def test_stop_reports_deliveries_still_waiting_as_failed(receiver):
    hook = receiver([(500, {}, "boom")], path=SLACK_PATH)
    results = Results()

    async def run():
        d = AlertDispatcher([slack(hook)], on_result=results, initial_backoff=30,
                            max_backoff=60)
        await d.start()
        d.submit(make_alert())
        await results.wait_for("ops", "retrying")
        await d.stop(drain_seconds=0.1)
        assert d.submit(make_alert(id="late")) is False
        return d

    d = asyncio.run(run())
    assert results.calls[-1][2:4] == ("failed", 1)
    assert "dispatcher stopped" in results.calls[-1][4] and "HTTP 500" in results.calls[-1][4]
    assert d.pending() == 0


def test_async_on_result_and_a_raising_on_result_do_not_break_delivery(receiver):
    hook = receiver(path=SLACK_PATH)
    seen = []

    async def record(*args):
        seen.append(args)

    def explode(*args):
        raise RuntimeError("callback bug")

    async def run():
        async with AlertDispatcher([slack(hook)], on_result=record) as d:
            d.submit(make_alert())
            assert await d.drain(10)
        async with AlertDispatcher([slack(hook)], on_result=explode) as d:
            d.submit(make_alert(id="second"))
            assert await d.drain(10)
            return d

    d = asyncio.run(run())
    assert seen[-1][2] == "sent" and d.sent_count == 1


# Secrets ---------------------------------------------------------------------------------------


def test_the_token_never_appears_in_errors_logs_or_results(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):  # other tests' CLI runs quieten these loggers
        caplog.set_level(logging.DEBUG, logger=name)
    unauthorized = receiver([(401, {}, {"ok": False, "error_code": 401,
                                        "description": "Unauthorized"})],
                            path=f"/bot{TOKEN}/sendMessage")
    hook = receiver([(500, {}, "boom")], path=SLACK_PATH)
    # A port nothing listens on: connection refused, retried, then failed.
    closed = HTTPServer(host="127.0.0.1", port=0)
    closed.start()
    closed_base = closed.url_for("/")
    closed.stop()
    results = Results()
    alerters = [
        TelegramAlerter("tg-401", TOKEN, 1, api_base=unauthorized.url("/")),
        TelegramAlerter("tg-down", TOKEN, 1, api_base=closed_base),
        SlackAlerter("slack-500", hook.url(SLACK_PATH)),
    ]

    async def direct():
        async with httpx.AsyncClient(timeout=5) as client:
            errors = []
            for alerter in alerters:
                try:
                    await alerter.send(make_alert(), client)
                except AlertDeliveryError as exc:
                    errors.append(exc)
            return errors

    async def dispatched():
        async with AlertDispatcher(alerters, on_result=results, max_attempts=2,
                                   initial_backoff=0.05) as d:
            d.submit(make_alert())
            assert await d.drain(10)

    errors = asyncio.run(direct())
    asyncio.run(dispatched())
    assert len(errors) == 3
    assert errors[0].retryable is False and errors[0].status == 401
    assert errors[1].retryable is True and errors[2].retryable is True
    secrets = [TOKEN, TOKEN.split(":")[1], SLACK_PATH, "hooksecretXYZ123"]
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [c[4] or "" for c in results.calls] + [repr(a) for a in alerters]
    # The receivers' own access log (werkzeug) shows the path, as Telegram's servers would.
    records = [r for r in caplog.records if not r.name.startswith("werkzeug")]
    texts += [r.getMessage() for r in records]
    assert any(r.name == "httpx" for r in records), "httpx logged no request: test is moot"
    for secret in secrets:
        leaks = [t for t in texts if secret in t]
        assert not leaks, leaks
    assert {c[1] for c in results.calls if c[2] == "failed"} == {"tg-401", "tg-down",
                                                                  "slack-500"}


# Text and links --------------------------------------------------------------------------------


def test_format_text_is_short_and_complete():
    text = format_text(make_alert(), KIBANA)
    lines = text.splitlines()
    assert lines[0] == "[HIGH] burst: #vaksinbabi 40 posts in 10 min vs ~3 usual (x13)"
    assert "Window: 2026-11-20 08:00–08:10 UTC" in lines
    assert "Platforms: x 30, facebook 10" in lines
    samples = [line for line in lines if line.startswith("- @user")]
    assert len(samples) == 3
    assert all(len(line.split(": ", 1)[1]) <= 140 for line in samples)
    assert "Narratives: x:1 (25 posts)" in lines
    assert any("HOAKS" in line and "https://cekfakta.example/vaksin-babi" in line
               for line in lines)
    assert lines[-1].startswith("Kibana: http://kibana.example:5601/app/discover#/")
    bare = format_text(make_alert(claim=None, samples=[], platforms=[], narratives=[]), None)
    assert "Kibana" not in bare and "Known claim" not in bare


def _state(url: str) -> tuple[str, dict[str, str]]:
    """(path inside the fragment, {param: decoded value}) of a Kibana URL."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "kibana.example:5601"
    route, _, query = parts.fragment.partition("?")
    params = parse_qs(query, strict_parsing=True)
    assert all(len(v) == 1 for v in params.values())
    return parts.path + "#" + route, {k: v[0] for k, v in params.items()}


def test_kibana_links_for_a_hashtag():
    links = kibana_links(make_alert(filters={"languages": ["id"], "platforms": ["x"]}), KIBANA)
    assert set(links) == {"discover", "trend"}
    where, state = _state(links["discover"])
    assert where == "/app/discover#/"
    assert state["_g"] == ("(filters:!(),time:(from:'2026-11-20T07:00:00.000Z',"
                           "to:'2026-11-20T09:10:00.000Z'))")
    assert state["_a"] == ("(index:pantau-posts,query:(language:kuery,"
                           "query:'hashtags:\"vaksinbabi\""
                           " and language.code:(\"id\") and platform:(\"x\")'))")
    assert "%22vaksinbabi%22" in links["discover"] and " " not in links["discover"]
    where, state = _state(links["trend"])
    assert where == "/app/dashboards#/view/pantau-trending-alerts"
    assert "hashtags:\"vaksinbabi\"" in state["_a"]
    # ... or the alerts of that term, for the dashboard's alert panels
    assert "or (term.kind:\"hashtag\" and term.value:\"vaksinbabi\")" in state["_a"]
    assert "from:'2026-11-20T07:00:00.000Z'" in state["_g"]


def test_kibana_links_for_entities_keywords_and_narratives():
    entity = kibana_links(make_alert(term={"kind": "entity", "value": "Gubernur Kalsel"}),
                          KIBANA.rstrip("/"))
    assert "query:'entities:{canonical:\"Gubernur Kalsel\"}'" in _state(entity["discover"])[1]["_a"]
    keyword = kibana_links(make_alert(term={"kind": "keyword", "value": "banjir"}), KIBANA)
    assert "keywords:\"banjir\"" in _state(keyword["discover"])[1]["_a"]
    narrative = kibana_links(make_alert(term={"kind": "narrative", "value": "facebook:1_2"}),
                             KIBANA)
    assert set(narrative) == {"discover", "narrative"}
    where, state = _state(narrative["narrative"])
    assert where == "/app/dashboards#/view/pantau-narrative-drilldown"
    assert state["_a"] == "(query:(language:kuery,query:'narrative_id:\"facebook:1_2\"'))"
    assert "to:'2026-11-20T09:10:00.000Z'" in state["_g"]


def test_kibana_links_encode_awkward_values():
    value = "it's #1 & \"best\" + 50%"
    links = kibana_links(make_alert(term={"kind": "keyword", "value": value}), KIBANA)
    _, state = _state(links["discover"])  # still exactly two parameters
    # KQL escapes the double quotes; rison escapes the single quote with '!'.
    assert "keywords:\"it!'s #1 & \\\"best\\\" + 50%\"" in state["_a"]
    assert "%26" in links["discover"] and "%23" in links["discover"]
    assert kibana_links(make_alert(), "") == {}


# Configuration ---------------------------------------------------------------------------------


def test_alerters_from_config_builds_validated_alerters():
    env = {"PANTAU_SLACK_WEBHOOK_URL": "https://hooks.slack.example/services/T/B/abcdefgh",
           "PANTAU_TELEGRAM_TOKEN": TOKEN}
    alerters = alerters_from_config([
        {"name": "ops", "type": "slack", "url_env": "PANTAU_SLACK_WEBHOOK_URL"},
        {"name": "desk", "type": "telegram", "token_env": "PANTAU_TELEGRAM_TOKEN",
         "chat_id": -100123, "api_base": "http://127.0.0.1:9"},
    ], environ=env, kibana_url=KIBANA)
    assert [(type(a), a.name) for a in alerters] == [(SlackAlerter, "ops"),
                                                      (TelegramAlerter, "desk")]
    assert alerters[1].chat_id == -100123 and alerters[0].kibana_url == KIBANA
    assert TOKEN not in repr(alerters)


def test_alerters_from_config_errors_name_the_alerter_and_the_variable():
    with pytest.raises(ValueError) as missing:
        alerters_from_config([{"name": "desk", "type": "telegram",
                               "token_env": "PANTAU_TG_TOKEN_UNSET", "chat_id": 1}], environ={})
    assert "'desk'" in str(missing.value) and "PANTAU_TG_TOKEN_UNSET" in str(missing.value)

    with pytest.raises(ValueError) as bad_url:
        alerters_from_config([{"name": "ops", "type": "slack", "url_env": "HOOK"}],
                             environ={"HOOK": "not a url with secret-value-123"})
    assert "'ops'" in str(bad_url.value) and "HOOK" in str(bad_url.value)
    assert "secret-value-123" not in str(bad_url.value)

    with pytest.raises(ValueError) as duplicate:
        alerters_from_config([
            {"name": "ops", "type": "slack", "url_env": "A"},
            {"name": "ops", "type": "slack", "url_env": "B"},
        ], environ={"A": "https://h.example/a/bcdefg", "B": "https://h.example/b/cdefgh"})
    assert "unique" in str(duplicate.value) and "'ops'" in str(duplicate.value)

    with pytest.raises(ValueError) as inline:
        alerters_from_config([{"name": "ops", "type": "slack",
                               "url": "https://hooks.slack.example/services/T/B/inlinesecret"}])
    assert "'ops'" in str(inline.value) and "url_env" in str(inline.value)
    assert "inlinesecret" not in str(inline.value)

    with pytest.raises(ValueError) as unknown:
        alerters_from_config([{"name": "pager", "type": "pagerduty"}])
    assert "'pager'" in str(unknown.value)

    with pytest.raises(ValueError) as no_chat:
        alerters_from_config([{"name": "desk", "type": "telegram", "token_env": "T"}],
                             environ={"T": TOKEN})
    assert "'desk'" in str(no_chat.value) and "chat_id" in str(no_chat.value)
