"""The connector runner: drives every configured connector alike, one thread each.

For each instance of the connectors file it does what ``ingestors.base`` promises connectors:

* **rate limits**: a token bucket per connector (pyrate-limiter's ``TokenBucket``) in front of
  every request of the ``httpx.Client`` it hands to ``fetch`` and to ``stream`` (:func:`http_client`:
  timeouts and a User-Agent set, each request timed for the latency metric; the connector
  raises for an error status, as ``ingestors.base`` says);
* **retries**: any error of a fetch, a stream or a publish is retried by tenacity without end,
  after a backoff that grows exponentially with jitter from ``retry.initial_backoff_seconds``
  to ``retry.max_backoff_seconds``, or that a 429/503's ``Retry-After`` (seconds or an HTTP
  date; X's ``x-rate-limit-reset`` too) sets. The error kind (network, rate_limited, server,
  client, publish, other), its scrubbed message and the backoff show in status; after
  :data:`FAILING_AFTER` failures in a row the state reads "failing" instead of "backing-off".
  One connector failing never stops the others;
* **checkpoints, de-duplication, exactly once**: see ``ingestors.state`` (commit after the
  broker's acknowledgement, an intent recovered from posts.raw after a crash);
* **validation and dead letters**: ``connector.map`` then ``pantau.post.parse_post``; an item
  that fails goes to the dlq topic (stage ``connector:<name>``) with the reason while the
  rest of its batch flows; posts go to posts.raw keyed by uid, claims to the claims topic;
* **pause and resume** from another process (the paused flag in the state file, checked
  before each poll and every ``check_every`` seconds while waiting; a server connector keeps
  listening and refuses items while paused), and a graceful stop on SIGTERM or SIGINT;
* **metrics** (prometheus-client), served on ``PANTAU_CONNECTORS_METRICS_PORT`` when set;
* **secrets** never reach logs, errors or status: their values (from the ``..._env``
  variables) are scrubbed from every log record of the process and every stored message.

Polling connectors are polled at once on start, then every ``poll_interval_seconds`` (or at
each ``schedule`` time, the first one included), and again at once while ``Page.more`` is
true. Streaming connectors are read in a helper thread and published in batches of up to
:data:`STREAM_BATCH` items or :data:`STREAM_BATCH_SECONDS`; a stream that ends or fails is
reconnected from the last committed checkpoint after the backoff. Server connectors serve
until the runner stops, with ``submit`` publishing synchronously.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from types import SimpleNamespace
from typing import Any, Callable, Iterable

import httpx
import orjson
import tenacity
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from prometheus_client import Counter, Gauge, Histogram
from pyrate_limiter import Limiter, limiter_factory

from ingestors.base import (Connector, ConnectorPaused, MappingError, PollingConnector,
                            StreamingConnector, Submitted)
from ingestors.connectors_config import Instance, RateLimit, secret_values
from ingestors.publish import make_producer
from ingestors.state import BatchCounts, StateStore
from pantau.clients import kafka_python_config
from pantau.config import Settings
from pantau.deadletter import dead_letter
from pantau.post import MAX_RECORD_BYTES, InvalidPost, dump_post, parse_post
from streams import topics

log = logging.getLogger(__name__)

try:
    USER_AGENT = f"pantau/{version('pantau')} (social-media monitoring; connector runner)"
except PackageNotFoundError:  # running from a source tree that is not installed
    USER_AGENT = "pantau (social-media monitoring; connector runner)"

FAILING_AFTER = 5
STREAM_BATCH = 500
STREAM_BATCH_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
MAX_RETRY_AFTER_SECONDS = 86_400.0
ACK_TIMEOUT_SECONDS = 60.0

ITEMS = Counter("pantau_connector_items_total", "Items per connector by outcome "
                "(fetched, published, duplicate, dead_lettered)", ["connector", "outcome"])
ERRORS = Counter("pantau_connector_errors_total", "Connector errors by kind "
                 "(network, rate_limited, server, client, mapping, publish, other)", ["connector", "kind"])
REQUEST_SECONDS = Histogram("pantau_connector_request_seconds", "HTTP request latency of a connector "
                            "(to the response headers, rate-limit wait excluded)", ["connector"],
                            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
BACKOFF = Gauge("pantau_connector_backoff_seconds", "Current backoff of a connector (0 when healthy)", ["connector"])


class _Interrupted(BaseException):
    """Stop or pause while waiting: unwinds through connector code (not an Exception, so not retried)."""


class StreamEnded(ConnectionError):
    """A streaming connector's stream ended; it is reconnected like after a network error."""


