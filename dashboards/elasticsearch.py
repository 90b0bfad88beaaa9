"""Pantau's Elasticsearch index templates and indices, from the mapping files in dashboards/mappings/.

Each index has a composable template of the same name carrying its mapping file's settings and
mappings. Posts live in monthly indices ``<prefix>posts-YYYY.MM.01``, by each post's
``created_at`` (:meth:`pantau.config.Settings.posts_index_for`), behind the alias
``<prefix>posts`` that every reader searches; the first write into a new month creates its
index from the template. The other indices are single: ``<prefix>narratives`` and so on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from elasticsearch import BadRequestError, Elasticsearch

from dashboards.lifecycle import NO_ILM, put_posts_policy
from pantau.config import Settings

log = logging.getLogger(__name__)

MAPPINGS_DIR = Path(__file__).parent / "mappings"
INDICES = ("posts", "narratives", "alerts", "deadletters", "connectors")
TEMPLATE_PRIORITY = 200  # above Elasticsearch's built-in templates (100), such as logs-*-*
UPGRADE_DOCS = 'README.md, "Upgrading from a single posts index"'


class LegacyPostsIndexError(RuntimeError):
    """A single posts index from an earlier pantau stands where the posts alias must go."""


@dataclass
class IndicesReport:
    """What :func:`ensure_indices` did: the indices it created, and how long posts are kept."""

    created: list[str]
    ilm_policy: str | None  # None: the cluster has no ILM
    lifecycle: str  # one line for the operator


def load_mapping(name: str) -> dict:
    """The settings and mappings body for index ``name`` (``posts`` ...)."""
    return json.loads((MAPPINGS_DIR / f"{name}.json").read_text())


def index_template(settings: Settings, name: str, ilm_policy: str | None = None) -> dict:
    """The composable template for index ``name``: its mapping file's settings and mappings, and
    for posts the monthly pattern, the alias and (given ``ilm_policy``) the lifecycle settings."""
    body = load_mapping(name)
    template = {"settings": dict(body["settings"]), "mappings": body["mappings"]}
    patterns = [settings.index(name)]
    if name == "posts":
        patterns = [f"{settings.index('posts')}-*"]
        template["aliases"] = {settings.index("posts"): {}}
        if ilm_policy:
            template["settings"].update({"index.lifecycle.name": ilm_policy,
                                         "index.lifecycle.parse_origination_date": True})
    return {"index_patterns": patterns, "priority": TEMPLATE_PRIORITY, "template": template}


def check_no_legacy_posts_index(es: Elasticsearch, settings: Settings) -> None:
    """Raise :class:`LegacyPostsIndexError` if ``<prefix>posts`` is an index rather than the alias."""
    name = settings.index("posts")
    if es.indices.exists(index=name) and not es.indices.exists_alias(name=name):
        raise LegacyPostsIndexError(
            f"{name} is a single posts index from an earlier pantau; posts now live in monthly indices "
            f"{name}-YYYY.MM.01 behind an alias of that name, which cannot be made while it exists. "
            f"Fix: reindex its posts into the monthly indices ({UPGRADE_DOCS}) or delete it, "
            f"then run `pantau setup` again")


def _create(es: Elasticsearch, index: str) -> bool:
    if es.indices.exists(index=index):
        return False
    try:
        es.indices.create(index=index)  # settings and mappings come from its template
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":  # another worker was first
            raise
        return False
    log.info("created index %s", index)
    return True


def ensure_indices(es: Elasticsearch, settings: Settings) -> IndicesReport:
    """Put the templates (replacing older versions) and the posts ILM policy where the cluster has
    ILM, and create each index that is missing; of posts, the current month's, so that the alias
    exists before the first post. Raises :class:`LegacyPostsIndexError` (see there)."""
    check_no_legacy_posts_index(es, settings)
    policy = put_posts_policy(es, settings)
    for name in INDICES:
        es.indices.put_index_template(name=settings.index(name), **index_template(settings, name, policy))
    wanted = [settings.posts_index_for(datetime.now(timezone.utc).isoformat())]
    wanted += [settings.index(name) for name in INDICES if name != "posts"]
    created = [index for index in wanted if _create(es, index)]
    lifecycle = (f"ILM policy {policy}: delete each month of posts {settings.posts_retention_days} days "
                 f"after the month began" if policy else NO_ILM)
    return IndicesReport(created, policy, lifecycle)
