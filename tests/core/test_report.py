"""``pantau report``: the HTML report built offline from a file and from Elasticsearch, and the
page as headless Chromium renders it."""

from __future__ import annotations

import copy
import re
from collections import Counter
import subprocess
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest
from elasticsearch import helpers
from typer.testing import CliRunner

from dashboards.elasticsearch import ensure_indices
from pantau.demo import write_demo_report
from pantau.narratives_cli import assign_file, read_posts, summaries
from pantau.report import collect, collect_file, write_report
from pantau.report_html import cascade_tree, render
from streams.alerters.links import kibana_links

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data/sample/posts.jsonl"
CHROMIUM = Path("/usr/bin/chromium")
GENERATED = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
HOSTILE_TEXT = ("<script>alert(1)</script> Pesan berantai: bansos tunai Rp 2 juta cair besok untuk semua "
                "warga yang punya KTP, sebarkan ke grup keluarga sekarang juga")
# More posts than any sample narrative (so it leads the leaderboard), within five minutes: a burst
# of the watched term "bansos" that raises alerts (the sample alone raises none).
HOSTILE_COPIES = 30


@pytest.fixture(scope="module")
def sample_posts() -> list[dict]:
    """The sample posts, enriched and grouped into narratives once for the module."""
    posts = read_posts(SAMPLE)
    assign_file(posts)
    return posts


def hostile_post(number: int) -> dict:
    return {"uid": f"x:99000000{number:02d}", "platform": "x", "native_id": f"99000000{number:02d}",
            "author": {"id": f"u{number}", "handle": f"<img src=x onerror=alert({number})>"},
            "text": HOSTILE_TEXT, "created_at": f"2026-11-22T12:{number // 6:02d}:{number % 60:02d}Z",
            "hashtags": ["<b>bold</b>"]}


