"""Runs a stage offline over JSON Lines: the same pure function the stream uses, on files."""

from __future__ import annotations

import contextlib
import sys
from itertools import islice
from pathlib import Path
from typing import Callable

import orjson

from ingestors.file_replay import jsonl_lines
from pantau.deadletter import dead_letter


def run_stage(stage: Callable, stage_name: str, input: Path | None, output: Path | None,
              dead_letters: Path | None, batch_size: int = 1000) -> tuple[int, int]:
    """Feed ``input`` (default stdin) through ``stage`` in batches; return (outputs, failures).

    Outputs go to ``output`` (default stdout); refused records go to ``dead_letters`` as dead
    letters (default stderr), so that nothing is lost.
    """
    done = failed = 0
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(open(input, "rb")) if input else sys.stdin.buffer
        sink = stack.enter_context(open(output, "wb")) if output else sys.stdout.buffer
        dead = stack.enter_context(open(dead_letters, "wb")) if dead_letters else sys.stderr.buffer
        records = jsonl_lines(source)
        line_number = 0
        while batch := list(islice(records, batch_size)):
            result = stage(batch)
            for doc in result.outputs:
                sink.write(orjson.dumps(doc) + b"\n")
            for position, reason in result.failures:
                dead.write(dead_letter(batch[position], stage=stage_name, reason=reason,
                                       topic=str(input or "stdin"), offset=line_number + position) + b"\n")
            line_number += len(batch)
            done += len(result.outputs)
            failed += len(result.failures)
        sink.flush()
    return done, failed
