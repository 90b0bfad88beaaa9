"""Keeps the narratives index current: rebuilds a narrative's spread summary from its posts.

For each narrative id that changed, :func:`refresh` reads the narrative's posts back from the
posts index (its own id and every id merged into it), builds the summary with
:func:`enrichers.spread.summarise`, and writes it with ``_id`` = narrative id: a full
replacement, so a repeated refresh (after a restart, say) changes nothing. On the way it makes
the posts index follow the narrative:

* posts still labelled with an id that was merged away get the surviving id;
* posts of a narrative matched to a known claim get that claim (``via: narrative``);
* each merged-away id keeps a stub document ``{id, merged_into}``, so that a late post still
  carrying the old id leads to the survivor.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from elasticsearch import AsyncElasticsearch, NotFoundError

from enrichers import claims as claim_catalogue
from enrichers.spread import summarise
from pantau.config import Settings
from streams.indexer import BulkPolicy, index_batch

log = logging.getLogger(__name__)

#: What a summary reads of each post.
POST_FIELDS = ["uid", "platform", "author", "text", "created_at", "reshare_of", "quote_of", "reply_to",
               "hashtags", "entities", "language.code", "engagement", "narrative_id", "fact_check", "claim"]

PAGE = 5000


async def _narrative(es: AsyncElasticsearch, index: str, narrative_id: str) -> dict | None:
    try:
        return (await es.get(index=index, id=narrative_id))["_source"]
    except NotFoundError:
        return None


async def _survivor(es: AsyncElasticsearch, index: str, narrative_id: str) -> tuple[str, dict | None]:
    """Follow merged_into stubs to the narrative that survives (at most 50 steps)."""
    doc = await _narrative(es, index, narrative_id)
    for _ in range(50):
        if not doc or not doc.get("merged_into"):
            break
        narrative_id = doc["merged_into"]
        doc = await _narrative(es, index, narrative_id)
    return narrative_id, doc


async def narrative_posts(es: AsyncElasticsearch, index: str, ids: list[str], limit: int) -> tuple[list[dict], int]:
    """(the earliest ``limit`` posts labelled with any of ``ids``, how many there are in all)."""
    query = {"terms": {"narrative_id": ids}}
    total = (await es.count(index=index, query=query))["count"]
    posts: list[dict] = []
    after = None
    while len(posts) < min(total, limit):
        page = await es.search(index=index, query=query, size=min(PAGE, limit - len(posts)), source=POST_FIELDS,
                               sort=[{"created_at": "asc"}, {"uid": "asc"}], search_after=after)
        hits = page["hits"]["hits"]
        if not hits:
            break
        posts.extend(hit["_source"] for hit in hits)
        after = hits[-1]["sort"]
    return posts, total


async def refresh(es: AsyncElasticsearch, settings: Settings, changes: dict[str, set[str]],
                  matcher: "claim_catalogue.ClaimMatcher | None" = None, now: datetime | None = None) -> int:
    """Rebuild the summary of each changed narrative ({id: ids it merged}); returns how many were written."""
    posts_index, narratives_index = settings.index("posts"), settings.index("narratives")
    now = now or datetime.now(timezone.utc)
    await es.indices.refresh(index=posts_index)
    survivors: dict[str, set[str]] = {}
    for narrative_id, merged in changes.items():
        survivor, _ = await _survivor(es, narratives_index, narrative_id)
        aliases = survivors.setdefault(survivor, set())
        aliases.update(merged)
        if narrative_id != survivor:
            aliases.add(narrative_id)
    written = 0
    for survivor, new_aliases in sorted(survivors.items()):
        written += await _refresh_one(es, settings, survivor, new_aliases, matcher, now)
    return written


async def _refresh_one(es: AsyncElasticsearch, settings: Settings, narrative_id: str, new_aliases: set[str],
                       matcher, now: datetime) -> int:
    posts_index, narratives_index = settings.index("posts"), settings.index("narratives")
    existing = await _narrative(es, narratives_index, narrative_id) or {}
    aliases = sorted((set(existing.get("aliases") or []) | new_aliases) - {narrative_id})
    stubs = {alias: {"id": alias, "merged_into": narrative_id, "updated_at": now.isoformat()}
             for alias in new_aliases - set(existing.get("aliases") or [])}
    posts, total = await narrative_posts(es, posts_index, [narrative_id, *aliases], settings.narrative_max_posts)
    if total < settings.narrative_min_posts and not stubs:
        return 0
    summary = summarise(narrative_id, posts, now, aliases=aliases, sampled=total > len(posts), total_posts=total)
    if summary.get("claim") is None and matcher is not None and summary.get("representative"):
        match = matcher.match(summary["representative"]["text"])
        if match is not None:
            summary["claim"] = {**match.to_dict(), "via": "representative"}
            summary["verdict"] = match.claim.verdict
    updates = {}
    for post in posts:
        change = {}
        if post.get("narrative_id") != narrative_id:
            change["narrative_id"] = narrative_id
        if summary.get("claim") and not post.get("claim") and not post.get("fact_check"):
            change["claim"] = {**summary["claim"], "via": "narrative"}
        if change:
            updates[post["uid"]] = change
    policy = BulkPolicy.from_settings(settings)
    failures = await index_batch(es, posts_index, updates, policy, merge=True)
    failures += await index_batch(es, narratives_index, {**stubs, narrative_id: summary}, policy)
    for uid, reason in failures:
        log.warning("narrative %s: could not update %s: %s", narrative_id, uid, reason)
    return 1
