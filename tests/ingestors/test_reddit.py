"""Reddit connector against a local server serving /r/SUB/new.json listings."""

import json
from pathlib import Path

import httpx
import orjson
import pytest

from ingestors.base import MappingError
from ingestors.reddit import RedditConnector
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
NEWEST = json.loads((PAYLOADS / "reddit_new.json").read_text(encoding="utf-8"))
OLDER = json.loads((PAYLOADS / "reddit_new_after_t3_1h4bv17.json").read_text(encoding="utf-8"))
LATER = json.loads((PAYLOADS / "reddit_new_later.json").read_text(encoding="utf-8"))
PATH = "/r/indonesia/new.json"


def connector(httpserver, subreddits=("indonesia",), **options) -> RedditConnector:
    options = RedditConnector.Options(subreddits=list(subreddits), base_url=httpserver.url_for("/"), **options)
    return RedditConnector(name="reddit-id", options=options)


def serve(httpserver, listing, path=PATH, **query):
    query = {"limit": "100", "raw_json": "1", **{k: str(v) for k, v in query.items()}}
    httpserver.expect_request(path, query_string=query).respond_with_json(listing)


def names(page):
    return [item["data"]["name"] for item in page.items]


def test_newest_page_maps_submissions_and_refuses_one_without_created_utc(httpserver):
    serve(httpserver, NEWEST)
    conn = connector(httpserver, user_agent="python:pantau-test:0.1 (by /u/pantau)")
    with httpx.Client() as http:
        page = conn.fetch(http, None)
    assert names(page) == ["t3_1h4c0d9", "t3_1h4bz2k", "t3_1h4bwqa", "t3_1h4bv17"]
    assert page.checkpoint == {"cursor": 0, "subreddits": {"indonesia": {"newest": "t3_1h4c0d9"}}}
    assert page.more is False
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == "python:pantau-test:0.1 (by /u/pantau)"

    posts, reasons = {}, []
    for item in page.items:
        try:
            post = parse_post(orjson.dumps(conn.map(item)))
        except MappingError as exc:
            reasons.append(exc.reason)
        else:
            posts[post.native_id] = post
    assert reasons == ["reddit submission t3_1h4bwqa has no created_utc"]
    assert set(posts) == {"t3_1h4c0d9", "t3_1h4bz2k", "t3_1h4bv17"}

    question = posts["t3_1h4c0d9"]
    assert question.uid == "reddit:t3_1h4c0d9" and question.platform == "reddit"
    assert question.url.startswith("https://www.reddit.com/r/indonesia/comments/1h4c0d9/")
    assert question.text.startswith("Pendaftaran Bansos PKH 2026 lewat blogspot, asli atau hoaks?\n\nGrup WA")
    assert "NIK & nomor KK" in question.text
    assert question.urls == ["https://bansos-kemensos-2026.blogspot.com/daftar"]
    assert question.mentions == ["kemensos_watch"]
    assert question.created_at.isoformat() == "2026-11-26T04:00:00+00:00"  # created_utc 1795665600.0
    assert (question.author.handle, question.engagement.likes, question.engagement.replies) == ("ujanghaki21", 42, 17)
    assert question.subreddit == "indonesia" and question.flair == "Ask Indonesia"
    assert question.connector == "reddit-id"

    link = posts["t3_1h4bz2k"]
    assert link.text == "Video banjir Banjarmasin yang viral ternyata dari Bandung 2024"
    assert link.urls[0].startswith("https://turnbackhoax.id/2026/11/20/hoaks-video-banjir")
    assert link.engagement.reshares == 2

    image = posts["t3_1h4bv17"]
    assert [(m.type, m.url) for m in image.media] == [("image", "https://i.redd.it/8b2kq0x9zp3f1.jpeg")]
    assert image.reshare_of == "reddit:t3_1h4a77x"
    assert image.engagement.likes == 0  # a score of -3 is no negative like count


def test_second_fetch_with_the_checkpoint_gets_only_newer_submissions(httpserver):
    conn = connector(httpserver)
    serve(httpserver, NEWEST)
    with httpx.Client() as http:
        first = conn.fetch(http, None)
        httpserver.clear()
        serve(httpserver, LATER)
        second = conn.fetch(http, first.checkpoint)
        third = conn.fetch(http, second.checkpoint)
    assert names(second) == ["t3_1h4c9x2"]
    assert second.more is False and "walk" not in second.checkpoint["subreddits"]["indonesia"]
    assert second.checkpoint["subreddits"]["indonesia"]["newest"] == "t3_1h4c9x2"
    assert third.items == []


def test_a_deleted_newest_post_does_not_stop_the_connector(httpserver):
    # t3_1h4c0d0 is gone from the listing (removed); what came after it is still found
    serve(httpserver, LATER)
    conn = connector(httpserver)
    with httpx.Client() as http:
        page = conn.fetch(http, {"cursor": 0, "subreddits": {"indonesia": {"newest": "t3_1h4c0d0"}}})
    assert names(page) == ["t3_1h4c9x2", "t3_1h4c0d9"]


