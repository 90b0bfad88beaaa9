"""Clustering metrics (B-cubed, pairwise) and the narrative-grouping evaluation set."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from enrichers.cluster_eval import bcubed, format_report, gold_from_posts, pairwise
from pantau.post import parse_post

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "data" / "eval"
NARRATIVES = EVAL / "narratives.jsonl"


def approx(t):
    return pytest.approx(t, abs=1e-9)


def labels(groups: list[str]) -> dict[str, str]:
    """``["abc", "de"]`` -> {"a": "0", "b": "0", "c": "0", "d": "1", "e": "1"}."""
    return {item: str(i) for i, g in enumerate(groups) for item in g}


GOLD = labels(["abc", "de", "f"])


# ------------------------------------------------------------------------------- metrics

def test_perfect():
    pred = {uid: "x" + g for uid, g in GOLD.items()}  # other names, same partition
    assert bcubed(pred, GOLD) == approx((1.0, 1.0, 1.0))
    assert pairwise(pred, GOLD) == approx((1.0, 1.0, 1.0))


def test_all_in_one():
    pred = {uid: "all" for uid in GOLD}
    # B-cubed precision: a,b,c see 3/6; d,e see 2/6; f sees 1/6 -> (9+4+1)/36 / 6 items
    p = (3 * 3 / 6 + 2 * 2 / 6 + 1 / 6) / 6
    assert bcubed(pred, GOLD) == approx((p, 1.0, 2 * p / (1 + p)))
    # pairwise: 15 predicted pairs, 3 + 1 gold pairs, all 4 found
    assert pairwise(pred, GOLD) == approx((4 / 15, 1.0, 2 * (4 / 15) / (1 + 4 / 15)))


def test_all_singletons():
    pred = {uid: uid for uid in GOLD}
    r = (3 * (1 / 3) + 2 * (1 / 2) + 1) / 6  # each item finds only itself
    assert bcubed(pred, GOLD) == approx((1.0, r, 2 * r / (1 + r)))
    assert pairwise(pred, GOLD) == approx((1.0, 0.0, 0.0))  # no link made: precision 1 by convention


def test_bagga_baldwin_example():
    # Bagga & Baldwin (1998), fig. 2: the response merges gold chains {6,7} and {8..12}.
    gold = labels(["12345", "67", "89ABC"])
    pred = labels(["12345", "6789ABC"])
    p = (5 * 1 + 2 * (2 / 7) + 5 * (5 / 7)) / 12  # = 64/84 = 0.7619...
    assert p == approx(16 / 21)
    assert bcubed(pred, gold) == approx((16 / 21, 1.0, 2 * (16 / 21) / (1 + 16 / 21)))
    # pairwise: 10 + 21 predicted pairs, 10 + 1 + 10 gold pairs, all 21 found
    assert pairwise(pred, gold) == approx((21 / 31, 1.0, 2 * (21 / 31) / (1 + 21 / 31)))


def test_manning_textbook_example():
    # Manning, Raghavan & Schuetze, Introduction to IR, 16.3: 17 items in 3 clusters,
    # TP = 20, FP = 20, FN = 24 -> pairwise P = 0.5, R = 20/44 (the Rand index example).
    pred, gold = {}, {}
    clusters = [("x" * 5 + "o"), ("x" + "o" * 4 + "d"), ("x" * 2 + "d" * 3)]
    for c, members in enumerate(clusters):
        for j, cls in enumerate(members):
            uid = f"{c}-{j}"
            pred[uid], gold[uid] = f"c{c}", cls
    p, r, f = pairwise(pred, gold)
    assert (p, r) == approx((0.5, 20 / 44))
    assert f == approx(2 * 0.5 * (20 / 44) / (0.5 + 20 / 44))
    # B-cubed on the same example, by hand: precision per cluster (25+1)/6, (1+16+1)/6, (4+9)/5
    bp = ((25 + 1) / 6 + (1 + 16 + 1) / 6 + (4 + 9) / 5) / 17
    # recall: x has 8 (5, 1, 2 across clusters), o has 5 (1, 4), d has 4 (1, 3)
    br = ((25 + 1 + 4) / 8 + (1 + 16) / 5 + (1 + 9) / 4) / 17
    assert bcubed(pred, gold) == approx((bp, br, 2 * bp * br / (bp + br)))


def test_missing_uid_is_its_own_singleton_and_extra_uids_are_ignored():
    pred = {"a": "k", "b": "k", "d": "m", "e": "m", "f": "n", "zz": "k", "yy": "m"}  # no "c"
    explicit = dict(pred, c="only-c")
    del explicit["zz"], explicit["yy"]
    assert bcubed(pred, GOLD) == approx(bcubed(explicit, GOLD))
    assert pairwise(pred, GOLD) == approx(pairwise(explicit, GOLD))
    # a missing uid never lands in a cluster, even one whose id looks like a uid
    pred2 = {"a": "c", "b": "c", "d": "d", "e": "d", "f": "f"}
    assert bcubed(pred2, GOLD)[0] == approx(1.0)
    assert pairwise(pred2, GOLD) == approx((1.0, 2 / 4, 2 * 0.5 / 1.5))


def test_empty_and_big():
    assert bcubed({}, {}) == (1.0, 1.0, 1.0)
    assert pairwise({}, {}) == (1.0, 1.0, 1.0)
    rnd = random.Random(7)
    gold = {f"u{i}": f"g{rnd.randrange(3000)}" for i in range(100_000)}
    pred = {u: (g if rnd.random() < 0.9 else f"p{rnd.randrange(5000)}") for u, g in gold.items()}
    for scores in (bcubed(pred, gold), pairwise(pred, gold)):  # runs in well under a second
        assert all(0.0 < s < 1.0 for s in scores)


def test_format_report_names_the_worst_clusters():
    gold = labels(["abcd", "efg", "h"])
    pred = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P3", "f": "P3", "g": "P3", "h": "P3"}
    text = format_report(pred, gold)
    assert "8 items, 3 gold clusters" in text
    assert "3 predicted clusters" in text
    assert "B-cubed" in text and "pairwise" in text
    assert "0: size 4, recall 0.500, 2 pieces" in text           # gold "abcd" split in two
    assert "P3: size 4, precision 0.625, mixes 3 1, 1 2" in text   # "efg" + "h"
    assert "unassigned" in format_report({"a": "x"}, gold)


# ------------------------------------------------------------------------------- data set

@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in NARRATIVES.read_text(encoding="utf-8").splitlines()]


def test_every_line_is_a_valid_post(records):
    for line in NARRATIVES.read_bytes().splitlines():
        post = parse_post(line)
        assert post.uid == f"{post.platform}:{post.native_id}"
        assert isinstance(post.model_extra["narrative_gold"], str) and post.model_extra["narrative_gold"]
    assert all(r["created_at"].endswith("Z") for r in records)


def test_uids_unique_and_references_resolve(records):
    uids = [r["uid"] for r in records]
    assert len(uids) == len(set(uids))
    by_uid = {r["uid"]: r for r in records}
    pos = {uid: i for i, uid in enumerate(uids)}
    before_parent = 0
    for i, r in enumerate(records):
        refs = [r[f] for f in ("reshare_of", "reply_to", "quote_of") if r[f]]
        assert len(refs) <= 1
        for ref in refs:
            assert ref in by_uid
            parent = by_uid[ref]
            assert parent["platform"] == r["platform"]
            assert parent["created_at"] < r["created_at"]
            # the gold rule: a reshare, quote or reply is in its parent's narrative
            assert r["narrative_gold"] == parent["narrative_gold"]
            before_parent += pos[ref] > i
    assert 3 <= before_parent <= 10


def test_counts_meet_the_brief(records):
    gold = Counter(r["narrative_gold"] for r in records)
    kinds = Counter(r["gold_kind"].split("+")[0] for r in records)
    assert len(records) >= 600
    big = [k for k, n in gold.items() if n >= 8 and not k.endswith("-debunk")]
    assert len(big) >= 24
    hoaxes = sorted({k.removesuffix("-debunk") for k in gold if k.endswith("-debunk")})
    assert len(hoaxes) >= 12
    for h in hoaxes:
        assert gold[h] >= 8
        n_debunk = sum(1 for r in records if r["narrative_gold"] == h + "-debunk" and r["gold_kind"] == "debunk")
        assert 1 <= n_debunk <= 3, h
    unrelated = [r for r in records if r["narrative_gold"].startswith(("single-", "thread-"))
                 and r["gold_kind"] in ("chatter", "news")]
    assert len(unrelated) >= 80
    singles = [k for k in gold if k.startswith("single-")]
    assert all(gold[k] == 1 for k in singles)
    short = [r for r in records if r["gold_kind"] == "short"]
    assert len(short) >= 10 and all(len(r["text"]) <= 12 for r in short)
    assert len({r["text"] for r in short}) < len(short)  # identical short texts, still apart
    empty = [r for r in records if r["text"] == ""]
    assert any(r["reshare_of"] for r in empty)
    assert any(r["urls"] and not r["reshare_of"] for r in empty)
    assert kinds["reply"] >= 50 and kinds["link"] >= 20
    assert len({r["platform"] for r in records}) >= 7
    days = {r["created_at"][:10] for r in records}
    assert len(days) == 3


def test_same_topic_hoax_pairs_and_debunks_are_separate(records):
    sys.path.insert(0, str(EVAL))
    try:
        import narratives_generate as gen
    finally:
        sys.path.remove(str(EVAL))
    subjects = Counter(h["subject"] for h in gen.HOAXES)
    assert sum(n // 2 for n in subjects.values()) >= 6
    gold = {r["narrative_gold"] for r in records}
    for h in gen.HOAXES:
        assert h["key"] in gold and h["key"] + "-debunk" in gold
    # debunks never link structurally to the hoax they debunk
    by_uid = {r["uid"]: r for r in records}
    for r in records:
        if r["narrative_gold"].endswith("-debunk"):
            for f in ("reshare_of", "reply_to", "quote_of"):
                if r[f]:
                    assert by_uid[r[f]]["narrative_gold"] == r["narrative_gold"]


def test_url_forms_vary_within_a_narrative(records):
    forms = {}
    for r in records:
        for u in r["urls"]:
            if "bansos-kemensos2026" in u:
                forms.setdefault(r["narrative_gold"], set()).add(u)
    assert set(forms) == {"bansos-link-daftar"}
    assert len(forms["bansos-link-daftar"]) >= 3


def test_gold_from_posts(records):
    gold = gold_from_posts(records)
    assert len(gold) == len(records)
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)


def test_generator_reproduces_the_checked_in_file(tmp_path):
    out = tmp_path / "narratives.jsonl"
    subprocess.run([sys.executable, str(EVAL / "narratives_generate.py"), str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == NARRATIVES.read_bytes()
