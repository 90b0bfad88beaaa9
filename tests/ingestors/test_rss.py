"""RSS 2.0 / Atom connector against a local HTTP server serving fact-checkers' feeds."""

from pathlib import Path

import httpx
import orjson
import pytest
from werkzeug import Response

from ingestors.base import MappingError
from ingestors.rss import FeedConnector, html_to_text, split_verdict
from pantau.post import parse_post

PAYLOADS = Path(__file__).parent / "payloads"
RSS = (PAYLOADS / "turnbackhoax_rss.xml").read_text(encoding="utf-8")
ATOM = (PAYLOADS / "cekfakta_atom.xml").read_text(encoding="utf-8")

NEW_ITEM = """<item>
		<title>[HOAKS] Gempa Susulan Magnitudo 7 Akan Terjadi Malam Ini di Kotabaru</title>
		<link>https://turnbackhoax.id/2026/11/21/hoaks-gempa-susulan-kotabaru/</link>
		<pubDate>Sat, 21 Nov 2026 01:00:00 +0000</pubDate>
		<guid isPermaLink="false">https://turnbackhoax.id/?p=140230</guid>
		<description><![CDATA[<p>BMKG tidak pernah memprediksi waktu gempa.</p>]]></description>
	</item>
	<item>"""


def connector(feeds, **options) -> FeedConnector:
    return FeedConnector(name="feeds", options=FeedConnector.Options(feeds=feeds, **options))


def serve(httpserver, path, body, content_type="application/rss+xml; charset=UTF-8"):
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


def map_all(conn, items):
    """(valid posts, mapping-error reasons) for ``items``, each post validated as the runner would."""
    posts, reasons = [], []
    for item in items:
        try:
            post = conn.map(item)
        except MappingError as exc:
            reasons.append(exc.reason)
        else:
            posts.append(parse_post(orjson.dumps(post)))
    return posts, reasons


def test_rss_entries_become_valid_posts_and_an_undated_entry_is_refused(httpserver):
    conn = connector([{"url": serve(httpserver, "/feed/", RSS), "fact_checker": True}])
    with httpx.Client() as http:
        page = conn.fetch(http, None)
    assert len(page.items) == 6 and page.more is False
    assert orjson.loads(orjson.dumps(page.items)) == page.items  # plain JSON, so a dead letter can carry it
    posts, reasons = map_all(conn, page.items)
    assert reasons == ["feed entry has no published or updated date"]
    assert len(posts) == 5
    assert len({conn.item_id(item) for item in page.items}) == 6

    flood = posts[0]
    assert flood.platform == "news" and len(flood.native_id) == 20
    assert flood.url.startswith("https://turnbackhoax.id/2026/11/20/hoaks-video-banjir")
    assert flood.text.startswith("[HOAKS] Video Banjir di Banjarmasin Akibat Tanggul Sungai Martapura Jebol\n\n"
                                 "Beredar sebuah video")
    assert "<p>" not in flood.text and "2024 & tidak terkait" in flood.text
    assert "https://www.kompas.com/cekfakta/read/2026/11/19/banjir-bandung" in flood.urls
    assert flood.author.handle == "turnbackhoax.id" and flood.author.display_name == "Moch. Marcellodiansyah"
    assert flood.connector == "feeds"
    assert flood.fact_check == {"verdict": "HOAKS",
                                "claim": "Video Banjir di Banjarmasin Akibat Tanggul Sungai Martapura Jebol"}
    assert flood.categories == ["Hoaks", "Banjir"]
    # pubDate "+0700" is converted to UTC
    vaccine = next(p for p in posts if "Vaksin" in p.text)
    assert vaccine.created_at.isoformat() == "2026-11-19T15:30:00+00:00"
    assert "\nData NIK dan KK" in next(p for p in posts if "Bansos" in p.text).text  # <br /> is a line break
    training = next(p for p in posts if p.text.startswith("Mafindo"))
    assert "fact_check" not in training.model_dump()


def test_fact_checker_feed_gives_claims_for_verdict_tagged_entries_only(httpserver):
    url = serve(httpserver, "/feed/", RSS)
    checker = connector([{"url": url, "fact_checker": True}])
    with httpx.Client() as http:
        items = checker.fetch(http, None).items
    claims = [claim for item in items for claim in checker.claims(item)]
    assert [c["verdict"] for c in claims] == ["HOAKS", "SALAH", "DISINFORMASI", "KLARIFIKASI"]
    first = claims[0]
    assert first["claim"] == "Video Banjir di Banjarmasin Akibat Tanggul Sungai Martapura Jebol"
    assert first["source"] == "TURNBACKHOAX"
    assert first["published_at"] == "2026-11-20T09:41:12Z"
    assert first["url"] == checker.map(items[0])["url"]
    assert first["uid"] == checker.map(items[0])["uid"]

    plain = connector([url])
    with httpx.Client() as http:
        plain_items = plain.fetch(http, None).items
    assert [c for item in plain_items for c in plain.claims(item)] == []
    assert all("fact_check" not in plain.map(item) for item in plain_items[:5])

    everywhere = connector([url], claims=True, platform="cekfakta")
    with httpx.Client() as http:
        tagged = [c for item in everywhere.fetch(http, None).items for c in everywhere.claims(item)]
    assert len(tagged) == 4 and all(c["uid"].startswith("cekfakta:") for c in tagged)


