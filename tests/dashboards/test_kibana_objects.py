"""Kibana saved objects (dashboards/kibana/*.ndjson) and their import (dashboards/kibana.py).

The objects: every line parses, every embedded JSON string parses, every reference resolves
within the files, and every field a visualization, saved search, control or data view uses
exists in the index mapping (dashboards/mappings/*.json) with a type that supports that use.
The import: against a small HTTP server that answers like Kibana's /api/status and
/api/saved_objects/_import.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from werkzeug import Request, Response

from dashboards import kibana
from dashboards.kibana import KibanaImportError, KibanaNotReady, import_saved_objects

REPO = Path(__file__).resolve().parents[2]
KIBANA_DIR = REPO / "dashboards" / "kibana"
MAPPINGS_DIR = REPO / "dashboards" / "mappings"
PREFIX = "pantau-"
FILES = sorted(KIBANA_DIR.glob("*.ndjson"))

DATA_VIEW_TIME_FIELDS = {
    "pantau-posts": {"created_at"},
    "pantau-narratives": {"last_seen"},
    "pantau-alerts": {"window.start", "raised_at"},
    "pantau-deadletters": {"failed_at"},
    "pantau-connectors": {"at"},
}
DASHBOARDS = {"pantau-narrative-drilldown", "pantau-trending-alerts", "pantau-hoax-overview",
              "pantau-ingest-health"}

# Attributes Kibana 8.15's create schemas accept (dashboard: unknowns forbidden).
DASHBOARD_ATTRIBUTES = {"title", "description", "kibanaSavedObjectMeta", "timeRestore", "timeFrom",
                        "timeTo", "refreshInterval", "controlGroupInput", "panelsJSON", "optionsJSON",
                        "hits", "version"}
SEARCH_ATTRIBUTES = {"title", "description", "columns", "sort", "grid", "rowHeight", "rowsPerPage",
                     "hideChart", "breakdownField", "kibanaSavedObjectMeta", "isTextBasedQuery",
                     "usesAdHocDataView", "timeRestore", "timeRange", "refreshInterval", "viewMode",
                     "hideAggregatedPreview", "hits", "version", "sampleSize", "headerRowHeight"}

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float",
           "unsigned_long"}
TERMS_TYPES = {"keyword", "boolean", "ip", "constant_keyword"} | NUMERIC


# ----------------------------------------------------------------------------- mapping resolver

class Field:
    def __init__(self, path: str, spec: dict, nested: str | None):
        self.path, self.type, self.nested = path, spec.get("type", "object"), nested
        self.indexed = spec.get("index", True) is not False
        self.doc_values = spec.get("doc_values", self.type not in {"text", "object", "nested"}) is not False

    @property
    def aggregatable(self) -> bool:
        return self.type not in {"text", "object", "nested"} and self.doc_values

    def __repr__(self) -> str:
        return f"{self.path}<{self.type}{' in ' + self.nested if self.nested else ''}>"


def resolve_mapping(mapping: dict) -> dict[str, Field]:
    """Every field path of an index mapping (objects, nested, multi-fields) -> :class:`Field`.
    Objects with ``enabled: false`` contribute no searchable sub-fields."""
    fields: dict[str, Field] = {}

    def walk(properties: dict, prefix: str, nested: str | None) -> None:
        for name, spec in properties.items():
            path = prefix + name
            fields[path] = Field(path, spec, nested)
            if spec.get("enabled") is False:
                continue
            inner_nested = path if spec.get("type") == "nested" else nested
            if "properties" in spec:
                walk(spec["properties"], path + ".", inner_nested)
            for sub, sub_spec in (spec.get("fields") or {}).items():
                fields[f"{path}.{sub}"] = Field(f"{path}.{sub}", sub_spec, nested)

    walk(mapping["mappings"]["properties"], "", None)
    return fields


MAPPINGS = {f"{PREFIX}{p.stem}": resolve_mapping(json.loads(p.read_text())) for p in MAPPINGS_DIR.glob("*.json")}


def field(index: str, path: str) -> Field:
    fields = MAPPINGS[index]
    assert path in fields, f"{path!r} is not a field of {index} (dashboards/mappings)"
    return fields[path]


def test_resolver_understands_objects_nested_and_multi_fields():
    posts = MAPPINGS["pantau-posts"]
    assert posts["author.handle"].type == "keyword" and posts["author.handle"].aggregatable
    assert posts["text"].type == "text" and not posts["text"].aggregatable
    assert posts["text.en"].type == "text"
    assert posts["claim.claim.raw"].type == "keyword"
    assert posts["entities.canonical"].nested == "entities"
    assert "language.candidates" in posts and "language.candidates.x" not in posts
    dead = MAPPINGS["pantau-deadletters"]
    assert not dead["original_b64"].aggregatable and dead["reason.raw"].aggregatable


# ------------------------------------------------------------------------------------- objects

def load(path: Path) -> list[dict]:
    objects = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n}: blank line"
        obj = json.loads(line)
        assert isinstance(obj, dict), f"{path.name}:{n}"
        for key in ("id", "type", "attributes", "references"):
            assert key in obj, f"{path.name}:{n}: no {key}"
        assert isinstance(obj["attributes"], dict) and isinstance(obj["references"], list)
        objects.append(obj)
    return objects


OBJECTS = [(p.name, o) for p in FILES for o in load(p)]
BY_KEY = {(o["type"], o["id"]): o for _, o in OBJECTS}


def of_type(type_: str) -> list[dict]:
    return [o for _, o in OBJECTS if o["type"] == type_]


def ref_by_name(obj: dict, name: str) -> dict:
    matches = [r for r in obj["references"] if r["name"] == name]
    assert len(matches) == 1, f"{obj['type']} {obj['id']}: {len(matches)} references named {name}"
    return matches[0]


def embedded(obj: dict) -> dict:
    """Every JSON-in-a-string attribute of ``obj``, parsed."""
    attrs, out = obj["attributes"], {}
    for key in ("panelsJSON", "optionsJSON", "visState", "uiStateJSON", "fieldAttrs", "fieldFormatMap",
                "fields", "runtimeFieldMap", "sourceFilters", "typeMeta"):
        if key in attrs:
            out[key] = json.loads(attrs[key])
    meta = attrs.get("kibanaSavedObjectMeta")
    if meta is not None:
        out["searchSourceJSON"] = json.loads(meta["searchSourceJSON"])
    group = attrs.get("controlGroupInput")
    if group is not None:
        out["controlPanelsJSON"] = json.loads(group["panelsJSON"])
        out["ignoreParentSettingsJSON"] = json.loads(group["ignoreParentSettingsJSON"])
    if obj["type"] == "visualization":
        out["spec"] = json.loads(out["visState"]["params"]["spec"])  # written as JSON (valid Hjson)
    return out


def test_the_files_exist_and_every_object_parses():
    assert {p.name for p in FILES} == set(kibana.SAVED_OBJECT_FILES)
    assert len(OBJECTS) == len(BY_KEY), "an id is used twice for one type"
    for _, obj in OBJECTS:
        assert obj["coreMigrationVersion"] == "8.8.0" and obj["typeMigrationVersion"]
        assert obj["attributes"].get("title")
        embedded(obj)
        if obj["type"] == "lens":
            state = obj["attributes"]["state"]
            assert isinstance(state, dict) and set(state) >= {"datasourceStates", "visualization", "query",
                                                             "filters"}
            json.loads(json.dumps(state))


def test_the_files_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("pantau_kibana_generate", KIBANA_DIR / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    for name, objects in generate.saved_objects().items():
        assert (KIBANA_DIR / name).read_text(encoding="utf-8") == generate.render(objects), (
            f"{name} is stale: run .venv/bin/python dashboards/kibana/generate.py")


def test_data_views_have_fixed_ids_titles_and_date_time_fields():
    views = {o["id"]: o for o in of_type("index-pattern")}
    assert set(views) == set(DATA_VIEW_TIME_FIELDS)
    for id_, view in views.items():
        attrs = view["attributes"]
        assert attrs["title"] == id_ and id_ in MAPPINGS
        assert attrs["timeFieldName"] in DATA_VIEW_TIME_FIELDS[id_]
        assert field(id_, attrs["timeFieldName"]).type == "date"


def test_every_reference_resolves_within_the_files():
    for name, obj in OBJECTS:
        names = [r["name"] for r in obj["references"]]
        assert len(names) == len(set(names)), f"{obj['id']}: duplicate reference names"
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in BY_KEY, f"{name}: {obj['id']} -> {ref['type']} {ref['id']} is missing"
    # the data views come first so a file-by-file import never misses one
    assert kibana.SAVED_OBJECT_FILES[0] == "data-views.ndjson"


def test_dashboards_have_fixed_ids_and_every_panel_a_reference():
    boards = {o["id"]: o for o in of_type("dashboard")}
    assert set(boards) == DASHBOARDS == set(kibana.DASHBOARD_IDS)
    for board in boards.values():
        attrs = board["attributes"]
        assert set(attrs) <= DASHBOARD_ATTRIBUTES, set(attrs) - DASHBOARD_ATTRIBUTES
        parsed = embedded(board)
        panels = parsed["panelsJSON"]
        assert panels
        cells: set[tuple[int, int]] = set()
        for panel in panels:
            index = panel["panelIndex"]
            assert panel["gridData"]["i"] == index
            ref = ref_by_name(board, f"{index}:{panel['panelRefName']}")
            assert ref["type"] == panel["type"] and (ref["type"], ref["id"]) in BY_KEY
            grid = panel["gridData"]
            assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 48 and grid["h"] > 0
            mine = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                    for y in range(grid["y"], grid["y"] + grid["h"])}
            assert not cells & mine, f"{board['id']}: panel {index} overlaps another"
            cells |= mine
        # the dashboard's own query stays empty: alert links bring theirs in the URL, and the
        # dashboards they open keep the link's time range instead of restoring their own
        if board["id"] in {"pantau-narrative-drilldown", "pantau-trending-alerts"}:
            assert attrs["timeRestore"] is False and "timeFrom" not in attrs
        assert parsed["searchSourceJSON"]["query"] == {"query": "", "language": "kuery"}
        for cid, control in parsed.get("controlPanelsJSON", {}).items():
            view = ref_by_name(board, f"controlGroup_{cid}:optionsListDataView")
            assert view["type"] == "index-pattern"
            f = field(view["id"], control["explicitInput"]["fieldName"])
            assert f.type in TERMS_TYPES and f.aggregatable and f.nested is None


def test_the_drilldown_follows_a_narrative_id_query():
    """Alerts link to it with the KQL narrative_id:"..."; every panel must be able to apply it."""
    board = BY_KEY[("dashboard", "pantau-narrative-drilldown")]
    controls = embedded(board)["controlPanelsJSON"]
    assert [c["explicitInput"]["fieldName"] for c in controls.values()] == ["narrative_id"]
    for ref in board["references"]:
        target = BY_KEY[(ref["type"], ref["id"])]
        views = {target["id"]} if target["type"] == "index-pattern" else data_views_of(target)
        assert views == {"pantau-posts"}, f"{target['id']} is not over the posts"


def data_views_of(obj: dict) -> set[str]:
    if obj["type"] == "visualization":
        return {embedded(obj)["spec"]["data"]["url"]["index"]}
    return {r["id"] for r in obj["references"] if r["type"] == "index-pattern"}


# --------------------------------------------------------------------- fields and their uses

def kql_fields(query: str) -> list[str]:
    """Field names in a simple KQL query (``a.b : "x" and c:(...)``)."""
    without_strings = re.sub(r'"(?:\\.|[^"\\])*"', '""', query)
    return re.findall(r"([A-Za-z_@][\w.@]*)\s*:", without_strings)


def check_use(index: str, path: str, use: str, where: str) -> None:
    f = field(index, path)
    what = f"{where}: {use} on {f!r}"
    assert f.indexed or use == "column", what
    if use == "date_histogram":
        assert f.type == "date", what
    elif use == "terms":
        assert f.type in TERMS_TYPES and f.aggregatable, what
    elif use in {"sum", "average", "median", "standard_deviation", "percentile"}:
        assert f.type in NUMERIC, what
    elif use in {"min", "max"}:
        assert f.type in NUMERIC | {"date"}, what
    elif use in {"unique_count", "count", "last_value", "sort"}:
        assert f.aggregatable, what
    elif use == "sort_date":
        assert f.type == "date", what
    elif use == "query":
        assert f.type not in {"object"} or f.nested, what
    elif use == "column":
        assert f.type not in {"object", "nested"}, what
    else:
        raise AssertionError(f"unknown use {use}")


def lens_uses(obj: dict) -> list[tuple[str, str, str]]:
    """(data view id, field, use) for every field a Lens object uses."""
    state = obj["attributes"]["state"]
    uses = []
    layers = state["datasourceStates"]["formBased"]["layers"]
    for layer_id, layer in layers.items():
        view = ref_by_name(obj, f"indexpattern-datasource-layer-{layer_id}")["id"]
        assert set(layer["columnOrder"]) == set(layer["columns"])
        for column_id, column in layer["columns"].items():
            op, source = column["operationType"], column.get("sourceField")
            if op == "count" and source == "___records___":
                pass
            else:
                assert source, f"{obj['id']}: column {column_id} has no field"
                uses.append((view, source, op))
                assert field(view, source).nested is None, f"{obj['id']}: Lens cannot aggregate nested {source}"
            params = column.get("params") or {}
            if op == "terms":
                order = params["orderBy"]
                assert order["type"] in {"alphabetical", "column"}
                if order["type"] == "column":
                    assert order["columnId"] in layer["columns"] and order["columnId"] != column_id
            if op == "last_value":
                uses.append((view, params["sortField"], "sort_date"))
            if column.get("filter"):
                uses += [(view, f, "query") for f in kql_fields(column["filter"]["query"])]
        uses += [(view, f, "query") for f in kql_fields(state["query"]["query"])]
    return uses


def lens_accessors(vis: dict, vis_type: str) -> set[str]:
    if vis_type == "lnsXY":
        ids = set()
        for layer in vis["layers"]:
            ids |= set(layer["accessors"]) | {layer["xAccessor"]} | ({layer["splitAccessor"]} if layer.get("splitAccessor") else set())
        return ids
    if vis_type == "lnsDatatable":
        return {c["columnId"] for c in vis["columns"]}
    if vis_type == "lnsPie":
        return {a for layer in vis["layers"] for a in layer["primaryGroups"] + layer["metrics"]}
    if vis_type == "lnsMetric":
        return {vis["metricAccessor"]}
    raise AssertionError(f"unexpected visualization type {vis_type}")


def test_lens_visualizations_are_consistent():
    lenses = of_type("lens")
    assert {o["attributes"]["visualizationType"] for o in lenses} == {"lnsXY", "lnsDatatable", "lnsPie", "lnsMetric"}
    for obj in lenses:
        state, vis_type = obj["attributes"]["state"], obj["attributes"]["visualizationType"]
        layers = state["datasourceStates"]["formBased"]["layers"]
        columns = {c for layer in layers.values() for c in layer["columns"]}
        accessors = lens_accessors(state["visualization"], vis_type)
        assert accessors <= columns, f"{obj['id']}: accessors {accessors - columns} have no column"
        assert accessors == columns, f"{obj['id']}: columns {columns - accessors} are never shown"
        assert all(r["type"] == "index-pattern" for r in obj["references"])


def test_every_field_a_lens_visualization_uses_exists_with_a_fitting_type():
    checked = 0
    for obj in of_type("lens"):
        for view, path, use in lens_uses(obj):
            check_use(view, path, use, f"lens {obj['id']}")
            checked += 1
    assert checked > 80


def test_every_field_a_saved_search_uses_exists():
    for obj in of_type("search"):
        attrs = obj["attributes"]
        assert set(attrs) <= SEARCH_ATTRIBUTES, set(attrs) - SEARCH_ATTRIBUTES
        source = embedded(obj)["searchSourceJSON"]
        view = ref_by_name(obj, source["indexRefName"])
        assert view["type"] == "index-pattern"
        for column in attrs["columns"]:
            check_use(view["id"], column, "column", f"search {obj['id']}")
        for sort_field, direction in attrs["sort"]:
            assert direction in {"asc", "desc"}
            check_use(view["id"], sort_field, "sort", f"search {obj['id']}")
        for f in kql_fields(source["query"]["query"]):
            check_use(view["id"], f, "query", f"search {obj['id']}")


def vega_uses(node, uses: list[tuple[str, str]], nested: str | None = None) -> None:
    """(field, use) for the aggregations of a Vega Elasticsearch query body."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "nested":
                uses.append((value["path"], "nested"))
            elif key in {"terms", "date_histogram", "sum", "avg", "max", "min", "cardinality"} and isinstance(value, dict):
                uses.append((value["field"], key))
            vega_uses(value, uses)
    elif isinstance(node, list):
        for value in node:
            vega_uses(value, uses)


