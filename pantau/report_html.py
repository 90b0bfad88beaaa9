"""The HTML of ``pantau report``: :func:`render` turns the data of :mod:`pantau.report` into one
self-contained page (inline CSS, inline SVG charts drawn here, two small inline scripts).

The page loads nothing: a Content-Security-Policy forbids every network load, and allows only
the page's own two scripts (by hash), so that a post's text, which is untrusted and always
escaped, could not run a script even if an escape were missed. A platform keeps its colour in
every chart. The last script checks, once the page has loaded, that every chart is drawn, and
sets ``data-rendered="ok"`` on the body; script errors are listed in ``#render-errors``.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections import defaultdict
from datetime import datetime, timedelta
from html import escape
from typing import Any, Iterable

from enrichers.spread import parse_time
from enrichers.trends import display_term
from pantau.report import bar_start, bucket_hours

#: Most posts drawn in a cascade graph; the rest are counted in its caption.
MAX_CASCADE_NODES = 60
#: Characters of a post's text shown in the leaderboard and the narrative cards.
TEXT_CHARS = 160
CARD_TEXT_CHARS = 400

PLATFORM_COLOURS = {
    "facebook": "#4e79a7", "x": "#2f3b45", "twitter": "#2f3b45", "telegram": "#76b7b2",
    "reddit": "#f28e2b", "news": "#9c755f", "bluesky": "#8cc5e3", "mastodon": "#b07aa1",
    "lapor": "#59a14f", "instagram": "#ff9da7", "tiktok": "#e15759", "youtube": "#c23b22",
    "whatsapp": "#2e8b57",
}
FALLBACK_COLOURS = ("#edc948", "#bab0ac", "#86bcb6", "#d37295", "#a0cbe8", "#8b8b00", "#d4a6c8", "#499894")
VERDICT_CLASSES = {"HOAKS": "bad", "SALAH": "bad", "DISINFORMASI": "bad", "PENIPUAN": "bad",
                   "MISINFORMASI": "warn", "MISLEADING": "warn", "MENYESATKAN": "warn",
                   "BENAR": "good", "FAKTA": "good"}
SEVERITY_CLASSES = {"critical": "bad", "high": "bad", "warning": "warn", "medium": "warn"}
EDGE_STYLES = {"reshare": "", "quote": "6 3", "reply": "2 3"}
TERM_TITLES = {"hashtag": "Hashtags", "entity": "Entities (people, places, organisations)", "keyword": "Keywords"}

ERROR_SCRIPT = """
window.onerror = function (message, source, line) {
  var box = document.getElementById('render-errors');
  var item = document.createElement('li');
  item.textContent = String(message) + (line ? ' (line ' + line + ')' : '');
  box.appendChild(item);
  box.hidden = false;
};
"""
CHECK_SCRIPT = """
window.addEventListener('load', function () {
  var expected = Number(document.body.dataset.charts);
  var charts = document.querySelectorAll('svg[data-chart]');
  if (charts.length !== expected) {
    throw new Error('expected ' + expected + ' charts, found ' + charts.length);
  }
  var blank = Array.prototype.filter.call(charts, function (svg) {
    var box = svg.getBoundingClientRect();
    return !(box.width > 0 && box.height > 0);
  });
  if (blank.length) {
    throw new Error(blank.length + ' charts are not drawn');
  }
  if (!document.getElementById('render-errors').children.length) {
    document.body.dataset.rendered = 'ok';
  }
});
"""

CSS = """
:root { --ink: #1d2733; --muted: #5f6b7a; --line: #e3e7ec; --bg: #f4f6f8; --card: #fff;
  --bad: #c0392b; --warn: #c77c02; --good: #2e7d32; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header.top { position: sticky; top: 0; z-index: 10; background: #1d2733; color: #fff;
  padding: 10px 28px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 24px;
  box-shadow: 0 2px 6px rgba(0,0,0,.25); }
