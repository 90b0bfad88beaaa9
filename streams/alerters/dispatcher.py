"""Delivering alerts to every configured destination without ever holding up the stream.

:meth:`AlertDispatcher.submit` only puts the alert in a queue. A background task takes it
from there and starts one delivery per alerter, each its own asyncio task, so one slow or
dead destination never delays another:

- each attempt has a timeout (``timeout_seconds``): a webhook that never answers fails that
  attempt, it does not stall anything;
- a retryable failure (connection error, timeout, 408/425/429, 5xx) is retried after an
  exponential backoff with jitter (tenacity's ``wait_exponential_jitter``), and at least as
  long as the receiver asked (Retry-After, Telegram's ``retry_after``). The retry is
  *scheduled* (``loop.call_later``): nothing sleeps in line, and no task waits meanwhile;
- after ``max_attempts`` attempts, or at once for a failure no retry can fix (401, 403,
  404, 400...), the delivery is recorded as failed.

Every outcome goes to ``on_result(alert_id, alerter_name, status, attempts, error_text)``
with status ``sent``, ``retrying`` or ``failed``, so the stream can record deliveries (the
alerts index has a ``deliveries`` field for them). ``error_text`` never holds a secret.
An alert id already delivered (or being delivered) to an alerter is not sent to it again
(within the last ``history`` deliveries of this process); one that failed may be resubmitted.

:func:`alerters_from_config` builds the alerters from configuration (a list of dicts, as
read from YAML), validated with pydantic; secrets come from environment variables named
there, never from the configuration itself.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import re
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Callable, Iterable, Literal, Mapping, Union

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import wait_exponential_jitter

from streams.alerters.base import AlertDeliveryError, Alerter, redact
from streams.alerters.slack import SlackAlerter
from streams.alerters.telegram import API_BASE, TelegramAlerter

log = logging.getLogger(__name__)

SENT, RETRYING, FAILED = "sent", "retrying", "failed"
ResultCallback = Callable[[str, str, str, int, "str | None"], Any]


@dataclass
class Attempt:
    """One attempt to deliver one alert to one alerter (times from the event loop's clock)."""

    alert_id: str
    alerter: str
    attempt: int
    started: float
    finished: float
    status: str                 # sent, retrying or failed
    error: str | None = None
    delay: float | None = None  # until the next attempt, when retrying


@dataclass(eq=False)
class _Delivery:
    alert: dict
    alert_id: str
    alerter: Alerter
    attempts: int = 0
    error: str | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)
    task: asyncio.Task | None = field(default=None, repr=False)


def _backoff_strategy(initial: float, maximum: float) -> wait_exponential_jitter:
    # tenacity 9.1 renamed ``initial`` to ``multiplier``; accept either release.
    try:
        return wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)
    except TypeError:
        return wait_exponential_jitter(initial=initial, max=maximum, jitter=initial)