def test_every_field_a_vega_visualization_uses_exists_with_a_fitting_type():
    visualizations = of_type("visualization")
    assert visualizations
    for obj in visualizations:
        url = embedded(obj)["spec"]["data"]["url"]
        index = url["index"]
        assert index in MAPPINGS and url["%context%"] is True
        assert field(index, url["%timefield%"]).type == "date"
        uses: list[tuple[str, str]] = []
        vega_uses(url["body"]["aggs"], uses)
        assert uses
        for path, use in uses:
            f = field(index, path)
            if use == "nested":
                assert f.type == "nested", f"{obj['id']}: {path} is not nested"
            elif use == "terms":
                assert f.type in TERMS_TYPES and f.aggregatable, f"{obj['id']}: terms on {f!r}"
            elif use == "date_histogram":
                assert f.type == "date"
            else:
                assert f.type in NUMERIC | {"date"} or use == "cardinality"


def test_check_use_rejects_what_kibana_would_refuse():
    with pytest.raises(AssertionError):
        check_use("pantau-posts", "text", "terms", "t")  # text is not aggregatable
    with pytest.raises(AssertionError):
        check_use("pantau-posts", "platform", "date_histogram", "t")
    with pytest.raises(AssertionError):
        check_use("pantau-posts", "created_at", "sum", "t")
    with pytest.raises(AssertionError):
        check_use("pantau-posts", "no_such_field", "count", "t")
    with pytest.raises(AssertionError):
        check_use("pantau-deadletters", "original_b64", "unique_count", "t")
    check_use("pantau-posts", "text", "column", "t")
    assert kql_fields('type : "watchlist" and a.b:("x:y" or "z")') == ["type", "a.b"]


