"""Partitions in worker processes: `--workers N`.

Each worker process holds one partition (partition.py) and nothing else: no
memory is shared. Per level the coordinator (search.py) sends every worker
"level"; each expands its run of the level, stores what is new and reports
the fingerprints. The coordinator answers with a "settle" plan: each worker
drops its duplicates and puts the pieces of the next level that other
partitions expand into their inboxes (multiprocessing queues, whose feeder
thread sends while the worker goes on, so that no two workers wait on each
other), takes the pieces addressed to itself and reports back. Plans and
trace links travel over each worker's command pipe. This is the same
contract an actor of a cluster engine (Ray, Dask) would implement.

Workers are forked, so they inherit the compiled model without pickling it.

Ending: only the coordinator decides. Workers ignore Ctrl-C and SIGTERM (a
terminal's Ctrl-C reaches the whole process group), so that after an
interrupt the coordinator can still collect the level they are in and have
them write a checkpoint ("save") before it stops them; on Linux a worker is
also killed when the coordinator dies (even by kill -9), so none is orphaned.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from typing import Any

import numpy as np

from specpy.explicit.checkpoint import signals_deferred, write_partition
from specpy.explicit.memory import GC_YOUNG
from specpy.explicit.partition import Batch, LevelReport, Partition, Settle
from specpy.explicit.spill import DiskFull

#: Seconds between looks at the clock while workers run a level.
POLL_SECONDS = 0.25
#: prctl(2): the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


class WorkerFailed(Exception):
    """A worker process died or raised; the message carries its traceback."""


def _detach_from_signals() -> None:
    """Leave Ctrl-C and SIGTERM to the coordinator; die with it (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(partition: Partition, conn: Connection, inboxes: list[Any]) -> None:
    """A worker's loop: run the coordinator's commands on its partition."""
    _detach_from_signals()
    gc.set_threshold(GC_YOUNG)  # as the coordinator's search does (memory.fewer_collections)
    me = partition.part
    while True:
        command, arg = conn.recv()
        try:
            if command == "seed":
                reply: Any = partition.seed(arg)
            elif command == "level":
                reply = partition.level(arg)
            elif command == "settle":
                pieces = partition.settle_out(arg)
                for dest, piece in pieces.items():
                    if dest != me:
                        inboxes[dest].put((me, piece))
                received = {me: pieces[me]} if me in pieces else {}
                expected = len(partition.expecting(arg))
                while len(received) < expected:
                    source, piece = inboxes[me].get()
                    received[source] = piece
                partition.settle_in(arg, received)
                reply = None
            elif command == "known":
                reply = partition.stored_before(arg)
            elif command == "link":
                reply = partition.link(arg)
            elif command == "generated":
                reply = partition.generated
            elif command == "save":
                reply = write_partition(partition.snapshot(), arg, me)
            else:  # "stop"
                partition.close()
                return
        except DiskFull as exc:
            partition.close()
            conn.send(("disk-full", str(exc)))
            return
        except Exception:  # noqa: BLE001 - reported to the coordinator, which raises it
            conn.send(("error", traceback.format_exc()))
            return
        conn.send(("ok", reply))


class ProcessParts:
    """The coordinator's handle on N worker processes (same interface as LocalParts)."""

    def __init__(self, partitions: list[Partition], timeout: float | None, tick: Callable[[], None]) -> None:
        ctx = mp.get_context("fork")
        self.tick = tick
        self.sharded = False
        self.inboxes = [ctx.Queue() for _ in partitions]
        self.conns: list[Connection] = []
        self.procs = []
        self.waiting: set[int] = set()  # workers whose reply to the last command is not in yet
        for partition in partitions:
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(partition, theirs, self.inboxes), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)

    def _all(self, commands: list[tuple[str, Any]], tick: bool = True) -> list[Any]:
        """Send each worker its command and collect the replies; `tick` may stop the search meanwhile."""
        # Ctrl-C or SIGTERM (KeyboardInterrupt) is held back while `waiting`
        # and the pipes could disagree: `save` reads the unread replies by it.
        with signals_deferred():
            for conn, command in zip(self.conns, commands):
                conn.send(command)
            waiting = self.waiting = set(range(len(self.conns)))
        replies: list[Any] = [None] * len(self.conns)
        while waiting:
            for conn in mp_wait([self.conns[i] for i in waiting], POLL_SECONDS):
                i = self.conns.index(conn)
                with signals_deferred():
                    status, reply = self._recv(i)
                    waiting.discard(i)
                if status == "error":
                    raise WorkerFailed(reply)
                if status == "disk-full":
                    raise DiskFull(reply)
                replies[i] = reply
            if tick:
                self.tick()  # may stop the search (timeout); close() then ends the workers
        return replies

    def _recv(self, i: int) -> tuple[str, Any]:
        try:
            return self.conns[i].recv()
        except EOFError:
            raise WorkerFailed(f"worker {i} (pid {self.procs[i].pid}) died") from None

    def seed(self, batches: list[Batch]) -> list[LevelReport]:
        return self._all([("seed", b) for b in batches])

    def level(self, grow: bool) -> list[LevelReport]:
        return self._all([("level", grow)] * len(self.conns))

    def stored_before(self, asks: list[np.ndarray]) -> list[np.ndarray]:
        return self._all([("known", fps) for fps in asks], tick=False)

    def settle(self, plans: list[Settle]) -> None:
        self._all([("settle", plan) for plan in plans], tick=False)  # a boundary is passed whole (checkpoint.py)

    def save(self, directory: Path) -> list[dict]:
        """Each worker writes its partition at its last boundary, once the level it is in is done."""
        for i in sorted(self.waiting):
            self._recv(i)  # the interrupted level's reply: discarded, the checkpoint is of the boundary
        self.waiting = set()
        return self._all([("save", str(directory))] * len(self.conns), tick=False)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    def link(self, sid: int) -> tuple[int, int, int]:
        conn = self.conns[sid % len(self.conns)]
        conn.send(("link", sid))
        status, reply = conn.recv()
        if status == "error":
            raise WorkerFailed(reply)
        return reply

    def generated(self) -> int | None:
        return None  # counted at the end of each level only

    def close(self) -> None:
        for conn, proc in zip(self.conns, self.procs):
            if proc.is_alive():
                try:
                    conn.send(("stop", None))
                except OSError:
                    pass  # already gone
        for proc in self.procs:
            proc.join(timeout=1.0)
            if proc.is_alive():
                os.kill(proc.pid, 9)
                proc.join()
        for q in self.inboxes:
            q.close()
            q.cancel_join_thread()