# -- secrets ------------------------------------------------------------------------------

class SecretScrubber:
    """Replaces known secret values in text, and in every log record of the process once installed."""

    MASK = "[secret]"

    def __init__(self) -> None:
        self._secrets: tuple[str, ...] = ()
        self._installed = False

    def add(self, values: Iterable[str]) -> None:
        """Remember more secret values (longest first, so that one containing another is masked whole)."""
        self._secrets = tuple(sorted(set(self._secrets) | {v for v in values if v}, key=len, reverse=True))

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, self.MASK)
        return text

    def install(self) -> None:
        """Scrub every log record created from now on (message, arguments and traceback)."""
        if self._installed:
            return
        self._installed = True
        make_record = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            if self._secrets:
                self._scrub_record(record)
            return record

        logging.setLogRecordFactory(factory)

    def _scrub_record(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: left for the handler to report
            return
        clean = self.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            clean = self.scrub(text)
            if clean != text:
                record.exc_text, record.exc_info = clean, None


SCRUBBER = SecretScrubber()


# -- HTTP: rate limit, errors, Retry-After ------------------------------------------------

def token_bucket(rate: RateLimit) -> Limiter:
    """A token bucket of ``rate.burst`` requests refilling at ``rate.per_second``."""
    # pyrate-limiter counts whole requests per whole milliseconds: 1000 requests per the time
    # they take keeps a fractional rate (0.5/s, 7/min) exact to the microsecond.
    interval_ms = max(1, round(1_000_000 / rate.per_second))
    return limiter_factory.create_token_bucket_limiter(1000, interval_ms, burst=rate.burst, buffer_ms=5)


class _LimitedTransport(httpx.BaseTransport):
    """Takes a token before each request (giving up at once on stop) and times the request."""

    def __init__(self, inner: httpx.BaseTransport, limiter: Limiter, name: str, stop: threading.Event):
        self._inner, self._limiter, self._name, self._stop = inner, limiter, name, stop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        while not self._limiter.try_acquire(self._name, blocking=True, timeout=0.5):
            if self._stop.is_set():
                raise _Interrupted()
        started = time.perf_counter()
        try:
            return self._inner.handle_request(request)
        finally:
            REQUEST_SECONDS.labels(self._name).observe(time.perf_counter() - started)

    def close(self) -> None:
        self._inner.close()


def http_client(name: str, rate: RateLimit, stop: threading.Event | None = None) -> httpx.Client:
    """The client polling and streaming connectors get: rate-limited, timed, with timeouts and a User-Agent.

    It raises nothing for an error status: the connector calls ``raise_for_status()`` (after
    handling what it handles itself, such as an expired token), and the runner retries.
    """
    transport = _LimitedTransport(httpx.HTTPTransport(retries=0), token_bucket(rate), name, stop or threading.Event())
    return httpx.Client(transport=transport, timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True,
                        headers={"User-Agent": USER_AGENT})


def retry_after_seconds(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the server asks to wait: Retry-After (seconds or HTTP date), else x-rate-limit-reset."""
    now = time.time() if now is None else now
    value = (response.headers.get("retry-after") or "").strip()
    seconds = None
    if value:
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - now
            except (TypeError, ValueError):
                seconds = None
    else:
        reset = response.headers.get("x-rate-limit-reset") or response.headers.get("x-ratelimit-reset")
        try:
            seconds = float(reset) if reset else None
        except ValueError:
            seconds = None
        if seconds is not None and seconds > 1e9:  # an epoch time, not a delay
            seconds -= now
    return None if seconds is None else min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def error_kind(exc: BaseException) -> str:
    """network, rate_limited, server, client, publish or other (the errors metric's ``kind``)."""
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        return "rate_limited" if code == 429 else "server" if code >= 500 else "client"
    if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)):
        return "network"
    if isinstance(exc, KafkaError):
        return "publish"
    return "other"


def describe(exc: BaseException) -> str:
    """One line about an error, without the request's query string or headers (scrub it still)."""
    if isinstance(exc, httpx.HTTPStatusError):
        response, url = exc.response, exc.request.url
        body = " ".join(response.text.split())[:200] if response.is_stream_consumed else ""
        return f"HTTP {response.status_code} {response.reason_phrase} from {url.host}{url.path}" + (
            f": {body}" if body else "")
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# -- mapping and validation (no Kafka: also used by `pantau connectors test`) ----------------

@dataclass
class Prepared:
    """A batch mapped and validated, ready to publish."""

    posts: list[tuple[str, str, bytes]] = field(default_factory=list)  # (item id, uid, record)
    claims: list[tuple[str, bytes | None, bytes]] = field(default_factory=list)  # (item id, key, claim)
    refused: list[tuple[int, str | None, bytes, str]] = field(default_factory=list)  # (position, id, original, reason)
    duplicates: int = 0

    @property
    def seen_ids(self) -> list[str]:
        """Ids to remember once the batch is published: posts and refused items alike."""
        return [p[0] for p in self.posts] + [r[1] for r in self.refused if r[1] is not None]


def original_bytes(item: Any) -> bytes:
    """The raw item as bytes for a dead letter (JSON when it can be)."""
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    if isinstance(item, str):
        return item.encode("utf-8", "replace")
    try:
        return orjson.dumps(item, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return repr(item).encode("utf-8", "replace")


def _post_record(connector: Connector, item: Any, collected_at: str) -> tuple[str, bytes]:
    mapped = connector.map(item)
    if not isinstance(mapped, dict):
        raise InvalidPost(f"map returned {type(mapped).__name__}, not a post dict")
    mapped = dict(mapped)  # a connector may hand back its raw item: leave that as it came
    mapped.setdefault("connector", connector.name)
    mapped.setdefault("collected_at", collected_at)
    post = parse_post(mapped)
    record = dump_post(post)
    if len(record) > MAX_RECORD_BYTES:
        raise InvalidPost(f"record too large: {len(record)} bytes (max {MAX_RECORD_BYTES})")
    return post.uid, record


def _claim_records(connector: Connector, item: Any) -> list[tuple[bytes | None, bytes]]:
    records = []
    for number, claim in enumerate(connector.claims(item) or []):
        if not isinstance(claim, dict) or not isinstance(claim.get("uid"), str):
            raise InvalidPost(f"claims: claim {number} is not a dict with a uid")
        records.append((claim["uid"].encode(), orjson.dumps(claim, default=str)))
    return records


def prepare(connector: Connector, items: list[Any],
            seen: Callable[[list[str]], set[str]] = lambda ids: set()) -> Prepared:
    """Map, validate and de-duplicate ``items``; ``seen(ids)`` returns the ids published before."""
    prepared = Prepared()
    collected_at = datetime.now(timezone.utc).isoformat()

    def refuse(position: int, item_id: str | None, item: Any, reason: str) -> None:
        prepared.refused.append((position, item_id, original_bytes(item), SCRUBBER.scrub(reason)))

    ids: list[str | None] = []
    for position, item in enumerate(items):
        try:
            ids.append(str(connector.item_id(item)))
        except Exception as exc:  # noqa: BLE001 - a broken item must not stop its batch
            ids.append(None)
            refuse(position, None, item, f"item_id failed: {describe(exc)}")
    before = seen([i for i in ids if i is not None])
    in_batch: set[str] = set()
    for position, (item, item_id) in enumerate(zip(items, ids)):
        if item_id is None:
            continue
        if item_id in before or item_id in in_batch:
            prepared.duplicates += 1
            continue
        in_batch.add(item_id)
        try:
            uid, record = _post_record(connector, item, collected_at)
            claims = _claim_records(connector, item)
        except (MappingError, InvalidPost) as exc:
            refuse(position, item_id, item, exc.reason)
            continue
        except Exception as exc:  # noqa: BLE001 - a connector bug on one item: dead-letter it, go on
            refuse(position, item_id, item, f"map failed: {describe(exc)}")
            continue
        prepared.posts.append((item_id, uid, record))
        prepared.claims.extend((item_id, key, value) for key, value in claims)
    return prepared


# -- streams ------------------------------------------------------------------------------

class _StreamReader:
    """Runs a connector's ``stream()`` in a daemon thread, handing its (item, checkpoint) pairs over."""

    def __init__(self, connector: StreamingConnector, http: httpx.Client, checkpoint: dict | None,
                 size: int = 5 * STREAM_BATCH):
        self._queue: queue.Queue = queue.Queue(maxsize=size)
        self._cancel = threading.Event()
        threading.Thread(target=self._read, args=(connector, http, checkpoint), daemon=True,
                         name=f"stream-{connector.name}").start()

    def _read(self, connector: StreamingConnector, http: httpx.Client, checkpoint: dict | None) -> None:
        try:
            for pair in connector.stream(http, checkpoint):
                if not self._put(pair):
                    return
            self._put(StreamEnded("the stream ended"))
        except BaseException as exc:  # noqa: BLE001 - handed to the runner, which retries
            self._put(exc)

    def _put(self, value: Any) -> bool:
        while not self._cancel.is_set():
            try:
                self._queue.put(value, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def take(self, limit: int, within: float,
             first_within: float = 0.5) -> tuple[list, dict | None, BaseException | None]:
        """Up to ``limit`` items: at most ``first_within`` seconds for the first, ``within`` after it.

        Returns the items, the last checkpoint given with them, and the error that ended the
        stream (after its items), if any.
        """
        items: list = []
        checkpoint = failure = None
        deadline = time.monotonic() + first_within
        while len(items) < limit and (left := deadline - time.monotonic()) > 0:
            try:
                value = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(value, BaseException):
                failure = value
                break
            item, item_checkpoint = value
            if not items:
                deadline = time.monotonic() + within
            items.append(item)
            checkpoint = item_checkpoint if item_checkpoint is not None else checkpoint
        return items, checkpoint, failure

    def cancel(self) -> None:
        self._cancel.set()


def fetch_once(instance: Instance, *, environ: dict | None = None, checkpoint: dict | None = None,
               limit: int = 50, seconds: float = 10.0) -> tuple[int, Prepared]:
    """Fetch one page (or up to ``limit`` streamed items in ``seconds``) and map it; publish nothing.

    Returns the number of items fetched and the prepared batch. A server connector has nothing
    to fetch: ValueError.
    """
    connector = instance.build(environ)
    SCRUBBER.add(secret_values([instance], environ))
    if not isinstance(connector, (PollingConnector, StreamingConnector)):
        raise ValueError(f"connector {instance.name} is a server ({instance.config.type}): it has nothing to fetch; "
                         f"run it and send it items")
    with http_client(instance.name, instance.config.rate_limit) as client:
        if isinstance(connector, PollingConnector):
            items = connector.fetch(client, checkpoint).items
        else:
            items = _take_streamed(connector, client, checkpoint, limit, seconds)
    return len(items), prepare(connector, items)


def _take_streamed(connector: StreamingConnector, http: httpx.Client, checkpoint: dict | None,
                   limit: int, seconds: float) -> list:
    """Up to ``limit`` streamed items within ``seconds``; the stream's error when it gave none."""
    reader = _StreamReader(connector, http, checkpoint)
    try:
        items, _, failure = reader.take(limit, seconds, first_within=seconds)
    finally:
        reader.cancel()
    if failure is not None and not items:
        raise failure
    return items


# -- the runner ---------------------------------------------------------------------------

@dataclass
class _Worker:
    instance: Instance
    connector: Connector
    http: httpx.Client | None = None
    failures: int = 0  # in a row; reset by every committed batch
    paused: bool = False  # the pause status shows, as last acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)  # a batch in flight, or a pause acknowledged
    thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.instance.name


class Runner:
    """Runs connector instances until :meth:`stop` (or SIGTERM/SIGINT in :meth:`run`)."""

    def __init__(self, settings: Settings, instances: list[Instance], state: StateStore, *,
                 environ: dict | None = None, producer: KafkaProducer | None = None, check_every: float = 1.0):
        self.settings, self.state, self.check_every = settings, state, check_every
        self._stop = threading.Event()
        self._producer = producer
        self._own_producer = producer is None
        self._raw, self._claims, self._dlq = (settings.topic(t) for t in (topics.RAW, topics.CLAIMS, topics.DLQ))
        self._offsets_lock = threading.Lock()
        self._offsets_consumer: KafkaConsumer | None = None
        SCRUBBER.add(secret_values(instances, environ))
        SCRUBBER.install()
        self._workers = []
        for instance in instances:
            connector = instance.build(environ)
            client = (http_client(instance.name, instance.config.rate_limit, self._stop)
                      if isinstance(connector, (PollingConnector, StreamingConnector)) else None)
            self._workers.append(_Worker(instance, connector, client))
        self._heartbeat: threading.Thread | None = None

    # -- life cycle

    def start(self) -> None:
        """Start one thread per connector (and a heartbeat for status readers); return at once."""
        if self._producer is None:
            self._producer = make_producer(self.settings)
        self.state.ensure(w.name for w in self._workers)
        for worker in self._workers:
            worker.thread = threading.Thread(target=self._run_worker, args=(worker,), daemon=True,
                                             name=f"connector-{worker.name}")
            worker.thread.start()
        self._heartbeat = threading.Thread(target=self._beat, daemon=True, name="connectors-heartbeat")
        self._heartbeat.start()

    def run(self) -> None:
        """Start, then block until SIGTERM or SIGINT (when called from the main thread) or :meth:`stop`."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: self._stop.set())
        self.start()
        try:
            self._stop.wait()
        finally:
            self.stop()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every connector to stop, wait for them (batches in flight finish), release clients."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            if worker.thread is not None:
                worker.thread.join(max(0.1, deadline - time.monotonic()))
        if self._producer is not None and self._own_producer:
            self._producer.close(timeout=10)
            self._producer = None
        with self._offsets_lock:
            if self._offsets_consumer is not None:
                self._offsets_consumer.close()
                self._offsets_consumer = None
        log.info("connector runner stopped")

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.state.heartbeat(w.name for w in self._workers if w.thread and w.thread.is_alive())
            except Exception as exc:  # noqa: BLE001 - status only; never stop the runner for it
                log.warning("cannot write the connectors' heartbeat: %s", exc)

    def _run_worker(self, worker: _Worker) -> None:
        if isinstance(worker.connector, PollingConnector):
            loop = self._poll_forever
        elif isinstance(worker.connector, StreamingConnector):
            loop = self._stream_forever
        else:
            loop = self._serve_forever
        try:
            self.state.mark(worker.name, "running")
            log.info("connector %s (%s) started", worker.name, worker.instance.config.type)
            loop(worker)
        except BaseException as exc:  # noqa: BLE001 - one connector never takes the others down
            log.error("connector %s stopped by an unexpected error: %s", worker.name, SCRUBBER.scrub(describe(exc)))
        finally:
            try:
                self.state.mark(worker.name, "stopped")
            finally:
                if worker.http is not None:
                    worker.http.close()
                self.state.close()

    # -- waiting, pausing, retrying

    def _interrupted(self, worker: _Worker) -> bool:
        return self._stop.is_set() or self.state.is_paused(worker.name)

    def _sleep(self, worker: _Worker, seconds: float) -> None:
        """Wait ``seconds``, checking every ``check_every``; raise _Interrupted on stop or pause."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stop.wait(min(left, self.check_every)) or self.state.is_paused(worker.name):
                raise _Interrupted()

    def _wait_while_paused(self, worker: _Worker) -> None:
        while self._acknowledge_pause(worker) and not self._stop.wait(self.check_every):
            pass

    def _acknowledge_pause(self, worker: _Worker) -> bool:
        """Show a pause or a resume in status (and the log) once it is asked; return whether paused.

        Under the worker's lock, so that a batch in flight (a server's ``submit``) commits,
        and shows "running", before the pause is shown, never after.
        """
        with worker.lock:
            paused = self.state.is_paused(worker.name)
            if paused != worker.paused:
                worker.paused = paused
                self.state.mark(worker.name, "paused" if paused else "running")
                log.info("connector %s %s", worker.name, "paused" if paused else "resumed")
            return paused

    def _follow_pause(self, worker: _Worker, done: threading.Event) -> None:
        """For a server connector, which serves on while paused: acknowledge pause and resume until ``done``."""
        try:
            while not done.wait(self.check_every):
                try:
                    self._acknowledge_pause(worker)
                except Exception as exc:  # noqa: BLE001 - status only; the server serves on
                    log.warning("connector %s: cannot show the pause in the state file: %s", worker.name, exc)
        finally:
            self.state.close()

    def _retrying(self, worker: _Worker, attempt: Callable[[], Any]) -> Any:
        """Call ``attempt`` until it succeeds, backing off after each error; _Interrupted ends it."""
        config = worker.instance.config.retry
        exponential = (tenacity.wait_exponential(multiplier=config.initial_backoff_seconds,
                                                 max=config.max_backoff_seconds)
                       + tenacity.wait_random(0, config.initial_backoff_seconds))

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception()
            if isinstance(error, httpx.HTTPStatusError):
                asked = retry_after_seconds(error.response)
                if asked is not None:
                    return asked
            # Counted from the last success, not from this call: a stream that ran for a while
            # before failing starts again from the initial backoff.
            return min(config.max_backoff_seconds, exponential(SimpleNamespace(attempt_number=worker.failures + 1)))

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Exception), wait=wait, stop=tenacity.stop_never,
            sleep=lambda seconds: self._sleep(worker, seconds),
            before_sleep=lambda state: self._on_error(worker, state.outcome.exception(), state.upcoming_sleep),
            reraise=True)(attempt)

    def _on_error(self, worker: _Worker, exc: BaseException, backoff: float) -> None:
        worker.failures += 1
        worker.paused = False  # status shows the error now: a pause still asked is shown again
        kind = error_kind(exc)
        message = SCRUBBER.scrub(describe(exc))
        ERRORS.labels(worker.name, kind).inc()
        BACKOFF.labels(worker.name).set(backoff)
        log.warning("connector %s: %s error (%d in a row): %s; next try in %.1fs",
                    worker.name, kind, worker.failures, message, backoff)
        try:
            self.state.record_error(worker.name, kind, message, backoff, failing=worker.failures >= FAILING_AFTER)
        except Exception as state_error:  # noqa: BLE001 - status only
            log.warning("connector %s: cannot record the error in the state file: %s", worker.name, state_error)

    # -- the three kinds of connector

    def _poll_forever(self, worker: _Worker) -> None:
        if worker.instance.config.schedule:
            self._idle(worker)
        while not self._stop.is_set():
            self._wait_while_paused(worker)
            if self._stop.is_set():
                break
            try:
                more = self._retrying(worker, lambda: self._poll_once(worker))
            except _Interrupted:
                continue
            if not more:
                self._idle(worker)

    def _idle(self, worker: _Worker) -> None:
        now = datetime.now(timezone.utc)
        try:
            self._sleep(worker, (worker.instance.config.next_poll(now) - now).total_seconds())
        except _Interrupted:
            pass

    def _poll_once(self, worker: _Worker) -> bool:
        self._recover(worker)
        checkpoint = self.state.checkpoint(worker.name)
        page = worker.connector.fetch(worker.http, checkpoint)
        self._deliver(worker, list(page.items), page.checkpoint if page.checkpoint is not None else checkpoint)
        return page.more

    def _stream_forever(self, worker: _Worker) -> None:
        while not self._stop.is_set():
            self._wait_while_paused(worker)
            try:
                self._retrying(worker, lambda: self._consume_stream(worker))
            except _Interrupted:
                continue

    def _consume_stream(self, worker: _Worker) -> None:
        self._recover(worker)
        reader = _StreamReader(worker.connector, worker.http, self.state.checkpoint(worker.name))
        try:
            while not self._interrupted(worker):
                items, checkpoint, failure = reader.take(STREAM_BATCH, STREAM_BATCH_SECONDS)
                if items:
                    self._deliver(worker, items, checkpoint if checkpoint is not None
                                  else self.state.checkpoint(worker.name))
                if failure is not None:
                    raise failure
        finally:
            reader.cancel()

    def _serve_forever(self, worker: _Worker) -> None:
        def serve() -> None:
            worker.connector.serve(lambda items: self._submit(worker, items), self._stop)
            if not self._stop.is_set():
                raise RuntimeError("serve() returned while the runner is running")

        done = threading.Event()
        watcher = threading.Thread(target=self._follow_pause, args=(worker, done), daemon=True,
                                   name=f"connector-{worker.name}-pause")
        watcher.start()
        try:
            while not self._stop.is_set():
                try:
                    self._retrying(worker, serve)
                except _Interrupted:  # serve() failed while paused: serve again once resumed
                    self._wait_while_paused(worker)
        finally:
            done.set()
            watcher.join(self.check_every + ACK_TIMEOUT_SECONDS)

    def _submit(self, worker: _Worker, items: list[Any]) -> Submitted:
        with worker.lock:
            if self.state.is_paused(worker.name):
                raise ConnectorPaused(f"connector {worker.name} is paused. Fix: pantau connectors resume {worker.name}")
            try:
                self._recover(worker)
                return self._deliver(worker, list(items), self.state.checkpoint(worker.name))
            except Exception as exc:
                ERRORS.labels(worker.name, error_kind(exc)).inc()
                raise

    # -- publishing, committing, recovering

    def _deliver(self, worker: _Worker, items: list[Any], checkpoint: dict | None) -> Submitted:
        """Map, publish and commit one batch; return once the broker acknowledged it and it is committed."""
        name = worker.name
        prepared = prepare(worker.connector, items, seen=lambda ids: self.state.seen(name, ids))
        if prepared.posts or prepared.refused:
            self._send(worker, prepared, checkpoint)
        counts = BatchCounts(fetched=len(items), published=len(prepared.posts), duplicates=prepared.duplicates,
                             dead_lettered=len(prepared.refused), mapping_errors=len(prepared.refused))
        self.state.commit(name, checkpoint, prepared.seen_ids, counts)
        worker.failures = 0
        BACKOFF.labels(name).set(0)
        for outcome, count in (("fetched", counts.fetched), ("published", counts.published),
                               ("duplicate", counts.duplicates), ("dead_lettered", counts.dead_lettered)):
            ITEMS.labels(name, outcome).inc(count)
        if prepared.refused:
            ERRORS.labels(name, "mapping").inc(len(prepared.refused))
            log.info("connector %s: %d of %d items dead-lettered (first: %s)", name, len(prepared.refused),
                     len(items), prepared.refused[0][3])
        return Submitted(counts.published, counts.duplicates, [(r[0], r[3]) for r in prepared.refused])

    def _send(self, worker: _Worker, prepared: Prepared, checkpoint: dict | None) -> None:
        with_claims = {item_id for item_id, _, _ in prepared.claims}
        # Posts with claims, and dead letters, are not recoverable from posts.raw: None makes a
        # crashed batch replay them in full rather than risk losing a claim or a dead letter.
        intent = [(item_id, None if item_id in with_claims else uid) for item_id, uid, _ in prepared.posts]
        intent += [(item_id, None) for _, item_id, _, _ in prepared.refused if item_id is not None]
        self.state.save_intent(worker.name, checkpoint, intent, self._end_offsets())
        stage = f"connector:{worker.name}"
        futures = [self._producer.send(self._raw, key=uid.encode(), value=record) for _, uid, record in prepared.posts]
        futures += [self._producer.send(self._claims, key=key, value=value) for _, key, value in prepared.claims]
        futures += [self._producer.send(self._dlq, value=dead_letter(original[:100_000], stage=stage, reason=reason))
                    for _, _, original, reason in prepared.refused]
        self._producer.flush(timeout=ACK_TIMEOUT_SECONDS)
        for future in futures:
            future.get(timeout=ACK_TIMEOUT_SECONDS)  # raises the KafkaError of a refused record

    def _end_offsets(self) -> dict[int, int]:
        with self._offsets_lock:
            if self._offsets_consumer is None:
                self._offsets_consumer = KafkaConsumer(**kafka_python_config(self.settings), enable_auto_commit=False)
            consumer = self._offsets_consumer
            partitions = [TopicPartition(self._raw, p) for p in sorted(consumer.partitions_for_topic(self._raw) or ())]
            if not partitions:
                raise KafkaError(f"topic {self._raw} has no partitions (not created yet?)")
            return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}

    def _recover(self, worker: _Worker) -> None:
        """Settle a batch sent before a crash or a failed flush (see ``ingestors.state``)."""
        intent = self.state.intent(worker.name)
        if intent is None:
            return
        wanted = {uid for _, uid in intent.items if uid is not None}
        found = uids_on_topic(self.settings, self._raw, intent.offsets, wanted) if wanted else set()
        delivered = [item_id for item_id, uid in intent.items if uid is not None and uid in found]
        complete = all(uid is not None and uid in found for _, uid in intent.items)
        self.state.resolve_intent(worker.name, delivered, intent.checkpoint, complete)
        log.info("connector %s: an unfinished batch was recovered: %d of %d items already on %s%s", worker.name,
                 len(delivered), len(intent.items), self._raw, "" if complete else "; the rest is fetched again")


def uids_on_topic(settings: Settings, topic: str, offsets: dict[int, int], uids: set[str],
                  timeout: float = 120.0) -> set[str]:
    """Which of ``uids`` are keys of records in ``topic`` from ``offsets`` (partition -> offset) on."""
    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in offsets]
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, offsets[tp.partition])
        found: set[str] = set()
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {topic} to recover an unfinished batch took over {timeout:.0f}s")
            for records in consumer.poll(timeout_ms=500).values():
                found.update(r.key.decode() for r in records if r.key and r.key.decode() in uids)
        return found
    finally:
        consumer.close()
