"""File replay connector: JSON Lines or CSV posts, at full speed or at the original pace, sped up.

JSON Lines records are passed on byte for byte (a bad line is the enrich stage's to
dead-letter, with its reason, like any other bad record). CSV rows use flat column names
(``author_handle`` for ``author.handle``, ``hashtags`` space-separated); see CSV_COLUMNS.

Two ways in: the functions here (``read_records``, ``paced``), which ``pantau replay`` wires
to ``publish``; and :class:`FileReplayConnector` (type ``file`` in the connectors file), which
the connector runner polls like any other connector. Its checkpoint is ``{"file", "offset"}``,
the byte offset after the last record published, so a restarted runner resumes mid-file; a
file that grows is read on from where it stopped at the next poll (a tail).
"""

from __future__ import annotations

import csv
import time
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Literal

import httpx
import orjson
from pydantic import Field

from ingestors.base import ConnectorOptions, MappingError, Page, PollingConnector

#: CSV column -> (post field, sub-field or None). Other columns are kept as extra fields.
CSV_COLUMNS = {
    "author_id": ("author", "id"),
    "author_handle": ("author", "handle"),
    "author_display_name": ("author", "display_name"),
    "author_followers": ("author", "followers"),
}
_LIST_COLUMNS = ("hashtags", "mentions", "urls")


def csv_row_to_post(row: dict[str, str]) -> dict:
    """Map one CSV row (flat columns) to a post dict; empty cells are left out."""
    post: dict = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        if column in CSV_COLUMNS:
            field, sub = CSV_COLUMNS[column]
            if column == "author_followers" and value.isdigit():
                value = int(value)
            post.setdefault(field, {})[sub] = value
        elif column in _LIST_COLUMNS:
            post[column] = value.split()
        else:
            post[column] = value
    return post


def _counted(handle: BinaryIO, offset: int) -> Iterator[tuple[int, int, bytes]]:
    """Each raw line of a binary stream with its start and end byte offsets (counting from ``offset``)."""
    for raw in handle:
        start, offset = offset, offset + len(raw)
        yield start, offset, raw


def _jsonl(handle: BinaryIO, offset: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """Non-blank JSON Lines lines (without line endings) with byte offsets, from ``offset`` on."""
    if offset:
        handle.seek(offset)
    for start, end, raw in _counted(handle, offset):
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield start, end, line


def _csv(handle: BinaryIO, offset: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """CSV rows (as post JSON) with byte offsets; from ``offset`` on, the header read from the top."""
    handle.seek(0)
    head = _counted(handle, 0)
    position = [0]

    def lines(counted: Iterator[tuple[int, int, bytes]]) -> Iterator[str]:
        for _, end, raw in counted:  # csv pulls one line at a time and never reads ahead
            position[0] = end
            yield raw.decode("utf-8")

    header = next(csv.reader(lines(head)), None)
    if header is None:
        return
    start = max(offset, position[0])
    handle.seek(start)
    for row in csv.DictReader(lines(_counted(handle, start)), fieldnames=header):
        yield start, position[0], orjson.dumps(csv_row_to_post(row))
        start = position[0]


def _reader(path: Path, fmt: str | None) -> Callable[[BinaryIO, int], Iterator[tuple[int, int, bytes]]]:
    """The record reader for ``fmt``: jsonl or csv (None or auto: by the file's ending)."""
    fmt = fmt if fmt and fmt != "auto" else ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")
    return _csv if fmt == "csv" else _jsonl


def jsonl_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Each non-blank line of a binary JSON Lines stream, without its line ending."""
    return (line for _, _, line in _jsonl(handle))


def read_records(path: Path, fmt: str | None = None) -> Iterator[bytes]:
    """Yield each record of a JSON Lines (``.jsonl``, ``.json``) or CSV (``.csv``) file as bytes."""
    path = Path(path)
    reader = _reader(path, fmt)
    with path.open("rb") as handle:
        yield from (record for _, _, record in reader(handle, 0))


def event_time(record: bytes) -> float | None:
    """The record's created_at as a POSIX timestamp, or None when it has none that parses."""
    try:
        value = orjson.loads(record).get("created_at")
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        return None


def record_key(record: bytes) -> bytes | None:
    """The partition key: the record's uid, so re-deliveries of one post keep their order."""
    try:
        uid = orjson.loads(record).get("uid")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return uid.encode() if isinstance(uid, str) else None


def paced(records: Iterable[bytes], speed: float | None,
          sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> Iterator[bytes]:
    """Yield records at their original pace divided by ``speed`` (None or 0: full speed).

    The pace follows created_at; a record without one, or one earlier than the last, goes
    out at once.
    """
    if not speed:
        yield from records
        return
    first_event = started = None
    for record in records:
        moment = event_time(record)
        if moment is not None:
            if first_event is None:
                first_event, started = moment, clock()
            delay = (moment - first_event) / speed - (clock() - started)
            if delay > 0:
                sleep(delay)
        yield record


class Record(bytes):
    """One record of a replayed file (post JSON bytes) and where it starts, ``file:offset``."""

    position: str

    def __new__(cls, data: bytes, position: str) -> "Record":
        record = super().__new__(cls, data)
        record.position = position
        return record


class FileReplayConnector(PollingConnector):
    """Replays JSON Lines or CSV files through the runner, ``batch_size`` records a poll, resuming mid-file."""

    type = "file"

    class Options(ConnectorOptions):
        paths: list[Path] = Field(min_length=1)
        format: Literal["auto", "jsonl", "csv"] = "auto"
        batch_size: int = Field(500, ge=1, le=100_000)

    def fetch(self, http: httpx.Client, checkpoint: dict | None) -> Page:
        paths = [str(p) for p in self.options.paths]
        where = checkpoint or {"file": paths[0], "offset": 0}
        # A checkpoint naming a file no longer listed: start over; the seen ids drop what was sent.
        index = paths.index(where["file"]) if where.get("file") in paths else 0
        offset = where.get("offset", 0) if where.get("file") == paths[index] else 0
        path = Path(paths[index])
        items: list[Record] = []
        with path.open("rb") as handle:
            for start, end, record in islice(_reader(path, self.options.format)(handle, offset),
                                             self.options.batch_size):
                items.append(Record(record, f"{path}:{start}"))
                offset = end
        full = len(items) == self.options.batch_size
        if not full and index + 1 < len(paths):
            return Page(items, {"file": paths[index + 1], "offset": 0}, more=True)
        return Page(items, {"file": paths[index], "offset": offset}, more=full)

    def item_id(self, item: Record) -> str:
        return item.position

    def map(self, item: Record) -> dict:
        try:
            post = orjson.loads(bytes(item))  # orjson takes no bytes subclass
        except orjson.JSONDecodeError as exc:
            raise MappingError(f"not JSON: {exc}") from None
        if not isinstance(post, dict):
            raise MappingError(f"not a JSON object: got {type(post).__name__}")
        return post
