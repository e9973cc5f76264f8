"""The one breadth-first search of the explicit checker, for 1 or N workers.

The search goes level by level. Each level is split into contiguous runs,
one per partition (partition.py); each partition expands its run and stores
the new states it finds. With one worker the single partition lives in this
process; with N workers and the native core, that one partition's levels
are expanded by N threads (its calls release the GIL: threads.py); with N
workers and the Python backend, N partitions live in worker processes
(workers.py). Either way this module is the coordinator: it seeds the initial states, runs the levels,
keeps each state found by several partitions once, ranks each new level
globally and plans its runs, picks the first event that stops the search
and turns it into a result with a shortest trace. That
trace is rebuilt by re-executing the recorded actions from an initial state
(store.py keeps fingerprints and parent links only).

Counting follows TLC exactly, so numbers can be compared with it:
- states_generated: initial states plus every successor produced
  (duplicates and self-loops included);
- distinct_states: states satisfying the constraints, each counted once;
- depth: states on the longest shortest path, an initial state being 1.

A successor that violates a constraint is still a successor (no deadlock
there) and is still checked against the invariants, but is neither stored
nor expanded. Invariants are checked on every initial state and every new
state, transition invariants on every generated step. Of the violations
(and evaluation errors, deadlocks, the state limit) in one level, the one a
one-state-at-a-time BFS would meet first is reported (partition.py, keys), so
the verdict and the trace do not depend on the number of workers. When a
run stops at a violation, distinct_states and depth count the states such a
search would have found by then (a `--max-states` stop reports exactly the
limit); states_generated and coverage count what was expanded by then: the
levels before, and this level up to the chunk of 128 states (counted from
the level's first state) where the violation is. Runs are of whole chunks
(partition.cut), and what partitions after the violation's expanded is not
counted, so these too are one worker's, whatever the number of workers.

With `max_depth` K, the states at depth K are expanded only to learn whether
anything lies beyond (their successors are counted but not checked); if so
the result is OK with `bounded=True`.

Under symmetry reduction (symmetry.py) every successor is replaced by its
canonical form before it is fingerprinted; traces stay concrete because the
re-execution follows real successors whose canonical form has the recorded
fingerprint.

Robustness (checkpoint.py, memory.py): the end of a level is a consistent
point, recorded as a SearchPoint; with `--checkpoint` it is written out at
most every `--checkpoint-interval` seconds and once more when a limit or an
interrupt stops the search, and `--resume` continues from one. The memory
watch may stop the search like any limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from specpy.diagnostics import Span
from specpy.explicit.checkpoint import Checkpointer, SearchPoint, signals_deferred
from specpy.explicit.checkpoint import load as load_checkpoint, write_partition
from specpy.explicit.compile import CompiledModel
from specpy.explicit.explain import explain
from specpy.explicit.liveness import check_properties, refuse_with_properties
from specpy.explicit.measures import Tally
from specpy.explicit.memory import MB, MemoryWatch, fewer_collections
from specpy.explicit.partition import RANK_LIMIT, Batch, Event, LevelReport, Partition, PartitionSnapshot, Settle, cut, route
from specpy.explicit.repartition import repartition
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.ir.backend import unsupported
from specpy.explicit.spill import DiskFull, Spill
from specpy.explicit.store import FingerprintSet, StateStore, TableCode, fingerprints
from specpy.explicit.symmetry import Symmetry, symmetry_for
from specpy.explicit.traces import initial_failure_trace, make_trace
from specpy.ir.model import Model
from specpy.options import CheckOptions, OptionError
from specpy.result import ActionStats, CheckResult, ResultKind, Stats, Violation
from specpy.trace.trace import Step

PROGRESS_SECONDS = 2.0


class PartitionLost(Exception):
    """A transport lost a partition (a cluster node or its actor died); the message says which."""


class Transport(Protocol):
    """Where the partitions live when not in this process or its children (cluster/)."""

    def partitions(self, options: CheckOptions) -> int: ...

    def start(
        self, model: Model, options: CheckOptions, nparts: int, snapshots: list[PartitionSnapshot] | None,
        tick: Callable[[], None], engine: Any = None,
    ) -> Any: ...


class Stop(Exception):
    """Ends the search early with a finished result."""

    def __init__(
        self, kind: ResultKind, violation: Violation | None = None, limit: str | None = None, detail: str | None = None
    ):
        super().__init__(kind.value)
        self.kind = kind
        self.violation = violation
        self.limit = limit
        self.detail = detail


def check(
    model: Model, options: CheckOptions, progress: Callable[[Stats], None] | None = None, transport: Transport | None = None
) -> CheckResult:
    """Explore every reachable state of `model` breadth-first; see the module docstring.
    `transport`: partitions elsewhere (a cluster) instead of this process or worker processes."""
    cm = CompiledModel(model)
    symmetry = symmetry_for(cm, options.symmetry)
    if model.properties:
        refuse_with_properties(model, options, symmetry is not None)
        if transport is not None:
            raise OptionError("--cluster: temporal properties are checked in one process; run without --cluster")
        if options.workers > 1:
            raise OptionError(f"--workers {options.workers}: temporal properties are checked with one worker")
        if options.checkpoint_dir is not None or options.resume_dir is not None:
            raise OptionError(
                "--checkpoint/--resume: temporal properties are checked on the whole state graph, "
                "which checkpoints do not hold"
            )
    if model.measures and options.resume_dir is not None:
        raise OptionError(
            "--resume: checkpoints do not record the `measure` values seen so far; run the spec from the start"
        )
    try:
        engine, note = _engine(cm, options, symmetry is not None)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while the C compiles: stopped before any state
        return CheckResult(ResultKind.LIMIT, Stats(), limit="interrupted")
    with fewer_collections():
        while True:
            search = Search(cm, options, progress, symmetry, transport=transport, engine=engine)
            try:
                result = search.run()
                break
            except Exception as exc:  # a native bag or sorted set past its capacity: start over with more
                if engine is None:
                    raise
                engine, note = _engine(cm, options, symmetry is not None, engine.larger(exc))
    result.backend = "python" if engine is None else "native"
    result.backend_note = note
    result.memory_note = search.memory_watch.note
    result.workers_note = search.workers_note()
    return result


def _engine(cm: CompiledModel, options: CheckOptions, symmetric: bool, capacities: Callable | None = None):
    """(the native model, None) when the native core runs this check, else
    (None, why not when native was the default); `capacities()` gives the
    larger array capacities of a run that starts over (NotNative: none)."""
    if options.backend == "python":
        return None, None
    from specpy.native import NoCompiler, NotNative, native_model

    try:
        return native_model(cm, options, symmetric, capacities() if capacities else None), None
    except NoCompiler as exc:
        if options.backend == "native":
            raise OptionError(f"--backend native: {exc}") from None
        return None, str(exc)
    except NotNative as exc:
        if options.backend == "native":
            if exc.span is not None:
                raise unsupported(f"--backend native: {exc.message}", exc.span) from None
            raise OptionError(f"--backend native: {exc.message}") from None
        where = f" ({exc.span.file}:{exc.span.line}:{exc.span.column})" if exc.span is not None else ""
        return None, f"{exc.message}{where}"


class LocalParts:
    """Every partition in this process: one worker, or several for tests."""

    def __init__(self, partitions: list[Partition], tick: Callable[[], None], sharded: bool = False) -> None:
        self.partitions = partitions
        self.tick = tick
        self.sharded = sharded  # each partition's table holds the fingerprints it owns only

    def seed(self, batches: list[Batch]) -> list[LevelReport]:
        return [p.seed(b) for p, b in zip(self.partitions, batches)]

    def level(self, grow: bool) -> list[LevelReport]:
        return [p.level(grow, lambda _: self.tick()) for p in self.partitions]

    def stored_before(self, asks: list[np.ndarray]) -> list[np.ndarray]:
        return [p.stored_before(fps) for p, fps in zip(self.partitions, asks)]

    def settle(self, plans: list[Settle]) -> None:
        pieces = [p.settle_out(plan) for p, plan in zip(self.partitions, plans)]
        for p, plan in zip(self.partitions, plans):
            p.settle_in(plan, {src: out[p.part] for src, out in enumerate(pieces) if p.part in out})

    def link(self, sid: int) -> tuple[int, int, int]:
        return self.partitions[sid % len(self.partitions)].link(sid)

    def generated(self) -> int | None:
        return sum(p.generated for p in self.partitions)

    def save(self, directory: Path) -> list[dict]:
        return [write_partition(p.snapshot(), directory, p.part) for p in self.partitions]

    def pids(self) -> list[int]:
        return []

    def close(self) -> None:
        for p in self.partitions:
            p.close()


class Search:
    def __init__(
        self,
        cm: CompiledModel,
        options: CheckOptions,
        progress: Callable[[Stats], None] | None,
        symmetry: Symmetry | None = None,
        parts: int | None = None,
        sharded: bool = False,
        transport: Transport | None = None,
        engine=None,
    ):
        self.cm = cm
        # What expands states: cm itself, or the native model (native/kernel.py),
        # whose states are bytes; traces and messages always come from cm.
        self.engine = engine
        self.options = options
        self.progress = progress
        self.symmetry = symmetry
        # Applied to every successor before it is fingerprinted (symmetry.py).
        self.canonical = symmetry.canonical if symmetry is not None else None
        self.transport = transport
        # With the native core in this process, N workers are threads of one partition (threads.py).
        self.threads = options.workers if engine is not None and transport is None and parts is None else 1
        if parts:
            self.nparts = parts
        elif transport is not None:
            self.nparts = transport.partitions(options)
        else:
            self.nparts = options.workers // self.threads  # worker processes, or the threads' one partition
        self.sharded = sharded  # tables sharded by owner (partition.py; in-process for tests)
        self.keep_states = bool(cm.model.properties)
        self.stored = 0  # distinct states stored so far
        self.queued = 0  # states of the level being expanded
        self.init_generated = 0
        self.generated = 0
        self.depth = 0
        self.coverage = np.zeros((len(cm.actions), 3), np.int64)
        self.measures = Tally.empty(len(cm.measures))  # merged from the partitions' reports
        self.memory = 0
        self.store: StateStore | None = None
        self.start = time.monotonic()
        self.next_report = self.start + PROGRESS_SECONDS
        self.seconds_before = 0.0  # spent before the checkpoint this run resumed from
        self.point: SearchPoint | None = None  # the last level boundary
        # On a cluster --memory-limit is each actor's (they spill, spill.py); here only the machine is watched.
        self.parts = None  # the partitions (LocalParts, ProcessParts or RayParts), made by _run
        # The watch may look before they exist (a cluster's restore polls it): no workers then.
        self.memory_watch = MemoryWatch(
            None if transport else options.memory_limit_mb, lambda: self.parts.pids() if self.parts is not None else []
        )
        directory = options.checkpoint_dir or options.resume_dir
        self.checkpoints = (
            Checkpointer(
                directory, options.checkpoint_interval, cm.model, options, self.nparts,
                resuming=options.resume_dir is not None, fingerprints=self.backend,
            )
            if directory is not None
            else None
        )

    @property
    def backend(self) -> str:
        return "python" if self.engine is None else self.engine.backend

    def value_fingerprints(self, states: list[tuple]) -> np.ndarray:
        """The fingerprints the search stores for states given as the Python backend's values."""
        if self.engine is None:
            return fingerprints(states)
        return self.engine.fingerprints([self.engine.pack(s) for s in states])

    def stats(self) -> Stats:
        return Stats(
            distinct_states=self.stored,
            states_generated=self.generated,
            depth=self.depth,
            seconds=time.monotonic() - self.start + self.seconds_before,
            queue=self.queued,
            coverage=[ActionStats(a.name, *map(int, row)) for a, row in zip(self.cm.actions, self.coverage)],
            measures=self.measures.stats([m.name for m in self.cm.model.measures]),
        )

    def _partitions(self, snapshots: list[PartitionSnapshot] | None) -> Any:
        if self.transport is not None:
            return self.transport.start(self.cm.model, self.options, self.nparts, snapshots, self.tick, self.engine)
        limit = self.options.memory_limit_mb
        if limit is not None:  # worker processes share the limit; partitions in this process share its memory
            limit = limit * MB // (self.nparts if self.options.workers > 1 else 1)
        parts = [
            Partition(
                self.engine or self.cm, i, self.nparts, self.options.check_deadlock,
                None if self.engine is not None else self.canonical,  # the native model canonicalises in C
                self.keep_states, self.sharded,
                None if self.keep_states else Spill(self.options.disk_dir, f"p{i}", limit),
                self._level_threads(),
            )
            for i in range(self.nparts)
        ]
        if snapshots:
            every_fp = np.concatenate([snap.fps for snap in snapshots])
            for p, snap in zip(parts, snapshots):
                p.restore(snap, every_fp)
        if self.options.workers > 1 and self.threads == 1:
            from specpy.explicit.workers import ProcessParts

            return ProcessParts(parts, self.options.timeout, self.tick)
        return LocalParts(parts, self.tick, self.sharded)

    def workers_note(self) -> str | None:
        """Why the threads did not share every level, if they did not: a table
        that spilled to disk is looked up in batches, chunk by chunk (partition.py)."""
        if self.threads == 1 or self.parts is None or not any(p.deferred for p in self.parts.partitions):
            return None
        return f"--workers {self.threads}: once the fingerprint table spilled to disk, one thread expanded the levels"

    def _level_threads(self) -> Any:
        """The threads that expand the one partition's levels (threads.py), or None for this thread alone."""
        if self.threads == 1:
            return None
        from specpy.explicit.threads import LevelThreads

        return LevelThreads(self.threads)

    def run(self) -> CheckResult:
        try:
            return self._run()
        finally:
            if self.checkpoints is not None:
                self.checkpoints.close()

    def _run(self) -> CheckResult:
        resumed = None
        if self.options.resume_dir is not None:
            point, snaps = load_checkpoint(
                self.options.resume_dir, self.cm.model, self.options, self.nparts, self.backend, self.value_fingerprints,
                len(self.cm.actions),
            )
            resumed = point, repartition(snaps, self.nparts)
        try:
            self.parts = self._partitions(resumed[1] if resumed else None)
        except PartitionLost as exc:
            return CheckResult(ResultKind.LIMIT, self.stats(), limit="node-lost", limit_detail=self.lost_detail(str(exc)))
        try:
            if resumed is None:
                self.initial()
            else:
                self.resume(resumed[0])
            bounded = self.explore()
            if self.cm.model.properties:
                self.check_properties()
        except Stop as stop:
            if stop.kind is ResultKind.LIMIT:
                self.final_checkpoint()
            return CheckResult(stop.kind, self.stats(), stop.violation, limit=stop.limit, limit_detail=stop.detail)
        except DiskFull as exc:
            self.final_checkpoint()
            return CheckResult(ResultKind.LIMIT, self.stats(), limit="disk", limit_detail=str(exc))
        except PartitionLost as exc:
            # Its links and frontier are gone: no final checkpoint; the last one written stays valid.
            return CheckResult(ResultKind.LIMIT, self.stats(), limit="node-lost", limit_detail=self.lost_detail(str(exc)))
        except KeyboardInterrupt:
            # Ctrl-C (or SIGTERM, which the CLI turns into the same exception):
            # an hour of search is not thrown away silently — report what was
            # explored, as an incomplete run, and keep it in a checkpoint.
            self.final_checkpoint()
            return CheckResult(ResultKind.LIMIT, self.stats(), limit="interrupted")
        finally:
            self.parts.close()
        return CheckResult(ResultKind.OK, self.stats(), bounded=bounded)

    # ------------------------------------------------------------ level boundaries and checkpoints

    def boundary(self, level: int) -> None:
        """Record the consistent point before `level` is expanded."""
        self.point = SearchPoint(
            level, self.stored, self.queued, self.init_generated, self.generated, self.depth,
            self.coverage.copy(), time.monotonic() - self.start + self.seconds_before,
        )

    def boundary_passed(self) -> None:
        """At a boundary: stop for memory, write a checkpoint when one is due."""
        reason = self.memory_watch.exceeded(force=True)
        if reason is not None:
            raise Stop(ResultKind.LIMIT, limit="memory", detail=reason)
        if self.checkpoints is not None and self.checkpoints.due():
            assert self.point is not None
            self.checkpoints.save(self.point, self.parts.save)

    def final_checkpoint(self) -> None:
        """When a limit or an interrupt stops the search: the last boundary, unless already written."""
        cp, point = self.checkpoints, self.point
        if cp is not None and point is not None and cp.saved_level != point.level:
            cp.save(point, self.parts.save)

    def lost_detail(self, why: str) -> str:
        cp = self.checkpoints
        if cp is None or cp.last_saved is None and cp.saved_level is None:
            kept = "no checkpoint holds this run (start it with --checkpoint DIR to be able to resume)"
        else:
            kept = f"the checkpoint in {cp.dir} (level {cp.saved_level}) is intact: resume from it"
        return f"a partition was lost ({why}); {kept}"

    def resume(self, point: SearchPoint) -> None:
        max_states = self.options.max_states
        if max_states is not None and point.stored >= max_states:
            raise OptionError(f"--max-states {max_states}: the checkpoint holds {point.stored:,} states already")
        self.point = point
        self.stored, self.queued, self.depth = point.stored, point.queued, point.depth
        self.init_generated, self.generated = point.init_generated, point.generated
        self.coverage = point.coverage.copy()
        self.seconds_before = point.seconds
        if self.checkpoints is not None:
            self.checkpoints.saved_level = point.level  # that one is on disk already

    # ------------------------------------------------------------ the search

    def initial(self) -> None:
        out: list[tuple] = []
        try:
            self.cm.init(out)
        except (EvalFailure, AssertFailure) as exc:
            raise self.failure(exc, "init", [], []) from None
        self.init_generated = self.generated = len(out)
        states = out if self.canonical is None else list(map(self.canonical, out))
        n = len(states)
        minus = np.full(n, -1, np.int64)
        if self.engine is not None:
            states = [self.engine.pack(s) for s in states]
        fps = (self.engine or self.cm).fingerprints(states)
        batch = Batch(states, fps, np.arange(n, dtype=np.int64), minus, minus.copy())
        none = batch.take(np.zeros(0, np.int64))
        reports = self.parts.seed([batch] + [none] * (self.nparts - 1))  # the settle spreads them
        self.finish_level(reports, 0, grow=True)

    def explore(self) -> bool:
        """Expand level after level; True if states beyond `max_depth` exist."""
        max_depth = self.options.max_depth
        assert self.point is not None
        level = self.point.level
        while self.queued:
            grow = max_depth is None or level < max_depth
            reports = self.parts.level(grow)
            if not grow:
                self.finish_level(reports, level, grow)
                return any(r.beyond for r in reports) or not all(map(np.all, self.stored_before([r.maybe_beyond for r in reports])))
            self.finish_level(reports, level, grow)
            level += 1
        return False

    def finish_level(self, reports: list[LevelReport], level: int, grow: bool) -> None:
        """Totals, the first event of the level (which stops the search), the
        next level's runs (partition.py)."""
        # A one-state-at-a-time search stops at the first event: what the
        # partitions after its own expanded in this level is not counted.
        stops = [(r.event, i) for i, r in enumerate(reports) if r.event is not None]
        last = min(stops)[1] if stops else len(reports) - 1
        counted = [r.generated if i <= last else r.generated_before for i, r in enumerate(reports)]
        self.generated = self.init_generated + sum(counted)
        self.coverage = sum((r.coverage if i <= last else r.coverage_before for i, r in enumerate(reports)), np.zeros_like(self.coverage))
        if self.cm.measures:
            self.measures = Tally.merged([r.measures for r in reports if r.measures is not None], len(self.cm.measures))
        self.memory = sum(r.nbytes for r in reports)
        deferred = any(r.deferred for r in reports)
        news = [r.new_fps for r in reports]
        keep = _first_found(news, self.stored_before(news) if deferred else None, getattr(self.engine, "table_code", None))
        keys = [r.new_keys if k is None else r.new_keys[k] for r, k in zip(reports, keep)]
        for r, k in zip(reports[: last + 1], keep):  # the "new" column without the states dropped (until the settle drops them)
            if k is not None:
                dropped = r.new_via[~k]
                self.coverage[:, 2] -= np.bincount(dropped[dropped >= 0], minlength=len(self.coverage))
        total = sum(len(k) for k in keys)
        events = [r.event for r in reports if r.event is not None]
        max_states = self.options.max_states
        if grow and max_states is not None and self.stored + total >= max_states:
            kth = np.sort(np.concatenate(keys))[max_states - self.stored - 1]
            events.append(Event(int(kth), RANK_LIMIT, "limit"))
        if events:
            first = min(events)
            # As a one-state-at-a-time search would count: the states found up to the event.
            total = sum(int(np.count_nonzero(k <= first.key)) for k in keys)
        before = self.stored
        self.stored += total
        self.queued = total
        if total and grow:
            self.depth = level + 1
        if events:
            self.stop(first)
        if grow:
            # Partition i's keys all come before partition i+1's: its kept
            # states take the next ranks in partition order.
            held = before + np.cumsum([0] + [len(k) for k in keys])
            runs = before + np.array(cut(total, self.nparts), np.int64)
            found = [r.new_fps if k is None else r.new_fps[k] for r, k in zip(reports, keep)]
            if self.parts.sharded:  # every partition learns the kept states it owns
                learn = route(found, True)[0]
            elif deferred:  # every partition learns every kept state, its own included
                learn = [found[0] if self.nparts == 1 else np.concatenate(found)] * self.nparts
            else:
                learn = [np.concatenate(found[:i] + found[i + 1 :] or [np.zeros(0, np.int64)]) for i in range(self.nparts)]
            plans = [Settle(k, others, held, runs) for k, others in zip(keep, learn)]
            with signals_deferred():
                self.parts.settle(plans)
                self.boundary(level + 1)
            self.boundary_passed()

    def stored_before(self, fps: list[np.ndarray]) -> list[np.ndarray]:
        """Per finder, which of its fingerprints were stored before this level
        (deferred partitions, partition.py): each is asked of its owner."""
        asks, back = route(fps, self.parts.sharded)
        return back(self.parts.stored_before(asks))

    def tick(self) -> None:
        now = time.monotonic()
        timeout = self.options.timeout
        if timeout is not None and now - self.start >= timeout:
            raise Stop(ResultKind.LIMIT, limit="timeout")
        reason = self.memory_watch.exceeded()
        if reason is not None:
            raise Stop(ResultKind.LIMIT, limit="memory", detail=reason)
        if self.progress is not None and now >= self.next_report:
            self.next_report = now + PROGRESS_SECONDS
            generated = self.parts.generated()
            if generated is not None:  # worker processes tell at the end of a level only
                self.generated = self.init_generated + generated
            self.progress(self.stats())

    # ------------------------------------------------------------ what stopped the search

    def stop(self, event: Event) -> None:
        """Re-execute the trace to the event and re-evaluate what failed there."""
        cm = self.cm
        if event.what == "limit":
            self.stored = self.options.max_states or self.stored
            raise Stop(ResultKind.LIMIT, limit="max-states")
        states, actions = self.path(event.sid)
        if event.fp is not None:
            if event.k is None:
                states.append(self.initial_with(event.fp))
            else:
                states.append(self.successor(states[-1], event.k, event.fp))
                actions.append(event.k)
        last = states[-1]
        try:
            if event.what == "deadlock":
                trace = make_trace(cm, states, actions)
                raise Stop(ResultKind.DEADLOCK, Violation(ResultKind.DEADLOCK, "deadlock", trace, "no action is enabled"))
            if event.what == "action":
                where: int | str = event.k
                cm.actions[event.k].run(last, [])
            elif event.what == "terminal":
                where = "a terminal condition"
                cm.terminal(last)
            elif event.what == "constraint":
                where = "a constraint"
                cm.constraint(last)
            elif event.what == "invariant":
                where = "an invariant"
                self.invariant_violation(cm.invariants(last), states, actions)
            elif event.what == "transition":
                where = "a transition invariant"
                self.transition_violation(cm.transitions(states[-2], last), states, actions)
        except (EvalFailure, AssertFailure) as exc:
            raise self.failure(exc, where, states, actions) from None
        raise AssertionError(f"the {event.what} event did not recur when the trace was re-executed")

    def invariant_violation(self, r: int, states: list[tuple], actions: list[int]) -> None:
        if r >= 0:
            inv = self.cm.model.invariants[r]
            detail, span = explain(self.cm, inv.expr, states[-1])
            trace = make_trace(self.cm, states, actions)
            raise Stop(ResultKind.INVARIANT, Violation(ResultKind.INVARIANT, inv.name, trace, detail, span or inv.span))

    def transition_violation(self, r: int, states: list[tuple], actions: list[int]) -> None:
        if r >= 0:
            tr = self.cm.model.transitions[r]
            trace = make_trace(self.cm, states, actions)
            raise Stop(ResultKind.INVARIANT, Violation(ResultKind.INVARIANT, tr.name, trace, "", tr.span))

    def failure(self, exc: EvalFailure | AssertFailure, where: int | str, states: list[tuple], actions: list[int]) -> Stop:
        """An evaluation error or a false assert in action `where` (an index)
        or in the named kind of expression, at the end of the given trace."""
        site = self.cm.sites.items[exc.site]
        if isinstance(where, int):
            a = self.cm.actions[where]
            label = "action " + Step(a.action.name, a.label_args(exc.p)).label()
        else:
            label = self.owner(site.span, where)
        trace = initial_failure_trace(self.cm, exc) if where == "init" else make_trace(self.cm, states, actions)
        if isinstance(exc, AssertFailure):
            detail = f"assert at {site.span} is false in {label}"
            return Stop(ResultKind.ASSERT, Violation(ResultKind.ASSERT, "assert", trace, detail, site.span))
        kind = exc.kind or site.kind
        detail = f"{label}: {exc.detail or kind}"
        return Stop(ResultKind.EVAL_ERROR, Violation(ResultKind.EVAL_ERROR, kind, trace, detail, site.span))

    def owner(self, span: Span, what: str) -> str:
        """Name the invariant or transition a failing site lies in, when spans tell."""
        for named, kind in ((self.cm.model.invariants, "invariant"), (self.cm.model.transitions, "transition")):
            for n in named:
                if _contains(n.span, span):
                    return f"{kind} {n.name}"
        return what

    # ------------------------------------------------------------ traces by re-execution

    def path(self, sid: int | None) -> tuple[list[tuple], list[int]]:
        """Concrete states from an initial state to stored state `sid`, and the actions between."""
        chain: list[tuple[int, int]] = []
        while sid is not None and sid >= 0:
            fp, parent, via = self.parts.link(sid)
            chain.append((fp, via))
            sid = parent
        chain.reverse()
        if not chain:
            return [], []
        states = [self.initial_with(chain[0][0])]
        for fp, k in chain[1:]:
            states.append(self.successor(states[-1], k, fp))
        return states, [k for _, k in chain[1:]]

    def _fingerprint(self, s: tuple) -> int:
        s = s if self.canonical is None else self.canonical(s)
        if self.engine is not None:
            return self.engine.fingerprint_of(s)
        return int(fingerprints([s])[0])

    def initial_with(self, fp: int) -> tuple:
        out: list[tuple] = []
        self.cm.init(out)
        return next(s for s in out if self._fingerprint(s) == fp)

    def successor(self, s: tuple, k: int, fp: int) -> tuple:
        out: list[tuple] = []
        self.cm.actions[k].run(s, out)
        return next(t for t in out if self._fingerprint(t) == fp)

    # ------------------------------------------------------------ temporal properties

    def check_properties(self) -> None:
        """The temporal properties, on the finished state graph (liveness.py)."""
        self.store = self.parts.partitions[0].state_store()
        if self.engine is not None:  # liveness runs on the Python backend's values
            self.store = self.engine.python_store(self.store)
        violation = check_properties(self.cm, self.store, self.tick, self.evaluate_stored, self.symmetry)
        if violation is not None:
            raise Stop(violation.kind, violation)

    def evaluate_stored(self, fn: Callable[[tuple], object], i: int, what: str) -> object:
        assert self.store is not None
        try:
            return fn(self.store.states[i])
        except EvalFailure as exc:
            path = self.store.path(i)
            states = [self.store.states[j] for j in path]
            actions = [self.store.via[j] for j in path[1:]]
            if self.symmetry is not None:
                states = self.symmetry.concrete_path(states, actions)
            raise self.failure(exc, what, states, actions) from None


