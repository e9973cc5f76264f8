"""The `faults` block as extra steps the search runs like actions.

Each fault kind becomes a `FaultStep` with the same `run(s, out)` interface
as a compiled action, appended after the actions (canonical order: every
`lose` line, then every `duplicate`, then every `crash`, as written). The
steps work on encoded states directly (state.py), so they cost no generated
code; their semantics (docs/language.md, Faults):

    lose net        one step per distinct element of net, removing it
                    (a bag loses one copy)
    duplicate net   one step per distinct element of the bag net whose
                    count is below the bag's bound, adding one copy
    crash T         one step per atom a of T: every non-durable variable
                    of type [T -> V] gets entry [a] back from the initial
                    state, every variable in `resets` its whole initial
                    value; the initial state must fix those values
    budget B        the state variable `faults` (0..B, added by the front
                    end, see ir/model.py) counts the fault steps taken;
                    none is enabled at B

Without `budget`, there is no counter and faults are unbounded. Fault steps
are successors like any other: a state whose only successors are fault steps
is not a deadlock (in the exported TLA+ they are disjuncts of Next).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from specpy.explicit.runtime import bag_add, bag_count, bag_remove, tuple_set
from specpy.explicit.state import BitSetCodec, Codec, codec
from specpy.ir.model import BUDGET_VAR, CrashFault, Model, StateVar, crash_initial_error, crashed_maps
from specpy.ir.types import BagT
from specpy.trace.trace import Step

#: (encoded argument, successor) for each way a fault can happen in a state.
Moves = Callable[[tuple], Iterator[tuple[Any, tuple]]]


@dataclass
class FaultStep:
    """One fault kind, run by the search like a compiled action."""

    label: str  # "lose net", "duplicate net", "crash": the step's name in traces
    param: str  # the argument's name in ITF's nondet picks
    arg_codec: Codec  # decodes the argument for the trace label
    moves: Moves
    # (state index of the budget counter, budget): no move while the counter is
    # at the budget, which generated code can test before calling `run`.
    budget: tuple[int, int] | None = None

    @property
    def name(self) -> str:
        """The coverage row: `~lose net`."""
        return "~" + self.label

    def run(self, s: tuple, out: list) -> None:
        out.extend(t for _, t in self.moves(s))

    def step(self, arg: Any) -> Step:
        """The labelled step of this fault with an (encoded) argument of `moves`."""
        return Step(self.label, ((self.param, self.arg_codec.decode(arg)),), fault=True)

    def step_between(self, before: tuple, after: tuple) -> Step | None:
        """The labelled step from before to after, if this fault leads there."""
        for arg, t in self.moves(before):
            if t == after:
                return self.step(arg)
        return None


def fault_steps(model: Model, initial_states: list[tuple]) -> list[FaultStep]:
    """The fault steps of `model`, in canonical order.

    `initial_states` (encoded) give the values a crash restores.
    """
    faults = model.faults
    if faults is None:
        return []
    steps = [_lose(model, name) for name in faults.lose]
    steps += [_duplicate(model, name) for name in faults.duplicate]
    steps += [_crash(model, c, initial_states) for c in faults.crash]
    if faults.budget is not None:
        for step in steps:
            step.moves = _budgeted(step.moves, model.var(BUDGET_VAR).index, faults.budget)
            step.budget = (model.var(BUDGET_VAR).index, faults.budget)
    return steps


def _budgeted(moves: Moves, counter: int, budget: int) -> Moves:
    """moves, enabled only while the counter (a state index) is below budget, and counted."""

    def limited(s: tuple) -> Iterator[tuple[Any, tuple]]:
        used = s[counter]
        if used < budget:
            for arg, t in moves(s):
                yield arg, tuple_set(t, counter, used + 1)

    return limited


def _lose(model: Model, name: str) -> FaultStep:
    v = model.var(name)
    i, net = v.index, codec(v.type)
    if isinstance(v.type, BagT):
        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            x = s[i]
            for e in net.members(x):
                yield e, tuple_set(s, i, bag_remove(x, e))
    elif isinstance(net, BitSetCodec):
        table = net.elem.table()

        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            x = s[i]
            for e in net.members(x):
                yield e, tuple_set(s, i, x & ~(1 << table[e]))
    else:
        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            x = s[i]
            for e in net.members(x):
                yield e, tuple_set(s, i, x - {e})
    return FaultStep(f"lose {name}", "msg", net.elem, moves)


def _duplicate(model: Model, name: str) -> FaultStep:
    v = model.var(name)
    assert isinstance(v.type, BagT), "semantics checks that `duplicate` names a bag"
    i, net, bound = v.index, codec(v.type), v.type.max_count

    def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
        x = s[i]
        for e in net.members(x):
            if bag_count(x, e) < bound:
                yield e, tuple_set(s, i, bag_add(x, e))

    return FaultStep(f"duplicate {name}", "msg", net.elem, moves)


def _crash(model: Model, fault: CrashFault, initial_states: list[tuple]) -> FaultStep:
    """Entry [a] of every volatile map keyed by the crashed type, and the `resets` variables."""
    who = fault.type
    keyed = crashed_maps(model, fault)
    whole = [model.var(n) for n in fault.resets]
    entry: dict[int, list] = {}
    reset: dict[int, Any] = {}
    if initial_states:  # else nothing is reachable and no crash ever runs
        for v in keyed:
            values = codec(v.type.value)
            entry[v.index] = [
                _fixed([s[v.index][a] for s in initial_states], values, f"{v.name}[{m}]", v, fault)
                for a, m in enumerate(who.members)
            ]
        for v in whole:
            reset[v.index] = _fixed([s[v.index] for s in initial_states], codec(v.type), v.name, v, fault)

    def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
        for a in range(len(who.members)):
            t = list(s)
            for i, initial in entry.items():
                t[i] = tuple_set(t[i], a, initial[a])
            for i, initial in reset.items():
                t[i] = initial
            yield a, tuple(t)

    return FaultStep("crash", "who", codec(who), moves)


def _fixed(values: list, value_codec: Codec, what: str, v: StateVar, fault: CrashFault) -> Any:
    """The one value every initial state gives `what`, or a located error."""
    first = values[0]
    other = next((x for x in values if x != first), first)
    if other == first:
        return first
    raise crash_initial_error(v, what, value_codec.decode(first), value_codec.decode(other), fault)
