"""The connector runner against the real broker and local HTTP sources (pytest-httpserver).

Toy connectors page through a local server that records every request; the tests read what
the runner published (posts.raw, dlq) back from the broker.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from kafka import KafkaConsumer, TopicPartition
from prometheus_client import REGISTRY
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from ingestors.base import (ConnectorOptions, ConnectorPaused, MappingError, Page, PollingConnector,
                            ServerConnector, StreamingConnector)
from ingestors.connectors_config import parse_connectors
from ingestors.publish import make_producer
from ingestors.registry import CONNECTOR_TYPES
from ingestors.mastodon import instance_host
from ingestors.runner import FAILING_AFTER, USER_AGENT, Runner, retry_after_seconds
from ingestors.state import StateStore
from pantau.cli import app
from pantau.clients import kafka_python_config
from pantau.local_backend import free_port
from streams.topics import ensure_topics

SECRET = "s3cr3t-7f1e-token-value"


class ToyItems:
    """Items are {"id", "text", "at"}; one without text cannot be mapped."""

    def item_id(self, item):
        return str(item["id"])

    def map(self, item):
        if "text" not in item:
            raise MappingError("item has no text")
        return {"uid": f"toy:{item['id']}", "text": item["text"], "created_at": item.get("at", "2026-11-30T08:00:00Z")}


class PagedConnector(ToyItems, PollingConnector):
    """GET {url}?after=N&limit=M -> {"items": [...]}; the checkpoint is the last id."""

    type = "toy_paged"

    class Options(ConnectorOptions):
        url: str
        page_size: int = 3
        token_env: str | None = None

    def fetch(self, http, checkpoint):
        after = (checkpoint or {}).get("after", 0)
        headers = {"Authorization": f"Bearer {self.secret('token_env')}"} if self.options.token_env else {}
        answer = http.get(self.options.url, params={"after": after, "limit": self.options.page_size}, headers=headers)
        answer.raise_for_status()
        items = answer.json()["items"]
        return Page(items, {"after": items[-1]["id"] if items else after}, more=len(items) == self.options.page_size)


class StreamConnector(ToyItems, StreamingConnector):
    """Streams items 1..count; the first connection drops after ``fail_after`` items."""

    type = "toy_stream"
    connections: list = []

    class Options(ConnectorOptions):
        count: int = 6
        fail_after: int = 4

    def stream(self, http, checkpoint):
        type(self).connections.append(checkpoint)
        for number in range((checkpoint or {}).get("n", 0) + 1, self.options.count + 1):
            if len(self.connections) == 1 and number > self.options.fail_after:
                raise ConnectionResetError("connection reset by peer")
            yield {"id": number, "text": f"streamed {number}"}, {"n": number}


class ServedConnector(ToyItems, ServerConnector):
    """Hands its ``submit`` callback to the test."""

    type = "toy_server"
    submit = None

    def serve(self, submit, stop):
        type(self).submit = staticmethod(submit)
        stop.wait()


class Source:
    """A local HTTP source: items after an id, every request recorded, failures on cue."""

    def __init__(self, httpserver, path: str = "/items"):
        self.items: list[dict] = []
        self.requests: list[tuple[float, dict, str | None]] = []  # (monotonic time, query, Authorization)
        self.answers: list = []  # one-off answers (request -> Response), sent before the items
        self.fail = None  # an answer for every request, while set
        self.lock = threading.Lock()
        httpserver.expect_request(path).respond_with_handler(self.handle)
        self.url = httpserver.url_for(path)

    def add(self, first: int, last: int) -> None:
        self.items += [{"id": n, "text": f"post {n}"} for n in range(first, last + 1)]

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append((time.monotonic(), dict(request.args), request.headers.get("Authorization")))
            answer = self.answers.pop(0) if self.answers else self.fail
            if answer is not None:
                return answer(request)
            after, limit = int(request.args["after"]), int(request.args["limit"])
            page = [item for item in self.items if item["id"] > after][:limit]
            return Response(json.dumps({"items": page}), 200, content_type="application/json")


def paged(name: str, url: str, **options) -> dict:
    return {"type": "toy_paged", "name": name, "poll_interval_seconds": 0.1,
            "rate_limit": {"requests_per_second": 200, "burst": 20},
            "retry": {"initial_backoff_seconds": 0.05, "max_backoff_seconds": 0.2},
            "options": {"url": url, **options}}


@pytest.fixture
def start_runner(settings, tmp_path, monkeypatch):
    """``start(*connector_dicts, environ=..., state=...)``: a started runner, stopped after the test."""
    for type_name, cls in (("toy_paged", "PagedConnector"), ("toy_stream", "StreamConnector"),
                           ("toy_server", "ServedConnector")):
        monkeypatch.setitem(CONNECTOR_TYPES, type_name, f"{__name__}:{cls}")
    ensure_topics(settings)
    runners: list[Runner] = []

    def start(*connectors: dict, environ: dict | None = None, state: StateStore | None = None) -> Runner:
        environ = environ or {}
        instances = parse_connectors({"connectors": list(connectors)}, environ=environ)
        runner = Runner(settings, instances, state or StateStore.in_dir(tmp_path), environ=environ, check_every=0.05)
        runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in runners:
        runner.stop()


def read_topic(settings, name: str) -> list:
    """Every record of a topic, from its start to its current end."""
    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False)
    try:
        topic = settings.topic(name)
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records = []
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def uids(settings) -> Counter:
    """How many times each uid is on posts.raw."""
    return Counter(record.key.decode() for record in read_topic(settings, "posts.raw"))


def each_once(first: int, last: int) -> Counter:
    return Counter({f"toy:{n}": 1 for n in range(first, last + 1)})


def test_a_restart_resumes_from_the_checkpoint_with_no_gap_and_no_repeat(settings, start_runner, httpserver,
                                                                       tmp_path, wait_for):
    source = Source(httpserver)
    source.add(1, 7)
    state = StateStore.in_dir(tmp_path)
    first = start_runner(paged("toy", source.url))
    wait_for(lambda: state.checkpoint("toy") == {"after": 7}, 30, "the first runner to reach item 7")
    first.stop()

    source.add(8, 10)
    asked_before = len(source.requests)
    start_runner(paged("toy", source.url))
    wait_for(lambda: state.checkpoint("toy") == {"after": 10}, 30, "the second runner to reach item 10")
    assert source.requests[asked_before][1]["after"] == "7"  # it went on from the checkpoint
    assert uids(settings) == each_once(1, 10)


class _Killed(BaseException):
    """Stands for the process dying."""


class DyingState(StateStore):
    """Dies once right after the broker acknowledged a batch, before the batch is committed."""

    died = threading.Event()

    def commit(self, name, checkpoint, seen_ids, counts):
        if counts.published and not self.died.is_set():
            self.died.set()
            raise _Killed()
        super().commit(name, checkpoint, seen_ids, counts)


def test_a_crash_between_publish_and_commit_neither_loses_nor_repeats(settings, start_runner, httpserver,
                                                                      tmp_path, wait_for):
    source = Source(httpserver)
    source.add(1, 6)
    dying = DyingState(tmp_path / "state.sqlite3")
    DyingState.died.clear()
    crashed = start_runner(paged("toy", source.url), state=dying)
    wait_for(DyingState.died.is_set, 30, "the runner to die after publishing its first batch")
    crashed.stop()
    state = StateStore.in_dir(tmp_path)
    assert state.checkpoint("toy") is None
    assert state.intent("toy").items == [("1", "toy:1"), ("2", "toy:2"), ("3", "toy:3")]

    asked_before = len(source.requests)
    start_runner(paged("toy", source.url))
    wait_for(lambda: state.checkpoint("toy") == {"after": 6}, 30, "the restarted runner to reach item 6")
    assert source.requests[asked_before][1]["after"] == "3"  # found on posts.raw: not fetched again
    assert uids(settings) == each_once(1, 6)


def test_a_batch_half_sent_before_a_crash_is_completed_without_repeats(settings, start_runner, httpserver,
                                                                       tmp_path, wait_for):
    ensure_topics(settings)
    consumer = KafkaConsumer(**kafka_python_config(settings))
    raw = settings.topic("posts.raw")
    offsets = {tp.partition: o for tp, o in consumer.end_offsets(
        [TopicPartition(raw, p) for p in consumer.partitions_for_topic(raw)]).items()}
    consumer.close()
    state = StateStore.in_dir(tmp_path)
    state.ensure(["toy"])
    state.save_intent("toy", {"after": 3}, [("1", "toy:1"), ("2", "toy:2"), ("3", "toy:3")], offsets)
    producer = make_producer(settings)
    producer.send(raw, key=b"toy:1", value=b'{"uid": "toy:1", "text": "post 1", "created_at": "2026-11-30T08:00:00Z"}')
    producer.close()  # the crash came after toy:1 only

    source = Source(httpserver)
    source.add(1, 4)
    start_runner(paged("toy", source.url))
    wait_for(lambda: state.checkpoint("toy") == {"after": 4}, 30, "the runner to reach item 4")
    assert source.requests[0][1]["after"] == "0"  # incomplete: fetched again from the old checkpoint
    assert uids(settings) == each_once(1, 4)


def test_a_429_retry_after_is_honoured_and_shown_in_status(settings, start_runner, httpserver, tmp_path, wait_for):
    source = Source(httpserver)
    source.add(1, 2)
    source.answers.append(lambda request: Response("slow down", 429, {"Retry-After": "2"}))
    state = StateStore.in_dir(tmp_path)
    start_runner(paged("toy", source.url))  # its own backoff starts at 0.05 s
    wait_for(lambda: state.statuses(["toy"])[0].backoff_seconds == 2.0, 10, "status to show the 2 s backoff")
    assert state.statuses(["toy"])[0].state == "backing-off"
    wait_for(lambda: state.checkpoint("toy") == {"after": 2}, 30, "the runner to fetch after the 429")
    (refused_at, _, _), (retried_at, _, _) = source.requests[:2]
    assert retried_at - refused_at >= 2.0  # not sooner than the server asked
    status = state.statuses(["toy"])[0]
    assert status.errors == {"rate_limited": 1} and status.backoff_seconds == 0 and status.state == "running"
    assert uids(settings) == each_once(1, 2)


def test_retry_after_as_seconds_an_http_date_or_a_rate_limit_reset():
    now = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)

    def asked(**headers):
        return retry_after_seconds(httpx.Response(429, headers=headers), now=now.timestamp())

    assert asked(**{"Retry-After": "7"}) == 7
    assert asked(**{"Retry-After": format_datetime(now + timedelta(seconds=30), usegmt=True)}) == 30
    assert asked(**{"x-rate-limit-reset": str(int(now.timestamp()) + 90)}) == 90  # X: an epoch time
    assert asked(**{"Retry-After": "soon"}) is None and asked() is None


def test_malformed_items_are_dead_lettered_with_their_reason_while_the_others_flow(settings, start_runner,
                                                                                   httpserver, tmp_path, wait_for):
    source = Source(httpserver)
    source.add(1, 2)
    source.items += [{"id": 3, "at": "2026-11-30T08:00:00Z"}, {"id": 4, "text": "kapan?", "at": "kemarin sore"}]
    source.add(5, 6)
    state = StateStore.in_dir(tmp_path)

    def dead_lettered() -> float:
        return REGISTRY.get_sample_value("pantau_connector_items_total",
                                         {"connector": "malformed", "outcome": "dead_lettered"}) or 0

    before = dead_lettered()
    start_runner(paged("malformed", source.url))
    wait_for(lambda: state.checkpoint("malformed") == {"after": 6}, 30, "the runner to reach item 6")

    assert uids(settings) == Counter({"toy:1": 1, "toy:2": 1, "toy:5": 1, "toy:6": 1})
    letters = {json.loads(base64.b64decode(letter["original_b64"]))["id"]: letter
               for letter in (json.loads(record.value) for record in read_topic(settings, "dlq"))}
    assert sorted(letters) == [3, 4]
    assert letters[3]["stage"] == letters[4]["stage"] == "connector:malformed"
    assert letters[3]["reason"] == "item has no text"
    assert letters[4]["reason"].startswith("created_at: ") and "kemarin sore" in letters[4]["reason"]
    status = state.statuses(["malformed"])[0]
    assert (status.published, status.dead_lettered, status.errors) == (4, 2, {"mapping": 2})
    assert dead_lettered() - before == 2


def test_a_failing_connector_backs_off_in_status_while_another_keeps_publishing(settings, start_runner, httpserver,
                                                                                tmp_path, wait_for):
    broken = Source(httpserver, "/broken")
    broken.fail = lambda request: Response("upstream down", 503)
    healthy = Source(httpserver, "/items")
    healthy.add(1, 3)
    state = StateStore.in_dir(tmp_path)
    start_runner(paged("broken", broken.url), paged("healthy", healthy.url))
    wait_for(lambda: state.statuses(["broken"])[0].state == "failing", 30,
             f"the broken connector to fail {FAILING_AFTER} times in a row")
    healthy.add(4, 6)
    wait_for(lambda: state.checkpoint("healthy") == {"after": 6}, 30, "the healthy connector to go on publishing")

    failing, fine = state.statuses(["broken", "healthy"])
    assert failing.state == "failing" and 0 < failing.backoff_seconds
    assert failing.errors["server"] >= FAILING_AFTER and failing.last_error_kind == "server"
    assert failing.last_error.startswith("HTTP 503 ") and failing.last_error.endswith("/broken: upstream down")
    assert (fine.state, fine.published, fine.errors) == ("running", 6, {})
    assert uids(settings) == each_once(1, 6)


def test_a_secret_never_appears_in_logs_errors_or_status(settings, start_runner, httpserver, tmp_path, wait_for,
                                                         caplog, capsys, monkeypatch):
    caplog.set_level(logging.DEBUG)
    source = Source(httpserver)
    source.fail = lambda request: Response(f"invalid token: {request.headers.get('Authorization')}", 401)
    state = StateStore.in_dir(tmp_path)
    connector = paged("secretive", source.url, token_env="TOY_TOKEN")
    start_runner(connector, environ={"TOY_TOKEN": SECRET})
    wait_for(lambda: state.statuses(["secretive"])[0].consecutive_errors >= 2, 30, "two failed fetches")
    assert source.requests[0][2] == f"Bearer {SECRET}"  # it was sent, and the server echoed it back
    logging.getLogger("toy").warning("careless connector: token=%s", SECRET)
    try:
        raise ValueError(f"token {SECRET} refused")
    except ValueError:
        logging.getLogger("toy").exception("careless traceback")

    status = state.statuses(["secretive"])[0]
    assert status.last_error_kind == "client"
    assert "invalid token: Bearer [secret]" in status.last_error

    config = tmp_path / "connectors.yaml"
    config.write_text(json.dumps({"connectors": [connector]}))  # JSON is YAML
    monkeypatch.setenv("TOY_TOKEN", SECRET)
    monkeypatch.setenv("PANTAU_CONNECTORS_STATE_DIR", str(tmp_path))
    table = CliRunner().invoke(app, ["connectors", "status", "--file", str(config)])
    as_json = CliRunner().invoke(app, ["connectors", "status", "--file", str(config), "--json"])
    assert table.exit_code == as_json.exit_code == 0
    assert "secretive" in table.output and "invalid token: Bearer [secret]" in table.output

    captured = capsys.readouterr()
    everything = "\n".join([caplog.text, captured.out, captured.err, json.dumps(status.as_dict()),
                            table.output, as_json.output])
    assert "[secret]" in caplog.text
    assert SECRET not in everything


def test_pause_and_resume_take_effect_on_a_running_runner(settings, start_runner, httpserver, tmp_path, wait_for):
    source = Source(httpserver)
    source.add(1, 1)
    state = StateStore.in_dir(tmp_path)
    start_runner(paged("toy", source.url))
    wait_for(lambda: len(source.requests) >= 2, 30, "the connector to poll twice")

    StateStore.in_dir(tmp_path).set_paused("toy", True)  # as `pantau connectors pause toy` does
    wait_for(lambda: state.statuses(["toy"])[0].state == "paused", 10, "the runner to acknowledge the pause")
    asked = len(source.requests)
    time.sleep(1.0)  # ten poll intervals
    assert len(source.requests) == asked

    source.add(2, 2)
    StateStore.in_dir(tmp_path).set_paused("toy", False)
    wait_for(lambda: state.checkpoint("toy") == {"after": 2}, 10, "the resumed connector to fetch item 2")
    assert state.statuses(["toy"])[0].state == "running"
    assert uids(settings) == each_once(1, 2)


def test_a_dropped_stream_reconnects_from_its_checkpoint(settings, start_runner, tmp_path, wait_for):
    StreamConnector.connections = []
    state = StateStore.in_dir(tmp_path)
    start_runner({"type": "toy_stream", "name": "stream",
                  "retry": {"initial_backoff_seconds": 0.05, "max_backoff_seconds": 0.2}})
    wait_for(lambda: state.checkpoint("stream") == {"n": 6}, 30, "the stream to deliver item 6")
    assert StreamConnector.connections[:2] == [None, {"n": 4}]
    assert state.statuses(["stream"])[0].errors["network"] >= 1
    assert uids(settings) == each_once(1, 6)


def test_a_server_connector_submits_synchronously_and_refuses_while_paused(settings, start_runner, tmp_path,
                                                                           wait_for):
    ServedConnector.submit = None
    state = StateStore.in_dir(tmp_path)
    start_runner({"type": "toy_server", "name": "ingest"})
    wait_for(lambda: ServedConnector.submit is not None, 10, "the server connector to serve")

    first = ServedConnector.submit([{"id": 1, "text": "satu"}, {"id": 2}])
    assert (first.published, first.duplicates, first.dead_lettered) == (1, 0, [(1, "item has no text")])
    again = ServedConnector.submit([{"id": 1, "text": "satu"}])
    assert (again.published, again.duplicates) == (0, 1)
    assert uids(settings) == Counter({"toy:1": 1})  # acknowledged before submit returned

    state.set_paused("ingest", True)
    with pytest.raises(ConnectorPaused, match="ingest is paused"):
        ServedConnector.submit([{"id": 3, "text": "tiga"}])


def test_the_token_bucket_spaces_requests_at_the_configured_rate(settings, start_runner, httpserver, tmp_path,
                                                                 wait_for):
    source = Source(httpserver)
    source.add(1, 6)
    paced = {**paged("paced", source.url, page_size=1), "rate_limit": {"requests_per_second": 2, "burst": 2}}
    start_runner(paced)  # a full page means "more": it asks again at once, as fast as the bucket lets it
    wait_for(lambda: len(source.requests) >= 6, 30, "six requests")

    times = [at for at, _, _ in source.requests[:6]]
    since_first = [at - times[0] for at in times]
    # A burst of 2, then one token every 0.5 s: request k (from 0) comes no sooner than
    # (k - 1) * 0.5 s after the first (0.1 s of margin for timers; no upper bound asserted).
    # Single gaps may be shorter when a slow request let the bucket refill meanwhile.
    assert all(since_first[k] >= (k - 1) * 0.5 - 0.1 for k in range(2, 6)), since_first
    assert [args["after"] for _, args, _ in source.requests[:6]] == ["0", "1", "2", "3", "4", "5"]


class RecordingState(StateStore):
    """A real state file that also remembers the backoff of every error it records, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backoffs: list[float] = []

    def record_error(self, name, kind, message, backoff_seconds, *, failing):
        self.backoffs.append(backoff_seconds)
        super().record_error(name, kind, message, backoff_seconds, failing=failing)


