"""The step relation, written once per state component instead of once per transition.

The plain encoding of "y is a successor of x by transition number sel",

    OR_j (sel == j  and  enabled_j  and  y == post_j),

repeats the whole state in every transition: for a spec with a message
network (raft.spec: a bag over 1,968 message values, and a transition per
message a receive or a fault can pick) that is millions of terms. The frame
encoding below is the same relation, but each transition only speaks of the
components it changes:

    0 <= sel < n
    AND_j  (sel == j  implies  enabled_j)
    for each component p of the state (a map entry, a bag count, a set bit,
    a record field; variants, sequences and options whole):
        AND_{j changes p}  (sel == j  implies  y.p == post_j.p)
        (sel is one of the transitions that change p)  or  y.p == x.p

A transition "changes" p when its successor term for p is not the very
object x.p (statements keep the objects of what they do not assign), so the
size is the sum of the transitions' changes, not their number times the
state's size.
"""

from __future__ import annotations

from typing import Callable, Iterator

import z3

from specpy.smt.values import BagV, MapV, Num, RecordV, SetV, Sym, conj, disj, eq, implies


def step_relation(
    x: dict[str, Sym], y: dict[str, Sym], moves: list[tuple[z3.BoolRef, dict[str, Sym]]], sel: z3.ArithRef,
    tick: Callable[[], None] = lambda: None,
) -> z3.BoolRef:
    """y is a successor of x by move number sel; moves are (enabled, successor state).

    `tick` is called per move and per state component (System.in_time: the deadline)."""
    out = [sel >= 0, sel < len(moves)]
    out += [implies(sel == j, enabled) for j, (enabled, _) in enumerate(moves)]
    changers: dict[tuple, list[int]] = {}
    values: dict[tuple, list[Sym]] = {}
    parts: dict[tuple, tuple[Sym, Sym]] = {}
    for name in x:
        for key, a, b in _parts((name,), x[name], y[name]):
            parts[key] = (a, b)
            changers[key] = []
            values[key] = []
    for j, (_, post) in enumerate(moves):
        tick()
        for name in x:
            for key, new in _changed((name,), x[name], post[name]):
                changers[key].append(j)
                values[key].append(new)
    for key, (old, nxt) in parts.items():
        tick()
        js = changers[key]
        out += [implies(sel == j, eq(nxt, new)) for j, new in zip(js, values[key])]
        out.append(disj([_one_of(sel, js), eq(nxt, old)]))
    return conj(out)


def _parts(key: tuple, a: Sym, b: Sym) -> Iterator[tuple[tuple, Sym, Sym]]:
    """The components of two values of one storage type, paired: (key, a part, b part)."""
    match a:
        case MapV():
            for i, (p, q) in enumerate(zip(a.values, b.values)):
                yield from _parts(key + (i,), p, q)
            return
        case RecordV():
            for i, (p, q) in enumerate(zip(a.fields, b.fields)):
                yield from _parts(key + (i,), p, q)
            return
        case SetV() | BagV() if a.universe == b.universe:
            for i, (p, q) in enumerate(zip(_elements(a), _elements(b))):
                yield key + (i,), p, q
            return
    yield key, a, b


def _changed(key: tuple, old: Sym, new: Sym) -> Iterator[tuple[tuple, Sym]]:
    """The components of new that are not (the same objects as) old's, keyed as _parts keys them."""
    if new is old:
        return
    match old:
        case MapV() if isinstance(new, MapV):
            for i, (p, q) in enumerate(zip(old.values, new.values)):
                yield from _changed(key + (i,), p, q)
            return
        case RecordV() if isinstance(new, RecordV):
            for i, (p, q) in enumerate(zip(old.fields, new.fields)):
                yield from _changed(key + (i,), p, q)
            return
        case SetV() | BagV() if type(new) is type(old) and new.universe == old.universe:
            for i, (p, q) in enumerate(zip(_elements(old), _elements(new))):
                if not _same(p, q):
                    yield key + (i,), q
            return
        case SetV() | BagV():
            raise AssertionError("a state variable's collection keeps its universe")
    if not _same(old, new):
        yield key, new


def _elements(c: SetV | BagV) -> tuple:
    return c.bits if isinstance(c, SetV) else c.counts


def _same(a: Sym, b: Sym) -> bool:
    return a is b or (isinstance(a, Num) and isinstance(b, Num) and a.term is b.term)


def _one_of(sel: z3.ArithRef, js: list[int]) -> z3.BoolRef:
    """sel is one of the sorted numbers js (runs of consecutive numbers as ranges)."""
    out = []
    i = 0
    while i < len(js):
        k = i
        while k + 1 < len(js) and js[k + 1] == js[k] + 1:
            k += 1
        lo, hi = js[i], js[k]
        out.append(sel == lo if lo == hi else z3.And(sel >= lo, sel <= hi))
        i = k + 1
    return disj(out)
