"""Test session set-up: one real backend for the whole suite, a fresh namespace per test.

The backend is whatever KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL point to when both are
set, and otherwise the local noida-db, started once here and stopped at the end. Each test
that uses ``settings`` gets its own topic prefix, index prefix and consumer group, so tests
never see each other's data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

from pantau.config import Settings, load_settings
from pantau.demo import stop_workers, wait_for_group
from pantau.local_backend import LocalBackend

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def backend(tmp_path_factory):
    """The real Kafka and Elasticsearch for this session: (bootstrap servers, Elasticsearch URL)."""
    servers, url = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("ELASTICSEARCH_URL")
    if servers and url:
        yield servers, url
        return
    with LocalBackend(tmp_path_factory.mktemp("noida"), fresh=True) as local:
        yield local.kafka_bootstrap_servers, local.elasticsearch_url


@pytest.fixture
def settings(backend, monkeypatch) -> Settings:
    """Settings for one test: the session's backend, and names no other test uses."""
    name = f"t{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", backend[0])
    monkeypatch.setenv("ELASTICSEARCH_URL", backend[1])
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", f"{name}.")
    monkeypatch.setenv("PANTAU_INDEX_PREFIX", f"{name}-")
    monkeypatch.setenv("PANTAU_CONSUMER_GROUP", name)
    monkeypatch.setenv("PANTAU_TOPIC_PARTITIONS", "4")
    return load_settings()


@pytest.fixture
def start_worker(settings, tmp_path) -> Callable[[], subprocess.Popen]:
    """Start ``pantau worker`` processes for this test's settings; all are stopped afterwards.

    Each takes a static member id; a restarted worker reuses its predecessor's id, as a
    process supervisor would.
    """
    processes: list[subprocess.Popen] = []

    def start(instance_id: str = "worker-0", *, members: int = 0) -> subprocess.Popen:
        """``members``: return only once the group is stable with that many members (or after 60 s)."""
        log = open(tmp_path / f"{instance_id}-{len(processes)}.log", "wb")
        level = os.environ.get("PANTAU_TEST_WORKER_LOG_LEVEL", "INFO")  # DEBUG shows Faust's progress
        command = [sys.executable, "-m", "pantau", "--log-level", level, "worker", "--instance-id", instance_id]
        process = subprocess.Popen(command, cwd=REPO, env=os.environ.copy(),
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        processes.append(process)
        if members:
            wait_for_group(settings, min(members, settings.topic_partitions))
        return process

    yield start
    stop_workers(processes)


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


@pytest.fixture
def wait_for() -> Callable[[Callable[[], bool], float, str], None]:
    """``wait_for(condition, timeout, what)``: poll until true, else fail naming ``what``."""
    return _wait_for


@pytest.fixture
def es(settings):
    """A synchronous Elasticsearch client for this test's settings."""
    from pantau.clients import elasticsearch_client

    with elasticsearch_client(settings) as client:
        yield client