# -------------------------------------------------------------------------------------- import

PASSWORD = "s3cr3t-Pa55word!"
API_KEY = "aWQ6YXBpa2V5LXNlY3JldA=="


class FakeKibana:
    """/api/status unavailable for the first ``unavailable`` calls, then available; records imports."""

    def __init__(self, unavailable: int = 2, import_answer: dict | None = None):
        self.unavailable = unavailable
        self.status_calls = 0
        self.imports: list[Request] = []
        self.bodies: list[dict] = []
        self.import_answer = import_answer

    def status(self, request: Request) -> Response:
        self.status_calls += 1
        if self.status_calls <= self.unavailable:
            body = {"status": {"overall": {"level": "unavailable", "summary": "starting"}}}
            return Response(json.dumps(body), status=503, content_type="application/json")
        body = {"status": {"overall": {"level": "available"}, "core": {"savedObjects": {"level": "available"}}}}
        return Response(json.dumps(body), content_type="application/json")

    def import_(self, request: Request) -> Response:
        upload = request.files["file"]
        content = upload.read().decode("utf-8")
        self.imports.append(request)
        self.bodies.append({"args": dict(request.args), "headers": dict(request.headers),
                            "filename": upload.filename, "content": content})
        answer = self.import_answer or {"success": True, "successCount": len(content.splitlines())}
        return Response(json.dumps(answer), content_type="application/json")


