"""The ``pantau`` command line: one sub-command per job.

Every command that needs Kafka or Elasticsearch connects to KAFKA_BOOTSTRAP_SERVERS and
ELASTICSEARCH_URL when both are set, and otherwise starts the local noida-db backend itself.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from dashboards.elasticsearch import LegacyPostsIndexError
from pantau.config import ConfigError
from pantau.local_backend import BackendError
from pantau.provision import ClusterUnavailable, provision, safe_address, wait_for_cluster
from pantau.runtime import backends, setup_logging

app = typer.Typer(help="pantau: watch social media for hoax narratives.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
eval_app = typer.Typer(help="Evaluate a stage against a labelled file.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Train a model from labelled files.", no_args_is_help=True)
app.add_typer(train_app, name="train")
from pantau.connectors_cli import connectors_app  # noqa: E402
app.add_typer(connectors_app, name="connectors")
from pantau.claims_cli import claims_app  # noqa: E402
app.add_typer(claims_app, name="claims")

REPO = Path(__file__).resolve().parent.parent
SAMPLE_FILES = [REPO / "data/sample/posts.jsonl", REPO / "data/sample/posts.csv", REPO / "data/sample/malformed.jsonl"]


@app.callback()
def main(log_level: str = typer.Option("INFO", help="DEBUG, INFO, WARNING or ERROR")) -> None:
    """Set up logging for every sub-command."""
    setup_logging(log_level.upper())


@app.command()
def setup(
    kibana: bool = typer.Option(True, help="import the Kibana data views and dashboards (dashboards/kibana/)"),
    wait: float = typer.Option(120.0, "--wait", min=0, help="seconds to wait for Elasticsearch and Kafka to answer"),
) -> None:
    """Wait for the cluster, create the topics, index templates and indices, and import the Kibana
    objects (idempotent)."""
    from pantau.config import load_settings

    configured = load_settings()
    local = configured.uses_local_backend  # decided before backends() exports the local addresses
    with backends(configured) as settings:
        try:
            wait_for_cluster(settings, wait)
        except ClusterUnavailable as exc:
            more = "" if exc.final else f" (waited {wait:.0f} s; `pantau setup --wait SECONDS` waits longer)"
            typer.echo(f"pantau: {exc}{more}", err=True)
            sys.exit(1)
        report = provision(settings)
        typer.echo(f"topics and indices ready (kafka {settings.kafka_bootstrap_servers}, "
                   f"elasticsearch {safe_address(settings.elasticsearch_url)})")
        typer.echo(report.lifecycle)
        if not kibana:
            return
        if local:
            typer.echo("the local backend has no Kibana: Kibana objects not imported "
                       "(`pantau report` writes an analyst view instead)")
            return
        from dashboards.kibana import KibanaError, import_saved_objects

        try:
            imported = import_saved_objects(
                settings.kibana_url, username=settings.elasticsearch_username,
                password=settings.elasticsearch_password, api_key=settings.elasticsearch_api_key,
                verify=str(settings.elasticsearch_ca_certs) if settings.elasticsearch_ca_certs
                else settings.elasticsearch_verify_certs)
        except KibanaError as exc:  # its message names the objects and never a credential
            typer.echo(f"pantau: Kibana objects not imported: {exc} (rerun `pantau setup` once Kibana is up; "
                       f"PANTAU_KIBANA_URL={settings.kibana_url})", err=True)
            sys.exit(1)
        typer.echo(f"Kibana objects imported at {settings.kibana_url}: "
                   + ", ".join(f"{name} {count}" for name, count in imported.items()))


@app.command()
def worker(
    instance_id: Optional[str] = typer.Option(None, help="static member id, unique per worker "
                                                      "(default PANTAU_WORKER_INSTANCE_ID)"),
) -> None:
    """Run the stream worker (enrich and index agents); start several to share the partitions."""
    if instance_id:
        os.environ["PANTAU_WORKER_INSTANCE_ID"] = instance_id
    from faust import Worker

    from enrichers.stage import warm_up
    from pantau import metrics  # noqa: F401 - registers the metrics before the server starts
    from streams.app import create_app

    from pantau.config import load_settings
    from streams.trend_agents import alerters, trend_rules

    early = load_settings()  # bad settings, rules or alerter files fail before the models load
    trend_rules(early)
    alerters(early)
    # Until Faust installs its own handlers, a stop request during the model loading is a clean exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    warm_up()

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


@app.command()
def narratives(
    target: str = typer.Argument(..., help="a JSON Lines file of posts (raw or enriched) to group offline, "
                                           "or 'top' for what is trending now in the narratives index"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="FILE: posts with narratives; default stdout"),
    summaries: Optional[Path] = typer.Option(None, help="FILE: also write each narrative's spread summary here"),
    min_posts: int = typer.Option(2, min=1, help="FILE: smallest narrative to summarise"),
    limit: int = typer.Option(20, min=1, help="top: rows"),
    since: float = typer.Option(24.0, help="top: only narratives seen in the last N hours"),
) -> None:
    """Group posts into narratives offline (FILE), or show the trending narratives (top)."""
    from pantau import narratives_cli

    if target == "top":
        with backends() as settings:
            provision(settings)
            typer.echo(narratives_cli.show_top(settings, limit, since))
        return
    path = Path(target)
    if not path.is_file():
        raise typer.BadParameter(f"{target} is not a file (give a JSON Lines file, or 'top')", param_hint="TARGET")
    narratives_cli.run_offline(path, output, summaries, min_posts)


@app.command()
def narrative(narrative_id: str = typer.Argument(..., help="a narrative id (the uid of its first post)")) -> None:
    """One narrative: posts per hour by platform, cascade, first posters, top spreaders, samples."""
    from pantau import narratives_cli

    with backends() as settings:
        provision(settings)
        shown = narratives_cli.show_narrative(settings, narrative_id)
    if shown is None:
        typer.echo(f"no narrative {narrative_id} in the narratives index "
                   f"(narratives of one post get no summary; try 'pantau narratives top')", err=True)
        sys.exit(1)
    typer.echo(shown)


@app.command()
def trends(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines posts, raw or enriched"),
    rules: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                         help="YAML rules (default: PANTAU_TREND_RULES_FILE, else rules.example.yaml)"),
    window: Optional[int] = typer.Option(None, help="window seconds (default: PANTAU_TREND_WINDOW_SECONDS, 600)"),
    hop: Optional[int] = typer.Option(None, help="hop seconds (default: PANTAU_TREND_HOP_SECONDS, 300)"),
    lateness: Optional[int] = typer.Option(None, help="seconds a window stays open after its end "
                                                      "(default: PANTAU_TREND_LATENESS_SECONDS, 300)"),
    arrival: bool = typer.Option(False, "--arrival", help="replay in file order instead of event time"),
    batch: int = typer.Option(500, min=1, help="posts per step; event time moves on after each (as a stream batch)"),
    as_json: bool = typer.Option(False, "--json", help="one JSON alert per line"),
) -> None:
    """Replay a file of posts through the trend rules and print the alerts they would raise."""
    from pantau.config import load_settings
    from pantau.trends_cli import run_file

    settings = load_settings()
    sys.exit(run_file(file, rules or settings.trend_rules_file, window or settings.trend_window_seconds,
                      hop or settings.trend_hop_seconds,
                      settings.trend_lateness_seconds if lateness is None else lateness, arrival, as_json, batch))


@eval_app.command("trends")
def eval_trends(
    seeds: str = typer.Option("10", help="seed or range of seeds, e.g. 10 or 10-14 (0-4 were used for tuning)"),
    days: int = typer.Option(7, min=2, help="days of synthetic stream per seed (the first is warm-up)"),
    rules: Optional[Path] = typer.Option(None, exists=True, dir_okay=False, help="default: rules.example.yaml"),
    write: Optional[Path] = typer.Option(None, help="also write the first seed's stream here as JSON Lines"),
) -> None:
    """Trend alerts on a synthetic stream with injected bursts: recall, precision, detection delay."""
    from pantau.trends_cli import evaluate

    first, _, last = seeds.partition("-")
    try:
        chosen = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise typer.BadParameter("give a seed (10) or a range (10-14)", param_hint="--seeds") from None
    sys.exit(evaluate(chosen, days, rules, write))


@eval_app.command("claims")
def eval_claims(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines: text, claim_id (null: none)"),
    catalogue: Optional[Path] = typer.Option(None, exists=True, dir_okay=False, help="default: the shipped catalogue"),
    split: Optional[str] = typer.Option(None, help="only examples of this split (dev or test)"),
) -> None:
    """Claim matching: top-1 accuracy, precision and recall of "matched anything"."""
    from pantau.claims_cli import eval_claims as evaluate

    sys.exit(evaluate(file, catalogue, split))


@eval_app.command("narratives")
def eval_narratives(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines posts with a gold narrative"),
    gold_field: str = typer.Option("narrative_gold", help="the field holding each post's true narrative"),
) -> None:
    """Narrative grouping: B-cubed and pairwise precision, recall and F1 against gold labels."""
    from pantau.narratives_cli import evaluate_file

    typer.echo(evaluate_file(file, gold_field))


@app.command()
def reprocess(
    since: str = typer.Option(..., help="start of the range (by created_at): 2026-11-01, "
                                        "2026-11-01T06:00:00+07:00, or 48h / 7d back from now"),
    until: str = typer.Option("0m", help="end of the range, exclusive (default: now)"),
    files: Optional[List[Path]] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                               help="raw posts, JSON Lines or CSV (default: the raw topic)"),
    batch_size: int = typer.Option(1000, min=1),
) -> None:
    """Re-enrich the posts of a time range with the current enrichment and update them in place."""
    from itertools import chain

    from enrichers.stage import ENRICHMENT_VERSION
    from ingestors.file_replay import read_records
    from pantau.reprocess import parse_when, raw_topic_records
    from pantau.reprocess import reprocess as run_reprocess

    try:
        start, end = parse_when(since), parse_when(until)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    with backends() as settings:
        provision(settings)
        records = (chain.from_iterable(read_records(path) for path in files) if files
                   else raw_topic_records(settings, start))
        counts = run_reprocess(settings, records, start, end, batch_size)
    typer.echo(f"re-enriched and updated {counts.updated} posts (enrichment {ENRICHMENT_VERSION}); "
               f"outside the range {counts.out_of_range}, invalid {counts.invalid}, failed {counts.failed}")
    if counts.failed:
        sys.exit(1)


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
def report(
    output: Path = typer.Option(Path("pantau-report.html"), "-o", "--output", help="the HTML file to write"),
    since: float = typer.Option(24 * 7, min=0, help="hours back from now (with --from: from the file's latest "
                                                    "post); 0 = everything"),
    source: Optional[Path] = typer.Option(None, "--from", exists=True, dir_okay=False,
                                          help="build it offline from JSON Lines posts (raw or enriched) "
                                               "instead of Elasticsearch"),
) -> None:
    """Write the analyst report, one HTML file that needs no network: narrative leaderboard, spread
    over time, cascade graphs, trending terms, recent alerts."""
    from pantau.report import collect, collect_file, write_report

    if source is not None:
        from pantau.config import load_settings

        settings = load_settings()
        data = collect_file(source, since, rules_path=settings.trend_rules_file, window=settings.trend_window_seconds,
                            hop=settings.trend_hop_seconds, lateness=settings.trend_lateness_seconds)
    else:
        from pantau.clients import elasticsearch_client

        with backends() as settings, elasticsearch_client(settings) as es:
            provision(settings)
            data = collect(es, settings, since)
    typer.echo(f"report: {write_report(output, data)}")


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


@eval_app.command("ner")
def eval_ner(
    files: List[Path] = typer.Argument(..., exists=True, dir_okay=False,
                                       help="CoNLL (token<TAB>BIO tag) or JSON Lines (text, entities)"),
    pipeline: str = typer.Option("full", help="full: what the enrich stage finds (language id picks "
                                              "the pipeline, model and rules); model: the Indonesian "
                                              "statistical model alone; rules: the rules and gazetteers alone"),
) -> None:
    """Named entities: precision, recall and F1 per label, exact and partial match."""
    from enrichers.ner_eval import main as evaluate
    from enrichers.ner_eval import spacy_predictor

    if pipeline == "full":
        from enrichers import entities, langid

        def predict(texts: list[str]) -> list[list[tuple[int, int, str]]]:
            languages = [guess.code for guess in langid.identify_many(texts)]
            return [[(e["start"], e["end"], e["label"]) for e in found]
                    for found in entities.find_many(texts, languages)]
    elif pipeline == "model":
        predict = spacy_predictor()
    elif pipeline == "rules":
        from enrichers.entity_rules import build_rules_pipeline

        rules = build_rules_pipeline()

        def predict(texts: list[str]) -> list[list[tuple[int, int, str]]]:
            return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in rules.pipe(texts)]
    else:
        raise typer.BadParameter("use full, model or rules", param_hint="--pipeline")
    sys.exit(max(evaluate(str(path), predict) for path in files))


@train_app.command("ner")
def train_ner(
    train: Optional[List[Path]] = typer.Option(None, exists=True, dir_okay=False,
                                               help="labelled training file (repeatable; default: IndoNLU train splits)"),
    dev: Optional[List[Path]] = typer.Option(None, exists=True, dir_okay=False,
                                             help="labelled dev file (repeatable; default: IndoNLU valid splits)"),
    output: Optional[Path] = typer.Option(None, help="model directory, replaced (default: the shipped "
                                                     "model, enrichers/data/ner/model, which the stage loads)"),
    max_epochs: Optional[int] = typer.Option(None, help="default: the config's"),
    seed: int = typer.Option(0),
) -> None:
    """Train the Indonesian NER model with spaCy (CoNLL or JSON Lines files)."""
    from enrichers.ner_train import DEFAULT_OUTPUT
    from enrichers.ner_train import train as run_training

    started = time.monotonic()
    out = run_training(train, dev, output or DEFAULT_OUTPUT, max_epochs=max_epochs, seed=seed)
    typer.echo(f"model written to {out} in {time.monotonic() - started:.0f}s")


def run() -> None:
    """The console entry point: the app, with configuration errors as one clear line, exit 2."""
    try:
        app(prog_name="pantau")
    except (ConfigError, BackendError) as exc:
        typer.echo(f"pantau: {'configuration error: ' if isinstance(exc, ConfigError) else ''}{exc}", err=True)
        sys.exit(2)
    except LegacyPostsIndexError as exc:  # any command that provisions can meet it
        typer.echo(f"pantau: {exc}", err=True)
        sys.exit(1)
