"""Waiting out a rebalance before touching a changelog-backed table.

During a rebalance Faust rebuilds each table it assigns by replaying the table's changelog up to
the offset it had when recovery started (the in-memory store keeps no offsets, so a worker
that keeps its partitions replays them too). A write made by an agent meanwhile can be
overwritten by an older value from the replay, and a narrative key or a trend window reverted
that way is lost for good. So the agents that write tables wait, before each batch, until no
rebalance or recovery is under way; Kafka's at-least-once delivery gives them the batch again
if they lose their partitions meanwhile.
"""

from __future__ import annotations

import asyncio

import faust


def settled(app: faust.App) -> bool:
    """True when no rebalance or table recovery is under way and the app is consuming."""
    return not (app.rebalancing or app.in_recovery) and app.flow_control.is_active()


async def wait_until_settled(app: faust.App, poll_seconds: float = 0.05) -> None:
    """Return once :func:`settled` holds (at once when it already does)."""
    while not settled(app):
        await asyncio.sleep(poll_seconds)
