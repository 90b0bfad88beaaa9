"""``pantau connectors``: list, status, test, pause and resume, and a bad file stopping with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from typer.testing import CliRunner

from ingestors.state import StateStore
from pantau.cli import app
from pantau.clients import kafka_python_config
from pantau.config import ConfigError
from streams.topics import ensure_topics

REPO = Path(__file__).resolve().parents[2]


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
    consumer = KafkaConsumer(**kafka_python_config(settings))
    partitions = [TopicPartition(settings.topic(name), p) for name in ("posts.raw", "dlq") for p in range(4)]
    assert set(consumer.end_offsets(partitions).values()) == {0}
    consumer.close()


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
