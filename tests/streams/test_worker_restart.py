"""Worker lifecycle: killed mid-stream and restarted, nothing lost or duplicated; stopped, it stops."""

from __future__ import annotations

import signal
import subprocess
import time

import orjson

from ingestors.publish import publish
from pantau.provision import provision


def test_killed_worker_resumes_without_losing_or_duplicating_posts(settings, start_worker, es, wait_for):
    provision(settings)
    index = settings.index("posts")
    total = 6000
    records = [orjson.dumps({"uid": f"telegram:{n}", "text": f"Sebarkan! kabar nomor {n} #Banjir",
                             "created_at": "2026-11-02T08:00:00Z"}) for n in range(total)]

    def indexed() -> int:
        es.indices.refresh(index=index)
        return es.count(index=index)["count"]

    first = start_worker()
    publish(settings, records[: total // 2])
    wait_for(lambda: indexed() > 0, 60, "the first posts to be indexed")
    first.send_signal(signal.SIGKILL)  # a crash: no graceful commit
    first.wait()
    crashed_at = indexed()
    publish(settings, records[total // 2:])

    start_worker()
    wait_for(lambda: indexed() >= total, 180, f"all {total} posts after the restart (had {crashed_at})")
    assert indexed() == total
    uids = {hit["_source"]["uid"] for hit in es.search(index=index, size=total, source=["uid"])["hits"]["hits"]}
    assert uids == {f"telegram:{n}" for n in range(total)}


def test_a_worker_stops_cleanly_on_sigterm(settings, start_worker):
    provision(settings)
    worker = start_worker()
    time.sleep(5)  # let it join the group and start fetching
    assert worker.poll() is None, "the worker exited on its own"
    worker.send_signal(signal.SIGTERM)
    try:
        code = worker.wait(timeout=15)  # generous: a graceful stop takes about a second here
    except subprocess.TimeoutExpired:
        code = None
    assert code == 0, "the worker did not stop on SIGTERM (a stop that hangs delays every deploy)"