def test_consecutive_failures_back_off_exponentially_with_jitter_up_to_the_maximum(settings, start_runner,
                                                                                  httpserver, tmp_path, wait_for):
    source = Source(httpserver)
    source.fail = lambda request: Response("upstream down", 503)
    state = RecordingState(tmp_path / "state.sqlite3")
    flaky = {**paged("flaky", source.url), "retry": {"initial_backoff_seconds": 0.05, "max_backoff_seconds": 0.4}}
    start_runner(flaky, state=state)
    wait_for(lambda: len(state.backoffs) >= 5, 30, "five failures in a row")

    first, second, third, fourth, fifth = state.backoffs[:5]
    # failure n: 0.05 * 2**(n-1) plus a jitter of up to 0.05, capped at 0.4
    assert 0.05 <= first <= 0.1 and 0.1 <= second <= 0.15 and 0.2 <= third <= 0.25
    assert first < second < third and fourth == fifth == 0.4
    jitters = {round(backoff - 0.05 * 2 ** n, 9) for n, backoff in enumerate([first, second, third])}
    assert len(jitters) > 1  # random, not a fixed offset
    status = state.statuses(["flaky"])[0]
    assert status.state == "failing" and status.backoff_seconds == 0.4
    assert REGISTRY.get_sample_value("pantau_connector_backoff_seconds", {"connector": "flaky"}) == 0.4


