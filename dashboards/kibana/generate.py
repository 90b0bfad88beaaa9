"""Writes pantau's Kibana saved objects (the *.ndjson files beside this script).

The NDJSON files are what ``pantau setup`` imports (``dashboards/kibana.py``); this script is
how they are written, because Lens state is too verbose to edit by hand. Change a panel here,
run ``.venv/bin/python dashboards/kibana/generate.py``, and commit both. A test checks that the
files are what this script writes.

Format: Kibana 8.15 saved objects as ``_export`` writes them: data views (``index-pattern``)
with fixed ids, by-reference Lens visualizations (``lens``, form-based datasource), saved
searches (``search``), one Vega visualization (``visualization``: Lens cannot aggregate nested
fields such as ``entities``) and dashboards whose ``panelsJSON`` panels point at those objects
through ``references`` named ``<panelIndex>:panel_<panelIndex>``. ``typeMigrationVersion`` is
the version whose shape each object has, never a later one, so Kibana runs any later
migrations itself.

The data views assume the default index prefix ``pantau-`` (``PANTAU_INDEX_PREFIX``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PREFIX = "pantau-"
CORE_MIGRATION_VERSION = "8.8.0"
# The newest migration version each object's shape matches (Kibana 8.15 accepts these and
# migrates forward from them).
TYPE_MIGRATION_VERSION = {
    "index-pattern": "8.0.0",
    "lens": "8.9.0",
    "search": "8.0.0",
    "visualization": "8.0.0",
    "dashboard": "8.9.0",
}
PANEL_VERSION = "8.15.0"

POSTS, NARRATIVES, ALERTS, DEADLETTERS, CONNECTORS = (
    PREFIX + "posts", PREFIX + "narratives", PREFIX + "alerts", PREFIX + "deadletters", PREFIX + "connectors")

DATA_VIEWS = {
    # id (= title = index name): (display name, time field)
    POSTS: ("pantau posts", "created_at"),
    NARRATIVES: ("pantau narratives", "last_seen"),
    ALERTS: ("pantau alerts", "window.start"),
    DEADLETTERS: ("pantau dead letters", "failed_at"),
    CONNECTORS: ("pantau connector status", "at"),
}

LAYER = "layer1"


def _obj(type_: str, id_: str, attributes: dict, references: list[dict] = ()) -> dict:
    return {
        "attributes": attributes,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "id": id_,
        "managed": False,
        "references": list(references),
        "type": type_,
        "typeMigrationVersion": TYPE_MIGRATION_VERSION[type_],
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------------------ data views

def data_view(id_: str) -> dict:
    name, time_field = DATA_VIEWS[id_]
    return _obj("index-pattern", id_, {
        "fieldAttrs": "{}",
        "fieldFormatMap": "{}",
        "fields": "[]",
        "name": name,
        "runtimeFieldMap": "{}",
        "sourceFilters": "[]",
        "timeFieldName": time_field,
        "title": id_,
        "typeMeta": "{}",
    })


# ----------------------------------------------------------------------------- Lens columns

def date_histogram(field: str, label: str | None = None) -> dict:
    return {"label": label or field, "dataType": "date", "operationType": "date_histogram",
            "sourceField": field, "isBucketed": True, "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
            **({"customLabel": True} if label else {})}


def terms(field: str, label: str, size: int, order_by: str | None, direction: str = "desc",
          other: bool = False, missing: bool = False, data_type: str = "string") -> dict:
    order = {"type": "column", "columnId": order_by} if order_by else {"type": "alphabetical"}
    return {"label": label, "customLabel": True, "dataType": data_type, "operationType": "terms",
            "sourceField": field, "isBucketed": True, "scale": "ordinal",
            "params": {"size": size, "orderBy": order, "orderDirection": direction,
                       "otherBucket": other, "missingBucket": missing,
                       "parentFormat": {"id": "terms"}, "include": [], "exclude": [],
                       "includeIsRegex": False, "excludeIsRegex": False}}


def count(label: str = "Count") -> dict:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": "count",
            "sourceField": "___records___", "isBucketed": False, "scale": "ratio",
            "params": {"emptyAsNull": True}}


def metric(op: str, field: str, label: str, data_type: str = "number") -> dict:
    """``op``: sum, average, min, max, median, unique_count."""
    params = {} if op == "unique_count" else {"emptyAsNull": True}
    return {"label": label, "customLabel": True, "dataType": data_type, "operationType": op,
            "sourceField": field, "isBucketed": False, "scale": "ratio", "params": params}


def last_value(field: str, sort_field: str, label: str, data_type: str = "string") -> dict:
    return {"label": label, "customLabel": True, "dataType": data_type,
            "operationType": "last_value", "sourceField": field, "isBucketed": False,
            "scale": "ratio" if data_type == "number" else "ordinal",
            "filter": {"query": f"{field}: *", "language": "kuery"},
            "params": {"sortField": sort_field, "showArrayValues": True}}


# ------------------------------------------------------------------------------ Lens objects

def lens(id_: str, title: str, description: str, view: str, vis_type: str,
         columns: dict[str, dict], visualization: dict, query: str = "") -> dict:
    layer = {"columns": columns, "columnOrder": list(columns), "incompleteColumns": {},
             "sampling": 1}
    state = {
        "datasourceStates": {"formBased": {"layers": {LAYER: layer}}, "textBased": {"layers": {}}},
        "visualization": visualization,
        "query": {"query": query, "language": "kuery"},
        "filters": [],
        "internalReferences": [],
        "adHocDataViews": {},
    }
    return _obj("lens", id_, {"title": title, "description": description,
                              "visualizationType": vis_type, "state": state},
                [{"type": "index-pattern", "id": view, "name": f"indexpattern-datasource-layer-{LAYER}"}])


def xy(series: str, x: str, ys: list[str], split: str | None = None, legend: str = "right") -> dict:
    layer = {"layerId": LAYER, "layerType": "data", "seriesType": series, "xAccessor": x,
             "accessors": ys, "palette": {"type": "palette", "name": "default"}}
    if split:
        layer["splitAccessor"] = split
    return {
        "legend": {"isVisible": True, "position": legend},
        "valueLabels": "hide",
        "fittingFunction": "None",
        "preferredSeriesType": series,
        "axisTitlesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "tickLabelsVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "gridlinesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "labelsOrientation": {"x": 0, "yLeft": 0, "yRight": 0},
        "layers": [layer],
    }


def table(columns: dict[str, dict], sort: tuple[str, str] | None = None) -> dict:
    vis = {"layerId": LAYER, "layerType": "data",
           "columns": [{"columnId": c, "isTransposed": False} for c in columns],
           "rowHeight": "auto", "headerRowHeight": "auto"}
    if sort:
        vis["sorting"] = {"columnId": sort[0], "direction": sort[1]}
    return vis


def pie(groups: list[str], metric_id: str) -> dict:
    return {"shape": "donut", "layers": [{
        "layerId": LAYER, "layerType": "data", "primaryGroups": groups, "metrics": [metric_id],
        "numberDisplay": "percent", "categoryDisplay": "default", "legendDisplay": "default",
        "nestedLegend": False}]}


def metric_vis(metric_id: str) -> dict:
    return {"layerId": LAYER, "layerType": "data", "metricAccessor": metric_id}


def lens_xy(id_, title, description, view, series, x, y, split=None, query="", legend="right"):
    columns = {"x": x, "y": y} if split is None else {"x": x, "split": split, "y": y}
    return lens(id_, title, description, view, "lnsXY", columns,
                xy(series, "x", ["y"], "split" if split else None, legend), query)


def lens_table(id_, title, description, view, columns, sort=None, query=""):
    return lens(id_, title, description, view, "lnsDatatable", columns, table(columns, sort), query)


def lens_pie(id_, title, description, view, group, value, query=""):
    return lens(id_, title, description, view, "lnsPie", {"group": group, "value": value},
                pie(["group"], "value"), query)


def lens_metric(id_, title, description, view, value, query=""):
    return lens(id_, title, description, view, "lnsMetric", {"value": value}, metric_vis("value"), query)


# ---------------------------------------------------------------------------- saved searches

def saved_search(id_: str, title: str, description: str, view: str, columns: list[str],
                 sort: list[list[str]], query: str = "") -> dict:
    source = {"query": {"query": query, "language": "kuery"}, "filter": [],
              "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    return _obj("search", id_, {
        "title": title,
        "description": description,
        "columns": columns,
        "sort": sort,
        "grid": {},
        "hideChart": False,
        "isTextBasedQuery": False,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _json(source)},
    }, [{"type": "index-pattern", "id": view, "name": "kibanaSavedObjectMeta.searchSourceJSON.index"}])


# ---------------------------------------------------------------------------------- Vega

def vega(id_: str, title: str, description: str, spec: dict) -> dict:
    """A Vega(-Lite) visualization; the spec is written as JSON (which Hjson accepts)."""
    vis_state = {"title": title, "type": "vega", "aggs": [],
                 "params": {"spec": json.dumps(spec, ensure_ascii=False, indent=2)}}
    return _obj("visualization", id_, {
        "title": title,
        "description": description,
        "visState": _json(vis_state),
        "uiStateJSON": "{}",
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": {"query": "", "language": "kuery"},
                                                             "filter": []})},
    })


def entities_spec() -> dict:
    """Top entities of the posts in context (dashboard query, filters and time range)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Entities mentioned (posts)",
        "data": {
            "url": {
                "index": POSTS,
                "%context%": True,
                "%timefield%": DATA_VIEWS[POSTS][1],
                "body": {
                    "size": 0,
                    "aggs": {
                        "entities": {
                            "nested": {"path": "entities"},
                            "aggs": {
                                "top": {
                                    "terms": {"field": "entities.canonical", "size": 15},
                                    "aggs": {
                                        "label": {"terms": {"field": "entities.label", "size": 1}},
                                        "posts": {"reverse_nested": {}},
                                    },
                                }
                            },
                        }
                    },
                },
            },
            "format": {"property": "aggregations.entities.top.buckets"},
        },
        "transform": [
            {"calculate": "datum.label.buckets.length ? datum.label.buckets[0].key : '?'", "as": "type"},
            {"calculate": "datum.posts.doc_count", "as": "post_count"},
        ],
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "key", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "post_count", "type": "quantitative", "title": "posts"},
            "color": {"field": "type", "type": "nominal", "title": "label"},
        },
    }


