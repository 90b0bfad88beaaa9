"""X recent search against a local server that pages like the X API v2 (since_id, next_token, includes)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import httpx
import orjson
import pytest
from werkzeug import Request, Response

from ingestors.base import MappingError, MissingSecret
from ingestors.x_twitter import XRecentSearchConnector, tweet_timestamp
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
ANSWER = json.loads((PAYLOADS / "x_search_recent_hoaks.json").read_text(encoding="utf-8"))
TWEETS = ANSWER["data"]
INCLUDES = ANSWER["includes"]
TOKEN = "AAAAAAAAAAAAAAAAAAAAAPantauTestBearer%2Fq9Zx0kLmNoPqRsTuVwXyZ"


def find(start):
    return next(t for t in TWEETS if t["text"].startswith(start))


HOAX, RETWEET, QUOTE, REPLY, NO_DATE, GEO, LONG = (find(w) for w in (
    "BREAKING", "RT @budi_s", "[HOAKS]", "@budi_s sumbernya", "Ada info resmi", "Banjir di Banjarmasin",
    "Utas klarifikasi"))
LATER = sorted(TWEETS, key=lambda t: int(t["id"]))[-2:]  # posted after the others


def _key(tweet):
    return int(tweet["id"])


class FakeX:
    """GET /2/tweets/search/recent: bearer auth, since_id, newest first, next_token bound to the request."""

    def __init__(self, pool, token=TOKEN):
        self.pool = list(pool)
        self.token = token
        self.requests: list[dict] = []
        self.tokens: dict[str, tuple] = {}

    def __call__(self, request: Request) -> Response:
        args = dict(request.args)
        self.requests.append(args)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.problem(401, "Unauthorized", "Unauthorized")
        size = int(args.get("max_results", 10))
        if not 10 <= size <= 100:
            return self.problem(400, "Invalid Request", "max_results must be between 10 and 100")
        start = 0
        if args.get("next_token"):
            issued = self.tokens.get(args["next_token"])
            if issued is None or issued[0] != (args["query"], args.get("since_id")):
                return self.problem(400, "Invalid Request", "next_token does not match the request")
            start = issued[1]
        hits = sorted((t for t in self.pool if not args.get("since_id") or _key(t) > int(args["since_id"])),
                      key=_key, reverse=True)
        page = hits[start:start + size]
        if not page:
            return Response(json.dumps({"meta": {"result_count": 0}}), content_type="application/json")
        meta = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page)}
        if start + size < len(hits):
            token = hashlib.sha1(f"{args['query']}{start + size}{args.get('since_id')}".encode()).hexdigest()[:32]
            self.tokens[token] = ((args["query"], args.get("since_id")), start + size)
            meta["next_token"] = token
        authors = {t["author_id"] for t in page}
        refs = {r["id"] for t in page for r in t.get("referenced_tweets", [])}
        keys = {k for t in page for k in t.get("attachments", {}).get("media_keys", [])}
        includes = {"users": [u for u in INCLUDES["users"] if u["id"] in authors],
                    "tweets": [t for t in INCLUDES["tweets"] if t["id"] in refs],
                    "media": [m for m in INCLUDES["media"] if m["media_key"] in keys]}
        return Response(json.dumps({"data": page, "includes": includes, "meta": meta}), content_type="application/json")

    @staticmethod
    def problem(status, title, detail):
        return Response(json.dumps({"title": title, "detail": detail, "type": "about:blank", "status": status}),
                        status=status, content_type="application/problem+json")


def connector(httpserver, **options) -> XRecentSearchConnector:
    options = {"base_url": httpserver.url_for("/").rstrip("/"), "queries": ["hoaks lang:id"], "max_results": 10,
               **options}
    source = XRecentSearchConnector(name="x-test", options=XRecentSearchConnector.Options(**options),
                                    environ={"X_BEARER_TOKEN": TOKEN})
    # the fixture's tweets are from 2026-11-20: keep the clock an hour after the newest, so since_id is fresh
    source.now = lambda: tweet_timestamp(LATER[-1]["id"]) + 3600
    return source


def initial_pool():
    return [t for t in TWEETS if t not in LATER]


@pytest.fixture
def x_api(httpserver):
    fake = FakeX(initial_pool())
    httpserver.expect_request("/2/tweets/search/recent").respond_with_handler(fake)
    return fake


def test_first_run_reads_the_newest_page_with_the_fields_and_expansions(httpserver, x_api):
    with httpx.Client() as http:
        page = connector(httpserver).fetch(http, None)
    newest = sorted(initial_pool(), key=_key, reverse=True)[:10]
    assert [item["tweet"]["id"] for item in page.items] == [t["id"] for t in newest]
    assert page.more is False
    assert page.checkpoint == {"queries": {"hoaks lang:id": {"since_id": newest[0]["id"]}}}
    sent = x_api.requests[0]
    assert sent["expansions"] == "author_id,referenced_tweets.id,attachments.media_keys"
    fields = set(sent["tweet.fields"].split(","))
    assert {"created_at", "referenced_tweets", "entities", "public_metrics", "geo"} <= fields
    assert sent["user.fields"] == "username,name,public_metrics"
    assert sent["media.fields"] == "url,type,preview_image_url"
    assert "since_id" not in sent and "next_token" not in sent


def test_next_token_paging_has_no_gap_and_no_repeat_across_pages_and_polls(httpserver, x_api):
    source = connector(httpserver)
    checkpoint = {"queries": {"hoaks lang:id": {"since_id": HOAX["id"]}}}
    got, mores, checkpoints = [], [], []
    with httpx.Client() as http:
        while True:
            page = source.fetch(http, checkpoint)
            got += [item["tweet"]["id"] for item in page.items]
            mores.append(page.more)
            checkpoint = page.checkpoint
            checkpoints.append(checkpoint["queries"]["hoaks lang:id"])
            if not page.more:
                break
        expected = [t["id"] for t in sorted(initial_pool(), key=_key, reverse=True) if _key(t) > _key(HOAX)]
        assert got == expected and mores == [True, True, False]  # 22 tweets in pages of 10
        # since_id stays until the last page is in, then moves to the first page's newest_id
        assert [cp["since_id"] for cp in checkpoints] == [HOAX["id"], HOAX["id"], expected[0]]
        assert checkpoints[0]["newest_id"] == expected[0] and "next_token" not in checkpoints[-1]
        assert all(r["since_id"] == HOAX["id"] for r in x_api.requests)

        x_api.pool += LATER
        page = source.fetch(http, checkpoint)
        assert [item["tweet"]["id"] for item in page.items] == [t["id"] for t in reversed(LATER)]
        assert page.more is False
        assert source.fetch(http, page.checkpoint).items == []


def test_while_one_query_pages_the_others_wait(httpserver, x_api):
    source = connector(httpserver, queries=["hoaks lang:id", "vaksin microchip"])
    newest = max(initial_pool(), key=_key)["id"]
    checkpoint = {"queries": {"hoaks lang:id": {"since_id": HOAX["id"]}, "vaksin microchip": {"since_id": newest}}}
    with httpx.Client() as http:
        first = source.fetch(http, checkpoint)
        second = source.fetch(http, first.checkpoint)
    assert [r["query"] for r in x_api.requests] == ["hoaks lang:id", "vaksin microchip", "hoaks lang:id"]
    assert first.checkpoint["queries"]["vaksin microchip"] == {"since_id": newest}
    assert second.more is True


def test_a_since_id_older_than_the_search_window_is_dropped_and_the_window_read_in_full(httpserver, x_api):
    source = connector(httpserver)
    source.now = lambda: tweet_timestamp(LATER[-1]["id"]) + 8 * 24 * 3600
    checkpoint = {"queries": {"hoaks lang:id": {"since_id": HOAX["id"]}}}
    got = []
    with httpx.Client() as http:
        page = source.fetch(http, checkpoint)
        got += page.items
        while page.more:
            page = source.fetch(http, page.checkpoint)
            got += page.items
    assert all("since_id" not in r for r in x_api.requests)
    assert len(got) == len(initial_pool())
    assert page.checkpoint["queries"]["hoaks lang:id"] == {"since_id": max(initial_pool(), key=_key)["id"]}


def test_tweets_map_to_valid_posts_with_references_entities_and_expansions(httpserver, x_api):
    x_api.pool = TWEETS
    source = connector(httpserver, max_results=100)
    with httpx.Client() as http:
        items = source.fetch(http, None).items
    posts, reasons = {}, []
    for item in items:
        try:
            post = parse_post(orjson.dumps(source.map(item)))
        except MappingError as exc:
            reasons.append(exc.reason)
            continue
        assert post.uid == f"x:{item['tweet']['id']}" == "x:" + source.item_id(item)
        posts[item["tweet"]["id"]] = post
    assert reasons == [f"tweet {NO_DATE['id']} has no created_at (request tweet.fields=created_at)"]
    assert len(posts) == len(TWEETS) - 1

    hoax = posts[HOAX["id"]]
    assert hoax.url == f"https://x.com/budi_s/status/{HOAX['id']}"
    assert (hoax.author.handle, hoax.author.display_name, hoax.author.followers) == ("budi_s", "Budi Santoso", 1204)
    assert hoax.hashtags == ["vaksin", "hoaks"]
    assert hoax.urls == ["https://beritaviral.example/2026/11/vaksin-5g-microchip"]  # not the photo's own link
    assert [(m.type, m.url) for m in hoax.media] == [("image", "https://pbs.twimg.com/media/GcVaksin5G.jpg")]
    assert (hoax.engagement.likes, hoax.engagement.reshares, hoax.engagement.replies, hoax.engagement.views) == \
        (310, 1200, 95, 88000)
    assert hoax.engagement.quotes == 40 and hoax.lang_hint == "id"

    retweet = posts[RETWEET["id"]]
    assert retweet.reshare_of == hoax.uid and retweet.text == HOAX["text"]  # the original's full text
    assert retweet.author.handle == "sitirahma" and retweet.hashtags == ["vaksin", "hoaks"]
    quote = posts[QUOTE["id"]]
    assert quote.quote_of == hoax.uid and quote.reply_to is None
    assert quote.urls[0] == "https://cekfakta.example/2026/11/20/vaksin-microchip"
    reply = posts[REPLY["id"]]
    assert reply.reply_to == hoax.uid and reply.mentions == ["budi_s"] and reply.conversation_id == hoax.uid

    geo = posts[GEO["id"]]
    assert (geo.geo.lat, geo.geo.lon) == (-3.3194, 114.5906)
    long = posts[LONG["id"]]
    assert long.text == LONG["note_tweet"]["text"] and long.hashtags == ["hoaks", "PLN"]

    broken = copy.deepcopy(items[0])
    del broken["tweet"]["id"]
    with pytest.raises(MappingError, match="no id"):
        source.map(broken)
    assert source.item_id(broken).startswith("sha1:")


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_and_unavailable_answers_raise_for_the_runner(httpserver, status):
    httpserver.expect_request("/2/tweets/search/recent").respond_with_json(
        {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": status},
        status=status, headers={"x-rate-limit-reset": "1795150000"})
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError) as caught:
        connector(httpserver).fetch(http, None)
    assert caught.value.response.status_code == status
    assert caught.value.response.headers["x-rate-limit-reset"] == "1795150000"


def test_the_bearer_token_goes_only_in_the_header_and_never_into_an_error(httpserver, x_api):
    with httpx.Client() as http:
        connector(httpserver).fetch(http, None)
        assert all(TOKEN not in json.dumps(r) for r in x_api.requests)
        httpserver.clear()
        httpserver.expect_request("/2/tweets/search/recent").respond_with_json(
            {"title": "Unauthorized", "type": "about:blank", "status": 401,
             "detail": f"Unauthorized: bearer token {TOKEN} is invalid"}, status=401)
        with pytest.raises(httpx.HTTPStatusError) as caught:
            connector(httpserver).fetch(http, None)
    error = caught.value
    assert error.response.status_code == 401
    assert "[redacted]" in error.response.text
    for text in (str(error), repr(error), error.response.text, str(error.request.headers), str(error.request.url),
                 str(error.response.headers)):
        assert TOKEN not in text


def test_a_missing_token_names_the_variable_only():
    source = XRecentSearchConnector(name="x", options=XRecentSearchConnector.Options(queries=["hoaks"]), environ={})
    with httpx.Client() as http, pytest.raises(MissingSecret, match="X_BEARER_TOKEN"):
        source.fetch(http, None)


def test_options_bound_max_results():
    with pytest.raises(ValueError):
        XRecentSearchConnector.Options(queries=["hoaks"], max_results=5)