class AlertDispatcher:
    """Delivers submitted alerts to every alerter, each independently, with retries.

    Use as ``async with AlertDispatcher(alerters) as dispatcher: dispatcher.submit(alert)``,
    or call :meth:`start` and :meth:`stop`. ``submit`` is called from the event loop's thread.

    ``client``: an httpx.AsyncClient to use (default: one of its own, closed on stop).
    ``max_in_flight``: concurrent requests per alerter (a burst of alerts must not trip the
    receiver's rate limit at once). ``max_queue``: alerts waiting to be fanned out; beyond
    it ``submit`` refuses the alert (and reports it failed) rather than block.
    ``max_retry_after``: the longest Retry-After honoured (a bogus one must not park an
    alert for days).
    """

    def __init__(
        self,
        alerters: Iterable[Alerter],
        *,
        timeout_seconds: float = 5,
        max_attempts: int = 6,
        initial_backoff: float = 1,
        max_backoff: float = 300,
        on_result: ResultCallback | None = None,
        client: httpx.AsyncClient | None = None,
        max_in_flight: int = 4,
        max_queue: int = 10_000,
        max_retry_after: float = 3600,
        history: int = 10_000,
    ) -> None:
        self.alerters = list(alerters)
        names = [a.name for a in self.alerters]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"alerter names must be unique; repeated: {', '.join(duplicates)}")
        if timeout_seconds <= 0 or max_attempts < 1 or initial_backoff < 0 or max_backoff < 0:
            raise ValueError("timeout_seconds > 0, max_attempts >= 1 and backoffs >= 0 please")
        self.timeout_seconds = float(timeout_seconds)
        self.max_attempts = int(max_attempts)
        self.initial_backoff = float(initial_backoff)
        self.max_backoff = float(max_backoff)
        self.max_retry_after = float(max_retry_after)
        self.on_result = on_result
        self._wait = _backoff_strategy(self.initial_backoff, self.max_backoff)
        self._client = client
        self._own_client = client is None
        self._queue: asyncio.Queue[tuple[dict, frozenset[str] | None]] = asyncio.Queue(maxsize=max_queue)
        self._in_flight = {a.name: asyncio.Semaphore(max_in_flight) for a in self.alerters}
        self._active: set[_Delivery] = set()
        self._callbacks: set[asyncio.Task] = set()
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._history = history
        self._progress = asyncio.Event()
        self._runner: asyncio.Task | None = None
        self._closed = False      # no new alerts
        self._abandoned = False   # no new attempts either
        # For tests and metrics: what happened, most recent last.
        self.delivered: deque[tuple[str, str, int]] = deque(maxlen=history)
        self.failed: deque[tuple[str, str, int, str | None]] = deque(maxlen=history)
        self.attempts: deque[Attempt] = deque(maxlen=history)
        self.sent_count = 0
        self.failed_count = 0

    # Life cycle -------------------------------------------------------------------------------

    async def start(self) -> "AlertDispatcher":
        if self._runner is not None:
            return self
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout_seconds), follow_redirects=False
            )
        self._runner = asyncio.get_running_loop().create_task(
            self._run(), name="pantau-alert-dispatcher"
        )
        return self

    async def stop(self, drain_seconds: float | None = None) -> None:
        """Refuse new alerts, give queued and in-flight deliveries up to ``drain_seconds``
        (default: one attempt's timeout plus a second) to finish, including retries that come
        due by then, and report whatever is left as failed ("dispatcher stopped")."""
        if self._closed:
            return
        self._closed = True
        if self._runner is not None:
            await self.drain(self.timeout_seconds + 1 if drain_seconds is None else drain_seconds)
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        self._abandoned = True
        # Alerts never fanned out, and deliveries still waiting or in flight, are failed.
        while not self._queue.empty():
            alert, _ = self._queue.get_nowait()
            for alerter in self.alerters:
                delivery = _Delivery(alert, _alert_id(alert), alerter)
                self._finish_failed(delivery, "dispatcher stopped before the first attempt")
        tasks = []
        for delivery in list(self._active):
            if delivery.timer is not None:
                delivery.timer.cancel()
            if delivery.task is not None and not delivery.task.done():
                delivery.task.cancel()
                tasks.append(delivery.task)
        await asyncio.gather(*tasks, return_exceptions=True)
        for delivery in list(self._active):
            last = f"; last error: {delivery.error}" if delivery.error else ""
            self._finish_failed(delivery, f"dispatcher stopped before delivery{last}")
        if self._callbacks:
            await asyncio.gather(*list(self._callbacks), return_exceptions=True)
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds until nothing is pending; True if nothing is."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._progress.clear()
            if not self.pending():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._progress.wait(), remaining)
            except TimeoutError:
                return not self.pending()

    async def __aenter__(self) -> "AlertDispatcher":
        return await self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    # Submitting -------------------------------------------------------------------------------

    def submit(self, alert: dict, only: Iterable[str] | None = None) -> bool:
        """Queue ``alert`` for every alerter (or for those named in ``only``); never waits. False
        if it was refused (stopped, or the queue is full: then each delivery is reported failed)."""
        if self._closed:
            log.warning("alert %s submitted after the dispatcher stopped; not sent",
                        _alert_id(alert))
            return False
        try:
            self._queue.put_nowait((alert, None if only is None else frozenset(only)))
        except asyncio.QueueFull:
            log.warning("alert queue full (%d); alert %s not sent", self._queue.maxsize,
                        _alert_id(alert))
            for alerter in self.alerters:
                self._finish_failed(_Delivery(alert, _alert_id(alert), alerter),
                                    "alert queue full")
            return False
        return True

    def pending(self) -> int:
        """Deliveries not finished yet: alerts still queued (one per alerter), in flight, or
        waiting for a retry."""
        return self._queue.qsize() * len(self.alerters) + len(self._active)

    # Delivering -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            alert, only = await self._queue.get()
            try:
                self._fan_out(alert, only)
            except Exception:  # a bad alert must not end the dispatcher
                log.exception("could not dispatch alert %s", _alert_id(alert))
            finally:
                self._queue.task_done()
                self._progress.set()

    def _fan_out(self, alert: dict, only: frozenset[str] | None) -> None:
        alert_id = _alert_id(alert)
        for alerter in self.alerters:
            if only is not None and alerter.name not in only:
                continue
            key = (alert_id, alerter.name)
            if alert_id != NO_ID:
                if key in self._seen:
                    log.debug("alert %s already sent or being sent to %s", alert_id,
                              alerter.name)
                    continue
                self._seen[key] = None
                while len(self._seen) > self._history:
                    self._seen.popitem(last=False)
            delivery = _Delivery(alert, alert_id, alerter)
            self._active.add(delivery)
            self._launch(delivery)

    def _launch(self, delivery: _Delivery) -> None:
        delivery.timer = None
        if self._abandoned:
            return
        delivery.task = asyncio.get_running_loop().create_task(
            self._attempt(delivery), name=f"alert-{delivery.alerter.name}"
        )

    async def _attempt(self, delivery: _Delivery) -> None:
        loop = asyncio.get_running_loop()
        alerter = delivery.alerter
        async with self._in_flight[alerter.name]:
            delivery.attempts += 1
            started = loop.time()
            error: AlertDeliveryError | None = None
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    await alerter.send(delivery.alert, self._client)
            except TimeoutError:
                error = AlertDeliveryError(
                    f"{alerter.kind} alerter {alerter.name!r}: no answer within "
                    f"{self.timeout_seconds:g}s", retryable=True)
            except AlertDeliveryError as exc:
                error = exc
            except Exception as exc:  # an alerter's bug: not worth retrying, never fatal
                error = AlertDeliveryError(
                    f"{alerter.kind} alerter {alerter.name!r}: {type(exc).__name__}: {exc}",
                    retryable=False)
                log.error("%s", error)
            finished = loop.time()
        if error is None:
            self._finish_sent(delivery, started, finished)
            return
        delivery.error = str(error)
        if error.retryable and delivery.attempts < self.max_attempts and not self._abandoned:
            delay = self._delay(delivery.attempts, error.retry_after)
            self.attempts.append(Attempt(delivery.alert_id, alerter.name, delivery.attempts,
                                         started, finished, RETRYING, delivery.error, delay))
            log.info("alert %s to %s: attempt %d failed (%s); retrying in %.2fs",
                     delivery.alert_id, alerter.name, delivery.attempts, delivery.error, delay)
            self._report(delivery, RETRYING, delivery.error)
            delivery.timer = loop.call_later(delay, self._launch, delivery)
            return
        self.attempts.append(Attempt(delivery.alert_id, alerter.name, delivery.attempts,
                                     started, finished, FAILED, delivery.error))
        self._finish_failed(delivery, delivery.error)

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next attempt: the backoff, and never less than asked."""
        delay = float(self._wait(SimpleNamespace(attempt_number=attempts)))
        if retry_after is not None:
            delay = max(delay, min(float(retry_after), self.max_retry_after))
        return delay

    def _finish_sent(self, delivery: _Delivery, started: float, finished: float) -> None:
        self._active.discard(delivery)
        self.attempts.append(Attempt(delivery.alert_id, delivery.alerter.name,
                                     delivery.attempts, started, finished, SENT))
        self.delivered.append((delivery.alert_id, delivery.alerter.name, delivery.attempts))
        self.sent_count += 1
        log.info("alert %s sent to %s (attempt %d)", delivery.alert_id, delivery.alerter.name,
                 delivery.attempts)
        self._report(delivery, SENT, None)
        self._progress.set()

    def _finish_failed(self, delivery: _Delivery, error: str) -> None:
        self._active.discard(delivery)
        # A failed alert may be submitted again later (say, replayed from the alerts index).
        self._seen.pop((delivery.alert_id, delivery.alerter.name), None)
        error = redact(error)
        self.failed.append((delivery.alert_id, delivery.alerter.name, delivery.attempts, error))
        self.failed_count += 1
        log.warning("alert %s to %s failed after %d attempt(s): %s", delivery.alert_id,
                    delivery.alerter.name, delivery.attempts, error)
        self._report(delivery, FAILED, error)
        self._progress.set()

    def _report(self, delivery: _Delivery, status: str, error: str | None) -> None:
        if self.on_result is None:
            return
        try:
            outcome = self.on_result(delivery.alert_id, delivery.alerter.name, status,
                                     delivery.attempts, error)
            if inspect.isawaitable(outcome):
                task = asyncio.ensure_future(outcome)
                self._callbacks.add(task)
                task.add_done_callback(self._callback_done)
        except Exception:
            log.exception("on_result failed for alert %s to %s", delivery.alert_id,
                          delivery.alerter.name)

    def _callback_done(self, task: asyncio.Task) -> None:
        self._callbacks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("on_result failed: %r", task.exception())


NO_ID = "<no id>"


def _alert_id(alert: Any) -> str:
    if isinstance(alert, Mapping) and alert.get("id"):
        return str(alert["id"])
    return NO_ID


# Configuration ------------------------------------------------------------------------------

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ENV = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Common(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    kibana_url: str | None = None


class SlackConfig(_Common):
    type: Literal["slack"]
    url_env: str = Field(pattern=_ENV)
    username: str | None = None
    icon_emoji: str | None = None
    channel: str | None = None


class TelegramConfig(_Common):
    type: Literal["telegram"]
    token_env: str = Field(pattern=_ENV)
    chat_id: int | str
    api_base: str = API_BASE
    parse_mode: Literal["HTML"] | None = "HTML"
    disable_web_page_preview: bool = True
    message_thread_id: int | None = None


AlerterConfig = Annotated[Union[SlackConfig, TelegramConfig], Field(discriminator="type")]


class _Alerters(BaseModel):
    items: list[AlerterConfig]


# Keys that would put a secret in the configuration file itself.
_INLINE_SECRETS = {"slack": ("url", "webhook_url"), "telegram": ("token", "bot_token")}


def _describe(error: dict) -> str:
    """A pydantic error without the input value (which may be a secret)."""
    where = ".".join(str(part) for part in error.get("loc", ())[2:])
    message = error.get("msg", "invalid")
    return f"{where}: {message}" if where else message


def alerters_from_config(
    items: list[dict],
    *,
    environ: Mapping[str, str] | None = None,
    kibana_url: str | None = None,
) -> list[Alerter]:
    """The alerters ``items`` describe, e.g. (from YAML)::

        - {name: ops-slack, type: slack, url_env: PANTAU_SLACK_WEBHOOK_URL}
        - {name: desk, type: telegram, token_env: PANTAU_TELEGRAM_TOKEN, chat_id: -1001234}

    Raises ValueError naming the alerter and the field or environment variable at fault; the
    message never quotes a secret. ``kibana_url`` is the default for alerters that set none.
    """
    environ = os.environ if environ is None else environ
    if not isinstance(items, list):
        raise ValueError("alerters: expected a list of alerter settings")
    problems: list[str] = []
    for index, item in enumerate(items):
        label = _label(item, index)
        if not isinstance(item, dict):
            problems.append(f"{label}: expected a mapping")
            continue
        for key in _INLINE_SECRETS.get(str(item.get("type")), ()):
            if key in item:
                env_key = "url_env" if item.get("type") == "slack" else "token_env"
                problems.append(f"{label}: do not put '{key}' in the configuration; set an "
                                f"environment variable and name it with '{env_key}'")
    if problems:
        raise ValueError("invalid alerter configuration: " + "; ".join(problems))
    try:
        # An alerter without a name is named after its type.
        configs = _Alerters(items=[{"name": item.get("type"), **item} for item in items]).items
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            loc = error.get("loc", ())
            index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
            item = items[index] if index is not None else {}
            label = _label(item, index)
            # A discriminated union adds the type to the location: drop it.
            if len(loc) > 2 and loc[2] in ("slack", "telegram"):
                error = {**error, "loc": loc[:2] + loc[3:]}
            problems.append(f"{label}: {_describe(error)}")
        raise ValueError("invalid alerter configuration: " + "; ".join(problems)) from None

    names = [c.name for c in configs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"alerter names must be unique: {name!r} is used {names.count(name)} "
                        f"times")

    alerters: list[Alerter] = []
    for config in configs:
        env_name = config.url_env if isinstance(config, SlackConfig) else config.token_env
        secret = (environ.get(env_name) or "").strip()
        if not secret:
            problems.append(f"alerter {config.name!r} ({config.type}): environment variable "
                            f"{env_name} is not set")
            continue
        link_base = config.kibana_url or kibana_url
        try:
            if isinstance(config, SlackConfig):
                alerters.append(SlackAlerter(
                    config.name, secret, kibana_url=link_base, username=config.username,
                    icon_emoji=config.icon_emoji, channel=config.channel))
            else:
                alerters.append(TelegramAlerter(
                    config.name, secret, config.chat_id, api_base=config.api_base,
                    parse_mode=config.parse_mode,
                    disable_web_page_preview=config.disable_web_page_preview,
                    message_thread_id=config.message_thread_id, kibana_url=link_base))
        except ValueError as exc:
            # The constructors' messages name the alerter, never the value.
            problems.append(f"{exc} (from environment variable {env_name})")
    if problems:
        raise ValueError("invalid alerter configuration: " + "; ".join(problems))
    return alerters


def _label(item: Any, index: int | None) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    if isinstance(name, str) and re.match(_NAME, name):
        return f"alerter {name!r}"
    kind = item.get("type") if isinstance(item, dict) else None
    where = f"#{index + 1}" if index is not None else ""
    return f"alerter {where}" + (f" ({kind})" if isinstance(kind, str) else "")


__all__ = [
    "AlertDispatcher",
    "Attempt",
    "SlackConfig",
    "TelegramConfig",
    "alerters_from_config",
]