def _first_found(
    fps: list[np.ndarray], stale: list[np.ndarray] | None = None, code: TableCode | None = None
) -> list[np.ndarray | None]:
    """Per partition, which of the states it stored in a level are not stored
    by a partition before it (None: all; its keys are the smaller there) nor,
    if `stale` tells, before this level. `code`: the native model's table
    lookup and insertion, which finds them in one pass instead of a sort."""
    if len(fps) == 1:  # one partition's new states are distinct (partition.py, `_unseen`)
        return [None if stale is None or not stale[0].any() else ~stale[0]]
    if code is not None:
        earlier = FingerprintSet(sum(len(f) for f in fps), code=code)
        firsts = []
        for f in fps:  # each partition's are distinct: a state is first where no earlier partition has it
            first = ~earlier.contains(f)
            earlier.add_new(f[first])
            firsts.append(first)
        found = np.concatenate(firsts)
    else:
        found = np.zeros(sum(len(f) for f in fps), dtype=bool)
        found[np.unique(np.concatenate(fps), return_index=True)[1]] = True
    if stale is not None:
        found &= ~np.concatenate(stale)
    bounds = np.cumsum([0] + [len(f) for f in fps])
    return [None if found[a:b].all() else found[a:b] for a, b in zip(bounds, bounds[1:])]


def _contains(outer: Span, inner: Span) -> bool:
    return (
        outer.file == inner.file
        and outer.line > 0
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )
