"""Creates pantau's Elasticsearch indices from the mapping files in dashboards/mappings/."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from elasticsearch import BadRequestError, Elasticsearch

from pantau.config import Settings

log = logging.getLogger(__name__)

MAPPINGS_DIR = Path(__file__).parent / "mappings"
INDICES = ("posts", "narratives", "alerts", "deadletters", "connectors")


def load_mapping(name: str) -> dict:
    """The settings and mappings body for index ``name`` (``posts`` ...)."""
    return json.loads((MAPPINGS_DIR / f"{name}.json").read_text())


def ensure_indices(es: Elasticsearch, settings: Settings) -> list[str]:
    """Create each of pantau's indices that is missing; return the names created."""
    created = []
    for name in INDICES:
        index = settings.index(name)
        if es.indices.exists(index=index):
            continue
        body = load_mapping(name)
        try:
            es.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":  # another worker was first
                raise
            continue
        created.append(index)
        log.info("created index %s", index)
    return created
