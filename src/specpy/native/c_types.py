"""The byte layout of a state for the native core: one C type per IR type.

Every storage type is finite, so a state is a fixed-size byte vector, the
packed C struct `S` with one member per state variable (`v0`, `v1`, ...).
Each IR type gets one C type, used alike in the state and in generated
expressions, and every struct is `packed` (no padding), so that equal values
have equal bytes and a state's fingerprint is a hash of its bytes:

    bool                 uint8_t 0/1
    range lo..hi         the narrowest of int8/uint8/int16/uint16/int32/int64
                         holding lo..hi (the value itself, no offset)
    atom, enum           uint8_t member index (uint16_t past 256 members)
    int (expressions)    int64_t, never stored
    set[T], |T| <= 64    uint8/16/32/64_t bitmask, bit i = T's i-th value
    set[T], |T| <= 4096  struct { uint64_t w[ceil(|T| / 64)]; } bitmask
    [K -> V]             struct { V v[|K|]; }, indexed by K's universe index
    record               struct { F0 f0; F1 f1; ... } in declaration order
    variant              struct { uint8_t tag; union { struct {...} c0; ... } u; }
                         with the bytes of the other cases zero
    T?                   struct { uint8_t some; T v; } with v zero when none
    seq[T, N]            struct { uint8_t n; T v[N]; } with v[n..] zero

Zero bytes where a value has no content (unused cases, `none`, slots past
a sequence's length) are what makes each encoding canonical: generated
code builds every composite value from a zeroed temporary.

A universe index ("ordinal") is what bitmasks and map keys use: the value's
position in `universe(t)` (ir/types.py), computed by generated `ord_tN`
functions and inverted by `val_tN` (parameters, constant domains).

    bag[T, N]            struct { uint8_t n; struct { T e; C c; } v[CAP]; }: the
                         distinct elements with their counts (C the narrowest
                         unsigned type holding N), sorted, v[n..] zero
    set[T], other T      struct { uint8_t n; struct { T e; } v[CAP]; }, sorted,
                         v[n..] zero: sets of `int`, over more than
                         SET_WORDS_MAX * 64 values, or of unnumbered elements

Sorted arrays are ordered as the Python backend orders the elements (its
codec's `sort_key`, mirrored by generated `cmp_N` functions), so equal
values have equal bytes and iteration order is the Python backend's. CAP,
the array's capacity, is chosen per type (`Layout.capacities`, default
CAPACITY); a value that would need more raises CapacityExceeded (in C:
`sp_overflow`), and the search starts over with a larger capacity
(search.py). Not laid out yet (the spec falls back to the Python backend,
saying so): collections or options of collections as map keys or as
elements of bitmask sets.

`pack`/`unpack` convert between this layout and the Python backend's
internal values (explicit/state.py): initial states are made by the Python
backend and packed, and traces are re-executed there.
"""

from __future__ import annotations

import struct
from dataclasses import field
from functools import cached_property

from specpy.diagnostics import Span
from specpy.explicit.runtime import NONE
from specpy.explicit.state import codec
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
    universe_size,
)
from specpy.nodeclass import nodeclass

#: Sets over at most this many 64-bit words of universe are bitmasks.
SET_WORDS_MAX = 64
#: Map key types and set element types with more values than this are refused.
ORDINAL_MAX = SET_WORDS_MAX * 64

_INTS = [  # (C type, struct format, lo, hi), narrowest first
    ("int8_t", "b", -(1 << 7), (1 << 7) - 1),
    ("uint8_t", "B", 0, (1 << 8) - 1),
    ("int16_t", "h", -(1 << 15), (1 << 15) - 1),
    ("uint16_t", "H", 0, (1 << 16) - 1),
    ("int32_t", "i", -(1 << 31), (1 << 31) - 1),
    ("int64_t", "q", -(1 << 63), (1 << 63) - 1),
]


