"""How the explicit checker represents values inside a state, and back.

A state is a flat tuple of internal values in `model.vars` order. Internal
values are small immutable Python objects, so hashing and equality of a whole
state run at C speed and equal values always have equal encodings:

    bool                 bool (generated code may produce 0/1 ints: equal and same hash)
    int, range           int
    atom, enum member    int: the index in the type's members
    record               tuple of fields in declaration order
    variant              tuple (case index, fields...)
    T?                   NONE (the float -0.5, runtime.py) or the T encoding
                         (T itself is never an option)
    set[T]               bitmask int over T's universe index when T has at most
                         BITSET_MAX values, else frozenset of T encodings
    [K -> V]             tuple of V encodings indexed by K's universe index
    seq[T, N]            tuple of T encodings
    bag[T, N]            frozenset of (T encoding, count >= 1) pairs

Every internal value hashes the same in every process (no None, whose hash is
its address in Python 3.11), so fingerprints can be stored and compared
across runs (checkpoint.py). A Codec per type encodes generic values (ir/values.py) for constants and
parameters, decodes states for traces, and tells the code generator how to
turn an element into its universe index ("ordinal") for bitmasks and map keys.
Decoding never runs in the search's hot path.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache, lru_cache
from typing import Any

from specpy.explicit.runtime import NONE, BitElems, NotInType
from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
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
    universe_size,
)
from specpy.ir.values import (
    BagValue,
    MapValue,
    RecordValue,
    Value,
    VariantValue,
    format_value,
)

#: Sets whose element type has at most this many values are bitmask ints.
#: At most 60: a state's fingerprint is Python's hash of the state tuple
#: (store.py), and hash(int) is the int modulo 2**61 - 1, so a wider bitmask
#: would make {e0} and {e61} the same fingerprint and drop a state. Below
#: 2**61 it is the int itself, and only the tuple hash's mixing can collide.
BITSET_MAX = 60
#: Map keys and bitmask elements of composite types are looked up in a table
#: built from the universe; larger key types are refused.
TABLE_MAX = 1 << 16


class Unrepresentable(Exception):
    """A type the explicit checker has no encoding for (reported as E-unsupported)."""


class Codec:
    """The encoding of one type. Subclasses fill in the per-kind behaviour.

    `key` identifies the representation: two types with equal keys encode
    their common values identically (e.g. `0..3` and `int`), so values flow
    between them without conversion. `ordinal_mode` says how generated code
    computes an element's universe index: "self" (the value is the index),
    "offset" (value - lo) or "table" (dict lookup); None if not enumerable.
    """

    type: Type
    key: Hashable
    orderable = True  # internal values compare with `<` (no NONE or frozenset inside)
    needs_check = False  # seq/bag operations may build values outside the type
    ordinal_mode: str | None = "table"
    lo = 0

    def encode(self, v: Value) -> Any:
        raise NotImplementedError

    def decode(self, x: Any) -> Value:
        raise NotImplementedError

    def inside(self, x: Any) -> bool:
        """Is the internal value x a value of this (storage) type?"""
        return True

    def why_not(self, x: Any) -> NotInType:
        """Explain why `inside(x)` is false, for the evaluation error."""
        return NotInType("value-out-of-type", f"{self._show(x)} is not a value of type {type_name(self.type)}")

    def _show(self, x: Any) -> str:
        try:
            return format_value(self.decode(x))
        except (IndexError, TypeError, ValueError, KeyError):
            return "the value"

    def sort_key(self, x: Any) -> Any:
        return x

    def members(self, x: Any) -> tuple:
        """Elements of a collection value, in canonical order (sets, bags: distinct)."""
        raise TypeError(f"{type_name(self.type)} is not a collection")

    def elements(self) -> tuple:
        """The internal values of the whole universe, in canonical order."""
        return _elements(self.type)

    def table(self) -> dict:
        """internal value -> universe index."""
        return _table(self.type)

    def bad(self, v: Value) -> NotInType:
        return NotInType("value-out-of-type", f"{format_value(v)} is not a value of type {type_name(self.type)}")


class BoolCodec(Codec):
    ordinal_mode = "self"

    def __init__(self, t: Type):
        self.type, self.key = t, "bool"

    def encode(self, v: Value) -> Any:
        if not isinstance(v, bool):
            raise self.bad(v)
        return v

    def decode(self, x: Any) -> Value:
        return bool(x)


class IntCodec(Codec):
    """Ranges and unbounded ints: the same representation, so key "int"."""

    ordinal_mode = "offset"

    def __init__(self, t: Type):
        self.type, self.key = t, "int"
        self.bounded = isinstance(t, RangeT)
        self.lo, self.hi = (t.lo, t.hi) if isinstance(t, RangeT) else (0, 0)
        if not self.bounded:
            self.ordinal_mode = None

    def encode(self, v: Value) -> Any:
        if isinstance(v, bool) or not isinstance(v, int) or not self.inside(v):
            raise self.bad(v)
        return v

    def decode(self, x: Any) -> Value:
        return int(x)

    def inside(self, x: Any) -> bool:
        return not self.bounded or self.lo <= x <= self.hi


class IndexCodec(Codec):
    """Atoms and enum members as their index in the declared members."""

    ordinal_mode = "self"

    def __init__(self, t: AtomT | EnumT):
        self.type, self.key = t, ("idx", t)
        self.names = t.members
        self.index = {m: i for i, m in enumerate(t.members)}

    def encode(self, v: Value) -> Any:
        i = self.index.get(v) if isinstance(v, str) else None
        if i is None:
            raise self.bad(v)
        return i

    def decode(self, x: Any) -> Value:
        return self.names[x]

    def inside(self, x: Any) -> bool:
        return 0 <= x < len(self.names)


class RecordCodec(Codec):
    def __init__(self, t: RecordT):
        self.type = t
        self.names = tuple(n for n, _ in t.fields)
        self.fields = tuple(codec(ft) for _, ft in t.fields)
        self.key = ("rec", tuple(f.key for f in self.fields))
        self.orderable = all(f.orderable for f in self.fields)
        self.needs_check = any(f.needs_check for f in self.fields)

    def position(self, name: str) -> int:
        return self.names.index(name)

    def encode(self, v: Value) -> Any:
        if not isinstance(v, RecordValue) or tuple(n for n, _ in v.fields) != self.names:
            raise self.bad(v)
        return tuple(f.encode(x) for f, (_, x) in zip(self.fields, v.fields))

    def decode(self, x: Any) -> Value:
        return RecordValue(tuple((n, f.decode(y)) for n, f, y in zip(self.names, self.fields, x)), self.type.name)

    def inside(self, x: Any) -> bool:
        return all(f.inside(y) for f, y in zip(self.fields, x))

    def why_not(self, x: Any) -> NotInType:
        return _first_bad(zip(self.fields, x)) or super().why_not(x)

    def sort_key(self, x: Any) -> Any:
        return x if self.orderable else tuple(f.sort_key(y) for f, y in zip(self.fields, x))


class VariantCodec(Codec):
    def __init__(self, t: VariantT):
        self.type = t
        self.tags = tuple(c.name for c in t.cases)
        self.names = tuple(tuple(n for n, _ in c.fields) for c in t.cases)
        self.fields = tuple(tuple(codec(ft) for _, ft in c.fields) for c in t.cases)
        self.key = ("var", tuple(tuple(f.key for f in fs) for fs in self.fields))
        every = [f for fs in self.fields for f in fs]
        self.orderable = all(f.orderable for f in every)
        self.needs_check = any(f.needs_check for f in every)

    def case_index(self, tag: str) -> int:
        return self.tags.index(tag)

    def positions(self, name: str) -> tuple[int, ...]:
        """Per case, the tuple position of field `name` (0 where the case lacks it)."""
        return tuple(ns.index(name) + 1 if name in ns else 0 for ns in self.names)

    def encode(self, v: Value) -> Any:
        if not isinstance(v, VariantValue) or v.tag not in self.tags:
            raise self.bad(v)
        i = self.tags.index(v.tag)
        if tuple(n for n, _ in v.fields) != self.names[i]:
            raise self.bad(v)
        return (i,) + tuple(f.encode(y) for f, (_, y) in zip(self.fields[i], v.fields))

    def decode(self, x: Any) -> Value:
        i = x[0]
        return VariantValue(
            self.tags[i], tuple((n, f.decode(y)) for n, f, y in zip(self.names[i], self.fields[i], x[1:]))
        )

    def inside(self, x: Any) -> bool:
        return all(f.inside(y) for f, y in zip(self.fields[x[0]], x[1:]))

    def why_not(self, x: Any) -> NotInType:
        return _first_bad(zip(self.fields[x[0]], x[1:])) or super().why_not(x)

    def sort_key(self, x: Any) -> Any:
        if self.orderable:
            return x
        return (x[0],) + tuple(f.sort_key(y) for f, y in zip(self.fields[x[0]], x[1:]))


class OptionCodec(Codec):
    """`none` is NONE, the float -0.5; any other value is the inner type's encoding.

    Why a float: no codec produces one (encodings are bools, ints, tuples and
    frozensets), so NONE can never equal an encoded value of any inner type,
    however that is encoded. An int sentinel could: ints in expressions are
    unbounded (docs/language.md), so a `x if c else none` of an int x has no
    int to spare. A float's hash is a function of its value alone, the same
    in every process, unlike hash(None), which Python 3.11 derives from None's
    address (different in every process under ASLR), so fingerprints of
    states with optional values stay valid across a checkpoint and a resume.

    Why -0.5: fingerprints are hashes (store.py), so two states that differ
    only where one holds NONE and the other an inner value v collide when
    hash(v) == hash(NONE). hash(-0.5) is -2**60 (floats hash as exact
    rationals modulo 2**61 - 1); the only ints with that hash are those
    congruent to -2**60, far beyond any range a state enumerates, where ints
    already collide with each other (v and v + 2**61 - 1 hash alike), and no
    bitmask set (below 2**60) has it. Tuples and frozensets hash to mixed
    64-bit values like any two distinct states. (inf, by contrast, hashes
    to 314159, the hash of the int 314159.)

    NONE is compared with `==`, never `is`: states cross processes pickled
    (workers.py, store.py) and generated code holds it as a literal, so the
    objects differ while the values are equal.
    """

    orderable = False

    def __init__(self, t: OptionT):
        self.type = t
        self.inner = codec(t.inner)
        if isinstance(t.inner, OptionT):
            raise Unrepresentable(f"{type_name(t)}: an option of an option has no unambiguous encoding")
        self.key = ("opt", self.inner.key)
        self.needs_check = self.inner.needs_check

    def encode(self, v: Value) -> Any:
        return NONE if v is None else self.inner.encode(v)

    def decode(self, x: Any) -> Value:
        return None if x == NONE else self.inner.decode(x)

    def inside(self, x: Any) -> bool:
        return x == NONE or self.inner.inside(x)

    def why_not(self, x: Any) -> NotInType:
        return self.inner.why_not(x)

    def sort_key(self, x: Any) -> Any:
        return (0,) if x == NONE else (1, self.inner.sort_key(x))


class BitSetCodec(Codec):
    """A set over a small universe as a bitmask: bit i is the universe's i-th value."""

    def __init__(self, t: SetT):
        self.type = t
        self.elem = codec(t.elem)
        self.key = ("bits", t.elem)
        self.size = universe_size(t.elem)
        self.bit_elems = BitElems(self.elem.elements())

    def encode(self, v: Value) -> Any:
        if not isinstance(v, frozenset):
            raise self.bad(v)
        table = self.elem.table()
        m = 0
        for e in v:
            m |= 1 << table[self.elem.encode(e)]
        return m

    def decode(self, x: Any) -> Value:
        return frozenset(self.elem.decode(e) for e in self.bit_elems[x])

    def members(self, x: Any) -> tuple:
        return self.bit_elems[x]


