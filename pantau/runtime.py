"""Start-up shared by the commands: logging, settings, and the backends to talk to."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

from pantau.config import Settings, load_settings
from pantau.local_backend import LocalBackend

log = logging.getLogger(__name__)


def setup_logging(level: str = "INFO") -> None:
    """Plain, timestamped logs; the chatty client libraries only warn."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet = ("kafka", "elastic_transport", "httpx", "urllib3")
    if level != "DEBUG":  # at DEBUG the stream runtime's own progress is worth seeing
        quiet += ("aiokafka", "mode")
        # Faust at INFO says when partitions move and tables recover: what a stuck worker's log needs.
        logging.getLogger("faust").setLevel(level)
    for noisy in quiet:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # kafka-python warns at length about group metadata it cannot decode (Faust's own format).
    logging.getLogger("kafka.admin").setLevel(logging.ERROR)


@contextlib.contextmanager
def backends(settings: Settings | None = None, *, fresh: bool = False,
             data_dir: Path | None = None) -> Iterator[Settings]:
    """Yield settings pointing at real backends: the configured ones, or a local noida-db.

    The local backend is started only when KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL are
    not both set, and is stopped when the block ends.
    """
    settings = settings or load_settings()
    if not settings.uses_local_backend:
        yield settings
        return
    with LocalBackend(data_dir or settings.local_data_dir, fresh=fresh):
        yield load_settings()
