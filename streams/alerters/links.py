"""Kibana links for an alert: Discover on the posts, and the matching dashboard.

Kibana keeps a page's state in the URL as rison (a compact JSON for URLs): ``_g`` is the
global state (the time range), ``_a`` the app state (the query). The query is KQL
(``language:kuery``). Example::

    http://kibana:5601/app/discover#/?_g=(filters:!(),time:(from:'2026-11-20T07:00:00.000Z',
        to:'2026-11-20T09:10:00.000Z'))&_a=(index:'pantau-posts',query:(language:kuery,
        query:'hashtags:%22vaksinbabi%22'))

``index`` names the posts data view by id; Kibana 8.11+ turns it into its newer
``dataSource`` state on load, older 8.x reads it as is. The time range runs from an hour
before the alert's window to an hour after it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from enrichers.spread import parse_time

POSTS_DATA_VIEW = "pantau-posts"
NARRATIVE_DASHBOARD = "pantau-narrative-drilldown"
TREND_DASHBOARD = "pantau-trending-alerts"
MARGIN = timedelta(hours=1)

# Term kinds and the posts field each one is found in (entities are nested documents).
TERM_FIELDS = {
    "hashtag": "hashtags",
    "keyword": "keywords",
    "narrative": "narrative_id",
    "mention": "mentions",
    "url": "urls",
    "link": "urls",
}

# Characters left as they are in the URL: what rison is written with, and nothing that ends a
# query parameter ('&', '=', '#', '+', '%' are always encoded).
_URL_SAFE = "!'()*,:-_.~/"
_RISON_ID = re.compile(r"^[^-0-9 '!:(),*@$][^ '!:(),*@$]*$")


def rison(value: Any) -> str:
    """Encode ``value`` (dict, list, str, number, bool, None) as rison."""
    if value is None:
        return "!n"
    if value is True:
        return "!t"
    if value is False:
        return "!f"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if value and _RISON_ID.match(value):
            return value
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, dict):
        return "(" + ",".join(f"{rison(str(k))}:{rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "!(" + ",".join(rison(v) for v in value) + ")"
    raise TypeError(f"cannot encode {type(value).__name__} as rison")


def kql_string(value: Any) -> str:
    """``value`` as a quoted KQL string (an exact phrase: no wildcards, no operators)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def term_query(term: dict | None) -> str:
    """The KQL that finds the posts of an alert's term."""
    if not isinstance(term, dict) or term.get("value") in (None, ""):
        return ""
    kind, value = str(term.get("kind") or ""), str(term["value"])
    if kind == "hashtag":
        value = value.lstrip("#")
    elif kind == "mention":
        value = value.lstrip("@")
    if kind == "entity":
        return f"entities:{{canonical:{kql_string(value)}}}"
    field = TERM_FIELDS.get(kind)
    if field is None:
        return kql_string(value)  # an unknown kind: a phrase anywhere in the post
    return f"{field}:{kql_string(value)}"


def alert_query(alert: dict) -> str:
    """The term's KQL plus the alert's language and platform filters."""
    parts = []
    term = term_query(alert.get("term"))
    if term:
        parts.append(term)
    filters = alert.get("filters") or {}
    for field, key in (("language.code", "languages"), ("platform", "platforms")):
        values = [str(v) for v in filters.get(key) or [] if v not in (None, "")]
        if values:
            parts.append(f"{field}:(" + " or ".join(kql_string(v) for v in values) + ")")
    return " and ".join(parts)


def _kibana_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def time_range(alert: dict, margin: timedelta = MARGIN) -> dict:
    """{"from", "to"}: the alert's window widened by ``margin`` on both sides."""
    window = alert.get("window") or {}
    start = parse_time(window.get("start")) or parse_time(alert.get("event_time"))
    end = parse_time(window.get("end")) or start
    if start is None or end is None:
        return {"from": "now-24h", "to": "now"}
    return {"from": _kibana_time(start - margin), "to": _kibana_time(end + margin)}


def _state(value: dict) -> str:
    return quote(rison(value), safe=_URL_SAFE)


def kibana_links(
    alert: dict,
    kibana_url: str | None,
    *,
    data_view_id: str = POSTS_DATA_VIEW,
    margin: timedelta = MARGIN,
) -> dict:
    """Links into Kibana for ``alert``: always ``discover``; ``narrative`` (the narrative
    drill-down dashboard) for narrative terms, ``trend`` (the trending-alerts dashboard) for
    the others. Empty when there is no ``kibana_url``. A pure function.
    """
    if not kibana_url:
        return {}
    base = kibana_url.rstrip("/")
    g = _state({"filters": [], "time": time_range(alert, margin)})
    query = {"language": "kuery", "query": alert_query(alert)}
    links = {
        "discover": f"{base}/app/discover#/?_g={g}"
        f"&_a={_state({'index': data_view_id, 'query': query})}",
    }
    term = alert.get("term") or {}
    if term.get("kind") == "narrative":
        links["narrative"] = f"{base}/app/dashboards#/view/{NARRATIVE_DASHBOARD}?_g={g}&_a={_state({'query': query})}"
    elif term.get("value") not in (None, ""):
        # The dashboard shows posts and alerts: the query must match the term in both indices.
        alerts_query = f"term.kind:{kql_string(term.get('kind') or '')} and term.value:{kql_string(term['value'])}"
        both = {"language": "kuery", "query": f"({query['query']}) or ({alerts_query})"}
        links["trend"] = f"{base}/app/dashboards#/view/{TREND_DASHBOARD}?_g={g}&_a={_state({'query': both})}"
    return links
