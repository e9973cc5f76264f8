"""Partitions in Ray actors: the transport of `--cluster ray`.

`RayParts` has the interface of the search's other transports (LocalParts in
search.py, ProcessParts in explicit/workers.py); each of its actors holds one
partition, built in the actor from the model (the IR is pickled, compiled
there), with its table sharded by owner. Per level:

- "level": every actor expands its run; the reports (new keys, fingerprints,
  actions) come to the coordinator;
- "stored_before": the coordinator asks each owner about the new
  fingerprints it owns (partition.py, "Deferred lookups");
- "settle": each actor cuts the next level into pieces, one Ray object per
  destination; the destination's `settle_in` receives them as arguments, so
  Ray moves them from node to node without the coordinator.

Every payload is counted (`Traffic`, per level and in total): the bytes of
the arrays and frontier blocks that leave a process, which bounds what
crosses between nodes.

A lost actor or node (Ray's RayActorError and friends) raises PartitionLost,
which the search turns into a clean stop (limit "node-lost"). The actors'
pieces of a checkpoint are fetched to this process and written here, so the
checkpoint directory need not be shared between machines.
"""

from __future__ import annotations

import gc
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from specpy.cluster.connect import import_ray
from specpy.explicit.checkpoint import write_partition
from specpy.explicit.compile import CompiledModel
from specpy.explicit.memory import GC_YOUNG, MB, map_large_arrays, trim
from specpy.explicit.partition import Batch, LevelReport, Partition, PartitionSnapshot, Piece, Settle, owners
from specpy.explicit.search import PartitionLost
from specpy.explicit.spill import DiskFull, Spill
from specpy.explicit.symmetry import symmetry_for
from specpy.native.build import NoCompiler
from specpy.ir.model import Model
from specpy.ir.types import AtomT, Type
from specpy.options import CheckOptions, OptionError

#: What an actor needs to build the driver's native model: its array capacities and symmetric types.
Native = tuple[dict[Type, int], tuple[AtomT, ...]]

#: Seconds between looks at the clock while actors run a level.
POLL_SECONDS = 0.25
#: Seconds between an actor's looks at its memory (for its peak, `usage`).
WATCH_SECONDS = 0.02


class PartitionActor:
    """One partition in a Ray actor (wrapped by ray.remote in RayParts).

    `native`: None for the Python backend, else the driver's native model's
    array capacities and symmetric types (native/kernel.py); the actor then
    builds the same native library itself, from its node's cache or compiled
    there once (native/build.py), and its states are bytes.
    """

    partition: Partition  # made by start()
    kept: Piece | None = None  # the piece of the next level this partition keeps (never sent)
    peaks = (0, 0)  # the largest RSS and heap (`memory`) seen (`_look`), bytes

    def start(self, model: Model, options: CheckOptions, part: int, parts: int, native: Native | None) -> None:
        """Build the partition (a method, not the constructor: what fails here,
        e.g. no C compiler on this node, reaches the driver as itself)."""
        threading.Thread(target=self._watch, daemon=True).start()
        map_large_arrays()  # an actor lives for one search: keep its heap to what the search holds
        gc.set_threshold(GC_YOUNG)  # as the coordinator's search and worker processes do (memory.fewer_collections)
        cm = CompiledModel(model)
        symmetry = symmetry_for(cm, options.symmetry)
        engine = None
        if native is not None:  # the driver chose it (native/__init__.py): build what it built
            from specpy.native.kernel import NativeModel

            engine = NativeModel(model, cm, *native)  # canonicalises in C
        limit = options.memory_limit_mb * MB if options.memory_limit_mb is not None else None  # per actor
        self.partition = Partition(
            engine or cm, part, parts, options.check_deadlock,
            symmetry.canonical if symmetry is not None and engine is None else None,
            sharded=parts > 1, spill=Spill(options.disk_dir, f"p{part}", limit),
        )

    def seed(self, batch: Batch) -> LevelReport:
        return self.partition.seed(batch)

    def level(self, grow: bool) -> LevelReport:
        return self.partition.level(grow)

    def stored_before(self, fps: np.ndarray) -> np.ndarray:
        return self.partition.stored_before(fps)

    def settle_out(self, plan: Settle) -> Any:
        """The pieces for the other partitions, one Ray object each (None for
        this one: the piece it keeps stays here rather than being copied
        into the object store and back)."""
        pieces = self.partition.settle_out(plan)
        me, parts = self.partition.part, self.partition.parts
        self.kept = pieces.get(me)
        out = [pieces.get(dest) if dest != me else None for dest in range(parts)]
        return out if parts > 1 else out[0]

    def settle_in(self, plan: Settle, *pieces: Piece | None) -> tuple[int, tuple[int, int]]:
        """Take in this level's pieces; returns the bytes of those another
        actor sent, and this process's memory afterwards (`memory`)."""
        me = self.partition.part
        given = {src: p for src, p in enumerate(pieces) if p is not None}
        if self.kept is not None:
            given[me] = self.kept
        self.kept = None
        self.partition.settle_in(plan, given)
        trim()  # the level's blocks and arrays are freed: give their memory back to the node
        return sum(_piece_bytes(p) for src, p in given.items() if src != me), self._look()

    def link(self, sid: int) -> tuple[int, int, int]:
        return self.partition.link(sid)

    def generated(self) -> int:
        return self.partition.generated

    def snapshot(self) -> PartitionSnapshot:
        return self.partition.snapshot()

    def restore(self, snap: PartitionSnapshot, owned: np.ndarray) -> None:
        self.partition.restore(snap, owned)

    def usage(self) -> tuple[int, int, str]:
        """Peak RSS and peak heap (`memory`) in bytes, and the node this actor runs on."""
        import ray

        self._look()
        rss, heap = self.peaks
        return max(rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024), heap, ray.get_runtime_context().get_node_id()

    def _watch(self) -> None:
        """Samples the memory every WATCH_SECONDS, for the heap's peak (the kernel keeps only RSS's)."""
        while True:
            self._look()
            time.sleep(WATCH_SECONDS)

    def _look(self) -> tuple[int, int]:
        """This process's memory now (`memory`), counted in `peaks`."""
        heap, shared = now = memory()
        self.peaks = (max(self.peaks[0], heap + shared), max(self.peaks[1], heap))
        return now

    def close(self) -> None:
        self.partition.close()


