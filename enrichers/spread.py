"""The spread summary of a narrative: one document that says what is spreading, since when,
through whom, on which platforms, and whether it is a known hoax.

:func:`summarise` turns the posts of one narrative into the narrative document indexed in
Elasticsearch (``<prefix>narratives``, mapping in ``dashboards/mappings/narratives.json``);
:func:`top` ranks such documents for "what is trending now". Both are pure and deterministic:
no clock, no I/O, and the same posts in any order give the identical document (every sort has
a total order, ties broken by uid or name).

The work is one pass over the posts plus a few sorts, so 100,000 posts take a few seconds at
most; the cascade depth is computed iteratively (a topological pass, no recursion), so a
reshare chain 10,000 posts deep is no problem, and a cycle in broken data cannot hang it.

Conventions:

- An author is identified per platform by ``author.id``, else ``author.handle``, else
  ``"<platform>:?"`` (all unknown authors of a platform count as one). In the document an author
  is shown by handle, else id, else ``"?"``.
- Times are ISO 8601 UTC strings ending in ``Z``; naive datetimes are taken as UTC. A post
  whose ``created_at`` is missing or unreadable still counts in the totals but not in any time
  field (first/last seen, velocity, hourly, first posters, edges).
- A post that is a reshare or quote *and* a reply gives one edge per relation.
- Posts repeated with the same uid (re-delivery) are counted once; the first copy is kept.
- ``representative`` is the most common text (casefolded, whitespace collapsed) of the posts
  without ``fact_check``, leaving out any text a fact-check post also has (the reshares of a
  debunk) and empty texts; ties go to the text posted first. None when no text qualifies.
- ``top_spreaders`` counts the reshares, quotes and replies an author's posts received from
  other authors' posts in the set (self-replies and self-reshares, such as threads, do not
  count); ``cascade`` keeps every edge, self ones included. ``cascade.depth`` counts edges
  (a post, its reshare and the reshare of that: depth 2).
- The matched claim is read from ``claim`` (or ``matched_claim``, the name in
  :mod:`pantau.post`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

#: Most cascade edges kept in the document (the earliest); ``cascade.edges_truncated`` says so.
MAX_EDGES = 5_000
#: Most (hour, platform) rows kept in ``hourly`` (the latest); ``hourly_truncated`` says so.
#: Together with MAX_EDGES this keeps a document under Elasticsearch's default limit of 10,000
#: nested objects per document.
MAX_HOURLY = 4_000
TOP_ENTITIES = 10
TOP_HASHTAGS = 10
TOP_SPREADERS = 10
FIRST_POSTERS = 5

#: Parent fields of a post and the kind of cascade edge each gives, in edge order.
RELATIONS = (("reshare_of", "reshare"), ("quote_of", "quote"), ("reply_to", "reply"))
_KIND_ORDER = {kind: i for i, (_, kind) in enumerate(RELATIONS)}

_HOUR = timedelta(hours=1)
# Sorts put posts without a readable time after every dated post.
_NO_TIME = datetime.max.replace(tzinfo=timezone.utc)


def iso(value: datetime) -> str:
    """``value`` as an ISO 8601 UTC string ending in ``Z`` (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from an ISO string or datetime; None when missing or unreadable."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def _author(post: dict, platform: str) -> tuple[str, str, int]:
    """(identity key, display name, followers) of a post's author."""
    author = post.get("author")
    if not isinstance(author, dict):
        author = {}
    aid, handle = author.get("id"), author.get("handle")
    if aid not in (None, ""):
        key = f"{platform}:id:{aid}"
    elif handle not in (None, ""):
        key = f"{platform}:handle:{handle}"
    else:
        key = f"{platform}:?"
    shown = handle or (str(aid) if aid not in (None, "") else "") or "?"
    followers = author.get("followers")
    return key, str(shown), followers if isinstance(followers, int) and followers > 0 else 0


def _normalise_text(text: Any) -> str:
    return " ".join(text.casefold().split()) if isinstance(text, str) else ""


def summarise(
    narrative_id: str,
    posts: Iterable[dict],
    now: datetime,
    *,
    aliases: list[str] = (),
    sampled: bool = False,
    total_posts: int | None = None,
) -> dict:
    """The narrative document for ``narrative_id`` from its ``posts`` (enriched post dicts).

    ``now`` is the time the summary is taken at (velocity counts posts in ``(now-1h, now]``,
    growth compares with ``(now-2h, now-1h]``). ``sampled`` says that ``posts`` are a sample of
    the narrative, whose real size ``total_posts`` then gives ``post_count``; every other count
    is over the posts given. Pure and deterministic: shuffled input gives the identical dict.
    """
    now = parse_time(now)
    if now is None:
        raise ValueError("now must be a datetime")
    hour_ago, two_hours_ago = now - _HOUR, now - 2 * _HOUR

    # One pass: everything that is a count, plus the per-post facts the later steps need.
    seen: set[str] = set()
    rows: list[tuple[datetime, str, dict, str, str, datetime | None]] = []
    platform_counts: Counter[str] = Counter()
    language_counts: Counter[str] = Counter()
    hourly: Counter[tuple[datetime, str]] = Counter()
    entity_counts: Counter[tuple[str, str]] = Counter()
    hashtag_counts: Counter[str] = Counter()
    followers: dict[str, int] = {}
    author_platform: dict[str, str] = {}
    author_shown: dict[str, str] = {}
    text_counts: Counter[str] = Counter()
    text_first: dict[str, tuple[datetime, str]] = {}
    debunk_texts: set[str] = set()
    claim_counts: Counter[str] = Counter()
    claim_best: dict[str, tuple[float, str, dict]] = {}
    reshares = replies = velocity = previous_hour = fact_checks = 0
    first_seen = last_seen = None

    for post in posts:
        uid = str(post.get("uid") or "")
        if uid in seen:
            continue
        seen.add(uid)
        platform = str(post.get("platform") or uid.partition(":")[0] or "?")
        key, shown, n_followers = _author(post, platform)
        created = parse_time(post.get("created_at"))
        rows.append((created or _NO_TIME, uid, post, key, platform, created))

        platform_counts[platform] += 1
        language = post.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        language_counts[code or "und"] += 1
        if followers.get(key, -1) < n_followers:
            followers[key] = n_followers
        if key not in author_platform:
            author_platform[key] = platform
            author_shown[key] = shown
        elif shown != "?" and (author_shown[key] == "?" or shown < author_shown[key]):
            author_shown[key] = shown  # the same author under several handles: the first by name

        if post.get("reshare_of") or post.get("quote_of"):
            reshares += 1
        if post.get("reply_to"):
            replies += 1
        norm = _normalise_text(post.get("text"))
        if post.get("fact_check"):
            fact_checks += 1
            debunk_texts.add(norm)
        elif norm:
            text_counts[norm] += 1
            stamp = (created or _NO_TIME, uid)
            if norm not in text_first or stamp < text_first[norm]:
                text_first[norm] = stamp

        if created is not None:
            if first_seen is None or created < first_seen:
                first_seen = created
            if last_seen is None or created > last_seen:
                last_seen = created
            if hour_ago < created <= now:
                velocity += 1
            elif two_hours_ago < created <= hour_ago:
                previous_hour += 1
            hourly[(created.replace(minute=0, second=0, microsecond=0), platform)] += 1

        entities = {
            (str(e.get("canonical") or e.get("text") or ""), str(e.get("label") or ""))
            for e in post.get("entities") or () if isinstance(e, dict)
        }
        entities.discard(("", ""))
        entity_counts.update(entities)
        hashtag_counts.update({str(h).lstrip("#").lower() for h in post.get("hashtags") or () if h})

        claim = post.get("claim") or post.get("matched_claim")
        if isinstance(claim, dict):
            cid = str(claim.get("id") or claim.get("uid") or claim.get("url") or claim.get("claim") or "")
            if cid:
                claim_counts[cid] += 1
                score = claim.get("score")
                score = float(score) if isinstance(score, (int, float)) else 0.0
                best = claim_best.get(cid)
                if best is None or (-score, uid) < (-best[0], best[1]):
                    claim_best[cid] = (score, uid, claim)

    rows.sort(key=lambda r: (r[0], r[1]))
    by_uid = {r[1]: r for r in rows}

    # Cascade: edges whose two ends are both in the set.
    edges = []
    children: dict[str, list[str]] = defaultdict(list)
    n_parents: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for when, uid, post, key, _platform, created in rows:
        for field, kind in RELATIONS:
            parent_uid = post.get(field)
            if not parent_uid or parent_uid == uid or parent_uid not in by_uid:
                continue
            parent = by_uid[parent_uid]
            children[parent_uid].append(uid)
            n_parents[uid] += 1
            if parent[3] != key:  # an author resharing or answering themself spreads nothing
                received[parent[3]] += 1
            edges.append((when, uid, _KIND_ORDER[kind], parent_uid, kind, parent[3], key, created))
    edges.sort(key=lambda e: e[:4])  # (time, child, kind, parent): a total order
    in_cascade = set(children)
    in_cascade.update(n_parents)
    roots = sum(1 for uid in children if not n_parents[uid])
    depth = _depth(children, n_parents)

    # Representative text: the most common among posts that are not debunks (nor carry a
    # debunk's text), ties to the one first posted; empty texts never represent.
    representative = None
    for norm in debunk_texts:  # a reshare of a debunk carries the debunk's text: not the hoax's
        text_counts.pop(norm, None)
    if text_counts:
        norm = min(text_counts, key=lambda t: (-text_counts[t], text_first[t]))
        _, uid, post, key, platform, _ = by_uid[text_first[norm][1]]
        representative = {"uid": uid, "text": post.get("text"), "platform": platform,
                          "author": author_shown[key]}

    claim = None
    if claim_counts:
        cid = min(claim_counts, key=lambda c: (-claim_counts[c], -claim_best[c][0], c))
        claim = dict(claim_best[cid][2])

    hourly_rows = sorted(hourly.items())
    post_count = total_posts if total_posts is not None else len(rows)
    return {
        "id": narrative_id,
        "first_seen": iso(first_seen) if first_seen else None,
        "last_seen": iso(last_seen) if last_seen else None,
        "post_count": post_count,
        "unique_authors": len(followers),
        "platforms": sorted(platform_counts),
        "platform_counts": [{"platform": p, "posts": n} for p, n in _ranked(platform_counts)],
        "languages": [{"code": c, "posts": n} for c, n in _ranked(language_counts)],
        "reshares": reshares,
        "replies": replies,
        "reach": sum(followers.values()),
        "velocity": velocity,
        "growth": velocity - previous_hour,
        "growth_ratio": velocity / max(previous_hour, 1),
        "hourly": [{"hour": iso(hour), "platform": p, "posts": n}
                   for (hour, p), n in hourly_rows[-MAX_HOURLY:]],
        "hourly_truncated": len(hourly_rows) > MAX_HOURLY,
        "top_entities": [{"canonical": c, "label": label, "posts": n}
                         for (c, label), n in _ranked(entity_counts)[:TOP_ENTITIES]],
        "top_hashtags": [{"tag": t, "posts": n} for t, n in _ranked(hashtag_counts)[:TOP_HASHTAGS]],
        "representative": representative,
        "first_posters": [
            {"uid": uid, "author": author_shown[key], "platform": platform,
             "created_at": iso(created) if created else None}
            for _, uid, _post, key, platform, created in rows[:FIRST_POSTERS]
        ],
        "top_spreaders": [
            {"author": author_shown[key], "platform": author_platform[key],
             "reshares_received": n, "followers": followers[key]}
            for key, n in sorted(received.items(),
                                 key=lambda kv: (-kv[1], -followers[kv[0]], kv[0]))[:TOP_SPREADERS]
        ],
        "cascade": {
            "edges": [
                {"parent": parent_uid, "child": uid, "parent_author": author_shown[parent_key],
                 "child_author": author_shown[key], "kind": kind,
                 "created_at": iso(created) if created else None}
                for _, uid, _, parent_uid, kind, parent_key, key, created in edges[:MAX_EDGES]
            ],
            "edges_truncated": len(edges) > MAX_EDGES,
            "size": len(in_cascade),
            "depth": depth,
            "roots": roots,
        },
        "fact_checks": fact_checks,
        "spreading_posts": max(post_count - fact_checks, 0),
        "claim": claim,
        "verdict": claim.get("verdict") if claim else None,
        "aliases": list(aliases),
        "sampled": bool(sampled),
        "updated_at": iso(now),
    }


def _ranked(counts: Counter) -> list[tuple[Any, int]]:
    """Items by count, most first, ties by key."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _depth(children: dict[str, list[str]], n_parents: Counter[str]) -> int:
    """The longest parent chain, in edges, of the cascade graph (iterative, O(nodes + edges)).

    A topological pass from the posts with no parent in the set; posts caught in a cycle
    (possible only in broken data) are never reached and add nothing.
    """
    waiting = dict(n_parents)
    level = {uid: 0 for uid in children if not n_parents[uid]}
    stack = list(level)
    deepest = 0
    while stack:
        uid = stack.pop()
        d = level[uid]
        deepest = max(deepest, d)
        for child in children.get(uid, ()):
            if level.get(child, -1) < d + 1:
                level[child] = d + 1
            waiting[child] -= 1
            if waiting[child] == 0:
                stack.append(child)
    return deepest


def top(docs: list[dict], now: datetime, limit: int = 20) -> list[dict]:
    """The ``limit`` narrative documents trending most at ``now``, most first.

    Ranked by velocity (posts in the last hour), then growth, then post_count, then last_seen
    (latest first), then id. A document's velocity and growth are those of its ``updated_at``;
    one whose last post is an hour or more before ``now`` has no posts in the last hour, so it
    is ranked (and returned, as a shallow copy) with velocity, growth and growth_ratio 0.
    """
    now = parse_time(now)
    ranked = []
    for doc in docs:
        last = parse_time(doc.get("last_seen"))
        if now is not None and last is not None and last <= now - _HOUR:
            doc = {**doc, "velocity": 0, "growth": 0, "growth_ratio": 0.0}
        stamp = last.timestamp() if last else float("-inf")
        ranked.append(((-(doc.get("velocity") or 0), -(doc.get("growth") or 0),
                        -(doc.get("post_count") or 0), -stamp, str(doc.get("id") or "")), doc))
    ranked.sort(key=lambda r: r[0])
    return [doc for _, doc in ranked[:max(limit, 0)]]
