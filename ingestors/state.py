"""Durable per-connector state in one SQLite file, shared by the runner and the ops commands.

The file is ``<PANTAU_CONNECTORS_STATE_DIR>/state.sqlite3`` (WAL journal, ``synchronous=FULL``,
a 30 s busy timeout), so the runner and ``pantau connectors pause/resume/status`` in other
processes read and write it safely at the same time. Each thread gets its own connection.

Per connector it keeps:

* the **checkpoint** (cursor, since-id, offset: whatever the connector's ``Page.checkpoint`` is);
* the **seen item ids**, for de-duplication: the newest :data:`SEEN_KEEP` ids per connector
  (older ones are pruned every :data:`PRUNE_EVERY` commits; an id older than that is treated
  as new again, which only matters for a source that re-serves items that old);
* the **status**: state (running, paused, backing-off, failing, stopped; pausing and resuming
  while a running runner has not yet acted on ``pause``/``resume``), last success, last
  error kind and message (already scrubbed of secrets by the runner), error counts by kind,
  totals, items per minute (published in the last 5 minutes / 5), current backoff;
* the **paused** flag, which ``pause``/``resume`` set and the running runner polls.

Exactly once onto posts.raw. The checkpoint, the seen ids and the counters of a batch are
committed in one transaction *after* the producer has flushed the batch and the broker has
acknowledged every record. Before it sends, the runner records an **intent**: the batch's
item ids and uids, its checkpoint, and the end offsets of posts.raw at that moment. A crash
between the send and the commit leaves the intent behind; on restart the runner reads posts.raw
from those offsets (:meth:`StateStore.intent`, then ``ingestors.runner``), marks the uids it
finds there as seen, and commits the batch's checkpoint when all of them are there. So the
re-fetched batch is de-duplicated instead of re-published, and nothing acknowledged is sent
twice. (Downstream is idempotent anyway, the Elasticsearch ``_id`` being the uid; the intent
keeps the raw topic itself free of duplicates.)
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

SEEN_KEEP = 100_000
PRUNE_EVERY = 100
#: A runner that has not written a heartbeat for this long is taken as gone: status says "stopped".
STALE_AFTER_SECONDS = 30.0
RATE_WINDOW_MINUTES = 5
STATES = ("running", "paused", "backing-off", "failing", "stopped")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS connector (
    name TEXT PRIMARY KEY,
    paused INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'stopped',
    checkpoint TEXT,
    last_success REAL,
    last_error_at REAL,
    last_error_kind TEXT,
    last_error TEXT,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    backoff_seconds REAL NOT NULL DEFAULT 0,
    backoff_until REAL,
    fetched INTEGER NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    dead_lettered INTEGER NOT NULL DEFAULT 0,
    heartbeat REAL
);
CREATE TABLE IF NOT EXISTS error_count (
    name TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (name, kind));
CREATE TABLE IF NOT EXISTS seen (
    name TEXT NOT NULL, item_id TEXT NOT NULL, seen_at REAL NOT NULL, PRIMARY KEY (name, item_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen (name, seen_at);
CREATE TABLE IF NOT EXISTS minute (
    name TEXT NOT NULL, minute INTEGER NOT NULL, published INTEGER NOT NULL, PRIMARY KEY (name, minute));
CREATE TABLE IF NOT EXISTS intent (
    name TEXT PRIMARY KEY, checkpoint TEXT, items TEXT NOT NULL, offsets TEXT NOT NULL, created_at REAL NOT NULL);
"""


@dataclass
class BatchCounts:
    """What became of one batch of fetched items."""

    fetched: int = 0
    published: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    mapping_errors: int = 0


@dataclass
class Intent:
    """A batch sent but not yet committed: (item id, uid or None for a dead letter), offsets before it."""

    checkpoint: dict | None
    items: list[tuple[str, str | None]]
    offsets: dict[int, int]


