"""The worker's Prometheus endpoint counts what it enriched, indexed and dead-lettered."""

from __future__ import annotations

import httpx
import orjson

from ingestors.publish import publish
from pantau.local_backend import free_port
from pantau.provision import provision


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_dead_letters_show_in_the_metrics(settings, start_worker, monkeypatch, wait_for):
    port = free_port()
    monkeypatch.setenv("PANTAU_METRICS_PORT", str(port))
    provision(settings)
    publish(settings, [b"not json", b"[]", orjson.dumps({"uid": "x:1", "text": "halo", "created_at": "2026-11-01"})])
    start_worker()

    def scrape() -> str:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return ""

    wait_for(lambda: _metric(scrape(), 'pantau_posts_total{stage="index"}') >= 1, 60, "the indexed post in /metrics")
    text = scrape()
    assert _metric(text, 'pantau_dead_letters_total{stage="enrich"}') == 2
    assert _metric(text, 'pantau_posts_total{stage="enrich"}') == 1

    assert _metric(text, 'pantau_post_latency_seconds_count{stage="index"}') >= 1
    lag = [line for line in text.splitlines() if line.startswith("pantau_consumer_lag{")]
    assert lag and all(float(line.split()[-1]) == 0 for line in lag)
