"""One partition of the state space: a contiguous range of each level.

The search (search.py) is level by level. The states of a level are in one
global order (their ranks), and partition i holds the i-th of N contiguous,
nearly equal runs of it. In each level every partition

1. `expand`s its run in rank order and stores each chunk's new successors
   (those not seen before: checked against the constraints and invariants)
   right after expanding the chunk, while they are still in the CPU cache,
   as the next level's states; it stops at the chunk where it meets a
   violation;
2. reports their fingerprints to the coordinator, which finds the states
   that more than one partition stored (each keeps only where its key is
   smallest) and plans the next level's runs;
3. `settle`s: drops its duplicates, learns the fingerprints the others
   stored, and passes states to its neighbours until it holds its run of
   the next level.

Why ranges rather than owners by fingerprint: the successors of states that
are near in rank overlap (commuting steps reach the same state from
siblings), so a range finds most of its new states alone. Measured on
twophase with 7 RMs, 12.5% of the new states are found by both of two ranges,
against 89% by both of two fingerprint owners, which would send nearly every
state to the other process. Only fingerprints cross at the end of a level,
plus the few states that even out the runs.

A single partition has no duplicates and no neighbours: steps 2 and 3 do
nothing but rank its states.

A partition shares nothing with the others: fingerprints and frontier
pieces go in and out as plain data, so it can live in this process (one
worker), in a worker process (workers.py) or in a Ray actor on another
machine (cluster/). With worker processes every partition's fingerprint
table holds every stored state.

Deferred lookups. A partition's table may not hold every stored state: on a
cluster each partition holds only the fingerprints it owns (`owners`: the
fingerprint's top 32 bits scaled to N), so that a node's memory falls with
the number of nodes; and a table that
outgrew its memory budget has spilled to disk (spill.py). Such a partition
is *deferred*: it stores the successors that its table does not know, with
this level's candidates kept apart (`fresh`), and after the level the
coordinator asks each owner which of them were stored before
(`stored_before`), in one batch per level: only fingerprints cross, and the
disk is read sequentially once a level. The stale ones are then dropped like
the duplicates between partitions. A stale candidate can never raise an
event: it was checked when it was first stored, and the search would have
stopped there.

Threads. With the native core, `--workers N` is one partition whose
levels N threads expand at once (threads.py), all storing into its one
table, with the states stored in the order one thread finds them.

Determinism: a successor's key is (rank of its parent, position among the
parent's successors), packed into one int64. The global order of keys is the
order in which a one-process breadth-first search discovers states, so a
state's parent is the one such a search would record, and of the events that
stop a search (a violation, an evaluation error, a deadlock, a limit) the
one with the smallest (key, rank) is reported. Partition i's keys all come
before partition i+1's, since its run of ranks does. The result is thus the
same for any number of partitions, and the same from run to run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import field
from typing import TYPE_CHECKING

import numpy as np

from specpy.explicit.compile import CompiledModel
from specpy.explicit.measures import Tally
from specpy.explicit.memory import map_large_arrays
from specpy.explicit.runtime import EvalFailure
from specpy.explicit.segments import RUN_FULL, RUN_REPORT, Segment
from specpy.explicit.store import BLOCK, FingerprintSet, Frontier, Links, Raw, StateStore
from specpy.nodeclass import nodeclass

if TYPE_CHECKING:
    from specpy.explicit.spill import Spill
    from specpy.explicit.threads import LevelThreads

#: A key is rank * STRIDE + position of the successor among its parent's.
STRIDE = 1 << 24
#: Frontier blocks a model with a many-chunk kernel (`run`) expands per call.
RUN_CHUNKS = 64
#: Arrays at least this large (a level's, not a call's) are mapped and unmapped when freed (memory.py).
LEVEL_ARRAYS = 4 << 20

# Event ranks: at one key, a failing constraint comes before a failing
# invariant (or the state-count limit), which comes before a failing
# transition invariant, as in a one-state-at-a-time search.
RANK_CONSTRAINT, RANK_INVARIANT, RANK_LIMIT, RANK_TRANSITION = 0, 1, 2, 3


@nodeclass(order=True)
class Event:
    """What stops the search, found by one partition; the smallest one wins.

    `what`: "deadlock", "terminal", "action" (an action raised), "invariant",
    "constraint", "transition" or "limit". `sid`: the id of the stored state
    the trace runs to (None: before any state). `k` and `fp`: a further step
    by action k to the unstored state with fingerprint fp. The coordinator
    re-executes the trace and re-evaluates what failed, so an event carries
    no values, only where to look.
    """

    key: int
    rank: int
    what: str = field(compare=False)
    sid: int | None = field(compare=False, default=None)
    k: int | None = field(compare=False, default=None)
    fp: int | None = field(compare=False, default=None)


@nodeclass(frozen=False)
class Batch:
    """States to store, in key order, each fingerprint once."""

    states: list[tuple]
    fps: np.ndarray
    keys: np.ndarray
    parents: np.ndarray  # state ids, -1 for an initial state
    via: np.ndarray  # action indices, -1 for an initial state

    def take(self, idx: np.ndarray) -> Batch:
        states = self.states
        return Batch([states[i] for i in idx.tolist()], self.fps[idx], self.keys[idx], self.parents[idx], self.via[idx])


class Successors:
    """The successors of one chunk of the frontier, in key order.

    `ends[i, k]` is the number of successors produced up to and including
    action k of the chunk's state i; keys, parents and actions are derived
    from it only for the successors kept (most are dropped as known).
    """

    def __init__(self, part: Partition, lo: int, states: list[tuple], ends: np.ndarray) -> None:
        self.part, self.lo = part, lo
        self.states = states
        self.fps = np.zeros(0, np.int64)
        self.ends = ends

    def origin(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For the successors at positions idx (ascending): the position of
        the parent in the chunk, the action and the position among the
        parent's successors."""
        nact = self.ends.shape[1]
        flat = self.ends.ravel()
        slot = np.searchsorted(flat, idx, side="right")  # the (state, action) that produced each
        at = slot // nact
        first = np.where(at > 0, flat[at * nact - 1], 0)  # position of the parent's first successor
        return at, slot % nact, idx - first

    def batch(self, idx: np.ndarray) -> Batch:
        """The successors at positions idx (ascending) as a batch."""
        at, via, offset = self.origin(idx)
        rows = self.lo + at
        states = self.states
        keys = (self.part.rank0 + rows) * STRIDE + offset
        take = getattr(states, "take", None)  # packed native states slice themselves
        chosen = take(idx.tolist()) if take is not None else [states[i] for i in idx.tolist()]
        return Batch(chosen, self.fps[idx], keys, self.part.frontier_ids[rows], via)