@dataclass
class Status:
    """One connector's status as ``pantau connectors status`` shows it."""

    name: str
    state: str = "stopped"
    paused: bool = False
    checkpoint: Any = None
    last_success: float | None = None
    last_error_at: float | None = None
    last_error_kind: str | None = None
    last_error: str | None = None
    consecutive_errors: int = 0
    backoff_seconds: float = 0.0
    backoff_until: float | None = None
    items_per_minute: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    fetched: int = 0
    published: int = 0
    duplicates: int = 0
    dead_lettered: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class StateStore:
    """The connectors' state file; every method is one short transaction."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time, seen_keep: int = SEEN_KEEP):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._seen_keep = seen_keep
        self._local = threading.local()
        self._commits: dict[str, int] = {}
        self._db().executescript(_SCHEMA)  # idempotent; executescript manages its own transaction

    @classmethod
    def in_dir(cls, directory: Path, **kwargs) -> "StateStore":
        """The state file inside the state directory (``PANTAU_CONNECTORS_STATE_DIR``)."""
        return cls(Path(directory) / "state.sqlite3", **kwargs)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- set-up, pause and resume ---------------------------------------------------------

    def ensure(self, names: Iterable[str]) -> None:
        """Create the rows of connectors never seen before (stopped, not paused, no checkpoint)."""
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO connector (name) VALUES (?)", [(n,) for n in names])

    def set_paused(self, name: str, paused: bool) -> None:
        """Pause or resume ``name``; a running runner notices within a second or so."""
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO connector (name) VALUES (?)", (name,))
            db.execute("UPDATE connector SET paused = ? WHERE name = ?", (int(paused), name))

    def is_paused(self, name: str) -> bool:
        row = self._db().execute("SELECT paused FROM connector WHERE name = ?", (name,)).fetchone()
        return bool(row and row[0])

    def mark(self, name: str, state: str) -> None:
        """Set the state the runner reports (one of :data:`STATES`) and its heartbeat."""
        assert state in STATES, state
        with self._write() as db:
            db.execute("UPDATE connector SET state = ?, heartbeat = ? WHERE name = ?", (state, self._clock(), name))

    def heartbeat(self, names: Iterable[str]) -> None:
        """Tell status readers that the runner of ``names`` is alive."""
        now = self._clock()
        with self._write() as db:
            db.executemany("UPDATE connector SET heartbeat = ? WHERE name = ?", [(now, n) for n in names])

    # -- checkpoints, de-duplication and commits ------------------------------------------

    def checkpoint(self, name: str) -> dict | None:
        row = self._db().execute("SELECT checkpoint FROM connector WHERE name = ?", (name,)).fetchone()
        return orjson.loads(row[0]) if row and row[0] is not None else None

    def seen(self, name: str, item_ids: Iterable[str]) -> set[str]:
        """Which of ``item_ids`` were committed before for ``name``."""
        found: set[str] = set()
        db = self._db()
        for chunk in _chunks(list(item_ids)):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in db.execute(
                f"SELECT item_id FROM seen WHERE name = ? AND item_id IN ({marks})", (name, *chunk)))
        return found

    def commit(self, name: str, checkpoint: dict | None, seen_ids: Iterable[str], counts: BatchCounts) -> None:
        """Store a published batch: checkpoint, seen ids, counters; clears backoff and the intent."""
        now = self._clock()
        with self._write() as db:
            db.execute(
                "UPDATE connector SET checkpoint = ?, last_success = ?, state = 'running', heartbeat = ?, "
                "consecutive_errors = 0, backoff_seconds = 0, backoff_until = NULL, fetched = fetched + ?, "
                "published = published + ?, duplicates = duplicates + ?, dead_lettered = dead_lettered + ? "
                "WHERE name = ?",
                (_json(checkpoint), now, now, counts.fetched, counts.published, counts.duplicates,
                 counts.dead_lettered, name))
            db.executemany("INSERT OR REPLACE INTO seen (name, item_id, seen_at) VALUES (?, ?, ?)",
                           [(name, item_id, now) for item_id in seen_ids])
            if counts.published:
                db.execute("INSERT INTO minute (name, minute, published) VALUES (?, ?, ?) ON CONFLICT (name, minute) "
                           "DO UPDATE SET published = published + excluded.published",
                           (name, int(now // 60), counts.published))
            if counts.mapping_errors:
                self._count_error(db, name, "mapping", counts.mapping_errors)
            db.execute("DELETE FROM intent WHERE name = ?", (name,))
        self._commits[name] = self._commits.get(name, 0) + 1
        if self._commits[name] % PRUNE_EVERY == 1:
            self.prune(name)

    def prune(self, name: str) -> None:
        """Keep the newest ``seen_keep`` seen ids and the last hour of per-minute counts of ``name``."""
        with self._write() as db:
            db.execute("DELETE FROM seen WHERE name = ? AND seen_at < (SELECT seen_at FROM seen WHERE name = ? "
                       "ORDER BY seen_at DESC LIMIT 1 OFFSET ?)", (name, name, self._seen_keep - 1))
            db.execute("DELETE FROM minute WHERE name = ? AND minute < ?", (name, int(self._clock() // 60) - 60))

    # -- intents: batches sent but not yet committed --------------------------------------

    def save_intent(self, name: str, checkpoint: dict | None, items: list[tuple[str, str | None]],
                    offsets: dict[int, int]) -> None:
        """Record a batch about to be sent (see the module docstring)."""
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO intent (name, checkpoint, items, offsets, created_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       (name, _json(checkpoint), _json(items), _json({str(p): o for p, o in offsets.items()}),
                        self._clock()))

    def intent(self, name: str) -> Intent | None:
        """The batch of ``name`` that was sent but never committed, if any."""
        row = self._db().execute("SELECT checkpoint, items, offsets FROM intent WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        checkpoint = orjson.loads(row[0]) if row[0] is not None else None
        items = [tuple(pair) for pair in orjson.loads(row[1])]
        return Intent(checkpoint, items, {int(p): o for p, o in orjson.loads(row[2]).items()})

    def resolve_intent(self, name: str, delivered_ids: list[str], checkpoint: dict | None, complete: bool) -> None:
        """Settle an intent: ids found on the topic become seen; a complete batch also moves the checkpoint."""
        now = self._clock()
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO seen (name, item_id, seen_at) VALUES (?, ?, ?)",
                           [(name, item_id, now) for item_id in delivered_ids])
            if complete:
                db.execute("UPDATE connector SET checkpoint = ? WHERE name = ?", (_json(checkpoint), name))
            db.execute("DELETE FROM intent WHERE name = ?", (name,))

    # -- errors and status ----------------------------------------------------------------

    @staticmethod
    def _count_error(db: sqlite3.Connection, name: str, kind: str, count: int) -> None:
        db.execute("INSERT INTO error_count (name, kind, count) VALUES (?, ?, ?) ON CONFLICT (name, kind) "
                   "DO UPDATE SET count = count + excluded.count", (name, kind, count))

    def record_error(self, name: str, kind: str, message: str, backoff_seconds: float, *, failing: bool) -> None:
        """Count an error of ``kind`` and show the backoff; ``message`` must already be scrubbed."""
        now = self._clock()
        with self._write() as db:
            db.execute(
                "UPDATE connector SET state = ?, last_error_at = ?, last_error_kind = ?, last_error = ?, "
                "consecutive_errors = consecutive_errors + 1, backoff_seconds = ?, backoff_until = ?, heartbeat = ? "
                "WHERE name = ?",
                ("failing" if failing else "backing-off", now, kind, message[:500], backoff_seconds,
                 now + backoff_seconds, now, name))
            self._count_error(db, name, kind, 1)

    def statuses(self, names: Iterable[str] | None = None) -> list[Status]:
        """Status of ``names`` (every known connector when None), in the order given."""
        db = self._db()
        now = self._clock()
        rows = {r[0]: r for r in db.execute(
            "SELECT name, state, paused, checkpoint, last_success, last_error_at, last_error_kind, last_error, "
            "consecutive_errors, backoff_seconds, backoff_until, fetched, published, duplicates, dead_lettered, "
            "heartbeat FROM connector")}
        errors: dict[str, dict[str, int]] = {}
        for name, kind, count in db.execute("SELECT name, kind, count FROM error_count ORDER BY kind"):
            errors.setdefault(name, {})[kind] = count
        recent = dict(db.execute("SELECT name, SUM(published) FROM minute WHERE minute > ? GROUP BY name",
                                 (int(now // 60) - RATE_WINDOW_MINUTES,)).fetchall())
        result = []
        for name in (sorted(rows) if names is None else names):
            row = rows.get(name)
            if row is None:
                result.append(Status(name))
                continue
            (_, state, paused, checkpoint, last_success, error_at, kind, message, consecutive, backoff, until,
             fetched, published, duplicates, dead, heartbeat) = row
            if state != "stopped" and (heartbeat is None or now - heartbeat > STALE_AFTER_SECONDS):
                state = "stopped"  # the runner is gone without saying so (killed)
            if paused and state != "paused":  # asked, but not yet acknowledged by a running runner
                state = "paused" if state == "stopped" else "pausing"
            elif not paused and state == "paused":
                state = "resuming"
            if state not in ("backing-off", "failing"):
                backoff, until = 0.0, None
            result.append(Status(
                name, state, bool(paused), orjson.loads(checkpoint) if checkpoint else None, last_success, error_at,
                kind, message, consecutive, backoff, until, round((recent.get(name) or 0) / RATE_WINDOW_MINUTES, 1),
                errors.get(name, {}), fetched, published, duplicates, dead))
        return result
