"""The ILM policy that deletes old monthly posts indices, on clusters that have ILM.

Each monthly index is named ``<prefix>posts-YYYY.MM.01`` and created with
``index.lifecycle.parse_origination_date``, so ILM measures its age from the first day of the
month it holds rather than from when it was created: a month of posts backfilled today is
still deleted on time. The local backend (noida-db) has no ILM; there posts are kept until
someone deletes them.
"""

from __future__ import annotations

import logging

from elasticsearch import ApiError, Elasticsearch

from pantau.config import Settings

log = logging.getLogger(__name__)

NO_ILM = "this Elasticsearch has no ILM: posts are kept until deleted"


def posts_policy(retention_days: int) -> dict:
    """The ILM policy body: hot at high recovery priority, deleted ``retention_days`` after the month began."""
    return {"phases": {
        "hot": {"min_age": "0ms", "actions": {"set_priority": {"priority": 100}}},
        "delete": {"min_age": f"{retention_days}d", "actions": {"delete": {}}},
    }}


def _lacks_ilm(exc: ApiError) -> bool:
    # A server without the endpoint answers 400 "no handler found for uri" (Elasticsearch's own
    # wording, which noida-db copies) or a plain 404/405; any other error is a real failure.
    if exc.meta.status in (404, 405):
        return True
    return exc.meta.status == 400 and "no handler found" in f"{exc.message} {exc.body}".lower()


def put_posts_policy(es: Elasticsearch, settings: Settings) -> str | None:
    """Install or update the posts ILM policy; return its name, or None when the cluster has no ILM."""
    name = settings.index("posts")
    try:
        es.ilm.put_lifecycle(name=name, policy=posts_policy(settings.posts_retention_days))
    except ApiError as exc:
        if not _lacks_ilm(exc):
            raise
        log.info(NO_ILM)
        return None
    log.info("ILM policy %s: delete posts %d days after their month began", name, settings.posts_retention_days)
    return name
