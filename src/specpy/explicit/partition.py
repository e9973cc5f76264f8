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
from specpy.explicit.store import FingerprintSet, Links, fingerprints

#: A key is rank * STRIDE + position of the successor among its parent's.
STRIDE = 1 << 24
#: States expanded between two looks at the clock and two hand-overs to numpy.
CHUNK = 4096

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
        return Batch(
            [s for b in batches for s in b.states],
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


class Partition:
    def __init__(
        self,
        cm: CompiledModel,
        part: int,
        parts: int,
        check_deadlock: bool,
        canonical: Callable[[tuple], tuple] | None = None,
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

    def owner(self, fps: np.ndarray) -> np.ndarray:
        return (fps.view(np.uint64) % np.uint64(self.parts)).astype(np.int64)

    # ------------------------------------------------------------ expand

    def expand(self, grow: bool, tick: Callable[[int], None] | None = None) -> tuple[list[Batch], Event | None]:
        """Successors of the frontier, one batch per owner, and the first event met."""
        outboxes: list[list[Batch]] = [[] for _ in range(self.parts)]
        queued = [FingerprintSet() for _ in range(self.parts)]  # fingerprints already sent this level
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
        terminal = cm.terminal
        deadlock = self.check_deadlock
        chunk = self.frontier[lo:hi]
        out: list[tuple] = []
        ends: list[int] = []  # len(out) after each (state, action)
        event = None
        expanded = 0
        for pos, s in enumerate(chunk):
            expanded = pos + 1
            base = len(out)
            for k, run in enumerate(runs):
                mark = len(out)
                try:
                    run(s, out)
                except (EvalFailure, AssertFailure):
                    del out[mark:]
                    ends.extend([mark] * (nact - k))
                    event = Event(self._key(lo + pos, mark - base), RANK_CONSTRAINT, "action", self._id(lo + pos), k)
                    break
                ends.append(len(out))
            if event is not None:
                break
            if len(out) == base and deadlock:
                try:
                    final = terminal is not None and terminal(s)
                except EvalFailure:
                    event = Event(self._key(lo + pos, 0), RANK_CONSTRAINT, "terminal", self._id(lo + pos))
                    break
                if not final:
                    event = Event(self._key(lo + pos, 0), RANK_CONSTRAINT, "deadlock", self._id(lo + pos))
                    break
        counts = np.diff(np.asarray([0] + ends, dtype=np.int64)).reshape(expanded, nact)
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
        """Each fingerprint once per level and owner (its first, smallest key); known ones dropped."""
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
        cm = self.cm
        constraint, invariants = cm.constraint, cm.invariants
        first_local = len(self.links)
        stored: list[int] = []
        beyond = False
        for i in cand.tolist():
            t = b.states[i]
            key = int(b.keys[i])
            parent = int(b.parents[i])
            sid, k = (None, None) if parent < 0 else (parent, int(b.via[i]))
            fp = int(b.fps[i])
            if constraint is not None:
                try:
                    in_model = constraint(t)
                except EvalFailure:
                    event = min(filter(None, (event, Event(key, RANK_CONSTRAINT, "constraint", sid, k, fp))))
                    break
                if not grow:
                    beyond = beyond or bool(in_model)
                    continue
                if not in_model:
                    if invariants is not None and _fails(invariants, t):
                        event = min(filter(None, (event, Event(key, RANK_INVARIANT, "invariant", sid, k, fp))))
                        break
                    continue
            if not grow:
                beyond = True
                break
            stored.append(i)
            if invariants is not None and _fails(invariants, t):
                new_id = (first_local + len(stored) - 1) * self.parts + self.part
                event = min(filter(None, (event, Event(key, RANK_INVARIANT, "invariant", new_id))))
                break
        idx = np.asarray(stored, dtype=np.int64)
        self.links.extend(b.fps[idx], b.parents[idx], b.via[idx])
        self.seen.add_new(b.fps[idx])
        if len(idx):
            np.add.at(self.coverage[:, 2], b.via[idx][b.via[idx] >= 0], 1)
        self.frontier = [b.states[i] for i in stored]
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

    def link(self, sid: int) -> tuple[int, int, int]:
        return self.links.get(sid // self.parts)


def _fails(invariants: Callable[[tuple], int], t: tuple) -> bool:
    try:
        return invariants(t) >= 0
    except EvalFailure:
        return True
