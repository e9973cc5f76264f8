"""Generic model values: how every stage outside a backend sees a value.

Backends may encode values differently inside (the explicit checker packs
atoms as ints, sets as bitmasks); they decode to these at their boundary, so
traces, ITF files, renderings and tests share one representation:

    bool -> bool             int / range -> int
    atom, enum member -> str (the member's name)
    set[T] -> frozenset      seq[T, N] -> tuple
    [K -> V] -> MapValue     bag[T, N] -> BagValue
    record -> RecordValue    variant -> VariantValue
    T? -> None (for `none`) or the T value itself
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any, Union

from specpy.nodeclass import nodeclass

Value = Any  # one of the Python types listed in the module docstring


@nodeclass
class MapValue:
    """A total map; `items` are (key, value) pairs in canonical key order."""

    items: tuple[tuple[Value, Value], ...]

    def get(self, key: Value) -> Value:
        for k, v in self.items:
            if k == key:
                return v
        raise KeyError(key)

    def as_dict(self) -> dict:
        return dict(self.items)


@nodeclass
class BagValue:
    """A multiset; `items` are (element, count >= 1) in canonical element order."""

    items: tuple[tuple[Value, int], ...]


@nodeclass
class RecordValue:
    """A record; `fields` are (name, value) in declaration order.

    `name` is its type's name (`MsgId`) where the value was made knowing its
    type, so that traces print `MsgId{src: p1, n: 1}` as they print variant
    cases; it takes no part in equality or hashing, so a value made without
    its type (an untyped ITF file, a literal in a test) is the same value.
    """

    fields: tuple[tuple[str, Value], ...]
    name: str = field(default="", compare=False)

    def get(self, name: str) -> Value:
        for k, v in self.fields:
            if k == name:
                return v
        raise KeyError(name)


@nodeclass
class VariantValue:
    """A variant case: its tag and its fields in declaration order."""

    tag: str
    fields: tuple[tuple[str, Value], ...] = ()

    def get(self, name: str) -> Value:
        for k, v in self.fields:
            if k == name:
                return v
        raise KeyError(name)


StructuredValue = Union[MapValue, BagValue, RecordValue, VariantValue]


MAX_DIGITS = 4000
"""Longest integer specpy reads from text, in digits (Python refuses to convert past 4,300)."""

_INTEGER = re.compile(r"-?[0-9]+")


def parse_integer(text: str, what: str = "integer") -> int:
    """An integer written in ASCII digits with an optional minus sign; ValueError otherwise.

    The one rule for integers in text specpy did not write (`{"#bigint": "n"}`,
    JSON numbers, `--const N=V`): not `0_0`, `" 0 "` or `٣`, which `int()` accepts.
    """
    if not _INTEGER.fullmatch(text):
        raise ValueError(f"{text!r} is not an {what} (ASCII digits, optionally after a minus sign)")
    digits = len(text) - text.startswith("-")
    if digits > MAX_DIGITS:
        raise ValueError(f"an {what} of {digits:,} digits is longer than the {MAX_DIGITS:,} specpy reads")
    return int(text)


def tuple_record(elems: tuple[Value, ...] | list[Value]) -> RecordValue:
    """A tuple value: the record of its components, named by position (ir.types.TupleT)."""
    return RecordValue(tuple((str(i + 1), x) for i, x in enumerate(elems)))


def is_tuple_value(v: Value) -> bool:
    """A tuple, not a record: its fields are named "1", "2", ... (no record field can be)."""
    return isinstance(v, RecordValue) and bool(v.fields) and v.fields[0][0] == "1"


def format_value(v: Value) -> str:
    """Render a value in the spec language's own notation."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, str)):
        return str(v)
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted_for_display(v)) + "}"
    if isinstance(v, tuple):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    if isinstance(v, MapValue):
        return "{" + ", ".join(f"{format_value(k)}: {format_value(x)}" for k, x in v.items) + "}"
    if isinstance(v, BagValue):
        return "bag{" + ", ".join(f"{format_value(k)}: {n}" for k, n in v.items) + "}"
    if is_tuple_value(v):
        return "(" + ", ".join(format_value(x) for _, x in v.fields) + ")"
    if isinstance(v, RecordValue):
        return v.name + "{" + ", ".join(f"{k}: {format_value(x)}" for k, x in v.fields) + "}"
    if isinstance(v, VariantValue):
        if not v.fields:
            return v.tag
        return v.tag + "{" + ", ".join(f"{k}: {format_value(x)}" for k, x in v.fields) + "}"
    raise TypeError(f"not a model value: {v!r}")


def sorted_for_display(values) -> list[str]:
    """Set members rendered and ordered stably (ints numerically, others by text).

    Sets of generic values carry no declaration order; rendering sorts them so
    the same state always prints the same way.
    """
    vals = list(values)
    if all(isinstance(x, int) and not isinstance(x, bool) for x in vals):
        return [str(x) for x in sorted(vals)]
    return sorted((format_value(x) for x in vals), key=_natural_key)


def _natural_key(text: str) -> tuple:
    """Order "r2" before "r10"."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
