"""``pantau trends FILE`` and ``pantau eval trends``: the trend engine offline.

A file of posts (raw or already enriched; narratives are assigned where the posts carry none)
is replayed through :func:`enrichers.trends.replay`, the engine the stream's trends agent runs,
in event time (sorted by ``created_at``) or in file order (``--arrival``, late posts and all).
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import typer

from enrichers.trends import DEFAULT_RULES, RuleError, load_rules, replay, to_epoch
from enrichers.trends_eval import format_report, generate, run


def run_file(path: Path, rules_path: Path | None, window: int, hop: int, lateness: float, arrival: bool,
             as_json: bool, batch: int = 500) -> int:
    """Replay ``path`` in steps of ``batch`` posts (the watermark moves after each) and print each
    alert (its message, or one JSON line with ``as_json``); returns the exit code."""
    from pantau.narratives_cli import assign_file, read_posts

    try:
        rules = load_rules(rules_path or DEFAULT_RULES)
    except (RuleError, OSError) as exc:
        typer.echo(f"pantau: {exc}", err=True)
        return 2
    posts = read_posts(path, sys.stderr.buffer)
    if posts and not any(post.get("narrative_id") for post in posts):
        assign_file(posts)
    if not arrival:
        posts.sort(key=lambda post: to_epoch(post["created_at"]))
    try:
        alerts = replay(posts, rules, window_seconds=window, hop_seconds=hop, lateness_seconds=lateness,
                        batch_size=batch)
    except ValueError as exc:  # window and hop that do not fit
        typer.echo(f"pantau: {exc}", err=True)
        return 2
    for alert in alerts:
        if as_json:
            typer.echo(orjson.dumps(alert.to_dict()).decode())
        else:
            samples = "; ".join(f"{s['uid']}: {s['text'][:80]}" for s in alert.samples[:2])
            typer.echo(f"{alert.window['start']}  [{alert.severity}] {alert.message}\n    e.g. {samples}")
    typer.echo(f"{len(alerts)} alerts from {len(posts)} posts", err=True)
    return 0


def evaluate(seeds: list[int], days: int, rules_path: Path | None, write: Path | None) -> int:
    """Generate a synthetic stream per seed, replay it, print precision, recall and delay; exit code."""
    try:
        rules = load_rules(rules_path or DEFAULT_RULES)
    except (RuleError, OSError) as exc:
        typer.echo(f"pantau: {exc}", err=True)
        return 2
    if write is not None:
        posts, truth = generate(seeds[0], days)
        with open(write, "wb") as out:
            # Marked as enriched, so that `pantau trends FILE` replays them as they are.
            out.writelines(orjson.dumps({**post, "enrichment_version": "synthetic"}) + b"\n" for post in posts)
        typer.echo(f"wrote {len(posts)} posts of seed {seeds[0]} to {write}", err=True)
    for seed in seeds:
        report = run(seed, days, rules)
        typer.echo(f"seed {seed}, {days} days, {report['posts']} posts ({report['late']} late post-terms dropped)")
        typer.echo(format_report(report))
    return 0