# ------------------------------------------------------------------------------ dashboards

def dashboard(id_: str, title: str, description: str, panels: list[tuple[dict, int, int, int, int]],
              controls: list[tuple[str, str, str, str]] = (), time_from: str | None = None) -> dict:
    """``panels``: (saved object, x, y, w, h) on Kibana's 48-column grid. ``controls``:
    (control id, data view id, field, title) options-list controls. ``time_from``: a time range
    (to now) stored with the dashboard; None for the dashboards alert links open, which keep the
    time range of the link (or of the time picker)."""
    panels_json, references = [], []
    for n, (obj, x, y, w, h) in enumerate(panels, 1):
        index = f"p{n}"
        panels_json.append({
            "version": PANEL_VERSION,
            "type": obj["type"],
            "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
            "panelIndex": index,
            "embeddableConfig": {"enhancements": {}},
            "panelRefName": f"panel_{index}",
        })
        references.append({"name": f"{index}:panel_{index}", "type": obj["type"], "id": obj["id"]})
    attributes = {
        "title": title,
        "description": description,
        "panelsJSON": _json(panels_json),
        "optionsJSON": _json({"useMargins": True, "syncColors": False, "syncCursor": True,
                              "syncTooltips": False, "hidePanelTitles": False}),
        "timeRestore": time_from is not None,
        **({"timeFrom": time_from, "timeTo": "now", "refreshInterval": {"pause": True, "value": 60000}}
           if time_from is not None else {}),
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": {"query": "", "language": "kuery"},
                                                             "filter": []})},
    }
    if controls:
        control_panels = {}
        for order, (cid, view, field, label) in enumerate(controls):
            control_panels[cid] = {
                "order": order, "width": "large", "grow": True, "type": "optionsListControl",
                "explicitInput": {"id": cid, "fieldName": field, "title": label,
                                  "singleSelect": True, "searchTechnique": "prefix",
                                  "selectedOptions": [], "enhancements": {}},
            }
            references.append({"name": f"controlGroup_{cid}:optionsListDataView",
                               "type": "index-pattern", "id": view})
        attributes["controlGroupInput"] = {
            "controlStyle": "oneLine",
            "chainingSystem": "HIERARCHICAL",
            "panelsJSON": _json(control_panels),
            "ignoreParentSettingsJSON": _json({"ignoreFilters": False, "ignoreQuery": False,
                                               "ignoreTimerange": False, "ignoreValidations": False}),
        }
    return _obj("dashboard", id_, attributes, references)


