"""The post record, defined once: field names, types, validation and the schema version.

Every stage reads and writes posts through this module. A raw post (what connectors publish
on posts.raw) is validated with :func:`parse_post`; enrichment adds the fields of
:class:`Enrichment`. Unknown extra fields are kept, never rejected, so that a newer producer
does not break an older worker.

Invalid input raises :class:`InvalidPost` with a readable reason; the caller sends the original
bytes to the dead-letter topic with that reason.
"""

from __future__ import annotations

import json

from datetime import datetime, timezone
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA_VERSION = 1

#: Longest post text accepted, in characters. Longer posts are dead-lettered ("text too long"):
#: no social platform allows more, so such a record is a broken connector or an attack.
MAX_TEXT_CHARS = 100_000

#: Largest raw record accepted, in bytes, before any parsing is attempted.
MAX_RECORD_BYTES = 1_000_000


class InvalidPost(ValueError):
    """A record that cannot become a post; ``reason`` says why in words a person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Open(BaseModel):
    """Base for post parts: unknown fields are kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Author(_Open):
    id: str | None = None
    handle: str | None = None
    display_name: str | None = None
    followers: int | None = Field(default=None, ge=0)


class Media(_Open):
    type: str = "unknown"
    url: str | None = None


class Engagement(_Open):
    likes: int = Field(default=0, ge=0)
    reshares: int = Field(default=0, ge=0)
    replies: int = Field(default=0, ge=0)
    views: int | None = Field(default=None, ge=0)


class Geo(_Open):
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    place: str | None = None


class Language(_Open):
    code: str
    confidence: float = Field(ge=0, le=1)
    candidates: list[tuple[str, float]] = []
    mixed: bool = False


class Entity(_Open):
    text: str
    label: str
    canonical: str
    start: int
    end: int


class Post(_Open):
    """A social-media post as every connector publishes it (posts.raw)."""

    schema_version: int = SCHEMA_VERSION
    uid: str = Field(description="platform:native_id, the Elasticsearch _id")
    platform: str = ""
    native_id: str = ""
    url: str | None = None
    author: Author = Author()
    text: str = Field(max_length=MAX_TEXT_CHARS)
    created_at: datetime
    collected_at: datetime | None = None
    connector: str | None = None
    reshare_of: str | None = None
    reply_to: str | None = None
    quote_of: str | None = None
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    media: list[Media] = []
    engagement: Engagement = Engagement()
    geo: Geo | None = None

    @field_validator("created_at", "collected_at")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # naive timestamps are taken as UTC, as most platform APIs mean
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    @model_validator(mode="after")
    def _uid_matches_parts(self) -> "Post":
        platform, sep, native_id = self.uid.partition(":")
        if not sep or not platform or not native_id:
            raise ValueError(f"uid {self.uid!r} is not of the form platform:native_id")
        if self.platform and self.platform != platform:
            raise ValueError(f"platform {self.platform!r} does not match uid {self.uid!r}")
        if self.native_id and self.native_id != native_id:
            raise ValueError(f"native_id {self.native_id!r} does not match uid {self.uid!r}")
        self.platform, self.native_id = platform, native_id
        return self


class Enrichment(_Open):
    """What the enrich stage adds to a post (posts.enriched carries Post fields plus these)."""

    enrichment_version: str
    language: Language
    text_normalized: str = ""
    entities: list[Entity] = []
    keywords: list[str] = []
    fingerprint: str | None = None  # digest of the normalised text: equal for copies
    claim: dict[str, Any] | None = None  # the known debunked claim it retells (enrichers.claims)
    fact_check: dict[str, Any] | None = None  # set when the post is itself a debunk
    # Added by the narrative stage (enrichers.narratives):
    narrative_id: str | None = None
    narrative_via: str | None = None
    narrative_merged: list[str] = []
    narrative_reason: str | None = None


def _describe(error: ValidationError) -> str:
    """Turn pydantic's errors into one short line naming each bad field."""
    parts = []
    for err in error.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "missing"
        elif err["type"] == "string_too_long":
            message = f"text too long (over {MAX_TEXT_CHARS} characters)"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            message = f"{message} (got {str(err['input'])[:60]!r})"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_post(raw: bytes | str | dict) -> Post:
    """Validate one raw record (bytes, str or an already decoded dict) into a :class:`Post`.

    Raises :class:`InvalidPost` with the reason when the record is not UTF-8, not JSON, not an
    object, or fails the schema.
    """
    if isinstance(raw, (bytes, bytearray)):
        if len(raw) > MAX_RECORD_BYTES:
            raise InvalidPost(f"record too large: {len(raw)} bytes (max {MAX_RECORD_BYTES})")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidPost(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    if isinstance(raw, (bytes, bytearray, str)):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if "surrogate" not in str(exc):
                raise InvalidPost(f"not JSON: {exc}") from None
            data = _without_lone_surrogates(json.loads(raw))
    else:
        data = raw
    if not isinstance(data, dict):
        raise InvalidPost(f"not a JSON object: got {type(data).__name__}")
    try:
        return Post.model_validate(data)
    except ValidationError as exc:
        if any(err["type"] == "string_unicode" for err in exc.errors()):
            return parse_post(_without_lone_surrogates(data))
        raise InvalidPost(_describe(exc)) from None


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with each lone UTF-16 surrogate in its strings replaced by U+FFFD.

    JSON allows escapes such as "\\ud800" that no UTF-8 text can hold; the post is kept, with
    the replacement character where the broken half-character was.
    """
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    return value


def dump_post(post: BaseModel | dict) -> bytes:
    """Serialise a post (model or dict) to compact JSON bytes, timestamps as ISO 8601 UTC."""
    if isinstance(post, BaseModel):
        post = post.model_dump(mode="json", exclude_none=True)
    return orjson.dumps(post)
