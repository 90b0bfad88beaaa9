"""``pantau claims``: match posts against the known-hoax claim catalogue; ``pantau eval claims``.

``pantau claims match FILE`` reads posts as JSON Lines (each needs ``text``; every other field is
kept), and writes them back with ``claim`` (the matched catalogue claim and its score) where a
post retells a known hoax, and ``fact_check: {verdict}`` where the post is itself a fact-check.
No Kafka or Elasticsearch is involved.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import orjson
import typer

from enrichers.claims import DEFAULT_CATALOGUE, ClaimMatcher, fact_check_verdict, load_catalogue

claims_app = typer.Typer(help="Known-hoax claims: match posts against the catalogue.", no_args_is_help=True)



@claims_app.callback()
def _claims() -> None:
    """Known-hoax claims: match posts against the catalogue."""


DEFAULT_EVAL_FILE = Path(__file__).resolve().parent.parent / "data" / "eval" / "claims.jsonl"


def _matcher(catalogue: Path | None) -> ClaimMatcher:
    try:
        return ClaimMatcher(load_catalogue(catalogue or DEFAULT_CATALOGUE))
    except (OSError, ValueError) as exc:
        typer.echo(f"error: catalogue: {exc}", err=True)
        raise typer.Exit(2)


@claims_app.command("match")
def match(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="posts as JSON Lines (each needs 'text')"),
    catalogue: Optional[Path] = typer.Option(None, "--catalogue", help="claim catalogue (JSON Lines); default "
                                                                       "data/claims/catalogue.jsonl"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of standard output"),
) -> None:
    """Add 'claim' (matched known hoax) and 'fact_check' (post is a debunk) to each post."""
    matcher = _matcher(catalogue)
    posts: list[dict] = []
    bad = 0
    with file.open("rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                post = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                typer.echo(f"{file}:{number}: skipped: not valid JSON: {exc}", err=True)
                bad += 1
                continue
            if not isinstance(post, dict) or not isinstance(post.get("text"), str):
                typer.echo(f"{file}:{number}: skipped: needs a string field 'text'", err=True)
                bad += 1
                continue
            posts.append(post)
    matches = matcher.match_many([p["text"] for p in posts])
    matched = checks = 0
    out = open(output, "wb") if output else sys.stdout.buffer
    try:
        for post, found in zip(posts, matches):
            if found is not None:
                c = found.claim
                post["claim"] = {"id": c.id, "claim": c.claim, "verdict": c.verdict, "url": c.url,
                                 "source": c.source, "published_at": c.published_at, "score": round(found.score, 4)}
                matched += 1
            verdict = fact_check_verdict(post["text"])
            if verdict is not None:
                post["fact_check"] = {"verdict": verdict}
                checks += 1
            out.write(orjson.dumps(post) + b"\n")
    finally:
        if output:
            out.close()
        else:
            out.flush()
    typer.echo(f"{len(posts)} posts: {matched} matched a known claim, {checks} are fact-checks"
               + (f", {bad} bad lines skipped" if bad else ""), err=True)


def eval_claims(file: Path | None = None, catalogue: Path | None = None, split: str | None = None) -> int:
    """Evaluate claim matching on ``file`` (default data/eval/claims.jsonl), print the report.

    ``split`` selects examples whose ``split`` field equals it ("dev" or "test"); None uses all.
    Returns a process exit code (0, or 2 when the files cannot be read).
    """
    from enrichers.claims_eval import evaluate, format_report, load_examples

    try:
        matcher = ClaimMatcher(load_catalogue(catalogue or DEFAULT_CATALOGUE))
        examples = load_examples(file or DEFAULT_EVAL_FILE, split)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    typer.echo(f"file: {file or DEFAULT_EVAL_FILE}  split: {split or 'all'}  catalogue: {len(matcher)} claims")
    typer.echo(format_report(evaluate(matcher, examples)))
    return 0