# ------------------------------------------------------------------------------- contents

def hoax_overview() -> list[dict]:
    narratives_table = lens_table(
        "pantau-overview-narratives-table", "Trending narratives",
        "Narratives seen in the time range, largest first, with the verdict of the claim they match.",
        NARRATIVES, {
            "narrative": terms("id", "Narrative", 25, "posts"),
            "verdict": last_value("verdict", "updated_at", "Verdict"),
            "claim": last_value("claim.claim.raw", "updated_at", "Claim"),
            "posts": metric("max", "post_count", "Posts"),
            "authors": metric("max", "unique_authors", "Authors"),
            "velocity": metric("max", "velocity", "Last hour"),
            "growth": metric("max", "growth", "Growth"),
            "platforms": last_value("platforms", "updated_at", "Platforms"),
            "last_seen": metric("max", "last_seen", "Last seen", "date"),
        }, sort=("posts", "desc"))
    verdicts = lens_pie(
        "pantau-overview-verdicts", "Posts by verdict",
        "Posts in narratives seen in the time range, by the verdict of the matched claim.",
        NARRATIVES, terms("verdict", "Verdict", 8, "value", missing=True), metric("sum", "post_count", "Posts"))
    by_narrative = lens_xy(
        "pantau-overview-posts-by-narrative", "Posts over time by narrative",
        "Posts per interval, split by the ten largest narratives.",
        POSTS, "bar_stacked", date_histogram("created_at", "Posted"), count("Posts"),
        terms("narrative_id", "Narrative", 10, "y"), legend="bottom")
    platforms = lens_pie("pantau-overview-platforms", "Posts by platform", "", POSTS,
                         terms("platform", "Platform", 10, "value", other=True), count("Posts"))
    languages = lens_pie("pantau-overview-languages", "Posts by language", "", POSTS,
                         terms("language.code", "Language", 10, "value", other=True), count("Posts"))
    n_posts = lens_metric("pantau-overview-post-count", "Posts", "", POSTS, count("Posts"))
    n_narratives = lens_metric("pantau-overview-narrative-count", "Narratives", "Distinct narratives of the posts.",
                               POSTS, metric("unique_count", "narrative_id", "Narratives"))
    hashtags = lens_xy("pantau-overview-hashtags", "Top hashtags", "", POSTS, "bar_horizontal",
                       terms("hashtags", "Hashtag", 15, "y"), count("Posts"), legend="right")
    board = dashboard(
        "pantau-hoax-overview", "pantau: hoax narratives overview",
        "Trending narratives with their verdicts, posts over time by narrative, platforms and "
        "languages. Assumes the default index prefix pantau-.",
        [(n_posts, 0, 0, 8, 6), (n_narratives, 8, 0, 8, 6), (verdicts, 16, 0, 16, 12),
         (platforms, 32, 0, 16, 12), (languages, 0, 6, 16, 12),
         (narratives_table, 0, 18, 48, 16),
         (by_narrative, 0, 34, 32, 14), (hashtags, 32, 34, 16, 14)],
        time_from="now-7d")
    return [n_posts, n_narratives, verdicts, platforms, languages, narratives_table, by_narrative,
            hashtags, board]


