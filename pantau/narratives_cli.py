"""``pantau narratives FILE|top``, ``pantau narrative ID`` and ``pantau eval narratives FILE``.

Offline, a file of posts (raw or already enriched) goes through the enrich stage where needed
and then through :func:`enrichers.narratives.assign_narratives`, the function the stream's
assign agent calls. Online, the views read the narratives index that the spread agent keeps.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

import orjson
import typer

from enrichers.narratives import assign_narratives, final_narratives
from enrichers.spread import summarise
from enrichers.stage import enrich_records
from ingestors.file_replay import jsonl_lines
from pantau.deadletter import dead_letter


def read_posts(path: Path, dead_letters=None) -> list[dict]:
    """Posts of a JSON Lines file, enriched where they are not yet; refused lines go to ``dead_letters``
    (a binary file; default stderr)."""
    dead_letters = dead_letters or sys.stderr.buffer
    with open(path, "rb") as source:
        lines = list(jsonl_lines(source))
    posts: list[dict | None] = [None] * len(lines)
    raw_positions = []
    for number, line in enumerate(lines):
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            record = None
        if isinstance(record, dict) and record.get("enrichment_version"):
            posts[number] = record
        else:
            raw_positions.append(number)
    result = enrich_records([lines[n] for n in raw_positions])
    failed = {raw_positions[position]: reason for position, reason in result.failures}
    enriched = iter(result.outputs)
    for number in raw_positions:
        if number in failed:
            dead_letters.write(dead_letter(lines[number], stage="narratives", reason=failed[number],
                                           topic=str(path), offset=number) + b"\n")
        else:
            posts[number] = next(enriched)
    return [post for post in posts if post is not None]


def assign_file(posts: list[dict]) -> dict[str, str]:
    """Assign narratives over ``posts`` (in file order, as a stream would) and rewrite each post's
    ``narrative_id`` to its final narrative, after every merge; returns uid -> narrative id."""
    state: dict[str, str] = {}
    assign_narratives(posts, state)
    final = final_narratives(posts, state)
    for post in posts:
        post["narrative_id"] = final[post["uid"]]
    return final


def summaries(posts: Iterable[dict], min_posts: int, now: datetime | None = None) -> list[dict]:
    """The spread summary of every narrative with at least ``min_posts`` posts, largest first."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for post in posts:
        groups[post["narrative_id"]].append(post)
    if now is None:  # offline: "now" is the end of the file's time span
        now = max((p["created_at"] for p in posts), default=None)
        now = datetime.fromisoformat(now.replace("Z", "+00:00")) if now else datetime.now(timezone.utc)
    docs = [summarise(nid, group, now) for nid, group in groups.items() if len(group) >= min_posts]
    return sorted(docs, key=lambda d: (-d["post_count"], d["id"]))


def run_offline(file: Path, output: Path | None, summaries_path: Path | None, min_posts: int) -> None:
    """Assign narratives to a file; write the posts (and optionally the summaries) as JSON Lines."""
    posts = read_posts(file, sys.stderr.buffer)
    assign_file(posts)
    sink = open(output, "wb") if output else sys.stdout.buffer
    try:
        for post in posts:
            sink.write(orjson.dumps(post) + b"\n")
    finally:
        if output:
            sink.close()
    docs = summaries(posts, min_posts)
    if summaries_path:
        summaries_path.write_bytes(b"".join(orjson.dumps(doc) + b"\n" for doc in docs))
    grouped = sum(doc["post_count"] for doc in docs)
    typer.echo(f"{len(posts)} posts: {len(docs)} narratives of {min_posts}+ posts hold {grouped}; "
               f"{len(posts) - grouped} stand alone", err=True)


def evaluate_file(file: Path, gold_field: str) -> str:
    """Assign narratives to a labelled file and score them against ``gold_field`` (B-cubed, pairwise)."""
    from enrichers.cluster_eval import format_report

    posts = read_posts(file, sys.stderr.buffer)
    predicted = assign_file(posts)
    gold = {post["uid"]: str(post.get(gold_field) or f"single:{post['uid']}") for post in posts}
    return format_report(predicted, gold)


def show_top(settings, limit: int, since_hours: float) -> str:
    """The trending-now table from the narratives index."""
    from enrichers.spread import top
    from pantau.clients import elasticsearch_client
    from pantau.narratives_view import format_top

    now = datetime.now(timezone.utc)
    with elasticsearch_client(settings) as es:
        es.indices.refresh(index=settings.index("narratives"))
        hits = es.search(index=settings.index("narratives"), size=1000, sort=[{"last_seen": "desc"}], query={
            "bool": {"filter": [{"range": {"last_seen": {"gte": (now - timedelta(hours=since_hours)).isoformat()}}}],
                     "must_not": [{"exists": {"field": "merged_into"}}]}})["hits"]["hits"]
    docs = [hit["_source"] for hit in hits]
    return format_top(top(docs, now, limit), now)


def show_narrative(settings, narrative_id: str, samples: int = 5) -> str | None:
    """One narrative in detail (following merges), or None when the index does not know it."""
    from pantau.clients import elasticsearch_client
    from pantau.narratives_view import format_narrative

    with elasticsearch_client(settings) as es:
        index = settings.index("narratives")
        es.indices.refresh(index=index)
        doc = None
        for _ in range(50):
            found = es.options(ignore_status=404).get(index=index, id=narrative_id)
            doc = found.get("_source") if found.get("found") else None
            if not doc or not doc.get("merged_into"):
                break
            narrative_id = doc["merged_into"]
        if not doc:
            return None
        ids = [narrative_id, *(doc.get("aliases") or [])]
        hits = es.search(index=settings.index("posts"), size=samples, query={"terms": {"narrative_id": ids}},
                         sort=[{"engagement.reshares": {"order": "desc", "unmapped_type": "long"}},
                               {"created_at": "asc"}])["hits"]["hits"]
    return format_narrative(doc, [hit["_source"] for hit in hits])
