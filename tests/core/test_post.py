"""The post record: what is accepted, what is refused and with which reason."""

from __future__ import annotations

import orjson
import pytest

from pantau.post import MAX_TEXT_CHARS, InvalidPost, dump_post, parse_post

GOOD = {"uid": "x:123", "text": "Vaksin aman #CekFakta", "created_at": "2026-11-01T10:00:00+07:00"}


def test_valid_post_is_normalised_to_utc_and_split_into_platform_and_id():
    post = parse_post(orjson.dumps(GOOD))
    assert (post.platform, post.native_id) == ("x", "123")
    assert post.created_at.isoformat() == "2026-11-01T03:00:00+00:00"
    assert post.schema_version == 1


def test_naive_timestamps_are_taken_as_utc():
    assert parse_post({**GOOD, "created_at": "2026-11-01T10:00:00"}).created_at.utcoffset().total_seconds() == 0


def test_unknown_fields_are_kept_through_a_round_trip():
    post = parse_post({**GOOD, "lang_hint": "id", "author": {"handle": "budi", "badge": "gold"}})
    data = orjson.loads(dump_post(post))
    assert data["lang_hint"] == "id"
    assert data["author"]["badge"] == "gold"


@pytest.mark.parametrize("raw, reason", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b'"just a string"', "not a JSON object"),
    (orjson.dumps({k: v for k, v in GOOD.items() if k != "uid"}), "uid: missing"),
    (orjson.dumps({k: v for k, v in GOOD.items() if k != "text"}), "text: missing"),
    (orjson.dumps({k: v for k, v in GOOD.items() if k != "created_at"}), "created_at: missing"),
    (orjson.dumps({**GOOD, "created_at": "kemarin sore"}), "'kemarin sore'"),
    (orjson.dumps({**GOOD, "text": 42}), "text: Input should be a valid string"),
    (orjson.dumps({**GOOD, "author": {"followers": "banyak"}}), "author.followers"),
    (orjson.dumps({**GOOD, "author": {"followers": -1}}), "author.followers"),
    (orjson.dumps({**GOOD, "uid": "nocolon"}), "platform:native_id"),
    (orjson.dumps({**GOOD, "platform": "facebook"}), "does not match uid"),
    (orjson.dumps({**GOOD, "text": "x" * (MAX_TEXT_CHARS + 1)}), "text too long"),
    (b"{" + b" " * 1_000_001 + b"}", "record too large"),
])
def test_invalid_records_are_refused_with_a_readable_reason(raw, reason):
    with pytest.raises(InvalidPost) as caught:
        parse_post(raw)
    assert reason in caught.value.reason
