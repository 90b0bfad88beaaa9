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
NARRATIVE_ASSIGN = "narratives.assign"  # batches of enriched posts for the one narrative assigner
NARRATED = "posts.narrated"  # enriched posts with their narrative, for the indexer
NARRATIVES_CHANGED = "narratives.changed"  # narrative ids whose spread summary is out of date
TREND_TERMS = "trends.terms"  # term counts per window, each term on the partition that owns it
ALL = (RAW, ENRICHED, ALERTS, DLQ, CLAIMS, NARRATIVE_ASSIGN, NARRATED, NARRATIVES_CHANGED, TREND_TERMS)

#: Topics that must have exactly one partition (see enrichers/narratives.py for why).
SINGLE_PARTITION = (NARRATIVE_ASSIGN,)


def ensure_topics(settings: Settings) -> list[str]:
    """Create the pipeline's topics (with the configured prefix and partitions) if missing.

    Returns the names that were created. Existing topics are left as they are: Kafka cannot
    shrink partitions, and growing them would move keys between partitions.
    """
    admin = KafkaAdminClient(**kafka_python_config(settings), client_id="pantau-setup")
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(settings.topic(name), 1 if name in SINGLE_PARTITION else settings.topic_partitions,
                     settings.topic_replication_factor)
            for name in ALL if settings.topic(name) not in existing
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
