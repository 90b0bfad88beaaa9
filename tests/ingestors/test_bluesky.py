"""Bluesky connectors: searchPosts against a local AppView that pages like Bluesky's; Jetstream on a local websocket."""

from __future__ import annotations

import copy
import json
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import orjson
import pytest
from websockets.sync.server import serve
from werkzeug import Request, Response

from ingestors.base import MappingError
from ingestors.bluesky import BlueskySearchConnector, JetstreamConnector, post_uid, sort_at, subscribe_url
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
POOL = json.loads((PAYLOADS / "bluesky_search_hoaks.json").read_text(encoding="utf-8"))["posts"]
BY_WORD = {}
for _view in POOL:
    for _word in ("daun sirsak bisa", "Belum ada bukti", "konsultasi", "grup WA", "gempa M9", "sembako",
                  "banjir bandang", "fact-checkers", "bansos Rp", "makasih", "Cuaca", "razia", "PLN"):
        if _word in _view["record"]["text"]:
            BY_WORD[_word] = _view
SIRSAK, BANTAH, KUTIP, GRUPWA = (BY_WORD[w] for w in ("daun sirsak bisa", "Belum ada bukti", "konsultasi", "grup WA"))
NO_DATE = BY_WORD["sembako"]
LATER = [BY_WORD["razia"], BY_WORD["PLN"]]  # indexed after the others
PASSWORD = "abcd-efgh-ijkl-mnop"


def initial_pool():
    return [v for v in POOL if v not in LATER]


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeAppView:
    """searchPosts as Bluesky serves it: q matched in the text, since inclusive on sortAt, newest first,
    an offset cursor, and a 403 for a cursor without authentication. Optionally createSession."""

    def __init__(self, pool, jwts=("jwt-1",), expired=()):
        self.pool = list(pool)
        self.jwts = list(jwts)
        self.issued: list[str] = []
        self.expired = set(expired)
        self.searches: list[dict] = []
        self.logins: list[dict] = []

    def create_session(self, request: Request) -> Response:
        body = json.loads(request.data)
        self.logins.append(body)
        if body != {"identifier": "pantau.bsky.social", "password": PASSWORD}:
            echo = {"error": "AuthenticationRequired", "message": f"Invalid password {body.get('password')}"}
            return Response(json.dumps(echo), status=401, content_type="application/json")
        jwt = self.jwts[len(self.issued)]
        self.issued.append(jwt)
        return Response(json.dumps({"did": "did:plc:pantau", "handle": "pantau.bsky.social", "accessJwt": jwt,
                                    "refreshJwt": "refresh-" + jwt, "active": True}), content_type="application/json")

    def search(self, request: Request) -> Response:
        args = dict(request.args)
        auth = request.headers.get("Authorization")
        self.searches.append({**args, "auth": auth})
        if auth and auth.removeprefix("Bearer ") in self.expired:
            return Response('{"error":"ExpiredToken","message":"Token has expired"}', status=400,
                            content_type="application/json")
        if auth and auth.removeprefix("Bearer ") not in self.issued:
            return Response('{"error":"InvalidToken"}', status=401, content_type="application/json")
        if args.get("cursor") and not auth:
            return Response("<html><title>403 Forbidden</title></html>", status=403, content_type="text/html")
        hits = [v for v in self.pool if args["q"].casefold() in v["record"]["text"].casefold()]
        if args.get("since"):
            hits = [v for v in hits if sort_at(v) >= _time(args["since"])]
        hits.sort(key=sort_at, reverse=True)
        start, limit = int(args.get("cursor") or 0), int(args.get("limit", 25))
        body = {"posts": hits[start:start + limit], "hitsTotal": len(hits)}
        if start + limit < len(hits):
            body["cursor"] = str(start + limit)
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def appview(httpserver):
    fake = FakeAppView(initial_pool())
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_handler(fake.search)
    httpserver.expect_request("/xrpc/com.atproto.server.createSession", method="POST").respond_with_handler(
        fake.create_session)
    return fake


