"""Topic names and their creation at start-up (kafka-python admin, idempotent)."""

from __future__ import annotations

import logging

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pantau.clients import kafka_python_config
from pantau.config import Settings

log = logging.getLogger(__name__)

RAW = "posts.raw"
ENRICHED = "posts.enriched"
ALERTS = "alerts"
DLQ = "dlq"
CLAIMS = "claims"  # fact-check verdicts from debunk feeds (connectors' claims())
ALL = (RAW, ENRICHED, ALERTS, DLQ, CLAIMS)


def ensure_topics(settings: Settings) -> list[str]:
    """Create the pipeline's topics (with the configured prefix and partitions) if missing.

    Returns the names that were created. Existing topics are left as they are: Kafka cannot
    shrink partitions, and growing them would move keys between partitions.
    """
    admin = KafkaAdminClient(**kafka_python_config(settings), client_id="pantau-setup")
    try:
        existing = set(admin.list_topics())
        wanted = [settings.topic(name) for name in ALL]
        missing = [
            NewTopic(name, settings.topic_partitions, settings.topic_replication_factor)
            for name in wanted if name not in existing
        ]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:  # another worker created them first
                pass
            log.info("created topics %s", ", ".join(t.name for t in missing))
        return [t.name for t in missing]
    finally:
        admin.close()