def test_an_rss_fact_checker_feed_puts_posts_on_posts_raw_and_verdicts_on_claims(settings, start_runner,
                                                                                  httpserver, tmp_path, wait_for):
    feed = (Path(__file__).parent / "payloads" / "turnbackhoax_rss.xml").read_text(encoding="utf-8")
    httpserver.expect_request("/feed/").respond_with_data(feed, content_type="application/rss+xml; charset=UTF-8")
    state = StateStore.in_dir(tmp_path)
    start_runner({"type": "rss", "name": "turnbackhoax", "poll_interval_seconds": 60,
                  "options": {"feeds": [{"url": httpserver.url_for("/feed/"), "fact_checker": True}]}})
    wait_for(lambda: state.statuses(["turnbackhoax"])[0].fetched == 6, 30, "the feed's six entries")

    posts = {record.key.decode(): json.loads(record.value) for record in read_topic(settings, "posts.raw")}
    claims = [(record.key.decode(), json.loads(record.value)) for record in read_topic(settings, "claims")]
    assert len(posts) == 5  # the undated [HOAKS] entry is dead-lettered, and gives no claim
    assert [claim["verdict"] for _, claim in sorted(claims, key=lambda c: c[1]["published_at"], reverse=True)] == [
        "HOAKS", "SALAH", "DISINFORMASI", "KLARIFIKASI"]
    for key, claim in claims:
        assert key == claim["uid"] and claim["uid"] in posts  # each claim leads to its debunk's post
        assert posts[key]["fact_check"] == {"verdict": claim["verdict"], "claim": claim["claim"]}
        assert claim["source"] == "TURNBACKHOAX" and claim["url"] == posts[key]["url"]
    hoax = next(claim for _, claim in claims if claim["verdict"] == "HOAKS")
    assert hoax["claim"] == "Video Banjir di Banjarmasin Akibat Tanggul Sungai Martapura Jebol"
    [letter] = [json.loads(record.value) for record in read_topic(settings, "dlq")]
    assert letter["stage"] == "connector:turnbackhoax" and "no published or updated date" in letter["reason"]