@pytest.fixture
def fake_kibana(httpserver):
    def start(**kwargs) -> FakeKibana:
        fake = FakeKibana(**kwargs)
        httpserver.expect_request("/api/status", method="GET").respond_with_handler(fake.status)
        httpserver.expect_request("/api/saved_objects/_import", method="POST").respond_with_handler(fake.import_)
        return fake
    return start


def test_import_waits_for_kibana_then_posts_every_file_with_overwrite(httpserver, fake_kibana):
    fake = fake_kibana(unavailable=2)
    result = import_saved_objects(httpserver.url_for("/"), username="elastic", password=PASSWORD,
                                  timeout=10, poll_interval=0.05)
    assert fake.status_calls == 3  # two unavailable answers, then available
    assert list(result) == list(kibana.SAVED_OBJECT_FILES)
    assert [b["filename"] for b in fake.bodies] == list(kibana.SAVED_OBJECT_FILES)
    for body, name in zip(fake.bodies, kibana.SAVED_OBJECT_FILES):
        assert body["args"] == {"overwrite": "true"}
        assert body["headers"]["Kbn-Xsrf"] == "true"
        assert body["headers"]["Content-Type"].startswith("multipart/form-data")
        assert body["headers"]["Authorization"].startswith("Basic ")
        assert body["content"] == (KIBANA_DIR / name).read_text(encoding="utf-8")
        assert result[name] == len(body["content"].splitlines())


