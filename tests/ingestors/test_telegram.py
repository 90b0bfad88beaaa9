"""Telegram channel connector against a local server serving t.me/s preview pages."""

from pathlib import Path

import httpx
import orjson
import pytest

from ingestors.base import MappingError
from ingestors.telegram import TelegramChannelConnector, parse_count
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
LATEST = (PAYLOADS / "telegram_channel.html").read_text(encoding="utf-8")
AFTER_4806 = (PAYLOADS / "telegram_channel_after_4806.html").read_text(encoding="utf-8")
BEFORE_4801 = (PAYLOADS / "telegram_channel_before_4801.html").read_text(encoding="utf-8")
EMPTY = ('<html><body><main class="tgme_main"><section class="tgme_channel_history js-message_history">'
         "</section></main></body></html>")
CHANNEL = "kabarkalselterkini"
PATH = f"/s/{CHANNEL}"


def connector(httpserver, channels=(CHANNEL,), **options) -> TelegramChannelConnector:
    options = TelegramChannelConnector.Options(channels=list(channels), base_url=httpserver.url_for("/"), **options)
    return TelegramChannelConnector(name="tg", options=options)


def serve(httpserver, body, path=PATH, **query):
    httpserver.expect_request(path, query_string={k: str(v) for k, v in query.items()}).respond_with_data(
        body, content_type="text/html; charset=utf-8")


def queries(httpserver):
    return [(request.path, request.query_string.decode()) for request, _ in httpserver.log]


def test_latest_page_maps_text_forwards_replies_media_and_views(httpserver):
    serve(httpserver, LATEST)
    conn = connector(httpserver)
    with httpx.Client() as http:
        page = conn.fetch(http, None)
    assert [item["post"] for item in page.items] == [f"{CHANNEL}/{n}" for n in range(4801, 4807)]
    assert page.checkpoint == {"cursor": 0, "channels": {CHANNEL: {"last_id": 4806}}}
    assert page.more is False
    assert orjson.loads(orjson.dumps(page.items)) == page.items  # plain JSON, so a dead letter can carry it

    posts, reasons = {}, []
    for item in page.items:
        try:
            post = parse_post(orjson.dumps(conn.map(item)))
        except MappingError as exc:
            reasons.append(exc.reason)
        else:
            posts[post.native_id] = post
    assert reasons == [f"telegram message {CHANNEL}/4805 has no date (time[datetime])"]
    assert len(posts) == 5

    bansos = posts[f"{CHANNEL}/4801"]
    assert bansos.uid == f"telegram:{CHANNEL}/4801" and bansos.url == f"https://t.me/{CHANNEL}/4801"
    assert bansos.text.startswith("Pendaftaran Bansos PKH 2026 sudah dibuka!")
    assert "ke rekening.\nIsi NIK" in bansos.text  # <br/> kept as a line break
    assert bansos.urls == ["https://bansos-kemensos-2026.blogspot.com/daftar"]
    assert bansos.hashtags == ["Bansos", "PKH2026"]
    assert bansos.engagement.views == 1200
    assert bansos.created_at.isoformat() == "2026-11-20T10:53:45+00:00"
    assert (bansos.author.handle, bansos.author.display_name, bansos.author.followers) == (
        CHANNEL, "Kabar Kalsel Terkini", 6530)
    assert bansos.connector == "tg"

    forwarded = posts[f"{CHANNEL}/4802"]
    assert forwarded.reshare_of == "telegram:beritatular_my/4800"
    assert forwarded.forwarded_from == {"name": "Berita Tular MY", "url": "https://t.me/beritatular_my/4800"}
    assert forwarded.mentions == ["kawan_kalsel"] and forwarded.urls == []

    photo = posts[f"{CHANNEL}/4803"]
    assert photo.text == ""
    assert [(m.type, m.url) for m in photo.media] == [("photo", "https://cdn4.telesco.pe/file/banjir-martapura.jpg")]
    assert photo.engagement.views == 3400

    reply = posts[f"{CHANNEL}/4804"]
    assert reply.reply_to == f"telegram:{CHANNEL}/4801"
    assert reply.text.startswith("RALAT: tautan di atas")  # the quoted message is not part of the text
    assert reply.signature == "Admin Rina" and reply.urls == ["https://kemensos.go.id/"]

    video = posts[f"{CHANNEL}/4806"]
    assert video.media[0].type == "video" and video.media[0].url.endswith("jembatan-barito.mp4?token=abc")
    assert video.engagement.views == 2_050_000 and video.edited is True
    assert video.hashtags == ["Kalsel"]