class FrozenSetCodec(Codec):
    orderable = False

    def __init__(self, t: SetT):
        self.type = t
        self.elem = codec(t.elem)
        self.key = ("fset", self.elem.key)
        self.needs_check = self.elem.needs_check or (isinstance(t.elem, RangeT))

    def encode(self, v: Value) -> Any:
        if not isinstance(v, frozenset):
            raise self.bad(v)
        return frozenset(self.elem.encode(e) for e in v)

    def decode(self, x: Any) -> Value:
        return frozenset(self.elem.decode(e) for e in x)

    def inside(self, x: Any) -> bool:
        return all(self.elem.inside(e) for e in x)

    def why_not(self, x: Any) -> NotInType:
        return _first_bad((self.elem, e) for e in x) or super().why_not(x)

    def members(self, x: Any) -> tuple:
        return tuple(sorted(x, key=None if self.elem.orderable else self.elem.sort_key))

    def sort_key(self, x: Any) -> Any:
        return (len(x), sorted(self.elem.sort_key(e) for e in x))


class MapCodec(Codec):
    """A total map as the tuple of its values, in key-universe order."""

    def __init__(self, t: MapT):
        self.type = t
        self.keyc = codec(t.key)
        self.value = codec(t.value)
        if self.keyc.ordinal_mode is None or universe_size(t.key) > TABLE_MAX:
            raise Unrepresentable(f"maps keyed by {type_name(t.key)} are too large for the explicit checker")
        self.keys = universe(t.key)
        self.key = ("map", t.key, self.value.key)
        self.orderable = self.value.orderable
        self.needs_check = self.value.needs_check

    def encode(self, v: Value) -> Any:
        if not isinstance(v, MapValue) or len(v.items) != len(self.keys):
            raise self.bad(v)
        d = dict(v.items)
        try:
            return tuple(self.value.encode(d[k]) for k in self.keys)
        except KeyError:
            raise self.bad(v) from None

    def decode(self, x: Any) -> Value:
        return MapValue(tuple((k, self.value.decode(y)) for k, y in zip(self.keys, x)))

    def inside(self, x: Any) -> bool:
        return all(self.value.inside(y) for y in x)

    def why_not(self, x: Any) -> NotInType:
        return _first_bad((self.value, y) for y in x) or super().why_not(x)

    def sort_key(self, x: Any) -> Any:
        return x if self.orderable else tuple(self.value.sort_key(y) for y in x)


