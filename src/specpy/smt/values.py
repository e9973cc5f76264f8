"""Symbolic values: how a model value of each IR type is made of Z3 terms.

Every type is finite, so a value is a fixed tree of Z3 terms, chosen by its
type (per-element terms over finite universes, no arrays, no datatypes):

    bool                 BoolRef
    int, lo..hi          Num(term, lo, hi): an Int term with static bounds
    atom, enum member    Num over the member ordinals 0..n-1
    record               RecordV(fields)
    variant              VariantV(tag ordinal Num, one field tuple per case)
    T?                   OptV(some, value)
    set[T]               SetV(universe, one Bool per universe element)
    bag[T, N]            BagV(universe, one count Num per universe element)
    [K -> V]             MapV(keys, one value per key)
    seq[T, N]            SeqV(length Num, N element slots)

Ints carry static bounds so that a set of ints built in an expression
(`{small, 5 - big}`) has a finite universe too. Components that carry no
meaning (slots beyond a sequence's length, fields of an inactive variant
case, the value of `none`) are left unconstrained; `eq` ignores them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

import z3

from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
    EmptyCollectionT,
    EnumT,
    IntT,
    MapT,
    OptionT,
    RangeT,
    RecordT,
    SeqT,
    SetT,
    Type,
    VariantT,
    type_name,
    universe,
)
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue


@dataclass(frozen=True)
class Num:
    term: z3.ArithRef
    lo: int
    hi: int

    @property
    def value(self) -> int | None:
        """The value when the bounds pin it (a literal), else None."""
        return self.lo if self.lo == self.hi else None


@dataclass(frozen=True)
class RecordV:
    fields: tuple[Sym, ...]


@dataclass(frozen=True)
class VariantV:
    tag: Num
    cases: tuple[tuple[Sym, ...], ...]


@dataclass(frozen=True)
class OptV:
    some: z3.BoolRef
    value: Sym


@dataclass(frozen=True)
class SetV:
    universe: tuple[Value, ...]
    bits: tuple[z3.BoolRef, ...]


@dataclass(frozen=True)
class BagV:
    universe: tuple[Value, ...]
    counts: tuple[Num, ...]


@dataclass(frozen=True)
class MapV:
    keys: tuple[Value, ...]
    values: tuple[Sym, ...]


@dataclass(frozen=True)
class SeqV:
    length: Num
    elems: tuple[Sym, ...]


Sym = Union[z3.BoolRef, Num, RecordV, VariantV, OptV, SetV, BagV, MapV, SeqV]

# The two boolean literals. Every helper here returns these very objects for
# a decided condition, so "is it decided?" is an identity test in Python, not
# a call into Z3 (the Python API's per-call cost dominates encoding time).
TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


def boolean(b: bool) -> z3.BoolRef:
    return TRUE if b else FALSE


@lru_cache(maxsize=None)
def num(v: int) -> Num:
    return Num(z3.IntVal(v), v, v)


def conj(parts: list) -> z3.BoolRef:
    kept = []
    for p in parts:
        if p is FALSE:
            return FALSE
        if p is not TRUE:
            kept.append(p)
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else z3.And(kept)


def disj(parts: list) -> z3.BoolRef:
    kept = []
    for p in parts:
        if p is TRUE:
            return TRUE
        if p is not FALSE:
            kept.append(p)
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else z3.Or(kept)


def neg(a: z3.BoolRef) -> z3.BoolRef:
    if a is TRUE:
        return FALSE
    if a is FALSE:
        return TRUE
    return z3.Not(a)


def implies(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    if a is TRUE:
        return b
    if a is FALSE or b is TRUE:
        return TRUE
    if b is FALSE:
        return z3.Not(a)
    return z3.Implies(a, b)


def cmp(op: str, a: Num, b: Num | int) -> z3.BoolRef:
    """Compare two ints, decided by their bounds when the bounds allow."""
    if isinstance(b, int):
        b = num(b)
    if op == "==":
        if a.hi < b.lo or b.hi < a.lo:
            return FALSE
        if a.lo == a.hi == b.lo == b.hi:
            return TRUE
        return a.term == b.term
    if op in (">", ">="):
        a, b, op = b, a, "<" if op == ">" else "<="
    if op == "<":
        if a.hi < b.lo:
            return TRUE
        if a.lo >= b.hi:
            return FALSE
        return a.term < b.term
    if a.hi <= b.lo:
        return TRUE
    if a.lo > b.hi:
        return FALSE
    return a.term <= b.term


def elem_universe(t: Type) -> tuple[Value, ...] | None:
    """The universe of a collection's element type; None for int elements
    (their universe comes from the bounds of the values put in)."""
    if isinstance(t, IntT):
        return None
    return universe(t)


# ---------------------------------------------------------------- constants


@lru_cache(maxsize=None)
def const(t: Type, v: Value) -> Sym:
    """The symbolic value of the generic value v of type t."""
    match t:
        case BoolT():
            return boolean(bool(v))
        case IntT() | RangeT():
            return num(int(v))
        case AtomT(members=ms) | EnumT(members=ms):
            return num(ms.index(v))
        case RecordT(fields=fs):
            return RecordV(tuple(const(ft, x) for (_, ft), (_, x) in zip(fs, v.fields)))
        case VariantT(cases=cs):
            i = [c.name for c in cs].index(v.tag)
            return VariantV(
                num(i),
                tuple(
                    tuple(const(ft, x) for (_, ft), (_, x) in zip(c.fields, v.fields)) if j == i else tuple(default(ft) for _, ft in c.fields)
                    for j, c in enumerate(cs)
                ),
            )
        case OptionT(inner):
            if v is None:
                return OptV(FALSE, default(inner))
            return OptV(TRUE, const(inner, v))
        case SetT(e):
            u = elem_universe(e)
            if u is None:
                u = tuple(sorted(v))
            return SetV(u, tuple(boolean(x in v) for x in u))
        case BagT(e, _):
            u = elem_universe(e)
            counts = dict(v.items)
            if u is None:
                u = tuple(sorted(counts))
            return BagV(u, tuple(num(counts.get(x, 0)) for x in u))
        case MapT(k, val):
            keys = universe(k)
            d = v.as_dict()
            return MapV(keys, tuple(const(val, d[x]) for x in keys))
        case SeqT(e, n):
            return SeqV(num(len(v)), tuple(const(e, x) for x in v) + tuple(default(e) for _ in range(n - len(v))))
        case EmptyCollectionT(kind):
            return SeqV(num(0), ()) if kind == "seq" else SetV((), ())
    raise TypeError(f"no symbolic encoding for type {type_name(t)}")


@lru_cache(maxsize=None)
def default(t: Type) -> Sym:
    """Some value of type t, for components that carry no meaning."""
    match t:
        case BoolT():
            return FALSE
        case IntT():
            return num(0)
        case RangeT(lo, _):
            return num(lo)
        case AtomT() | EnumT():
            return num(0)
        case RecordT(fields=fs):
            return RecordV(tuple(default(ft) for _, ft in fs))
        case VariantT(cases=cs):
            return VariantV(num(0), tuple(tuple(default(ft) for _, ft in c.fields) for c in cs))
        case OptionT(inner):
            return OptV(FALSE, default(inner))
        case SetT(e):
            u = elem_universe(e) or ()
            return SetV(u, tuple(FALSE for _ in u))
        case BagT(e, _):
            u = elem_universe(e) or ()
            return BagV(u, tuple(num(0) for _ in u))
        case MapT(k, val):
            keys = universe(k)
            return MapV(keys, tuple(default(val) for _ in keys))
        case SeqT(e, n):
            return SeqV(num(0), tuple(default(e) for _ in range(n)))
    raise TypeError(f"no symbolic encoding for type {type_name(t)}")


# ---------------------------------------------------------------- fresh variables


class Fresh:
    """Makes the Z3 constants of a symbolic value of a storage type.

    `constraints` collects what keeps each component inside its type
    (range bounds, ordinals, sequence length, bag counts).
    """

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.constraints: list[z3.BoolRef] = []
        self.consts: list[z3.ExprRef] = []
        self._count = itertools.count()

    def _int(self, lo: int, hi: int) -> Num:
        x = z3.Int(f"{self.prefix}!{next(self._count)}")
        self.consts.append(x)
        self.constraints.append(z3.And(x >= lo, x <= hi))
        return Num(x, lo, hi)

    def _bool(self) -> z3.BoolRef:
        x = z3.Bool(f"{self.prefix}!{next(self._count)}")
        self.consts.append(x)
        return x

    def value(self, t: Type) -> Sym:
        match t:
            case BoolT():
                return self._bool()
            case RangeT(lo, hi):
                return self._int(lo, hi)
            case AtomT(members=ms) | EnumT(members=ms):
                return self._int(0, len(ms) - 1)
            case RecordT(fields=fs):
                return RecordV(tuple(self.value(ft) for _, ft in fs))
            case VariantT(cases=cs):
                return VariantV(self._int(0, len(cs) - 1), tuple(tuple(self.value(ft) for _, ft in c.fields) for c in cs))
            case OptionT(inner):
                return OptV(self._bool(), self.value(inner))
            case SetT(e):
                u = universe(e)
                return SetV(u, tuple(self._bool() for _ in u))
            case BagT(e, n):
                u = universe(e)
                return BagV(u, tuple(self._int(0, n) for _ in u))
            case MapT(k, val):
                keys = universe(k)
                return MapV(keys, tuple(self.value(val) for _ in keys))
            case SeqT(e, n):
                return SeqV(self._int(0, n), tuple(self.value(e) for _ in range(n)))
        raise TypeError(f"no symbolic encoding for storage type {type_name(t)}")


# ---------------------------------------------------------------- equality and ite


def align(a: SetV | BagV, b: SetV | BagV) -> tuple[tuple[Value, ...], list, list]:
    """The union of two collections' universes, and each side's components over it."""
    if a.universe == b.universe:
        return a.universe, list(_parts(a)), list(_parts(b))
    u = list(a.universe) + [x for x in b.universe if x not in set(a.universe)]
    if all(isinstance(x, int) and not isinstance(x, bool) for x in u):
        u.sort()
    zero = FALSE if isinstance(a, SetV) else num(0)
    da, db = dict(zip(a.universe, _parts(a))), dict(zip(b.universe, _parts(b)))
    return tuple(u), [da.get(x, zero) for x in u], [db.get(x, zero) for x in u]


def _parts(c: SetV | BagV) -> tuple:
    return c.bits if isinstance(c, SetV) else c.counts


def eq(a: Sym, b: Sym) -> z3.BoolRef:
    """Semantic equality of two symbolic values of comparable types."""
    if isinstance(a, OptV) and not isinstance(b, OptV):
        return conj([a.some, eq(a.value, b)])
    if isinstance(b, OptV) and not isinstance(a, OptV):
        return conj([b.some, eq(a, b.value)])
    match a:
        case Num():
            if a.hi < b.lo or b.hi < a.lo:
                return FALSE
            return cmp("==", a, b)
        case RecordV():
            return conj([eq(x, y) for x, y in zip(a.fields, b.fields)])
        case VariantV():
            cases = [
                implies(cmp("==", a.tag, i), conj([eq(x, y) for x, y in zip(fa, fb)]))
                for i, (fa, fb) in enumerate(zip(a.cases, b.cases))
                if fa
            ]
            return conj([eq(a.tag, b.tag)] + cases)
        case OptV():
            return conj([a.some == b.some, implies(a.some, eq(a.value, b.value))])
        case SetV() | BagV():
            _, pa, pb = align(a, b)
            return conj([eq(x, y) for x, y in zip(pa, pb)])
        case MapV():
            return conj([eq(x, y) for x, y in zip(a.values, b.values)])
        case SeqV():
            parts = [eq(a.length, b.length)]
            for i, (x, y) in enumerate(zip(a.elems, b.elems)):
                parts.append(implies(cmp(">", a.length, i), eq(x, y)))
            if len(a.elems) != len(b.elems):
                parts.append(cmp("<=", a.length, min(len(a.elems), len(b.elems))))
            return conj(parts)
    if a is b:
        return TRUE
    if (a is TRUE or a is FALSE) and (b is TRUE or b is FALSE):
        return FALSE
    if a is TRUE or b is TRUE:
        return b if a is TRUE else a
    if a is FALSE or b is FALSE:
        return neg(b if a is FALSE else a)
    return a == b


def ite(c: z3.BoolRef, a: Sym, b: Sym) -> Sym:
    """`a if c else b` for two values of one representation (int bounds and
    collection universes may differ: they are widened)."""
    if c is TRUE or a is b:
        return a
    if c is FALSE:
        return b
    match a:
        case Num():
            if a.value is not None and a.value == b.value:
                return a
            return Num(z3.If(c, a.term, b.term), min(a.lo, b.lo), max(a.hi, b.hi))
        case RecordV():
            return RecordV(tuple(ite(c, x, y) for x, y in zip(a.fields, b.fields)))
        case VariantV():
            return VariantV(ite(c, a.tag, b.tag), tuple(tuple(ite(c, x, y) for x, y in zip(fa, fb)) for fa, fb in zip(a.cases, b.cases)))
        case OptV():
            if not isinstance(b, OptV):
                b = OptV(TRUE, b)
            return OptV(ite(c, a.some, b.some), ite(c, a.value, b.value))
        case SetV():
            u, pa, pb = align(a, b)
            return SetV(u, tuple(ite(c, x, y) for x, y in zip(pa, pb)))
        case BagV():
            u, pa, pb = align(a, b)
            return BagV(u, tuple(ite(c, x, y) for x, y in zip(pa, pb)))
        case MapV():
            return MapV(a.keys, tuple(ite(c, x, y) for x, y in zip(a.values, b.values)))
        case SeqV():
            return SeqV(ite(c, a.length, b.length), tuple(ite(c, x, y) for x, y in zip(a.elems, b.elems)))
    if isinstance(b, OptV):
        return ite(c, OptV(TRUE, a), b)
    if a is TRUE and b is FALSE:
        return c
    if a is FALSE and b is TRUE:
        return neg(c)
    return z3.If(c, a, b)


# ---------------------------------------------------------------- decoding


def decode(model: z3.ModelRef, t: Type, v: Sym) -> Value:
    """The generic value (ir/values.py) that v has in a Z3 model."""

    def ev(term: z3.ExprRef) -> Any:
        r = model.eval(term, model_completion=True)
        return z3.is_true(r) if z3.is_bool(r) else r.as_long()

    match t:
        case BoolT():
            return ev(v)
        case IntT() | RangeT():
            return ev(v.term)
        case AtomT(members=ms) | EnumT(members=ms):
            return ms[ev(v.term)]
        case RecordT(name=name, fields=fs):
            return RecordValue(tuple((n, decode(model, ft, x)) for (n, ft), x in zip(fs, v.fields)), name)
        case VariantT(cases=cs):
            i = ev(v.tag.term)
            c = cs[i]
            return VariantValue(c.name, tuple((n, decode(model, ft, x)) for (n, ft), x in zip(c.fields, v.cases[i])))
        case OptionT(inner):
            return decode(model, inner, v.value) if ev(v.some) else None
        case SetT(e):
            return frozenset(x for x, bit in zip(v.universe, v.bits) if ev(bit))
        case BagT(e, _):
            return BagValue(tuple((x, c) for x, c in ((x, ev(n.term)) for x, n in zip(v.universe, v.counts)) if c > 0))
        case MapT(_, val):
            return MapValue(tuple((k, decode(model, val, x)) for k, x in zip(v.keys, v.values)))
        case SeqT(e, _):
            return tuple(decode(model, e, x) for x in v.elems[: ev(v.length.term)])
    raise TypeError(f"no symbolic encoding for type {type_name(t)}")


# ---------------------------------------------------------------- type conversion


def fit(v: Sym, src: Type, dst: Type) -> tuple[Sym, z3.BoolRef]:
    """v (a src value) in dst's representation, and the condition that it
    is a value of dst (false: the value left its type, an evaluation error)."""
    if src == dst:
        return v, TRUE
    match dst:
        case RangeT(lo, hi):
            ok = conj([cmp(">=", v, lo) if v.lo < lo else TRUE, cmp("<=", v, hi) if v.hi > hi else TRUE])
            return Num(v.term, max(v.lo, lo), min(v.hi, hi)), ok
        case OptionT(inner):
            if isinstance(src, OptionT):
                x, ok = fit(v.value, src.inner, inner)
                return OptV(v.some, x), implies(v.some, ok)
            x, ok = fit(v, src, inner)
            return OptV(TRUE, x), ok
        case SetT(e) | BagT(e, _) if elem_universe(e) is not None:
            return _fit_collection(v, src, dst, universe(e))
        case SeqT(e, n):
            se = src.elem if isinstance(src, SeqT) else e
            elems, oks = [], []
            for i in range(n):
                if i < len(v.elems):
                    x, ok = fit(v.elems[i], se, e)
                    elems.append(x)
                    oks.append(implies(cmp(">", v.length, i), ok))
                else:
                    elems.append(default(e))
            if v.length.hi > n:
                oks.append(cmp("<=", v.length, n))
            return SeqV(Num(v.length.term, v.length.lo, min(v.length.hi, n)), tuple(elems)), conj(oks)
        case MapT(_, val) if isinstance(src, MapT):
            pairs = [fit(x, src.value, val) for x in v.values]
            return MapV(v.keys, tuple(x for x, _ in pairs)), conj([ok for _, ok in pairs])
    return v, TRUE


def _fit_collection(v: SetV | BagV, src: Type, dst: SetT | BagT, u: tuple[Value, ...]) -> tuple[Sym, z3.BoolRef]:
    """A set or bag over universe u; elements outside u (or counts above the
    bag's bound) make the condition false."""
    inside = set(u)
    have = dict(zip(v.universe, _parts(v)))
    oks = [neg(p) if isinstance(v, SetV) else cmp("==", p, 0) for x, p in have.items() if x not in inside]
    if isinstance(v, SetV):
        return SetV(u, tuple(have.get(x, FALSE) for x in u)), conj(oks)
    counts = []
    for x in u:
        c = have.get(x, num(0))
        if c.hi > dst.max_count:
            oks.append(cmp("<=", c, dst.max_count))
        counts.append(Num(c.term, c.lo, min(c.hi, dst.max_count)))
    return BagV(u, tuple(counts)), conj(oks)


#: What `literal` returns for a value that is not made of literals.
UNKNOWN = object()


def literal(t: Type, v: Sym) -> Value:
    """The generic value of v if it is made of literals only (a parameter, a
    constant, an element of a universe), else UNKNOWN: lets map indexing,
    membership and set building pick one component instead of comparing."""
    match t:
        case BoolT():
            return True if v is TRUE else False if v is FALSE else UNKNOWN
        case IntT() | RangeT():
            return UNKNOWN if v.value is None else v.value
        case AtomT(members=ms) | EnumT(members=ms):
            return UNKNOWN if v.value is None else ms[v.value]
        case OptionT(inner):
            if v.some is FALSE:
                return None
            return literal(inner, v.value) if v.some is TRUE else UNKNOWN
        case RecordT(name=name, fields=fs):
            xs = [literal(ft, x) for (_, ft), x in zip(fs, v.fields)]
            if any(x is UNKNOWN for x in xs):
                return UNKNOWN
            return RecordValue(tuple((n, x) for (n, _), x in zip(fs, xs)), name)
        case VariantT(cases=cs):
            i = v.tag.value
            if i is None:
                return UNKNOWN
            xs = [literal(ft, x) for (_, ft), x in zip(cs[i].fields, v.cases[i])]
            if any(x is UNKNOWN for x in xs):
                return UNKNOWN
            return VariantValue(cs[i].name, tuple((n, x) for (n, _), x in zip(cs[i].fields, xs)))
        case SeqT(elem=e):
            n = v.length.value
            if n is None:
                return UNKNOWN
            xs = tuple(literal(e, x) for x in v.elems[:n])
            return UNKNOWN if any(x is UNKNOWN for x in xs) else xs
    return UNKNOWN
