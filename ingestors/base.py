"""What a connector is: a small class that fetches raw items from one source and maps them to posts.

The runner (``ingestors.runner``) does everything else, for every connector alike: rate limits,
retries with backoff (network errors, 429 with Retry-After, 5xx), checkpoints, de-duplication,
validation, dead letters, publishing and metrics. A connector only knows its source::

    class Example(PollingConnector):
        type = "example"

        class Options(ConnectorOptions):
            url: str

        def fetch(self, http, checkpoint):
            answer = http.get(self.options.url, params={"since_id": (checkpoint or {}).get("since_id")})
            answer.raise_for_status()
            items = answer.json()["items"]
            newest = max((item["id"] for item in items), default=(checkpoint or {}).get("since_id"))
            return Page(items=items, checkpoint={"since_id": newest}, more=False)

        def item_id(self, item):
            return str(item["id"])

        def map(self, item):
            return {"uid": f"example:{item['id']}", "text": item["body"], "created_at": item["at"]}

Rules for connectors:

* ``fetch`` makes the requests for one page with the ``httpx.Client`` it is given (the runner
  sets timeouts, headers and the rate limit) and lets ``httpx`` errors propagate: the runner
  classifies them (network error, 429, 5xx: retried with backoff; other 4xx: an error shown in
  status). It returns the items and the checkpoint that is true *once those items are
  published*; the runner stores that checkpoint only after the broker acknowledged them, so a
  restart resumes with no gap, and items seen again are dropped by ``item_id``.
* ``stream`` gets the same client: every HTTP request a connector makes (a stream's
  connection, a catch-up over REST after a reconnect) goes through it, so the rate limit
  and the request-latency metric cover them all. Only a protocol httpx does not speak
  (a websocket) opens its own connection.
* ``map`` is a pure function of one item. It returns a post dict in the schema of
  ``pantau.post`` (``uid`` = ``platform:native_id``) or raises :class:`MappingError` with a
  reason; the runner validates the result and dead-letters the item with the reason otherwise.
* Options come from the connectors YAML file and are validated by the class's ``Options``
  model at start. Secrets are never in the YAML: an option ending in ``_env`` names the
  environment variable that holds it, read once through :meth:`Connector.secret`.
"""

from __future__ import annotations

import abc
import os
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterator

import httpx
from pydantic import BaseModel, ConfigDict


class MappingError(ValueError):
    """An item that cannot become a post; ``reason`` says why (it goes to the dead-letter topic)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ConnectorOptions(BaseModel):
    """Base of every connector's options: unknown keys are refused, so typos fail at start."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class Page:
    """One fetch: raw items, the checkpoint once they are published, and whether to fetch again now."""

    items: list[Any]
    checkpoint: dict[str, Any] | None
    more: bool = False


@dataclass
class Connector(abc.ABC):
    """One configured connector instance (``name`` is unique in the connectors file)."""

    type: ClassVar[str]
    Options: ClassVar[type[ConnectorOptions]] = ConnectorOptions

    name: str
    options: ConnectorOptions
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    def secret(self, option: str) -> str:
        """The value of the environment variable that option ``option`` (``..._env``) names."""
        variable = getattr(self.options, option)
        value = self.environ.get(variable, "")
        if not value:
            raise MissingSecret(f"connector {self.name}: {option} names the environment variable "
                                f"{variable}, which is not set. Fix: export {variable}")
        return value

    @abc.abstractmethod
    def item_id(self, item: Any) -> str:
        """A stable id of a raw item, for de-duplication (usually the platform's id)."""

    @abc.abstractmethod
    def map(self, item: Any) -> dict:
        """The post for one raw item; raise MappingError(reason) when it cannot be one."""

    def claims(self, item: Any) -> list[dict]:
        """Fact-check claims an item carries, for the claims topic (a debunk feed's verdicts); none by default.

        A claim is a dict: ``claim`` (the debunked statement), ``verdict`` (HOAKS, SALAH,
        DISINFORMASI, MISLEADING, ...), ``url`` (the debunk), ``source`` (who debunked it),
        ``published_at`` (ISO 8601, UTC), ``uid`` (stable: the debunk's post uid).
        """
        return []


class PollingConnector(Connector):
    """A source that is asked for new items every poll interval (REST APIs, feeds, files)."""

    @abc.abstractmethod
    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        """Fetch one page of items after ``checkpoint`` (None on the very first run)."""


class StreamingConnector(Connector):
    """A source that pushes items over a long-lived connection (websockets, server-sent events)."""

    @abc.abstractmethod
    def stream(self, http: httpx.Client, checkpoint: dict | None) -> Iterator[tuple[Any, dict | None]]:
        """Yield (item, checkpoint after it) for as long as the connection lives; raise on errors.

        ``http`` is the runner's client (rate limit, timeouts, User-Agent), as for ``fetch``;
        pass a longer read timeout per request for a stream that may idle between items.
        """


@dataclass
class Submitted:
    """What became of items handed to the runner: published, seen before, refused (position, reason)."""

    published: int = 0
    duplicates: int = 0
    dead_lettered: list[tuple[int, str]] = field(default_factory=list)


class ServerConnector(Connector):
    """A source that pushes items to pantau itself (an HTTP ingest endpoint for partners)."""

    @abc.abstractmethod
    def serve(self, submit: Callable[[list[Any]], Submitted], stop: threading.Event) -> None:
        """Serve until ``stop`` is set, handing received items to ``submit``.

        ``submit`` maps, validates, de-duplicates, dead-letters and publishes the items, and
        returns once the broker has acknowledged them, so that an answer such as 202 means the
        items are safe.
        """


class MissingSecret(RuntimeError):
    """A connector's credential variable is unset; the message names the variable, never a value."""


class ConnectorPaused(RuntimeError):
    """``submit`` was called while the connector is paused (``pantau connectors pause``): answer 503."""