def test_atom_feed_entries_content_enclosures_and_an_entry_without_id_or_link(httpserver):
    conn = connector([{"url": serve(httpserver, "/feed.atom", ATOM, "application/atom+xml"), "fact_checker": True}])
    with httpx.Client() as http:
        items = conn.fetch(http, None).items
    posts, reasons = map_all(conn, items)
    assert reasons == ["feed entry has neither an id (guid) nor a link"]
    assert [p.model_dump().get("fact_check", {}).get("verdict") for p in posts] == ["MISLEADING", "PENIPUAN", None]
    photo = posts[0]
    assert photo.created_at.isoformat() == "2026-11-20T00:00:00+00:00"  # <published>, +08:00 to UTC
    assert [(m.type, m.url) for m in photo.media] == [("image", "https://cekfakta.example.id/media/antrean-bbm.jpg")]
    assert posts[1].text.endswith("bukan milik wali kota.\nJangan transfer uang.")  # <content> when no <summary>
    assert posts[2].created_at.isoformat() == "2026-11-18T10:00:00+00:00"  # only <updated>
    assert [c["source"] for item in items for c in conn.claims(item)] == ["Cek Fakta Kalsel"] * 2


def test_second_fetch_with_the_checkpoint_returns_only_new_entries(httpserver):
    url = serve(httpserver, "/feed/", RSS)
    conn = connector([url])
    with httpx.Client() as http:
        first = conn.fetch(http, None)
        httpserver.clear()
        serve(httpserver, "/feed/", RSS.replace("<item>", NEW_ITEM, 1))
        second = conn.fetch(http, first.checkpoint)
        third = conn.fetch(http, second.checkpoint)
    assert len(first.items) == 6
    assert [item["entry"]["title"] for item in second.items] == [
        "[HOAKS] Gempa Susulan Magnitudo 7 Akan Terjadi Malam Ini di Kotabaru"]
    assert third.items == []
    assert len(third.checkpoint["feeds"][url]["seen"]) == 7


def test_conditional_get_sends_etag_and_last_modified_and_a_304_gives_nothing(httpserver):
    seen_headers = []

    def handler(request):
        seen_headers.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(RSS, content_type="application/rss+xml",
                        headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 09:41:12 GMT"})

    httpserver.expect_request("/feed/").respond_with_handler(handler)
    conn = connector([httpserver.url_for("/feed/")])
    with httpx.Client() as http:
        first = conn.fetch(http, None)
        second = conn.fetch(http, first.checkpoint)
    assert seen_headers == [(None, None), ('"v1"', "Fri, 20 Nov 2026 09:41:12 GMT")]
    assert len(first.items) == 6 and second.items == []
    assert second.checkpoint == first.checkpoint


def test_feeds_are_read_in_turn_and_more_is_set_until_the_round_ends(httpserver):
    rss, atom = serve(httpserver, "/feed/", RSS), serve(httpserver, "/feed.atom", ATOM, "application/atom+xml")
    conn = connector([rss, atom])
    stale = {"cursor": 0, "feeds": {"https://feed.removed.example/rss": {"seen": ["abc"]}}}
    with httpx.Client() as http:
        one = conn.fetch(http, stale)
        two = conn.fetch(http, one.checkpoint)
        three = conn.fetch(http, two.checkpoint)
    assert set(two.checkpoint["feeds"]) == {rss, atom}  # a feed taken out of the config is forgotten
    assert (len(one.items), one.more) == (6, True)
    assert (len(two.items), two.more) == (4, False)
    assert (three.items, three.more) == ([], True)
    assert [request.path for request, _ in httpserver.log] == ["/feed/", "/feed.atom", "/feed/"]


@pytest.mark.parametrize("status", [429, 500, 503, 404])
def test_http_errors_propagate_for_the_runner(httpserver, status):
    httpserver.expect_request("/feed/").respond_with_data("busy", status=status)
    conn = connector([httpserver.url_for("/feed/")])
    with httpx.Client() as http, pytest.raises(httpx.HTTPStatusError):
        conn.fetch(http, None)


def test_a_page_that_is_not_a_feed_is_an_error_naming_the_url(httpserver):
    url = serve(httpserver, "/feed/", "<html><body>Maintenance</body></html>", "text/html")
    with httpx.Client() as http, pytest.raises(ValueError, match="is not an RSS or Atom feed"):
        connector([url]).fetch(http, None)


def test_options_refuse_typos():
    with pytest.raises(ValueError):
        FeedConnector.Options(feeds=[{"url": "https://turnbackhoax.id/feed/", "fact_cheker": True}])
    with pytest.raises(ValueError):
        FeedConnector.Options(feeds=[])


def test_verdict_tags_and_html_to_text():
    assert split_verdict("[ hoaks ]  Foto Banjir") == ("HOAKS", "Foto Banjir")
    assert split_verdict("[KONTEN YANG DIMANIPULASI] Video Pidato") == ("KONTEN YANG DIMANIPULASI", "Video Pidato")
    assert split_verdict("[VIDEO] Banjir di Banjarmasin") is None
    assert split_verdict("Hoaks tanpa tanda kurung") is None
    assert html_to_text("<p>Satu &amp; dua</p><p>tiga<br>empat</p><script>x()</script>") == "Satu & dua\n\ntiga\nempat"
