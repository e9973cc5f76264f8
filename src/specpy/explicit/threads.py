"""`--workers N` with the native core: one partition, its levels expanded by N threads.

The native kernel's calls release the GIL (cffi), and a level spends nearly
all its time in them (`sp_run`), so threads of one process expand a level
in parallel: no pickling, no pipes, one fingerprint table, one copy of
every state. The Python backend holds the GIL while it expands, so its
workers stay processes (workers.py).

Segments. The partition's run of the level is cut into up to MAX_SEGMENTS
segments of whole chunks (segments.py); the threads take them in order,
each as soon as it is free, so that a thread that drew cheap states takes
more (no run is fixed in advance). All store into the one table at once
with compare-and-swap. Which segment keeps a state that several find is
settled by marks (c_module.py, above sp_holds): segment m claims a state as
fp ^ (m << 56) and an earlier segment takes over a later one's claim, so
every state ends with the first segment, and its first chunk, that finds
it. At the level's end the claims are unmarked, the states taken over are
dropped from the later segments, and the segments are stored in order: the
next level, its parents, actions, keys, coverage and counts are those of
one thread, state for state.

A chunk with something to report stops its segment, and no later segment
starts; once the earlier ones are done, the segments up to it are stored
and the chunk goes through the partition's one-chunk path, which reports
the event one thread would (the later segments' work is dropped: the event
stops the search). When the table is full, the threads stop at their next
chunk; every claim is unmarked, the table grows, the standing claims are
marked again, and the segments go on where they stopped.

Ending. Only the main thread gets Ctrl-C and SIGTERM (the pool's threads
block them) and it alone decides: while the threads work it looks at the
clock and the memory every POLL_SECONDS (`tick`); when that or an interrupt
stops the search, or a thread raises, it asks the others to stop at their
next call (`Cancelled`) and waits for them before it goes on, so that
nothing changes the partition while a checkpoint is written.
"""

from __future__ import annotations

import bisect
import signal
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

import numpy as np

from specpy.explicit.checkpoint import signals_deferred
from specpy.explicit.segments import RUN_FULL, RUN_REPORT, Segment
from specpy.explicit.store import BLOCK

if TYPE_CHECKING:
    from specpy.explicit.partition import Event, Partition

#: Seconds between the main thread's looks at the clock while the threads expand a level.
POLL_SECONDS = 0.25
#: At most this many segments a level (marks are one byte; more segments, finer balance but more calls).
MAX_SEGMENTS = 128
#: A segment has at least this many chunks (BLOCK states each); a level of fewer than two per thread is expanded by one.
MIN_SEGMENT_CHUNKS = 8


class Cancelled(Exception):
    """A level was abandoned: the search stops."""


