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

from typing import Any, Callable, Iterator

from specpy.explicit.runtime import bag_add, bag_count, bag_remove, tuple_set
from specpy.explicit.state import BitSetCodec, Codec, codec
from specpy.ir.model import BUDGET_VAR, CrashFault, Model, StateVar, crash_initial_error, crashed_maps
from specpy.ir.types import BagT
from specpy.nodeclass import nodeclass
from specpy.trace.trace import Step

#: (encoded argument, successor) for each way a fault can happen in a state.
Moves = Callable[[tuple], Iterator[tuple[Any, tuple]]]


@nodeclass
class Inline:
    """What a fault step does, for the code generator (compile.py) to run it
    inline in `expand` — the successors `moves` gives, in the same order:

    kind "lose"       var: the index of a bag; one successor per member of
                      the bag (`members`, canonical order), one copy removed
    kind "duplicate"  the same, for the members with fewer than `bound` copies,
                      one copy added
    kind "crash"      one successor per atom a < `atoms`: entry a of the map
                      at each index in `entry` set to entry[index][a], each
                      index in `reset` set to reset[index]

    and with a budget, the counter one up in each successor."""

    kind: str
    var: int = -1
    members: Callable[[Any], tuple] | None = None
    bound: int = 0
    atoms: int = 0
    entry: dict[int, list] | None = None
    reset: dict[int, Any] | None = None


@nodeclass(frozen=False)
class FaultStep:
    """One fault kind, run by the search like a compiled action."""

    label: str  # "lose net", "duplicate net", "crash": the step's name in traces
    param: str  # the argument's name in ITF's nondet picks
    arg_codec: Codec  # decodes the argument for the trace label
    moves: Moves
    # (state index of the budget counter, budget): no move while the counter is
    # at the budget, which generated code can test before calling `run`.
    budget: tuple[int, int] | None = None
    inline: Inline | None = None  # for compile.py; None: `run` is called

    @property
    def name(self) -> str:
        """The coverage row: `~lose net`."""
        return "~" + self.label

    def run(self, s: tuple, out: list) -> None:
        out.extend([t for _, t in self.moves(s)])

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
    budget = None if faults.budget is None else (model.var(BUDGET_VAR).index, faults.budget)
    steps = [_lose(model, name, budget) for name in faults.lose]
    steps += [_duplicate(model, name, budget) for name in faults.duplicate]
    steps += [_crash(model, c, initial_states, budget) for c in faults.crash]
    for step in steps:
        step.budget = budget
    return steps


def _at_budget(s: tuple, budget: tuple[int, int] | None) -> bool:
    """No fault step may be taken in s: its fault counter is at the budget."""
    return budget is not None and s[budget[0]] >= budget[1]


def _edit(i: int, budget: tuple[int, int] | None) -> Callable[[tuple, Any], tuple]:
    """(s, x) -> s with x at position i and the fault counter (if any) one up, built as one tuple."""
    if budget is None:
        return lambda s, x: tuple_set(s, i, x)
    counter = budget[0]

    def edit(s: tuple, x: Any) -> tuple:
        t = list(s)
        t[i] = x
        t[counter] += 1
        return tuple(t)

    return edit


def _lose(model: Model, name: str, budget: tuple[int, int] | None) -> FaultStep:
    v = model.var(name)
    i, net, edit = v.index, codec(v.type), _edit(v.index, budget)
    if isinstance(v.type, BagT):
        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            if _at_budget(s, budget):
                return
            x = s[i]
            for e in net.members(x):
                yield e, edit(s, bag_remove(x, e))
    elif isinstance(net, BitSetCodec):
        table = net.elem.table()

        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            if _at_budget(s, budget):
                return
            x = s[i]
            for e in net.members(x):
                yield e, edit(s, x & ~(1 << table[e]))
    else:
        def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
            if _at_budget(s, budget):
                return
            x = s[i]
            for e in net.members(x):
                yield e, edit(s, x - {e})
    inline = Inline("lose", i, net.members) if isinstance(v.type, BagT) else None
    return FaultStep(f"lose {name}", "msg", net.elem, moves, inline=inline)


def _duplicate(model: Model, name: str, budget: tuple[int, int] | None) -> FaultStep:
    v = model.var(name)
    assert isinstance(v.type, BagT), "semantics checks that `duplicate` names a bag"
    i, net, bound, edit = v.index, codec(v.type), v.type.max_count, _edit(v.index, budget)

    def moves(s: tuple) -> Iterator[tuple[Any, tuple]]:
        if _at_budget(s, budget):
            return
        x = s[i]
        for e in net.members(x):
            if bag_count(x, e) < bound:
                yield e, edit(s, bag_add(x, e))

    return FaultStep(f"duplicate {name}", "msg", net.elem, moves, inline=Inline("duplicate", i, net.members, bound))


def _crash(model: Model, fault: CrashFault, initial_states: list[tuple], budget: tuple[int, int] | None) -> FaultStep:
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
        if _at_budget(s, budget):
            return
        for a in range(len(who.members)):
            t = list(s)
            for i, initial in entry.items():
                t[i] = tuple_set(t[i], a, initial[a])
            for i, initial in reset.items():
                t[i] = initial
            if budget is not None:
                t[budget[0]] += 1
            yield a, tuple(t)

    inline = Inline("crash", atoms=len(who.members), entry=entry, reset=reset)
    return FaultStep("crash", "who", codec(who), moves, inline=inline)


def _fixed(values: list, value_codec: Codec, what: str, v: StateVar, fault: CrashFault) -> Any:
    """The one value every initial state gives `what`, or a located error."""
    first = values[0]
    other = next((x for x in values if x != first), first)
    if other == first:
        return first
    raise crash_initial_error(v, what, value_codec.decode(first), value_codec.decode(other), fault)
