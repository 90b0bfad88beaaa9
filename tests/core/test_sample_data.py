"""The sample data set in data/sample/ is what the demo and README promise."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from pantau.post import InvalidPost, parse_post

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def posts():
    return [parse_post(line) for line in (SAMPLE / "posts.jsonl").read_bytes().splitlines() if line.strip()]


def test_enough_posts_with_unique_uids_on_several_platforms(posts):
    assert len(posts) >= 300
    assert len({post.uid for post in posts}) == len(posts)
    assert len({post.platform for post in posts}) >= 6


def test_mostly_indonesian_with_english_malay_and_javanese(posts):
    languages = collections.Counter(post.lang_hint for post in posts)
    assert languages["id"] / len(posts) > 0.5
    assert languages["en"] > 0 and languages["ms"] > 0 and languages["jv"] > 0


def test_reshares_replies_and_quotes_point_at_earlier_posts(posts):
    seen = set()
    links = collections.Counter()
    for post in posts:
        for kind in ("reshare_of", "reply_to", "quote_of"):
            parent = getattr(post, kind)
            if parent:
                assert parent in seen, f"{post.uid} {kind} {parent} before it exists"
                links[kind] += 1
        seen.add(post.uid)
    assert all(links[kind] >= 10 for kind in ("reshare_of", "reply_to", "quote_of"))


def test_every_malformed_record_is_refused():
    lines = [line for line in (SAMPLE / "malformed.jsonl").read_bytes().splitlines() if line.strip()]
    assert len(lines) >= 10
    for line in lines:
        with pytest.raises(InvalidPost):
            parse_post(line)


def test_the_generator_reproduces_the_files_byte_for_byte(tmp_path):
    import runpy
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    for name in ("posts.jsonl", "posts.csv", "malformed.jsonl"):
        (copy / name).unlink()
    runpy.run_path(str(copy / "generate.py"), run_name="__main__")
    for name in ("posts.jsonl", "posts.csv", "malformed.jsonl"):
        assert (copy / name).read_bytes() == (SAMPLE / name).read_bytes(), name