@pytest.fixture(scope="module")
def offline_data(sample_posts, tmp_path_factory) -> dict:
    """The report's data built offline from the sample (already enriched) plus raw hostile posts."""
    path = tmp_path_factory.mktemp("report") / "posts.jsonl"
    lines = [orjson.dumps(post) for post in sample_posts]
    lines += [orjson.dumps(hostile_post(n)) for n in range(HOSTILE_COPIES)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return collect_file(path, since_hours=None, generated_at=GENERATED)


@pytest.fixture(scope="module")
def report_file(offline_data, tmp_path_factory) -> Path:
    return write_report(tmp_path_factory.mktemp("html") / "report.html", offline_data)


class Loads(HTMLParser):
    """Every attribute of the page that would make a browser fetch something, and the scripts."""

    FETCHING = {"src", "href", "srcset", "poster", "data", "action", "xlink:href", "background"}

    def __init__(self):
        super().__init__()
        self.fetches: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in self.FETCHING and value is not None:
                (self.links if tag == "a" and name == "href" else self.fetches).append((tag, value))


def test_offline_report_has_the_leaderboard_escapes_posts_and_loads_nothing(offline_data):
    html = render(offline_data)
    leaders = offline_data["narratives"]
    # The hostile copies form the largest narrative; the sample's largest stories follow.
    assert leaders[0]["post_count"] == HOSTILE_COPIES
    assert [d["post_count"] for d in leaders] == sorted((d["post_count"] for d in leaders), reverse=True)
    assert leaders[1]["post_count"] >= 15
    for rank, doc in enumerate(leaders[:10], 1):
        assert f'<a class="id" href="#n{rank}">{doc["id"]}</a>' in html
        assert f'id="n{rank}"' in html
    assert "Pendaftaran Bansos PKH 2026" in html and "Vaksin ini mengandungi DNA babi" in html
    assert "HOAKS" in html and "PENIPUAN" in html
    # Untrusted text is shown, escaped, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Pesan berantai" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # the hashtag, among the trending terms
    # Nothing is fetched: no remote (or any) src/href but in-page anchors; no stylesheet links or imports.
    page = Loads()
    page.feed(html)
    assert page.fetches == []
    assert all(href.startswith("#") or href.startswith(("https://", "http://")) for _, href in page.links)
    assert page.scripts == 2 and "<link" not in html and "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html
    # Every chart is an inline SVG, and the page knows how many to expect.
    charts = html.count("<svg data-chart=")
    assert f'data-charts="{charts}"' in html
    assert charts >= 1 + 2 * 10 + 3  # timeline, 10 x (spread + sparkline), 3 term charts, ...
    assert offline_data["trending"]["hashtag"][0][0] == "cekfakta"
    alerts = offline_data["alerts"]
    assert any(a["term"]["value"] == "bansos" for a in alerts)
    assert all(f"<td>{a['message']}" in html for a in alerts if "<" not in a["message"])


def test_cascade_graph_is_capped_and_survives_cycles():
    edges = [{"parent": f"x:{i}", "child": f"x:{i + 1}", "kind": "reshare"} for i in range(100)]
    edges.append({"parent": "x:5", "child": "x:0", "kind": "reply"})  # a cycle, as broken data could have
    where, drawn, left_out = cascade_tree(edges, max_nodes=60)
    assert len(where) == 60 and left_out == 41
    assert where["x:0"] == (0, 0.0) and where["x:59"][0] == 59
    assert all(e["parent"] in where and e["child"] in where for e in drawn)


def test_report_from_elasticsearch(settings, es, sample_posts, offline_data, tmp_path):
    ensure_indices(es, settings)
    posts = copy.deepcopy(sample_posts)
    docs = summaries(posts, 2)
    alerts = copy.deepcopy(offline_data["alerts"][:5])  # raised on the sample plus a burst
    for alert in alerts:
        alert["links"] = kibana_links(alert, "http://kibana.example:5601")
    actions = [{"_index": settings.posts_index_for(p["created_at"]), "_id": p["uid"], "_source": p} for p in posts]
    actions += [{"_index": settings.index("narratives"), "_id": d["id"], "_source": d} for d in docs]
    actions += [{"_index": settings.index("alerts"), "_id": a["id"], "_source": a} for a in alerts]
    helpers.bulk(es, actions, refresh=True)

    data = collect(es, settings, since_hours=None, generated_at=GENERATED)
    assert data["totals"]["posts"] == len(posts)
    assert data["period"]["start"].startswith("2026-11-20") and data["period"]["end"].startswith("2026-11-22")
    assert [d["post_count"] for d in data["narratives"]] == [d["post_count"] for d in docs[:len(data["narratives"])]]
    assert data["narratives"][0]["id"] == docs[0]["id"]
    assert sum(r["posts"] for r in data["timeline"]["rows"]) == len(posts)
    hashtags = Counter(tag for post in posts for tag in set(post["hashtags"]))
    assert data["trending"]["hashtag"][:3] == [[tag, n] for tag, n in hashtags.most_common(3)]
    assert data["trending"]["hashtag"][0][0] == "cekfakta"
    assert data["trending"]["keyword"] and data["trending"]["entity"]
    assert data["totals"]["alerts"] == len(alerts) and len(data["alerts"]) == len(alerts)

    html = render(data)
    assert f'href="#n1">{docs[0]["id"]}</a>' in html
    assert "#cekfakta" in html and 'href="http://kibana.example:5601/app/discover#/' in html
    assert data["trending"]["entity"][0][0] in html
    # The demo's report: everything indexed, whenever it was posted.
    written = write_demo_report(settings, tmp_path / "demo" / "report.html")
    assert written.is_absolute() and f'href="#n1">{docs[0]["id"]}</a>' in written.read_text()
    # The command, against this test's indices (the settings fixture points the environment at them).
    from pantau.cli import app

    result = CliRunner().invoke(app, ["report", "-o", str(tmp_path / "cli.html"), "--since", "0"])
    assert result.exit_code == 0, result.output
    assert f'href="#n1">{docs[0]["id"]}</a>' in (tmp_path / "cli.html").read_text()


def test_report_of_empty_indices_without_an_alerts_index(settings, es):
    ensure_indices(es, settings)
    es.indices.delete(index=settings.index("alerts"))
    data = collect(es, settings, since_hours=24, generated_at=GENERATED)
    assert data["alerts"] == [] and data["narratives"] == [] and data["totals"]["posts"] == 0
    html = render(data)
    assert "No alerts in this period." in html and "No narrative of two or more posts" in html


def test_cli_report_from_a_file(sample_posts, tmp_path, monkeypatch):
    from pantau.cli import app

    source, output = tmp_path / "enriched.jsonl", tmp_path / "out" / "r.html"
    source.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in sample_posts[:200]))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "--from", str(source), "-o", str(output), "--since", "12"])
    assert result.exit_code == 0, result.output
    assert f"report: {output.resolve()}" in result.output
    assert output.read_text().startswith("<!doctype html>")


def chromium(report: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args, report.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def test_report_renders_in_headless_chromium(report_file, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium package (apt-get install chromium): renders the report headless")
    dom = chromium(report_file, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    errors = re.search(r'<ul id="render-errors"[^>]*>(.*?)</ul>', dom.stdout, re.S)
    assert errors is not None and errors.group(1) == "", errors and errors.group(1)
    assert 'data-rendered="ok"' in dom.stdout
    shot = tmp_path / "report.png"
    done = chromium(report_file, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,3000",
                    "--hide-scrollbars")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000