class SeqCodec(Codec):
    needs_check = True

    def __init__(self, t: SeqT):
        self.type = t
        self.elem = codec(t.elem)
        self.key = ("seq", self.elem.key)
        self.orderable = self.elem.orderable

    def encode(self, v: Value) -> Any:
        if not isinstance(v, tuple) or len(v) > self.type.max_len:
            raise self.bad(v)
        return tuple(self.elem.encode(e) for e in v)

    def decode(self, x: Any) -> Value:
        return tuple(self.elem.decode(e) for e in x)

    def inside(self, x: Any) -> bool:
        return len(x) <= self.type.max_len and all(self.elem.inside(e) for e in x)

    def why_not(self, x: Any) -> NotInType:
        if len(x) > self.type.max_len:
            return NotInType(
                "seq-overflow",
                f"a sequence of length {len(x)} does not fit {type_name(self.type)}",
            )
        return _first_bad((self.elem, e) for e in x) or super().why_not(x)

    def members(self, x: Any) -> tuple:
        return x

    def sort_key(self, x: Any) -> Any:
        return x if self.orderable else tuple(self.elem.sort_key(e) for e in x)


class BagCodec(Codec):
    needs_check = True
    orderable = False

    def __init__(self, t: BagT):
        self.type = t
        self.elem = codec(t.elem)
        self.key = ("bag", self.elem.key)
        # A bag is checked whole after every change, while only one element
        # is new: the verdict on each element is remembered (messages repeat).
        self.elem_inside = lru_cache(maxsize=1 << 16)(self.elem.inside)
        self.elem_order = None if self.elem.orderable else self.elem.sort_key
        # A bag's distinct elements in canonical order, by bag (`choose`/`receive`
        # and the fault steps ask for them once per state and action; networks repeat).
        self._members: dict[frozenset, tuple] = {}

    def encode(self, v: Value) -> Any:
        if not isinstance(v, BagValue) or not all(1 <= c <= self.type.max_count for _, c in v.items):
            raise self.bad(v)
        return frozenset((self.elem.encode(e), c) for e, c in v.items)

    def decode(self, x: Any) -> Value:
        items = sorted(x, key=lambda ec: self.elem.sort_key(ec[0]))
        return BagValue(tuple((self.elem.decode(e), c) for e, c in items))

    def inside(self, x: Any) -> bool:
        return all(1 <= c <= self.type.max_count and self.elem_inside(e) for e, c in x)

    def why_not(self, x: Any) -> NotInType:
        for e, c in x:
            if c > self.type.max_count:
                return NotInType(
                    "bag-overflow",
                    f"{c} copies of {format_value(self.elem.decode(e))} do not fit {type_name(self.type)}",
                )
        return _first_bad((self.elem, e) for e, _ in x) or super().why_not(x)

    def members(self, x: Any) -> tuple:
        found = self._members.get(x)
        if found is None:
            found = tuple(sorted([e for e, _ in x], key=self.elem_order))
            if len(self._members) < 1 << 16:
                self._members[x] = found
        return found

    def sort_key(self, x: Any) -> Any:
        return sorted((self.elem.sort_key(e), c) for e, c in x)


