"""IR types. Every storage type is finite; `IntT` exists only for expressions.

Each type knows its universe (every value, in canonical order) and how to
test membership of a generic value (ir/values.py). Canonical order is
declaration order for atoms and enums, numeric for ranges, false < true, and
derived orders for composite types; it fixes the order in which `for`,
`choose` and parameters are enumerated, so every run is deterministic.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import field
from functools import lru_cache

from specpy.ir.const_terms import ConstTerm
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue
from specpy.nodeclass import nodeclass


@nodeclass
class Type:
    def __str__(self) -> str:
        return type_name(self)


@nodeclass
class BoolT(Type):
    pass


@nodeclass
class IntT(Type):
    """An integer of unknown range: the type of arithmetic expressions.

    Never a storage type; a value is checked against its RangeT when stored.
    """


@nodeclass
class RangeT(Type):
    lo: int
    hi: int
    # how the bounds were written, for the TLA+ export (ir/const_terms.py)
    lo_term: ConstTerm | None = field(default=None, compare=False, repr=False)
    hi_term: ConstTerm | None = field(default=None, compare=False, repr=False)


@nodeclass
class AtomT(Type):
    """A set of model values. `symmetric` permits symmetry reduction."""

    name: str
    members: tuple[str, ...]
    symmetric: bool = False


@nodeclass
class EnumT(Type):
    name: str
    members: tuple[str, ...]


@nodeclass
class RecordT(Type):
    name: str
    fields: tuple[tuple[str, Type], ...]

    def field_type(self, name: str) -> Type | None:
        return dict(self.fields).get(name)


@nodeclass
class TupleT(RecordT):
    """A tuple `(A, B)`: a record whose fields are its positions "1", "2", ...

    As in TLA+, where a tuple is a function on 1..n, a tuple is a record with
    positional field names, so every backend that handles records handles
    tuples; only what a user reads (TLA+ `<<a, b>>`, ITF `#tup`, traces
    `(a, b)`) tells them apart. Build one with `tuple_type`.
    """

    @property
    def elems(self) -> tuple[Type, ...]:
        return tuple(t for _, t in self.fields)


def tuple_type(elems: tuple[Type, ...] | list[Type]) -> TupleT:
    """The tuple type of the given component types."""
    name = "(" + ", ".join(type_name(t) for t in elems) + ")"
    return TupleT(name, tuple((str(i + 1), t) for i, t in enumerate(elems)))


@nodeclass
class Case:
    name: str
    fields: tuple[tuple[str, Type], ...]


@nodeclass
class VariantT(Type):
    name: str
    cases: tuple[Case, ...]

    def case(self, tag: str) -> Case | None:
        for c in self.cases:
            if c.name == tag:
                return c
        return None


@nodeclass
class SetT(Type):
    elem: Type


@nodeclass
class MapT(Type):
    key: Type
    value: Type


@nodeclass
class SeqT(Type):
    elem: Type
    max_len: int
    max_len_term: ConstTerm | None = field(default=None, compare=False, repr=False)


@nodeclass
class BagT(Type):
    elem: Type
    max_count: int
    max_count_term: ConstTerm | None = field(default=None, compare=False, repr=False)


@nodeclass
class OptionT(Type):
    inner: Type


#: The type of `{}` and `[]` before the expected type is known (typechecker only).
@nodeclass
class EmptyCollectionT(Type):
    kind: str  # "set-like" for {} or "seq" for []


def type_name(t: Type) -> str:
    """How a type is written in the spec language (for messages)."""
    match t:
        case BoolT():
            return "bool"
        case IntT():
            return "int"
        case RangeT(lo, hi):
            return f"{lo}..{hi}"
        case AtomT(name=name) | EnumT(name=name) | RecordT(name=name) | VariantT(name=name):
            return name
        case SetT(elem):
            return f"set[{type_name(elem)}]"
        case MapT(k, v):
            return f"[{type_name(k)} -> {type_name(v)}]"
        case SeqT(elem, n):
            return f"seq[{type_name(elem)}, {n}]"
        case BagT(elem, n):
            return f"bag[{type_name(elem)}, {n}]"
        case OptionT(inner):
            return f"{type_name(inner)}?"
        case EmptyCollectionT(kind):
            return "[]" if kind == "seq" else "{}"
    return repr(t)


def is_int(t: Type) -> bool:
    return isinstance(t, (IntT, RangeT))


def is_finite(t: Type) -> bool:
    """True for every type a variable, parameter or set element may have."""
    match t:
        case IntT() | EmptyCollectionT():
            return False
        case SetT(e) | SeqT(e, _) | BagT(e, _) | OptionT(e):
            return is_finite(e)
        case MapT(k, v):
            return is_finite(k) and is_finite(v)
        case RecordT(fields=fs):
            return all(is_finite(ft) for _, ft in fs)
        case VariantT(cases=cs):
            return all(is_finite(ft) for c in cs for _, ft in c.fields)
    return True


def within(src: Type, dst: Type) -> bool:
    """Every value of src is a value of dst (conservative)."""
    if src == dst or isinstance(dst, IntT) and isinstance(src, (IntT, RangeT)):
        return True
    match src, dst:
        case RangeT(a, b), RangeT(c, d):
            return c <= a and b <= d
        case TupleT(), TupleT():
            return len(src.fields) == len(dst.fields) and all(within(x, y) for x, y in zip(src.elems, dst.elems))
        case _, OptionT(inner):
            return within(src.inner if isinstance(src, OptionT) else src, inner)
        case SetT(x), SetT(y):
            return within(x, y)
        case SeqT(x, n), SeqT(y, m):
            return n <= m and within(x, y)
        case BagT(x, n), BagT(y, m):
            return n <= m and within(x, y)
        case MapT(k1, v1), MapT(k2, v2):
            return k1 == k2 and within(v1, v2)
    return False


UNIVERSE_CAP = 2**64
"""`universe_size` counts up to this and stops: every limit specpy applies
(sets as bitmasks, tables, enumeration, parameter tuples) is far below it, and
a count like 2**(2**65536) for `set[set[...]]` is never built."""


def universe_size(t: Type) -> int:
    """The number of values of a finite type, without enumerating them; a type
    with more than UNIVERSE_CAP values counts as UNIVERSE_CAP + 1 (see
    `describe_size`), so the count stays a machine-sized number."""
    match t:
        case BoolT():
            n = 2
        case RangeT(lo, hi):
            n = max(hi - lo + 1, 0)
        case AtomT(members=ms) | EnumT(members=ms):
            n = len(ms)
        case RecordT(fields=fs):
            n = _product(universe_size(ft) for _, ft in fs)
        case VariantT(cases=cs):
            n = sum(_product(universe_size(ft) for _, ft in c.fields) for c in cs)
        case SetT(e):
            n = _power(2, universe_size(e))
        case MapT(k, v):
            n = _power(universe_size(v), universe_size(k))
        case SeqT(e, length):
            m, n, term = universe_size(e), 1, 1  # 1 + m + m**2 + ... + m**length
            if m <= 1:
                n = 1 + length * m
            for _ in range(length if m > 1 else 0):
                term = min(term * m, UNIVERSE_CAP + 1)
                n += term
                if n > UNIVERSE_CAP or term == 0:
                    break
        case BagT(e, most):
            n = _power(most + 1, universe_size(e))
        case OptionT(inner):
            n = universe_size(inner) + 1
        case _:
            raise ValueError(f"type {type_name(t)} has no finite universe")
    return min(n, UNIVERSE_CAP + 1)


def describe_size(n: int) -> str:
    """A universe size for a message: the number, or "more than 2**64"."""
    return "more than 2**64" if n > UNIVERSE_CAP else f"{n:,}"


def _product(factors: Iterable[int]) -> int:
    n = 1
    for f in factors:
        n = min(n * f, UNIVERSE_CAP + 1)
    return n


def _power(base: int, exponent: int) -> int:
    """min(base**exponent, UNIVERSE_CAP + 1), computed without the big number."""
    if base <= 1 or exponent == 0:
        return 1 if exponent == 0 else base
    if exponent > 64 or exponent * base.bit_length() > 130:
        return UNIVERSE_CAP + 1
    return min(base**exponent, UNIVERSE_CAP + 1)


@lru_cache(maxsize=None)
def universe(t: Type) -> tuple[Value, ...]:
    """Every value of a finite type, in canonical order."""
    match t:
        case BoolT():
            return (False, True)
        case RangeT(lo, hi):
            return tuple(range(lo, hi + 1))
        case AtomT(members=ms) | EnumT(members=ms):
            return ms
        case RecordT(name=name, fields=fs):
            names = [n for n, _ in fs]
            return tuple(
                RecordValue(tuple(zip(names, combo)), name)
                for combo in itertools.product(*(universe(ft) for _, ft in fs))
            )
        case VariantT(cases=cs):
            out: list[Value] = []
            for c in cs:
                names = [n for n, _ in c.fields]
                for combo in itertools.product(*(universe(ft) for _, ft in c.fields)):
                    out.append(VariantValue(c.name, tuple(zip(names, combo))))
            return tuple(out)
        case SetT(e):
            elems = universe(e)
            return tuple(
                frozenset(s)
                for r in range(len(elems) + 1)
                for s in itertools.combinations(elems, r)
            )
        case MapT(k, v):
            keys = universe(k)
            return tuple(
                MapValue(tuple(zip(keys, combo)))
                for combo in itertools.product(universe(v), repeat=len(keys))
            )
        case SeqT(e, n):
            elems = universe(e)
            return tuple(
                tuple(s) for i in range(n + 1) for s in itertools.product(elems, repeat=i)
            )
        case BagT(e, n):
            elems = universe(e)
            out = []
            # Items in canonical order (order_key), as `canonical` leaves them: the
            # universe's own order of e differs from it when e is itself a bag.
            ranked = sorted(range(len(elems)), key=lambda i: order_key(e, elems[i]))
            for counts in itertools.product(range(n + 1), repeat=len(elems)):
                out.append(BagValue(tuple((elems[i], counts[i]) for i in ranked if counts[i])))
            return tuple(out)
        case OptionT(inner):
            return (None,) + universe(inner)
    raise ValueError(f"type {type_name(t)} has no finite universe")


def contains(t: Type, v: Value) -> bool:
    """Is the generic value v a value of type t?"""
    match t:
        case BoolT():
            return isinstance(v, bool)
        case IntT():
            return isinstance(v, int) and not isinstance(v, bool)
        case RangeT(lo, hi):
            return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        case AtomT(members=ms) | EnumT(members=ms):
            return isinstance(v, str) and v in ms
        case RecordT(fields=fs):
            return (
                isinstance(v, RecordValue)
                and [n for n, _ in v.fields] == [n for n, _ in fs]
                and all(contains(ft, x) for (_, ft), (_, x) in zip(fs, v.fields))
            )
        case VariantT():
            if not isinstance(v, VariantValue):
                return False
            case = t.case(v.tag)
            return (
                case is not None
                and [n for n, _ in v.fields] == [n for n, _ in case.fields]
                and all(contains(ft, x) for (_, ft), (_, x) in zip(case.fields, v.fields))
            )
        case SetT(e):
            return isinstance(v, frozenset) and all(contains(e, x) for x in v)
        case MapT(k, val):
            return (
                isinstance(v, MapValue)
                and sorted(map(repr, (x for x, _ in v.items))) == sorted(map(repr, universe(k)))
                and all(contains(val, x) for _, x in v.items)
            )
        case SeqT(e, n):
            return isinstance(v, tuple) and len(v) <= n and all(contains(e, x) for x in v)
        case BagT(e, n):
            return isinstance(v, BagValue) and all(
                contains(e, x) and 1 <= c <= n for x, c in v.items
            )
        case OptionT(inner):
            return v is None or contains(inner, v)
    return False


def order_key(t: Type, v: Value):
    """A sort key giving the canonical order of values of type t.

    `universe(t)` is sorted by this key (tests/ir/test_types.py checks it).
    """
    match t:
        case BoolT() | IntT() | RangeT():
            return int(v)
        case AtomT(members=ms) | EnumT(members=ms):
            return ms.index(v)
        case RecordT(fields=fs):
            return tuple(order_key(ft, x) for (_, ft), (_, x) in zip(fs, v.fields))
        case VariantT(cases=cs):
            i = [c.name for c in cs].index(v.tag)
            case = cs[i]
            return (i,) + tuple(order_key(ft, x) for (_, ft), (_, x) in zip(case.fields, v.fields))
        case SetT(e):
            keys = sorted(order_key(e, x) for x in v)
            return (len(keys), keys)
        case MapT(_, val):
            return tuple(order_key(val, x) for _, x in v.items)
        case SeqT(e, _):
            return (len(v), [order_key(e, x) for x in v])
        case BagT(e, _):
            # The count of each element, in the element type's canonical order:
            # the same order in which `universe` enumerates bags.
            counts = dict(v.items)
            return tuple(counts.get(x, 0) for x in universe(e))
        case OptionT(inner):
            return (0,) if v is None else (1, order_key(inner, v))
    raise ValueError(f"no order for type {type_name(t)}")


def canonical(t: Type, v: Value) -> Value:
    """Normalise a generic value's internal order (map and bag items)."""
    match t:
        case MapT(k, val):
            items = sorted(v.items, key=lambda kv: order_key(k, kv[0]))
            return MapValue(tuple((kk, canonical(val, x)) for kk, x in items))
        case BagT(e, _):
            items = sorted(((canonical(e, x), c) for x, c in v.items if c), key=lambda kv: order_key(e, kv[0]))
            return BagValue(tuple(items))
        case SetT(e):
            return frozenset(canonical(e, x) for x in v)
        case SeqT(e, _):
            return tuple(canonical(e, x) for x in v)
        case RecordT(name=name, fields=fs):
            return RecordValue(tuple((n, canonical(ft, x)) for (n, ft), (_, x) in zip(fs, v.fields)), name)
        case VariantT():
            case = t.case(v.tag)
            return VariantValue(v.tag, tuple((n, canonical(ft, x)) for (n, ft), (_, x) in zip(case.fields, v.fields)))
        case OptionT(inner):
            return None if v is None else canonical(inner, v)
    return v
