"""Deciding linearizability: Wing & Gong's search with Lowe's just-in-time
linearization and cache, on each P-compositional partition (Horn & Kroening).

The history becomes a doubly linked list of call and return entries in real-time
order. The search walks it from the head: at a call it tries to linearize that
operation now (the model's step from the current state must succeed, and the
pair (set of linearized operations, state) must be new: a configuration met
before, in any order, has already been explored); on success it unlinks the
operation's call and return and starts again from the head. Reaching a return
means that operation was not linearized before it returned, so the last
choice is undone (popped from the stack) and the walk resumes after it. The
history is linearizable when the list empties, and not when a return is met
with nothing left to undo.

The furthest return any configuration reached is recorded as it goes: the
history up to that return is linearizable (of the linearizations reaching it,
the one placing fewest operations is kept: those that must have happened),
and the operation returning there cannot be placed; the states the search
held there say why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator

from specpy.linearizability.history import Operation
from specpy.linearizability.models import REJECT, Model

#: Configurations reached at the furthest point that the report shows.
MAX_STATES_SHOWN = 4
#: Steps a search takes before it yields (to the other partitions, and to check the deadline).
SLICE = 2048


#: Cached configurations (linearized set, state) a run may hold before it stops undecided: the
#: cache is what grows on a hard history (~100-200 bytes each), so this bounds the memory.
MAX_CONFIGURATIONS = 5_000_000


class SearchTimeout(Exception):
    """The deadline passed before the search decided (the verdict is unknown)."""


class SearchLimit(Exception):
    """The partitions' caches together reached the configuration limit (the verdict is unknown)."""


@dataclass
class Item:
    """An operation as the search sees it: its model payload and its interval."""

    op: Operation
    payload: tuple


@dataclass
class Violation:
    """Why a partition is not linearizable."""

    key: Hashable | None  # the partition's key (kv), None when not partitioned
    prefix: list[Item]  # the longest linearization found, in order
    blocked: Item  # the operation that returned before it could be placed
    states: list[Any]  # states the search held when it met that return
    open_items: list[Item]  # called before that return and not linearized in the prefix
    events_before: int | None  # history events before the blocked operation's return (None: its
    # outcome is unknown, so the prefix is every operation that completed)


@dataclass
class PartitionResult:
    key: Hashable | None
    items: int
    linearization: list[Item] | None = None  # when linearizable
    violation: Violation | None = None
    configurations: int = 0  # distinct (linearized set, state) pairs cached


@dataclass
class Decision:
    linearizable: bool
    partitions: list[PartitionResult] = field(default_factory=list)  # decided (with a violation: that one)
    keys: int = 1  # partitions of the history

    @property
    def violation(self) -> Violation | None:
        return next((p.violation for p in self.partitions if p.violation is not None), None)


def partition(model: Model, items: list[Item]) -> list[tuple[Hashable | None, list[Item]]]:
    """Split by the model's key (first appearance order); one part when the model has none."""
    if not model.partitioned:
        return [(None, items)]
    parts: dict[Hashable, list[Item]] = {}
    for item in items:
        parts.setdefault(model.partition_key(item.payload), []).append(item)
    return list(parts.items())


def decide(
    model: Model, items: list[Item], deadline: float | None = None, max_configurations: int = MAX_CONFIGURATIONS
) -> Decision:
    """Decide every partition, their searches interleaved in equal slices (as Porcupine runs
    them in parallel): one violation decides the history, and an easy one in one key must
    not wait behind a long search in another. Deterministic: slices count steps, not time."""
    parts = partition(model, items)
    room = [max_configurations]  # shared by the partitions' searches
    searches = {k: search(model, key, part, room) for k, (key, part) in enumerate(parts)}
    results: dict[int, PartitionResult] = {}
    while searches:
        for k in list(searches):
            try:
                next(searches[k])
            except StopIteration as done:
                del searches[k]
                results[k] = done.value
                if done.value.violation is not None:
                    return Decision(False, [results[k]], len(parts))
        if deadline is not None and time.monotonic() > deadline:
            raise SearchTimeout
    return Decision(True, [results[k] for k in sorted(results)], len(parts))


