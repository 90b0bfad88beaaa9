"""``pantau trends FILE`` (offline replay of raw posts in event time or file order) and
``pantau eval trends`` (its options; the evaluation itself is tested in tests/enrichers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import orjson
from typer.testing import CliRunner

from pantau.cli import app

RULES = """
rules:
  - name: watch
    type: watchlist
    kinds: [hashtag]
    threshold: 5
    terms: ["#banjirhoaks"]
"""
START = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def raw_post(n: int, minutes: float, tag: str | None = "banjirhoaks") -> dict:
    return {"schema_version": 1, "uid": f"x:{n}", "platform": "x", "native_id": str(n),
            "author": {"id": str(n), "handle": f"warga{n}"},
            "text": f"Katanya bendungan jebol malam ini {'#' + tag if tag else ''}".strip(),
            "created_at": (START + timedelta(minutes=minutes)).isoformat(), "hashtags": [tag] if tag else []}


def write(path, posts):
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts))
    return path


def run(*args: str):
    return CliRunner().invoke(app, ["trends", *args])


def test_trends_replays_raw_posts_in_event_time_and_prints_the_alert(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    # File order is not time order: three posts of the burst come after one 40 minutes later.
    posts = [raw_post(1, 1), raw_post(2, 2), raw_post(3, 40, tag=None), raw_post(4, 3), raw_post(5, 4), raw_post(6, 5)]
    file = write(tmp_path / "posts.jsonl", posts)

    in_time = run(str(file), "--rules", str(rules), "--json")
    assert in_time.exit_code == 0, in_time.output
    alerts = [json.loads(line) for line in in_time.stdout.splitlines()]
    assert len(alerts) == 1
    assert alerts[0]["term"] == {"kind": "hashtag", "value": "banjirhoaks"} and alerts[0]["count"] == 5
    assert {s["uid"] for s in alerts[0]["samples"]} == {"x:1", "x:2", "x:4", "x:5", "x:6"}

    # In arrival order the watermark has passed the burst's windows: its last posts are late.
    in_arrival = run(str(file), "--rules", str(rules), "--json", "--arrival", "--batch", "1")
    assert in_arrival.exit_code == 0 and in_arrival.stdout.strip() == ""

    readable = run(str(file), "--rules", str(rules))
    assert "#banjirhoaks 5 posts in 10 min" in readable.stdout and "[medium]" in readable.stdout


def test_trends_with_a_bad_rules_file_names_the_problem(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: x\n    type: spike\n")
    file = write(tmp_path / "posts.jsonl", [raw_post(1, 1)])
    result = run(str(file), "--rules", str(rules))
    assert result.exit_code == 2
    assert "rules.yaml" in result.output and "spike" in result.output


def test_eval_trends_rejects_a_bad_seed_range():
    result = CliRunner().invoke(app, ["eval", "trends", "--seeds", "ten"])
    assert result.exit_code == 2 and "--seeds" in result.output


def worker_stops_at_start(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_TREND", "PANTAU_ALERTERS"))}
    result = subprocess.run([sys.executable, "-m", "pantau", "worker"], env={**environ, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    return result


def test_a_worker_with_a_bad_rule_or_alerter_file_stops_at_start_naming_the_key(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: w\n    type: watchlist\n    threshold: -3\n    terms: [x]\n")
    stderr = worker_stops_at_start(PANTAU_TREND_RULES_FILE=str(rules)).stderr
    assert "PANTAU_TREND_RULES_FILE" in stderr and "threshold" in stderr

    alerters = tmp_path / "alerters.yaml"
    alerters.write_text("- {name: desk, type: slack, url_env: PANTAU_TEST_UNSET_WEBHOOK}\n")
    stderr = worker_stops_at_start(PANTAU_ALERTERS_FILE=str(alerters)).stderr
    assert "PANTAU_ALERTERS_FILE" in stderr and "PANTAU_TEST_UNSET_WEBHOOK is not set" in stderr