@nodeclass(frozen=False)
class LevelReport:
    """What a partition tells the coordinator after expanding a level."""

    new_keys: np.ndarray  # keys of the states it stored, ascending
    # And their fingerprints and the actions that found them (-1: initial), where the coordinator
    # needs them: with several partitions, or a deferred one (else empty).
    new_fps: np.ndarray
    new_via: np.ndarray
    event: Event | None
    beyond: bool  # probing past max_depth: an unseen state in the model exists
    generated: int
    coverage: np.ndarray  # (actions, 3): enabled, generated, new - totals so far
    stored: int
    nbytes: int  # memory of its fingerprint table, links and frontier
    deferred: bool = False  # its new states may have been stored before: ask their owners
    maybe_beyond: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # deferred probing past max_depth
    measures: Tally | None = None  # the `measure`s over every state it stored so far (measures.py)
    generated_before: int = 0  # `generated` and `coverage` when the level began
    coverage_before: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))


@nodeclass(frozen=False)
class Settle:
    """The coordinator's plan for the end of a level, for one partition.

    `keep`: which of the states it stored in the level stay (None: all; the
    others were stored by a partition where their key is smaller, or before
    this level). `others`: the fingerprints of the level it is to remember
    besides its own (for a deferred partition: every kept one it owns). `held[i]:held[i+1]` are the
    ranks partition i holds after the duplicates are dropped, `runs[i]:runs[i+1]`
    the ranks it is to expand in the next level.
    """

    keep: np.ndarray | None
    others: np.ndarray
    held: np.ndarray
    runs: np.ndarray

    def giving(self, src: int, dest: int) -> tuple[int, int]:
        """The ranks partition src passes to partition dest (empty if lo >= hi)."""
        return max(int(self.held[src]), int(self.runs[dest])), min(int(self.held[src + 1]), int(self.runs[dest + 1]))


