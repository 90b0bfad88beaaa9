"""File replay connector: reading JSON Lines and CSV, and pacing by event time."""

from pathlib import Path

import orjson

import pytest

from ingestors.base import MappingError
from ingestors.file_replay import FileReplayConnector, csv_row_to_post, paced, read_records, record_key
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


def _replay_in_polls(paths, checkpoint=None, **options):
    """Poll a new connector each time (as a restarted runner would) until a page brings nothing."""
    records = []
    while True:
        connector = FileReplayConnector(name="replay", options=FileReplayConnector.Options(paths=paths, **options))
        page = connector.fetch(None, checkpoint)
        records += [bytes(item) if item == b"not json" else connector.map(item) for item in page.items]
        checkpoint = page.checkpoint
        if not page.items and not page.more:
            return records, checkpoint


def test_the_file_connector_resumes_mid_file_and_reads_on_as_the_file_grows(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"uid": "x:1"}\n{"uid": "x:2"}\n\nnot json\n{"uid": "x:3"}\n')
    records, checkpoint = _replay_in_polls([path], batch_size=2)
    assert records == [{"uid": "x:1"}, {"uid": "x:2"}, b"not json", {"uid": "x:3"}]
    assert checkpoint == {"file": str(path), "offset": path.stat().st_size}

    with path.open("ab") as handle:
        handle.write(b'{"uid": "x:4"}\n')
    assert _replay_in_polls([path], checkpoint, batch_size=2)[0] == [{"uid": "x:4"}]


def test_the_file_connector_resumes_a_csv_mid_file_then_goes_on_to_the_next_file(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.jsonl"
    first.write_text('uid,text,hashtags\nx:1,"satu\nbaris dua",A B\nx:2,dua,\nx:3,tiga,C\n', encoding="utf-8")
    second.write_bytes(b'{"uid": "x:4"}\n')
    records, checkpoint = _replay_in_polls([first, second], batch_size=2)
    assert records == [{"uid": "x:1", "text": "satu\nbaris dua", "hashtags": ["A", "B"]}, {"uid": "x:2", "text": "dua"},
                       {"uid": "x:3", "text": "tiga", "hashtags": ["C"]}, {"uid": "x:4"}]
    assert checkpoint == {"file": str(second), "offset": second.stat().st_size}
    assert list(read_records(first)) == [orjson.dumps(post) for post in records[:3]]  # as `pantau replay` reads it


def test_the_file_connector_tells_each_line_apart_and_refuses_what_is_not_an_object(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"uid": "x:1"}\n[1, 2]\n')
    connector = FileReplayConnector(name="replay", options=FileReplayConnector.Options(paths=[path]))
    first, second = connector.fetch(None, None).items
    assert connector.item_id(first) == f"{path}:0" and connector.item_id(second) == f"{path}:15"
    with pytest.raises(MappingError, match="not a JSON object: got list"):
        connector.map(second)