def test_import_sends_an_api_key_and_only_the_files_given(httpserver, fake_kibana, tmp_path):
    fake = fake_kibana(unavailable=0)
    one = tmp_path / "one.ndjson"
    one.write_text((KIBANA_DIR / "data-views.ndjson").read_text())
    result = import_saved_objects(httpserver.url_for("/"), api_key=API_KEY, files=[one], timeout=5,
                                  poll_interval=0.05)
    assert result == {"one.ndjson": 5}
    assert fake.bodies[0]["headers"]["Authorization"] == f"ApiKey {API_KEY}"


def test_import_raises_with_kibanas_errors_and_never_shows_the_password(httpserver, fake_kibana):
    errors = [{"id": "pantau-hoax-overview", "type": "dashboard", "title": "pantau: hoax narratives overview",
               "meta": {"title": "pantau: hoax narratives overview", "icon": "dashboardApp"},
               "error": {"type": "missing_references",
                         "references": [{"type": "index-pattern", "id": "pantau-posts"}]}},
              {"id": "pantau-alerts-list", "type": "search", "title": "Alerts",
               "error": {"type": "unknown", "message": f"bad request {PASSWORD}", "statusCode": 400}}]
    fake_kibana(unavailable=0, import_answer={"success": False, "successCount": 3, "errors": errors})
    with pytest.raises(KibanaImportError) as caught:
        import_saved_objects(httpserver.url_for("/"), username="elastic", password=PASSWORD, timeout=5,
                             poll_interval=0.05)
    message = str(caught.value)
    assert caught.value.errors[0] == errors[0]
    assert caught.value.errors[1]["error"]["message"] == "bad request ***"
    assert "data-views.ndjson" in message and "refused 2" in message
    assert "missing_references [index-pattern/pantau-posts]" in message
    assert "pantau-alerts-list" in message
    assert PASSWORD not in message and PASSWORD not in repr(caught.value.args)


