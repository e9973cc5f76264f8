"""TLC's printed values, parsed and converted to specpy's generic values.

TLC prints values as TLA+ expressions: `42`, `"working"`, `TRUE`, model
values as bare names, `{...}`, `<<...>>`, records `[f |-> v, ...]`,
functions `(k1 :> v1 @@ k2 :> v2)` (a function on 1..n prints as a tuple).
`parse_value` reads that text into a small tree; `convert` turns the tree
into the generic value of a specpy type (ir/values.py) following the
export's representation (docs/tla.md), or, without a type, into the
closest generic value (records, maps, sets, tuples, strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

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
    TupleT,
    SetT,
    Type,
    VariantT,
    canonical,
)
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue


class TlcValueError(ValueError):
    """TLC printed something this parser does not understand."""


@dataclass(frozen=True)
class Name:
    """A model value (or any bare identifier TLC printed)."""

    name: str


@dataclass(frozen=True)
class Str:
    text: str


@dataclass(frozen=True)
class SetV:
    elems: tuple


@dataclass(frozen=True)
class SeqV:
    elems: tuple


@dataclass(frozen=True)
class RecV:
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class FunV:
    pairs: tuple[tuple[Any, Any], ...]


_TOKEN = re.compile(r'\s*(?:(-?\d+)|("(?:[^"\\]|\\.)*")|(<<|>>|\|->|:>|@@|[{}\[\](),])|([A-Za-z_][A-Za-z0-9_]*))')


def parse_value(text: str) -> Any:
    """The tree of one printed TLC value."""
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise TlcValueError(f"cannot read TLC value at {text[pos:pos + 30]!r}")
        tokens.append(m.group(m.lastindex) if m.lastindex != 2 else m.group(2))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    parser = _Parser(tokens)
    value = parser.value()
    if parser.i != len(tokens):
        raise TlcValueError(f"unexpected {tokens[parser.i]!r} in TLC value {text[:60]!r}")
    return value


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or expected is not None and tok != expected:
            raise TlcValueError(f"expected {expected or 'a value'}, found {tok!r}")
        self.i += 1
        return tok

    def items(self, close: str, item: Callable[[], Any]) -> tuple:
        out = []
        if self.peek() == close:
            self.take()
            return ()
        while True:
            out.append(item())
            if self.take() == close:
                return tuple(out)

    def value(self) -> Any:
        tok = self.take()
        if tok == "{":
            return SetV(self.items("}", self.value))
        if tok == "<<":
            return SeqV(self.items(">>", self.value))
        if tok == "[":
            return RecV(self.items("]", self.field))
        if tok == "(":
            pairs = [self.pair()]
            while self.peek() == "@@":
                self.take()
                pairs.append(self.pair())
            self.take(")")
            return FunV(tuple(pairs))
        if tok.startswith('"'):
            return Str(tok[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
        if re.fullmatch(r"-?\d+", tok):
            return int(tok)
        if tok in ("TRUE", "FALSE"):
            return tok == "TRUE"
        if re.fullmatch(r"[A-Za-z_]\w*", tok):
            return Name(tok)
        raise TlcValueError(f"unexpected {tok!r} in a TLC value")

    def field(self) -> tuple[str, Any]:
        name = self.take()
        self.take("|->")
        return name, self.value()

    def pair(self) -> tuple[Any, Any]:
        k = self.value()
        self.take(":>")
        return k, self.value()


def convert(tree: Any, t: Type | None, atom: Callable[[str], str] = lambda n: n, tag: str = "tag") -> Value:
    """The generic value of type t (or untyped, if t is None) that TLC printed as `tree`.

    `atom` maps a model value's TLA+ name back to the spec's atom name.
    """
    if t is None:
        return _untyped(tree, atom)
    match t:
        case BoolT() | IntT() | RangeT():
            return tree
        case AtomT():
            return atom(tree.name)
        case EnumT():
            return tree.text
        case OptionT(inner):
            return None if isinstance(tree, Name) and tree.name == "None" else convert(tree, inner, atom, tag)
        case SetT(e):
            return frozenset(convert(x, e, atom, tag) for x in tree.elems)
        case SeqT(e, _):
            return tuple(convert(x, e, atom, tag) for x in _seq_elems(tree))
        case TupleT(fields=fs):
            return RecordValue(tuple((f, convert(x, ft, atom, tag)) for (f, ft), x in zip(fs, _seq_elems(tree))))
        case RecordT(name=name, fields=fs):
            got = dict(tree.fields)
            return RecordValue(tuple((f, convert(got[f], ft, atom, tag)) for f, ft in fs), name)
        case VariantT():
            got = dict(tree.fields)
            case = t.case(got[tag].text)
            return VariantValue(case.name, tuple((f, convert(got[f], ft, atom, tag)) for f, ft in case.fields))
        case MapT(k, v):
            pairs = _fun_pairs(tree)
            return canonical(t, MapValue(tuple((convert(a, k, atom, tag), convert(b, v, atom, tag)) for a, b in pairs)))
        case BagT(e, _):
            pairs = _fun_pairs(tree)
            return canonical(t, BagValue(tuple((convert(a, e, atom, tag), b) for a, b in pairs)))
    raise TlcValueError(f"no conversion of a TLC value to type {t}")


def _seq_elems(tree: Any) -> tuple:
    if isinstance(tree, SeqV):
        return tree.elems
    if isinstance(tree, FunV):  # a function on 1..n that TLC did not print as a tuple
        return tuple(v for _, v in sorted(tree.pairs, key=lambda kv: kv[0]))
    raise TlcValueError("expected a sequence")


def _fun_pairs(tree: Any) -> tuple:
    if isinstance(tree, FunV):
        return tree.pairs
    if isinstance(tree, SeqV):  # domain 1..n, or the empty function
        return tuple((i + 1, v) for i, v in enumerate(tree.elems))
    if isinstance(tree, RecV):  # a function whose domain is a set of strings
        return tuple((Str(f), v) for f, v in tree.fields)
    raise TlcValueError("expected a function")


def _untyped(tree: Any, atom: Callable[[str], str]) -> Value:
    match tree:
        case bool() | int():
            return tree
        case Name(name):
            return atom(name)
        case Str(text):
            return text
        case SetV(elems):
            return frozenset(_untyped(x, atom) for x in elems)
        case SeqV(elems):
            return tuple(_untyped(x, atom) for x in elems)
        case RecV(fields):
            return RecordValue(tuple((f, _untyped(v, atom)) for f, v in fields))
        case FunV(pairs):
            return MapValue(tuple((_untyped(a, atom), _untyped(b, atom)) for a, b in pairs))
    raise TlcValueError(f"no generic value for {tree!r}")

