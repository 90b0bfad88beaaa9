"""Trending-term detection (enrichers/trends.py, enrichers/trends_eval.py): rules as state machines.

Posts are fed through ``aggregate`` -> ``TrendEngine.observe`` -> ``advance`` exactly as the
stream does; times are event times (no clock, no speed is asserted)."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import orjson
import pytest

from enrichers.trends import (Alert, RuleError, TermAggregate, TrendEngine, aggregate, decayed, iso, load_rules,
                              replay, rules_from_dict, window_starts)
from enrichers.trends import DEFAULT_RULES
from enrichers.trends_eval import evaluate, format_report, generate, run

T0 = datetime(2026, 11, 20, tzinfo=timezone.utc).timestamp()
W, H, L = 600, 300, 300
_seq = [0]


def post(t: float, *, keywords=(), hashtags=(), entities=(), narrative=None, claim=None, fact_check=None,
         lang="id", platform="x", author="a1") -> dict:
    _seq[0] += 1
    uid = f"{platform}:{_seq[0]}"
    p = {"uid": uid, "platform": platform, "author": {"id": author, "handle": author, "followers": 1},
         "text": " ".join([*keywords, *hashtags]), "created_at": iso(t), "language": {"code": lang},
         "hashtags": list(hashtags), "entities": [{"canonical": e, "label": "LOC"} for e in entities],
         "keywords": list(keywords), "narrative_id": narrative or uid}
    if claim:
        p["claim"] = claim
    if fact_check:
        p["fact_check"] = fact_check
    return p


def spread(n: int, start: float, seconds: float = H, **kw) -> list[dict]:
    """``n`` posts evenly inside [start, start + seconds)."""
    return [post(start + (i + 0.5) * seconds / n, **kw) for i in range(n)]


def background(slot: int, frequent: int = 150, rare: int = 1) -> list[dict]:
    """One 5-minute slot: a frequent keyword steady at ``frequent`` posts, a rare one at ``rare``."""
    t = T0 + slot * H
    return spread(frequent, t, keywords=["jakarta"]) + spread(rare, t, keywords=["langka"])


def feed(engine: TrendEngine, posts: list[dict], watermark: float | None = None) -> list[Alert]:
    alerts = engine.observe(aggregate(posts, W, H))
    wm = watermark if watermark is not None else max(datetime.fromisoformat(p["created_at"]).timestamp()
                                                      for p in posts)
    return alerts + engine.advance(wm)


def rules(*items: dict):
    return rules_from_dict({"rules": list(items)})


BURST = {"name": "burst", "type": "burst", "warmup_windows": 6, "min_count": 10, "z_threshold": 4.5,
         "min_factor": 3, "cooldown_minutes": 60, "repeat_factor": 2}


def named(alerts, term):
    return [a for a in alerts if a.term["value"] == term]


# ------------------------------------------------------------------------------------------ burst

def test_rare_term_jumping_alerts_and_a_steady_frequent_term_does_not():
    engine = TrendEngine(rules(BURST), {}, lateness_seconds=L)
    alerts = []
    for slot in range(40):
        alerts += feed(engine, background(slot, frequent=150 + (slot % 3) * 10, rare=1 if slot % 2 else 2))
    assert alerts == []
    burst = spread(40, T0 + 40 * H, keywords=["langka"])
    alerts = feed(engine, background(40) + burst)
    assert [a.term for a in alerts] == [{"kind": "keyword", "value": "langka"}]
    alert = alerts[0]
    assert alert.type == "burst" and alert.count >= 40 and alert.baseline < 5 and alert.factor > 8
    assert alert.zscore > 4.5 and alert.message.startswith("burst: langka ")
    assert alert.id == f"burst|keyword|langka|{alert.window['start']}"
    for slot in range(41, 60):
        assert named(feed(engine, background(slot, frequent=170)), "jakarta") == []


def test_frequent_term_on_a_daily_rise_does_not_alert():
    """Everything doubles (more people online): the activity scaling keeps the baseline in step."""
    engine = TrendEngine(rules(BURST), {}, lateness_seconds=L)
    alerts = []
    for slot in range(60):
        factor = 1.0 if slot < 30 else 1.0 + (slot - 30) / 10  # a ramp to x4 over 2.5 hours
        t = T0 + slot * H
        alerts += feed(engine, spread(int(60 * factor), t, keywords=["jakarta"])
                       + spread(int(30 * factor), t, keywords=["pemerintah"])
                       + spread(int(20 * factor), t, hashtags=["indonesia"]))
    assert alerts == []


# --------------------------------------------------------------------------------------- new_term

def test_new_term_alerts_only_after_warmup_and_only_for_unseen_terms():
    rule = {"name": "new", "type": "new_term", "threshold": 15, "min_count": 15, "warmup_windows": 6,
            "kinds": ["hashtag", "keyword"]}
    engine = TrendEngine(rules(rule), {}, lateness_seconds=L)
    # During the warm-up a term at 20 per slot is "new" but must not alert.
    alerts = feed(engine, background(0) + spread(20, T0, hashtags=["lama"]))
    for slot in range(1, 10):
        alerts += feed(engine, background(slot) + spread(20, T0 + slot * H, hashtags=["lama"]))
    assert alerts == []
    alerts = feed(engine, background(10) + spread(20, T0 + 10 * H, hashtags=["lama", "barubanget"]))
    assert [(a.rule, a.term["value"]) for a in alerts] == [("new", "barubanget")]
    assert alerts[0].message == "new_term: #barubanget 20 posts in 10 min, not seen before"


# -------------------------------------------------------------------------------------- watchlist

def test_watchlist_matches_case_insensitively_and_honours_pinned_kinds():
    rule = {"name": "watch", "type": "watchlist", "threshold": 8,
            "terms": ["vaksin", "#TolakHoaks", {"term": "gempa", "threshold": 5}]}
    engine = TrendEngine(rules(rule), {}, lateness_seconds=L)
    for slot in range(4):
        assert feed(engine, background(slot) + spread(1, T0 + slot * H, keywords=["vaksin"])) == []
    t = T0 + 4 * H
    alerts = feed(engine, background(4) + spread(9, t, entities=["Vaksin"]) + spread(9, t, hashtags=["tolakhoaks"])
                  + spread(9, t, keywords=["tolakhoaks"]) + spread(5, t, keywords=["gempa"])
                  + spread(7, t, keywords=["bansos"]))
    got = sorted((a.term["kind"], a.term["value"]) for a in alerts)
    assert got == [("entity", "Vaksin"), ("hashtag", "tolakhoaks"), ("keyword", "gempa")]
    assert all(a.severity == "medium" and a.type == "watchlist" for a in alerts)


def test_watchlist_term_always_above_threshold_does_not_alert_every_cooldown():
    rule = {"name": "watch", "type": "watchlist", "threshold": 8, "terms": ["kpu"], "cooldown_minutes": 30}
    engine = TrendEngine(rules(rule), {}, lateness_seconds=L)
    alerts = []
    for slot in range(60):
        alerts += feed(engine, background(slot) + spread(12, T0 + slot * H, keywords=["kpu"]))
    assert alerts  # the first crossings, while the baseline learns that kpu is usually above 8 ...
    assert all(datetime.fromisoformat(a.window["start"]).timestamp() < T0 + 24 * H for a in alerts)  # ... then none


# ------------------------------------------------------------------------------ hoax_resurfacing

HOAX = {"name": "hoax", "type": "hoax_resurfacing", "threshold": 8, "quiet_below": 1.0, "severity": "critical"}
CLAIM = {"id": "claim-001", "verdict": "HOAKS", "url": "https://cekfakta.example/1", "score": 0.9}


def test_hoax_resurfacing_after_quiet_period():
    engine = TrendEngine(rules(HOAX), {}, lateness_seconds=L)
    alerts = feed(engine, background(0) + spread(4, T0, narrative="fb:hoax", claim=CLAIM)
                  + spread(4, T0, narrative="fb:plain") + spread(9, T0 + 60, narrative="fb:debunks",
                                                              claim=CLAIM, fact_check={"verdict": "HOAKS"}))
    for slot in range(1, 150):  # 12.5 quiet hours
        alerts += feed(engine, background(slot))
    assert alerts == []
    t = T0 + 150 * H
    alerts = feed(engine, background(150) + spread(10, t, narrative="fb:hoax")  # the copies lack the claim
                  + spread(10, t, narrative="fb:plain")
                  + spread(10, t, narrative="fb:debunks", claim=CLAIM, fact_check={"verdict": "HOAKS"}))
    assert [a.term for a in alerts] == [{"kind": "narrative", "value": "fb:hoax"}]
    assert alerts[0].claim["id"] == "claim-001" and alerts[0].severity == "critical"
    assert "fb:hoax" in alerts[0].message and "claim-001" in alerts[0].message


def test_new_narrative_of_a_known_hoax_alerts_only_when_asked():
    quiet = TrendEngine(rules(HOAX), {}, lateness_seconds=L)
    eager = TrendEngine(rules({**HOAX, "new_narratives": True}), {}, lateness_seconds=L)
    posts = background(0) + spread(12, T0, narrative="fb:fresh", claim=CLAIM)
    assert feed(quiet, posts) == []
    assert [a.term["value"] for a in feed(eager, posts)] == ["fb:fresh"]


# ------------------------------------------------------------------------- cooldown and repeats

def test_cooldown_suppresses_a_repeat_and_repeat_factor_lets_a_bigger_one_through():
    engine = TrendEngine(rules(BURST), {}, lateness_seconds=L)
    for slot in range(20):
        feed(engine, background(slot))
    first = feed(engine, background(20) + spread(30, T0 + 20 * H, keywords=["langka"]))
    assert len(named(first, "langka")) == 1  # also in window 20's overlap: deduplicated by the cooldown
    for slot in range(21, 24):
        feed(engine, background(slot))
    again = feed(engine, background(24) + spread(45, T0 + 24 * H, keywords=["langka"]))
    assert named(again, "langka") == []  # 20 minutes later, 45 < 2 x 30
    for slot in range(25, 28):
        feed(engine, background(slot))
    bigger = feed(engine, background(28) + spread(600, T0 + 28 * H, keywords=["langka"]))
    assert [a.count >= 600 for a in named(bigger, "langka")] == [True]
    for slot in range(29, 50):
        feed(engine, background(slot))
    later = feed(engine, background(50) + spread(1500, T0 + 50 * H, keywords=["langka"]))
    assert len(named(later, "langka")) == 1  # after the cooldown (and > 2x): alerts again


def test_burst_delivered_out_of_order_within_lateness_alerts_once():
    state: dict = {}
    # A large repeat_factor: the partial counts of the first batch must not let the full count repeat.
    engine = TrendEngine(rules({**BURST, "repeat_factor": 10}), state, lateness_seconds=L)
    for slot in range(20):
        feed(engine, background(slot))
    burst = spread(60, T0 + 20 * H, keywords=["langka"])
    random.Random(3).shuffle(burst)
    rest = background(20)
    batches = [burst[i::4] + rest[i::4] for i in range(4)]
    alerts = []
    for batch in batches:  # shuffled, each batch reaching back to the start of the slot (< lateness)
        alerts += feed(engine, batch)
    for slot in range(21, 30):
        alerts += feed(engine, background(slot))
    assert len(named(alerts, "langka")) == 1
    assert engine.late == 0
    # The same posts again after their windows closed: late, ignored.
    assert engine.observe(aggregate(burst, W, H)) == []
    assert engine.late == 4 * len(burst)  # counted per (term, window): keyword + own narrative, 2 windows


def test_restart_on_a_copy_of_the_state_neither_repeats_nor_misses():
    state: dict = {}
    first = TrendEngine(rules(BURST), state, lateness_seconds=L)
    for slot in range(20):
        feed(first, background(slot))
    burst = spread(60, T0 + 20 * H, seconds=2 * H, keywords=["langka"])
    alerts = feed(first, background(20) + burst[:30], watermark=T0 + 20 * H + 10)
    assert len(named(alerts, "langka")) == 1
    baselines = {k: v for k, v in state.items() if k.startswith("b|")}
    second = TrendEngine(rules(BURST), orjson.loads(orjson.dumps(dict(state))), lateness_seconds=L)
    assert {k: v for k, v in second.state.items() if k.startswith("b|")} == baselines
    again = feed(second, background(21) + burst[30:])
    for slot in range(22, 40):
        again += feed(second, background(slot))
    assert named(again, "langka") == []
    nxt = feed(second, background(40) + spread(50, T0 + 40 * H, keywords=["langka"]))
    assert len(named(nxt, "langka")) == 1


def test_same_rule_term_window_never_alerts_twice():
    engine = TrendEngine(rules({**BURST, "cooldown_minutes": 0}), {}, lateness_seconds=L)
    for slot in range(20):
        feed(engine, background(slot))
    t = T0 + 20 * H
    alerts = []
    for i in range(5):  # the window keeps growing, batch after batch
        alerts += engine.observe(aggregate(spread(30 * 2 ** i, t + i, seconds=10, keywords=["langka"]), W, H))
    ids = [a.id for a in named(alerts, "langka")]
    assert len(ids) == len(set(ids)) == 2  # once per window (two hopping windows hold t)


# ------------------------------------------------------------------------------------ rule files

def test_yaml_validation_errors_name_the_rule_and_the_key(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {name: a, type: burst}\n  - {name: b, type: new_term}\n"
                    "  - name: vaksin-watch\n    type: watchlist\n    terms: [vaksin]\n    threshold: 0\n")
    with pytest.raises(RuleError, match=r"rules\[2\] 'vaksin-watch': threshold: Input should be greater than 0"):
        load_rules(path)
    cases = [
        ({"name": "x", "type": "spike"}, r"rules\[0\] 'x': type: unknown rule type 'spike'"),
        ({"name": "x", "type": "watchlist"}, r"rules\[0\] 'x': terms: Field required"),
        ({"name": "x", "type": "burst", "severity": "urgent"}, r"rules\[0\] 'x': severity: Input should be"),
        ({"name": "x", "type": "burst", "kinds": ["word"]}, r"rules\[0\] 'x': kinds.0: Input should be"),
        ({"name": "x", "type": "burst", "zthreshold": 3}, r"rules\[0\] 'x': zthreshold: Extra inputs"),
        ({"name": "x", "type": "burst", "alpha": 1.5}, r"rules\[0\] 'x': alpha: Input should be less than 1"),
        ({"type": "burst"}, r"rules\[0\]: name: Field required"),
    ]
    for item, pattern in cases:
        with pytest.raises(RuleError, match=pattern):
            rules_from_dict([item])
    with pytest.raises(RuleError, match=r"rules\[1\] 'a': name: duplicate"):
        rules_from_dict([{"name": "a", "type": "burst"}, {"name": "a", "type": "new_term"}])


def test_example_rules_load_with_one_rule_of_each_type():
    loaded = load_rules(DEFAULT_RULES)
    assert sorted(r.type for r in loaded) == ["burst", "hoax_resurfacing", "new_term", "watchlist"]
    watch = next(r for r in loaded if r.type == "watchlist")
    for term in ("vaksin", "bansos", "kpu", "gempa", "tsunami"):
        assert watch.threshold_for("keyword", term) is not None
    assert watch.threshold_for("hashtag", "tolakhoaks") and watch.threshold_for("keyword", "tolakhoaks") is None


# ------------------------------------------------------------------------------------ aggregates

def test_aggregate_hopping_windows_and_counts():
    t = T0 + 7 * 60  # 00:07: windows starting 00:00 and 00:05
    assert window_starts(t, W, H) == [T0, T0 + H]
    posts = [post(t + i, keywords=["banjir"], hashtags=["BanjirKalsel"], entities=["Kalimantan Selatan"],
                  lang="id" if i < 4 else "bjn", platform="x" if i % 2 else "facebook", author=f"u{i % 3}",
                  narrative="fb:1" if i < 5 else None, claim=CLAIM if i == 0 else None) for i in range(7)]
    aggs = aggregate(posts, W, H)
    assert {(a.kind, a.term, a.start) for a in aggs} == {
        (k, term, s) for k, term in [("keyword", "banjir"), ("hashtag", "banjirkalsel"),
                                     ("entity", "Kalimantan Selatan"), ("narrative", "fb:1")]
        for s in (T0, T0 + H)} | {("narrative", p["uid"], s) for p in posts[5:] for s in (T0, T0 + H)}
    kw = next(a for a in aggs if a.term == "banjir" and a.start == T0)
    assert kw.key == "keyword|banjir" and kw.count == 7 and kw.end == T0 + W
    assert kw.languages == {"id": 4, "bjn": 3} and kw.platforms == {"facebook": 4, "x": 3}
    assert kw.filtered_count(frozenset({"bjn"}), frozenset({"x"})) == 1
    assert kw.filtered_count(frozenset({"bjn", "id"}), None) == 7
    assert kw.authors == {"u0": 3, "u1": 2, "u2": 2} and kw.narratives["fb:1"] == 5
    assert kw.claims == 1 and kw.claim == {"id": "claim-001", "verdict": "HOAKS", "url": CLAIM["url"]}
    assert len(kw.samples) == 5 and kw.samples[0]["uid"] == posts[0]["uid"]
    assert set(kw.samples[0]) == {"uid", "text", "author", "platform", "created_at", "narrative_id"}
    assert kw.latest == t + 6
    # Merging two halves equals aggregating the whole, whatever the order.
    a, b = aggregate(posts[:3], W, H), aggregate(posts[3:], W, H)
    whole = {(x.kind, x.term, x.start): x.to_dict() for x in aggs}
    half_a = {(x.kind, x.term, x.start): x for x in a}
    for x in b:
        k = (x.kind, x.term, x.start)
        merged = x.merge(half_a[k]) if k in half_a else x
        assert merged.to_dict() == whole[k]


def test_window_must_be_a_multiple_of_hop():
    with pytest.raises(ValueError, match="multiple"):
        aggregate([], 600, 250)


def test_aggregates_and_alerts_survive_a_json_round_trip():
    posts = spread(12, T0, keywords=["banjir"], claim=CLAIM, narrative="fb:2")
    for agg in aggregate(posts, W, H):
        again = TermAggregate.from_dict(orjson.loads(orjson.dumps(agg.to_dict())))
        assert again == agg
    engine = TrendEngine(rules({**HOAX, "new_narratives": True}), {}, lateness_seconds=L)
    alerts = feed(engine, posts)
    assert alerts
    for alert in alerts:
        data = orjson.loads(orjson.dumps(alert.to_dict()))
        assert Alert.from_dict(data) == alert
        assert set(data) >= {"id", "rule", "type", "severity", "term", "window", "count", "baseline", "factor",
                             "zscore", "filters", "samples", "top_authors", "platforms", "narratives", "claim",
                             "event_time", "message"}


def test_language_and_platform_filters_count_only_those_posts():
    rule = {**BURST, "name": "jv-x", "languages": ["jv"], "platforms": ["x"]}
    engine = TrendEngine(rules(rule), {}, lateness_seconds=L)
    for slot in range(20):
        feed(engine, background(slot))
    t = T0 + 20 * H
    alerts = feed(engine, background(20) + spread(40, t, keywords=["mudik"], lang="id")
                  + spread(40, t, keywords=["bledug"], lang="jv", platform="facebook")
                  + spread(15, t, keywords=["sego"], lang="jv", platform="x"))
    assert [(a.term["value"], a.count) for a in alerts] == [("sego", 15)]
    assert alerts[0].filters == {"languages": ["jv"], "platforms": ["x"]}


# ------------------------------------------------------------------------------ state and maths

def test_decay_over_skipped_windows_equals_repeated_zero_updates():
    alpha, m, v = 0.1, 7.0, 3.0
    mm, vv = m, v
    for _ in range(25):
        d = 0 - mm
        mm, vv = mm + alpha * d, (1 - alpha) * (vv + alpha * d * d)
    got = decayed({"m": m, "v": v, "s": 0}, 25 * H, H, alpha)
    assert got == pytest.approx((mm, vv))


def test_state_stays_bounded_after_gc():
    state: dict = {}
    engine = TrendEngine(rules(BURST, {"name": "new", "type": "new_term", "warmup_windows": 0}), state,
                         lateness_seconds=L, forget_after_seconds=6 * 3600)
    sizes = []
    for slot in range(0, 12 * 24 * 2):  # two days, 300 new terms every hour
        t = T0 + slot * H
        posts = background(slot) + [post(t + i, keywords=[f"sekali{slot}x{i}"]) for i in range(25)]
        feed(engine, posts)
        if slot % 48 == 47:
            sizes.append(len(state))
    assert all(not k.startswith("w|") or int(k.split("|")[1]) >= T0 + 500 * H for k in state)
    # Terms seen once are forgotten after 6 hours: the state stops growing.
    assert max(sizes[4:]) < 1.1 * min(sizes[4:])
    assert max(sizes) < 2 * 6 * 12 * 25 + 100
    engine.garbage_collect(T0 + 100 * 86400)
    assert not [k for k in state if k.startswith(("b|", "c|"))]


# ------------------------------------------------------------------------------------ offline/eval

def test_replay_closes_every_window():
    state: dict = {}
    posts = [p for slot in range(30) for p in background(slot)]
    replay(posts, rules(BURST), window_seconds=W, hop_seconds=H, lateness_seconds=L, state=state)
    assert not [k for k in state if k.startswith(("w|", "t|"))]


def test_evaluate_counts_matches_repeats_and_false_alerts():
    truth = [{"term": "langka", "kind": "keyword", "start": iso(T0 + 3600), "expected": "burst", "peak": 20,
              "shape": "sudden", "posts": 20}]

    def alert(term, start, event):
        return {"rule": "burst", "term": {"kind": "keyword", "value": term}, "window": {"start": iso(start)},
                "event_time": iso(event), "message": term}
    alerts = [alert("langka", T0 + 3600, T0 + 3600 + 300), alert("langka", T0 + 3900, T0 + 4500),
              alert("lain", T0 + 3600, T0 + 3700), alert("langka", T0 + 3600 + 6 * W, T0 + 7600)]
    report = evaluate(alerts, truth, W)
    assert report["recall"] == 1.0 and report["precision"] == 0.5
    assert report["delay_median"] == 0.5
    assert "recall 1.00" in format_report(report)


def test_generator_is_deterministic():
    a, ta = generate(5, 2)
    b, tb = generate(5, 2)
    assert a == b and ta == tb and len(ta) == 7
    assert {t["expected"] for t in ta} == {"burst", "new_term", "watchlist", "hoax_resurfacing"}


def test_eval_on_a_held_out_seed_meets_the_floor():
    """Held-out seed 12 over 4 days (21 bursts) measured recall 1.00, precision 1.00, median delay
    0.53 windows when the floors were set; seeds 0-4 were used for tuning."""
    report = run(12, 4, load_rules(DEFAULT_RULES))
    assert report["recall"] >= 0.95
    assert report["precision"] >= 0.95
    assert report["delay_median"] <= 1.0