def connector(httpserver, **options) -> BlueskySearchConnector:
    options = {"base_url": httpserver.url_for("/").rstrip("/"), "queries": ["hoaks"], **options}
    return BlueskySearchConnector(name="bluesky-test", options=BlueskySearchConnector.Options(**options),
                                  environ={"BSKY_APP_PASSWORD": PASSWORD})


def authed(httpserver, **options) -> BlueskySearchConnector:
    return connector(httpserver, identifier="pantau.bsky.social", app_password_env="BSKY_APP_PASSWORD", **options)


def matching(pool, after=None):
    hits = [v for v in pool if "hoaks" in v["record"]["text"].casefold()]
    if after is not None:
        hits = [v for v in hits if sort_at(v) > sort_at(after)]
    return {v["uri"] for v in hits}


def test_first_run_reads_the_newest_page_and_a_second_poll_only_new_posts(httpserver, appview):
    source = connector(httpserver, limit=3)
    with httpx.Client() as http:
        first = source.fetch(http, None)
        newest = sorted((v for v in initial_pool() if v["uri"] in matching(initial_pool())), key=sort_at)[-3:]
        assert [v["uri"] for v in first.items] == [v["uri"] for v in reversed(newest)]
        assert first.more is False
        state = first.checkpoint["queries"]["hoaks"]
        assert _time(state["newest"]) == sort_at(newest[-1])
        assert appview.searches[0]["sort"] == "latest" and "since" not in appview.searches[0]

        appview.pool += LATER
        second = source.fetch(http, first.checkpoint)
        assert [v["uri"] for v in second.items] == [v["uri"] for v in reversed(LATER)]
        # the look-back window asked for the previous newest post again: it was dropped, not repeated
        assert _time(appview.searches[-1]["since"]) < sort_at(newest[-1])
        third = source.fetch(http, second.checkpoint)
        assert third.items == [] and third.more is False
    assert all(s["auth"] is None for s in appview.searches)


def test_authenticated_search_pages_with_cursor_without_gap_or_repeat(httpserver, appview):
    source = authed(httpserver, limit=2)
    checkpoint = {"queries": {"hoaks": {"newest": SIRSAK["indexedAt"], "seen": {SIRSAK["uri"]: SIRSAK["indexedAt"]}}}}
    got, mores = [], []
    with httpx.Client() as http:
        page = source.fetch(http, checkpoint)
        got += page.items
        mores.append(page.more)
        # a post arriving mid-way shifts the offset cursor: the next page repeats one, which is dropped
        appview.pool.append(LATER[0])
        while page.more:
            page = source.fetch(http, page.checkpoint)
            got += page.items
            mores.append(page.more)
        uris = [v["uri"] for v in got]
        assert len(uris) == len(set(uris))
        assert set(uris) == matching(initial_pool(), after=SIRSAK)
        assert mores[-1] is False and len(mores) >= 4
        assert [s.get("cursor") for s in appview.searches[:3]] == [None, "2", "4"]
        assert all(s["auth"] == "Bearer jwt-1" for s in appview.searches)
        assert len(appview.logins) == 1  # one session, reused

        appview.pool.append(LATER[1])
        page = source.fetch(http, page.checkpoint)
        assert [v["uri"] for v in page.items] == [v["uri"] for v in reversed(LATER)]
        assert source.fetch(http, page.checkpoint).items == []


def test_an_expired_access_token_is_renewed_by_logging_in_again(httpserver):
    fake = FakeAppView(initial_pool(), jwts=("old-jwt", "new-jwt"), expired={"old-jwt"})
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_handler(fake.search)
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_handler(fake.create_session)
    with httpx.Client() as http:
        page = authed(httpserver).fetch(http, None)
    assert page.items and fake.issued == ["old-jwt", "new-jwt"]
    assert [s["auth"] for s in fake.searches] == ["Bearer old-jwt", "Bearer new-jwt"]


