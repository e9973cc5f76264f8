"""`--workers N` natively: one partition whose levels N threads expand at
once, segment by segment, into one table (explicit/threads.py). Whatever the
number of threads, the result is one worker's, all of it: counts, depth,
verdict, shortest trace, coverage, even what a run stopped by a violation
had generated; and a run stopped in the middle of a level (Ctrl-C,
--timeout) stops every thread, writes its last level boundary and resumes
with any number of workers to the uninterrupted result.

Most tests cut levels into segments of one chunk (MIN_SEGMENT_CHUNKS = 1),
so that small models have many segments that find the same states, take
each other's claims over and grow the table in the middle of a level.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from native_compare import summary
from test_native_symmetry import VARIANTS

from specpy.diagnostics import SourceFile
from specpy.explicit import check, search, segments, spill, threads
from specpy.native import kernel
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load, load_text
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE_5 = (ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5")}))
TWOPHASE_6 = (ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5", "r6")}))
PAXOS_BUG = (ROOT / "specs/paxos_bug_accept_lower_ballot.spec", Overrides())

#: Level 1 holds x = 1..2000 in this order (16 chunks); `Go` then sets y, and
#: the invariant fails where x = 1900 (the 15th chunk: a late segment) or at
#: both x = 300 and x = 1900 (BOTH).
SPLIT = """spec Split
var x: 0..2000 = 0
var y: 0..1 = 0
action Pick(i: 1..2000) { require x == 0; x = i }
action Go() { require x > 0 and y == 0; y = 1 }
"""
LATE = SPLIT + "invariant NotLate: not (x == 1900 and y == 1)\n"
BOTH = SPLIT + "invariant NotEither: not ((x == 300 or x == 1900) and y == 1)\n"


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Segments of one chunk; counts the threads' levels, growths and the
    claims they found taken over (to show that each test exercised them)."""
    monkeypatch.setattr(threads, "MIN_SEGMENT_CHUNKS", 1)
    seen: Counter = Counter()
    for cls, name in ((threads.LevelThreads, "level"), (threads.LevelThreads, "_grow")):
        real = getattr(cls, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            seen[_name] += 1
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)
    real_unmark = kernel.NativeModel.unmark

    def unmark(self, *args, **kwargs):
        held = real_unmark(self, *args, **kwargs)
        seen["taken over"] += int((~held).sum())
        return held

    monkeypatch.setattr(kernel.NativeModel, "unmark", unmark)
    return seen


def native(model, **options) -> object:
    r = check(model, CheckOptions(backend="native", **options))
    assert r.backend == "native", r.backend_note
    return r


@pytest.mark.parametrize(
    "model, options",
    [
        pytest.param(lambda: load(*TWOPHASE_6), {}, id="twophase-6"),
        pytest.param(lambda: load(*PAXOS_BUG), {}, id="paxos-bug"),
        pytest.param(VARIANTS["raft-3-servers"], {"max_depth": 9}, id="raft-3-symmetric"),
    ],
)
def test_two_three_and_four_threads_give_one_workers_result(model, options: dict, small_segments: Counter) -> None:
    m = model()
    one = native(m, **options)
    assert small_segments["level"] == 0, "one worker expands its levels alone"
    for workers in (2, 3, 4):
        assert summary(native(m, workers=workers, **options)) == summary(one), f"{workers} workers"
    assert one.stats.distinct_states > 1000 and small_segments["level"] > 0


def test_the_table_grows_in_the_middle_of_a_threaded_level(small_segments: Counter) -> None:
    model = load(*TWOPHASE_6)
    assert summary(native(model, workers=2)) == summary(native(model))
    assert small_segments["_grow"] > 0


#: Level 1 holds x = 1..2000 (16 chunks); Fold maps them onto 1..200, so
#: every segment of level 1 finds states the others find too: x = 2..57 from
#: both the first chunk (x = 1..128) and the second (x = 129..256).
FOLD = """spec Fold
var x: 0..2000 = 0
var y: 0..1 = 0
action Pick(i: 1..2000) { require x == 0; x = i }
action Fold() { require x > 0 and y == 0; x = x % 200 + 1; y = 1 }
"""


def test_an_earlier_segment_takes_a_later_ones_claims_over(monkeypatch: pytest.MonkeyPatch, small_segments: Counter) -> None:
    """Segment 0 waits until segment 1 is done: the states both find are
    segment 1's claims first, and segment 0 takes them over, as one thread
    would have found them first."""
    model = load_text(SourceFile("fold.spec", FOLD))
    one = native(model)
    second_done, waited, real = threading.Event(), [], segments.Segment.advance

    def advance(self, *args):
        if self.mark == 0:
            waited.append(second_done.wait(10))
        status = real(self, *args)
        if self.mark == 1:
            second_done.set()
        return status

    monkeypatch.setattr(segments.Segment, "advance", advance)
    assert summary(native(model, workers=2)) == summary(one)
    assert waited == [True], "segment 0 ran after segment 1"
    assert small_segments["taken over"] >= 56  # x = 2..57 at least


def test_a_violation_in_a_late_segment_is_one_workers() -> None:
    model = load_text(SourceFile("late.spec", LATE))
    one = native(model)
    two = native(model, workers=2)
    assert summary(two) == summary(one)
    assert two.kind is ResultKind.INVARIANT and two.violation.trace.states[-1]["x"] == 1900


