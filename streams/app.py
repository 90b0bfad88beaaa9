"""The Faust app, built from the settings; ``pantau worker`` runs it.

Scale-out is Kafka partitions plus more worker processes in one consumer group: pantau adds
no coordination of its own. Offsets are committed only after a batch's outputs are flushed
(Faust flushes the producer before each commit), so a crashed worker re-processes at most
the batches since its last commit; the index is idempotent (``_id`` = uid), so nothing is
indexed twice.

Workers with a ``worker_instance_id`` are static group members: one that crashes and comes
back with the same id takes its partitions back at once, without a group rebalance (and on
the local noida-db backend, whose group coordinator never evicts a crashed dynamic member,
this is what lets a restarted worker resume at all). A static member that stops for good keeps
its partitions until the session times out.
"""

from __future__ import annotations

import socket

import faust

from pantau.clients import faust_broker_options
from pantau.config import Settings


def instance_id(settings: Settings) -> str | None:
    """The static group member id of this worker, or None for dynamic membership."""
    if settings.worker_instance_id == "hostname":
        return socket.gethostname()
    return settings.worker_instance_id


def create_app(settings: Settings) -> faust.App:
    """A Faust app with pantau's agents registered on it."""
    from streams import fetch_backoff
    from streams.agents import register_agents

    fetch_backoff.install(settings.kafka_fetch_idle_backoff_ms)
    app = faust.App(
        settings.consumer_group,
        **faust_broker_options(settings),
        store="memory://",
        autodiscover=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        consumer_auto_offset_reset="earliest",
        consumer_group_instance_id=instance_id(settings),
        web_enabled=False,  # metrics come from prometheus-client (PANTAU_METRICS_PORT)
        broker_commit_every=10_000,
        broker_commit_interval=1.0,
        broker_max_poll_records=5000,
        stream_buffer_maxsize=max(settings.enrich_batch_size, settings.index_batch_size) * 2,
        producer_linger=0.05,
        producer_max_batch_size=1_000_000,
        producer_compression_type="gzip",
    )
    register_agents(app, settings)
    return app
