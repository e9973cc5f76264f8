"""Which values of a finite type a symbolic value can be, and when.

`send m to net` adds one to the count of the value m is; with a network over
raft.spec's 1,968 message values, comparing a symbolic m with each of them
(`eq(m, const(y))` per y) costs more than all the rest of the encoding. But
most of m is usually known: its variant case, its sender and receiver, all
but a term. `cases` walks the value's structure instead and lists only the
values it can equal, each with the condition that it does, so a message
with one unknown 1..3 field has three cases, not 1,968.
"""

from __future__ import annotations

import itertools

import z3

from specpy.ir.types import AtomT, BoolT, EnumT, IntT, OptionT, RangeT, RecordT, Type, VariantT, universe
from specpy.ir.values import RecordValue, Value, VariantValue
from specpy.smt.values import FALSE, TRUE, UNKNOWN, Num, OptV, RecordV, Sym, VariantV, cmp, conj, const, eq, literal, neg

Cases = list[tuple[Value, z3.BoolRef]]


def cases(t: Type, x: Sym) -> Cases:
    """(y, x == y) for every value y of t that x can equal (the others: x == y is false)."""
    lit = literal(t, x)
    if lit is not UNKNOWN:
        return [(lit, TRUE)]
    match t:
        case BoolT():
            return [(False, neg(x)), (True, x)]
        case IntT():
            return _ints(x, x.lo, x.hi, lambda i: i)
        case RangeT(lo, hi):
            return _ints(x, lo, hi, lambda i: i)
        case AtomT(members=ms) | EnumT(members=ms):
            return _ints(x, 0, len(ms) - 1, lambda i: ms[i])
        case OptionT(inner) if isinstance(x, OptV):
            return [(None, neg(x.some))] + [(y, conj([x.some, c])) for y, c in cases(inner, x.value)]
        case RecordT(fields=fs) if isinstance(x, RecordV):
            names = [n for n, _ in fs]
            return [
                (RecordValue(tuple(zip(names, ys))), c)
                for ys, c in _product([cases(ft, v) for (_, ft), v in zip(fs, x.fields)])
            ]
        case VariantT(cases=cs) if isinstance(x, VariantV):
            out: Cases = []
            for i, case in _ints(x.tag, 0, len(cs) - 1, lambda i: i):
                names = [n for n, _ in cs[i].fields]
                for ys, c in _product([cases(ft, v) for (_, ft), v in zip(cs[i].fields, x.cases[i])]):
                    both = conj([case, c])
                    if both is not FALSE:
                        out.append((VariantValue(cs[i].name, tuple(zip(names, ys))), both))
            return out
    return [(y, c) for y in universe(t) if (c := eq(x, const(t, y))) is not FALSE]


_positions: dict[int, tuple[tuple[Value, ...], dict[Value, int]]] = {}


def position(u: tuple[Value, ...]) -> dict[Value, int]:
    """Each value's index in the universe u (made once per universe object:
    hashing 1,968 nested message values for every `send` is slow)."""
    kept = _positions.get(id(u))
    if kept is None or kept[0] is not u:
        kept = _positions[id(u)] = (u, {y: i for i, y in enumerate(u)})
    return kept[1]


def _ints(x: Num, lo: int, hi: int, value) -> Cases:
    """The ints lo..hi that x's bounds allow, as values."""
    return [(value(i), cmp("==", x, i)) for i in range(max(lo, x.lo), min(hi, x.hi) + 1)]


def _product(options: list[Cases]) -> list[tuple[tuple[Value, ...], z3.BoolRef]]:
    """Every combination of one case per field, with the conjunction of their conditions."""
    out = []
    for combo in itertools.product(*options):
        c = conj([cond for _, cond in combo])
        if c is not FALSE:
            out.append((tuple(y for y, _ in combo), c))
    return out