_UNSIGNED = [("uint8_t", "B", 8), ("uint16_t", "H", 16), ("uint32_t", "I", 32), ("uint64_t", "Q", 64)]


#: The first capacity of a sorted array (bags, sets of ints...); doubled on overflow.
CAPACITY = 4
#: The largest capacity (the length byte); past it the spec runs in Python.
CAPACITY_MAX = 255


class CapacityExceeded(Exception):
    """A bag or sorted set of the native layout needs more room than its
    capacity: `index` is its position in `Layout.arrays`."""

    MARK = "native array capacity exceeded: array"

    def __init__(self, index: int) -> None:
        super().__init__(f"{self.MARK} {index}")
        self.index = index

    @classmethod
    def parse(cls, text: str) -> CapacityExceeded | None:
        """The exception named in a worker's traceback, if that is what it is."""
        import re

        found = re.search(re.escape(cls.MARK) + r" (\d+)", text)
        return None if found is None else cls(int(found.group(1)))


class NotNative(Exception):
    """A construct the native core does not compile (yet); the message says
    which, `span` where (set by the innermost IR node that knows one)."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


@nodeclass(frozen=False, eq=False)
class CType:
    """The C representation of one IR type."""

    ir: Type
    name: str  # the C type name (a generated identifier or a <stdint.h> type)
    size: int
    scalar: bool  # held in a C integer (compared with ==), else a packed struct
    decl: str = ""  # the typedef, for struct types
    parts: list[CType] = field(default_factory=list)

    def pack(self, x) -> bytes:
        raise NotImplementedError

    def unpack(self, b: bytes, off: int):
        """(internal value, offset after it)."""
        raise NotImplementedError

    @cached_property
    def count(self) -> int:
        """The number of values (the universe size)."""
        return universe_size(self.ir)


class IntC(CType):
    def __init__(self, ir: Type, cname: str, fmt: str, bool_: bool = False):
        super().__init__(ir, cname, struct.calcsize(fmt), True)
        self.fmt = "<" + fmt
        self.bool = bool_

    def pack(self, x) -> bytes:
        return struct.pack(self.fmt, int(x))

    def unpack(self, b: bytes, off: int):
        (v,) = struct.unpack_from(self.fmt, b, off)
        return (bool(v) if self.bool else v), off + self.size


class BitsC(CType):
    """A bitmask over the element type's universe: an integer up to 64 bits, else words."""

    def __init__(self, ir: SetT, name: str, elem: CType):
        n = universe_size(ir.elem)
        self.elem = elem
        self.nbits = n
        self.py_mask = codec(ir).key[0] == "bits"  # the Python backend holds an int (else a frozenset)
        if n <= 64:
            cname, fmt = next((c, f) for c, f, bits in _UNSIGNED if n <= bits)
            super().__init__(ir, cname, struct.calcsize(fmt), True)
            self.fmt = "<" + fmt
            self.words = 0
        else:
            self.words = (n + 63) // 64
            super().__init__(ir, name, 8 * self.words, False)
            self.decl = f"typedef struct __attribute__((packed)) {{ uint64_t w[{self.words}]; }} {name};"

    def _mask(self, x) -> int:
        if self.py_mask:
            return int(x)
        table = codec(self.ir.elem).table()
        m = 0
        for e in x:
            m |= 1 << table[e]
        return m

    def pack(self, x) -> bytes:
        return self._mask(x).to_bytes(self.size, "little")

    def unpack(self, b: bytes, off: int):
        m = int.from_bytes(b[off : off + self.size], "little")
        if self.py_mask:
            return m, off + self.size
        elems = codec(self.ir.elem).elements()
        return frozenset(elems[i] for i in range(self.nbits) if m >> i & 1), off + self.size