def test_import_reports_an_http_error_without_credentials(httpserver):
    httpserver.expect_request("/api/status").respond_with_json({"status": {"overall": {"level": "available"}}})
    httpserver.expect_request("/api/saved_objects/_import", method="POST").respond_with_json(
        {"statusCode": 415, "error": "Unsupported Media Type", "message": "Unsupported file extension"}, status=415)
    url = httpserver.url_for("/").replace("://", f"://elastic:{PASSWORD}@")
    with pytest.raises(KibanaImportError) as caught:
        import_saved_objects(url, timeout=5, poll_interval=0.05)
    assert caught.value.status_code == 415 and "Unsupported file extension" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert httpserver.log[0][0].headers["Authorization"].startswith("Basic ")  # from the URL


def test_import_gives_up_when_kibana_stays_unavailable(httpserver, fake_kibana):
    fake = fake_kibana(unavailable=10_000)
    with pytest.raises(KibanaNotReady) as caught:
        import_saved_objects(httpserver.url_for("/"), username="elastic", password=PASSWORD, timeout=0.3,
                             poll_interval=0.05)
    assert "not available after" in str(caught.value) and "starting" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert fake.status_calls >= 2 and not fake.imports


def test_import_waits_through_connection_errors():
    # nothing listens on port 9 of localhost: every attempt is refused, then the timeout ends it
    with pytest.raises(KibanaNotReady) as caught:
        import_saved_objects(f"http://elastic:{PASSWORD}@127.0.0.1:9", timeout=0.2, poll_interval=0.05)
    assert "ConnectError" in str(caught.value) and PASSWORD not in str(caught.value)


