"""``pantau connectors``: list, status, test, run, pause and resume, and a bad file stopping with exit code 2."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from kafka import KafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from ingestors.state import StateStore
from pantau.cli import app
from pantau.clients import kafka_python_config
from pantau.config import ConfigError
from pantau.local_backend import free_port
from streams.topics import ensure_topics

REPO = Path(__file__).resolve().parents[2]
FEED = (Path(__file__).parent / "payloads" / "turnbackhoax_rss.xml").read_text(encoding="utf-8")


@pytest.fixture
def connectors_file(tmp_path, monkeypatch) -> Path:
    """A connectors file with one file-replay instance over two posts and a broken line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PANTAU_CONNECTORS_STATE_DIR", str(tmp_path / "state"))
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"uid": "x:1", "text": "satu", "created_at": "2026-11-30T08:00:00Z"}\n'
                     'kabar burung\n'
                     '{"uid": "x:2", "text": "dua", "created_at": "2026-11-30T09:00:00+07:00"}\n')
    path = tmp_path / "connectors.yaml"
    path.write_text(f"connectors:\n  - type: file\n    name: replay\n    poll_interval_seconds: 60\n"
                    f"    options:\n      paths: [{posts}]\n")
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, ["connectors", *args])


def records_on(settings, name: str) -> int:
    """How many records topic ``name`` holds (the sum of its partitions' end offsets)."""
    consumer = KafkaConsumer(**kafka_python_config(settings))
    try:
        topic = settings.topic(name)
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values()) if partitions else 0
    finally:
        consumer.close()


def test_a_bad_connectors_file_stops_run_with_exit_2_naming_the_key(tmp_path):
    bad = tmp_path / "connectors.yaml"
    bad.write_text("connectors:\n  - type: file\n    name: replay\n    options: {}\n")
    done = subprocess.run([sys.executable, "-m", "pantau", "connectors", "run", "--file", str(bad)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert ("pantau: configuration error: connectors[0].options.paths: Field required. "
            "Fix: add it (see connectors.example.yaml)") in done.stderr


def test_list_shows_each_instance(connectors_file):
    result = invoke("list", "--file", str(connectors_file))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split() == ["replay", "file", "yes", "every", "60s", "1/s", "burst", "5", "-"]


def test_test_prints_the_mapped_posts_and_refusals_and_publishes_nothing(settings, connectors_file):
    ensure_topics(settings)
    result = invoke("test", "replay", "--file", str(connectors_file))
    assert result.exit_code == 0, result.output
    posts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(p["uid"], p["connector"], p["created_at"]) for p in posts] == [
        ("x:1", "replay", "2026-11-30T08:00:00Z"), ("x:2", "replay", "2026-11-30T02:00:00Z")]
    assert "refused item 1 (" in result.stderr and "): not JSON: " in result.stderr
    assert "replay: fetched 3, mapped 2, refused 1, duplicates 0, claims 0; nothing published" in result.stderr
    assert StateStore.in_dir(connectors_file.parent / "state").checkpoint("replay") is None
    assert records_on(settings, "posts.raw") == records_on(settings, "dlq") == 0


def test_pause_resume_and_status(connectors_file):
    state = StateStore.in_dir(connectors_file.parent / "state")
    status = invoke("status", "--file", str(connectors_file))
    assert status.exit_code == 0
    assert status.stdout.splitlines()[1].split()[:4] == ["replay", "stopped", "never", "0"]

    assert invoke("pause", "replay", "--file", str(connectors_file)).stdout.startswith("replay: paused")
    assert state.is_paused("replay")
    (shown,) = json.loads(invoke("status", "--file", str(connectors_file), "--json").stdout)
    assert (shown["name"], shown["state"], shown["paused"], shown["checkpoint"]) == ("replay", "paused", True, None)

    assert invoke("resume", "replay", "--file", str(connectors_file)).stdout.startswith("replay: resumed")
    assert not state.is_paused("replay")

    unknown = invoke("pause", "nope", "--file", str(connectors_file))
    assert isinstance(unknown.exception, ConfigError)  # pantau's entry point turns it into exit code 2
    assert "no connector named 'nope'" in str(unknown.exception) and "Fix: use one of replay" in str(unknown.exception)


def scrape(port: int) -> dict[tuple[str, str | None], float]:
    """The runner's metrics endpoint as {(sample name, its outcome label or None): value}, connector "news" only."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.TransportError:
        return {}
    return {(sample.name, sample.labels.get("outcome")): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples
            if sample.labels.get("connector") == "news"}


def test_run_publishes_serves_metrics_snapshots_status_and_stops_cleanly_on_sigterm(settings, es, httpserver,
                                                                                     tmp_path, wait_for):
    httpserver.expect_request("/feed/").respond_with_data(FEED, content_type="application/rss+xml; charset=UTF-8")
    config = tmp_path / "connectors.yaml"
    config.write_text(f"connectors:\n  - type: rss\n    name: news\n    poll_interval_seconds: 600\n"
                      f"    options:\n      feeds:\n        - url: {httpserver.url_for('/feed/')}\n"
                      f"          fact_checker: true\n")
    port = free_port()
    environ = {**os.environ, "PANTAU_CONNECTORS_STATE_DIR": str(tmp_path / "state"),
               "PANTAU_CONNECTORS_METRICS_PORT": str(port)}
    with open(tmp_path / "run.log", "wb") as log:
        runner = subprocess.Popen([sys.executable, "-m", "pantau", "connectors", "run", "news", "--file", str(config)],
                                  cwd=REPO, env=environ, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: records_on(settings, "posts.raw") == 5, 90, "the feed's five dated entries on posts.raw")
        wait_for(lambda: scrape(port).get(("pantau_connector_items_total", "published")) == 5, 30,
                 "the published posts in /metrics")
        metrics = scrape(port)
        assert metrics[("pantau_connector_items_total", "fetched")] == 6
        assert metrics[("pantau_connector_items_total", "dead_lettered")] == 1
        assert metrics[("pantau_connector_request_seconds_count", None)] >= 1
        assert metrics[("pantau_connector_backoff_seconds", None)] == 0
        assert (records_on(settings, "claims"), records_on(settings, "dlq")) == (4, 1)
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(60) == 0, (tmp_path / "run.log").read_text()
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    status = StateStore.in_dir(tmp_path / "state").statuses(["news"])[0]
    assert (status.state, status.fetched, status.published, status.dead_lettered) == ("stopped", 6, 5, 1)
    assert "connector runner stopped" in (tmp_path / "run.log").read_text()
    # The status snapshot written at stop, for Kibana's Ingest health dashboard.
    es.indices.refresh(index=settings.index("connectors"))
    snapshots = [hit["_source"] for hit in es.search(index=settings.index("connectors"), size=10)["hits"]["hits"]]
    latest = max(snapshots, key=lambda doc: doc["at"])
    assert (latest["name"], latest["type"], latest["published"], latest["dead_lettered"]) == ("news", "rss", 5, 1)
