"""Keeps the narratives index current, and the posts index in step with narrative merges.

For each narrative id that changed, :func:`refresh` reads the narrative's posts back from the
posts index (its own id and every id merged into it), builds the summary with
:func:`enrichers.spread.summarise`, and writes it with ``_id`` = narrative id: a full
replacement, so a repeated refresh (after a restart, say) changes nothing. On the way it makes
the posts index follow the narrative:

* each merged-away id gets a stub document ``{id, merged_into}`` (written first);
* posts still labelled with a merged-away id get the surviving id;
* posts of a narrative matched to a known claim get that claim (``via: narrative``).

Posts are read through the posts alias and updated by id in the monthly index of their
``created_at`` (an update through an alias over several indices is refused).

The indexer calls :func:`follow_merges` before it writes a batch: it writes the stubs of the
merges the batch's posts record (so a merge is as durable as the post that made it), and a post
assigned before a merge but indexed after its stub exists is relabelled there; one indexed
before the stub is found by the refresh, or by the leader's :func:`sweep_merged`. A summary is
written only over the version read at the start, so a stub
another worker wrote meanwhile is never overwritten by a stale summary.

Under load a round takes narratives with a new merge, then those due (see POSTS_PER_INTERVAL),
stalest first, up to ROUND_POSTS posts; the others are handed back (``deferred``) for a later round.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import orjson
from elasticsearch import AsyncElasticsearch

from enrichers import claims as claim_catalogue
from enrichers.spread import iso, parse_time, summarise
from pantau.config import Settings
from streams.indexer import BulkPolicy, index_batch

log = logging.getLogger(__name__)

#: What a summary reads of each post.
POST_FIELDS = ["uid", "platform", "author", "text", "created_at", "reshare_of", "quote_of", "reply_to",
               "hashtags", "entities", "language.code", "engagement", "narrative_id", "fact_check", "claim"]

PAGE = 5000
#: A refresh round rebuilds narratives up to about this many posts in all; the rest wait for later
#: rounds, stalest first. This bounds what one round asks of Elasticsearch however busy the stream.
ROUND_POSTS = 10_000
#: A narrative is rebuilt at most once per refresh interval per this many of its posts (a summary
#: of 5,000 posts waits 5 intervals), so that the largest narratives do not take every round.
POSTS_PER_INTERVAL = 1_000


async def _narratives(es: AsyncElasticsearch, index: str, ids: list[str],
                      versions: dict[str, tuple[int, int]] | None = None) -> dict[str, dict]:
    """The narratives documents that exist among ``ids``, in one request; ``versions`` gets their
    (seq_no, primary_term), for writes that must not overwrite a newer document."""
    if not ids:
        return {}
    found = await es.mget(index=index, ids=ids)
    docs = [doc for doc in found["docs"] if doc.get("found")]
    if versions is not None:
        versions.update((doc["_id"], (doc["_seq_no"], doc["_primary_term"])) for doc in docs)
    return {doc["_id"]: doc["_source"] for doc in docs}


async def _survivor(es: AsyncElasticsearch, index: str, narrative_id: str, known: dict[str, dict]) -> str:
    """Follow merged_into stubs to the narrative that survives (at most 50 steps)."""
    for _ in range(50):
        doc = known.get(narrative_id)
        if doc is None or not doc.get("merged_into"):
            return narrative_id
        narrative_id = doc["merged_into"]
        known.update(await _narratives(es, index, [narrative_id]))
    return narrative_id


async def survivors_of(es: AsyncElasticsearch, settings: Settings, ids: set[str]) -> dict[str, str]:
    """{id: the narrative it was merged into} for those of ``ids`` that were merged away.

    The indexer asks before it writes, so that a post assigned before a merge but indexed after
    the merge was recorded still lands in the surviving narrative.
    """
    index = settings.index("narratives")
    known = await _narratives(es, index, sorted(ids))
    return {i: await _survivor(es, index, i, known) for i in ids if known.get(i, {}).get("merged_into")}


def narrative_change(post: dict, min_posts: int) -> tuple[str, list[str]] | None:
    """(narrative id, ids it merged) whose summary an indexed post changes, or None.

    A post that founds a narrative changes nothing while narratives of one post get no
    summary: most posts stand alone, and they cost the spread agent nothing.
    """
    narrative_id = post.get("narrative_id")
    merged = [m for m in post.get("narrative_merged") or [] if isinstance(m, str)]
    if not isinstance(narrative_id, str) or (post.get("narrative_via") == "new" and not merged and min_posts > 1):
        return None
    return narrative_id, merged


async def follow_merges(es: AsyncElasticsearch, settings: Settings, docs: dict[str, bytes]
                        ) -> tuple[dict[str, bytes], dict[str, str], dict[str, set[str]]]:
    """Posts about to be indexed, relabelled where their narrative was merged away meanwhile; the
    monthly index of each ({uid: index}); and the narratives whose summaries they change ({id:
    ids merged into it}).

    The merges the posts record get their stubs here, before the posts are indexed and their
    offsets committed, so that a merge is never lost with a change message (the spread agent's
    refresh then relabels and counts, and the sweep catches what a lost message would have).
    """
    posts, indices = {}, {}
    for uid, value in docs.items():
        try:
            post = orjson.loads(value)
        except orjson.JSONDecodeError:
            post = None  # the index refuses it and the indexer dead-letters it with the reason
        indices[uid] = settings.posts_index_for(post.get("created_at") if isinstance(post, dict) else None)
        if isinstance(post, dict) and isinstance(post.get("narrative_id"), str):
            posts[uid] = post
    renames = await survivors_of(es, settings, {p["narrative_id"] for p in posts.values()}) if posts else {}
    docs = dict(docs)
    changes: dict[str, set[str]] = {}
    for uid, post in posts.items():
        if post["narrative_id"] in renames:
            post["narrative_id"] = renames[post["narrative_id"]]
            docs[uid] = orjson.dumps(post)
        change = narrative_change(post, settings.narrative_min_posts)
        if change:
            changes.setdefault(change[0], set()).update(change[1])
    now = iso(datetime.now(timezone.utc))
    stubs = {old: {"id": old, "merged_into": post["narrative_id"], "updated_at": now}
             for post in posts.values() for old in post.get("narrative_merged") or []
             if isinstance(old, str) and old != post["narrative_id"]}
    for uid, reason in await index_batch(es, settings.index("narratives"), stubs, BulkPolicy.from_settings(settings)):
        log.warning("narratives: could not record the merge of %s: %s", uid, reason)
    return docs, indices, changes


async def _post_counts(es: AsyncElasticsearch, index: str, ids: list[str]) -> dict[str, int]:
    """How many posts carry each of ``ids``, in one request."""
    found = await es.search(index=index, size=0, query={"terms": {"narrative_id": ids}},
                            aggs={"ids": {"terms": {"field": "narrative_id", "size": len(ids)}}})
    return {bucket["key"]: bucket["doc_count"] for bucket in found["aggregations"]["ids"]["buckets"]}


async def narrative_posts(es: AsyncElasticsearch, index: str, ids: list[str],
                          limit: int) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """The posts labelled with any of ``ids``, earliest first (at most ``limit`` in all), by label,
    and how many each label has in all; a handful of requests whatever the number of ids."""
    query = {"terms": {"narrative_id": ids}}
    by_label: dict[str, list[dict]] = {}
    after, read = None, 0
    while read < limit:
        page = await es.search(index=index, query=query, size=min(PAGE, limit - read), source=POST_FIELDS,
                               sort=[{"created_at": "asc"}, {"uid": "asc"}], search_after=after)
        hits = page["hits"]["hits"]
        for hit in hits:
            by_label.setdefault(hit["_source"].get("narrative_id"), []).append(hit["_source"])
        read += len(hits)
        if len(hits) < PAGE:
            return by_label, {label: len(posts) for label, posts in by_label.items()}
        after = hits[-1]["sort"]
    return by_label, await _post_counts(es, index, ids)  # more than ``limit``: count them exactly


def this_round(survivors: dict[str, set[str]], known: dict[str, dict], now: datetime, refresh_seconds: float,
               deferred: dict[str, set[str]]) -> dict[str, set[str]]:
    """The narratives ({id: new aliases}) to rebuild in this round; the others go to ``deferred``.

    First every narrative with a new merge (its stubs must be written now) and every one with no
    summary yet; then those due, stalest first, while their posts fit in ROUND_POSTS (at least one).
    """
    def due_at(narrative_id: str) -> float:
        doc = known.get(narrative_id) or {}
        updated = parse_time(doc.get("updated_at"))
        if updated is None:
            return float("-inf")
        return updated.timestamp() + refresh_seconds * max(1.0, (doc.get("post_count") or 0) / POSTS_PER_INTERVAL)

    chosen: dict[str, set[str]] = {}
    budget = ROUND_POSTS
    for narrative_id in sorted(survivors, key=lambda n: (due_at(n), n)):
        aliases, doc = survivors[narrative_id], known.get(narrative_id) or {}
        size = doc.get("post_count") or 0
        merging = bool(aliases - set(doc.get("aliases") or []) - {narrative_id})
        if merging or (due_at(narrative_id) <= now.timestamp() and (not chosen or size <= budget)):
            chosen[narrative_id] = aliases
            budget -= size
        else:
            deferred.setdefault(narrative_id, set()).update(aliases)
    return chosen


async def refresh(es: AsyncElasticsearch, settings: Settings, changes: dict[str, set[str]],
                  matcher: "claim_catalogue.ClaimMatcher | None" = None, now: datetime | None = None,
                  deferred: dict[str, set[str]] | None = None) -> int:
    """Rebuild the summary of each changed narrative ({id: ids it merged}); returns how many were written.

    The whole batch costs a handful of requests: one read of the narrative documents, one of
    the posts of every narrative concerned, and one bulk write each for stubs, posts and summaries.
    With ``deferred``, only this round's share is rebuilt (:func:`this_round`) and the rest is
    put there, for the caller to hand back later.
    """
    posts_index, narratives_index = settings.index("posts"), settings.index("narratives")
    now = now or datetime.now(timezone.utc)
    policy = BulkPolicy.from_settings(settings)
    known = await _narratives(es, narratives_index, sorted(changes))
    survivors: dict[str, set[str]] = {}
    for narrative_id, merged in changes.items():
        survivor = await _survivor(es, narratives_index, narrative_id, known)
        aliases = survivors.setdefault(survivor, set())
        aliases.update(merged)
        if narrative_id != survivor:
            aliases.add(narrative_id)
    versions: dict[str, tuple[int, int]] = {}
    known.update(await _narratives(es, narratives_index, list(survivors), versions))
    if deferred is not None:
        survivors = this_round(survivors, known, now, settings.narrative_refresh_seconds, deferred)
    plans, stubs = {}, {}
    for survivor, new_aliases in survivors.items():
        old_aliases = set(known.get(survivor, {}).get("aliases") or [])
        plans[survivor] = sorted((old_aliases | new_aliases) - {survivor})
        stubs.update({alias: {"id": alias, "merged_into": survivor, "updated_at": iso(now)}
                      for alias in new_aliases - old_aliases - {survivor}})
    # Stubs first: from here on the indexer relabels late posts itself; earlier ones are read below.
    failures = await index_batch(es, narratives_index, stubs, policy)
    await es.indices.refresh(index=[posts_index, narratives_index])
    labels = sorted({label for survivor, aliases in plans.items() for label in (survivor, *aliases)})
    by_label, counts = await narrative_posts(es, posts_index, labels, settings.narrative_max_posts)
    updates, summaries, months = {}, {}, {}
    for survivor, aliases in sorted(plans.items()):
        total = sum(counts.get(label, 0) for label in (survivor, *aliases))
        posts = sorted((p for label in (survivor, *aliases) for p in by_label.get(label, [])),
                       key=lambda p: (p.get("created_at") or "", p["uid"]))
        if total < settings.narrative_min_posts or not posts:
            continue
        summary = summarise(survivor, posts, now, aliases=aliases, sampled=total > len(posts), total_posts=total)
        if summary.get("claim") is None and matcher is not None and summary.get("representative"):
            match = matcher.match(summary["representative"]["text"])
            if match is not None:
                summary["claim"] = {**match.claim.to_dict(), "score": round(match.score, 3), "via": "representative"}
                summary["verdict"] = match.claim.verdict
        updates.update(_post_updates(survivor, posts, summary.get("claim")))
        summaries[survivor] = summary
        months.update((p["uid"], settings.posts_index_for(p.get("created_at"))) for p in posts)
    failures += await index_batch(es, {uid: months[uid] for uid in updates}, updates, policy, merge=True)
    for uid, reason in failures:
        log.warning("narratives: could not update %s: %s", uid, reason)
    return await _write_summaries(es, narratives_index, summaries, versions)


def _post_updates(narrative_id: str, posts: list[dict], claim: dict | None) -> dict[str, dict]:
    """The partial updates that make ``posts`` carry the surviving id and the narrative's claim."""
    updates = {}
    for post in posts:
        change = {}
        if post.get("narrative_id") != narrative_id:
            change["narrative_id"] = narrative_id
        if claim and not post.get("claim") and not post.get("fact_check"):
            change["claim"] = {**claim, "via": "narrative"}
        if change:
            updates[post["uid"]] = change
    return updates


