"""``pantau demo``: the whole pipeline on the sample data, end to end, with a summary.

Creates the topics and index, starts worker processes, replays the sample files to
posts.raw, waits until every valid post is searchable and every bad one is dead-lettered,
prints the summary, and stops the workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import typer
from kafka import KafkaAdminClient

from ingestors.file_replay import read_records
from ingestors.publish import publish
from pantau.clients import elasticsearch_client, kafka_python_config
from pantau.config import Settings
from pantau.post import InvalidPost, parse_post
from pantau.provision import provision
from pantau.summary import format_summary, index_summary, read_dead_letters
from streams import topics


def expected_outcome(records: list[bytes]) -> tuple[int, int]:
    """(distinct valid uids, invalid records) that a run over ``records`` must end with."""
    uids, invalid = set(), 0
    for record in records:
        try:
            uids.add(parse_post(record).uid)
        except InvalidPost:
            invalid += 1
    return len(uids), invalid


def start_worker(number: int, log_dir: Path) -> subprocess.Popen:
    """Start ``pantau worker`` number ``number`` with this process's environment, logging to a file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"worker-{number}.log", "wb") as log:
        command = [sys.executable, "-m", "pantau", "worker", "--instance-id", f"demo-worker-{number}"]
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=os.environ.copy())


def start_workers(settings: Settings, count: int, log_dir: Path) -> list[subprocess.Popen]:
    """Start ``count`` workers one at a time, each once the previous one has joined the group:
    a rebalance then never meets a worker busy with a batch (nor one still loading models)."""
    processes: list[subprocess.Popen] = []
    try:
        for number in range(count):
            processes.append(start_worker(number, log_dir))
            if not wait_for_group(settings, min(number + 1, settings.topic_partitions)):
                typer.echo(f"worker {number} did not join within 60s; going on", err=True)
    except BaseException:
        stop_workers(processes)
        raise
    return processes


def stop_workers(processes: list[subprocess.Popen], timeout: float = 20.0) -> None:
    """Stop workers gracefully (SIGTERM lets Faust commit), killing any that hang."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_group(settings: Settings, members: int, timeout: float = 60.0) -> bool:
    """Wait until the workers' consumer group is stable with ``members`` members sharing posts.raw.

    Publishing before then works too, but a rebalance in mid-stream hands uncommitted records
    to another worker, which processes them again (harmless in the index, noisy in the dlq).
    """
    admin = KafkaAdminClient(**kafka_python_config(settings), client_id="pantau-demo")
    raw = settings.topic(topics.RAW)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            group = admin.describe_groups([settings.consumer_group]).get(settings.consumer_group, {})
            owners = [member for member in group.get("members", [])
                      if isinstance(member.get("member_assignment"), dict)  # "" until assigned
                      for t in member["member_assignment"].get("assigned_partitions", [])
                      if t["topic"] == raw and t["partitions"]]
            if group.get("group_state") == "Stable" and len(owners) == members:
                return True
            time.sleep(0.5)
        return False
    finally:
        admin.close()


def wait_until_done(settings: Settings, valid: int, invalid: int, timeout: float,
                    workers: list[subprocess.Popen]) -> tuple[int, int]:
    """Poll the index and the dlq until they hold ``valid`` posts and ``invalid`` letters.

    Gives up at the timeout, or as soon as every worker has exited.
    """
    deadline = time.monotonic() + timeout
    index = settings.index("posts")
    with elasticsearch_client(settings) as es:
        while True:
            es.indices.refresh(index=index)
            indexed = es.count(index=index)["count"]
            letters = len(read_dead_letters(settings, timeout_s=0.5)) if indexed >= valid else 0
            workers_gone = all(process.poll() is not None for process in workers)
            if (indexed >= valid and letters >= invalid) or workers_gone or time.monotonic() > deadline:
                return indexed, letters
            time.sleep(0.5)


def wait_for_narratives(settings: Settings, timeout: float = 90.0) -> int:
    """Wait until the spread agent has stopped adding narrative summaries; return how many there are."""
    index, deadline, counts = settings.index("narratives"), time.monotonic() + timeout, [-1]
    with elasticsearch_client(settings) as es:
        while time.monotonic() < deadline:
            es.indices.refresh(index=index)
            counts.append(es.count(index=index, query={"bool": {"must_not": {"exists": {"field": "merged_into"}}}})["count"])
            if counts[-1] > 0 and len(set(counts[-3:])) == 1:  # unchanged for two polls
                break
            time.sleep(3.0)
    return counts[-1]


def write_demo_report(settings: Settings, path: Path = Path(".pantau/pantau-report.html")) -> Path:
    """The HTML report of everything indexed (the sample spans days, long before now); its absolute path."""
    from pantau.report import collect, write_report

    with elasticsearch_client(settings) as es:
        return write_report(path, collect(es, settings, since_hours=None))


def run_demo(settings: Settings, files: list[Path], *, workers: int, timeout: float) -> int:
    """Run the demo; return the exit code (0 when every post arrived where it should)."""
    provision(settings)
    records = [record for path in files for record in read_records(path)]
    valid, invalid = expected_outcome(records)
    typer.echo(f"backends: kafka {settings.kafka_bootstrap_servers}, elasticsearch {settings.elasticsearch_url}")
    log_dir = Path(".pantau/logs")
    processes = start_workers(settings, workers, log_dir)
    try:
        started = time.monotonic()
        publish(settings, records)
        typer.echo(f"published {len(records)} records ({valid} valid posts, {invalid} malformed) "
                   f"from {', '.join(p.name for p in files)}; {workers} workers processing...")
        indexed, letters = wait_until_done(settings, valid, invalid, timeout, processes)
        elapsed = time.monotonic() - started
        with elasticsearch_client(settings) as es:
            typer.echo(format_summary(index_summary(es, settings.index("posts")), read_dead_letters(settings)))
        if indexed != valid or letters != invalid:
            typer.echo(f"INCOMPLETE after {elapsed:.1f}s: {indexed}/{valid} indexed, {letters}/{invalid} "
                       f"dead-lettered; worker logs in {log_dir}", err=True)
            for number, process in enumerate(processes):
                tail = (log_dir / f"worker-{number}.log").read_text(errors="replace").splitlines()[-15:]
                state = "running" if process.poll() is None else f"exited with {process.returncode}"
                typer.echo(f"--- worker-{number} ({state}), last lines of its log:\n" + "\n".join(tail), err=True)
            return 1
        typer.echo(f"all {valid} valid posts searchable, {invalid} dead-lettered, in {elapsed:.1f}s")
        from pantau.narratives_cli import show_top

        settled = wait_for_narratives(settings)
        typer.echo(f"\nlargest narratives (of {settled} with two or more posts; the sample posts are from 2026-11-20..22):")
        typer.echo(show_top(settings, limit=10, since_hours=24 * 3650).rstrip())
        typer.echo("\nmore: pantau narratives top --since HOURS, pantau narrative ID")
        typer.echo(f"report: {write_demo_report(settings)}")
        return 0
    finally:
        stop_workers(processes)