def search(model: Model, key: Hashable | None, items: list[Item], room: list[int]) -> Iterator[None]:
    """The search as a generator: it yields every SLICE steps and returns its PartitionResult.
    `room[0]` is how many more configurations the run may cache (SearchLimit when none)."""
    INF = float("inf")
    entries = sorted(
        [(it.op.call, 0, k) for k, it in enumerate(items)]
        + [(INF if it.op.ret is None else it.op.ret, 1, k) for k, it in enumerate(items)]
    )
    # Nodes 1..E in real-time order between a head (0) and a tail (E + 1) sentinel. Per node:
    # the operation's index, and for a call its transition, bit and return node (fn is None
    # for a return).
    size = len(entries) + 2
    tail = size - 1
    nxt = list(range(1, size + 1))
    prv = list(range(-1, size - 1))
    item_of = [0] * size
    fn: list[Callable[[Any], Any] | None] = [None] * size
    bit = [0] * size
    match = [0] * size
    ret_node = [0] * len(items)
    for node, (_, kind, k) in enumerate(entries, start=1):
        item_of[node] = k
        if kind == 1:
            ret_node[k] = node
        else:
            fn[node], bit[node] = model.transition(items[k].payload), 1 << k
    for node in range(1, tail):
        if fn[node] is not None:
            match[node] = ret_node[item_of[node]]

    state = model.init()
    linearized = 0
    cache = {(0, state)}
    stack: list[tuple[int, Any, int]] = []  # (call node, state before it, linearized before it)
    best = 0
    best_prefix: list[int] = []
    best_states: list[Any] = []
    blocked = -1
    budget = SLICE
    node = nxt[0]
    while node != tail:
        budget -= 1
        if not budget:
            budget = SLICE
            yield
        f = fn[node]
        if f is not None:
            new = f(state)
            if new is not REJECT:
                key_new = (linearized | bit[node], new)
                if key_new not in cache:
                    if room[0] <= 0:
                        raise SearchLimit
                    room[0] -= 1
                    cache.add(key_new)
                    stack.append((node, state, linearized))
                    state, linearized = new, key_new[0]
                    # lift: unlink the call and its return
                    p, n = prv[node], nxt[node]
                    nxt[p], prv[n] = n, p
                    r = match[node]
                    p, n = prv[r], nxt[r]
                    nxt[p], prv[n] = n, p
                    node = nxt[0]
                    continue
            node = nxt[node]
            continue
        # A return: its operation was not linearized in time on this path.
        if node > best:
            best, best_prefix, best_states, blocked = node, [item_of[c] for c, _, _ in stack], [state], item_of[node]
        elif node == best:
            if len(stack) < len(best_prefix):  # fewer operations placed: a plainer prefix to show
                best_prefix = [item_of[c] for c, _, _ in stack]
                best_states = [state] + [s for s in best_states if s != state][: MAX_STATES_SHOWN - 1]
            elif len(best_states) < MAX_STATES_SHOWN and state not in best_states:
                best_states.append(state)
        if not stack:
            violation = _violation(items, entries, key, best, best_prefix, best_states, blocked)
            return PartitionResult(key, len(items), violation=violation, configurations=len(cache))
        node, state, linearized = stack.pop()
        # unlift: relink the return, then the call (their neighbours are as they were)
        r = match[node]
        nxt[prv[r]] = prv[nxt[r]] = r
        nxt[prv[node]] = prv[nxt[node]] = node
        node = nxt[node]
    order = [items[item_of[c]] for c, _, _ in stack]
    return PartitionResult(key, len(items), linearization=order, configurations=len(cache))


def _violation(
    items: list[Item], entries: list, key: Hashable | None, best: int, prefix: list[int], states: list[Any], blocked: int
) -> Violation:
    placed = set(prefix)
    cut = entries[best - 1][0]  # the blocked operation's return, as a history position
    open_items = [it for k, it in enumerate(items) if k not in placed and k != blocked and it.op.call < cut]
    return Violation(key, [items[k] for k in prefix], items[blocked], states, open_items, cut if cut != float("inf") else None)