def _first_bad(pairs) -> NotInType | None:
    for c, y in pairs:
        if not c.inside(y):
            return c.why_not(y)
    return None


@cache
def codec(t: Type) -> Codec:
    """The (shared) codec of a type."""
    match t:
        case BoolT():
            return BoolCodec(t)
        case IntT() | RangeT():
            return IntCodec(t)
        case AtomT() | EnumT():
            return IndexCodec(t)
        case RecordT():
            return RecordCodec(t)
        case VariantT():
            return VariantCodec(t)
        case OptionT():
            return OptionCodec(t)
        case SetT(elem):
            if bitset_elem(elem):
                return BitSetCodec(t)
            return FrozenSetCodec(t)
        case MapT():
            return MapCodec(t)
        case SeqT():
            return SeqCodec(t)
        case BagT():
            return BagCodec(t)
    raise Unrepresentable(f"the explicit checker cannot represent values of type {type_name(t)}")


def bitset_elem(elem: Type) -> bool:
    """Sets of this element type are bitmasks."""
    if isinstance(elem, IntT):
        return False
    try:
        return universe_size(elem) <= BITSET_MAX
    except ValueError:  # an infinite element type (e.g. a set of ints)
        return False


@cache
def _elements(t: Type) -> tuple:
    c = codec(t)
    return tuple(c.encode(v) for v in universe(t))


@cache
def _table(t: Type) -> dict:
    return {x: i for i, x in enumerate(_elements(t))}


class StateCodec:
    """Whole states: internal tuples <-> dicts of generic values (for traces)."""

    def __init__(self, names: tuple[str, ...], types: tuple[Type, ...]):
        self.names = names
        self.codecs = tuple(codec(t) for t in types)

    def decode(self, state: tuple) -> dict[str, Value]:
        return {n: c.decode(x) for n, c, x in zip(self.names, self.codecs, state)}

    def encode(self, values: dict[str, Value]) -> tuple:
        return tuple(c.encode(values[n]) for n, c in zip(self.names, self.codecs))