def test_the_app_password_never_appears_in_an_error(httpserver, appview):
    source = BlueskySearchConnector(name="b", options=BlueskySearchConnector.Options(
        base_url=httpserver.url_for("/").rstrip("/"), queries=["hoaks"], identifier="wrong.bsky.social",
        app_password_env="BSKY_APP_PASSWORD"), environ={"BSKY_APP_PASSWORD": PASSWORD})
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError) as caught:
        source.fetch(http, None)
    error = caught.value
    assert error.response.status_code == 401 and PASSWORD in appview.logins[0]["password"]
    for text in (str(error), repr(error), error.response.text, str(error.request.headers),
                 error.request.content.decode()):
        assert PASSWORD not in text


def test_options_pair_identifier_with_app_password():
    with pytest.raises(ValueError, match="go together"):
        BlueskySearchConnector.Options(queries=["hoaks"], identifier="pantau.bsky.social")


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_and_unavailable_answers_raise_for_the_runner(httpserver, status):
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_json(
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status=status,
        headers={"ratelimit-reset": "1795140000"})
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError) as caught:
        connector(httpserver).fetch(http, None)
    assert caught.value.response.status_code == status


def test_post_views_map_to_valid_posts(httpserver, appview):
    appview.pool = POOL
    source = connector(httpserver)
    with httpx.Client() as http:
        items = source.fetch(http, None).items
    assert {v["uri"] for v in items} == matching(POOL)
    posts, reasons = {}, []
    for item in items:
        try:
            post = parse_post(orjson.dumps(source.map(item)))
        except MappingError as exc:
            reasons.append(exc.reason)
            continue
        assert post.uid == post_uid(item["uri"]) == "bluesky:" + source.item_id(item)
        posts[item["uri"]] = post
    assert reasons == [f"post {NO_DATE['uri']} has no createdAt"]
    assert len(posts) == len(items) - 1

    sirsak = posts[SIRSAK["uri"]]
    did, rkey = SIRSAK["author"]["did"], SIRSAK["uri"].rsplit("/", 1)[1]
    assert sirsak.uid == f"bluesky:{did}/{rkey}"
    assert sirsak.url == f"https://bsky.app/profile/budi.bsky.social/post/{rkey}"
    assert sirsak.author.handle == "budi.bsky.social" and sirsak.author.display_name == "Budi Santoso"
    assert sirsak.engagement.likes == 5 and sirsak.engagement.reshares == 12 and sirsak.engagement.quotes == 1
    assert sirsak.lang_hint == "id"

    bantah = posts[BANTAH["uri"]]
    assert bantah.reply_to == sirsak.uid
    assert bantah.mentions == ["budi.bsky.social"]  # the facet's DID, shown as the handle written
    assert bantah.urls == ["https://cekfakta.example/2026/11/20/sirsak-kanker"]  # the full link, not the shortened text
    assert bantah.hashtags == ["hoaks", "cekfakta"]

    assert posts[KUTIP["uri"]].quote_of == bantah.uid
    grupwa = posts[GRUPWA["uri"]]
    assert grupwa.quote_of == sirsak.uid
    assert grupwa.media[0].type == "image" and grupwa.media[0].url.startswith("https://cdn.bsky.app/img/feed_fullsize/")
    assert posts[BY_WORD["gempa M9"]["uri"]].urls == ["https://bmkg.example/klarifikasi-prediksi-gempa"]
    assert posts[BY_WORD["bansos Rp"]["uri"]].hashtags == ["bansos", "penipuan"]
    assert posts[BY_WORD["fact-checkers"]["uri"]].lang_hint == "en"

    broken = copy.deepcopy(SIRSAK)
    del broken["uri"]
    with pytest.raises(MappingError, match="no uri"):
        source.map(broken)
    assert source.item_id(broken).startswith("sha1:")


# --- Jetstream ------------------------------------------------------------------------------

EVENTS = (PAYLOADS / "jetstream_posts.jsonl").read_text(encoding="utf-8").splitlines()