def test_kibana_status_levels():
    assert kibana.kibana_status({"status": {"overall": {"level": "available"}}})[0]
    assert not kibana.kibana_status({"status": {"overall": {"level": "critical"}}})[0]
    assert kibana.kibana_status({"status": {"overall": {"level": "degraded"},
                                            "core": {"savedObjects": {"level": "available"}}}})[0]
    assert not kibana.kibana_status({"status": {"overall": {"level": "degraded"},
                                                "core": {"savedObjects": {"level": "unavailable"}}}})[0]
    assert kibana.kibana_status({"status": {"overall": {"state": "green"}}})[0]
    assert not kibana.kibana_status({"statusCode": 503})[0]


def test_import_stops_at_once_when_kibana_refuses_the_credentials(httpserver):
    httpserver.expect_request("/api/status").respond_with_json(
        {"statusCode": 401, "error": "Unauthorized", "message": "[security_exception] unable to authenticate"},
        status=401)
    with pytest.raises(kibana.KibanaError) as caught:
        import_saved_objects(httpserver.url_for("/"), username="elastic", password=PASSWORD, timeout=30,
                             poll_interval=0.05)
    assert "refused the credentials" in str(caught.value) and PASSWORD not in str(caught.value)
    assert len(httpserver.log) == 1


def test_a_field_missing_from_the_mapping_fails_the_check():
    """The field check is not vacuous: a Lens column on a field the mapping lacks is caught."""
    obj = json.loads(json.dumps(BY_KEY[("lens", "pantau-drilldown-timeline")]))
    obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]["layer1"]["columns"]["split"][
        "sourceField"] = "platfrom"
    with pytest.raises(AssertionError, match="platfrom"):
        for view, path, use in lens_uses(obj):
            check_use(view, path, use, obj["id"])
    obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]["layer1"]["columns"]["split"][
        "sourceField"] = "entities.canonical"
    with pytest.raises(AssertionError, match="nested"):
        lens_uses(obj)


def test_pantau_setup_creates_the_indices_and_imports_the_kibana_objects(settings, es, httpserver, fake_kibana,
                                                                        monkeypatch):
    from typer.testing import CliRunner

    from pantau.cli import app

    fake = fake_kibana(unavailable=1)
    monkeypatch.setenv("PANTAU_KIBANA_URL", httpserver.url_for("/"))
    result = CliRunner().invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    for name in ("posts", "narratives", "alerts", "deadletters", "connectors"):
        assert es.indices.exists(index=settings.index(name)), name
    assert [b["filename"] for b in fake.bodies] == list(kibana.SAVED_OBJECT_FILES)
    assert "Kibana objects imported" in result.output

    # Kibana refusing the objects fails the command with its reasons, and setup can be rerun.
    httpserver.clear()
    fake_kibana(unavailable=0, import_answer={"success": False, "errors": [
        {"id": "pantau-posts", "type": "index-pattern", "error": {"type": "conflict"}}]})
    failed = CliRunner().invoke(app, ["setup"])
    assert failed.exit_code == 1 and "pantau-posts" in failed.output