header.top h1 { font-size: 18px; margin: 0; font-weight: 650; letter-spacing: .2px; }
header.top .meta { color: #c9d3de; font-size: 13px; }
header.top nav { margin-left: auto; font-size: 13px; }
header.top nav a { color: #fff; text-decoration: none; margin-left: 14px; opacity: .85; }
header.top nav a:hover { opacity: 1; text-decoration: underline; }
main { max-width: 1320px; margin: 0 auto; padding: 8px 28px 48px; }
section { margin-top: 28px; scroll-margin-top: 64px; }
article { scroll-margin-top: 64px; }
h2 { font-size: 20px; margin: 0 0 10px; }
h3 { font-size: 16px; margin: 0; }
h4 { font-size: 13px; margin: 0 0 4px; color: var(--muted); font-weight: 600; text-transform: uppercase;
  letter-spacing: .4px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px;
  box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.note, .muted { color: var(--muted); font-size: 13px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 12px; }
.kpi .value { font-size: 28px; font-weight: 650; }
.kpi .label { color: var(--muted); font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase;
  letter-spacing: .3px; border-bottom: 2px solid var(--line); padding: 6px 8px; vertical-align: bottom; }
td { border-bottom: 1px solid var(--line); padding: 7px 8px; vertical-align: top; }
tr:hover td { background: #f9fbfd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; color: var(--muted); }
td.text { min-width: 300px; max-width: 440px; }
td.claim { min-width: 200px; max-width: 280px; font-size: 12.5px; }
td.rank { font-weight: 700; color: var(--muted); }
.sub { margin-top: 3px; font-size: 11.5px; }
.sub .id { color: var(--muted); }
.scroll { overflow-x: auto; }
code, .id { font: 11.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  word-break: break-all; }
a { color: var(--accent); }
.badge { display: inline-block; border-radius: 4px; padding: 1px 7px; font-size: 11.5px; font-weight: 700;
  letter-spacing: .3px; background: #e8ecf1; color: var(--muted); white-space: nowrap; }
.badge.bad { background: #fbe3e0; color: var(--bad); }
.badge.warn { background: #fdf0d5; color: var(--warn); }
.badge.good { background: #e3f3e4; color: var(--good); }
.up { color: var(--bad); font-weight: 650; }
.down { color: var(--good); }
.chip { display: inline-flex; align-items: center; gap: 4px; margin: 0 8px 2px 0; white-space: nowrap;
  font-size: 12.5px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.legend { margin-top: 6px; font-size: 12.5px; color: var(--muted); }
.legend svg { vertical-align: middle; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.grid3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
article.narrative { margin-bottom: 16px; }
article.narrative header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 8px; }
article.narrative .rank { font-size: 22px; font-weight: 700; color: var(--muted); }
blockquote { margin: 6px 0 10px; padding: 6px 12px; border-left: 3px solid var(--line); color: #2d3a48;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { font-size: 13px; color: var(--muted); margin-bottom: 10px; }
.facts b { color: var(--ink); font-weight: 600; }
figure { margin: 0; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
#render-errors { background: #fbe3e0; color: var(--bad); margin: 0; padding: 8px 28px 8px 48px; }
footer { max-width: 1320px; margin: 0 auto; padding: 0 28px 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .grid2, .grid3, .kpis { grid-template-columns: 1fr; } }
@media print { header.top { position: static; } }
"""


# ------------------------------------------------------------------------------ helpers

def _e(value: Any) -> str:
    """Text (any value) escaped for HTML content and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _cut(text: Any, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters (with an ellipsis)."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) address (a link in the page), else None (no javascript: links)."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _link(url: Any, label: str) -> str:
    safe = _safe_url(url)
    return f'<a href="{_e(safe)}" rel="noopener noreferrer" target="_blank">{_e(label)}</a>' if safe else ""


def _time(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    when = parse_time(value)
    return when.strftime(fmt) if when else "–"


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _e(value if value is not None else "–")


def _signed(value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "–"
    css = "up" if value > 0 else "down" if value < 0 else "muted"
    return f'<span class="{css}">{value:+,}</span>'


def _badge(text: Any, css_map: dict[str, str]) -> str:
    if not text:
        return ""
    return f'<span class="badge {css_map.get(str(text).upper(), css_map.get(str(text).lower(), ""))}">{_e(text)}</span>'


def _script(body: str) -> str:
    return f"<script>{body}</script>"


def _script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def platform_colours(platforms: Iterable[str]) -> dict[str, str]:
    """A colour per platform: the fixed ones for known platforms, the others from a palette in name order."""
    colours, spare = {}, iter(FALLBACK_COLOURS)
    for name in sorted(set(platforms)):
        colours[name] = PLATFORM_COLOURS.get(name.lower()) or next(spare, None) or "#999999"
    return colours


def _nice_step(value: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) of at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _chart_open(kind: str, width: int, height: int, label: str) -> str:
    return (f'<svg data-chart="{kind}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{_e(label)}">')


def _platform_chips(platforms: Iterable[str], colours: dict[str, str]) -> str:
    """A coloured chip per platform, in the report's platform order."""
    wanted = set(platforms)
    return "".join(f'<span class="chip"><span class="swatch" style="background:{colour}"></span>{_e(p)}</span>'
                   for p, colour in colours.items() if p in wanted)


def _legend(colours: dict[str, str], platforms: Iterable[str]) -> str:
    return f'<div class="legend">{_platform_chips(platforms, colours)}</div>'


# ------------------------------------------------------------------------------ charts

def _buckets(rows: Iterable[dict], size_hours: int) -> tuple[list[datetime], dict[datetime, dict[str, int]]]:
    """Contiguous bars of ``size_hours`` from the first to the last row, and the posts per platform in each."""
    counts: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        hour = parse_time(row.get("hour"))
        if hour is None:
            continue
        counts[bar_start(hour, size_hours)][str(row.get("platform") or "?")] += int(row.get("posts") or 0)
    if not counts:
        return [], counts
    first, last, step = min(counts), max(counts), timedelta(hours=size_hours)
    bars = [first + i * step for i in range(int((last - first) / step) + 1)]
    return bars, counts


def stacked_bars(rows: list[dict], size_hours: int, colours: dict[str, str], *, width: int = 620,
                 height: int = 220, label: str = "posts over time by platform") -> str:
    """An SVG of posts per ``size_hours`` bar, stacked by platform, with a y scale and time labels."""
    bars, counts = _buckets(rows, size_hours)
    left, right, top, bottom = 40, 10, 10, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_chart_open("bars", width, height, label)]
    peak = max((sum(c.values()) for c in counts.values()), default=0)
    step = max(_nice_step(peak / 4), 1)  # whole posts
    scale_max = step * max(math.ceil(max(peak, 1) / step), 1)
    for i in range(int(scale_max / step) + 1):
        y = top + plot_h - plot_h * i * step / scale_max
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ec"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5f6b7a">'
                     f'{step * i:g}</text>')
    slot = plot_w / max(len(bars), 1)
    order = [p for p in colours if any(p in c for c in counts.values())]
    for index, bar in enumerate(bars):
        parts.append(_stack(bar, counts.get(bar, {}), order, colours, left + index * slot, slot,
                            top + plot_h, plot_h / scale_max, size_hours))
    parts.extend(_time_labels(bars, size_hours, left, slot, top + plot_h))
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#8795a5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _stack(bar: datetime, counts: dict[str, int], order: list[str], colours: dict[str, str], x: float,
           slot: float, base: float, unit: float, size_hours: int) -> str:
    """One bar: a rect per platform, bottom up, with a tooltip listing the counts."""
    if not counts:
        return ""
    gap = min(slot * 0.2, 3)
    tip = f"{bar:%Y-%m-%d %H:%M} UTC" + (f" (+{size_hours} h)" if size_hours > 1 else "") + ": " + ", ".join(
        f"{p} {counts[p]}" for p in order if counts.get(p))
    rects, y = [f"<g><title>{_e(tip)}</title>"], base
    for platform in order:
        n = counts.get(platform, 0)
        if n:
            h = n * unit
            y -= h
            rects.append(f'<rect x="{x + gap / 2:.1f}" y="{y:.1f}" width="{max(slot - gap, 1):.1f}" '
                         f'height="{h:.1f}" fill="{colours[platform]}"/>')
    rects.append("</g>")
    return "".join(rects)


def _time_labels(bars: list[datetime], size_hours: int, left: float, slot: float, base: float) -> list[str]:
    """Labels under at most about ten bars: round hours (and the date where it changes), or dates."""
    if size_hours < 24:
        span = len(bars) * size_hours
        every = next((h for h in (1, 2, 3, 6, 12, 24) if h % size_hours == 0 and span / h <= 10), 24)
        chosen = [i for i, bar in enumerate(bars) if (bar.hour % every == 0 if every < 24 else bar.hour < size_hours)]
    else:
        every = max(1, math.ceil(len(bars) / 10))
        chosen = list(range(0, len(bars), every))
    labels, last_date = [], None
    for index in chosen:
        bar, x = bars[index], left + (index + 0.5) * slot
        text = f"{bar:%d %b}" if size_hours >= 24 else f"{bar:%H:%M}"
        labels.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}" stroke="#8795a5"/>'
                      f'<text x="{x:.1f}" y="{base + 15}" text-anchor="middle" font-size="11" fill="#5f6b7a">{text}</text>')
        if size_hours < 24 and bar.date() != last_date:
            labels.append(f'<text x="{x:.1f}" y="{base + 29}" text-anchor="middle" font-size="11" '
                          f'font-weight="600" fill="#1d2733">{bar:%d %b}</text>')
            last_date = bar.date()
    return labels


def sparkline(rows: list[dict], *, width: int = 96, height: int = 26) -> str:
    """A small SVG of a narrative's posts per hour (all platforms), first to last post."""
    bars, counts = _buckets(rows, 1)
    totals = [sum(counts.get(bar, {}).values()) for bar in bars]
    peak = max(totals, default=0) or 1
    slot = width / max(len(totals), 1)
    rects = "".join(f'<rect x="{i * slot:.2f}" y="{height - height * n / peak:.2f}" width="{max(slot * 0.85, 0.8):.2f}" '
                    f'height="{height * n / peak:.2f}" fill="#2b6cb0"/>' for i, n in enumerate(totals) if n)
    label = f"{sum(totals)} posts over {len(totals)} hours, at most {max(totals, default=0)} in an hour"
    return (f'{_chart_open("spark", width, height, label)}<title>{_e(label)}</title>'
            f'<line x1="0" x2="{width}" y1="{height - 0.5}" y2="{height - 0.5}" stroke="#d5dbe2"/>{rects}</svg>')


def term_bars(items: list[list], *, colour: str = "#2b6cb0", width: int = 400, label: str = "terms") -> str:
    """Horizontal bars: one row per [term, posts], most first, the term on the left and the count on the right."""
    row, label_w, count_w = 22, 172, 40
    height = max(len(items), 1) * row + 4
    peak = max((n for _, n in items), default=1) or 1
    parts = [_chart_open("terms", width, height, label)]
    for i, (term, n) in enumerate(items):
        y = 2 + i * row
        bar_w = (width - label_w - count_w) * n / peak
        parts.append(f'<g><title>{_e(term)}: {n} posts</title>'
                     f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1d2733">'
                     f'{_e(_cut(term, 22))}</text><rect x="{label_w}" y="{y + 3}" width="{max(bar_w, 1):.1f}" '
                     f'height="{row - 7}" rx="2" fill="{colour}"/><text x="{label_w + bar_w + 5:.1f}" y="{y + 15}" '
                     f'font-size="11.5" fill="#5f6b7a">{n:,}</text></g>')
    if not items:
        parts.append('<text x="4" y="16" font-size="12" fill="#5f6b7a">none in this period</text>')
    parts.append("</svg>")
    return "".join(parts)


def cascade_tree(edges: list[dict], max_nodes: int = MAX_CASCADE_NODES) -> tuple[dict, list[dict], int]:
    """Lay out the first ``max_nodes`` posts of a cascade (in edge order: earliest first) as a forest.

    Returns (position per uid as (depth, row), the edges drawn, posts left out). Each post hangs
    under its first parent; its other edges (a reply that also quotes) are drawn too. A cycle
    (only in broken data) is cut where it would close.
    """
    order: list[str] = []
    for edge in edges:
        for uid in (edge.get("parent"), edge.get("child")):
            if uid and uid not in order:
                order.append(uid)
    kept = set(order[:max_nodes])
    drawn = [e for e in edges if e.get("parent") in kept and e.get("child") in kept]
    parent_of: dict[str, str] = {}
    for edge in drawn:
        child, parent = edge["child"], edge["parent"]
        if child not in parent_of and not _is_ancestor(child, parent, parent_of):
            parent_of[child] = parent
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parent_of.items():
        children[parent].append(child)
    roots = [uid for uid in order[:max_nodes] if uid not in parent_of]
    return _place(roots, children), drawn, len(order) - len(kept)


def _is_ancestor(node: str, of: str, parent_of: dict[str, str]) -> bool:
    while of is not None:
        if of == node:
            return True
        of = parent_of.get(of)
    return False


def _place(roots: list[str], children: dict[str, list[str]]) -> dict[str, tuple[int, float]]:
    """Tidy-tree rows: leaves take the next row, a parent sits midway between its first and last child."""
    where: dict[str, tuple[int, float]] = {}
    row = 0
    for root in roots:
        stack: list[tuple[str, int, bool]] = [(root, 0, False)]
        while stack:
            node, depth, done = stack.pop()
            kids = children.get(node, [])
            if done:
                where[node] = (depth, (where[kids[0]][1] + where[kids[-1]][1]) / 2)
            elif not kids:
                where[node], row = (depth, float(row)), row + 1
            else:
                stack.append((node, depth, True))
                stack.extend((kid, depth + 1, False) for kid in reversed(kids))
    return where


def cascade_svg(cascade: dict, colours: dict[str, str], *, width: int = 620) -> tuple[str, int]:
    """The SVG of a narrative's cascade graph, and how many posts it leaves out."""
    edges = [e for e in cascade.get("edges") or () if isinstance(e, dict)]
    where, drawn, left_out = cascade_tree(edges)
    authors = {}
    for edge in edges:
        authors.setdefault(edge.get("parent"), edge.get("parent_author"))
        authors.setdefault(edge.get("child"), edge.get("child_author"))
    rows = max((r for _, r in where.values()), default=0) + 1
    depth = max((d for d, _ in where.values()), default=0)
    row_h = min(22.0, max(11.0, 440 / rows))
    height = int(rows * row_h + 16)
    root_x = 120  # roots are labelled on their left, the other posts on their right
    col_w = min(150.0, (width - root_x - 110) / max(depth, 1))

    def xy(uid):
        d, r = where[uid]
        return root_x + d * col_w, 8 + (r + 0.5) * row_h

    parts = [_chart_open("cascade", width, height, f"cascade graph of {len(where)} posts")]
    for edge in drawn:
        (x1, y1), (x2, y2) = xy(edge["parent"]), xy(edge["child"])
        mid = (x1 + x2) / 2
        dash = EDGE_STYLES.get(edge.get("kind"), "")
        parts.append(f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
                     f'fill="none" stroke="#8795a5" stroke-width="1.3"' + (f' stroke-dasharray="{dash}"' if dash else "")
                     + f'><title>{_e(edge.get("kind"))}: {_e(edge.get("child_author"))} of {_e(edge.get("parent_author"))}'
                     f' at {_time(edge.get("created_at"))}</title></path>')
    for uid, (d, _) in where.items():
        x, y = xy(uid)
        platform = uid.partition(":")[0]
        colour = colours.get(platform, "#999999")
        radius = 7 if d == 0 else 5
        parts.append(f'<g><title>{_e(uid)} by {_e(authors.get(uid) or "?")} ({_e(platform)})</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}" stroke="#fff" stroke-width="1.5"/>')
        if row_h >= 14:
            anchor, tx = ("end", x - radius - 4) if d == 0 else ("start", x + radius + 4)
            parts.append(f'<text x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11" fill="#1d2733" '
                         f'stroke="#fff" stroke-width="3" paint-order="stroke">'
                         f'{_e(_cut(authors.get(uid) or "?", 18))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts), left_out


def _edge_legend() -> str:
    samples = "".join(
        '<span class="chip"><svg width="26" height="8" aria-hidden="true"><line x1="1" x2="25" y1="4" y2="4" '
        'stroke="#8795a5" stroke-width="1.6"' + (f' stroke-dasharray="{dash}"' if dash else "") + f'/></svg>{kind}</span>'
        for kind, dash in EDGE_STYLES.items())
    return f'<div class="legend">{samples}</div>'


# ------------------------------------------------------------------------------ sections

def _header(data: dict) -> str:
    period = data.get("period") or {}
    return (
        '<header class="top"><h1>pantau · hoax narratives report</h1>'
        f'<span class="meta">period {_time(period.get("start"))} – {_time(period.get("end"))} UTC '
        f'({_e(period.get("hours"))} h) · generated {_time(data.get("generated_at"))} UTC</span>'
        '<nav><a href="#overview">Overview</a><a href="#leaderboard">Leaderboard</a>'
        '<a href="#narratives">Narratives</a><a href="#trending">Trending terms</a><a href="#alerts">Alerts</a></nav>'
        "</header>")


def _overview(data: dict, colours: dict[str, str]) -> str:
    totals, timeline = data.get("totals") or {}, data.get("timeline") or {}
    kpis = [("posts in the period", totals.get("posts")), ("narratives of 2+ posts", totals.get("narratives")),
            ("alerts", totals.get("alerts")), ("platforms", len(totals.get("platforms") or ()))]
    cards = "".join(f'<div class="card kpi"><div class="value">{_num(v)}</div><div class="label">{_e(k)}</div></div>'
                    for k, v in kpis)
    platforms = [p for p, _ in totals.get("platforms") or ()]
    size = int(timeline.get("bucket_hours") or 1)
    chart = stacked_bars(timeline.get("rows") or [], size, colours, width=1240, height=240,
                         label="posts in the period by platform")
    shares = " · ".join(f"{_e(p)} {n:,}" for p, n in totals.get("platforms") or ())
    return (f'<section id="overview"><div class="kpis">{cards}</div><div class="card">'
            f'<h4>Posts per {size} hour{"s" if size > 1 else ""}, by platform</h4><figure>{chart}</figure>'
            f'{_legend(colours, platforms)}<p class="note">{shares}. Source: {_e(data.get("source"))}.</p></div></section>')


def _verdict(doc: dict, chars: int = 110) -> str:
    claim = doc.get("claim") if isinstance(doc.get("claim"), dict) else {}
    verdict = _badge(doc.get("verdict") or claim.get("verdict"), VERDICT_CLASSES)
    text = _cut(claim.get("claim"), chars)
    if not (verdict or text):
        return '<span class="muted">no known claim</span>'
    linked = _link(claim.get("url"), text) if text else ""
    return f'{verdict} <span class="muted">{linked or _e(text)}</span>'


def _representative(doc: dict, chars: int) -> str:
    """The narrative's representative text, cut to ``chars``; a note when every post is a fact-check."""
    rep = doc.get("representative") if isinstance(doc.get("representative"), dict) else {}
    if rep.get("text"):
        return _e(_cut(rep["text"], chars))
    return '<span class="muted">(fact-check posts only)</span>' if doc.get("fact_checks") else "–"


def _leaderboard_row(rank: int, doc: dict, detailed: int, colours: dict[str, str]) -> str:
    ident = _e(doc.get("id"))
    ident = f'<a class="id" href="#n{rank}">{ident}</a>' if rank <= detailed else f'<span class="id">{ident}</span>'
    return (f'<tr><td class="num rank">{rank}</td><td class="text">{_representative(doc, TEXT_CHARS)}'
            f'<div class="sub">{ident}</div></td><td class="claim">{_verdict(doc, 70)}</td>'
            f'<td class="num">{_num(doc.get("post_count"))}</td><td class="num">{_num(doc.get("unique_authors"))}</td>'
            f'<td>{_platform_chips(doc.get("platforms") or (), colours)}</td>'
            f'<td class="when">{_time(doc.get("first_seen"))}<br>{_time(doc.get("last_seen"))}</td>'
            f'<td>{sparkline(doc.get("hourly") or [])}</td>'
            f'<td class="num">{_num(doc.get("velocity"))}</td><td class="num">{_signed(doc.get("growth"))}</td></tr>')


def _leaderboard(data: dict, colours: dict[str, str]) -> str:
    docs = data.get("narratives") or []
    if not docs:
        return ('<section id="leaderboard"><h2>Narrative leaderboard</h2>'
                '<div class="card muted">No narrative of two or more posts in this period.</div></section>')
    detailed = int(data.get("detailed") or 0)
    rows = "".join(_leaderboard_row(rank, doc, detailed, colours) for rank, doc in enumerate(docs, 1))
    head = ("<tr><th class=num>#</th><th>narrative: representative text and id</th><th>verdict / claim</th>"
            "<th class=num>posts</th><th class=num>authors</th><th>platforms</th><th>first / last seen</th>"
            "<th>posts per hour</th><th class=num>last hour</th><th class=num>growth</th></tr>")
    return (f'<section id="leaderboard"><h2>Narrative leaderboard</h2><div class="card scroll"><table>{head}{rows}</table>'
            f'<p class="note">Largest first. A narrative is one story as it spreads: its copies, paraphrases, reshares, '
            f'quotes and replies, and the posts sharing its link. Times in UTC; growth compares the last hour '
            f'with the hour before.</p></div></section>')


def _narrative_card(rank: int, doc: dict, colours: dict[str, str]) -> str:
    rep = doc.get("representative") if isinstance(doc.get("representative"), dict) else {}
    cascade = doc.get("cascade") if isinstance(doc.get("cascade"), dict) else {}
    hourly = doc.get("hourly") or []
    spread = stacked_bars(hourly, _bucket_for(hourly), colours, label=f"posts per hour of narrative {rank} by platform")
    cascade_part = _cascade_part(cascade, colours)
    facts = (f'<b>{_num(doc.get("post_count"))}</b> posts by <b>{_num(doc.get("unique_authors"))}</b> authors · '
             f'reach <b>{_num(doc.get("reach"))}</b> followers · {_num(doc.get("reshares"))} reshares/quotes, '
             f'{_num(doc.get("replies"))} replies · first seen {_time(doc.get("first_seen"))}, '
             f'last seen {_time(doc.get("last_seen"))} UTC')
    author = (f'<div class="facts">as posted by {_e(rep.get("author"))} on {_e(rep.get("platform"))}</div>'
              if rep.get("author") else "")
    return (f'<article class="card narrative" id="n{rank}"><header><span class="rank">#{rank}</span>'
            f'<h3 class="id">{_e(doc.get("id"))}</h3>{_verdict(doc)}</header>'
            f'<blockquote>{_representative(doc, CARD_TEXT_CHARS)}</blockquote>{author}'
            f'<div class="facts">{facts}</div><div class="grid2">'
            f'<div><h4>Spread over time by platform</h4><figure>{spread}</figure>'
            f'{_legend(colours, doc.get("platforms") or ())}</div>'
            f'<div><h4>Cascade: reshares, quotes and replies</h4>{cascade_part}</div></div></article>')


def _bucket_for(hourly: list[dict]) -> int:
    hours = [h for h in (parse_time(r.get("hour")) for r in hourly) if h]
    return bucket_hours(max(hours) - min(hours), 72) if hours else 1


def _cascade_part(cascade: dict, colours: dict[str, str]) -> str:
    if not cascade.get("edges"):
        return ('<p class="muted">No reshares, quotes or replies among these posts: the narrative spread by '
                'copies, paraphrases and shared links.</p>')
    svg, left_out = cascade_svg(cascade, colours)
    caption = (f'{_num(cascade.get("size"))} posts in chains, depth {_num(cascade.get("depth"))}, '
               f'{_num(cascade.get("roots"))} root{"s" if cascade.get("roots") != 1 else ""}.')
    if left_out or cascade.get("edges_truncated"):
        caption += f" The first {MAX_CASCADE_NODES} posts are drawn; {left_out:,} more are left out."
    return f'<figure>{svg}</figure>{_edge_legend()}<p class="note">{caption} Hover a dot or line for details.</p>'


def _narratives(data: dict, colours: dict[str, str]) -> str:
    docs = (data.get("narratives") or [])[: int(data.get("detailed") or 0)]
    cards = "".join(_narrative_card(rank, doc, colours) for rank, doc in enumerate(docs, 1))
    cards = cards or '<div class="card muted">No narratives to show.</div>'
    return f'<section id="narratives"><h2>The largest narratives</h2>{cards}</section>'


def _trending(data: dict) -> str:
    trending = data.get("trending") or {}
    cards = "".join(
        f'<div class="card"><h4>{_e(title)}</h4><figure>'
        f'{term_bars([[display_term(kind, t), n] for t, n in trending.get(kind) or ()], colour=colour, label=title)}'
        f'</figure></div>'
        for (kind, title), colour in zip(TERM_TITLES.items(), ("#2b6cb0", "#b07aa1", "#59a14f")))
    return (f'<section id="trending"><h2>Trending terms</h2><div class="grid3">{cards}</div>'
            f'<p class="note">Posts of the period that carry each term.</p></section>')


def _alert_row(alert: dict) -> str:
    term = alert.get("term") if isinstance(alert.get("term"), dict) else {}
    shown = display_term(str(term.get("kind")), str(term.get("value")))
    samples = [s for s in alert.get("samples") or () if isinstance(s, dict)]
    sample = f'<div class="muted">e.g. “{_e(_cut(samples[0].get("text"), 120))}”</div>' if samples else ""
    links = " ".join(_link(url, name) for name, url in sorted((alert.get("links") or {}).items()))
    return (f'<tr><td class="when">{_time(alert.get("event_time"))}</td>'
            f'<td>{_badge(alert.get("severity"), SEVERITY_CLASSES)}</td><td>{_e(alert.get("message"))}{sample}</td>'
            f'<td><span class="muted">{_e(term.get("kind"))}</span> {_e(shown)}</td>'
            f'<td class="num">{_num(alert.get("count"))} vs {_e(alert.get("baseline"))}'
            f'<div class="muted">×{_e(alert.get("factor"))}</div></td><td>{links or "–"}</td></tr>')


def _alerts(data: dict) -> str:
    alerts = data.get("alerts") or []
    if not alerts:
        return ('<section id="alerts"><h2>Recent alerts</h2><div class="card muted">'
                'No alerts in this period.</div></section>')
    head = ("<tr><th>time (UTC)</th><th>severity</th><th>message</th><th>term</th>"
            "<th class=num>count vs baseline</th><th>links</th></tr>")
    rows = "".join(_alert_row(alert) for alert in alerts)
    total = (data.get("totals") or {}).get("alerts") or len(alerts)
    return (f'<section id="alerts"><h2>Recent alerts</h2><div class="card"><table>{head}{rows}</table>'
            f'<p class="note">Latest first: {len(alerts):,} of the period\'s {total:,}.</p></div></section>')


def _all_platforms(data: dict) -> list[str]:
    names = {p for p, _ in (data.get("totals") or {}).get("platforms") or ()}
    names.update(r.get("platform") for r in (data.get("timeline") or {}).get("rows") or ())
    for doc in data.get("narratives") or ():
        names.update(doc.get("platforms") or ())
        names.update(r.get("platform") for r in doc.get("hourly") or ())
        for edge in (doc.get("cascade") or {}).get("edges") or ():
            names.update(str(edge.get(end) or "").partition(":")[0] for end in ("parent", "child"))
    return sorted(str(n) for n in names if n)


def render(data: dict) -> str:
    """The whole report as one HTML document (a pure function of ``data``)."""
    colours = platform_colours(_all_platforms(data))
    # Dict order is stacking and legend order: the busiest platform at the bottom of every bar.
    busiest = [p for p, _ in (data.get("totals") or {}).get("platforms") or () if p in colours]
    colours = {p: colours[p] for p in [*busiest, *sorted(set(colours) - set(busiest))]}
    body = "".join([_overview(data, colours), _leaderboard(data, colours), _narratives(data, colours),
                    _trending(data), _alerts(data)])
    charts = body.count("<svg data-chart=")
    policy = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
              f"script-src {_script_hash(ERROR_SCRIPT)} {_script_hash(CHECK_SCRIPT)}")
    period = data.get("period") or {}
    title = f'pantau report {_time(period.get("start"), "%Y-%m-%d")} – {_time(period.get("end"), "%Y-%m-%d")}'
    made = _time(data.get("generated_at"), "%Y-%m-%d %H:%M:%S")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>{CSS}</style></head>\n"
        f'<body data-charts="{charts}"><ul id="render-errors" hidden></ul>{_script(ERROR_SCRIPT)}\n'
        f"{_header(data)}\n<main>{body}</main>\n"
        f'<footer>Made by pantau report at {made} UTC from {_e(data.get("source"))}. This file loads nothing '
        f'from the network; post texts are shown as posted (escaped).</footer>\n'
        f"{_script(CHECK_SCRIPT)}\n</body></html>\n")
