"""Creates what the pipeline needs on the backends: topics and Elasticsearch indices (idempotent)."""

from __future__ import annotations

from dashboards.elasticsearch import ensure_indices
from pantau.clients import elasticsearch_client
from pantau.config import Settings
from streams.topics import ensure_topics


def provision(settings: Settings) -> None:
    """Create the topics and indices that are missing; leave existing ones alone."""
    ensure_topics(settings)
    with elasticsearch_client(settings) as es:
        ensure_indices(es, settings)
