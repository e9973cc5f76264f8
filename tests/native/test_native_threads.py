"""`--workers N` natively: partitions in threads of one process with tables
sharded by owner (explicit/threads.py). Whatever the number of workers, the
result is one worker's: counts, depth, verdict, shortest trace, coverage;
and a run stopped in the middle of a level (Ctrl-C, --timeout,
--max-states) stops every thread, writes its last level boundary and
resumes with any number of workers to the uninterrupted result."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from native_compare import summary
from test_native_symmetry import VARIANTS

from specpy.diagnostics import SourceFile
from specpy.explicit import check, partition, search, threads
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load, load_text
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE_5 = (ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5")}))
TWOPHASE_6 = (ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5", "r6")}))
PAXOS_BUG = (ROOT / "specs/paxos_bug_accept_lower_ballot.spec", Overrides())

#: Level 1 holds x = 1..8 in this order; with two workers x = 5..8 are the second partition's run.
#: `Go` then sets y: the invariant fails at x = 8 (SECOND) or at both x = 3 and x = 8 (BOTH).
SPLIT = """spec Split
var x: 0..8 = 0
var y: 0..1 = 0
action Pick(i: 1..8) { require x == 0; x = i }
action Go() { require x > 0 and y == 0; y = 1 }
"""
SECOND = SPLIT + "invariant NotEight: not (x == 8 and y == 1)\n"
BOTH = SPLIT + "invariant NotThreeNorEight: not ((x == 3 or x == 8) and y == 1)\n"


def native(model, **options) -> object:
    r = check(model, CheckOptions(backend="native", **options))
    assert r.backend == "native", r.backend_note
    return r


@pytest.mark.parametrize(
    "model, options",
    [
        pytest.param(lambda: load(*TWOPHASE_5), {}, id="twophase-5"),
        pytest.param(lambda: load(*PAXOS_BUG), {}, id="paxos-bug"),
        pytest.param(VARIANTS["raft-3-servers"], {"max_depth": 9}, id="raft-3-symmetric"),
    ],
)
def test_two_and_three_workers_give_one_workers_result(model, options: dict) -> None:
    m = model()
    one = native(m, **options)
    for workers in (2, 3):
        agrees(native(m, workers=workers, **options), one, m, workers, options)
    assert one.stats.distinct_states > 1000


def agrees(many, one, model, workers: int, options: dict) -> None:
    """`many` workers' result is one worker's; for a run stopped by a
    violation the generated states and coverage count what each partition
    expanded by then (search.py), so those are the Python backend's with as
    many worker processes."""
    if one.violation is None:
        assert summary(many) == summary(one), f"{workers} workers"
        return
    differ = {"generated", "coverage"}
    assert {k: v for k, v in summary(many).items() if k not in differ} == {
        k: v for k, v in summary(one).items() if k not in differ
    }, f"{workers} workers"
    python = check(model, CheckOptions(backend="python", workers=workers, **options))
    assert summary(many) == summary(python), f"{workers} workers, the Python backend's"


def test_the_thread_partitions_share_their_tables_by_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each state is in exactly one partition's table at the end: its owner's."""
    made: list[threads.ThreadParts] = []
    real = threads.ThreadParts.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(threads.ThreadParts, "__init__", init)
    monkeypatch.setattr(threads.ThreadParts, "close", lambda self: self.pool.shutdown())
    r = native(load(*TWOPHASE_5), workers=2)
    (parts,) = made
    tables = [p.seen.table[p.seen.table != 0] for p in parts.partitions]
    assert sum(map(len, tables)) == r.stats.distinct_states
    for j, fps in enumerate(tables):
        assert (partition.owners(fps, 2) == j).all()
    assert all(0.3 < len(fps) / r.stats.distinct_states < 0.7 for fps in tables)


