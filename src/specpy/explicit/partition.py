"""One partition of the state space: the states whose fingerprint it owns.

The search (search.py) is level by level. In each level every partition

1. `expand`s its frontier (the states of the level it owns) in rank order,
   producing successors in batches addressed to their owners;
2. `absorb`s the batches addressed to it from every partition: it keeps each
   fingerprint once, with its smallest key, drops those seen before, checks
   the rest (constraint, invariants) and stores them;
3. receives from the coordinator the global `rank` of each state it stored, so
   that the next level is expanded in one global order.

A single partition (one worker) owns every successor, so what it routes to
itself is final: it stores each chunk's new states right after expanding
the chunk (step 2 without the merge), and the search stops within the level
at the chunk where it meets a violation.

A partition shares nothing with the others: batches go in and out as plain
data, so it can live in this process (one worker), in a worker process
(workers.py) or, later, in an actor on another machine.

Determinism: a successor's key is (rank of its parent, position among the
parent's successors), packed into one int64. The global order of keys is the
order in which a one-process breadth-first search discovers states, so a
state's parent is the one such a search would record, and of the events that
stop a search (a violation, an evaluation error, a deadlock, a limit) the
one with the smallest (key, rank) is reported. The result is thus the same
for any number of partitions, and the same from run to run.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.store import FingerprintSet, Frontier, Links, StateStore, fingerprints

#: A key is rank * STRIDE + position of the successor among its parent's.
STRIDE = 1 << 24

# Event ranks: at one key, a failing constraint comes before a failing
# invariant (or the state-count limit), which comes before a failing
# transition invariant, as in a one-state-at-a-time search.
RANK_CONSTRAINT, RANK_INVARIANT, RANK_LIMIT, RANK_TRANSITION = 0, 1, 2, 3


@dataclass(frozen=True, order=True)
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


@dataclass
class Batch:
    """Successors for one owner, in key order, each fingerprint once."""

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
        keys = self.part.ranks[rows] * STRIDE + offset
        return Batch([states[i] for i in idx.tolist()], self.fps[idx], keys, self.part.frontier_ids[rows], via)


@dataclass
class PackedBatch:
    """A batch with its states pickled: what waits in an outbox for the end
    of the level and travels to the owner. The successor tuples die at once,
    so the expansion keeps running on few live objects (see store.Frontier),
    and a worker sends bytes."""

    blobs: list[bytes]
    fps: np.ndarray
    keys: np.ndarray
    parents: np.ndarray
    via: np.ndarray

    @staticmethod
    def of(b: Batch) -> PackedBatch:
        return PackedBatch([pickle.dumps(b.states, pickle.HIGHEST_PROTOCOL)], b.fps, b.keys, b.parents, b.via)

    @staticmethod
    def join(packed: list[PackedBatch]) -> PackedBatch:
        empty = np.zeros(0, np.int64)
        return PackedBatch(
            [blob for p in packed for blob in p.blobs],
            *(np.concatenate([getattr(p, a) for p in packed]) if packed else empty for a in ("fps", "keys", "parents", "via")),
        )

    def unpacked(self) -> Batch:
        states: list[tuple] = []
        for blob in self.blobs:
            states += pickle.loads(blob)  # written by `of` in the search, never read from outside
        return Batch(states, self.fps, self.keys, self.parents, self.via)


@dataclass
class LevelReport:
    """What a partition tells the coordinator after absorbing a level."""

    new_keys: np.ndarray  # keys of the states it stored, ascending
    event: Event | None
    beyond: bool  # probing past max_depth: an unseen state in the model exists
    generated: int
    coverage: np.ndarray  # (actions, 3): enabled, generated, new - totals so far
    stored: int
    nbytes: int  # memory of its fingerprint table and links


@dataclass
class PartitionSnapshot:
    """A partition at a level boundary, all a checkpoint needs (checkpoint.py).

    `boundary` counts the boundaries passed (1 after the initial states), so
    that the coordinator can tell that every partition is at its own. The
    fingerprint table is rebuilt from `fps` on restore, and the fingerprints
    sent to other partitions (a cache) start empty again.
    """

    boundary: int
    fps: np.ndarray
    parents: np.ndarray
    via: np.ndarray
    frontier: list[tuple]
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
    ) -> None:
        self.cm = cm
        self.part, self.parts = part, parts
        self.check_deadlock = check_deadlock
        self.canonical = canonical
        # The fingerprints it has stored, and those it has sent to their
        # owners (a cache: known there for good, stored or outside the
        # constraints). Ownership tells the two apart.
        self.seen = FingerprintSet()
        self.links = Links()
        self.frontier = Frontier()  # the level being expanded
        self.frontier_ids = np.zeros(0, np.int64)
        self.frontier_keys = np.zeros(0, np.int64)  # until ranked
        self.ranks = np.zeros(0, np.int64)
        self.generated = 0
        self.coverage = np.zeros((len(cm.actions), 3), np.int64)
        # The next level, as it is stored (see `_store`).
        self.next = Frontier()
        self.next_keys: list[np.ndarray] = []
        self.next_first = 0  # local index of its first state
        self.beyond = False
        # Every stored state itself, for temporal properties (StateStore).
        self.kept: list[tuple] | None = [] if keep_states else None
        # The last level boundary (rank), for snapshots taken in the middle of a level.
        self.boundary = (0, 0, self.frontier, self.ranks, 0, self.coverage.copy())

    def owner(self, fps: np.ndarray) -> np.ndarray:
        return (fps.view(np.uint64) % np.uint64(self.parts)).astype(np.int64)

    # ------------------------------------------------------------ expand

    def expand(self, grow: bool, tick: Callable[[int], None] | None = None) -> tuple[list[PackedBatch], Event | None]:
        """Successors of the frontier, one batch per owner, and the first event met.

        A single partition owns every successor: what it routes to itself is
        final, so it is stored at once, chunk by chunk, while still in the
        CPU cache, and no batch is returned.
        """
        outboxes: list[list[PackedBatch]] = [[] for _ in range(self.parts)]
        # Per owner, the fingerprints queued for it in this level: each goes
        # out once, with its first (smallest) key.
        queued: list[set[int]] = [set() for _ in range(self.parts)]
        event = None
        lo = 0
        for chunk in self.frontier.chunks():
            if tick is not None:
                tick(lo)
            succ, event = self._expand_chunk(lo, chunk, grow)
            batches = self._route(succ, queued)
            if self.parts == 1:
                event = self._store(batches[0], np.arange(len(batches[0].keys)), grow, event)
                # What it stored is in `seen` now; the queue only has to catch
                # repeats within a chunk (a state outside the constraints met
                # again later is checked again, with the same verdict).
                queued[0].clear()
            else:
                for outbox, b in zip(outboxes, batches):
                    outbox.append(PackedBatch.of(b))
            if event is not None:
                break
            lo += len(chunk)
        for dest, fps in enumerate(queued):
            if dest != self.part:
                self.seen.add_new(np.fromiter(fps, np.int64, len(fps)))
        return [PackedBatch.join(packed) for packed in outboxes], event

    def _expand_chunk(self, lo: int, chunk: list[tuple], grow: bool) -> tuple[Successors, Event | None]:
        """The successors of frontier states lo, lo + 1, ... (`chunk`)."""
        cm = self.cm
        nact = len(cm.actions)
        out: list[tuple] = []
        ends = array("q")  # len(out) after each (state, action): the hot loop's only bookkeeping
        event = None
        expanded = len(chunk)
        try:
            cm.expand(chunk, out, ends)
        except (EvalFailure, AssertFailure):
            pos, k = divmod(len(ends), nact)
            mark = ends[-1] if ends else 0
            base = ends[pos * nact - 1] if pos else 0
            del out[mark:]  # what the failing action produced before it failed
            ends.extend([mark] * (nact - k))
            expanded = pos + 1
            event = Event(self._key(lo + pos, mark - base), RANK_CONSTRAINT, "action", self._id(lo + pos), k)
        succ = Successors(self, lo, out, np.frombuffer(ends, dtype=np.int64).reshape(expanded, nact))
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
        succ.fps = fingerprints(succ.states)
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
                fp = int(fingerprints([t if self.canonical is None else self.canonical(t)])[0])
                pos = succ.lo + p
                return Event(self._key(pos, int(offset[i])), RANK_TRANSITION, "transition", self._id(pos), int(via[i]), fp)
        return None

    def _route(self, succ: Successors, queued: list[set[int]]) -> list[Batch]:
        """Per owner, each fingerprint once per level (its first, smallest key);
        known ones dropped: stored here, or sent to their owner in an earlier level.

        Most successors are known, so one vectorised lookup drops them and a
        plain set per owner catches the repeats among the few left.
        """
        fps = succ.fps
        idx = np.flatnonzero(~self.seen.contains(fps))
        unknown = fps[idx].tolist()
        owners = self.owner(fps[idx]).tolist() if self.parts > 1 else [0] * len(idx)
        keep: list[list[int]] = [[] for _ in range(self.parts)]
        for i, fp, dest in zip(idx.tolist(), unknown, owners):
            q = queued[dest]
            if fp not in q:
                q.add(fp)
                keep[dest].append(i)
        return [succ.batch(np.asarray(k, dtype=np.int64)) for k in keep]

    def _key(self, pos: int, offset: int) -> int:
        return int(self.ranks[pos]) * STRIDE + offset

    def _id(self, pos: int) -> int:
        return int(self.frontier_ids[pos])

    # ------------------------------------------------------------ absorb

    def seed(self, batch: Batch) -> LevelReport:
        """Store the initial states addressed here (repeats and all)."""
        return self.absorb([PackedBatch.of(batch)], True, routed=False)

    def absorb(self, batches: list[PackedBatch], grow: bool, event: Event | None = None, routed: bool = True) -> LevelReport:
        """Store the unseen successors addressed here, one batch from each
        partition's `expand` (`routed`), and end the level; `event` is this
        partition's from expand. A single partition stored its own while
        expanding."""
        if not (routed and self.parts == 1):
            b = PackedBatch.join(batches).unpacked()
            order = np.argsort(b.keys, kind="stable")
            _, first = np.unique(b.fps[order], return_index=True)
            cand = order[np.sort(first)]
            event = self._store(b, cand[~self.seen.contains(b.fps[cand])], grow, event)
        return self._end_level(event)

    def _store(self, b: Batch, cand: np.ndarray, grow: bool, event: Event | None) -> Event | None:
        """Check candidates `cand` of b (unseen, each once, in key order) and
        store those in the model as part of the next level; the first event."""
        if event is not None:
            cand = cand[b.keys[cand] <= event.key]
        states = [b.states[i] for i in cand.tolist()]
        n = len(states)
        # Checked in key order: a constraint that cannot be evaluated stops at
        # its state; otherwise the first state failing an invariant does.
        in_model, stop = _verdicts(self.cm.constraint, states)
        if not grow:  # probing past max_depth: nothing is stored or checked there
            if stop < n:
                event = min(filter(None, (event, self._event(b, cand[stop], RANK_CONSTRAINT, "constraint"))))
            self.beyond = self.beyond or bool(in_model[:stop].any())
            return event
        bad, bad_stop = _verdicts(self.cm.invariants, states[:stop], fails=True)
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
        self.seen.add_new(b.fps[idx])
        via = b.via[idx]
        self.coverage[:, 2] += np.bincount(via[via >= 0], minlength=len(self.coverage))
        stored = states if len(idx) == n else [states[i] for i in np.flatnonzero(keep).tolist()]
        self.next.extend(stored)
        self.next_keys.append(b.keys[idx])
        if self.kept is not None:
            self.kept += stored
        return event

    def _event(self, b: Batch, i: int, rank: int, what: str) -> Event:
        """An event at unstored candidate i of batch b."""
        parent = int(b.parents[i])
        sid, k = (None, None) if parent < 0 else (parent, int(b.via[i]))
        return Event(int(b.keys[i]), rank, what, sid, k, int(b.fps[i]))

    def _end_level(self, event: Event | None) -> LevelReport:
        """The stored states become the frontier; the report to the coordinator."""
        keys = np.concatenate(self.next_keys) if self.next_keys else np.zeros(0, np.int64)
        self.frontier, self.next, self.next_keys = self.next, Frontier(), []
        self.frontier_ids = (self.next_first + np.arange(len(keys), dtype=np.int64)) * self.parts + self.part
        self.frontier_keys = keys
        self.next_first = len(self.links)
        self.ranks = np.zeros(0, np.int64)
        beyond, self.beyond = self.beyond, False
        return LevelReport(
            keys,
            event,
            beyond,
            self.generated,
            self.coverage.copy(),
            len(self.links),
            self.seen.nbytes + self.links.nbytes + self.frontier.nbytes,
        )

    def rank(self, ranks: np.ndarray) -> None:
        """The global ranks of the states stored by the last absorb (the next frontier)."""
        self.ranks = ranks
        self.boundary = (self.boundary[0] + 1, len(self.links), self.frontier, ranks, self.generated, self.coverage.copy())

    def snapshot(self) -> PartitionSnapshot:
        """This partition at its last level boundary, even if a level has begun since."""
        boundary, stored, frontier, ranks, generated, coverage = self.boundary
        return PartitionSnapshot(boundary, *self.links.snapshot(stored), frontier.states(), ranks, generated, coverage)

    def restore(self, snap: PartitionSnapshot) -> None:
        """Continue from a snapshot (of a partition with the same part and parts)."""
        assert self.kept is None, "states kept for temporal properties are not checkpointed"
        self.links = Links.restore(snap.fps, snap.parents, snap.via)
        self.seen = FingerprintSet(len(snap.fps))
        self.seen.add_new(snap.fps)
        self.frontier = Frontier.of(snap.frontier)
        first = len(snap.fps) - len(snap.frontier)
        self.frontier_ids = (first + np.arange(len(snap.frontier), dtype=np.int64)) * self.parts + self.part
        self.next, self.next_keys, self.next_first, self.beyond = Frontier(), [], len(snap.fps), False
        self.ranks = snap.ranks
        self.generated = snap.generated
        self.coverage = snap.coverage.copy()
        self.boundary = (snap.boundary, len(snap.fps), self.frontier, snap.ranks, snap.generated, snap.coverage)

    def link(self, sid: int) -> tuple[int, int, int]:
        return self.links.get(sid // self.parts)

    def state_store(self) -> StateStore:
        assert self.kept is not None and self.parts == 1, "states are kept by a single partition only"
        return StateStore(self.kept, self.links)


def _verdicts(fn: Callable[[tuple], object] | None, states: list[tuple], fails: bool = False) -> tuple[np.ndarray, int]:
    """Per state, a constraint's truth (fails=False: None holds everywhere) or
    whether an invariant check fails (fails=True: None fails nowhere), and the
    index of the first state where fn raised EvalFailure (len(states) if none).
    """
    n = len(states)
    if fn is None:
        return np.full(n, not fails, dtype=bool), n
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
