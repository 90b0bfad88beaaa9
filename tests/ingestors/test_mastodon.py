"""Mastodon connectors against a local server that pages like Mastodon (min_id, limit, newest first)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import httpx
import orjson
import pytest
from werkzeug import Request, Response

from ingestors.base import MappingError
from ingestors.mastodon import MastodonConnector, MastodonStreamConnector, html_to_text, instance_host
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
TIMELINE = json.loads((PAYLOADS / "mastodon_tag_hoaks.json").read_text(encoding="utf-8"))
BY_TEXT = {}  # a few statuses by a word of their content, to name them in tests
for _status in TIMELINE:
    for _word in ("microchip untuk melacak", "Kemenkes", "Foto banjir", "meluruskan", "Tes", "air kelapa",
                  "bansos", "gempa", "tsunami", "dibayar"):
        if _word in _status["content"] and not _status["reblog"]:
            BY_TEXT.setdefault(_word, _status)
REBLOG = next(s for s in TIMELINE if s["reblog"])
HOAX, REPLY, QUOTE, NO_DATE = (BY_TEXT[w] for w in ("microchip untuk melacak", "Kemenkes", "meluruskan", "Tes"))
LATER = [BY_TEXT["tsunami"], BY_TEXT["dibayar"]]  # posted after the others
TOKEN = "mstdn-Zq9vX3kP0aT7uY2wR8sN"


def _key(status):
    return int(status["id"])


def timeline_answer(pool: list[dict], args) -> list[dict]:
    """What Mastodon answers for a timeline request: min_id ascends from it, else max_id/since_id from the top."""
    statuses = sorted(pool, key=_key)
    limit = min(int(args.get("limit", 20)), 40)
    if args.get("min_id"):
        newer = [s for s in statuses if _key(s) > int(args["min_id"])]
        return list(reversed(newer[:limit]))
    if args.get("max_id"):
        statuses = [s for s in statuses if _key(s) < int(args["max_id"])]
    if args.get("since_id"):
        statuses = [s for s in statuses if _key(s) > int(args["since_id"])]
    return list(reversed(statuses[-limit:]))


class FakeTimeline:
    """A tag or public timeline endpoint over a pool of statuses that tests can add to."""

    def __init__(self, pool, token=None):
        self.pool = list(pool)
        self.token = token
        self.requests: list[dict] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.args))
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response('{"error":"The access token is invalid"}', status=401, content_type="application/json")
        page = timeline_answer(self.pool, request.args)
        headers = {}
        if page:
            base = request.base_url
            headers["Link"] = (f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?min_id={page[0]["id"]}>; rel="prev"')
        return Response(json.dumps(page), content_type="application/json", headers=headers)


def connector(httpserver, **options) -> MastodonConnector:
    options = {"base_url": httpserver.url_for("/"), "hashtags": ["hoaks"], **options}
    return MastodonConnector(name="mastodon-test", options=MastodonConnector.Options(**options),
                             environ={"MASTODON_TOKEN": TOKEN})


def initial_pool():
    return [s for s in TIMELINE if s not in LATER]


def test_first_run_reads_only_the_newest_page(httpserver):
    fake = FakeTimeline(initial_pool())
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(fake)
    with httpx.Client() as http:
        page = connector(httpserver, limit=3).fetch(http, None)
    newest = sorted(initial_pool(), key=_key)[-3:]
    assert [s["id"] for s in page.items] == [s["id"] for s in newest]  # oldest first
    assert page.more is False
    assert page.checkpoint == {"timelines": {"tag:hoaks": newest[-1]["id"]}, "pending": []}
    assert "min_id" not in fake.requests[0]


def test_min_id_paging_has_no_gap_and_no_repeat_across_pages_and_polls(httpserver):
    fake = FakeTimeline(initial_pool())
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(fake)
    source = connector(httpserver, limit=3)
    checkpoint = {"timelines": {"tag:hoaks": HOAX["id"]}}
    seen, mores = [], []
    with httpx.Client() as http:
        while True:
            page = source.fetch(http, checkpoint)
            seen += [s["id"] for s in page.items]
            checkpoint, more = page.checkpoint, page.more
            mores.append(more)
            if not more:
                break
        expected = [s["id"] for s in sorted(initial_pool(), key=_key) if _key(s) > _key(HOAX)]
        assert seen == expected  # every status after the checkpoint, once, in order
        assert mores == [True, True, False]  # 8 statuses in pages of 3
        assert [r.get("min_id") for r in fake.requests][:2] == [HOAX["id"], expected[2]]

        fake.pool += LATER
        page = source.fetch(http, checkpoint)
        assert [s["id"] for s in page.items] == [s["id"] for s in LATER]
        assert page.more is False
        assert source.fetch(http, page.checkpoint).items == []


def test_several_timelines_keep_their_own_checkpoints_and_local_is_passed(httpserver):
    tag, public = FakeTimeline(initial_pool()), FakeTimeline(TIMELINE)
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(tag)
    httpserver.expect_request("/api/v1/timelines/public").respond_with_handler(public)
    with httpx.Client() as http:
        page = connector(httpserver, public=True, local=True, limit=2).fetch(http, None)
    assert set(page.checkpoint["timelines"]) == {"tag:hoaks", "public:local"}
    assert page.checkpoint["timelines"]["public:local"] == LATER[-1]["id"]
    assert page.checkpoint["timelines"]["tag:hoaks"] == max(initial_pool(), key=_key)["id"]
    assert tag.requests[0]["local"] == "true" and public.requests[0]["local"] == "true"


def test_options_need_a_timeline():
    with pytest.raises(ValueError, match="nothing to watch"):
        MastodonConnector.Options(base_url="https://sosial.example")
    assert MastodonConnector.Options(base_url="https://x", hashtags=["#Hoaks"]).hashtags == ["Hoaks"]


def test_statuses_map_to_valid_posts_with_instance_scoped_uids(httpserver):
    fake = FakeTimeline(TIMELINE)
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(fake)
    source = connector(httpserver)
    host = instance_host(source.options.base_url)
    with httpx.Client() as http:
        items = source.fetch(http, None).items
    posts = {}
    for item in items:
        if item is NO_DATE or item["id"] == NO_DATE["id"]:
            continue
        post = parse_post(orjson.dumps(source.map(item)))
        assert post.uid == f"mastodon:{host}:{item['id']}" and source.item_id(item) == post.native_id
        posts[item["id"]] = post
    assert len(posts) == len(TIMELINE) - 1

    hoax = posts[HOAX["id"]]
    assert hoax.text.startswith("Ini bukan #hoaks! Vaksin booster terbaru mengandung microchip")
    assert hoax.text.endswith("https://beritaviral.example/2026/11/vaksin-microchip-pelacak")  # link shown in full
    assert hoax.urls == ["https://beritaviral.example/2026/11/vaksin-microchip-pelacak"]
    assert hoax.hashtags == ["hoaks", "vaksin"] and hoax.author.handle == "budi@" + host
    assert hoax.engagement.reshares == 41 and hoax.lang_hint == "id" and hoax.uri == HOAX["uri"]

    reblog = posts[REBLOG["id"]]
    assert reblog.reshare_of == hoax.uid
    assert reblog.text == hoax.text and reblog.author.handle == "siti@kabar.example"
    assert reblog.created_at.isoformat().startswith(REBLOG["created_at"][:19])
    assert reblog.url == HOAX["url"]

    reply = posts[REPLY["id"]]
    assert reply.reply_to == hoax.uid and reply.mentions == ["budi@" + host]
    assert reply.urls == ["https://cekfakta.example/2026/11/20/vaksin-microchip"]  # not the mention or tags
    assert "Kemenkes sudah membantah" in reply.text and "\nCek: https://cekfakta.example" in reply.text

    quote = posts[QUOTE["id"]]
    assert quote.quote_of == reply.uid
    assert quote.text == "Terima kasih sudah meluruskan. Jangan asal share ya! #hoaks"  # the RE: fallback dropped

    foto = posts[BY_TEXT["Foto banjir"]["id"]]
    assert foto.media[0].type == "image" and foto.media[0].url.endswith("/original/banjir.jpg")
    assert "foto lama dari 2021 & lokasinya" in foto.text
    assert posts[BY_TEXT["air kelapa"]["id"]].text.startswith("hoaks kesehatan\n\nPesan berantai")


def test_malformed_statuses_raise_mapping_error_with_reason_and_the_rest_map(httpserver):
    no_id = copy.deepcopy(BY_TEXT["gempa"])
    del no_id["id"]
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_json([BY_TEXT["bansos"], no_id, NO_DATE])
    source = connector(httpserver)
    with httpx.Client() as http:
        page = source.fetch(http, None)
    assert len(page.items) == 3 and page.checkpoint["timelines"]["tag:hoaks"] == BY_TEXT["bansos"]["id"]
    reasons, posts = [], []
    for item in page.items:
        assert source.item_id(item)  # stable even without an id
        try:
            posts.append(parse_post(orjson.dumps(source.map(item))))
        except MappingError as exc:
            reasons.append(exc.reason)
    assert [p.native_id.rpartition(":")[2] for p in posts] == [BY_TEXT["bansos"]["id"]]
    assert sorted(reasons) == sorted(["status has no id", f"status {NO_DATE['id']} has no created_at"])


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_and_unavailable_answers_raise_for_the_runner(httpserver, status):
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_json(
        {"error": "Too many requests"}, status=status, headers={"Retry-After": "30"})
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError) as caught:
        connector(httpserver).fetch(http, {"timelines": {"tag:hoaks": HOAX["id"]}})
    assert caught.value.response.status_code == status
    assert caught.value.response.headers["Retry-After"] == "30"


def test_access_token_goes_in_the_header_and_never_into_an_error(httpserver):
    fake = FakeTimeline(initial_pool(), token=TOKEN)
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(fake)
    with httpx.Client() as http:
        page = connector(httpserver, access_token_env="MASTODON_TOKEN").fetch(http, None)
        assert page.items
        assert all(TOKEN not in str(r) for r in fake.requests)  # not in the query string
        httpserver.clear()
        httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_json(
            {"error": f"The access token {TOKEN} was revoked"}, status=401)
        with pytest.raises(httpx.HTTPStatusError) as caught:
            connector(httpserver, access_token_env="MASTODON_TOKEN").fetch(http, None)
    error = caught.value
    for text in (str(error), repr(error), error.response.text, str(error.request.headers), str(error.request.url)):
        assert TOKEN not in text
    assert error.response.status_code == 401


def test_html_to_text_keeps_paragraphs_line_breaks_and_plain_links():
    text, links = html_to_text('<p>Satu<br>dua</p><p>tiga <a href="https://a.example/x">a.example/x</a></p>')
    assert text == "Satu\ndua\n\ntiga a.example/x" and links == ["https://a.example/x"]


# --- streaming ------------------------------------------------------------------------------

STREAM = (PAYLOADS / "mastodon_stream_hashtag.txt").read_text(encoding="utf-8")


def sse_handler(body: str, seen: list | None = None):
    def handle(request: Request) -> Response:
        if seen is not None:
            seen.append((request.path, dict(request.args), request.headers.get("Authorization")))
        chunks = [part + "\n\n" for part in body.split("\n\n") if part]  # one event per chunk, as sent live
        return Response(iter(chunks), content_type="text/event-stream; charset=utf-8")
    return handle


def stream_connector(httpserver, **options) -> MastodonStreamConnector:
    options = {"base_url": httpserver.url_for("/"), "hashtag": "hoaks", **options}
    return MastodonStreamConnector(name="mastodon-stream-test", options=MastodonStreamConnector.Options(**options),
                                   environ={"MASTODON_TOKEN": TOKEN})


def consume(source: MastodonStreamConnector, checkpoint: dict | None) -> list:
    """Every (item, checkpoint) until the server closes the stream, which ends the generator."""
    with httpx.Client() as http:
        return list(source.stream(http, checkpoint))


def test_stream_yields_update_events_with_the_newest_id_as_checkpoint(httpserver):
    seen = []
    httpserver.expect_request("/api/v1/streaming/hashtag").respond_with_handler(sse_handler(STREAM, seen))
    source = stream_connector(httpserver, access_token_env="MASTODON_TOKEN")
    out = consume(source, None)
    assert [item["id"] for item, _ in out] == [s["id"] for s in LATER]  # delete and status.update skipped
    assert [cp for _, cp in out] == [{"last_id": s["id"]} for s in LATER]
    assert seen == [("/api/v1/streaming/hashtag", {"tag": "hoaks"}, f"Bearer {TOKEN}")]
    for item, _ in out:
        parse_post(orjson.dumps(source.map(item)))
    assert source.map(out[1][0])["reply_to"] == f"mastodon:{instance_host(source.options.base_url)}:{REPLY['id']}"


def test_reconnect_backfills_from_the_rest_timeline_without_repeats(httpserver):
    newer = copy.deepcopy(LATER[-1])
    newer["id"] = str(int(newer["id"]) + 1_000_000)
    stream = "".join(f"event: update\ndata: {json.dumps(s)}\n\n" for s in LATER + [newer])
    httpserver.expect_request("/api/v1/streaming/hashtag/local").respond_with_handler(sse_handler(stream))
    rest = FakeTimeline(TIMELINE)
    httpserver.expect_request("/api/v1/timelines/tag/hoaks").respond_with_handler(rest)
    out = consume(stream_connector(httpserver, local=True), {"last_id": BY_TEXT["gempa"]["id"]})
    assert [item["id"] for item, _ in out] == [LATER[0]["id"], LATER[1]["id"], newer["id"]]
    assert out[-1][1] == {"last_id": newer["id"]}
    assert rest.requests == [{"limit": "40", "local": "true", "min_id": BY_TEXT["gempa"]["id"]}]


def test_stream_errors_raise(httpserver):
    httpserver.expect_request("/api/v1/streaming/public").respond_with_json({"error": "Error"}, status=503)
    with pytest.raises(httpx.HTTPStatusError), httpx.Client() as http:
        next(stream_connector(httpserver, hashtag=None).stream(http, None))
