"""Partitions in worker processes: `--workers N`.

Each worker process owns one partition (partition.py) and nothing else: no
memory is shared. Per level the coordinator (search.py) sends every worker
"level"; each expands its frontier, puts the batch for every other partition
into that partition's inbox (a multiprocessing queue, whose feeder thread
sends while the worker goes on, so that no two workers wait on each other),
takes the batches addressed to itself, absorbs them and reports back. Ranks
and trace links travel over each worker's command pipe. This is the same
contract an actor of a cluster engine (Ray, Dask) would implement.

Workers are forked, so they inherit the compiled model (and the value of
`hash(None)`, part of fingerprints) without pickling it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from specpy.explicit.partition import Batch, LevelReport, Partition

#: Seconds between looks at the clock while workers run a level.
POLL_SECONDS = 0.25


class WorkerFailed(Exception):
    """A worker process died or raised; the message carries its traceback."""


def _serve(partition: Partition, conn: Connection, inboxes: list[Any]) -> None:
    """A worker's loop: run the coordinator's commands on its partition."""
    me, parts = partition.part, partition.parts
    while True:
        command, arg = conn.recv()
        try:
            if command == "seed":
                reply: Any = partition.seed(arg)
            elif command == "level":
                outboxes, event = partition.expand(arg)
                for dest in range(parts):
                    if dest != me:
                        inboxes[dest].put((me, outboxes[dest]))
                received: dict[int, Batch] = {me: outboxes[me]}
                while len(received) < parts:
                    source, batch = inboxes[me].get()
                    received[source] = batch
                reply = partition.absorb([received[p] for p in range(parts)], arg, event)
            elif command == "rank":
                partition.rank(arg)
                reply = None
            elif command == "link":
                reply = partition.link(arg)
            elif command == "generated":
                reply = partition.generated
            else:  # "stop"
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
        self.inboxes = [ctx.Queue() for _ in partitions]
        self.conns: list[Connection] = []
        self.procs = []
        for partition in partitions:
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(partition, theirs, self.inboxes), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)

    def _all(self, commands: list[tuple[str, Any]]) -> list[Any]:
        for conn, command in zip(self.conns, commands):
            conn.send(command)
        replies: list[Any] = [None] * len(self.conns)
        waiting = set(range(len(self.conns)))
        while waiting:
            for i in list(waiting):
                if self.conns[i].poll(POLL_SECONDS / len(self.conns)):
                    status, reply = self._recv(i)
                    if status == "error":
                        raise WorkerFailed(reply)
                    replies[i] = reply
                    waiting.discard(i)
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

    def rank(self, ranks: list[np.ndarray]) -> None:
        self._all([("rank", r) for r in ranks])

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