class ArrC(CType):
    """A bag or a set as a sorted bounded array of distinct elements (with
    counts for a bag), in the Python backend's element order."""

    def __init__(self, ir: SetT | BagT, name: str, elem: CType, capacity: int, index: int):
        self.elem = elem
        self.bag = isinstance(ir, BagT)
        self.cap = capacity
        self.index = index  # in Layout.arrays: what CapacityExceeded names
        self.entry = name + "e"
        cbytes = 0
        count = ""
        if isinstance(ir, BagT):
            cname, fmt = next((c, f) for c, f, bits in _UNSIGNED if ir.max_count < (1 << bits))
            cbytes, self.cfmt, self.cname = struct.calcsize(fmt), "<" + fmt, cname
            count = f" {cname} c;"
        decl = (
            f"typedef struct __attribute__((packed)) {{ {elem.name} e;{count} }} {self.entry};\n"
            f"typedef struct __attribute__((packed)) {{ uint8_t n; {self.entry} v[{capacity}]; }} {name};"
        )
        self.width = elem.size + cbytes
        super().__init__(ir, name, 1 + self.width * capacity, False, decl, [elem])
        py = codec(ir)
        self.py_mask = isinstance(ir, SetT) and py.key[0] == "bits"  # the Python backend holds an int mask
        self.order = py.elem.sort_key

    def _items(self, x) -> list:
        """(element, count) pairs of the Python value, in the Python order."""
        if self.bag:
            items = list(x)
        elif self.py_mask:
            elems = codec(self.ir.elem).elements()
            items = [(elems[i], 1) for i in range(len(elems)) if int(x) >> i & 1]
        else:
            items = [(e, 1) for e in x]
        return sorted(items, key=lambda ec: self.order(ec[0]))

    def pack(self, x) -> bytes:
        items = self._items(x)
        if len(items) > self.cap:
            raise CapacityExceeded(self.index)
        body = b"".join(self.elem.pack(e) + (struct.pack(self.cfmt, c) if self.bag else b"") for e, c in items)
        return bytes([len(items)]) + body.ljust(self.size - 1, b"\0")

    def unpack(self, b: bytes, off: int):
        n, at = b[off], off + 1
        items = []
        for _ in range(n):
            e, at = self.elem.unpack(b, at)
            c = 1
            if self.bag:
                (c,) = struct.unpack_from(self.cfmt, b, at)
                at += struct.calcsize(self.cfmt)
            items.append((e, c))
        if self.bag:
            return frozenset(items), off + self.size
        if self.py_mask:
            table = codec(self.ir.elem).table()
            return sum(1 << table[e] for e, _ in items), off + self.size
        return frozenset(e for e, _ in items), off + self.size


class RecordC(CType):
    def __init__(self, ir: RecordT, name: str, fields: list[CType]):
        body = "".join(f" {f.name} f{i};" for i, f in enumerate(fields))
        decl = f"typedef struct __attribute__((packed)) {{{body} }} {name};" if fields else f"typedef struct {{ uint8_t empty; }} {name};"
        super().__init__(ir, name, sum(f.size for f in fields) or 1, False, decl, fields)

    def pack(self, x) -> bytes:
        if not self.parts:
            return b"\0"
        return b"".join(f.pack(y) for f, y in zip(self.parts, x))

    def unpack(self, b: bytes, off: int):
        if not self.parts:
            return (), off + 1
        out = []
        for f in self.parts:
            v, off = f.unpack(b, off)
            out.append(v)
        return tuple(out), off


class VariantC(CType):
    """tag, then a union of one record per case (zero beyond the case's own bytes)."""

    def __init__(self, ir: VariantT, name: str, cases: list[RecordC]):
        width = max((c.size for c in cases), default=1)
        members = "".join(f" {c.name} c{i};" for i, c in enumerate(cases))
        decl = f"typedef struct __attribute__((packed)) {{ uint8_t tag; union __attribute__((packed)) {{{members} }} u; }} {name};"
        super().__init__(ir, name, 1 + width, False, decl, list(cases))
        self.width = width

    def pack(self, x) -> bytes:
        i = x[0]
        body = self.parts[i].pack(x[1:]) if self.parts[i].parts else b""
        return bytes([i]) + body.ljust(self.width, b"\0")

    def unpack(self, b: bytes, off: int):
        i = b[off]
        case = self.parts[i]
        fields, _ = case.unpack(b, off + 1) if case.parts else ((), 0)
        return (i,) + tuple(fields), off + self.size


