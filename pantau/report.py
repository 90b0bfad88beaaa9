"""``pantau report``: one self-contained HTML file for analysts who have no Kibana.

:func:`collect` reads what the report shows from Elasticsearch (the posts, narratives and
alerts indices); :func:`collect_file` builds the same data offline from a JSON Lines file of
posts with the stream's own pure functions (enrichment, narrative grouping, spread summaries,
the trend engine). Both return a plain, JSON-able dict; :func:`pantau.report_html.render`
turns it into HTML and :func:`write_report` writes the file.

The data dict::

    generated_at, source        when and from what the report was made
    period {start, end, hours}  the posts, narratives and alerts shown (ISO UTC strings)
    totals {posts, narratives, alerts, platforms: [[platform, posts], ...]}
    timeline {bucket_hours, rows: [{hour, platform, posts}]}   posts over the period
    narratives [spread summary, ...]   largest first (enrichers.spread.summarise documents)
    trending {hashtag|entity|keyword: [[term, posts], ...]}
    alerts [alert dict, ...]   latest first (enrichers.trends.Alert.to_dict, plus ``links``)
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from enrichers.spread import iso, parse_time, top

#: Rows in the leaderboard; the first DETAILED of them get a chart and a cascade graph.
LEADERBOARD = 25
DETAILED = 10
TRENDING_TERMS = 15
MAX_ALERTS = 50
#: Hours per bar of the period's timeline are picked so it has at most this many bars.
MAX_BARS = 120
BUCKET_HOURS = (1, 2, 3, 6, 12, 24, 48, 168)
TERM_KINDS = ("hashtag", "entity", "keyword")


def bucket_hours(span: timedelta, max_bars: int = MAX_BARS) -> int:
    """The smallest bar width (in hours, from BUCKET_HOURS) that fits ``span`` in ``max_bars`` bars."""
    hours = span.total_seconds() / 3600
    return next((b for b in BUCKET_HOURS if hours / b <= max_bars), BUCKET_HOURS[-1])


def bar_start(moment: datetime, size_hours: int) -> datetime:
    """The start of the ``size_hours``-hour bar (aligned to midnight UTC) that holds ``moment``."""
    hours = int(moment.timestamp() // 3600)
    return datetime.fromtimestamp((hours - hours % size_hours) * 3600, timezone.utc)


def _period(start: datetime, end: datetime) -> dict:
    return {"start": iso(start), "end": iso(end), "hours": round((end - start).total_seconds() / 3600, 1)}


def _leaderboard(docs: Iterable[dict], now: datetime, limit: int = LEADERBOARD) -> list[dict]:
    """The narratives largest first (posts, then growth, then latest); velocity and growth as
    :func:`enrichers.spread.top` sees them at ``now`` (zero for a narrative quiet for an hour)."""
    docs = [d for d in docs if isinstance(d, dict) and not d.get("merged_into")]
    current = top(docs, now, len(docs))
    current.sort(key=lambda d: (-(d.get("post_count") or 0), -(d.get("growth") or 0),
                                -(parse_time(d.get("last_seen")) or now).timestamp(), str(d.get("id"))))
    return current[:limit]


def _assemble(*, source: str, start: datetime, end: datetime, totals: dict, timeline: dict,
              narratives: list[dict], trending: dict, alerts: list[dict],
              generated_at: datetime | None) -> dict:
    return {
        "generated_at": iso(generated_at or datetime.now(timezone.utc)),
        "source": source,
        "period": _period(start, end),
        "totals": totals,
        "timeline": timeline,
        "narratives": _leaderboard(narratives, end),
        "detailed": DETAILED,
        "trending": trending,
        "alerts": alerts[:MAX_ALERTS],
    }


# ------------------------------------------------------------------------------ offline

def _timeline(posts: Iterable[dict], start: datetime, end: datetime) -> dict:
    """Posts per bar and platform, bars of :func:`bucket_hours` hours aligned to midnight UTC."""
    size = bucket_hours(end - start)
    counts: Counter[tuple[str, str]] = Counter()
    for post in posts:
        created = parse_time(post.get("created_at"))
        if created is None:
            continue
        counts[(iso(bar_start(created, size)), str(post.get("platform") or "?"))] += 1
    return {"bucket_hours": size,
            "rows": [{"hour": h, "platform": p, "posts": n} for (h, p), n in sorted(counts.items())]}


def _trending_offline(posts: Iterable[dict], limit: int = TRENDING_TERMS) -> dict:
    """The most frequent hashtags, entities and keywords: posts that carry each (trend engine terms)."""
    from enrichers.trends import post_terms

    counts: dict[str, Counter[str]] = {kind: Counter() for kind in TERM_KINDS}
    for post in posts:
        for kind, term in post_terms(post):
            if kind in counts:
                counts[kind][term] += 1
    return {kind: [[t, n] for t, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
            for kind, c in counts.items()}


def _replay_alerts(posts: list[dict], rules_path: Path | None, window: int, hop: int, lateness: float) -> list[dict]:
    """The alerts the trend engine raises over ``posts`` in event time, latest first."""
    from enrichers.trends import DEFAULT_RULES, load_rules, replay, to_epoch

    ordered = sorted(posts, key=lambda post: to_epoch(post["created_at"]))
    alerts = replay(ordered, load_rules(rules_path or DEFAULT_RULES), window_seconds=window,
                    hop_seconds=hop, lateness_seconds=lateness)
    return sorted((a.to_dict() for a in alerts), key=lambda a: (a["event_time"], a["id"]), reverse=True)


def collect_file(path: Path, since_hours: float | None = 24 * 7, *, rules_path: Path | None = None,
                 window: int = 600, hop: int = 300, lateness: float = 300,
                 generated_at: datetime | None = None) -> dict:
    """The report's data from a JSON Lines file of posts (raw or enriched), without any backend.

    The period ends at the file's latest post and reaches ``since_hours`` back (None or 0: the
    whole file). Narratives are grouped over the whole file (as the stream would have) and shown
    when they had a post in the period; alerts come from replaying the file through the rules.
    """
    from pantau.narratives_cli import assign_file, read_posts, summaries

    refused = io.BytesIO()
    posts = read_posts(path, refused)
    if posts and not all(post.get("narrative_id") for post in posts):
        assign_file(posts)
    times = [t for t in (parse_time(p.get("created_at")) for p in posts) if t]
    end = max(times, default=generated_at or datetime.now(timezone.utc))
    start = end - timedelta(hours=since_hours) if since_hours else min(times, default=end)
    in_period = [p for p in posts if start <= (parse_time(p.get("created_at")) or end) <= end]
    docs = [d for d in summaries(posts, 2, now=end) if (parse_time(d.get("last_seen")) or end) >= start]
    alerts = [a for a in _replay_alerts(posts, rules_path, window, hop, lateness)
              if (parse_time(a.get("event_time")) or end) >= start]
    platforms = Counter(str(p.get("platform") or "?") for p in in_period)
    totals = {"posts": len(in_period), "narratives": len(docs), "alerts": len(alerts),
              "refused": refused.getvalue().count(b"\n"),
              "platforms": [[k, n] for k, n in sorted(platforms.items(), key=lambda kv: (-kv[1], kv[0]))]}
    return _assemble(source=f"file {path}", start=start, end=end, totals=totals,
                     timeline=_timeline(in_period, start, end), narratives=docs,
                     trending=_trending_offline(in_period), alerts=alerts, generated_at=generated_at)


# ------------------------------------------------------------------------ Elasticsearch

def _posts_range(es, index: str) -> tuple[datetime, datetime] | None:
    """(earliest, latest) created_at in the posts index; None when it holds no dated post."""
    ends = []
    for order in ("asc", "desc"):
        hits = es.search(index=index, size=1, sort=[{"created_at": order}], source=["created_at"],
                         query={"exists": {"field": "created_at"}})["hits"]["hits"]
        if not hits:
            return None
        ends.append(parse_time(hits[0]["_source"].get("created_at")))
    return (ends[0], ends[1]) if all(ends) else None


def _bucket_rows(agg: dict) -> list[tuple[Any, int]]:
    return [(b["key"], b["doc_count"]) for b in agg["buckets"]]


def _posts_aggs(es, index: str, start: datetime, end: datetime, limit: int = TRENDING_TERMS) -> dict:
    """Totals, timeline and trending terms of the posts created in [start, end]."""
    size, query = bucket_hours(end - start), _created_between(start, end)
    result = es.search(index=index, size=0, track_total_hits=True, query=query, aggs={
        "platform": {"terms": {"field": "platform", "size": 50}},
        "hashtag": {"terms": {"field": "hashtags", "size": limit}},
        "keyword": {"terms": {"field": "keywords", "size": limit}},
        "timeline": {"date_histogram": {"field": "created_at", "fixed_interval": f"{size}h", "min_doc_count": 1},
                     "aggs": {"platform": {"terms": {"field": "platform", "size": 50}}}},
    })
    aggs = result["aggregations"]
    timeline = [{"hour": iso(datetime.fromtimestamp(b["key"] / 1000, timezone.utc)), "platform": p, "posts": n}
                for b in aggs["timeline"]["buckets"] for p, n in _bucket_rows(b["platform"])]
    return {
        "posts": result["hits"]["total"]["value"],
        "platforms": [[k, n] for k, n in _bucket_rows(aggs["platform"])],
        "timeline": {"bucket_hours": size, "rows": timeline},
        "trending": {"hashtag": [[k, n] for k, n in _bucket_rows(aggs["hashtag"])],
                     "entity": _entity_posts(es, index, query, limit),
                     "keyword": [[k, n] for k, n in _bucket_rows(aggs["keyword"])]},
    }


def _entity_posts(es, index: str, query: dict, limit: int) -> list[list]:
    """The entities most posts mention, with the number of posts (not of mentions).

    Entities are nested documents, and a terms aggregation under ``nested`` counts mentions;
    ``reverse_nested`` would count posts but the local backend lacks it, so the candidates'
    posts are counted in a second request, with a ``filters`` aggregation of nested queries.
    """
    mentions = es.search(index=index, size=0, query=query, aggs={"entities": {"nested": {"path": "entities"}, "aggs": {
        "terms": {"terms": {"field": "entities.canonical", "size": limit * 3}}}}})
    candidates = [b["key"] for b in mentions["aggregations"]["entities"]["terms"]["buckets"]]
    if not candidates:
        return []
    filters = {str(i): {"nested": {"path": "entities", "query": {"term": {"entities.canonical": name}}}}
               for i, name in enumerate(candidates)}
    counted = es.search(index=index, size=0, query=query, aggs={"posts": {"filters": {"filters": filters}}})
    buckets = counted["aggregations"]["posts"]["buckets"]
    ranked = sorted(((name, buckets[str(i)]["doc_count"]) for i, name in enumerate(candidates)),
                    key=lambda kv: (-kv[1], kv[0]))
    return [[name, n] for name, n in ranked[:limit]]


def _created_between(start: datetime, end: datetime, field: str = "created_at") -> dict:
    return {"range": {field: {"gte": iso(start), "lte": iso(end)}}}


def _narrative_docs(es, index: str, start: datetime, limit: int = 1000) -> list[dict]:
    """Narrative summaries (not merge stubs) with a post since ``start``, largest first."""
    hits = es.search(index=index, size=limit, sort=[{"post_count": "desc"}, {"last_seen": "desc"}], query={
        "bool": {"filter": [{"range": {"last_seen": {"gte": iso(start)}}}],
                 "must_not": [{"exists": {"field": "merged_into"}}]}})["hits"]["hits"]
    return [hit["_source"] for hit in hits]


def _recent_alerts(es, index: str, start: datetime, end: datetime) -> tuple[list[dict], int]:
    """The latest alerts of the period and how many it has; none when the alerts index does not exist yet."""
    if not es.indices.exists(index=index):
        return [], 0
    found = es.search(index=index, size=MAX_ALERTS, sort=[{"event_time": "desc"}], track_total_hits=True,
                      query=_created_between(start, end, "event_time"))["hits"]
    return [hit["_source"] for hit in found["hits"]], found["total"]["value"]


def collect(es, settings, since_hours: float | None = 24 * 7, *, now: datetime | None = None,
            generated_at: datetime | None = None) -> dict:
    """The report's data from Elasticsearch (the posts, narratives and alerts indices of ``settings``).

    The period is the ``since_hours`` before ``now`` (default: the current time); None or 0
    means everything the posts index holds, from its earliest post to its latest.
    """
    posts, narratives, alerts = (settings.index(name) for name in ("posts", "narratives", "alerts"))
    es.indices.refresh(index=",".join(i for i in (posts, narratives, alerts) if es.indices.exists(index=i)) or posts)
    end = now or datetime.now(timezone.utc)
    if since_hours:
        start = end - timedelta(hours=since_hours)
    else:
        start, end = _posts_range(es, posts) or (end, end)
    counts = _posts_aggs(es, posts, start, end)
    docs = _narrative_docs(es, narratives, start)
    found, alert_count = _recent_alerts(es, alerts, start, end)
    totals = {"posts": counts["posts"], "narratives": len(docs), "alerts": alert_count,
              "platforms": counts["platforms"]}
    return _assemble(source=f"elasticsearch {settings.elasticsearch_url} ({settings.index_prefix or 'no'} index prefix)",
                     start=start, end=end, totals=totals, timeline=counts["timeline"], narratives=docs,
                     trending=counts["trending"], alerts=found, generated_at=generated_at)


def write_report(path: Path, data: dict) -> Path:
    """Render ``data`` and write it to ``path`` (UTF-8); returns the absolute path."""
    from pantau.report_html import render

    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8")
    return path