def status_of(n: int) -> dict:
    """A Mastodon Status, id ``n``, with what a post needs."""
    return {"id": str(n), "created_at": "2026-11-30T08:00:00.000Z", "url": f"https://mastodon.example/@budi/{n}",
            "account": {"id": "7", "acct": "budi", "display_name": "Budi"}, "content": f"<p>kabar #hoaks {n}</p>"}


class LiveInstance:
    """A local Mastodon instance: a hashtag stream held open (server-sent events, heartbeats), which
    sends only what is posted after a client connects, as the real one does, and the REST timeline
    a reconnecting client catches up from. Every request is recorded with its User-Agent."""

    def __init__(self, server: HTTPServer):
        self.statuses: list[dict] = []
        self.requests: list[tuple[str, dict, str | None]] = []  # (path, query, User-Agent)
        self.closed = threading.Event()
        self.lock = threading.Lock()
        server.expect_request("/api/v1/streaming/hashtag").respond_with_handler(self.stream)
        server.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(self.timeline)
        self.base_url = server.url_for("/")

    def post(self, n: int) -> None:
        with self.lock:
            self.statuses.append(status_of(n))

    def _record(self, request: Request) -> None:
        with self.lock:
            self.requests.append((request.path, dict(request.args), request.headers.get("User-Agent")))

    def stream(self, request: Request) -> Response:
        self._record(request)
        with self.lock:
            sent = len(self.statuses)

        def events():
            nonlocal sent
            while not self.closed.is_set():
                with self.lock:
                    new, sent = self.statuses[sent:], len(self.statuses)
                for status in new:
                    yield f"event: update\ndata: {json.dumps(status)}\n\n"
                yield ":thump\n\n"
                self.closed.wait(0.1)

        return Response(events(), content_type="text/event-stream; charset=utf-8")

    def timeline(self, request: Request) -> Response:
        self._record(request)
        after = int(request.args.get("min_id", 0))
        with self.lock:
            newer = [s for s in self.statuses if int(s["id"]) > after]
        return Response(json.dumps(newer[::-1]), content_type="application/json")  # newest first