class OptionC(CType):
    def __init__(self, ir: OptionT, name: str, inner: CType):
        decl = f"typedef struct __attribute__((packed)) {{ uint8_t some; {inner.name} v; }} {name};"
        super().__init__(ir, name, 1 + inner.size, False, decl, [inner])

    def pack(self, x) -> bytes:
        if x == NONE:
            return b"\0" * self.size
        return b"\1" + self.parts[0].pack(x)

    def unpack(self, b: bytes, off: int):
        if b[off] == 0:
            return NONE, off + self.size
        v, _ = self.parts[0].unpack(b, off + 1)
        return v, off + self.size


class MapC(CType):
    def __init__(self, ir: MapT, name: str, value: CType, keys: int):
        decl = f"typedef struct __attribute__((packed)) {{ {value.name} v[{keys}]; }} {name};"
        super().__init__(ir, name, value.size * keys, False, decl, [value])
        self.keys = keys

    def pack(self, x) -> bytes:
        return b"".join(self.parts[0].pack(y) for y in x)

    def unpack(self, b: bytes, off: int):
        out = []
        for _ in range(self.keys):
            v, off = self.parts[0].unpack(b, off)
            out.append(v)
        return tuple(out), off


class SeqC(CType):
    def __init__(self, ir: SeqT, name: str, elem: CType):
        n = ir.max_len
        decl = f"typedef struct __attribute__((packed)) {{ uint8_t n; {elem.name} v[{max(n, 1)}]; }} {name};"
        super().__init__(ir, name, 1 + elem.size * max(n, 1), False, decl, [elem])
        self.max_len = n

    def pack(self, x) -> bytes:
        body = b"".join(self.parts[0].pack(y) for y in x)
        return bytes([len(x)]) + body.ljust(self.size - 1, b"\0")

    def unpack(self, b: bytes, off: int):
        n, at = b[off], off + 1
        out = []
        for _ in range(n):
            v, at = self.parts[0].unpack(b, at)
            out.append(v)
        return tuple(out), off + self.size