#: A run of frontier states passed to another partition, with their ids.
Piece = tuple[Frontier, np.ndarray]


@nodeclass(frozen=False)
class PartitionSnapshot:
    """A partition at a level boundary, all a checkpoint needs (checkpoint.py).

    `boundary` counts the boundaries passed (1 after the initial states), so
    that the coordinator can tell that every partition is at its own. The
    frontier's states may be stored (linked) in other partitions: `frontier_ids`
    tell where. The fingerprint table is rebuilt on restore from every
    partition's `fps`.
    """

    boundary: int
    fps: np.ndarray
    parents: np.ndarray
    via: np.ndarray
    frontier: list[tuple]
    frontier_ids: np.ndarray
    ranks: np.ndarray
    generated: int
    coverage: np.ndarray


class Partition:
    def __init__(
        self,
        cm: CompiledModel,
        part: int,
        parts: int,
        check_deadlock: bool,
        canonical: Callable[[tuple], tuple] | None = None,
        keep_states: bool = False,
        sharded: bool = False,
        spill: Spill | None = None,
        threads: LevelThreads | None = None,
    ) -> None:
        self.cm = cm
        self.part, self.parts = part, parts
        self.check_deadlock = check_deadlock
        self.canonical = canonical
        self.sharded = sharded  # `seen` holds only the fingerprints this partition owns
        self.threads = threads  # that expand its levels with the native kernel (threads.py), if more than this one
        self.spill = spill  # where the table, links and frontier go when memory runs short
        self.width = getattr(cm, "state_width", 0)  # states are bytes of this length (the native model)
        self.load = getattr(cm, "load", 0.5)
        self.table_code = getattr(cm, "table_code", None)  # the native model's lookup and insertion, in C
        if self.width:  # compact stores: per-level arrays are given back when freed, not kept in the heap
            map_large_arrays(LEVEL_ARRAYS)
        self.seen = self._table()  # every state stored (owned, if sharded) before this level
        # Deferred (see the module docstring): this level's new states, apart from `seen`.
        self.fresh: FingerprintSet | None = self._table() if sharded else None
        self.maybe_beyond: list[np.ndarray] = []
        self.links = Links()
        self.frontier = Frontier(width=self.width)  # the run of the level being expanded
        self.frontier_ids = np.zeros(0, np.int64)
        self.rank0 = 0  # the rank of the run's first state (the run's ranks are consecutive)
        self.generated = 0
        self.coverage = np.zeros((len(cm.actions), 3), np.int64)
        # The next level, as it is stored (see `_store`).
        self.next = Frontier(width=self.width)
        self.next_keys: list[np.ndarray] = []
        self.next_first = 0  # local index of its first state
        self.beyond = False
        # Every stored state itself, for temporal properties (StateStore).
        self.kept: list[tuple] | None = [] if keep_states else None
        self.measures = Tally.empty(len(cm.measures))
        # The last level boundary, for snapshots taken in the middle of a level.
        self.boundary = (0, 0, self.frontier, self.frontier_ids, self.rank0, 0, self.coverage.copy())

    def _table(self, expected: int = 0) -> FingerprintSet:
        """An empty fingerprint table with this model's load and lookup code (the native model's: in C, 3/4 full)."""
        return FingerprintSet(expected, load=self.load, code=self.table_code)

    @property
    def deferred(self) -> bool:
        """Whether a lookup may miss a state stored before this level (see the module docstring)."""
        return self.fresh is not None

    # ------------------------------------------------------------ expand

    def level(self, grow: bool, tick: Callable[[int], None] | None = None) -> LevelReport:
        """Expand the run in rank order, storing each chunk's new successors;
        stop at the chunk of the first event."""
        if grow and self.uses_kernel():
            return self._report(self._level_runs(tick))
        event = None
        lo = 0
        for chunk in self.frontier.chunks():
            if tick is not None:
                tick(lo)
            event = self._chunk(lo, chunk, grow)
            if event is not None:
                break
            lo += len(chunk)
        return self._report(event)

    def _chunk(self, lo: int, chunk: Sequence, grow: bool) -> Event | None:
        """Expand frontier states lo, lo + 1, ... (`chunk`) and store their new successors."""
        succ, event = self._expand_chunk(lo, chunk, grow)
        b = succ.batch(self._unseen(succ.fps, chunk if self.deferred else None, succ.ends))
        return self._store(b, np.arange(len(b.keys)), grow, event)

    def uses_kernel(self) -> bool:
        """Whether the model does many chunks' work in one call (`run`: the
        native model), which needs this partition's table to be the whole
        truth and no state kept in Python."""
        return hasattr(self.cm, "run") and not self.deferred and self.kept is None

    def _level_runs(self, tick: Callable[[int], None] | None) -> Event | None:
        """`level` with the native model's many-chunk kernel: segments of
        RUN_CHUNKS chunks one after the other, or with `threads` many at once
        (threads.py). A chunk with something to report goes through `_chunk`,
        so what is stored and reported is what chunk-by-chunk expansion gives."""
        if self.threads is not None and self.threads.worth(len(self.frontier)):
            return self.threads.level(self, tick)
        room = np.array([self.seen.room], np.int64)  # the slots the kernel may fill before the table grows
        lo = 0
        for data, sizes in self.frontier.groups(RUN_CHUNKS):
            seg = self.segment(-1, lo, data, sizes)
            while True:
                if tick is not None:
                    tick(lo + seg.pos)
                status = seg.advance(self.cm, self.seen, room, self.check_deadlock)
                self.seen.used += seg.take_filled()
                if status == RUN_FULL:
                    self.seen.reserve(seg.needed)
                elif status == RUN_REPORT:
                    event = self.report(seg)
                    if event is not None:
                        return event
                    seg.skip_chunk()
                else:
                    break
                room[0] = self.seen.room
            self.take(seg)
            lo += sum(sizes)
        return None

    def segment(self, mark: int, lo: int, data: bytes | memoryview, sizes: list[int]) -> Segment:
        """Chunks `sizes` of the run from position lo, for the kernel (segments.py)."""
        return Segment(mark, lo, data, sizes, self.width, len(self.cm.actions))

    def take(self, seg: Segment, keep: list[np.ndarray] | None = None) -> None:
        """Store what seg's kernel calls found as the next level's states, and
        count what they expanded; `keep`: per call, which of its states stayed
        the segment's (threads.py: the others an earlier segment found)."""
        w = self.width
        for i, (pos, run) in enumerate(seg.runs):
            fps, links, states = run.fps, run.links, run.states
            if keep is not None and not keep[i].all():
                k = keep[i]
                seg.coverage[:, 2] -= np.bincount(links[~k, 1], minlength=len(seg.coverage))
                fps, links, states = fps[k], links[k], Raw(states, w).masked(k).data
            at = seg.lo + pos + links[:, 0]
            self.links.extend(fps, self.frontier_ids[at], links[:, 1])
            self.next.extend_raw(states)
            self.next_keys.append((self.rank0 + at) * STRIDE + links[:, 2])
            if self.cm.measures:
                self.measures.add(self.cm.measures, Raw(states, w))
        self.generated += seg.generated
        self.coverage += seg.coverage
        seg.runs, seg.generated = [], 0
        seg.coverage[:] = 0

    def report(self, seg: Segment) -> Event | None:
        """What seg stored so far, then its chunk to report through the one-chunk path: its event."""
        self.take(seg)
        return self._chunk(*seg.report_chunk(), True)

    def _expand_chunk(self, lo: int, chunk: list[tuple], grow: bool) -> tuple[Successors, Event | None]:
        """The successors of frontier states lo, lo + 1, ... (`chunk`)."""
        cm = self.cm
        nact = len(cm.actions)
        event = None
        expanded = len(chunk)
        out, ends, failed = cm.expand_chunk(chunk)
        if failed:  # an action raised: ends stops at the (state, action) that did
            pos, k = divmod(len(ends), nact)
            mark = int(ends[-1]) if len(ends) else 0
            base = int(ends[pos * nact - 1]) if pos else 0
            ends = np.concatenate([ends, np.full(nact - k, mark, np.int64)])
            expanded = pos + 1
            event = Event(self._key(lo + pos, mark - base), RANK_CONSTRAINT, "action", self._id(lo + pos), k)
        succ = Successors(self, lo, out, ends.reshape(expanded, nact))
        counts = np.diff(succ.ends.ravel(), prepend=0).reshape(expanded, nact)
        if self.check_deadlock:
            stuck = np.flatnonzero(counts.sum(axis=1) == 0) if nact else np.arange(expanded)
            deadlock = self._deadlock(lo, chunk, stuck[stuck < expanded - (event is not None)])
            event = min(filter(None, (event, deadlock)), default=None)
        self.coverage[:, 0] += (counts > 0).sum(axis=0)
        self.coverage[:, 1] += counts.sum(axis=0)
        self.generated += len(out)
        if grow and cm.transitions is not None:
            event = min(filter(None, (event, self._check_transitions(chunk, succ))), default=None)
        if self.canonical is not None:
            succ.states = list(map(self.canonical, out))
        succ.fps = cm.fingerprints(succ.states)
        return succ, event

    def _deadlock(self, lo: int, chunk: list[tuple], stuck: np.ndarray) -> Event | None:
        """The first state without successors that is not terminal."""
        terminal = self.cm.terminal
        for pos in stuck.tolist():
            try:
                final = terminal is not None and terminal(chunk[pos])
            except EvalFailure:
                return Event(self._key(lo + pos, 0), RANK_CONSTRAINT, "terminal", self._id(lo + pos))
            if not final:
                return Event(self._key(lo + pos, 0), RANK_CONSTRAINT, "deadlock", self._id(lo + pos))
        return None

    def _check_transitions(self, chunk: list[tuple], succ: Successors) -> Event | None:
        transitions = self.cm.transitions
        at, via, offset = succ.origin(np.arange(len(succ.states)))
        for i, (p, t) in enumerate(zip(at.tolist(), succ.states)):
            try:
                failed = transitions(chunk[p], t) >= 0
            except EvalFailure:
                failed = True
            if failed:
                fp = int(self.cm.fingerprints([t if self.canonical is None else self.canonical(t)])[0])
                pos = succ.lo + p
                return Event(self._key(pos, int(offset[i])), RANK_TRANSITION, "transition", self._id(pos), int(via[i]), fp)
        return None

    def _unseen(self, fps: np.ndarray, parents: list[tuple] | None = None, ends: np.ndarray | None = None) -> np.ndarray:
        """Positions of the fingerprints not seen, each once (its first, smallest key).

        Most successors are known, so one vectorised lookup drops them and a
        plain set catches the repeats among the few left. A deferred
        partition's table may not hold the level being expanded (it spilled,
        or another partition owns them): given the chunk's states (`parents`)
        and `ends`, self-loops are dropped here rather than asked about.
        """
        if self.fresh is None and hasattr(self.cm, "unseen"):  # the native model does this in C
            return self.cm.unseen(self.seen, fps)
        known = self.seen.contains(fps)
        if parents is not None and ends is not None and len(fps):
            per_parent = np.diff(ends[:, -1], prepend=0) if ends.shape[1] else np.zeros(len(ends), np.int64)
            known |= fps == np.repeat(self.cm.fingerprints(parents[: len(ends)]), per_parent)
        idx = np.flatnonzero(~known)
        if self.fresh is not None:
            idx = idx[~self.fresh.contains(fps[idx])]
        fresh: set[int] = set()
        first = []
        for i, fp in zip(idx.tolist(), fps[idx].tolist()):
            if fp not in fresh:
                fresh.add(fp)
                first.append(i)
        return np.asarray(first, dtype=np.int64)

    def _many(self, what: str) -> Callable[[list], tuple[np.ndarray, int]] | None:
        """The native model's batch evaluation of the invariants or constraints, if any."""
        verdicts = getattr(self.cm, "verdicts", None)
        return None if verdicts is None else lambda states: verdicts(what, states)

    def _key(self, pos: int, offset: int) -> int:
        return (self.rank0 + pos) * STRIDE + offset

    def _id(self, pos: int) -> int:
        return int(self.frontier_ids[pos])

    # ------------------------------------------------------------ store

    def seed(self, batch: Batch) -> LevelReport:
        """Store the initial states given here (repeats and all)."""
        event = self._store(batch, self._unseen(batch.fps), True, None)
        return self._report(event)

    def _store(self, b: Batch, cand: np.ndarray, grow: bool, event: Event | None) -> Event | None:
        """Check candidates `cand` of b (unseen, each once, in key order) and
        store those in the model as part of the next level; the first event."""
        if event is not None:
            cand = cand[b.keys[cand] <= event.key]
        states = [b.states[i] for i in cand.tolist()]
        n = len(states)
        # Checked in key order: a constraint that cannot be evaluated stops at
        # its state; otherwise the first state failing an invariant does.
        in_model, stop = _verdicts(self.cm.constraint, states, many=self._many("constraints"))
        if not grow:  # probing past max_depth: nothing is stored or checked there
            if stop < n:
                event = min(filter(None, (event, self._event(b, cand[stop], RANK_CONSTRAINT, "constraint"))))
            if self.deferred:  # stored before? the owners tell
                self.maybe_beyond.append(b.fps[cand[:stop][in_model[:stop].astype(bool)]])
            else:
                self.beyond = self.beyond or bool(in_model[:stop].any())
            return event
        bad, bad_stop = _verdicts(self.cm.invariants, states[:stop], fails=True, many=self._many("invariants"))
        first_bad = int(np.flatnonzero(bad)[0]) if bad.any() else bad_stop
        keep = in_model.astype(bool)
        if stop < n and stop <= first_bad:
            event = min(filter(None, (event, self._event(b, cand[stop], RANK_CONSTRAINT, "constraint"))))
            keep = keep[:stop]
        elif first_bad < stop:
            keep = keep[: first_bad + 1]
            if keep[first_bad]:
                new_id = (len(self.links) + int(keep.sum()) - 1) * self.parts + self.part
                found = Event(int(b.keys[cand[first_bad]]), RANK_INVARIANT, "invariant", new_id)
            else:
                found = self._event(b, cand[first_bad], RANK_INVARIANT, "invariant")
            event = min(filter(None, (event, found)))
        idx = cand[: len(keep)][keep]
        self.links.extend(b.fps[idx], b.parents[idx], b.via[idx])
        (self.seen if self.fresh is None else self.fresh).add_new(b.fps[idx])
        via = b.via[idx]
        self.coverage[:, 2] += np.bincount(via[via >= 0], minlength=len(self.coverage))
        stored = states if len(idx) == n else [states[i] for i in np.flatnonzero(keep).tolist()]
        self.next.extend(stored)
        self.next_keys.append(b.keys[idx])
        if self.kept is not None:
            self.kept += stored
        if self.cm.measures:
            self.measures.add(self.cm.measures, stored)
        return event

    def _event(self, b: Batch, i: int, rank: int, what: str) -> Event:
        """An event at unstored candidate i of batch b."""
        parent = int(b.parents[i])
        sid, k = (None, None) if parent < 0 else (parent, int(b.via[i]))
        return Event(int(b.keys[i]), rank, what, sid, k, int(b.fps[i]))

    def _report(self, event: Event | None) -> LevelReport:
        keys = np.concatenate(self.next_keys) if self.next_keys else np.zeros(0, np.int64)
        self.next_keys = [keys]  # one copy, not two
        beyond, self.beyond = self.beyond, False
        maybe_beyond = np.concatenate(self.maybe_beyond) if self.maybe_beyond else np.zeros(0, np.int64)
        self.maybe_beyond = []
        deferred, fresh = self.deferred, 0
        if self.fresh is not None:  # the level's candidates are all in new_fps now
            fresh, self.fresh = self.fresh.nbytes, self._table(len(self.fresh))
        # The coordinator compares the fingerprints of several partitions, or asks their
        # owners about a deferred one's; one partition's alone are distinct and stored.
        told = self.parts > 1 or deferred
        none = np.zeros(0, np.int64)
        return LevelReport(
            keys,
            self.links.fps_from(self.next_first) if told else none,
            self.links.via_from(self.next_first) if told else none.astype(np.int16),
            event,
            beyond,
            self.generated,
            self.coverage.copy(),
            len(self.links),
            self.seen.nbytes + fresh + self.links.nbytes + self.frontier.nbytes + self.next.nbytes,
            deferred,
            maybe_beyond,
            self.measures if self.cm.measures else None,
            self.boundary[5],
            self.boundary[6],
        )

    def stored_before(self, fps: np.ndarray) -> np.ndarray:
        """Which of fps (owned here) were stored before this level: in the
        table or, once it has spilled, on disk."""
        # Unsharded, a partition is asked about its own new states, which its table did not know.
        known = self.seen.contains(fps) if self.sharded else np.zeros(len(fps), dtype=bool)
        if self.spill is not None:
            known |= self.spill.contains(fps)
        return known

    # ------------------------------------------------------------ settle

    def settle_out(self, plan: Settle) -> dict[int, Piece]:
        """Drop the duplicates, learn the others' fingerprints, and cut the
        new level into what stays here and the pieces other partitions expand."""
        dropped = np.zeros(0, np.int64)
        if plan.keep is not None:
            dropped = self.links.fps_from(self.next_first)[~plan.keep]
            lost = self.links.keep_from(self.next_first, plan.keep)
            self.coverage[:, 2] -= np.bincount(lost[lost >= 0], minlength=len(self.coverage))
            self.next.keep(plan.keep)
        others = plan.others
        if self.fresh is None and len(dropped):
            # Of the others' new states, only the duplicates dropped here are in `seen`
            # already (the rest is new to every table; deferred: nothing of the level is):
            # looked up in a table of those, which stays in the CPU cache, not in `seen`.
            mine = FingerprintSet(len(dropped), code=self.table_code)
            mine.add_new(dropped)
            others = others[~mine.contains(others)]
        if self.spill is None:
            self.seen.add_new(others)
        else:
            own = self.links.fps_from(self.next_first) if self.fresh is None else None  # else among the others
            self.seen = self.spill.settled(self.seen, others, self.links, own)
        if self.fresh is None and self.spill is not None and self.spill.active:  # (else emptied by `_report`)
            self.fresh = self._table()
        me, new, first = self.part, self.next, int(plan.held[self.part])
        # The new ids, computed in place: a level's array is fresh memory, whose pages each temporary faults in again.
        ids = np.arange(self.next_first, self.next_first + len(new), dtype=np.int64)
        if self.parts > 1:
            ids *= self.parts
            ids += me
        self.next, self.next_keys, self.next_first = Frontier(width=self.width), [], len(self.links)
        pieces = {}
        for dest in range(self.parts):
            lo, hi = plan.giving(me, dest)
            if lo < hi:
                pieces[dest] = (new.slice(lo - first, hi - first), ids[lo - first : hi - first])
        return pieces

    def settle_in(self, plan: Settle, pieces: dict[int, Piece]) -> None:
        """Take the pieces of the next level in rank order (runs are in partition order)."""
        ordered = [pieces[src] for src in sorted(pieces)]
        self.frontier = Frontier.join([f for f, _ in ordered], self.width)
        self.frontier_ids = np.concatenate([ids for _, ids in ordered] or [np.zeros(0, np.int64)])
        lo, hi = int(plan.runs[self.part]), int(plan.runs[self.part + 1])
        assert len(self.frontier) == hi - lo, "a partition's run of the next level is incomplete"
        self.rank0 = lo
        if self.spill is not None and self.spill.active:
            self.next.sink = self.spill.frontier_file()
        self.boundary = (self.boundary[0] + 1, len(self.links), self.frontier, self.frontier_ids, self.rank0, self.generated, self.coverage.copy())

    def expecting(self, plan: Settle) -> list[int]:
        """The partitions that pass states to this one (itself included, if it keeps some)."""
        spans = [plan.giving(src, self.part) for src in range(self.parts)]
        return [src for src, (lo, hi) in enumerate(spans) if lo < hi]

    def snapshot(self) -> PartitionSnapshot:
        """This partition at its last level boundary, even if a level has begun since."""
        boundary, stored, frontier, ids, rank0, generated, coverage = self.boundary
        ranks = np.arange(rank0, rank0 + len(frontier), dtype=np.int64)
        states = frontier.states()
        if self.width:  # a checkpoint holds the Python backend's values, whichever backend wrote it
            states = list(map(self.cm.unpack, states))
        return PartitionSnapshot(boundary, *self.links.snapshot(stored), states, ids, ranks, generated, coverage)

    def restore(self, snap: PartitionSnapshot, every_fp: np.ndarray) -> None:
        """Continue from a snapshot (of a partition with the same part and parts);
        `every_fp`: the fingerprints stored by all partitions."""
        assert self.kept is None, "states kept for temporal properties are not checkpointed"
        self.links = Links.restore(snap.fps, snap.parents, snap.via)
        if self.sharded:
            every_fp = every_fp[owners(every_fp, self.parts) == self.part]
        self.seen = FingerprintSet(len(every_fp), self.load, self.table_code)
        self.seen.add_new(every_fp)
        self.frontier = Frontier.of(list(map(self.cm.pack, snap.frontier)) if self.width else snap.frontier, self.width)
        self.frontier_ids = snap.frontier_ids
        self.next, self.next_keys, self.next_first, self.beyond = Frontier(width=self.width), [], len(snap.fps), False
        self.rank0 = int(snap.ranks[0]) if len(snap.ranks) else 0  # consecutive (checkpoint.py checks)
        self.generated = snap.generated
        self.coverage = snap.coverage.copy()
        self.boundary = (snap.boundary, len(snap.fps), self.frontier, self.frontier_ids, self.rank0, snap.generated, snap.coverage)

    def link(self, sid: int) -> tuple[int, int, int]:
        return self.links.get(sid // self.parts)

    def close(self) -> None:
        """Stop the threads and remove the spill files, if any."""
        if self.threads is not None:
            self.threads.close()
        if self.spill is not None:
            self.spill.close()

    def state_store(self) -> StateStore:
        assert self.kept is not None and self.parts == 1, "states are kept by a single partition only"
        return StateStore(self.kept, self.links)


def cut(total: int, parts: int) -> list[int]:
    """Where each of `parts` runs of a level of `total` states begins, and
    the level's end: nearly equal runs of whole chunks (BLOCK states, counted
    from the level's first state), so that a run's chunks are those of one
    partition and a run stopped at a violation has expanded what one
    partition would have (search.py)."""
    chunks = -(-total // BLOCK)
    return [min(total, chunks * j // parts * BLOCK) for j in range(parts + 1)]


def owners(fps: np.ndarray, parts: int) -> np.ndarray:
    """The partition that owns each fingerprint when tables are sharded: its
    top 32 bits scaled to [0, parts)."""
    return (((fps.view(np.uint64) >> np.uint64(32)) * np.uint64(parts)) >> np.uint64(32)).astype(np.int64)


def route(fps: list[np.ndarray], sharded: bool) -> tuple[list[np.ndarray], Callable[[list[np.ndarray]], list[np.ndarray]]]:
    """Who is asked about which fingerprint: per partition, the fingerprints it
    answers for (its own, or with `sharded` those it owns, whoever found them);
    and a function that turns the answers (one array per partition, in the
    order asked) back into one array per finder, in its order."""
    n = len(fps)
    if n == 1:
        return fps, lambda answers: answers
    every = np.concatenate(fps) if fps else np.zeros(0, np.int64)
    finder = np.repeat(np.arange(n), [len(f) for f in fps])
    owner = owners(every, n) if sharded else finder
    order = np.argsort(owner, kind="stable")
    bounds = np.cumsum([0] + np.bincount(owner, minlength=n).tolist())
    asks = [every[order[a:b]] for a, b in zip(bounds, bounds[1:])]

    def back(answers: list[np.ndarray]) -> list[np.ndarray]:
        out = np.empty(len(every), dtype=answers[0].dtype if answers else bool)
        out[order] = np.concatenate(answers) if answers else out
        ends = np.cumsum([0] + [len(f) for f in fps])
        return [out[a:b] for a, b in zip(ends, ends[1:])]

    return asks, back


def _verdicts(
    fn: Callable[[tuple], object] | None,
    states: list[tuple],
    fails: bool = False,
    many: Callable[[list], tuple[np.ndarray, int]] | None = None,
) -> tuple[np.ndarray, int]:
    """Per state, a constraint's truth (fails=False: None holds everywhere) or
    whether an invariant check fails (fails=True: None fails nowhere), and the
    index of the first state where fn raised EvalFailure (len(states) if none).
    `many`: the same values for a whole batch at once (the native model).
    """
    n = len(states)
    if fn is None:
        return np.full(n, not fails, dtype=bool), n
    if many is not None:
        values, done = many(states)
        return (values >= 0 if fails else values != 0), done
    try:
        values = np.fromiter(map(fn, states), dtype=np.int64, count=n)
    except EvalFailure:
        values_list = []
        for s in states:
            try:
                values_list.append(fn(s))
            except EvalFailure:
                break
        values = np.asarray(values_list, dtype=np.int64)
    verdict = values >= 0 if fails else values != 0
    return verdict, len(values)
