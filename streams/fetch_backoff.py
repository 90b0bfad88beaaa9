"""A pause after empty fetches, for brokers that answer a fetch at once instead of long-polling.

A Kafka broker holds a fetch request until data arrives or ``fetch.max.wait.ms`` passes, so an
idle consumer costs nothing. The local noida-db backend answers at once with no records, and
aiokafka then asks again straight away: an idle worker spins a whole core (seen here: 89% CPU
for a worker with nothing to do), starving the real work on a 2-core machine. With
``kafka_fetch_idle_backoff_ms`` set (the local backend sets it), an empty fetch is followed by
that pause, as the broker would have made. On a real Kafka cluster leave it at 0.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka.consumer.fetcher import Fetcher

_original = Fetcher._proc_fetch_request


def install(idle_backoff_ms: int) -> None:
    """Make every aiokafka fetch that brought no records wait ``idle_backoff_ms`` before the next."""
    if idle_backoff_ms <= 0:
        Fetcher._proc_fetch_request = _original
        return
    pause = idle_backoff_ms / 1000

    async def _proc_fetch_request(self, assignment, node_id, request):
        has_new_data = await _original(self, assignment, node_id, request)
        if not has_new_data:
            # Like the original, end quietly when cancelled: Fetcher.close() awaits its
            # cancelled fetch tasks, and a CancelledError out of one stalls the shutdown.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(pause)
        return has_new_data

    Fetcher._proc_fetch_request = _proc_fetch_request
