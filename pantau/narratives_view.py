"""Plain-text views of narrative documents for the command line (no colours, stdlib only).

:func:`format_top` is the "what is trending now" table; :func:`format_narrative` is one
narrative in detail. Both take the documents :func:`enrichers.spread.summarise` produces (as
stored in Elasticsearch), tolerate missing fields, and give a friendly line for empty input.
Post texts are shown on one line, with control and bidirectional-override characters removed,
so that a post cannot garble the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any, Iterable

from enrichers.spread import parse_time, top

NO_NARRATIVES = "no narratives yet"
NO_NARRATIVE = "no narrative to show"

_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
_SPACES = re.compile(r"\s+")
BAR_WIDTH = 30
MAX_HOUR_ROWS = 48
MAX_PLATFORM_COLUMNS = 6
_EPOCH_MIN = datetime.min.replace(tzinfo=timezone.utc)


def one_line(text: Any, width: int | None = None) -> str:
    """``text`` on one line, control characters removed, cut to ``width`` with "..."."""
    if text is None:
        return ""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace() or (unicodedata.category(ch) != "Cc" and ch not in _BIDI)
    )
    text = _SPACES.sub(" ", text).strip()
    if width is not None and len(text) > width:
        text = text[: max(width - 3, 0)].rstrip() + "..."
    return text


def _time(value: Any) -> str:
    """A time as ``YYYY-MM-DD HH:MM`` (UTC), "-" when missing."""
    dt = parse_time(value)
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "-"


def _signed(n: Any) -> str:
    return f"{n:+d}" if isinstance(n, int) else "-"


def _table(headers: list[str], rows: list[list[str]], right: Iterable[int] = ()) -> list[str]:
    """Fixed-width columns; columns whose index is in ``right`` are right-aligned. The last
    column is never padded (it holds free text)."""
    right = set(right)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = []
    for cells in [headers, *rows]:
        parts = []
        for i, cell in enumerate(cells):
            if i == len(cells) - 1 and i not in right:
                parts.append(cell)
            elif i in right:
                parts.append(cell.rjust(widths[i]))
            else:
                parts.append(cell.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
    return lines


def format_top(docs: list[dict] | None, now: datetime) -> str:
    """The trending table: rank, narrative id, verdict, posts, last hour, growth, authors,
    platforms, first seen and the representative text, ranked by :func:`enrichers.spread.top`."""
    docs = [d for d in docs or () if isinstance(d, dict)]
    if not docs:
        return NO_NARRATIVES
    rows = []
    for rank, doc in enumerate(top(docs, now, len(docs)), 1):
        rep = doc.get("representative") or {}
        rows.append([
            str(rank),
            one_line(doc.get("id"), 40) or "-",
            one_line(doc.get("verdict"), 14) or "-",
            str(doc.get("post_count", 0)),
            str(doc.get("velocity", 0)),
            _signed(doc.get("growth", 0)),
            str(doc.get("unique_authors", 0)),
            one_line(",".join(doc.get("platforms") or ()), 30) or "-",
            _time(doc.get("first_seen")),
            one_line(rep.get("text"), 60) or "-",
        ])
    headers = ["#", "narrative", "verdict", "posts", "last hour", "growth", "authors",
               "platforms", "first seen (UTC)", "text"]
    return "\n".join(_table(headers, rows, right={0, 3, 4, 5, 6})) + "\n"


def format_narrative(doc: dict | None, sample_posts: list[dict] | None = None) -> str:
    """One narrative in detail: header and counts, posts per hour by platform with a bar per
    hour, the cascade, first posters, top spreaders, top entities and hashtags, and up to five
    of ``sample_posts``."""
    if not doc or not isinstance(doc, dict):
        return NO_NARRATIVE
    out: list[str] = []
    out.append(f"narrative {one_line(doc.get('id')) or '-'}")
    claim = doc.get("claim") or {}
    verdict = doc.get("verdict") or claim.get("verdict")
    if verdict or claim:
        out.append(f"  verdict:      {one_line(verdict) or '-'}")
        if claim.get("claim"):
            out.append(f"  claim:        {one_line(claim['claim'], 200)}")
        if claim.get("url"):
            source = f" ({one_line(claim['source'])})" if claim.get("source") else ""
            out.append(f"  debunk:       {one_line(claim['url'])}{source}")
    else:
        out.append("  verdict:      - (no known debunk matched)")
    rep = doc.get("representative") or {}
    if rep.get("text"):
        out.append(f"  text:         {one_line(rep['text'], 120)}")
    out.append(f"  first seen:   {_time(doc.get('first_seen'))} UTC")
    out.append(f"  last seen:    {_time(doc.get('last_seen'))} UTC")
    sampled = " (from a sample)" if doc.get("sampled") else ""
    out.append(
        f"  posts:        {doc.get('post_count', 0)}{sampled}, spreading {doc.get('spreading_posts', 0)}, "
        f"fact-checks {doc.get('fact_checks', 0)}, reshares/quotes {doc.get('reshares', 0)}, "
        f"replies {doc.get('replies', 0)}"
    )
    out.append(
        f"  authors:      {doc.get('unique_authors', 0)}, reach {doc.get('reach', 0):,} followers"
    )
    out.append(
        f"  last hour:    {doc.get('velocity', 0)} posts, growth {_signed(doc.get('growth', 0))}"
        f" (x{float(doc.get('growth_ratio') or 0):.1f})"
    )
    counts = doc.get("platform_counts") or []
    if counts:
        out.append("  platforms:    " + ", ".join(f"{one_line(c.get('platform'))} {c.get('posts', 0)}" for c in counts))
    langs = doc.get("languages") or []
    if langs:
        out.append("  languages:    " + ", ".join(f"{one_line(c.get('code'))} {c.get('posts', 0)}" for c in langs))
    if doc.get("aliases"):
        out.append("  aliases:      " + ", ".join(one_line(a) for a in doc["aliases"]))

    out += ["", "posts per hour (UTC)"] + _hourly(doc.get("hourly") or [], doc.get("hourly_truncated"))

    cascade = doc.get("cascade") or {}
    edges = cascade.get("edges") or []
    kinds: dict[str, int] = {}
    for edge in edges:
        kinds[edge.get("kind", "?")] = kinds.get(edge.get("kind", "?"), 0) + 1
    kinds_text = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    more = " (edges truncated)" if cascade.get("edges_truncated") else ""
    out += ["", "cascade",
            f"  size {cascade.get('size', 0)} posts, depth {cascade.get('depth', 0)}, "
            f"roots {cascade.get('roots', 0)}, edges {len(edges)}{more}" + (f": {kinds_text}" if kinds_text else "")]

    out += ["", "first posters"]
    posters = doc.get("first_posters") or []
    if posters:
        out += ["  " + line for line in _table(
            ["time (UTC)", "platform", "author", "uid"],
            [[_time(p.get("created_at")), one_line(p.get("platform")), one_line(p.get("author"), 30),
              one_line(p.get("uid"), 60)] for p in posters])]
    else:
        out.append("  none")

    out += ["", "top spreaders (reshares, quotes and replies received)"]
    spreaders = doc.get("top_spreaders") or []
    if spreaders:
        out += ["  " + line for line in _table(
            ["received", "followers", "platform", "author"],
            [[str(s.get("reshares_received", 0)), f"{s.get('followers', 0):,}", one_line(s.get("platform")),
              one_line(s.get("author"), 40)] for s in spreaders], right={0, 1})]
    else:
        out.append("  none")

    entities = doc.get("top_entities") or []
    out += ["", "top entities: " + (", ".join(
        f"{one_line(e.get('canonical'), 60)} ({one_line(e.get('label'))}) {e.get('posts', 0)}" for e in entities)
        or "none")]
    hashtags = doc.get("top_hashtags") or []
    out.append("top hashtags: " + (", ".join(
        f"#{one_line(h.get('tag'), 40)} {h.get('posts', 0)}" for h in hashtags) or "none"))

    out += ["", "sample posts"]
    samples = [p for p in sample_posts or () if isinstance(p, dict)][:5]
    if samples:
        for post in samples:
            author = post.get("author") if isinstance(post.get("author"), dict) else {}
            who = author.get("handle") or author.get("id") or "?"
            out.append(f"  {_time(post.get('created_at'))}  {one_line(post.get('platform')) or '?'}  "
                       f"@{one_line(who, 30)}  {one_line(post.get('uid'), 60)}")
            out.append(f"    {one_line(post.get('text'), 120) or '(no text)'}")
    else:
        out.append("  none")
    return "\n".join(out) + "\n"


def _hourly(rows: list[dict], truncated: Any) -> list[str]:
    """Posts per hour by platform: one row per hour, one column per platform (the busiest
    few; the rest as "other"), the total and a bar scaled to the busiest hour."""
    per_hour: dict[str, dict[str, int]] = {}
    per_platform: dict[str, int] = {}
    for row in rows:
        hour, platform, posts = row.get("hour"), str(row.get("platform") or "?"), row.get("posts") or 0
        if not hour:
            continue
        per_hour.setdefault(hour, {})
        per_hour[hour][platform] = per_hour[hour].get(platform, 0) + posts
        per_platform[platform] = per_platform.get(platform, 0) + posts
    if not per_hour:
        return ["  none"]
    platforms = [p for p, _ in sorted(per_platform.items(), key=lambda kv: (-kv[1], kv[0]))]
    shown, other = platforms[:MAX_PLATFORM_COLUMNS], platforms[MAX_PLATFORM_COLUMNS:]
    hours = sorted(per_hour, key=lambda h: (parse_time(h) or _EPOCH_MIN, h))
    skipped = len(hours) - MAX_HOUR_ROWS
    hours = hours[-MAX_HOUR_ROWS:]
    busiest = max(sum(per_hour[h].values()) for h in hours) or 1
    table = []
    for hour in hours:
        counts = per_hour[hour]
        total = sum(counts.values())
        cells = [_time(hour)] + [str(counts.get(p, 0) or ".") for p in shown]
        if other:
            cells.append(str(sum(counts.get(p, 0) for p in other) or "."))
        bar = "#" * max(1, round(total * BAR_WIDTH / busiest)) if total else ""
        table.append(cells + [str(total), bar])
    headers = ["hour"] + [one_line(p, 12) for p in shown] + (["other"] if other else []) + ["total", ""]
    lines = ["  " + line for line in _table(headers, table, right=set(range(1, len(headers) - 1)))]
    if skipped > 0:
        lines.append(f"  ({skipped} earlier hours not shown)")
    if truncated:
        lines.append("  (older hours were dropped from the summary)")
    return lines