def _block_signals() -> None:
    """A pool thread leaves Ctrl-C and SIGTERM to the main thread (which
    blocks them while it passes a level boundary: checkpoint.signals_deferred)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


class LevelThreads:
    """`threads` threads that expand the levels of one partition (see the module docstring)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.pool = ThreadPoolExecutor(threads, "specpy-level", _block_signals)
        self.lock = threading.Lock()
        self.storing = threading.Lock()  # held while a thread stores finished segments into the partition
        self.cancelled = False
        # The level being expanded: segments not yet done (in order), the first to report, whether the table is full,
        # and how many segments are stored in the partition already.
        self.todo: list[Segment] = []
        self.stop_at = 0
        self.full = False
        self.stored = 0

    def worth(self, states: int) -> bool:
        """Whether a level of this many states is worth cutting into segments."""
        return states >= 2 * self.threads * MIN_SEGMENT_CHUNKS * BLOCK

    def level(self, part: Partition, tick: Callable[[int], None] | None) -> Event | None:
        """Expand the partition's run of the level (partition.py `_level_runs`); its first event."""
        table = part.seen
        chunks = -(-len(part.frontier) // BLOCK)
        per = max(MIN_SEGMENT_CHUNKS, -(-chunks // MAX_SEGMENTS))
        segments, lo = [], 0
        for mark, (data, sizes) in enumerate(part.frontier.groups(per)):
            segments.append(part.segment(mark, lo, data, sizes))
            lo += sum(sizes)
        room = np.array([table.room], np.int64)
        self.todo, self.stop_at, self.full, self.stored = list(segments), len(segments), False, 0
        work = self._work(part, segments, room)
        while True:
            self._each([work] * self.threads, lambda: tick(sum(s.pos for s in segments)) if tick is not None else None)
            table.used += sum(s.take_filled() for s in segments)
            if not self.full:
                break
            self._grow(part, segments, room)
        return self._finish(part, segments)

    def _work(self, part: Partition, segments: list[Segment], room: np.ndarray) -> Callable[[], None]:
        """A thread's job: take the next segment and advance it, until none is
        left or the table is full; store the finished ones meanwhile."""
        cm, table, deadlock = part.cm, part.seen, part.check_deadlock

        def work() -> None:
            while True:
                with self.lock:
                    if self.cancelled:
                        raise Cancelled
                    if self.full or not self.todo or self.todo[0].mark >= self.stop_at:
                        return
                    seg = self.todo.pop(0)
                status = seg.advance(cm, table, room, deadlock)
                with self.lock:
                    if status == RUN_FULL:  # it goes on after the table grew
                        self.full = True
                        bisect.insort(self.todo, seg, key=lambda s: s.mark)
                    elif status == RUN_REPORT:
                        self.stop_at = min(self.stop_at, seg.mark)
                if status != RUN_FULL:
                    self._store_finished(part, segments)

        return work

    def _store_finished(self, part: Partition, segments: list[Segment]) -> None:
        """Store the segments that are done, in order, while the others work:
        once every earlier segment is done, nothing can take a segment's states
        over any more, so its claims are final."""
        with self.storing:
            while self.stored < len(segments) and segments[self.stored].finished:
                self._store(part, segments[self.stored])
                self.stored += 1

    @staticmethod
    def _store(part: Partition, seg: Segment) -> None:
        """seg's claims unmarked, its states that stayed its own stored in the partition."""
        part.take(seg, [part.cm.unmark(part.seen, fps, slots, seg.mark) for fps, slots in seg.claims()])

    def _grow(self, part: Partition, segments: list[Segment], room: np.ndarray) -> None:
        """The table is full: every claim unmarked, the table grown, the standing claims marked again."""
        cm, table = part.cm, part.seen
        claims = [(s.mark, fps, slots) for s in segments for fps, slots in s.claims()]
        held = [cm.unmark(table, fps, slots, mark) for mark, fps, slots in claims]
        table.reserve(sum(s.needed for s in segments if s.status == RUN_FULL), self._each)
        for (mark, fps, slots), h in zip(claims, held):
            cm.remark(table, fps, slots, mark, h)
        room[0] = table.room
        self.full = False

    def _finish(self, part: Partition, segments: list[Segment]) -> Event | None:
        """The segments not stored yet, up to the first to report, stored in
        order; the event of its chunk, if any (the one-chunk path)."""
        reported = next((s for s in segments if s.status == RUN_REPORT), None)
        for seg in segments[self.stored : len(segments) if reported is None else reported.mark + 1]:
            self._store(part, seg)
        if reported is None:
            return None
        event = part.report(reported)
        # One thread would have stopped here too: the chunk has a failing state, a deadlock or an error.
        assert event is not None, "the native kernel stopped at a chunk the one-chunk path finds nothing to report in"
        return event

    def _each(self, jobs: list[Callable[[], Any]], tick: Callable[[], None] | None = None) -> list[Any]:
        """Run the jobs in the pool and their results; meanwhile the main thread
        ticks (which may stop the search). Whatever stops it first, the jobs
        still running are cancelled and waited for before it goes on."""
        futures: list[Future] = [self.pool.submit(job) for job in jobs]
        try:
            while True:
                done, pending = wait(futures, POLL_SECONDS, FIRST_EXCEPTION)
                for f in done:
                    exc = f.exception()
                    if exc is not None:
                        raise exc
                if not pending:
                    return [f.result() for f in futures]
                if tick is not None:
                    tick()
        except BaseException:
            self.cancelled = True
            with signals_deferred():  # a second Ctrl-C waits too: a thread is never left half-way through a call
                wait(futures)
            self.cancelled = False
            raise

    def close(self) -> None:
        self.cancelled = True
        self.pool.shutdown(wait=True)