@pytest.fixture
def live_instance():
    """A :class:`LiveInstance` on a threaded local server (a held-open stream must not block the REST calls)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    instance = LiveInstance(server)
    yield instance
    instance.closed.set()
    server.clear()
    server.stop()


def test_a_stream_requests_through_the_rate_limited_client_and_pauses_and_resumes(settings, live_instance,
                                                                                  start_runner, tmp_path, wait_for):
    state = StateStore.in_dir(tmp_path)

    def requests_timed() -> float:
        return REGISTRY.get_sample_value("pantau_connector_request_seconds_count", {"connector": "masto"}) or 0

    timed_before = requests_timed()
    start_runner({"type": "mastodon_stream", "name": "masto",
                  "retry": {"initial_backoff_seconds": 0.05, "max_backoff_seconds": 0.2},
                  "options": {"base_url": live_instance.base_url, "hashtag": "hoaks"}})
    wait_for(lambda: live_instance.requests, 10, "the stream to connect")
    live_instance.post(101)
    wait_for(lambda: state.checkpoint("masto") == {"last_id": "101"}, 30, "status 101 to be published")

    StateStore.in_dir(tmp_path).set_paused("masto", True)
    wait_for(lambda: state.statuses(["masto"])[0].state == "paused", 10, "the runner to acknowledge the pause")
    live_instance.post(102)  # reaches the old connection, whose reader is cancelled: dropped, not published
    time.sleep(1.0)  # twenty check intervals
    assert state.checkpoint("masto") == {"last_id": "101"}

    StateStore.in_dir(tmp_path).set_paused("masto", False)
    wait_for(lambda: state.checkpoint("masto") == {"last_id": "102"}, 30, "the resumed stream to catch up on 102")
    assert state.statuses(["masto"])[0].state == "running"
    host = instance_host(live_instance.base_url)
    assert uids(settings) == Counter({f"mastodon:{host}:101": 1, f"mastodon:{host}:102": 1})

    paths = [(path, query) for path, query, _ in live_instance.requests]
    stream = ("/api/v1/streaming/hashtag", {"tag": "hoaks"})
    assert paths[:3] == [stream, stream, ("/api/v1/timelines/tag/hoaks", {"limit": "40", "min_id": "101"})]
    # the stream and its REST catch-up both went through the runner's client: its User-Agent, timed
    assert {agent for _, _, agent in live_instance.requests} == {USER_AGENT}
    assert requests_timed() - timed_before >= 3


def test_a_paused_http_ingest_endpoint_answers_503_paused_and_status_shows_it(settings, start_runner, tmp_path,
                                                                             wait_for):
    port, token = free_port(), "tok-9d2e7a41c0"
    state = StateStore.in_dir(tmp_path)
    start_runner({"type": "http_ingest", "name": "partners", "options": {"port": port, "token_env": "INGEST_TOKEN"}},
                 environ={"INGEST_TOKEN": token})
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"},
                          timeout=30)

    def healthy() -> bool:
        try:
            return client.get("/healthz").status_code == 200
        except httpx.TransportError:
            return False

    def send(n: int) -> httpx.Response:
        return client.post("/v1/posts", json={"uid": f"partnerweb:{n}", "text": f"kabar {n}",
                                              "created_at": "2026-11-30T08:00:00Z"})

    wait_for(healthy, 30, "the endpoint to listen")
    assert send(1).json() == {"accepted": 1, "duplicates": 0, "refused": []}

    StateStore.in_dir(tmp_path).set_paused("partners", True)
    wait_for(lambda: state.statuses(["partners"])[0].state == "paused", 10, "status to show the pause")
    refused = send(2)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert refused.json() == {"error": "paused", "message": "connector partners is paused by an operator; "
                                                            "nothing was stored: retry later"}

    StateStore.in_dir(tmp_path).set_paused("partners", False)
    wait_for(lambda: state.statuses(["partners"])[0].state == "running", 10, "status to show the resume")
    assert send(2).status_code == 202
    client.close()
    assert uids(settings) == Counter({"partnerweb:1": 1, "partnerweb:2": 1})
    assert state.statuses(["partners"])[0].errors == {}