async def _write_summaries(es: AsyncElasticsearch, index: str, summaries: dict[str, dict],
                           versions: dict[str, tuple[int, int]]) -> int:
    """Write each summary only over the version read at the start: meanwhile another worker may
    have merged the narrative away, and its stub must win (its survivor's refresh has the posts)."""
    if not summaries:
        return 0
    operations: list[dict] = []
    for narrative_id, summary in summaries.items():
        version = versions.get(narrative_id)
        action = ({"index": {"_id": narrative_id, "if_seq_no": version[0], "if_primary_term": version[1]}}
                  if version else {"create": {"_id": narrative_id}})
        operations += [action, summary]
    result = await es.bulk(index=index, operations=operations)
    written = 0
    for item in result["items"]:
        outcome = next(iter(item.values()))
        if outcome.get("status", 500) < 300:
            written += 1
        elif outcome.get("status") == 409:
            log.info("narrative %s changed while its summary was rebuilt; the newer document stands", outcome["_id"])
        else:
            log.warning("narrative %s: summary not written: %s", outcome.get("_id"), outcome.get("error"))
    return written


async def sweep_merged(es: AsyncElasticsearch, settings: Settings, since: datetime,
                       matcher: "claim_catalogue.ClaimMatcher | None" = None) -> int:
    """Relabel posts that still carry an id merged away since ``since``, and refresh their survivors.

    The backstop for a post whose indexing raced with the merge it was caught in (its indexer
    read no stub yet, and the refresh had already read the posts); returns the posts relabelled.
    """
    posts_index, narratives_index = settings.index("posts"), settings.index("narratives")
    found = await es.search(index=narratives_index, size=10_000, source=["merged_into"], query={"bool": {"filter": [
        {"exists": {"field": "merged_into"}}, {"range": {"updated_at": {"gte": iso(since)}}}]}})
    known = {hit["_id"]: hit["_source"] for hit in found["hits"]["hits"]}
    if not known:
        return 0
    await es.indices.refresh(index=posts_index)
    stragglers = await es.search(index=posts_index, size=10_000, source=["uid", "narrative_id", "created_at"],
                                 query={"terms": {"narrative_id": sorted(known)}})
    updates, months, changes = {}, {}, {}
    for hit in stragglers["hits"]["hits"]:
        post = hit["_source"]
        survivor = await _survivor(es, narratives_index, post["narrative_id"], known)
        updates[post["uid"]] = {"narrative_id": survivor}
        months[post["uid"]] = settings.posts_index_for(post.get("created_at"))
        changes.setdefault(survivor, set()).add(post["narrative_id"])
    if updates:
        await index_batch(es, months, updates, BulkPolicy.from_settings(settings), merge=True)
        await refresh(es, settings, changes, matcher)
    return len(updates)


