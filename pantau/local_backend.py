"""The local default backend: noida-db, one binary that speaks the Kafka and Elasticsearch protocols.

Used when ``KAFKA_BOOTSTRAP_SERVERS`` and ``ELASTICSEARCH_URL`` are not both set. It starts
``noida-db`` (from the ``noida-db`` wheel) in the foreground as a child process on two free
loopback ports, with its data in a folder of the project, waits until both protocols answer,
exports the two addresses to the environment (so that workers started as child processes use
the same backend), and stops the child on exit.

When a noida-db already serves the same data folder (another pantau command, or ``pantau
backend`` in a second terminal), it is joined instead, and left running on exit: so
``pantau worker`` and ``pantau replay`` started separately share one local backend.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

log = logging.getLogger(__name__)


FETCH_BACKOFF_ENV = "PANTAU_KAFKA_FETCH_IDLE_BACKOFF_MS"
FETCH_BACKOFF_MS = 50


class BackendError(RuntimeError):
    """The local backend could not be started or did not answer in time."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _noida_binary() -> str:
    found = shutil.which("noida-db", path=os.path.dirname(sys.executable)) or shutil.which("noida-db")
    if not found:
        raise BackendError("noida-db is not installed. Fix: pip install noida-db (./run does it)")
    return found


def _kafka_answers(port: int) -> bool:
    """True when a Kafka ApiVersions round trip succeeds (not just an open socket)."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=2000)
    except (KafkaError, OSError):
        return False
    admin.close()
    return True


def _elasticsearch_answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _running_ports(data_dir: Path) -> tuple[int, int] | None:
    """(kafka port, elasticsearch port) of a noida-db already serving ``data_dir``, if any."""
    status = subprocess.run([_noida_binary(), "status", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=10)
    kafka = re.search(r"kafka\s+\S*?:(\d+)", status.stdout)
    elasticsearch = re.search(r"elasticsearch\s+https?://\S*?:(\d+)", status.stdout)
    if status.returncode != 0 or not (kafka and elasticsearch):
        return None
    ports = int(kafka.group(1)), int(elasticsearch.group(1))
    # A noida-db killed without its parent reaping it still "runs" for `status`: ask it.
    return ports if _elasticsearch_answers(f"http://127.0.0.1:{ports[1]}") else None


class LocalBackend:
    """A noida-db child process serving Kafka and Elasticsearch on free loopback ports.

    Example::

        with LocalBackend(Path(".pantau/noida/demo")) as backend:
            print(backend.kafka_bootstrap_servers, backend.elasticsearch_url)
    """

    def __init__(self, data_dir: Path, *, fresh: bool = False, timeout: float = 30.0):
        self.data_dir = Path(data_dir)
        self.fresh = fresh
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.owned = False  # False when joining a noida-db that another command started
        self.kafka_port = self.es_port = 0

    @property
    def kafka_bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def elasticsearch_url(self) -> str:
        return f"http://127.0.0.1:{self.es_port}"

    def start(self) -> "LocalBackend":
        """Start noida-db, wait until both protocols answer, and export their addresses."""
        running = None if self.fresh else _running_ports(self.data_dir)
        if running:
            self.kafka_port, self.es_port = running
            self._export()
            log.info("joined the local backend already serving %s", self.data_dir)
            return self
        if self.fresh and self.data_dir.exists():
            if _running_ports(self.data_dir):
                raise BackendError(f"a noida-db still serves {self.data_dir}. Fix: noida-db down --data-dir {self.data_dir}")
            shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.kafka_port, self.es_port = free_port(), free_port()
        self.owned = True
        log_file = open(self.data_dir / "noida.log", "ab")
        self.process = subprocess.Popen(
            [_noida_binary(), "start", "--data-dir", str(self.data_dir), "--only", "kafka,elasticsearch",
             "--kafka-port", str(self.kafka_port), "--elasticsearch-port", str(self.es_port)],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal reaches pantau, which stops it in order
        )
        log_file.close()
        deadline = time.monotonic() + self.timeout
        while not (_elasticsearch_answers(self.elasticsearch_url) and _kafka_answers(self.kafka_port)):
            if self.process.poll() is not None:
                raise BackendError(f"noida-db exited with {self.process.returncode}; see {self.data_dir}/noida.log")
            if time.monotonic() > deadline:
                self.stop()
                raise BackendError(f"noida-db did not answer within {self.timeout:.0f}s; see {self.data_dir}/noida.log")
            time.sleep(0.2)
        self._export()
        log.info("local backend up: kafka %s, elasticsearch %s, data %s",
                 self.kafka_bootstrap_servers, self.elasticsearch_url, self.data_dir)
        return self

    def _export(self) -> None:
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = self.kafka_bootstrap_servers
        os.environ["ELASTICSEARCH_URL"] = self.elasticsearch_url
        # noida-db answers fetches at once instead of long-polling (see streams/fetch_backoff.py).
        os.environ.setdefault(FETCH_BACKOFF_ENV, str(FETCH_BACKOFF_MS))

    def stop(self) -> None:
        """Stop the child process (data stays in the data folder) and forget the addresses."""
        if self.owned and self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for name, value in (("KAFKA_BOOTSTRAP_SERVERS", self.kafka_bootstrap_servers),
                            ("ELASTICSEARCH_URL", self.elasticsearch_url)):
            if os.environ.get(name) == value:
                del os.environ[name]

    def __enter__(self) -> "LocalBackend":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