def narrative_drilldown() -> list[dict]:
    timeline = lens_xy(
        "pantau-drilldown-timeline", "Timeline by platform",
        "Posts of the narrative per interval, by platform.",
        POSTS, "bar_stacked", date_histogram("created_at", "Posted"), count("Posts"),
        terms("platform", "Platform", 10, "y"))
    n_posts = lens_metric("pantau-drilldown-post-count", "Posts", "", POSTS, count("Posts"))
    n_authors = lens_metric("pantau-drilldown-author-count", "Authors", "", POSTS,
                            metric("unique_count", "author.handle", "Authors"))
    first = lens_table(
        "pantau-drilldown-first-posters", "First posters",
        "The authors who posted it first, earliest first.",
        POSTS, {
            "author": terms("author.handle", "Author", 10, "first", direction="asc"),
            "first": metric("min", "created_at", "First post", "date"),
            "platform": last_value("platform", "created_at", "Platform"),
            "posts": count("Posts"),
            "followers": metric("max", "author.followers", "Followers"),
        }, sort=("first", "asc"))
    spreaders = lens_table(
        "pantau-drilldown-top-spreaders", "Top spreaders",
        "Authors whose posts of the narrative were reshared most.",
        POSTS, {
            "author": terms("author.handle", "Author", 10, "reshares"),
            "reshares": metric("sum", "engagement.reshares", "Reshares"),
            "posts": count("Posts"),
            "followers": metric("max", "author.followers", "Followers"),
            "platform": last_value("platform", "created_at", "Platform"),
        }, sort=("reshares", "desc"))
    via = lens_pie("pantau-drilldown-via", "How posts joined", "narrative_via: copy, paraphrase, reshare, link ...",
                   POSTS, terms("narrative_via", "Joined via", 8, "value", other=True), count("Posts"))
    claims = lens_table(
        "pantau-drilldown-claims", "Matched claims",
        "Debunked claims the posts match, with their verdicts.",
        POSTS, {
            "verdict": terms("claim.verdict", "Verdict", 5, "posts"),
            "claim": terms("claim.claim.raw", "Claim", 5, "posts"),
            "url": terms("claim.url", "Fact check", 3, "posts"),
            "posts": count("Posts"),
        }, sort=("posts", "desc"))
    hashtags = lens_xy("pantau-drilldown-hashtags", "Hashtags", "", POSTS, "bar_horizontal",
                       terms("hashtags", "Hashtag", 15, "y"), count("Posts"))
    entities = vega("pantau-drilldown-entities", "Entities",
                    "People, places and organisations the posts mention (Vega: entities are nested "
                    "documents, which Lens cannot aggregate).", entities_spec())
    samples = saved_search(
        "pantau-drilldown-posts", "Narrative posts",
        "The posts, earliest first.", POSTS,
        ["platform", "author.handle", "text", "language.code", "narrative_via", "engagement.reshares", "url"],
        [["created_at", "asc"]])
    board = dashboard(
        "pantau-narrative-drilldown", "pantau: narrative drill-down",
        "One narrative: choose it in the Narrative control or query narrative_id:\"<id>\" "
        "(alert links do). Timeline, first posters, top spreaders, entities and sample posts. "
        "Assumes the default index prefix pantau-.",
        [(n_posts, 0, 0, 8, 6), (n_authors, 8, 0, 8, 6), (timeline, 16, 0, 32, 12),
         (via, 0, 6, 16, 12),
         (first, 0, 18, 24, 14), (spreaders, 24, 18, 24, 14),
         (entities, 0, 32, 24, 16), (hashtags, 24, 32, 24, 16),
         (claims, 0, 48, 48, 8),
         (samples, 0, 56, 48, 18)],
        controls=[("narrative", POSTS, "narrative_id", "Narrative")])
    return [timeline, n_posts, n_authors, first, spreaders, via, claims, hashtags, entities, samples, board]


