"""One partition of the state space: the states whose fingerprint it owns.

The search (search.py) is level by level. In each level every partition

1. `expand`s its frontier (the states of the level it owns) in rank order,
   producing successors in batches addressed to their owners;
2. `absorb`s the batches addressed to it from every partition: it keeps each
   fingerprint once, with its smallest key, drops those seen before, checks
   the rest (constraint, invariants) and stores them;
3. receives from the coordinator the global `rank` of each state it stored, so
   that the next level is expanded in one global order.

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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.store import FingerprintSet, Links, StateStore, fingerprints

#: A key is rank * STRIDE + position of the successor among its parent's.
STRIDE = 1 << 24
#: States expanded between two looks at the clock and two hand-overs to numpy.
CHUNK = 512

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

    @staticmethod
    def join(batches: list[Batch]) -> Batch:
        if len(batches) == 1:
            return batches[0]
        states: list[tuple] = []
        for b in batches:
            states += b.states
        return Batch(
            states,
            np.concatenate([b.fps for b in batches]) if batches else np.zeros(0, np.int64),
            np.concatenate([b.keys for b in batches]) if batches else np.zeros(0, np.int64),
            np.concatenate([b.parents for b in batches]) if batches else np.zeros(0, np.int64),
            np.concatenate([b.via for b in batches]) if batches else np.zeros(0, np.int64),
        )

    def take(self, idx: np.ndarray) -> Batch:
        states = self.states
        return Batch([states[i] for i in idx.tolist()], self.fps[idx], self.keys[idx], self.parents[idx], self.via[idx])


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
        self.seen = FingerprintSet()
        self.links = Links()
        self.frontier: list[tuple] = []
        self.frontier_ids = np.zeros(0, np.int64)
        self.frontier_keys = np.zeros(0, np.int64)  # until ranked
        self.ranks = np.zeros(0, np.int64)
        self.generated = 0
        self.coverage = np.zeros((len(cm.actions), 3), np.int64)
        # Every stored state itself, for temporal properties (StateStore).
        self.kept: list[tuple] | None = [] if keep_states else None
        # Fingerprints ever sent to each other partition (none to itself).
        self.sent = [FingerprintSet() for _ in range(parts)]
        # The last level boundary (rank), for snapshots taken in the middle of a level.
        self.boundary = (0, 0, self.frontier, self.ranks, 0, self.coverage.copy())

    def owner(self, fps: np.ndarray) -> np.ndarray:
        return (fps.view(np.uint64) % np.uint64(self.parts)).astype(np.int64)

    # ------------------------------------------------------------ expand

    def expand(self, grow: bool, tick: Callable[[int], None] | None = None) -> tuple[list[Batch], Event | None]:
        """Successors of the frontier, one batch per owner, and the first event met."""
        outboxes: list[list[Batch]] = [[] for _ in range(self.parts)]
        # What was sent to another partition once is known there for good
        # (stored, or outside the constraints); what goes to this partition
        # is checked against `seen` and against this level's earlier chunks.
        queued = [FingerprintSet() if dest == self.part else sent for dest, sent in enumerate(self.sent)]
        event = None
        for lo in range(0, len(self.frontier), CHUNK):
            if tick is not None:
                tick(lo)
            batch, event = self._expand_chunk(lo, min(lo + CHUNK, len(self.frontier)), grow)
            self._route(batch, outboxes, queued)
            if event is not None:
                break
        return [Batch.join(b) for b in outboxes], event

    def _expand_chunk(self, lo: int, hi: int, grow: bool) -> tuple[Batch, Event | None]:
        cm = self.cm
        runs = [a.run for a in cm.actions]
        nact = len(runs)
        chunk = self.frontier[lo:hi]
        out: list[tuple] = []
        ends: list[int] = []  # len(out) after each (state, action): the hot loop's only bookkeeping
        append = ends.append
        event = None
        expanded = len(chunk)
        try:
            for s in chunk:
                for run in runs:
                    run(s, out)
                    append(len(out))
        except (EvalFailure, AssertFailure):
            pos, k = divmod(len(ends), nact)
            mark = ends[-1] if ends else 0
            base = ends[pos * nact - 1] if pos else 0
            del out[mark:]  # what the failing action produced before it failed
            ends.extend([mark] * (nact - k))
            expanded = pos + 1
            event = Event(self._key(lo + pos, mark - base), RANK_CONSTRAINT, "action", self._id(lo + pos), k)
        counts = np.diff(np.asarray([0] + ends, dtype=np.int64)).reshape(expanded, nact)
        if self.check_deadlock:
            stuck = np.flatnonzero(counts.sum(axis=1) == 0) if nact else np.arange(expanded)
            deadlock = self._deadlock(lo, chunk, stuck[stuck < expanded - (event is not None)])
            event = min(filter(None, (event, deadlock)), default=None)
        self.coverage[:, 0] += (counts > 0).sum(axis=0)
        self.coverage[:, 1] += counts.sum(axis=0)
        self.generated += len(out)
        per_state = counts.sum(axis=1)
        at = np.repeat(np.arange(expanded), per_state)  # position of each successor's parent in the chunk
        starts = np.concatenate(([0], np.cumsum(per_state)[:-1]))
        offsets = np.arange(len(out)) - starts[at]
        keys = self.ranks[lo + at] * STRIDE + offsets
        via = np.tile(np.arange(nact), expanded).repeat(counts.ravel())
        parents = self.frontier_ids[lo + at]
        if grow and cm.transitions is not None:
            event = min(filter(None, (event, self._check_transitions(chunk, out, at, keys, via, parents))), default=None)
        states = out if self.canonical is None else list(map(self.canonical, out))
        return Batch(states, fingerprints(states), keys, parents, via), event

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

    def _check_transitions(self, chunk, out, at, keys, via, parents) -> Event | None:
        transitions = self.cm.transitions
        for i, (p, t) in enumerate(zip(at.tolist(), out)):
            try:
                failed = transitions(chunk[p], t) >= 0
            except EvalFailure:
                failed = True
            if failed:
                fp = int(fingerprints([t if self.canonical is None else self.canonical(t)])[0])
                return Event(int(keys[i]), RANK_TRANSITION, "transition", int(parents[i]), int(via[i]), fp)
        return None

    def _route(self, batch: Batch, outboxes: list[list[Batch]], queued: list[FingerprintSet]) -> None:
        """Each fingerprint once per owner (its first, smallest key); known ones dropped."""
        _, first = np.unique(batch.fps, return_index=True)
        first.sort()
        owners = self.owner(batch.fps[first]) if self.parts > 1 else np.zeros(len(first), np.int64)
        for dest in range(self.parts):
            idx = first[owners == dest]
            fps = batch.fps[idx]
            fresh = ~queued[dest].contains(fps)
            if dest == self.part:
                fresh &= ~self.seen.contains(fps)
            idx = idx[fresh]
            queued[dest].add_new(batch.fps[idx])
            outboxes[dest].append(batch.take(idx))

    def _key(self, pos: int, offset: int) -> int:
        return int(self.ranks[pos]) * STRIDE + offset

    def _id(self, pos: int) -> int:
        return int(self.frontier_ids[pos])

    # ------------------------------------------------------------ absorb

    def absorb(self, batches: list[Batch], grow: bool, event: Event | None = None) -> LevelReport:
        """Store the unseen successors addressed here; `event` is this partition's from expand."""
        b = Batch.join(batches)
        order = np.argsort(b.keys, kind="stable")
        _, first = np.unique(b.fps[order], return_index=True)
        cand = order[np.sort(first)]
        cand = cand[~self.seen.contains(b.fps[cand])]
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
            return self._report([], b, event, bool(in_model[:stop].any()))
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
        return self._report(cand[: len(keep)][keep].tolist(), b, event, False)

    def _event(self, b: Batch, i: int, rank: int, what: str) -> Event:
        """An event at unstored candidate i of batch b."""
        parent = int(b.parents[i])
        sid, k = (None, None) if parent < 0 else (parent, int(b.via[i]))
        return Event(int(b.keys[i]), rank, what, sid, k, int(b.fps[i]))

    def _report(self, stored: list[int], b: Batch, event: Event | None, beyond: bool) -> LevelReport:
        """Store the given candidates of b as the next frontier."""
        first_local = len(self.links)
        idx = np.asarray(stored, dtype=np.int64)
        self.links.extend(b.fps[idx], b.parents[idx], b.via[idx])
        self.seen.add_new(b.fps[idx])
        if len(idx):
            np.add.at(self.coverage[:, 2], b.via[idx][b.via[idx] >= 0], 1)
        self.frontier = [b.states[i] for i in stored]
        if self.kept is not None:
            self.kept += self.frontier
        self.frontier_ids = (first_local + np.arange(len(stored), dtype=np.int64)) * self.parts + self.part
        self.frontier_keys = b.keys[idx]
        self.ranks = np.zeros(0, np.int64)
        return LevelReport(
            self.frontier_keys,
            event,
            beyond,
            self.generated,
            self.coverage.copy(),
            len(self.links),
            self.seen.nbytes + self.links.nbytes,
        )

    def rank(self, ranks: np.ndarray) -> None:
        """The global ranks of the states stored by the last absorb (the next frontier)."""
        self.ranks = ranks
        self.boundary = (self.boundary[0] + 1, len(self.links), self.frontier, ranks, self.generated, self.coverage.copy())

    def snapshot(self) -> PartitionSnapshot:
        """This partition at its last level boundary, even if a level has begun since."""
        boundary, stored, frontier, ranks, generated, coverage = self.boundary
        return PartitionSnapshot(boundary, *self.links.snapshot(stored), frontier, ranks, generated, coverage)

    def restore(self, snap: PartitionSnapshot) -> None:
        """Continue from a snapshot (of a partition with the same part and parts)."""
        assert self.kept is None, "states kept for temporal properties are not checkpointed"
        self.links = Links.restore(snap.fps, snap.parents, snap.via)
        self.seen = FingerprintSet(len(snap.fps))
        self.seen.add_new(snap.fps)
        self.frontier = snap.frontier
        first = len(snap.fps) - len(snap.frontier)
        self.frontier_ids = (first + np.arange(len(snap.frontier), dtype=np.int64)) * self.parts + self.part
        self.ranks = snap.ranks
        self.generated = snap.generated
        self.coverage = snap.coverage.copy()
        self.boundary = (snap.boundary, len(snap.fps), snap.frontier, snap.ranks, snap.generated, snap.coverage)

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
