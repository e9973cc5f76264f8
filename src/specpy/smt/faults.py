"""The `faults` block as transitions of the symbolic system.

The same steps as the explicit checker's (explicit/faults.py, semantics in
docs/language.md, Faults), one transition per fault kind and argument, after
the actions' transitions and in the same canonical order (every `lose` line,
then every `duplicate`, then every `crash`):

    lose net        per element m of net's universe: enabled when m is in
                    net, removes it (a bag loses one copy)
    duplicate net   per element m: enabled when 0 < count(m) < the bag's
                    bound, adds one copy
    crash T         per atom a: always enabled; every non-durable [T -> V]
                    variable gets entry [a] back from the initial state,
                    every `resets` variable its whole initial value
    budget B        every fault transition also needs `faults` < B and adds 1

Each transition's label is the explicit checker's (`~lose net m`, `~crash
s2`, with the argument named `msg` or `who`), so BMC traces read and export
the same. A crash restores values that all initial states must agree on
(E-crash-initial otherwise, the explicit checker's error); init only ever
reads literals, so its states are evaluated here without a solver query.
"""

from __future__ import annotations

from typing import Iterator

import z3

from specpy.ir.model import BUDGET_VAR, CrashFault, Model, crash_initial_error, crashed_maps
from specpy.ir.types import BagT, Type, universe
from specpy.ir.values import Value
from specpy.smt.encode import Fault
from specpy.smt.paths import Path
from specpy.smt.values import FALSE, TRUE, BagV, MapV, Num, SetV, Sym, cmp, conj, const, decode
from specpy.trace.trace import Step

#: A fault transition: its step label, enabling condition and changed variables.
Move = tuple[Step, z3.BoolRef, dict[str, Sym]]


def fault_moves(model: Model, x: dict[str, Sym], init_paths: list[Path], init_faults: tuple[Fault, ...]) -> list[Move]:
    """The fault transitions of `model` from template state x, in canonical order."""
    faults = model.faults
    if faults is None:
        return []
    moves = [m for name in faults.lose for m in _lose(model, name, x[name])]
    moves += [m for name in faults.duplicate for m in _duplicate(model, name, x[name])]
    if faults.crash:
        initial = initial_states(model, init_paths, init_faults)
        for fault in faults.crash:
            moves += _crash(model, fault, x, initial)
    if faults.budget is None:
        return moves
    used = x[BUDGET_VAR]
    below = cmp("<", used, faults.budget)
    counted = {BUDGET_VAR: Num(used.term + 1, used.lo + 1, min(used.hi + 1, faults.budget))}
    return [(step, conj([below, enabled]), {**changed, **counted}) for step, enabled, changed in moves]


def _step(label: str, param: str, arg: Value) -> Step:
    return Step(label, ((param, arg),), fault=True)


def _lose(model: Model, name: str, net: SetV | BagV) -> Iterator[Move]:
    label = f"lose {name}"
    if isinstance(net, SetV):
        for i, m in enumerate(net.universe):
            bits = net.bits[:i] + (FALSE,) + net.bits[i + 1 :]
            yield _step(label, "msg", m), net.bits[i], {name: SetV(net.universe, bits)}
        return
    for i, m in enumerate(net.universe):
        c = net.counts[i]
        fewer = Num(c.term - 1, max(c.lo - 1, 0), c.hi - 1)
        yield _step(label, "msg", m), cmp(">", c, 0), {name: BagV(net.universe, _replace(net.counts, i, fewer))}


def _duplicate(model: Model, name: str, net: BagV) -> Iterator[Move]:
    t = model.var(name).type
    assert isinstance(t, BagT), "semantics checks that `duplicate` names a bag"
    for i, m in enumerate(net.universe):
        c = net.counts[i]
        more = Num(c.term + 1, c.lo + 1, min(c.hi + 1, t.max_count))
        enabled = conj([cmp(">", c, 0), cmp("<", c, t.max_count)])
        yield _step(f"duplicate {name}", "msg", m), enabled, {name: BagV(net.universe, _replace(net.counts, i, more))}


def _crash(model: Model, fault: CrashFault, x: dict[str, Sym], initial: list[dict[str, Value]]) -> Iterator[Move]:
    keyed = crashed_maps(model, fault)
    whole = {name: const(model.var(name).type, _fixed(model, name, None, initial, fault)) for name in fault.resets}
    for a, who in enumerate(universe(fault.type)):
        changed: dict[str, Sym] = {}
        for v in keyed:
            cur = x[v.name]
            assert isinstance(cur, MapV)
            back = const(v.type.value, _fixed(model, v.name, a, initial, fault))
            changed[v.name] = MapV(cur.keys, _replace(cur.values, a, back))
        yield _step("crash", "who", who), TRUE, {**changed, **whole}  # a `resets` variable is reset whole


def _fixed(model: Model, name: str, entry: int | None, initial: list[dict[str, Value]], fault: CrashFault) -> Value:
    """The one value all initial states give variable `name` (or its entry
    number `entry`), or E-crash-initial. No initial state: any value (no
    crash can run)."""
    v = model.var(name)
    if entry is None:
        values = [s[name] for s in initial]
        what = name
    else:
        who = universe(fault.type)[entry]
        values = [s[name].get(who) for s in initial]
        what = f"{name}[{who}]"
    if not values:
        return universe(v.type.value if entry is not None else v.type)[0]
    first = values[0]
    other = next((y for y in values if y != first), first)
    if other != first:
        raise crash_initial_error(v, what, first, other, fault)
    return first


def initial_states(model: Model, paths: list[Path], init_faults: tuple[Fault, ...]) -> list[dict[str, Value]]:
    """Every initial state as generic values; none if init can fail (the
    check reports that failure before any step).

    Init starts from no state and its `choose`/`either` fork paths, so every
    term in its paths is closed: evaluating in any model gives its value.
    """
    z3_solver = z3.Solver()
    z3_solver.check()
    empty = z3_solver.model()

    def holds(c: z3.BoolRef) -> bool:
        return z3.is_true(empty.eval(c, model_completion=True))

    if any(holds(f.cond) for f in init_faults):
        return []
    types: dict[str, Type] = {v.name: v.type for v in model.vars}
    return [{name: decode(empty, t, p.state[name]) for name, t in types.items()} for p in paths if holds(p.pc)]


def _replace(parts: tuple, i: int, new: Sym) -> tuple:
    return parts[:i] + (new,) + parts[i + 1 :]

