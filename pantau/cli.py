"""The ``pantau`` command line: one sub-command per job.

Every command that needs Kafka or Elasticsearch connects to KAFKA_BOOTSTRAP_SERVERS and
ELASTICSEARCH_URL when both are set, and otherwise starts the local noida-db backend itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from pantau.config import ConfigError
from pantau.local_backend import BackendError
from pantau.provision import provision
from pantau.runtime import backends, setup_logging

app = typer.Typer(help="pantau: watch social media for hoax narratives.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
eval_app = typer.Typer(help="Evaluate a stage against a labelled file.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

REPO = Path(__file__).resolve().parent.parent
SAMPLE_FILES = [REPO / "data/sample/posts.jsonl", REPO / "data/sample/posts.csv", REPO / "data/sample/malformed.jsonl"]


@app.callback()
def main(log_level: str = typer.Option("INFO", help="DEBUG, INFO, WARNING or ERROR")) -> None:
    """Set up logging for every sub-command."""
    setup_logging(log_level.upper())


@app.command()
def setup() -> None:
    """Create the topics and the Elasticsearch indices (idempotent)."""
    with backends() as settings:
        provision(settings)
        typer.echo(f"topics and indices ready (kafka {settings.kafka_bootstrap_servers}, "
                   f"elasticsearch {settings.elasticsearch_url})")


@app.command()
def worker(
    instance_id: Optional[str] = typer.Option(None, help="static member id, unique per worker "
                                                      "(default PANTAU_WORKER_INSTANCE_ID)"),
) -> None:
    """Run the stream worker (enrich and index agents); start several to share the partitions."""
    if instance_id:
        os.environ["PANTAU_WORKER_INSTANCE_ID"] = instance_id
    from faust import Worker

    from pantau import metrics  # noqa: F401 - registers the metrics before the server starts
    from streams.app import create_app

    with backends() as settings:
        provision(settings)
        if settings.metrics_port:
            from prometheus_client import start_http_server

            start_http_server(settings.metrics_port)
        faust_app = create_app(settings)
        level = logging.getLevelName(logging.getLogger().level)
        Worker(faust_app, loglevel=level, quiet=True, redirect_stdouts=False).execute_from_commandline()


@app.command()
def replay(
    files: List[Path] = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines or CSV files"),
    speed: float = typer.Option(0.0, help="replay the original pace N times faster; 0 = full speed"),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl or csv (default: by file ending)"),
) -> None:
    """File replay connector: publish posts from files to posts.raw."""
    from ingestors.file_replay import paced, read_records
    from ingestors.publish import publish

    with backends() as settings:
        provision(settings)
        for path in files:
            started = time.monotonic()
            count = publish(settings, paced(read_records(path, fmt), speed))
            typer.echo(f"{path}: {count} records published in {time.monotonic() - started:.1f}s")


@app.command()
def enrich(
    input: Optional[Path] = typer.Argument(None, exists=True, dir_okay=False, help="JSON Lines; default stdin"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="JSON Lines; default stdout"),
    dead_letters: Optional[Path] = typer.Option(None, "--dead-letters", help="where refused records go"),
    batch_size: int = typer.Option(1000, min=1),
) -> None:
    """Enrich posts offline (JSON Lines in, JSON Lines out) with the stream's own code."""
    from pantau.offline import run_stage

    from enrichers.stage import enrich_records

    counts = run_stage(enrich_records, "enrich", input, output, dead_letters, batch_size)
    typer.echo(f"enriched {counts[0]}, dead-lettered {counts[1]}", err=True)


@eval_app.command("langid")
def eval_langid(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines: text, lang, kind")) -> None:
    """Language identification: accuracy, per-language precision and recall, confusion table."""
    from enrichers.langid_eval import main as evaluate

    sys.exit(evaluate(str(file)))


@eval_app.command("normalize")
def eval_normalize(
    informal: Path = typer.Argument(..., exists=True, dir_okay=False, help="one informal post per line"),
    formal: Path = typer.Argument(..., exists=True, dir_okay=False, help="its formal rewrite, line by line"),
) -> None:
    """Normalisation: word-level accuracy against formal rewrites (e.g. STIF dev.inf / dev.for)."""
    from enrichers.normalize_eval import main as evaluate

    sys.exit(evaluate(informal, formal))


@app.command()
def summary() -> None:
    """Print what is indexed: posts by language and platform, top hashtags, dead letters."""
    from pantau.clients import elasticsearch_client
    from pantau.summary import format_summary, index_summary, read_dead_letters

    with backends() as settings, elasticsearch_client(settings) as es:
        typer.echo(format_summary(index_summary(es, settings.index("posts")), read_dead_letters(settings)))


@app.command()
def backend() -> None:
    """Run the local noida-db backend in the foreground and print its addresses (Ctrl-C stops it)."""
    from pantau.config import load_settings
    from pantau.local_backend import LocalBackend

    with LocalBackend(load_settings().local_data_dir) as local:
        typer.echo(f"export KAFKA_BOOTSTRAP_SERVERS={local.kafka_bootstrap_servers}")
        typer.echo(f"export ELASTICSEARCH_URL={local.elasticsearch_url}")
        try:
            local.process.wait()
        except KeyboardInterrupt:
            pass


@app.command()
def demo(
    workers: int = typer.Option(2, min=1, max=16, help="worker processes (one per core)"),
    timeout: float = typer.Option(180.0, help="seconds to wait for every post to be searchable"),
    files: Optional[List[Path]] = typer.Option(None, "--file", exists=True, help="default: data/sample/"),
) -> None:
    """The main job: backends, topics, workers, replay of the sample data, wait, summary."""
    from pantau.demo import run_demo

    with backends(fresh=True, data_dir=Path(".pantau/noida/demo")) as settings:
        sys.exit(run_demo(settings, files or SAMPLE_FILES, workers=workers, timeout=timeout))


def run() -> None:
    """The console entry point: the app, with configuration errors as one clear line, exit 2."""
    try:
        app(prog_name="pantau")
    except (ConfigError, BackendError) as exc:
        typer.echo(f"pantau: {'configuration error: ' if isinstance(exc, ConfigError) else ''}{exc}", err=True)
        sys.exit(2)
