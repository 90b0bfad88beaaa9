"""End to end on the real backend: posts.raw -> enrich -> posts.enriched -> index -> Elasticsearch."""

from __future__ import annotations

import orjson

from ingestors.publish import publish
from pantau.deadletter import original_bytes
from pantau.provision import provision
from pantau.summary import read_dead_letters

TEXTS = [
    "Jangan percaya! Vaksin MR mengandung babi, sebarkan ke grup keluarga!! #HoaksVaksin",
    "wkwk gk percaya deh ama berita itu, hoax bgt #CekFakta @turnbackhoax",
    "Diskominfo Kalsel menggelar deklarasi anti hoaks di Banjarmasin #TolakHoaks https://kalselprov.go.id/berita",
    "Fact check: the viral video of the dam breaking is from 2019 #FactCheck",
]

MALFORMED = {
    b"this is not json": "not JSON",
    b"[1, 2, 3]": "not a JSON object",
    b'{"text": "tanpa uid", "created_at": "2026-11-01T00:00:00Z"}': "uid: missing",
    b'{"uid": "x:no-text", "created_at": "2026-11-01T00:00:00Z"}': "text: missing",
    b'{"uid": "x:no-time", "text": "halo"}': "created_at: missing",
    b'{"uid": "x:bad-time", "text": "halo", "created_at": "kemarin sore"}': "created_at",
    b'{"uid": "x:num-text", "text": 12345, "created_at": "2026-11-01T00:00:00Z"}': "text: Input should be a valid string",
    b'{"uid": "x:\xff\xfe", "text": "halo", "created_at": "2026-11-01T00:00:00Z"}': "not UTF-8",
    b'{"uid": "nocolon", "text": "halo", "created_at": "2026-11-01T00:00:00Z"}': "platform:native_id",
    orjson.dumps({"uid": "x:long", "text": "a" * 100_001, "created_at": "2026-11-01T00:00:00Z"}): "text too long",
}


def make_posts(count: int) -> list[dict]:
    return [{
        "uid": f"x:{n}",
        "text": f"{TEXTS[n % len(TEXTS)]} nomor {n}",
        "created_at": f"2026-11-01T{n % 24:02d}:{n % 60:02d}:00Z",
        "author": {"id": str(n % 37), "handle": f"user{n % 37}", "followers": n},
        "platform_specific_field": {"kept": True},
    } for n in range(count)]


def test_valid_posts_become_searchable_and_malformed_ones_are_dead_lettered(settings, start_worker, es, wait_for):
    posts = make_posts(300)
    records = [orjson.dumps(post) for post in posts]
    redeliveries = records[:40]  # exact re-deliveries of the same bytes
    provision(settings)
    publish(settings, records[:150] + list(MALFORMED) + records[150:] + redeliveries)
    start_worker()
    index = settings.index("posts")

    def all_indexed() -> bool:
        es.indices.refresh(index=index)
        return es.count(index=index)["count"] >= len(posts)

    wait_for(all_indexed, 120, "300 posts to be searchable")
    wait_for(lambda: len(read_dead_letters(settings)) >= len(MALFORMED), 60, "the dead letters")

    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == len(posts), "a re-delivered post was duplicated"
    hits = es.search(index=index, size=1000, query={"match_all": {}})["hits"]["hits"]
    by_uid = {hit["_source"]["uid"]: hit for hit in hits}
    assert set(by_uid) == {post["uid"] for post in posts}
    for hit in hits:
        assert hit["_id"] == hit["_source"]["uid"]
        assert hit["_source"]["language"]["code"]
        assert hit["_source"]["platform_specific_field"] == {"kept": True}, "unknown fields must be kept"
    assert by_uid["x:0"]["_source"]["hashtags"] == ["hoaksvaksin"]
    assert by_uid["x:1"]["_source"]["mentions"] == ["turnbackhoax"]
    assert by_uid["x:2"]["_source"]["urls"] == ["https://kalselprov.go.id/berita"]
    tolak = es.search(index=index, query={"term": {"hashtags": "tolakhoaks"}}, track_total_hits=True)
    assert tolak["hits"]["total"]["value"] == 75

    letters = read_dead_letters(settings)
    assert len(letters) == len(MALFORMED)
    by_original = {original_bytes(letter): letter for letter in letters}
    assert set(by_original) == set(MALFORMED), "every malformed record is kept byte for byte"
    for original, expected_reason in MALFORMED.items():
        letter = by_original[original]
        assert letter["stage"] == "enrich"
        assert expected_reason in letter["reason"], (original[:40], letter["reason"])
        assert letter["source"]["topic"] == settings.topic("posts.raw")
        assert letter["source"]["offset"] is not None