def memory() -> tuple[int, int]:
    """This process's resident memory as (heap, object store) bytes: the
    object store's shared pages that it touched apart, as Ray counts a
    worker's memory (its docs, "Memory Management": RSS minus the shared
    object store, which would otherwise be counted once per worker). The
    heap keeps the libraries' pages. (0, 0) without /proc."""
    fields = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssShmem"):
                    fields[key] = int(value.split()[0]) * 1024
    except OSError:
        return 0, 0
    shared = fields.get("RssShmem", 0)
    return fields.get("VmRSS", 0) - shared, shared


def _piece_bytes(piece: Piece) -> int:
    frontier, ids = piece
    return frontier.nbytes + sum(b.size for b in frontier.blocks if type(b) is not bytes) + ids.nbytes


def _report_bytes(r: LevelReport) -> int:
    return r.new_keys.nbytes + r.new_fps.nbytes + r.new_via.nbytes + r.coverage.nbytes + r.maybe_beyond.nbytes


@dataclass
class LevelTraffic:
    """Bytes that left a process during one level of the search, by kind."""

    reports: int = 0  # actors -> coordinator: the level's new keys, fingerprints, actions
    lookups: int = 0  # coordinator <-> owners: fingerprints asked, answers
    plans: int = 0  # coordinator -> actors: keep masks and fingerprints to learn
    pieces: int = 0  # actor -> actor: frontier states that even out the runs
    memory: list[tuple[int, int]] = field(default_factory=list)  # each actor's (heap, object store) after the level

    @property
    def total(self) -> int:
        return self.reports + self.lookups + self.plans + self.pieces


@dataclass
class Traffic:
    """Bytes that left a process (what a cluster's network carries at most): per
    level (the first row is the seeding of the initial states), and in total."""

    levels: list[LevelTraffic] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)  # per actor, bytes
    peak_heap: list[int] = field(default_factory=list)  # per actor: peak RSS but the object store's pages (`memory`)
    nodes: int = 0  # distinct nodes the actors ran on

    def new_level(self) -> LevelTraffic:
        self.levels.append(LevelTraffic())
        return self.levels[-1]

    @property
    def current(self) -> LevelTraffic:
        """The level under way (RayParts starts one at each seed and level)."""
        return self.levels[-1]

    def _sum(self, kind: str) -> int:
        return sum(getattr(level, kind) for level in self.levels)

    @property
    def reports(self) -> int:
        return self._sum("reports")

    @property
    def lookups(self) -> int:
        return self._sum("lookups")

    @property
    def plans(self) -> int:
        return self._sum("plans")

    @property
    def pieces(self) -> int:
        return self._sum("pieces")

    @property
    def total(self) -> int:
        return sum(level.total for level in self.levels)


class RayTransport:
    """How the search gets its partitions on a connected Ray cluster."""

    def __init__(self, nodes: int) -> None:
        self.nodes = nodes
        self.parts: RayParts | None = None

    def partitions(self, options: CheckOptions) -> int:
        """One partition per node, unless --workers asks for more."""
        return options.workers if options.workers > 1 else max(self.nodes, 1)

    def start(
        self, model: Model, options: CheckOptions, nparts: int, snapshots: list[PartitionSnapshot] | None,
        tick: Callable[[], None], engine: Any = None,
    ) -> RayParts:
        """The actors; `engine`: the native model the driver built (None: the Python backend)."""
        self.parts = RayParts(model, options, nparts, snapshots, tick, (engine.capacities, engine.symmetric) if engine is not None else None)
        return self.parts


