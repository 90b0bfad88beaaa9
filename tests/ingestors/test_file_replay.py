"""File replay connector: reading JSON Lines and CSV, and pacing by event time."""

from pathlib import Path

import orjson

from ingestors.file_replay import csv_row_to_post, paced, read_records, record_key
from pantau.post import parse_post

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_jsonl_lines_pass_byte_for_byte_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"uid":"x:1"}\n\n  \nnot json\r\n')
    assert list(read_records(path)) == [b'{"uid":"x:1"}', b"not json"]


def test_csv_rows_become_valid_posts():
    records = list(read_records(SAMPLE / "posts.csv"))
    assert len(records) >= 20
    posts = [parse_post(record) for record in records]
    assert all(post.author.handle for post in posts)
    assert any(post.hashtags for post in posts)


def test_csv_mapping_nests_author_fields_and_splits_lists():
    post = csv_row_to_post({"uid": "facebook:1", "author_handle": "budi", "author_followers": "12",
                            "hashtags": "Vaksin Hoaks", "reply_to": "", "text": "halo"})
    assert post == {"uid": "facebook:1", "author": {"handle": "budi", "followers": 12},
                    "hashtags": ["Vaksin", "Hoaks"], "text": "halo"}


def test_record_key_is_the_uid_or_none():
    assert record_key(b'{"uid": "x:9"}') == b"x:9"
    assert record_key(b"garbage") is None


def test_paced_replay_sleeps_by_event_time_divided_by_speed():
    times = ["2026-11-01T00:00:00Z", "2026-11-01T00:01:00Z", "2026-11-01T00:03:00Z"]
    records = [orjson.dumps({"created_at": t}) for t in times] + [b"no time"]
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    out = list(paced(records, speed=60, sleep=sleep, clock=lambda: now[0]))
    assert out == records
    assert sleeps == [1.0, 2.0]  # one minute and two more, sixty times faster


def test_full_speed_does_not_sleep():
    assert list(paced([b"a", b"b"], speed=0, sleep=lambda s: 1 / 0)) == [b"a", b"b"]