async def stale_summaries(es: AsyncElasticsearch, settings: Settings, since: datetime,
                          until: datetime) -> dict[str, set[str]]:
    """Narratives with posts enriched between ``since`` and ``until`` whose summary is missing or
    counts other than the posts the index holds ({id: set()}, the shape :func:`refresh` takes).

    A change message lost with a crashed worker would otherwise leave its narrative's summary
    behind for good; ``until`` leaves the spread agent time to do it first.
    """
    posts_index = settings.index("posts")  # no refresh: posts before ``until`` are searchable already
    recent = await es.search(index=posts_index, size=0,
                             query={"range": {"enriched_at": {"gte": iso(since), "lte": iso(until)}}},
                             aggs={"ids": {"terms": {"field": "narrative_id", "size": 10_000}}})
    ids = [bucket["key"] for bucket in recent["aggregations"]["ids"]["buckets"]]
    counts = await _post_counts(es, posts_index, ids) if ids else {}
    wanted = sorted(i for i, count in counts.items() if count >= settings.narrative_min_posts)
    known = await _narratives(es, settings.index("narratives"), wanted)
    return {i: set() for i in wanted
            if not known.get(i, {}).get("merged_into") and known.get(i, {}).get("post_count") != counts[i]}


async def reconcile(es: AsyncElasticsearch, settings: Settings, since: datetime,
                    matcher: "claim_catalogue.ClaimMatcher | None" = None) -> int:
    """Rebuild the :func:`stale_summaries` of posts enriched since ``since`` (older than three
    refresh intervals), within one refresh round's budget; returns how many were written."""
    until = datetime.now(timezone.utc) - timedelta(seconds=3 * settings.narrative_refresh_seconds)
    stale = await stale_summaries(es, settings, since, until)
    # Those past this round's budget are found again by the next sweep.
    return await refresh(es, settings, stale, matcher, deferred={}) if stale else 0
