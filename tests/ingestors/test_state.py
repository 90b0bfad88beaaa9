"""The connectors' state file: checkpoints, seen ids, status, pause flags, intents, across processes."""

import multiprocessing

from ingestors.state import BatchCounts, StateStore


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_commit_stores_checkpoint_seen_ids_and_counters_together(tmp_path):
    clock = Clock()
    state = StateStore.in_dir(tmp_path, clock=clock)
    state.ensure(["a", "b"])
    assert state.checkpoint("a") is None and state.seen("a", ["1"]) == set()

    state.commit("a", {"since_id": "9"}, ["1", "2"], BatchCounts(fetched=3, published=2, duplicates=1))
    assert state.checkpoint("a") == {"since_id": "9"}
    assert state.seen("a", ["1", "2", "3"]) == {"1", "2"}
    assert state.seen("b", ["1"]) == set()  # ids are per connector

    reopened = StateStore.in_dir(tmp_path, clock=clock)
    (a,) = reopened.statuses(["a"])
    assert (a.fetched, a.published, a.duplicates, a.state) == (3, 2, 1, "running")
    assert a.last_success == clock.now and a.items_per_minute == 0.4  # 2 in the last 5 minutes


def test_errors_show_backoff_and_failing_until_the_next_success(tmp_path):
    clock = Clock()
    state = StateStore.in_dir(tmp_path, clock=clock)
    state.ensure(["a"])
    state.record_error("a", "server", "HTTP 503 from example.org/api", 4.0, failing=False)
    state.record_error("a", "rate_limited", "HTTP 429 from example.org/api", 30.0, failing=True)
    (a,) = state.statuses(["a"])
    assert (a.state, a.backoff_seconds, a.backoff_until) == ("failing", 30.0, clock.now + 30)
    assert a.errors == {"rate_limited": 1, "server": 1} and a.consecutive_errors == 2
    assert a.last_error_kind == "rate_limited"

    state.commit("a", None, [], BatchCounts(dead_lettered=2, mapping_errors=2))
    (a,) = state.statuses(["a"])
    assert (a.state, a.backoff_seconds, a.consecutive_errors) == ("running", 0.0, 0)
    assert a.errors == {"mapping": 2, "rate_limited": 1, "server": 1}


def test_a_runner_that_stopped_writing_its_heartbeat_shows_as_stopped(tmp_path):
    clock = Clock()
    state = StateStore.in_dir(tmp_path, clock=clock)
    state.ensure(["a"])
    state.mark("a", "running")
    clock.now += 5
    assert state.statuses(["a"])[0].state == "running"
    clock.now += 60
    assert state.statuses(["a"])[0].state == "stopped"


def test_pause_is_pausing_until_the_runner_acknowledges_it(tmp_path):
    state = StateStore.in_dir(tmp_path)
    state.ensure(["a"])
    state.set_paused("a", True)
    assert state.statuses(["a"])[0].state == "paused"  # nothing runs it: paused at once
    state.set_paused("a", False)
    state.mark("a", "running")
    state.set_paused("a", True)
    assert state.statuses(["a"])[0].state == "pausing"
    state.mark("a", "paused")
    assert state.statuses(["a"])[0].state == "paused"
    state.set_paused("a", False)
    assert state.statuses(["a"])[0].state == "resuming"


def _pause_from_another_process(directory: str) -> None:
    StateStore.in_dir(directory).set_paused("a", True)


def test_another_process_pauses_through_the_same_file(tmp_path):
    state = StateStore.in_dir(tmp_path)
    state.ensure(["a"])
    process = multiprocessing.get_context("spawn").Process(target=_pause_from_another_process, args=(str(tmp_path),))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert state.is_paused("a")


def test_seen_ids_are_bounded_to_the_newest(tmp_path):
    clock = Clock()
    state = StateStore.in_dir(tmp_path, clock=clock, seen_keep=3)
    state.ensure(["a"])
    for number in range(5):
        clock.now += 1
        state.commit("a", {"n": number}, [str(number)], BatchCounts(fetched=1, published=1))
    state.prune("a")
    assert state.seen("a", [str(n) for n in range(5)]) == {"2", "3", "4"}


def test_an_intent_is_kept_until_resolved_or_committed(tmp_path):
    state = StateStore.in_dir(tmp_path)
    state.ensure(["a"])
    state.commit("a", {"after": 3}, ["1", "2", "3"], BatchCounts(fetched=3, published=3))
    state.save_intent("a", {"after": 6}, [("4", "toy:4"), ("5", None)], {0: 10, 1: 7})
    intent = StateStore.in_dir(tmp_path).intent("a")
    assert (intent.checkpoint, intent.items, intent.offsets) == ({"after": 6}, [("4", "toy:4"), ("5", None)],
                                                                  {0: 10, 1: 7})
    state.resolve_intent("a", ["4"], intent.checkpoint, complete=False)
    assert state.intent("a") is None
    assert state.checkpoint("a") == {"after": 3}  # incomplete: fetched again from here
    assert state.seen("a", ["4", "5"]) == {"4"}  # ... and 4, already on the topic, is not sent twice

    state.save_intent("a", {"after": 6}, [("5", "toy:5")], {0: 10})
    state.commit("a", {"after": 6}, ["5"], BatchCounts(fetched=1, published=1))
    assert state.intent("a") is None and state.checkpoint("a") == {"after": 6}
