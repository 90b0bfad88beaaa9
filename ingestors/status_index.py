"""Connector status snapshots in Elasticsearch: the ``<prefix>connectors`` index, over time.

:func:`status_document` turns one connector's :class:`ingestors.state.Status` into a document
with exactly the fields of ``dashboards/mappings/connectors.json``. :class:`StatusSnapshots`
is a daemon thread that, every ``interval`` seconds and once more when stopped, reads the
state file and bulk-indexes one document per connector. A snapshot's ``_id`` is
``<name>:<at rounded down to the interval>``, so snapshots taken twice in one interval (the
last one at stop, or two runners of the same connectors) are one document, the latest.
An unreachable or refusing Elasticsearch is logged as a warning and never stops the runner.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Mapping

from elasticsearch import Elasticsearch

from ingestors.state import StateStore, Status

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0


def _iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, timezone.utc).isoformat()


def status_document(status: Status, type_: str, now: float) -> dict:
    """The connectors-index document of ``status`` (a connector of type ``type_``) at ``now``.

    ``now`` and the status' moments are epoch seconds; they become ISO 8601 UTC strings.
    ``errors_total`` is the sum of the errors by kind. A checkpoint that is not a JSON object
    is wrapped as ``{"value": ...}`` (the mapping stores it as an unindexed object).
    """
    checkpoint = status.checkpoint
    if checkpoint is not None and not isinstance(checkpoint, dict):
        checkpoint = {"value": checkpoint}
    errors = {str(kind): int(count) for kind, count in (status.errors or {}).items()}
    return {
        "name": status.name,
        "type": type_,
        "state": status.state,
        "paused": bool(status.paused),
        "at": _iso(now),
        "last_success": _iso(status.last_success),
        "last_error_at": _iso(status.last_error_at),
        "last_error_kind": status.last_error_kind,
        "last_error": status.last_error,
        "consecutive_errors": int(status.consecutive_errors),
        "backoff_seconds": float(status.backoff_seconds),
        "items_per_minute": float(status.items_per_minute),
        "fetched": int(status.fetched),
        "published": int(status.published),
        "duplicates": int(status.duplicates),
        "dead_lettered": int(status.dead_lettered),
        "errors": errors,
        "errors_total": sum(errors.values()),
        "checkpoint": checkpoint,
    }


def snapshot_id(name: str, now: float, interval: float) -> str:
    """``<name>:<now rounded down to the interval, epoch seconds>``."""
    return f"{name}:{int(now // interval * interval)}"


class StatusSnapshots:
    """Every ``interval`` seconds (and once at :meth:`stop`), index each connector's status.

    ``types`` maps the connector names to snapshot to their types; with ``None``, every
    connector the state file knows is snapshot, with type ``unknown``. ``es`` is a synchronous
    client the caller owns (and closes after :meth:`stop`).
    """

    def __init__(self, state: StateStore, es: Elasticsearch, index: str, *,
                 types: Mapping[str, str] | None = None, interval: float = DEFAULT_INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.time):
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.state, self.es, self.index = state, es, index
        self.types = dict(types) if types is not None else None
        self.interval, self.clock = interval, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> int:
        """Index one document per connector now; the number indexed (0 when Elasticsearch failed)."""
        try:
            now = self.clock()
            statuses = self.state.statuses(list(self.types) if self.types is not None else None)
            operations: list[dict] = []
            for status in statuses:
                type_ = (self.types or {}).get(status.name, "unknown")
                doc_id = snapshot_id(status.name, now, self.interval)
                operations.append({"index": {"_index": self.index, "_id": doc_id}})
                operations.append(status_document(status, type_, now))
            if not operations:
                return 0
            answer = self.es.bulk(operations=operations)
            items = [next(iter(item.values())) for item in answer.get("items", [])]
            failed = [item for item in items if item.get("status", 500) >= 300]
            for item in failed:
                log.warning("connector status %s not indexed into %s: %s", item.get("_id"), self.index,
                            item.get("error"))
            return len(items) - len(failed)
        except Exception as exc:  # noqa: BLE001 - snapshots are best effort; the runner goes on
            log.warning("connector status snapshot not indexed into %s: %s", self.index, exc)
            return 0

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.snapshot()

    def start(self) -> "StatusSnapshots":
        """Take snapshots in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, name="connector-status-snapshots", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and take one last snapshot."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.snapshot()
