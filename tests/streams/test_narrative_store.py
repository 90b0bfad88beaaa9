"""The narrative store's post updates reach each post in its monthly index, never a copy elsewhere."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from dashboards.elasticsearch import ensure_indices
from pantau.clients import async_elasticsearch_client
from streams import narrative_store

CREATED = {"x:1": "2025-10-20T08:00:00Z", "x:2": "2025-11-05T08:00:00Z", "x:3": "2025-12-24T08:00:00Z"}


def post(uid: str, narrative_id: str) -> dict:
    return {"uid": uid, "platform": "x", "author": {"id": f"u{uid}", "handle": f"h{uid}"},
            "text": "Sebarkan! vaksin itu mengandung chip", "created_at": CREATED[uid], "narrative_id": narrative_id}


def where(es, settings) -> dict[str, tuple[str, str]]:
    """{uid: (index, narrative_id)} of every post, through the alias."""
    es.indices.refresh(index=settings.index("posts"))
    hits = es.search(index=settings.index("posts"), size=100)["hits"]["hits"]
    return {hit["_id"]: (hit["_index"], hit["_source"]["narrative_id"]) for hit in hits}


def run(settings, step):
    async def go():
        es = async_elasticsearch_client(settings)
        try:
            return await step(es)
        finally:
            await es.close()
    return asyncio.run(go())


def test_refresh_and_sweep_relabel_posts_in_their_own_months(settings, es):
    ensure_indices(es, settings)
    for uid, label in (("x:1", "a"), ("x:2", "b"), ("x:3", "b")):
        es.index(index=settings.posts_index_for(CREATED[uid]), id=uid, document=post(uid, label))
    es.indices.refresh(index=settings.index("posts"))

    written = run(settings, lambda es: narrative_store.refresh(es, settings, {"a": {"b"}}))
    assert written == 1
    months = {uid: settings.posts_index_for(created) for uid, created in CREATED.items()}
    assert where(es, settings) == {uid: (months[uid], "a") for uid in CREATED}

    # A straggler still labelled with an id merged away: the sweep relabels it where it is.
    es.index(index=settings.index("narratives"), id="c",
             document={"id": "c", "merged_into": "a", "updated_at": datetime.now(timezone.utc).isoformat()},
             refresh=True)
    es.index(index=months["x:1"], id="x:1", document=post("x:1", "c"), refresh=True)
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    assert run(settings, lambda es: narrative_store.sweep_merged(es, settings, since)) == 1
    assert where(es, settings) == {uid: (months[uid], "a") for uid in CREATED}


def test_the_sweep_rebuilds_summaries_that_missed_posts(settings, es):
    """As if the change messages of narratives a and b had been lost with a crashed worker."""
    ensure_indices(es, settings)
    hour_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    labels = {"x:1": "a", "x:2": "a", "x:3": "b", "x:4": "b", "x:5": "c", "x:6": "d", "x:7": "d"}
    for n, (uid, label) in enumerate(labels.items()):
        created = f"2025-11-0{n + 1}T08:00:00Z"
        es.index(index=settings.posts_index_for(created), id=uid,
                 document={**post("x:2", label), "uid": uid, "created_at": created, "enriched_at": hour_ago})
    narratives = settings.index("narratives")
    es.index(index=narratives, id="b", document={"id": "b", "post_count": 1, "updated_at": hour_ago})
    es.index(index=narratives, id="d", document={"id": "d", "post_count": 2, "updated_at": hour_ago}, refresh=True)
    es.indices.refresh(index=settings.index("posts"))  # in a worker these posts are minutes old
    since, until = datetime.now(timezone.utc) - timedelta(hours=2), datetime.now(timezone.utc)

    stale = run(settings, lambda es: narrative_store.stale_summaries(es, settings, since, until))
    assert stale == {"a": set(), "b": set()}  # c has one post (no summary due); d counts right
    assert run(settings, lambda es: narrative_store.reconcile(es, settings, since)) == 2
    es.indices.refresh(index=narratives)
    assert {i: es.get(index=narratives, id=i)["_source"]["post_count"] for i in "abd"} == {"a": 2, "b": 2, "d": 2}
    assert run(settings, lambda es: narrative_store.stale_summaries(es, settings, since, until)) == {}