def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(partition, event) of every event the partitions report."""
    seen: list[tuple[int, str]] = []
    real = partition.Partition._report

    def report(self, event):
        if event is not None:
            seen.append((self.part, event.what))
        return real(self, event)

    monkeypatch.setattr(partition.Partition, "_report", report)
    return seen


def test_a_violation_found_by_the_second_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_text(SourceFile("split.spec", SECOND))
    one = native(model)
    found = events(monkeypatch)
    two = native(model, workers=2)
    assert found == [(1, "invariant")]
    agrees(two, one, model, 2, {})
    assert two.kind is ResultKind.INVARIANT and two.violation.trace.states[-1]["x"] == 8


def test_of_two_violations_the_first_partitions_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_text(SourceFile("both.spec", BOTH))
    one = native(model)
    found = events(monkeypatch)
    two = native(model, workers=2)
    assert sorted(found) == [(0, "invariant"), (1, "invariant")]
    agrees(two, one, model, 2, {})
    assert two.violation.trace.states[-1]["x"] == 3


def test_max_states_stops_threads_as_one_worker() -> None:
    model = load(*TWOPHASE_5)
    one = native(model, max_states=5000)
    assert one.limit == "max-states" and one.stats.distinct_states == 5000
    for workers in (2, 3):
        assert summary(native(model, max_states=5000, workers=workers)) == summary(one)


def stall(m: pytest.MonkeyPatch, at: int = 150) -> tuple[threading.Event, list[bool]]:
    """Chunks of one state group each (a look at `cancelled` every 128
    states), and the `at`-th chunk (of ~400: TWOPHASE_6) waits until told to
    stop (at most 2 s): the level is then under way when the search stops.
    The event is set when it waits; the list tells, per look, whether
    `cancelled` was set."""
    m.setattr(threads, "POLL_SECONDS", 0.001)
    m.setattr(partition, "RUN_CHUNKS", 1)
    real = threads.ThreadParts._check
    busy, looks, calls = threading.Event(), [], []

    def check_(self, done=0):
        calls.append(done)
        if len(calls) == at:
            busy.set()
            for _ in range(200):
                if self.cancelled:
                    break
                time.sleep(0.01)
        looks.append(self.cancelled)
        real(self, done)

    m.setattr(threads.ThreadParts, "_check", check_)
    return busy, looks


def test_a_timeout_in_the_middle_of_a_level_stops_every_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    busy, looks = stall(monkeypatch)
    # The clock jumps past the timeout once a chunk is stalled mid-level (not
    # earlier: a timeout seen at a level's boundary would stop no thread).
    clock = time.monotonic
    monkeypatch.setattr(search.time, "monotonic", lambda: clock() + (2000.0 if busy.is_set() else 0.0))
    before = threading.active_count()
    r = native(load(*TWOPHASE_6), workers=2, timeout=1000)
    assert r.kind is ResultKind.LIMIT and r.limit == "timeout"
    assert looks[-1] is True, "the partitions were told to stop in the middle of a level"
    assert threading.active_count() == before, "no thread outlives the search"


def test_ctrl_c_in_the_middle_of_a_level_checkpoints_and_resumes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Ctrl-C while the threads expand a level: the run ends as interrupted
    with its last boundary written; 1 or 2 workers resume it to the whole result."""
    model = load(*TWOPHASE_6)
    whole = native(model)
    with monkeypatch.context() as m:
        busy, looks = stall(m)
        m.setattr(search, "PROGRESS_SECONDS", 0.0)
        sent = []

        def progress(stats):  # the main thread's tick
            if busy.is_set() and not sent:
                sent.append(stats.distinct_states)
                os.kill(os.getpid(), signal.SIGINT)

        r = check(model, CheckOptions(backend="native", workers=2, checkpoint_dir=str(tmp_path / "ck")), progress=progress)
    assert sent and r.kind is ResultKind.LIMIT and r.limit == "interrupted"
    assert looks[-1] is True, "the partitions were told to stop in the middle of a level"
    assert 0 < r.stats.distinct_states < whole.stats.distinct_states
    for workers in (1, 2):
        resumed = native(model, workers=workers, resume_dir=str(tmp_path / "ck"))
        assert summary(resumed) == summary(whole), f"resumed by {workers} workers"


def test_a_checkpoint_of_three_workers_resumes_with_two(tmp_path: Path) -> None:
    model = load(*TWOPHASE_5)
    r = native(model, workers=3, max_states=4000, checkpoint_dir=str(tmp_path / "ck"))
    assert r.limit == "max-states"
    assert summary(native(model, workers=2, resume_dir=str(tmp_path / "ck"))) == summary(native(model))


def test_owners_are_the_kernels() -> None:
    """partition.owners and the C kernel's sp_owner agree (the tables are sharded by both)."""
    from specpy.native import native_model
    from specpy.explicit.compile import CompiledModel

    engine = native_model(CompiledModel(load(*TWOPHASE_5)), CheckOptions(backend="native"), False)
    fps = np.random.default_rng(7).integers(-(2**63), 2**63 - 1, 2000, dtype=np.int64)
    for n in (2, 3, 5):
        assert partition.owners(fps, n).tolist() == [engine.lib.sp_owner(int(fp), n) for fp in fps]
