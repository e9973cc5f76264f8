"""A segment of a level: consecutive chunks of the frontier through the
native model's many-chunk kernel (`run`, native/kernel.py).

A partition's level is cut into segments (partition.py `_level_runs`): one
thread takes them in order, or several threads take them at once
(threads.py). A segment `advance`s, one kernel call after another, until it
is done, meets a chunk with something to report (the partition runs that
chunk through its one-chunk path) or finds the table full (it grows, and the
segment goes on where it stopped). What the calls stored waits in the
segment until the partition `apply`s it, in segment order, so that the next
level is in the order a one-thread search finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from specpy.explicit.store import FingerprintSet, Raw

if TYPE_CHECKING:
    from specpy.native.kernel import NativeModel, Run

#: Run statuses (native/kernel.py `Run`).
RUN_DONE, RUN_REPORT, RUN_FULL = 0, 1, 2


class Segment:
    """Chunks `sizes` of the level, `data` their states' bytes (width `width`
    each), the first at position `lo` in the partition's run; `mark`: -1 when
    one thread stores, else this segment's claim mark (threads.py)."""

    def __init__(self, mark: int, lo: int, data: bytes | memoryview, sizes: list[int], width: int, actions: int) -> None:
        self.mark, self.lo, self.width = mark, lo, width
        self.data, self.sizes = memoryview(data), sizes
        self.first = 0  # chunks done (stored, or reported)
        self.pos = 0  # states done, from lo
        self.status = -1  # why the last `advance` stopped (-1: not yet advanced)
        self.needed = 0  # RUN_FULL: the new states of the chunk that did not fit
        self.filled = 0  # table slots filled and not yet counted in the table's `used`
        self.generated = 0
        self.coverage = np.zeros((actions, 3), np.int64)
        # What the kernel stored, per call: the position of its first state, its Run.
        self.runs: list[tuple[int, Run]] = []

    @property
    def finished(self) -> bool:
        """Whether every chunk is expanded and stored (none left to report)."""
        return self.first == len(self.sizes) and self.status == RUN_DONE

    def advance(self, cm: NativeModel, table: FingerprintSet, room: np.ndarray, deadlock: bool) -> int:
        """Expand and store chunks until done, a chunk to report or a full table; the status."""
        w = self.width
        while self.first < len(self.sizes):
            run = cm.run(self.data[self.pos * w :], self.sizes[self.first :], table, room, self.mark, deadlock, self.coverage)
            self.generated += run.generated
            self.filled += run.filled
            if len(run.fps):
                self.runs.append((self.pos, run))
            self.pos += sum(self.sizes[self.first : self.first + run.chunks])
            self.first += run.chunks
            if run.status != RUN_DONE:
                self.status, self.needed = run.status, run.needed
                return run.status
        self.status = RUN_DONE
        return RUN_DONE

    def report_chunk(self) -> tuple[int, Raw]:
        """The chunk to report (status RUN_REPORT): its position in the run and its states."""
        n, w = self.sizes[self.first], self.width
        return self.lo + self.pos, Raw(bytes(self.data[self.pos * w : (self.pos + n) * w]), w)

    def skip_chunk(self) -> None:
        """The chunk to report was run through the one-chunk path: go on after it."""
        self.pos += self.sizes[self.first]
        self.first += 1

    def claims(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per call, the fingerprints stored and their slots (threads.py marks them)."""
        return [(run.fps, run.slots) for _, run in self.runs]

    def take_filled(self) -> int:
        filled, self.filled = self.filled, 0
        return filled
