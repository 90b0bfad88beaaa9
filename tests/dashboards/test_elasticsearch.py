"""Index templates, monthly posts indices behind the posts alias, and the posts ILM policy, on the
real backend (the local one has no ILM: the tests that need it skip there)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from dashboards.elasticsearch import INDICES, LegacyPostsIndexError, ensure_indices, index_template, load_mapping
from dashboards.lifecycle import NO_ILM, posts_policy, put_posts_policy
from pantau.clients import async_elasticsearch_client
from streams import narrative_store
from streams.indexer import index_batch

REPO = Path(__file__).resolve().parents[2]
NOVEMBER, DECEMBER = "2025-11-15T08:00:00Z", "2025-12-03T21:00:00+07:00"


def current_month(settings) -> str:
    return settings.posts_index_for(datetime.now(timezone.utc).isoformat())


def index_posts(settings, posts: list[dict | bytes]) -> list[tuple[str, str]]:
    """Index posts as the index agent does (relabel, route each to its month, bulk); raw bytes
    get the uid x:<position>."""
    docs = {}
    for n, p in enumerate(posts):
        docs[p["uid"] if isinstance(p, dict) else f"x:{n}"] = orjson.dumps(p) if isinstance(p, dict) else p

    async def run():
        es = async_elasticsearch_client(settings)
        try:
            docs_, indices, _ = await narrative_store.follow_merges(es, settings, docs)
            return await index_batch(es, indices, docs_)
        finally:
            await es.close()
    return asyncio.run(run())


def has_ilm(es, settings) -> bool:
    return put_posts_policy(es, settings) is not None


def test_policy_and_posts_template_follow_the_settings(settings, monkeypatch):
    monkeypatch.setenv("PANTAU_POSTS_RETENTION_DAYS", "30")
    from pantau.config import load_settings

    policy = posts_policy(load_settings().posts_retention_days)
    assert policy["phases"]["hot"]["actions"] == {"set_priority": {"priority": 100}}
    assert policy["phases"]["delete"] == {"min_age": "30d", "actions": {"delete": {}}}
    alias = settings.index("posts")
    managed = index_template(settings, "posts", ilm_policy=alias)
    assert managed["index_patterns"] == [f"{alias}-*"] and managed["priority"] == 200
    assert managed["template"]["aliases"] == {alias: {}}
    assert managed["template"]["settings"]["index.lifecycle.name"] == alias
    assert managed["template"]["settings"]["index.lifecycle.parse_origination_date"] is True
    assert "index.lifecycle.name" not in index_template(settings, "posts")["template"]["settings"]
    assert load_mapping("posts")["settings"] == index_template(settings, "posts")["template"]["settings"]


def test_templates_carry_the_mapping_files_and_the_indices_use_them(settings, es):
    report = ensure_indices(es, settings)
    assert sorted(report.created) == sorted([current_month(settings)] + [settings.index(n) for n in INDICES[1:]])
    for name in INDICES:
        found = es.indices.get_index_template(name=settings.index(name))["index_templates"]
        template = found[0]["index_template"]
        assert template["priority"] == 200
        expected = [f"{settings.index(name)}-*"] if name == "posts" else [settings.index(name)]
        assert template["index_patterns"] == expected
        properties = load_mapping(name)["mappings"]["properties"]
        assert template["template"]["mappings"]["properties"].keys() == properties.keys()
        # The index itself (for posts: the current month's, through the alias) has the mapping.
        for mapping in es.indices.get_mapping(index=settings.index(name)).values():
            assert mapping["mappings"]["properties"].keys() >= properties.keys()
    assert set(es.indices.get_alias(name=settings.index("posts"))) == {current_month(settings)}


def test_posts_of_two_months_land_in_two_indices_searched_through_the_alias(settings, es):
    ensure_indices(es, settings)
    alias = settings.index("posts")
    posts = [{"uid": "x:1", "text": "kabar November", "created_at": NOVEMBER},
             {"uid": "x:2", "text": "kabar Desember", "created_at": DECEMBER}]
    assert index_posts(settings, posts) == []
    assert index_posts(settings, posts) == []  # re-delivered: the same ids in the same indices
    es.indices.refresh(index=alias)
    assert es.count(index=alias)["count"] == 2
    hits = {hit["_id"]: hit["_index"] for hit in es.search(index=alias, size=10)["hits"]["hits"]}
    assert hits == {"x:1": f"{alias}-2025.11.01", "x:2": f"{alias}-2025.12.01"}
    assert set(es.indices.get_alias(name=alias)) == {f"{alias}-2025.11.01", f"{alias}-2025.12.01",
                                                     current_month(settings)}
    # The new months took the template: the mapping, and the lifecycle where there is ILM.
    mapping = es.indices.get_mapping(index=f"{alias}-2025.11.01")[f"{alias}-2025.11.01"]["mappings"]
    assert mapping["properties"]["created_at"]["type"] == "date"
    # A single-document operation goes to the concrete index; through the alias it is refused.
    assert es.get(index=f"{alias}-2025.12.01", id="x:2")["_source"]["text"] == "kabar Desember"
    with pytest.raises(Exception, match="alias"):
        es.update(index=alias, id="x:2", doc={"text": "salah"})


def test_a_post_that_is_not_json_goes_to_the_current_month_and_is_refused(settings, es):
    ensure_indices(es, settings)
    failures = index_posts(settings, [b"{not json", {"uid": "x:9", "text": "t", "created_at": "bukan tanggal"}])
    assert sorted(uid for uid, _ in failures) == ["x:0", "x:9"]
    assert all(reason.startswith("elasticsearch 400") for _, reason in failures)
    assert set(es.indices.get_alias(name=settings.index("posts"))) == {current_month(settings)}


def test_provisioning_twice_changes_nothing(settings, es):
    first = ensure_indices(es, settings)
    templates = {n: es.indices.get_index_template(name=settings.index(n))["index_templates"] for n in INDICES}
    indices = set(es.indices.get(index=f"{settings.index_prefix}*"))
    second = ensure_indices(es, settings)
    assert first.created and second.created == []
    assert (second.ilm_policy, second.lifecycle) == (first.ilm_policy, first.lifecycle)
    assert set(es.indices.get(index=f"{settings.index_prefix}*")) == indices
    assert {n: es.indices.get_index_template(name=settings.index(n))["index_templates"] for n in INDICES} == templates


def test_a_legacy_posts_index_stops_provisioning_with_the_fix(settings, es):
    legacy = settings.index("posts")
    es.indices.create(index=legacy)  # what an earlier pantau made
    with pytest.raises(LegacyPostsIndexError) as caught:
        ensure_indices(es, settings)
    message = str(caught.value)
    assert legacy in message and "reindex" in message and "delete it" in message
    assert "Upgrading from a single posts index" in message
    assert not es.indices.exists_index_template(name=settings.index("narratives")), "nothing half done"
    done = subprocess.run([sys.executable, "-m", "pantau", "setup", "--no-kibana", "--wait", "5"], cwd=REPO,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and f"pantau: {legacy} is a single posts index" in done.stderr


def test_the_readme_upgrade_moves_a_legacy_index_into_monthly_indices(settings, es):
    """The steps of README.md "Upgrading from a single posts index", with the prefix of this test."""
    legacy, parked = settings.index("posts"), settings.index("legacy-posts")
    es.indices.create(index=legacy)
    for uid, created in (("x:1", NOVEMBER), ("x:2", DECEMBER), ("x:3", "2025-12-31T23:00:00Z")):
        es.index(index=legacy, id=uid, document={"uid": uid, "created_at": created})
    es.indices.refresh(index=legacy)

    es.reindex(source={"index": legacy}, dest={"index": parked}, refresh=True)
    es.indices.delete(index=legacy)
    ensure_indices(es, settings)
    es.reindex(source={"index": parked}, dest={"index": f"{legacy}-unused", "op_type": "create"},
               conflicts="proceed", refresh=True, script={"source": (
                   f"ctx._index = '{legacy}-' + ctx._source.created_at.substring(0, 7).replace('-', '.') + '.01'")})
    es.indices.delete(index=parked)

    hits = {hit["_id"]: hit["_index"] for hit in es.search(index=legacy, size=10)["hits"]["hits"]}
    assert hits == {uid: settings.posts_index_for(created) for uid, created in
                    (("x:1", NOVEMBER), ("x:2", DECEMBER), ("x:3", "2025-12-31T23:00:00Z"))}


def test_without_ilm_posts_are_kept_and_setup_says_so(settings, es):
    if has_ilm(es, settings):
        pytest.skip("this backend has ILM; the no-ILM path is for the local backend")
    report = ensure_indices(es, settings)
    assert report.ilm_policy is None and report.lifecycle == NO_ILM
    template = es.indices.get_index_template(name=settings.index("posts"))["index_templates"][0]["index_template"]
    assert "lifecycle" not in str(template["template"].get("settings"))
    from pantau.cli import app

    result = CliRunner().invoke(app, ["setup", "--no-kibana"])
    assert result.exit_code == 0, result.output
    assert "this Elasticsearch has no ILM: posts are kept until deleted" in result.output


def test_with_ilm_each_month_ages_from_its_first_day(settings, es):
    if not has_ilm(es, settings):
        pytest.skip("needs real Elasticsearch: ILM")
    report = ensure_indices(es, settings)
    alias = settings.index("posts")
    assert report.ilm_policy == alias
    assert report.lifecycle == f"ILM policy {alias}: delete each month of posts 365 days after the month began"
    policy = es.ilm.get_lifecycle(name=alias)[alias]["policy"]
    assert policy["phases"]["delete"]["min_age"] == "365d"
    assert index_posts(settings, [{"uid": "x:1", "text": "kabar", "created_at": NOVEMBER}]) == []
    month = f"{alias}-2025.11.01"
    explained = es.ilm.explain_lifecycle(index=month)["indices"][month]
    assert explained["managed"] and explained["policy"] == alias
    if "lifecycle_date_millis" in explained:  # set once ILM has initialised the index
        assert explained["lifecycle_date_millis"] == int(datetime(2025, 11, 1, tzinfo=timezone.utc).timestamp() * 1000)