def test_of_two_violations_the_earlier_segments_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both segments stop at their chunk; the earlier one's is reported, with
    the states, generated count and coverage one worker had by then."""
    model = load_text(SourceFile("both.spec", BOTH))
    one = native(model)
    reported: list[int] = []
    real = segments.Segment.advance

    def advance(self, *args):
        status = real(self, *args)
        if status == segments.RUN_REPORT and self.mark >= 0:
            reported.append(self.mark)
        return status

    monkeypatch.setattr(segments.Segment, "advance", advance)
    monkeypatch.setattr(threads, "MAX_SEGMENTS", 16)
    for workers in (2, 3):
        assert summary(native(model, workers=workers)) == summary(one), f"{workers} workers"
    assert one.violation.trace.states[-1]["x"] == 300
    assert 2 in reported, "the segment of x = 300 (the third chunk) stopped at its chunk"


def test_max_states_stops_threads_as_one_worker() -> None:
    model = load(*TWOPHASE_6)
    one = native(model, max_states=20000)
    assert one.limit == "max-states" and one.stats.distinct_states == 20000
    for workers in (2, 3):
        assert summary(native(model, max_states=20000, workers=workers)) == summary(one)


def test_a_checkpoint_is_one_partition_and_resumes_with_any_workers(tmp_path: Path) -> None:
    model = load(*TWOPHASE_6)
    r = native(model, workers=3, max_states=20000, checkpoint_dir=str(tmp_path / "ck"))
    assert r.limit == "max-states"
    whole = summary(native(model))
    for workers in (1, 2):
        assert summary(native(model, workers=workers, resume_dir=str(tmp_path / "ck"))) == whole, f"{workers} workers"


def stall(m: pytest.MonkeyPatch, at: int = 60) -> tuple[threading.Event, list[bool]]:
    """The `at`-th segment the threads advance (of ~400: TWOPHASE_6) waits
    until the search tells the threads to stop (at most 2 s): the level is
    then under way when the search stops. The event is set when it waits;
    the list tells, per segment advanced, whether the stop had been asked."""
    m.setattr(threads, "POLL_SECONDS", 0.001)
    made: list[threads.LevelThreads] = []
    real_init = threads.LevelThreads.__init__

    def init(self, *args):
        real_init(self, *args)
        made.append(self)

    m.setattr(threads.LevelThreads, "__init__", init)
    real = segments.Segment.advance
    busy, looks, calls = threading.Event(), [], []

    def advance(self, *args):
        if self.mark >= 0:  # a thread's segment
            calls.append(self.mark)
            if len(calls) == at:
                busy.set()
                for _ in range(200):
                    if made[-1].cancelled:
                        break
                    time.sleep(0.01)
            looks.append(made[-1].cancelled)
        return real(self, *args)

    m.setattr(segments.Segment, "advance", advance)
    return busy, looks


def test_a_timeout_in_the_middle_of_a_level_stops_every_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    busy, looks = stall(monkeypatch)
    # The clock jumps past the timeout once a segment is stalled mid-level (not
    # earlier: a timeout seen at a level's boundary would stop no thread).
    clock = time.monotonic
    monkeypatch.setattr(search.time, "monotonic", lambda: clock() + (2000.0 if busy.is_set() else 0.0))
    before = threading.active_count()
    r = native(load(*TWOPHASE_6), workers=2, timeout=1000)
    assert r.kind is ResultKind.LIMIT and r.limit == "timeout"
    assert looks[-1] is True, "the threads were told to stop in the middle of a level"
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
    assert looks[-1] is True, "the threads were told to stop in the middle of a level"
    assert 0 < r.stats.distinct_states < whole.stats.distinct_states
    for workers in (1, 2):
        resumed = native(model, workers=workers, resume_dir=str(tmp_path / "ck"))
        assert summary(resumed) == summary(whole), f"resumed by {workers} workers"


def test_a_level_too_small_to_share_is_expanded_by_one_thread(small_segments: Counter) -> None:
    """Levels of fewer than two segments per thread go through one thread (no marks, no pool)."""
    model = load_text(SourceFile("tiny.spec", "spec Tiny\nvar x: 0..9 = 0\naction Up() { require x < 9; x = x + 1 }\n"))
    r = native(model, workers=2)
    assert r.stats.distinct_states == 10 and small_segments["level"] == 0


def test_measures_and_transition_invariants_run_in_the_threads(small_segments: Counter) -> None:
    """The kernel tallies `measure`s over what it stores and checks every step
    against the transition invariants: threads share such levels too."""
    model = load(ROOT / "specs/quorum_register.spec")
    one = native(model)
    assert one.stats.measures and one.stats.distinct_states > 1000
    assert summary(native(model, workers=2)) == summary(one)
    steps = load_text(SourceFile("steps.spec", SPLIT + "transition Small: x' <= 1900\n"))
    one, python = native(steps), check(steps, CheckOptions(backend="python"))
    assert one.kind is ResultKind.INVARIANT and one.violation.name == "Small" and summary(one) == summary(python)
    for workers in (2, 3):
        assert summary(native(steps, workers=workers)) == summary(one), f"{workers} workers"
    assert one.violation.trace.states[-1]["x"] == 1901
    assert small_segments["level"] > 0


def test_a_spilled_table_is_expanded_by_one_thread_and_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(spill.Spill, "pressed", lambda self: True)
    monkeypatch.setattr(spill, "MIN_TABLE", 16)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    model = load(*TWOPHASE_6)
    r = native(model, workers=2)
    assert r.workers_note is not None and "spilled" in r.workers_note
    assert summary(r) == summary(native(model)) and native(model).workers_note is None