@contextmanager
def ws_server(handler, **kwargs):
    """A websocket server on a free local port, serving in a thread; yields its /subscribe URL."""
    with serve(handler, "127.0.0.1", 0, **kwargs) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}/subscribe"
        server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def jetstream():
    """A local Jetstream: sends the fixture events to each client, then closes normally."""
    paths: list[str] = []

    def handler(socket):
        paths.append(socket.request.path)
        for line in EVENTS:
            socket.send(line)
        socket.close()

    with ws_server(handler) as url:
        yield url, paths


def run_jetstream(url, checkpoint=None, **options):
    source = JetstreamConnector(name="jetstream-test", options=JetstreamConnector.Options(url=url, **options))
    with httpx.Client() as http:  # unused: a websocket opens its own connection
        return source, list(source.stream(http, checkpoint))  # ends when the server closes normally


def _texts(out):
    return [item["commit"]["record"]["text"] for item, _ in out]


def test_jetstream_yields_new_posts_in_the_wanted_languages_with_a_time_cursor(jetstream):
    url, paths = jetstream
    source, out = run_jetstream(url, langs=["id"])
    assert _texts(out) == ["Hati-hati, pesan soal vaksin microchip itu hoaks! Sudah dibantah Kemenkes. #hoaks",
                           "Bendungan Riam Kanan tidak jebol, itu video lama.", "Selamat pagi semua", "Gak ada tanggal"]
    assert [cp for _, cp in out] == [{"cursor": item["time_us"]} for item, _ in out]
    assert paths == ["/subscribe?wantedCollections=app.bsky.feed.post"]

    posts, reasons = [], []
    for item, _ in out:
        try:
            posts.append(parse_post(orjson.dumps(source.map(item))))
        except MappingError as exc:
            reasons.append(exc.reason)
    assert len(posts) == 3 and len(reasons) == 1 and reasons[0].endswith("has no createdAt")
    hoax, reply, _ = posts
    assert hoax.hashtags == ["hoaks"] and hoax.uid == f"bluesky:{out[0][0]['did']}/{out[0][0]['commit']['rkey']}"
    assert reply.reply_to == post_uid(BY_WORD["gempa M9"]["uri"])
    assert reply.media[0].url.startswith("https://cdn.bsky.app/img/feed_fullsize/plain/" + out[1][0]["did"])


def test_jetstream_keyword_filter_and_resume_from_cursor(jetstream):
    url, paths = jetstream
    _, out = run_jetstream(url, {"cursor": 1795142400500311}, keywords=["Hoaks"])
    assert _texts(out) == ["Hati-hati, pesan soal vaksin microchip itu hoaks! Sudah dibantah Kemenkes. #hoaks",
                           "Fact-checkers in Kalimantan debunk a viral HOAKS about a dam collapse"]
    assert paths == ["/subscribe?wantedCollections=app.bsky.feed.post&cursor=1795142400500311"]
    _, both = run_jetstream(url, keywords=["hoaks"], langs=["id"], match="all")
    assert len(both) == 1


def test_subscribe_url_keeps_other_parameters():
    assert subscribe_url("wss://js.example/subscribe?compress=false&cursor=1", 42) == \
        "wss://js.example/subscribe?compress=false&wantedCollections=app.bsky.feed.post&cursor=42"



def test_jetstream_refusing_the_connection_raises():
    from websockets.exceptions import InvalidStatus

    with ws_server(lambda socket: None, process_request=lambda conn, request: conn.respond(503, "busy\n")) as url:
        with pytest.raises(InvalidStatus), httpx.Client() as http:
            next(JetstreamConnector(name="j", options=JetstreamConnector.Options(url=url)).stream(http, None))


def test_a_silent_jetstream_raises_timeout_for_the_runner_to_reconnect():
    done = threading.Event()
    with ws_server(lambda socket: done.wait(5)) as url:
        source = JetstreamConnector(name="j", options=JetstreamConnector.Options(url=url, read_timeout=0.2))
        with pytest.raises(TimeoutError), httpx.Client() as http:
            next(source.stream(http, None))
        done.set()
