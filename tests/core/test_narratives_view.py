"""Tests for pantau.narratives_view: the trending table and the narrative detail, as plain text."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from enrichers.spread import summarise
from pantau.narratives_view import NO_NARRATIVE, NO_NARRATIVES, format_narrative, format_top, one_line

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
HOAX = ("Hati-hati!! Vaksin booster terbaru mengandung microchip yang bisa melacak lokasi kita lewat "
        "sinyal 5G. Jangan mau divaksin!")


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def post(uid: str, minutes_ago: float, author: str, text: str = HOAX, followers: int = 100, **extra) -> dict:
    return {"uid": uid, "platform": uid.partition(":")[0],
            "author": {"id": author, "handle": author, "followers": followers},
            "text": text, "created_at": at(minutes_ago), "hashtags": ["vaksin"],
            "entities": [{"text": "Surabaya", "label": "LOC", "canonical": "Kota Surabaya", "start": 0, "end": 8}],
            "language": {"code": "id"}, **extra}


CLAIM = {"id": "c-chip", "claim": "Vaksin mengandung microchip", "verdict": "HOAKS",
         "url": "https://cekfakta.example/vaksin-chip", "source": "Cek Fakta Banua",
         "published_at": "2026-11-01T00:00:00Z", "score": 0.92}


def posts_chip() -> list[dict]:
    return [
        post("x:1", 200, "hairil", followers=5000, claim=CLAIM),
        post("x:2", 150, "irfan", reshare_of="x:1", claim=CLAIM),
        post("x:3", 100, "anisa", reshare_of="x:2"),
        post("facebook:4", 30, "siti", quote_of="x:1", text="Bener gk sih ini?"),
        post("facebook:5", 10, "rusdi", text="Ini\x1b[31m aneh\u202e"),
        post("news:6", 5, "cekfakta", text="[HOAKS] Vaksin tidak mengandung chip", fact_check={"verdict": "HOAKS"}),
    ]


def docs() -> list[dict]:
    quiet = [post("telegram:9", 600, "budi", text="Link daftar bansos via blogspot, buruan daftar sekarang juga")]
    return [summarise("bansos-link", quiet, NOW), summarise("x:1", posts_chip(), NOW)]


def test_top_table_shows_the_ranked_narratives():
    text = format_top(docs(), NOW)
    lines = text.splitlines()
    header = lines[0]
    for column in ("#", "narrative", "verdict", "posts", "last hour", "growth", "authors", "platforms",
                   "first seen", "text"):
        assert column in header
    assert len(lines) == 3
    first, second = lines[1], lines[2]
    assert first.split()[:7] == ["1", "x:1", "HOAKS", "6", "3", "+2", "6"]
    assert "facebook,news,x" in first and "2026-11-21 08:40" in first
    assert "Hati-hati!! Vaksin booster" in first and "melacak lokasi kita lewat sinyal 5G" not in first
    assert first.rstrip().endswith("...")
    assert second.split()[:7] == ["2", "bansos-link", "-", "1", "0", "+0", "1"]
    # fixed-width columns: each column starts at the same offset on every line
    assert {line.index("x:1") if "x:1" in line else line.index("bansos-link") for line in lines[1:]} == {
        header.index("narrative")}
    assert len({line.index("2026-11-21") for line in lines[1:]}) == 1


def test_top_table_for_no_narratives():
    assert format_top([], NOW) == NO_NARRATIVES
    assert format_top(None, NOW) == NO_NARRATIVES
    assert NO_NARRATIVES == "no narratives yet"


def test_narrative_detail_contains_the_expected_values():
    doc = summarise("x:1", posts_chip(), NOW)
    samples = posts_chip()
    text = format_narrative(doc, samples)
    assert text.startswith("narrative x:1\n")
    assert "verdict:      HOAKS" in text
    assert "Vaksin mengandung microchip" in text
    assert "https://cekfakta.example/vaksin-chip (Cek Fakta Banua)" in text
    assert "first seen:   2026-11-21 08:40 UTC" in text
    assert "last seen:    2026-11-21 11:55 UTC" in text
    assert "posts:        6, spreading 5, fact-checks 1, reshares/quotes 3, replies 0" in text
    assert "authors:      6, reach 5,500 followers" in text
    assert "last hour:    3 posts, growth +2 (x3.0)" in text
    # posts per hour, one row per hour, with a bar scaled to the busiest hour
    hourly = text.split("posts per hour (UTC)\n")[1].split("\n\n")[0].splitlines()
    assert hourly[0].split() == ["hour", "x", "facebook", "news", "total"]
    assert hourly[1].split() == ["2026-11-21", "08:00", "1", ".", ".", "1", "#" * 10]
    assert hourly[-1].split() == ["2026-11-21", "11:00", ".", "2", "1", "3", "#" * 30]
    assert "size 4 posts, depth 2, roots 1, edges 3: quote 1, reshare 2" in text
    first_posters = text.split("first posters\n")[1].split("\n\n")[0].splitlines()
    assert "hairil" in first_posters[1] and "x:1" in first_posters[1]
    spreaders = text.split("top spreaders (reshares, quotes and replies received)\n")[1].split("\n\n")[0]
    assert spreaders.splitlines()[1].split() == ["2", "5,000", "x", "hairil"]
    assert "top entities: Kota Surabaya (LOC) 6" in text
    assert "top hashtags: #vaksin 6" in text
    samples_text = text.split("sample posts\n")[1]
    assert samples_text.count("\n  2026-") + samples_text.startswith("  2026-") == 5  # at most five
    assert "@hairil" in samples_text and "news:6" not in samples_text
    # texts are cut to 120 characters and carry no terminal control sequences
    assert all(len(line) <= 4 + 120 for line in samples_text.splitlines() if line.startswith("    "))
    assert "\x1b" not in text and "\u202e" not in text and "Ini[31m aneh" in text


def test_narrative_detail_without_claim_or_samples():
    doc = summarise("n", [post("x:1", 30, "a", text="biasa", hashtags=[], entities=[])], NOW)
    doc["hashtags"] = []
    text = format_narrative(doc, [])
    assert "verdict:      - (no known debunk matched)" in text
    assert "size 0 posts, depth 0, roots 0, edges 0" in text
    assert "top spreaders (reshares, quotes and replies received)\n  none" in text
    assert "sample posts\n  none" in text


def test_narrative_detail_for_empty_or_partial_documents():
    assert format_narrative({}, []) == NO_NARRATIVE
    assert format_narrative(None, None) == NO_NARRATIVE
    text = format_narrative({"id": "n-lama"}, [{"uid": "x:1"}])
    assert "narrative n-lama" in text and "posts per hour (UTC)\n  none" in text
    assert "(no text)" in text


def test_long_hourly_histories_show_the_latest_hours():
    rows = [{"hour": (NOW - timedelta(hours=h)).isoformat(), "platform": p, "posts": h % 4}
            for h in range(100) for p in ("x", "facebook", "telegram", "reddit", "news", "bluesky", "mastodon", "lapor")]
    text = format_narrative({"id": "n", "hourly": rows}, [])
    hourly = text.split("posts per hour (UTC)\n")[1].split("\n\n")[0].splitlines()
    assert "other" in hourly[0].split()
    assert "(52 earlier hours not shown)" in hourly[-1]


def test_one_line():
    assert one_line("a\n\tb  c") == "a b c"
    assert one_line("x" * 100, 10) == "xxxxxxx..."
    assert one_line(None) == ""
