"""Tests for enrichers.spread: the narrative document (counts, reach, velocity and growth, the
cascade, fact-checks and claims, determinism) and its Elasticsearch mapping."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from enrichers.spread import MAX_EDGES, summarise, top

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def post(uid: str, minutes_ago: float = 300, *, author: str | None = "a1", followers: int = 10,
         text: str = "teks", handle: str | None = None, **extra) -> dict:
    platform = uid.partition(":")[0]
    p = {
        "uid": uid,
        "platform": platform,
        "author": {"id": author, "handle": handle if handle is not None else (f"h_{author}" if author else None),
                   "display_name": None, "followers": followers},
        "text": text,
        "created_at": at(minutes_ago),
        "reshare_of": None, "quote_of": None, "reply_to": None,
        "hashtags": [], "entities": [], "language": {"code": "id", "confidence": 0.9},
        "engagement": {"likes": 0, "reshares": 0, "replies": 0},
    }
    p.update(extra)
    return p


# ---------------------------------------------------------------------------------------------
# counts
# ---------------------------------------------------------------------------------------------


def test_counts_platforms_languages_and_times():
    posts = [
        post("x:1", 180, author="a1", hashtags=["vaksin", "hoaks"],
             entities=[{"text": "Kalsel", "label": "LOC", "canonical": "Kalimantan Selatan", "start": 0, "end": 6},
                       {"text": "Kalsel", "label": "LOC", "canonical": "Kalimantan Selatan", "start": 9, "end": 15}]),
        post("x:2", 170, author="a2", reshare_of="x:1", hashtags=["vaksin"],
             entities=[{"text": "Kalimantan Selatan", "label": "LOC", "canonical": "Kalimantan Selatan",
                        "start": 0, "end": 18}]),
        post("facebook:3", 160, author="b1", quote_of="x:1", language={"code": "jv"}),
        post("facebook:4", 150, author="b2", reply_to="facebook:3"),
        post("telegram:5", 140, author=None, handle=None, language=None),
    ]
    doc = summarise("x:1", posts, NOW)
    assert doc["id"] == "x:1"
    assert doc["post_count"] == 5
    assert doc["first_seen"] == "2026-11-21T09:00:00Z" and doc["last_seen"] == "2026-11-21T09:40:00Z"
    assert doc["updated_at"] == "2026-11-21T12:00:00Z"
    assert doc["platforms"] == ["facebook", "telegram", "x"]
    assert doc["platform_counts"] == [{"platform": "facebook", "posts": 2}, {"platform": "x", "posts": 2},
                                      {"platform": "telegram", "posts": 1}]
    assert doc["languages"] == [{"code": "id", "posts": 3}, {"code": "jv", "posts": 1}, {"code": "und", "posts": 1}]
    assert doc["reshares"] == 2 and doc["replies"] == 1
    assert doc["unique_authors"] == 5  # the author without id or handle counts as "telegram:?"
    # An entity or hashtag counts once per post, however often the post names it.
    assert doc["top_entities"] == [{"canonical": "Kalimantan Selatan", "label": "LOC", "posts": 2}]
    assert doc["top_hashtags"] == [{"tag": "vaksin", "posts": 2}, {"tag": "hoaks", "posts": 1}]
    assert doc["hourly"] == [{"hour": "2026-11-21T09:00:00Z", "platform": "facebook", "posts": 2},
                             {"hour": "2026-11-21T09:00:00Z", "platform": "telegram", "posts": 1},
                             {"hour": "2026-11-21T09:00:00Z", "platform": "x", "posts": 2}]
    assert doc["hourly_truncated"] is False
    assert [p["uid"] for p in doc["first_posters"]] == ["x:1", "x:2", "facebook:3", "facebook:4", "telegram:5"]
    assert doc["first_posters"][0] == {"uid": "x:1", "author": "h_a1", "platform": "x",
                                       "created_at": "2026-11-21T09:00:00Z"}
    assert doc["aliases"] == [] and doc["sampled"] is False
    assert doc["claim"] is None and doc["verdict"] is None


def test_total_posts_aliases_and_sampled_are_passed_through():
    doc = summarise("n", [post("x:1")], NOW, aliases=["n-old"], sampled=True, total_posts=1200)
    assert doc["post_count"] == 1200 and doc["spreading_posts"] == 1200
    assert doc["aliases"] == ["n-old"] and doc["sampled"] is True
    assert doc["unique_authors"] == 1  # every other count is over the posts given


def test_reach_counts_each_author_once_with_their_largest_follower_count():
    posts = [post("x:1", author="a1", followers=100), post("x:2", author="a1", followers=150),
             post("x:3", author="a2", followers=7), post("x:4", author="a3", followers=None)]
    doc = summarise("n", posts, NOW)
    assert doc["unique_authors"] == 3
    assert doc["reach"] == 157


def test_authors_fall_back_to_handle_and_are_per_platform():
    posts = [post("x:1", author=None, handle="budi"), post("x:2", author=None, handle="budi"),
             post("facebook:3", author="42"), post("x:4", author="42")]
    assert summarise("n", posts, NOW)["unique_authors"] == 3


def test_duplicate_uids_count_once():
    doc = summarise("n", [post("x:1"), post("x:1"), post("x:2")], NOW)
    assert doc["post_count"] == 2


def test_posts_without_a_readable_time_count_but_have_no_time():
    doc = summarise("n", [post("x:1", 30), post("x:2", created_at="kemarin sore"), post("x:3", created_at=None)], NOW)
    assert doc["post_count"] == 3 and doc["velocity"] == 1
    assert doc["first_seen"] == doc["last_seen"] == at(30)
    assert doc["first_posters"][-1]["created_at"] is None


def test_empty_narrative():
    doc = summarise("n", [], NOW)
    assert doc["post_count"] == 0 and doc["first_seen"] is None and doc["representative"] is None
    assert doc["cascade"] == {"edges": [], "edges_truncated": False, "size": 0, "depth": 0, "roots": 0}


# ---------------------------------------------------------------------------------------------
# velocity and growth
# ---------------------------------------------------------------------------------------------


def test_velocity_and_growth_around_now():
    posts = [
        post("x:1", 0),      # now: in the last hour (the window is closed at now)
        post("x:2", 59),
        post("x:3", 60),     # exactly an hour ago: the previous hour
        post("x:4", 61),
        post("x:5", 119),
        post("x:6", 120),    # two hours ago: neither
        post("x:7", -5),     # in the future of now: neither
    ]
    doc = summarise("n", posts, NOW)
    assert doc["velocity"] == 2
    assert doc["growth"] == 2 - 3
    assert doc["growth_ratio"] == pytest.approx(2 / 3)


def test_growth_ratio_with_a_quiet_previous_hour():
    doc = summarise("n", [post("x:1", 5), post("x:2", 10), post("x:3", 15)], NOW)
    assert (doc["velocity"], doc["growth"], doc["growth_ratio"]) == (3, 3, 3.0)


def test_now_may_be_naive_utc():
    aware = summarise("n", [post("x:1", 5)], NOW)
    naive = summarise("n", [post("x:1", 5)], NOW.replace(tzinfo=None))
    assert aware == naive


# ---------------------------------------------------------------------------------------------
# cascade and spreaders
# ---------------------------------------------------------------------------------------------


def test_cascade_reshare_of_a_reshare_and_a_reply_outside_the_set():
    posts = [
        post("x:1", 100, author="root", followers=5000),
        post("x:2", 90, author="b", reshare_of="x:1"),
        post("x:3", 80, author="c", reshare_of="x:2"),
        post("x:4", 70, author="d", quote_of="x:1"),
        post("x:5", 60, author="e", reply_to="x:999"),   # parent not in the set: no edge
        post("x:6", 50, author="f"),                      # alone
        post("x:7", 40, author="root", reply_to="x:1"),   # a self-reply: an edge, not spreading credit
    ]
    doc = summarise("n", posts, NOW)
    cascade = doc["cascade"]
    assert cascade["edges"] == [
        {"parent": "x:1", "child": "x:2", "parent_author": "h_root", "child_author": "h_b",
         "kind": "reshare", "created_at": at(90)},
        {"parent": "x:2", "child": "x:3", "parent_author": "h_b", "child_author": "h_c",
         "kind": "reshare", "created_at": at(80)},
        {"parent": "x:1", "child": "x:4", "parent_author": "h_root", "child_author": "h_d",
         "kind": "quote", "created_at": at(70)},
        {"parent": "x:1", "child": "x:7", "parent_author": "h_root", "child_author": "h_root",
         "kind": "reply", "created_at": at(40)},
    ]
    assert cascade["edges_truncated"] is False
    assert cascade["size"] == 5      # x:1, x:2, x:3, x:4, x:7
    assert cascade["depth"] == 2     # x:1 <- x:2 <- x:3
    assert cascade["roots"] == 1
    assert doc["reshares"] == 3 and doc["replies"] == 2
    assert doc["top_spreaders"] == [
        {"author": "h_root", "platform": "x", "reshares_received": 2, "followers": 5000},
        {"author": "h_b", "platform": "x", "reshares_received": 1, "followers": 10},
    ]


def test_cascade_counts_two_trees_and_multiple_relations():
    posts = [post("x:1", 50, author="a"), post("x:2", 40, author="b", reshare_of="x:1"),
             post("x:3", 30, author="c"), post("x:4", 20, author="d", quote_of="x:3", reply_to="x:2")]
    cascade = summarise("n", posts, NOW)["cascade"]
    assert cascade["roots"] == 2
    assert cascade["depth"] == 2  # x:1 <- x:2 <- x:4
    assert [(e["parent"], e["child"], e["kind"]) for e in cascade["edges"]] == [
        ("x:1", "x:2", "reshare"), ("x:3", "x:4", "quote"), ("x:2", "x:4", "reply")]


def test_cycles_in_broken_data_do_not_hang():
    posts = [post("x:1", 10, reply_to="x:2"), post("x:2", 5, reply_to="x:1"), post("x:3", 1, reshare_of="x:3")]
    cascade = summarise("n", posts, NOW)["cascade"]
    assert len(cascade["edges"]) == 2 and cascade["roots"] == 0 and cascade["depth"] == 0


def test_a_20000_deep_chain_does_not_hit_the_recursion_limit():
    start = NOW - timedelta(days=30)
    chain = [{"uid": "x:0", "platform": "x", "author": {"id": "u0"}, "text": "awal",
              "created_at": start.isoformat()}]
    chain += [{"uid": f"x:{i}", "platform": "x", "author": {"id": f"u{i}"}, "text": "rt",
               "created_at": (start + timedelta(seconds=i)).isoformat(), "reshare_of": f"x:{i - 1}"}
              for i in range(1, 20_001)]
    doc = summarise("x:0", chain, NOW)
    assert doc["cascade"]["depth"] == 20_000
    assert doc["cascade"]["roots"] == 1 and doc["cascade"]["size"] == 20_001
    assert doc["cascade"]["edges_truncated"] is True
    edges = doc["cascade"]["edges"]
    assert len(edges) == MAX_EDGES
    assert edges[0]["child"] == "x:1" and edges[-1]["child"] == f"x:{MAX_EDGES}"  # the earliest are kept


# ---------------------------------------------------------------------------------------------
# representative, fact-checks, claims
# ---------------------------------------------------------------------------------------------


def test_representative_is_the_most_common_text_ignoring_case_and_spaces():
    posts = [
        post("x:1", 100, text="Vaksin ada chipnya"),
        post("x:2", 90, text="VAKSIN  ada\nchipnya", author="b"),
        post("x:3", 80, text="beda", author="c"),
        post("x:4", 70, text="", author="d"),
        post("x:5", 60, text="", author="e"),
        post("x:6", 50, text="", author="f"),
    ]
    rep = summarise("n", posts, NOW)["representative"]
    assert rep == {"uid": "x:1", "text": "Vaksin ada chipnya", "platform": "x", "author": "h_a1"}


def test_representative_ties_go_to_the_earliest():
    posts = [post("x:1", 50, text="kedua"), post("x:2", 100, text="pertama", author="b")]
    assert summarise("n", posts, NOW)["representative"]["uid"] == "x:2"


def test_fact_checks_are_not_spreading_and_never_representative():
    debunk = "[HOAKS] Vaksin tidak mengandung chip"
    posts = [
        post("news:1", 100, text=debunk, fact_check={"verdict": "HOAKS"}, author="cek"),
        post("x:2", 90, text=debunk, author="b", reshare_of="news:1"),
        post("x:3", 80, text=debunk, author="c", reshare_of="news:1"),
        post("x:4", 70, text="vaksin ada chip!!", author="d"),
    ]
    doc = summarise("n", posts, NOW)
    assert doc["fact_checks"] == 1 and doc["post_count"] == 4 and doc["spreading_posts"] == 3
    assert doc["representative"]["uid"] == "x:4"


def test_only_fact_checks_give_no_representative():
    doc = summarise("n", [post("news:1", text="[SALAH] ...", fact_check={"verdict": "SALAH"})], NOW)
    assert doc["representative"] is None and doc["spreading_posts"] == 0


def claim(cid: str, score: float, verdict: str = "HOAKS") -> dict:
    return {"id": cid, "claim": f"klaim {cid}", "verdict": verdict, "url": f"https://cek.id/{cid}",
            "source": "cekfakta", "published_at": "2026-11-01T00:00:00Z", "score": score}


def test_claim_and_verdict_by_majority():
    posts = [post("x:1", claim=claim("c1", 0.9, "SALAH")), post("x:2", claim=claim("c2", 0.6)),
             post("x:3", claim=claim("c2", 0.7)), post("x:4")]
    doc = summarise("n", posts, NOW)
    assert doc["claim"] == claim("c2", 0.7)  # the best-scoring match of the majority claim
    assert doc["verdict"] == "HOAKS"


def test_claim_ties_go_to_the_highest_score_and_matched_claim_is_read_too():
    posts = [post("x:1", claim=claim("c1", 0.6, "SALAH")), post("x:2", matched_claim=claim("c2", 0.8, "DISINFORMASI"))]
    doc = summarise("n", posts, NOW)
    assert doc["claim"]["id"] == "c2" and doc["verdict"] == "DISINFORMASI"


# ---------------------------------------------------------------------------------------------
# determinism, and the sample data
# ---------------------------------------------------------------------------------------------


def test_shuffled_input_gives_the_identical_doc():
    posts = [post(f"x:{i}", minutes_ago=(i * 7) % 150, author=f"a{i % 9}", followers=i * 3,
                  text=["satu", "dua", "tiga"][i % 3], hashtags=[f"t{i % 4}", f"t{i % 5}"],
                  entities=[{"text": "e", "label": "PER", "canonical": f"E{i % 6}", "start": 0, "end": 1}],
                  reshare_of=f"x:{i // 2}" if i % 2 else None,
                  claim=claim(f"c{i % 2}", (i % 5) / 10) if i % 3 == 0 else None)
             for i in range(60)]
    # same times for several posts and the same counts for several names: ties must be broken
    expected = summarise("n", posts, NOW)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = posts[:]
        rng.shuffle(shuffled)
        assert summarise("n", shuffled, NOW) == expected
    assert json.dumps(expected)  # JSON-ready as it is


def sample_narratives() -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    with open(REPO / "data" / "sample" / "posts.jsonl", encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            if p.get("narrative_hint"):
                groups[p["narrative_hint"]].append(p)
    return groups


def test_sample_narratives_give_sane_documents():
    groups = sample_narratives()
    assert len(groups) >= 10
    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    for name, posts in groups.items():
        doc = summarise(name, posts, now)
        assert doc["post_count"] == len(posts)
        assert 1 <= doc["unique_authors"] <= doc["post_count"]
        assert doc["first_seen"] <= doc["last_seen"] <= doc["updated_at"]
        assert sum(c["posts"] for c in doc["platform_counts"]) == doc["post_count"]
        assert sum(h["posts"] for h in doc["hourly"]) == doc["post_count"]
        assert doc["platforms"] == sorted(c["platform"] for c in doc["platform_counts"])
        assert doc["reshares"] + doc["replies"] <= 2 * doc["post_count"]
        cascade = doc["cascade"]
        assert cascade["size"] <= doc["post_count"] and cascade["roots"] <= cascade["size"]
        assert 0 <= cascade["depth"] < cascade["size"] or cascade["size"] == 0
        assert len(cascade["edges"]) >= cascade["size"] - cascade["roots"]
        uids = {p["uid"] for p in posts}
        assert all(e["parent"] in uids and e["child"] in uids for e in cascade["edges"])
        assert doc["representative"]["uid"] in uids
        assert doc["first_posters"][0]["created_at"] == doc["first_seen"]
        assert doc["reach"] >= max(s["followers"] for s in doc["top_spreaders"]) if doc["top_spreaders"] else True
        assert len(doc["top_hashtags"]) <= 10 and len(doc["top_spreaders"]) <= 10
    # The whole sample has reshare trees: at least one narrative has a cascade.
    assert any(summarise(n, p, now)["cascade"]["size"] for n, p in groups.items())


# ---------------------------------------------------------------------------------------------
# top
# ---------------------------------------------------------------------------------------------


def test_top_ranks_by_velocity_growth_posts_then_last_seen():
    def doc(nid, velocity, growth, posts, last_minutes_ago):
        return {"id": nid, "velocity": velocity, "growth": growth, "post_count": posts,
                "last_seen": at(last_minutes_ago)}
    docs = [doc("a", 5, 1, 10, 1), doc("b", 9, 0, 10, 1), doc("c", 5, 3, 10, 1), doc("d", 5, 1, 50, 1),
            doc("e", 5, 1, 10, 0), doc("f", 5, 1, 10, 1)]
    assert [d["id"] for d in top(docs, NOW, 10)] == ["b", "c", "d", "e", "a", "f"]
    assert [d["id"] for d in top(docs, NOW, 2)] == ["b", "c"]
    assert top([], NOW, 5) == []


def test_top_treats_a_narrative_quiet_for_an_hour_as_not_trending():
    stale = {"id": "old", "velocity": 50, "growth": 50, "growth_ratio": 50.0, "post_count": 500,
             "last_seen": at(90)}
    fresh = {"id": "new", "velocity": 1, "growth": 1, "post_count": 1, "last_seen": at(5)}
    ranked = top([stale, fresh], NOW, 10)
    assert [d["id"] for d in ranked] == ["new", "old"]
    assert ranked[1]["velocity"] == 0 and ranked[1]["growth"] == 0
    assert stale["velocity"] == 50  # the caller's document is not changed


# ---------------------------------------------------------------------------------------------
# the Elasticsearch mapping
# ---------------------------------------------------------------------------------------------


def test_mapping_parses_and_maps_every_field_summarise_produces():
    body = json.loads((REPO / "dashboards" / "mappings" / "narratives.json").read_text())
    assert set(body) == {"settings", "mappings"}
    mappings = body["mappings"]
    assert mappings["dynamic"] is True
    props = mappings["properties"]
    doc = summarise("n", [post("x:1", claim=claim("c1", 0.5)), post("x:2", reshare_of="x:1", author="b")], NOW)
    # Every top-level key is mapped explicitly: none is left to dynamic mapping. (Keys a claim
    # carries beyond id/uid/claim/verdict/url/source/published_at/score/aliases are, by
    # "dynamic": true; a claim's published_at that is not an ISO date is ignored, not refused.)
    assert set(doc) <= set(props)
    assert set(doc["cascade"]) <= set(props["cascade"]["properties"])
    assert set(doc["claim"]) <= set(props["claim"]["properties"])
    for field in ("top_entities", "top_hashtags", "platform_counts", "hourly"):
        assert props[field]["type"] == "nested"
        assert set(doc[field][0] if doc[field] else {}) <= set(props[field]["properties"])
    assert props["cascade"]["properties"]["edges"]["type"] == "nested"
    assert set(doc["cascade"]["edges"][0]) == set(props["cascade"]["properties"]["edges"]["properties"])
    assert set(doc["representative"]) == set(props["representative"]["properties"])
    assert props["representative"]["properties"]["text"] == {
        "type": "text", "analyzer": "indonesian", "fields": {"en": {"type": "text", "analyzer": "english"}}}
    for field in ("id", "platforms", "verdict", "aliases"):
        assert props[field]["type"] == "keyword"
    for field in ("first_seen", "last_seen", "updated_at"):
        assert props[field]["type"] == "date"
    for field in ("post_count", "unique_authors", "reach", "velocity", "growth", "fact_checks", "spreading_posts"):
        assert props[field]["type"] == "long"


def _fields(mapping: dict, prefix: str = ""):
    for name, spec in mapping.get("properties", {}).items():
        yield prefix + name, spec
        yield from _fields(spec, prefix + name + ".")


def test_mapping_uses_only_types_and_parameters_elasticsearch_8_knows():
    body = json.loads((REPO / "dashboards" / "mappings" / "narratives.json").read_text())
    known = {"keyword", "text", "date", "long", "double", "boolean", "nested", "object"}
    for name, spec in _fields(body["mappings"]):
        assert spec.get("type", "object") in known, name
        assert set(spec) <= {"type", "properties", "analyzer", "fields", "ignore_above", "enabled", "ignore_malformed"}, name
