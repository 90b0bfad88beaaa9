"""The known claims a worker matches posts against: the catalogue file plus the claims topic.

Fact-checkers' feeds (the RSS connector's ``claims()``) publish each debunk's claim on the
claims topic. Every worker reads that whole topic from the start, outside any consumer group,
in a background thread, and keeps following it; the claim matcher is rebuilt (it takes
milliseconds) at most every ``REBUILD_SECONDS`` when new claims have arrived. A later record
with the same id replaces the earlier one, so a corrected verdict wins.
"""

from __future__ import annotations

import logging
import threading
import time

import orjson
from kafka import KafkaConsumer, TopicPartition

from enrichers.claims import DEFAULT_CATALOGUE, Claim, ClaimMatcher, load_catalogue
from pantau.clients import kafka_python_config
from pantau.config import Settings
from streams import topics

log = logging.getLogger(__name__)

REBUILD_SECONDS = 5.0
#: Pause after a poll that brought no claims.
IDLE_PAUSE_SECONDS = 1.0


class ClaimsFollower:
    """Holds the current :class:`ClaimMatcher`; :meth:`start` begins following the claims topic."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._file_claims = {c.id: c for c in load_catalogue(settings.claims_file or DEFAULT_CATALOGUE)}
        self._topic_claims: dict[str, Claim] = {}
        self._lock = threading.Lock()
        self._changed = False
        self._built_at = 0.0
        self._matcher = ClaimMatcher(self._file_claims.values())
        self._stopping = threading.Event()

    def start(self) -> None:
        """Follow the claims topic in a daemon thread."""
        threading.Thread(target=self._follow, name="claims-follower", daemon=True).start()

    def stop(self) -> None:
        """Ask the thread to stop after its current poll."""
        self._stopping.set()

    def add(self, value: bytes) -> bool:
        """Take one claims-topic record; False (and a warning) when it is not a valid claim."""
        try:
            claim = Claim.from_record(orjson.loads(value))
        except (ValueError, TypeError) as exc:
            log.warning("claims topic: skipped a record that is not a claim: %s", exc)
            return False
        with self._lock:
            self._topic_claims[claim.id] = claim
            self._changed = True
        return True

    def matcher(self) -> ClaimMatcher:
        """The matcher over every claim known now (rebuilt at most every REBUILD_SECONDS)."""
        with self._lock:
            if self._changed and time.monotonic() - self._built_at >= REBUILD_SECONDS:
                self._matcher = ClaimMatcher({**self._file_claims, **self._topic_claims}.values())
                self._changed, self._built_at = False, time.monotonic()
                log.info("claim matcher rebuilt: %d claims", len(self._matcher))
            return self._matcher

    def _follow(self) -> None:
        topic = self.settings.topic(topics.CLAIMS)
        consumer = KafkaConsumer(**kafka_python_config(self.settings), group_id=None, enable_auto_commit=False,
                                 client_id="pantau-claims-follower")
        try:
            partitions = None
            while not partitions and not self._stopping.is_set():
                partitions = consumer.partitions_for_topic(topic)
                if not partitions:
                    time.sleep(1.0)
            if not partitions:
                return
            consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
            consumer.seek_to_beginning()
            while not self._stopping.is_set():
                batches = consumer.poll(timeout_ms=0)
                for records in batches.values():
                    for record in records:
                        self.add(record.value)
                if not batches:
                    # A blocking poll would keep fetching, and a backend that answers a fetch at
                    # once (noida-db) made this idle thread spin half a core; claims are rare.
                    self._stopping.wait(IDLE_PAUSE_SECONDS)
        except Exception:  # noqa: BLE001 - the worker goes on with the claims it has
            log.exception("claims follower stopped; matching continues with the claims known so far")
        finally:
            consumer.close()