def trending_alerts() -> list[dict]:
    time_field = DATA_VIEWS[ALERTS][1]
    by_severity = lens_xy("pantau-alerts-by-severity", "Alerts over time by severity", "",
                          ALERTS, "bar_stacked", date_histogram(time_field, "Window"), count("Alerts"),
                          terms("severity", "Severity", 5, "y"))
    by_rule = lens_xy("pantau-alerts-by-rule", "Alerts over time by rule", "",
                      ALERTS, "bar_stacked", date_histogram(time_field, "Window"), count("Alerts"),
                      terms("rule", "Rule", 10, "y"))
    top_terms = lens_table(
        "pantau-alerts-top-terms", "Top terms in alerts",
        "Terms (hashtags, entities, keywords, narratives) that raised the most alerts.",
        ALERTS, {
            "term": terms("term.value", "Term", 25, "alerts"),
            "kind": last_value("term.kind", time_field, "Kind"),
            "alerts": count("Alerts"),
            "posts": metric("max", "count", "Most posts in a window"),
            "factor": metric("max", "factor", "Highest factor"),
            "last": metric("max", time_field, "Last window", "date"),
        }, sort=("alerts", "desc"))
    watchlist = lens_table(
        "pantau-alerts-watchlist", "Watchlist alerts",
        "Alerts of watchlist rules: terms analysts asked to be told about.",
        ALERTS, {
            "term": terms("term.value", "Term", 25, "alerts"),
            "rule": terms("rule", "Rule", 5, "alerts"),
            "alerts": count("Alerts"),
            "posts": metric("max", "count", "Most posts in a window"),
            "last": metric("max", time_field, "Last window", "date"),
        }, sort=("last", "desc"), query='type : "watchlist"')
    kinds = lens_pie("pantau-alerts-kinds", "Alerts by term kind", "", ALERTS,
                     terms("term.kind", "Kind", 8, "value"), count("Alerts"))
    bursts = lens_xy(
        "pantau-alerts-term-bursts", "Posts over time (the query's posts)",
        "Posts matching the query bar, by hashtag: an alert link's query shows its term's burst.",
        POSTS, "bar_stacked", date_histogram("created_at", "Posted"), count("Posts"),
        terms("hashtags", "Hashtag", 5, "y"))
    alert_list = saved_search(
        "pantau-alerts-list", "Alerts", "Every alert, newest window first.", ALERTS,
        ["severity", "rule", "type", "term.kind", "term.value", "count", "baseline", "factor",
         "message", "delivery_status"],
        [[time_field, "desc"]])
    board = dashboard(
        "pantau-trending-alerts", "pantau: trending terms and alerts",
        "Alerts over time by severity and rule, the terms that raise them, watchlist alerts, the "
        "alert list, and the posts matching the query. Assumes the default index prefix pantau-.",
        [(by_severity, 0, 0, 24, 12), (by_rule, 24, 0, 24, 12),
         (bursts, 0, 12, 32, 12), (kinds, 32, 12, 16, 12),
         (top_terms, 0, 24, 28, 14), (watchlist, 28, 24, 20, 14),
         (alert_list, 0, 38, 48, 18)])
    return [by_severity, by_rule, top_terms, watchlist, kinds, bursts, alert_list, board]