class Layout:
    """The C types of a model: one per IR type met, each declared once, in dependency order."""

    def __init__(self, capacities: dict[Type, int] | None = None) -> None:
        self.types: dict[Type, CType] = {}
        self.decls: list[str] = []
        self._count = 0
        self.capacities = capacities or {}  # per bag or sorted-set type; CAPACITY when absent
        self.arrays: list[ArrC] = []  # the sorted-array types, in creation order

    def _array(self, t: SetT | BagT, what: str) -> ArrC:
        elem = self.of(t.elem)
        if not sortable(t.elem):
            raise NotNative(f"{what} of type {type_name(t.elem)} are not native yet")
        cap = self.capacities.get(t, CAPACITY)
        if not isinstance(t.elem, IntT):
            cap = min(cap, max(universe_size(t.elem), 1))  # every element: no overflow possible
        arr = ArrC(t, self._fresh(), elem, cap, len(self.arrays))
        self.arrays.append(arr)
        return arr

    def _fresh(self) -> str:
        self._count += 1
        return f"t{self._count}"

    def of(self, t: Type) -> CType:
        """The C type of IR type t (NotNative if it has none yet)."""
        found = self.types.get(t)
        if found is None:
            found = self.types[t] = self._make(t)
            if found.decl:
                self.decls.append(found.decl)
        return found

    def _make(self, t: Type) -> CType:
        match t:
            case BoolT():
                return IntC(t, "uint8_t", "B", bool_=True)
            case IntT():
                return IntC(t, "int64_t", "q")
            case RangeT(lo, hi):
                fits = next(((c, f) for c, f, a, b in _INTS if a <= lo and hi <= b), None)
                if fits is None:  # found by bench/fuzz: 0..99999999999999999999 (was StopIteration, 153)
                    raise NotNative(f"the range {lo}..{hi} does not fit in 64 bits")
                return IntC(t, *fits)
            case AtomT(members=ms) | EnumT(members=ms):
                return IntC(t, "uint8_t", "B") if len(ms) <= 256 else IntC(t, "uint16_t", "H")
            case RecordT(fields=fs):
                return RecordC(t, self._fresh(), [self.of(ft) for _, ft in fs])
            case VariantT(cases=cs):
                cases = [RecordC(RecordT(f"{t.name}.{c.name}", c.fields), self._fresh(), [self.of(ft) for _, ft in c.fields]) for c in cs]
                for c in cases:
                    self.decls.append(c.decl)
                return VariantC(t, self._fresh(), cases)
            case OptionT(inner):
                return OptionC(t, self._fresh(), self.of(inner))
            case SetT(elem):
                if isinstance(elem, IntT) or not ordinal_type(elem) or universe_size(elem) > ORDINAL_MAX:
                    return self._array(t, "set elements")
                return BitsC(t, self._fresh(), self.of(elem))
            case BagT():
                return self._array(t, "bag elements")
            case MapT(k, v):
                self.element(k, "map keys")
                return MapC(t, self._fresh(), self.of(v), universe_size(k))
            case SeqT(elem, n):
                if n > 255:
                    raise NotNative(f"{type_name(t)}: sequences longer than 255 are not native yet")
                return SeqC(t, self._fresh(), self.of(elem))
        raise NotNative(f"values of type {type_name(t)} are not native yet")

    def element(self, t: Type, what: str) -> CType:
        """The C type of a type whose values are numbered (set elements, map keys)."""
        if not ordinal_type(t):
            raise NotNative(f"{what} of type {type_name(t)} are not native yet")
        if universe_size(t) > ORDINAL_MAX:
            raise NotNative(f"{what} of type {type_name(t)} ({universe_size(t):,} values) are not native yet")
        return self.of(t)


#: Sets as set elements, map keys or parameters: at most this many elements
#: (their universe indices are looked up in tables of 2^n entries).
SMALL_SET_ELEMS = 12


def sortable(t: Type) -> bool:
    """Values of t can be elements of a sorted array: a generated comparison
    orders them as the Python backend's `sort_key` does (no set held as a
    frozenset, bag or sorted set inside)."""
    match t:
        case BoolT() | RangeT() | AtomT() | EnumT() | IntT():
            return True
        case SetT(elem):
            return codec(t).key[0] == "bits" and universe_size(elem) <= 64
        case RecordT(fields=fs):
            return all(sortable(ft) for _, ft in fs)
        case VariantT(cases=cs):
            return all(sortable(ft) for c in cs for _, ft in c.fields)
        case OptionT(inner) | SeqT(inner, _):
            return sortable(inner)
        case MapT(_, v):
            return sortable(v)
    return False


def ordinal_type(t: Type) -> bool:
    """Values of t are numbered by generated ord/val functions (scalars,
    records, variants, options of them, sets of up to SMALL_SET_ELEMS)."""
    match t:
        case SetT(elem):
            return ordinal_type(elem) and universe_size(elem) <= SMALL_SET_ELEMS
        case BoolT() | RangeT() | AtomT() | EnumT():
            return True
        case RecordT(fields=fs):
            return all(ordinal_type(ft) for _, ft in fs)
        case VariantT(cases=cs):
            return all(ordinal_type(ft) for c in cs for _, ft in c.fields)
        case OptionT(inner):
            return ordinal_type(inner)
    return False

