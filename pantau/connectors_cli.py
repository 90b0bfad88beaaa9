"""``pantau connectors``: list, status, test, run, pause and resume the ingest connectors.

The connectors file is ``--file``, else ``PANTAU_CONNECTORS_FILE`` (default ``connectors.yaml``);
the state (checkpoints, status, the paused flags) lives in ``PANTAU_CONNECTORS_STATE_DIR``.
Only ``run`` talks to Kafka; the other commands read the files, so ``pause``, ``resume`` and
``status`` work from any shell beside a running runner. Secret values never appear in what
these commands print: status and errors are scrubbed of every variable the file names.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import typer

from ingestors.connectors_config import (DEFAULT_POLL_INTERVAL_SECONDS, Instance, load_connectors, secret_values,
                                         select)
from ingestors.state import StateStore, Status
from pantau.config import Settings, load_settings

connectors_app = typer.Typer(help="Ingest connectors: list, status, test, run, pause, resume.",
                             no_args_is_help=True)

_FILE_HELP = "connectors YAML file (default: PANTAU_CONNECTORS_FILE, else connectors.yaml)"


def _load(file: Path | None, *, check_secrets: bool = False) -> tuple[Settings, list[Instance]]:
    settings = load_settings()
    return settings, load_connectors(file or settings.connectors_file, check_secrets=check_secrets)


def _state(settings: Settings) -> StateStore:
    return StateStore.in_dir(settings.connectors_state_dir)


def _scrubber(instances: list[Instance]):
    from ingestors.runner import SecretScrubber

    scrubber = SecretScrubber()
    scrubber.add(secret_values(instances))
    return scrubber.scrub


def _when(instance: Instance) -> str:
    config = instance.config
    if config.schedule:
        return f"cron '{config.schedule}' {config.timezone}"
    return f"every {config.poll_interval_seconds or DEFAULT_POLL_INTERVAL_SECONDS:g}s"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows])


@connectors_app.command("list")
def list_connectors(file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP)) -> None:
    """The connector instances in the file: type, enabled, timing, rate limit, secret variables."""
    _, instances = _load(file)
    rows = []
    for instance in instances:
        rate = instance.config.rate_limit
        secrets = ", ".join(f"{v} ({'set' if os.environ.get(v) else 'unset'})"
                            for v in instance.secret_variables()) or "-"
        rows.append([instance.name, instance.config.type, "yes" if instance.config.enabled else "no", _when(instance),
                     f"{rate.per_second:g}/s burst {rate.burst}", secrets])
    typer.echo(_table(["NAME", "TYPE", "ENABLED", "POLLS", "RATE LIMIT", "SECRETS"], rows))


def _ago(moment: float | None, now: float) -> str:
    if moment is None:
        return "never"
    seconds = max(0, now - moment)
    if seconds < 120:
        text = f"{seconds:.0f}s"
    else:
        text = f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.0f}h"
    return f"{datetime.fromtimestamp(moment, timezone.utc):%Y-%m-%d %H:%M:%S}Z ({text} ago)"


def _status_row(status: Status, now: float) -> list[str]:
    errors = sum(status.errors.values())
    by_kind = ", ".join(f"{kind} {count}" for kind, count in status.errors.items())
    backoff = "-"
    if status.backoff_seconds:
        left = max(0.0, (status.backoff_until or now) - now)
        backoff = f"{status.backoff_seconds:.1f}s (next try in {left:.0f}s)"
    checkpoint = json.dumps(status.checkpoint, ensure_ascii=False) if status.checkpoint is not None else "-"
    return [status.name, status.state, _ago(status.last_success, now), f"{status.items_per_minute:g}",
            f"{errors} ({by_kind})" if errors else "0", backoff, checkpoint[:80]]


@connectors_app.command()
def status(file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP),
           as_json: bool = typer.Option(False, "--json", help="one JSON document instead of a table")) -> None:
    """For each connector: state, last success, items per minute, errors, current backoff, checkpoint."""
    settings, instances = _load(file)
    scrub = _scrubber(instances)
    statuses = _state(settings).statuses([i.name for i in instances])
    if as_json:
        typer.echo(scrub(json.dumps([s.as_dict() for s in statuses], ensure_ascii=False, indent=2)))
        return
    now = time.time()
    lines = [_table(["NAME", "STATE", "LAST SUCCESS", "ITEMS/MIN", "ERRORS", "BACKOFF", "CHECKPOINT"],
                    [_status_row(s, now) for s in statuses])]
    for s in statuses:
        if s.state in ("backing-off", "failing") and s.last_error:
            lines.append(f"  {s.name}: last error ({s.last_error_kind}, {_ago(s.last_error_at, now)}): {s.last_error}")
    typer.echo(scrub("\n".join(lines)))


@connectors_app.command()
def test(name: str = typer.Argument(..., help="connector name"),
         file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP),
         limit: int = typer.Option(50, min=1, help="streaming connectors: items to wait for at most"),
         seconds: float = typer.Option(10.0, min=0.1, help="streaming connectors: seconds to wait at most")) -> None:
    """Fetch once from the start and print the mapped posts (JSON Lines); publish nothing, store nothing.

    Refused items (with their reasons), claims and a summary go to standard error.
    """
    from ingestors.runner import describe, fetch_once

    _, instances = _load(file, check_secrets=True)
    (instance,) = select(instances, [name])
    scrub = _scrubber(instances)
    try:
        fetched, prepared = fetch_once(instance, limit=limit, seconds=seconds)
    except Exception as exc:  # noqa: BLE001 - reported, scrubbed, as the command's outcome
        typer.echo(scrub(f"{name}: fetch failed: {describe(exc)}"), err=True)
        sys.exit(1)
    for _, _, record in prepared.posts:
        typer.echo(record.decode())
    for position, item_id, _, reason in prepared.refused:
        typer.echo(scrub(f"refused item {position} ({item_id or 'no id'}): {reason}"), err=True)
    for _, _, claim in prepared.claims:
        typer.echo(f"claim: {claim.decode()}", err=True)
    typer.echo(f"{name}: fetched {fetched}, mapped {len(prepared.posts)}, refused {len(prepared.refused)}, "
               f"duplicates {prepared.duplicates}, claims {len(prepared.claims)}; nothing published", err=True)


@connectors_app.command()
def run(names: Optional[List[str]] = typer.Argument(None, help="connector names (default: every enabled one)"),
        file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP)) -> None:
    """Run the connectors until SIGTERM or Ctrl-C: publish to posts.raw, resume from checkpoints."""
    from ingestors.runner import Runner
    from ingestors.status_index import StatusSnapshots
    from pantau.clients import elasticsearch_client
    from pantau.provision import provision
    from pantau.runtime import backends

    settings, instances = _load(file, check_secrets=True)
    chosen = select(instances, names)
    if not chosen:
        typer.echo("no enabled connector in the connectors file; nothing to run", err=True)
        sys.exit(1)
    with backends(settings) as settings:
        provision(settings)
        if settings.connectors_metrics_port:
            from prometheus_client import start_http_server

            start_http_server(settings.connectors_metrics_port)
        typer.echo(f"running {', '.join(i.name for i in chosen)}", err=True)
        state = _state(settings)
        # provision() above has just used this Elasticsearch (configured, or the local backend),
        # so the runner has one: a status snapshot per connector goes to the connectors index
        # every minute and at stop. Snapshots never stop the runner when it becomes unreachable.
        with elasticsearch_client(settings) as es:
            snapshots = StatusSnapshots(state, es, settings.index("connectors"),
                                        types={i.name: i.config.type for i in chosen}).start()
            try:
                Runner(settings, chosen, state).run()
            finally:
                snapshots.stop()


def _set_paused(name: str, file: Path | None, paused: bool) -> None:
    settings, instances = _load(file)
    select(instances, [name])
    _state(settings).set_paused(name, paused)
    typer.echo(f"{name}: {'paused' if paused else 'resumed'} (a running runner notices within a few seconds)")


@connectors_app.command()
def pause(name: str = typer.Argument(..., help="connector name"),
          file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP)) -> None:
    """Pause a connector, on a running runner too (it finishes the batch in hand, then waits).

    An HTTP ingest endpoint keeps listening while paused and answers 503 ``paused`` with Retry-After.
    """
    _set_paused(name, file, True)


@connectors_app.command()
def resume(name: str = typer.Argument(..., help="connector name"),
           file: Optional[Path] = typer.Option(None, "--file", help=_FILE_HELP)) -> None:
    """Resume a paused connector; it polls again at once."""
    _set_paused(name, file, False)