def ingest_health() -> list[dict]:
    per_connector = lens_xy(
        "pantau-ingest-posts-per-connector", "Posts collected per connector",
        "Posts by the time they were collected (collected_at), per connector.",
        POSTS, "bar_stacked", date_histogram("collected_at", "Collected"), count("Posts"),
        terms("connector", "Connector", 15, "y"))
    rate = lens_xy(
        "pantau-ingest-items-per-minute", "Items per minute per connector",
        "From the connectors' periodic status snapshots.",
        CONNECTORS, "line", date_histogram("at", "Snapshot"), metric("max", "items_per_minute", "Items per minute"),
        terms("name", "Connector", 15, "y"))
    errors = lens_xy(
        "pantau-ingest-consecutive-errors", "Consecutive errors per connector",
        "Errors in a row each connector reported (0 once it fetches again).",
        CONNECTORS, "line", date_histogram("at", "Snapshot"), metric("max", "consecutive_errors", "Consecutive errors"),
        terms("name", "Connector", 15, "y"))
    status = lens_table(
        "pantau-ingest-connector-status", "Connector status",
        "Each connector's latest snapshot in the time range.",
        CONNECTORS, {
            "name": terms("name", "Connector", 50, None, direction="asc"),
            "type": last_value("type", "at", "Type"),
            "state": last_value("state", "at", "State"),
            "paused": last_value("paused", "at", "Paused", "boolean"),
            "consecutive": last_value("consecutive_errors", "at", "Consecutive errors", "number"),
            "errors": metric("max", "errors_total", "Errors"),
            "kind": last_value("last_error_kind", "at", "Last error"),
            "published": metric("max", "published", "Published"),
            "dead": metric("max", "dead_lettered", "Dead-lettered"),
            "backoff": last_value("backoff_seconds", "at", "Backoff (s)", "number"),
            "last_success": metric("max", "last_success", "Last success", "date"),
        })
    dead_over_time = lens_xy(
        "pantau-ingest-deadletters-by-stage", "Dead letters over time by stage", "",
        DEADLETTERS, "bar_stacked", date_histogram("failed_at", "Failed"), count("Dead letters"),
        terms("stage", "Stage", 10, "y"))
    reasons = lens_table(
        "pantau-ingest-deadletter-reasons", "Top dead-letter reasons", "",
        DEADLETTERS, {
            "reason": terms("reason.raw", "Reason", 20, "count"),
            "stage": last_value("stage", "failed_at", "Stage"),
            "count": count("Dead letters"),
            "last": metric("max", "failed_at", "Last", "date"),
        }, sort=("count", "desc"))
    by_connector = lens_pie("pantau-ingest-deadletters-by-connector", "Dead letters by connector", "",
                            DEADLETTERS, terms("connector", "Connector", 10, "value", missing=True),
                            count("Dead letters"))
    recent = saved_search(
        "pantau-ingest-deadletters", "Dead letters", "The newest dead letters.", DEADLETTERS,
        ["stage", "reason", "connector", "source.topic", "source.partition", "source.offset"],
        [["failed_at", "desc"]])
    board = dashboard(
        "pantau-ingest-health", "pantau: ingest health",
        "Posts per connector over time, connector state and errors, dead letters by stage and "
        "reason. Assumes the default index prefix pantau-.",
        [(per_connector, 0, 0, 24, 12), (rate, 24, 0, 24, 12),
         (status, 0, 12, 48, 12),
         (errors, 0, 24, 24, 12), (dead_over_time, 24, 24, 24, 12),
         (reasons, 0, 36, 32, 14), (by_connector, 32, 36, 16, 14),
         (recent, 0, 50, 48, 16)],
        time_from="now-24h")
    return [per_connector, rate, errors, status, dead_over_time, reasons, by_connector, recent, board]


#: file name -> its objects, in the order they are imported (data views first).
def saved_objects() -> dict[str, list[dict]]:
    return {
        "data-views.ndjson": [data_view(id_) for id_ in DATA_VIEWS],
        "hoax-overview.ndjson": hoax_overview(),
        "narrative-drilldown.ndjson": narrative_drilldown(),
        "trending-alerts.ndjson": trending_alerts(),
        "ingest-health.ndjson": ingest_health(),
    }


def render(objects: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects)


def main() -> None:
    for name, objects in saved_objects().items():
        (HERE / name).write_text(render(objects), encoding="utf-8")
        print(f"wrote {name}: {len(objects)} objects")


if __name__ == "__main__":
    main()