def test_second_fetch_with_the_checkpoint_asks_after_the_last_id_and_gets_only_new_messages(httpserver):
    serve(httpserver, LATEST)
    serve(httpserver, AFTER_4806, after=4806)
    serve(httpserver, EMPTY, after=4807)
    conn = connector(httpserver)
    with httpx.Client() as http:
        first = conn.fetch(http, None)
        second = conn.fetch(http, first.checkpoint)
        third = conn.fetch(http, second.checkpoint)
    assert [item["post"] for item in second.items] == [f"{CHANNEL}/4807"]  # 4806, shown again, is dropped
    assert parse_post(orjson.dumps(conn.map(second.items[0]))).engagement.views == 15_300
    assert second.items[0]["subscribers"] == 6540
    assert second.checkpoint["channels"][CHANNEL] == {"last_id": 4807}
    assert third.items == [] and third.checkpoint == second.checkpoint
    assert queries(httpserver) == [(PATH, ""), (PATH, "after=4806"), (PATH, "after=4807")]


def test_a_page_with_newer_messages_beyond_it_asks_to_fetch_again_now(httpserver):
    more_after = AFTER_4806.replace('data-before="4807"', 'data-after="4807"').replace("?before=4807", "?after=4807")
    serve(httpserver, more_after, after=4806)
    conn = connector(httpserver)
    with httpx.Client() as http:
        page = conn.fetch(http, {"cursor": 0, "channels": {CHANNEL: {"last_id": 4806}}})
    assert page.more is True and page.checkpoint["cursor"] == 0


def test_backfill_pages_read_older_messages_with_before(httpserver):
    serve(httpserver, LATEST)
    serve(httpserver, BEFORE_4801, before=4801)
    serve(httpserver, AFTER_4806, after=4806)
    conn = connector(httpserver, backfill_pages=3)
    with httpx.Client() as http:
        first = conn.fetch(http, None)
        older = conn.fetch(http, first.checkpoint)
        newer = conn.fetch(http, older.checkpoint)
    assert first.more is True
    assert first.checkpoint["channels"][CHANNEL] == {"last_id": 4806, "oldest_id": 4801, "backfill_left": 3}
    # 4798 is a service message ("channel photo updated"); the page has no older link, so backfill ends
    assert [item["post"] for item in older.items] == [f"{CHANNEL}/4799", f"{CHANNEL}/4800"]
    assert older.more is False
    assert older.checkpoint["channels"][CHANNEL] == {"last_id": 4806, "oldest_id": 4799, "backfill_left": 0}
    assert [item["post"] for item in newer.items] == [f"{CHANNEL}/4807"]
    assert queries(httpserver) == [(PATH, ""), (PATH, "before=4801"), (PATH, "after=4806")]


def test_channels_are_read_in_turn(httpserver):
    serve(httpserver, LATEST)
    serve(httpserver, EMPTY, path="/s/infobanjarbaru")
    conn = connector(httpserver, channels=["@KabarKalselTerkini", "https://t.me/infobanjarbaru"])
    assert conn.options.channels == [CHANNEL, "infobanjarbaru"]
    with httpx.Client() as http:
        one = conn.fetch(http, None)
        two = conn.fetch(http, one.checkpoint)
    assert (len(one.items), one.more, one.checkpoint["cursor"]) == (6, True, 1)
    assert (two.items, two.more, two.checkpoint["cursor"]) == ([], False, 0)
    assert two.checkpoint["channels"] == {CHANNEL: {"last_id": 4806}, "infobanjarbaru": {"last_id": 0}}


@pytest.mark.parametrize("status", [404, 429, 500, 502])
def test_http_errors_propagate_for_the_runner(httpserver, status):
    httpserver.expect_request(PATH).respond_with_data("", status=status)
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError):
        connector(httpserver).fetch(http, None)


def test_a_channel_without_public_preview_is_an_error_naming_the_page(httpserver):
    # t.me redirects /s/CHANNEL to the channel's page, which has no message history
    httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": f"/{CHANNEL}"})
    serve(httpserver, "<html><body><div class='tgme_page'>Kabar Kalsel Terkini</div></body></html>", path=f"/{CHANNEL}")
    with httpx.Client() as http, pytest.raises(ValueError, match=f"/{CHANNEL} is not a channel's message preview"):
        connector(httpserver).fetch(http, None)


def test_a_message_without_an_id_is_refused_with_a_reason():
    conn = TelegramChannelConnector(name="tg", options=TelegramChannelConnector.Options(channels=[CHANNEL]))
    item = {"channel": CHANNEL, "post": f"{CHANNEL}/unknown-0", "html": '<div class="tgme_widget_message"></div>'}
    with pytest.raises(MappingError, match="no data-post"):
        conn.map(item)


def test_options_and_counts():
    with pytest.raises(ValueError, match="not public channel usernames"):
        TelegramChannelConnector.Options(channels=["bad name!"])
    assert [parse_count(t) for t in ("856", "1.2K", "6.53K", "2.05M", "1,024", "", "views")] == [
        856, 1200, 6530, 2_050_000, 1024, None, None]
