"""Partitions in threads of this process: `--workers N` with the native core.

The native kernel's calls release the GIL (cffi), and a partition spends
nearly all of a level in them (`sp_run`, partition.py), so partitions that
expand their runs in threads of one process run in parallel: no pickling,
no pipes, and the next level's pieces change hands as plain objects. The
Python backend holds the GIL while it expands, so its workers stay
processes (workers.py).

Tables sharded by owner. Each partition's table holds the fingerprints it
owns (partition.owners), so the process holds every state once, as with one
worker. During a level nobody changes those tables: every partition reads
them all (its `peers`) and looks each successor up in its owner's table,
then in its own table of the level's new states (`fresh`). At the level's
end each owner, in a thread of its own, takes the new fingerprints it owns
from every partition in partition order into its table (`first_found`,
C `sp_merge`): one it holds already was stored by an earlier partition in
this level, a duplicate that partition keeps (partition.py, "Determinism").
So the level's states are inserted once, in parallel, and the duplicates
are found on the way, where the coordinator would otherwise sort them out
alone (search.py, `_first_found`).

Ending. Only the main thread gets Ctrl-C and SIGTERM (the pool's threads
block them) and it alone decides: while the partitions work it looks at the
clock and the memory every POLL_SECONDS (`tick`); when that or an interrupt
stops the search, or a partition raises, it asks the others to stop at
their next chunk (`Cancelled`) and waits for them before it goes on, so
that nothing changes a partition while a checkpoint is written.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from specpy.explicit.checkpoint import signals_deferred
from specpy.explicit.partition import LevelReport, Partition, Settle, owners
from specpy.explicit.search import LocalParts
from specpy.explicit.store import FingerprintSet

#: Seconds between the main thread's looks at the clock while partitions run a level.
POLL_SECONDS = 0.25

#: The native model's sp_merge (native/kernel.py `NativeModel.merge`).
Merge = Callable[[FingerprintSet, int, int, list[np.ndarray], list[np.ndarray]], None]


class Cancelled(Exception):
    """A partition's level was abandoned: the search stops."""


def _block_signals() -> None:
    """A pool thread leaves Ctrl-C and SIGTERM to the main thread (which
    blocks them while it passes a level boundary: checkpoint.signals_deferred)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


class ThreadParts(LocalParts):
    """Sharded partitions, each level's work in a thread per partition (same interface as LocalParts)."""

    def __init__(self, partitions: list[Partition], tick: Callable[[], None], merge: Merge) -> None:
        super().__init__(partitions, tick, sharded=True)
        for p in partitions:
            p.peers = partitions
        self.merge = merge
        self.pool = ThreadPoolExecutor(len(partitions), "specpy-partition", _block_signals)
        self.cancelled = False

    def _check(self, _at: int = 0) -> None:
        """A partition's tick: stop if the main thread says so."""
        if self.cancelled:
            raise Cancelled

    def _each(self, jobs: list[Callable[[], Any]], tick: bool = True) -> list[Any]:
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
                if tick:
                    self.tick()
        except BaseException:
            self.cancelled = True
            with signals_deferred():  # a second Ctrl-C waits too: a partition is never left half-way through a call
                wait(futures)
            self.cancelled = False
            raise

    def level(self, grow: bool) -> list[LevelReport]:
        return self._each([lambda p=p: p.level(grow, self._check) for p in self.partitions])

    def first_found(self, news: list[np.ndarray]) -> list[np.ndarray | None] | None:
        """Per partition, which of the states it stored in the level no
        partition before it stored (None: all), the owners having taken them
        into their tables; None while the partitions defer (spilled)."""
        if any(p.peers is None for p in self.partitions):
            return None
        n = len(self.partitions)
        keep = [np.ones(len(fps), dtype=bool) for fps in news]
        owned = np.bincount(np.concatenate([owners(fps, n) for fps in news]), minlength=n)  # per owner

        def take(j: int, shard: FingerprintSet) -> None:
            shard.reserve(int(owned[j]))
            self.merge(shard, j, n, news, keep)

        self._each([lambda j=j, p=p: take(j, p.seen) for j, p in enumerate(self.partitions)], tick=False)
        return [None if k.all() else k for k in keep]

    def settle(self, plans: list[Settle]) -> None:
        pieces = self._each([lambda p=p, plan=plan: p.settle_out(plan) for p, plan in zip(self.partitions, plans)], tick=False)
        for p, plan in zip(self.partitions, plans):
            p.settle_in(plan, {src: out[p.part] for src, out in enumerate(pieces) if p.part in out})
        if any(p.spill is not None and p.spill.active for p in self.partitions):
            for p in self.partitions:  # a spilled table no longer holds all it owns: defer from now on
                p.peers = None

    def close(self) -> None:
        self.cancelled = True
        self.pool.shutdown(wait=True)
        super().close()
