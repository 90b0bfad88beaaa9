"""Which narratives a refresh round rebuilds under load (streams.narrative_store.this_round)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from streams.narrative_store import POSTS_PER_INTERVAL, ROUND_POSTS, this_round

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def doc(posts: int, seconds_ago: float, aliases=()) -> dict:
    return {"post_count": posts, "updated_at": (NOW - timedelta(seconds=seconds_ago)).isoformat(),
            "aliases": list(aliases)}


def test_new_and_merging_narratives_go_first_then_the_stalest_due_ones_within_the_budget():
    known = {
        "fresh-small": doc(10, 5),                       # rebuilt 5 s ago: not due (interval 15 s)
        "stale-small": doc(10, 60),
        "stale-big": doc(ROUND_POSTS - 50, 300),         # due; fits the budget alone
        "stalest-big": doc(ROUND_POSTS - 50, 400),
        "huge-recent": doc(5 * POSTS_PER_INTERVAL, 60),  # due every 5 intervals: not yet
        "merging": doc(10, 1),                           # rebuilt a second ago, but has a new merge
    }
    survivors = {name: set() for name in known} | {"new": set()}
    survivors["merging"] = {"merged-away"}
    later: dict[str, set[str]] = {}
    chosen = this_round(survivors, known, NOW, 15.0, later)
    assert set(chosen) == {"new", "merging", "stalest-big", "stale-small"}
    assert set(later) == {"fresh-small", "stale-big", "huge-recent"}
    assert chosen["merging"] == {"merged-away"}


def test_one_narrative_bigger_than_the_budget_still_gets_its_round():
    later: dict[str, set[str]] = {}
    chosen = this_round({"giant": set()}, {"giant": doc(10 * ROUND_POSTS, 10 * 15 * 10 * ROUND_POSTS)}, NOW, 15.0,
                        later)
    assert list(chosen) == ["giant"] and not later