def test_a_page_of_only_new_posts_walks_older_pages_with_after_until_a_known_one(httpserver):
    serve(httpserver, NEWEST)
    serve(httpserver, OLDER, after="t3_1h4bv17")
    conn = connector(httpserver)
    with httpx.Client() as http:
        head = conn.fetch(http, {"cursor": 0, "subreddits": {"indonesia": {"newest": "t3_1h4a000"}}})
        walk = conn.fetch(http, head.checkpoint)
    assert len(head.items) == 4 and head.more is True
    assert head.checkpoint["subreddits"]["indonesia"] == {
        "newest": "t3_1h4c0d9", "walk": {"after": "t3_1h4bv17", "stop": "t3_1h4a000", "pages_left": 10}}
    assert names(walk) == ["t3_1h4bqz0"]  # t3_1h49zzz is older than the last published one
    assert walk.more is False
    assert walk.checkpoint["subreddits"]["indonesia"] == {"newest": "t3_1h4c0d9"}

    removed = parse_post(orjson.dumps(conn.map(walk.items[0])))
    assert removed.text == "Vaksin ada cip magnetik? Lihat video ini" and removed.removed is True
    assert removed.author.handle is None


def test_backfill_pages_read_older_listings_on_the_first_run(httpserver):
    serve(httpserver, NEWEST)
    serve(httpserver, OLDER, after="t3_1h4bv17")
    conn = connector(httpserver, backfill_pages=5)
    with httpx.Client() as http:
        head = conn.fetch(http, None)
        older = conn.fetch(http, head.checkpoint)
    assert head.more is True and len(head.items) == 4
    assert names(older) == ["t3_1h4bqz0", "t3_1h49zzz"]
    assert older.more is False  # the listing has no "after": the end of the subreddit's history
    assert older.checkpoint["subreddits"]["indonesia"] == {"newest": "t3_1h4c0d9"}
    assert [r.query_string.decode() for r, _ in httpserver.log] == [
        "limit=100&raw_json=1", "limit=100&raw_json=1&after=t3_1h4bv17"]


def test_subreddits_are_read_in_turn(httpserver):
    serve(httpserver, NEWEST)
    serve(httpserver, {"kind": "Listing", "data": {"after": None, "children": [], "before": None}},
          path="/r/kalimantan/new.json")
    conn = connector(httpserver, subreddits=["r/Indonesia", "/r/kalimantan/"])
    assert conn.options.subreddits == ["indonesia", "kalimantan"]
    with httpx.Client() as http:
        one = conn.fetch(http, None)
        two = conn.fetch(http, one.checkpoint)
    assert (len(one.items), one.more) == (4, True)
    assert (two.items, two.more, two.checkpoint["cursor"]) == ([], False, 0)
    assert two.checkpoint["subreddits"]["kalimantan"] == {"newest": None}


@pytest.mark.parametrize("status", [403, 404, 429, 500, 503])
def test_http_errors_propagate_for_the_runner(httpserver, status):
    httpserver.expect_request(PATH).respond_with_json({"message": "Too Many Requests", "error": status}, status=status)
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError):
        connector(httpserver).fetch(http, None)


def test_the_redirect_of_a_missing_subreddit_to_search_is_not_followed(httpserver):
    httpserver.expect_request(PATH).respond_with_data(
        "", status=302, headers={"Location": "/subreddits/search.json?q=indonesia"})
    with httpx.Client(follow_redirects=True) as http, pytest.raises(httpx.HTTPStatusError, match="302"):
        connector(httpserver).fetch(http, None)


def test_an_answer_that_is_not_a_listing_is_an_error(httpserver):
    httpserver.expect_request(PATH).respond_with_json({"kind": "t5", "data": {}})
    with httpx.Client() as http, pytest.raises(ValueError, match="did not answer a Reddit listing"):
        connector(httpserver).fetch(http, None)


def test_a_submission_without_an_id_is_refused_and_still_has_a_stable_item_id():
    conn = RedditConnector(name="r", options=RedditConnector.Options(subreddits=["indonesia"]))
    item = {"kind": "t3", "data": {"title": "tanpa id", "created_utc": 1795665600.0}}
    with pytest.raises(MappingError, match="no id"):
        conn.map(item)
    assert conn.item_id(item) == conn.item_id(json.loads(json.dumps(item))) != conn.item_id({"data": {}})


def test_options_refuse_urls_and_typos():
    with pytest.raises(ValueError, match="not subreddit names"):
        RedditConnector.Options(subreddits=["https://www.reddit.com/r/indonesia"])
    with pytest.raises(ValueError):
        RedditConnector.Options(subreddits=["indonesia"], limt=50)