class RayParts:
    """The coordinator's handle on N partition actors (the interface of LocalParts).

    With one partition its table holds every state, so it is not sharded
    and nothing is deferred (partition.py)."""

    def __init__(
        self, model: Model, options: CheckOptions, nparts: int, snapshots: list[PartitionSnapshot] | None,
        tick: Callable[[], None], native: Native | None = None,
    ) -> None:
        self.ray = ray = import_ray()
        self.tick = tick
        self.sharded = nparts > 1
        self.traffic = Traffic()
        actor = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(PartitionActor)
        self.actors = [actor.options(scheduling_strategy="SPREAD").remote() for _ in range(nparts)]
        try:
            self._get([a.start.remote(model, options, i, nparts, native) for i, a in enumerate(self.actors)])
        except NoCompiler as exc:
            raise OptionError(f"--cluster: a node cannot build the native library ({exc}); use --backend python") from None
        if snapshots:
            every = np.concatenate([s.fps for s in snapshots])
            mine = owners(every, nparts)
            self._get([a.restore.remote(s, every[mine == i]) for i, (a, s) in enumerate(zip(self.actors, snapshots))])

    def _get(self, refs: list[Any], tick: bool = True) -> list[Any]:
        """The results of refs; `tick` may stop the search meanwhile. A lost actor is PartitionLost."""
        ray = self.ray
        lost = (ray.exceptions.RayActorError, ray.exceptions.ObjectLostError, ray.exceptions.NodeDiedError)
        pending = list(refs)
        try:
            while pending:
                _, pending = ray.wait(pending, num_returns=len(pending), timeout=POLL_SECONDS)
                if tick:
                    self.tick()
            return ray.get(list(refs))
        except ray.exceptions.RayTaskError as exc:
            cause = exc.as_instanceof_cause()
            for kind in (DiskFull, NoCompiler):  # a stop, or a message for the user: not a traceback
                if isinstance(cause, kind):  # its message is the traceback's last line, after the class
                    raise kind(str(cause).splitlines()[-1].removeprefix(f"{kind.__module__}.{kind.__name__}: ")) from None
            if isinstance(cause, lost):  # a task that waited on a lost actor's pieces (settle_in)
                raise PartitionLost(_first_line(exc)) from None
            raise
        except lost as exc:
            raise PartitionLost(_first_line(exc)) from None

    def seed(self, batches: list[Batch]) -> list[LevelReport]:
        self.traffic.new_level()
        return self._reports([a.seed.remote(b) for a, b in zip(self.actors, batches)])

    def level(self, grow: bool) -> list[LevelReport]:
        self.traffic.new_level()
        return self._reports([a.level.remote(grow) for a in self.actors])

    def _reports(self, refs: list[Any]) -> list[LevelReport]:
        reports = self._get(refs)
        self.traffic.current.reports += sum(map(_report_bytes, reports))
        return reports

    def stored_before(self, asks: list[np.ndarray]) -> list[np.ndarray]:
        answers = self._get([a.stored_before.remote(fps) for a, fps in zip(self.actors, asks)], tick=False)
        self.traffic.current.lookups += sum(f.nbytes for f in asks) + sum(a.nbytes for a in answers)
        return answers

    def settle(self, plans: list[Settle]) -> None:
        n = len(self.actors)
        self.traffic.current.plans += sum(p.others.nbytes + (p.keep.nbytes if p.keep is not None else 0) for p in plans)
        outs = [a.settle_out.options(num_returns=n).remote(plan) for a, plan in zip(self.actors, plans)]
        if n == 1:
            outs = [[outs[0]]]
        received = self._get([a.settle_in.remote(plan, *(outs[src][i] for src in range(n))) for i, (a, plan) in enumerate(zip(self.actors, plans))], tick=False)
        self.traffic.current.pieces += sum(r[0] for r in received)
        self.traffic.current.memory = [r[1] for r in received]

    def link(self, sid: int) -> tuple[int, int, int]:
        return self._get([self.actors[sid % len(self.actors)].link.remote(sid)], tick=False)[0]

    def generated(self) -> int | None:
        return None  # counted at the end of each level only

    def save(self, directory: Path) -> list[dict]:
        """Each actor's partition at its last boundary, written here one at a time."""
        return [write_partition(self._get([a.snapshot.remote()], tick=False)[0], directory, i) for i, a in enumerate(self.actors)]

    def pids(self) -> list[int]:
        return []  # on other machines: each actor watches its own node's memory (spill.py)

    def close(self) -> None:
        ray = self.ray
        try:
            usage = ray.get([a.usage.remote() for a in self.actors], timeout=30)
            self.traffic.peak_rss = [u[0] for u in usage]
            self.traffic.peak_heap = [u[1] for u in usage]
            self.traffic.nodes = len({u[2] for u in usage})
            ray.get([a.close.remote() for a in self.actors], timeout=30)
        except ray.exceptions.RayError:
            pass  # an actor is gone: its spill files went with its node or process
        for a in self.actors:
            ray.kill(a)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
