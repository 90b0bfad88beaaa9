"""File replay connector: JSON Lines or CSV posts, at full speed or at the original pace, sped up.

JSON Lines records are passed on byte for byte (a bad line is the enrich stage's to
dead-letter, with its reason, like any other bad record). CSV rows use flat column names
(``author_handle`` for ``author.handle``, ``hashtags`` space-separated); see CSV_COLUMNS.
"""

from __future__ import annotations

import csv
import time
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

import orjson

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


def jsonl_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Each non-blank line of a binary JSON Lines stream, without its line ending."""
    for line in handle:
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield line


def read_records(path: Path, fmt: str | None = None) -> Iterator[bytes]:
    """Yield each record of a JSON Lines (``.jsonl``, ``.json``) or CSV (``.csv``) file as bytes."""
    path = Path(path)
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield orjson.dumps(csv_row_to_post(row))
    elif fmt == "jsonl":
        with path.open("rb") as handle:
            yield from jsonl_lines(handle)
    else:
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")


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
