"""Dead-letter records: the original bytes, the stage that refused them, and the reason.

A dead letter keeps the exact original bytes (base64) so that nothing is lost and a fixed
record can be replayed; it also carries the text when the bytes are UTF-8, for people reading
the topic.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import orjson

DEAD_LETTER_VERSION = 1


def dead_letter(original: bytes, *, stage: str, reason: str, topic: str | None = None,
                partition: int | None = None, offset: int | None = None) -> bytes:
    """Serialise one dead letter as JSON bytes for the dlq topic."""
    record = {
        "dead_letter_version": DEAD_LETTER_VERSION,
        "stage": stage,
        "reason": reason,
        "failed_at": datetime.now(timezone.utc).isoformat(),
        "source": {"topic": topic, "partition": partition, "offset": offset},
        "original_b64": base64.b64encode(original).decode("ascii"),
    }
    try:
        record["original_text"] = original.decode("utf-8")[:10_000]
    except UnicodeDecodeError:
        pass
    return orjson.dumps(record)


def original_bytes(letter: dict) -> bytes:
    """The exact bytes that were refused, from a decoded dead letter."""
    return base64.b64decode(letter["original_b64"])
