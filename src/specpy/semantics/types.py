"""Type expressions → IR types, and the relations between types.

Declared types are resolved on first use (declarations may come in any order);
a type that refers to itself is an error, since every type must be finite.
`--type` overrides replace an atom type's members here.
"""

from __future__ import annotations


from specpy.diagnostics import Note
from specpy.ir.types import (
    AtomT, BagT, BoolT, Case, EmptyCollectionT, EnumT, IntT, MapT, OptionT, RangeT,
    RecordT, SeqT, SetT, TupleT, Type, VariantT, is_int, tuple_type, type_name,
)
from specpy.semantics.consts import ConstEvaluator
from specpy.semantics.errors import ErrorSink
from specpy.semantics.symbols import Symbols
from specpy.syntax import ast

_RESOLVING = object()


class TypeResolver:
    def __init__(
        self,
        errors: ErrorSink,
        symbols: Symbols,
        consts: ConstEvaluator,
        decls: dict[str, ast.TypeDecl],
        type_overrides: dict[str, tuple[str, ...]],
    ):
        self.errors = errors
        self.symbols = symbols
        self.consts = consts
        self.decls = decls
        self.type_overrides = type_overrides
        self._state: dict[str, object] = {}

    # -- declared types

    def declared(self, name: str) -> Type:
        """The IR type of a declared type name (resolving it if needed)."""
        done = self.symbols.types.get(name)
        if done is not None:
            return done
        decl = self.decls[name]
        if self._state.get(name) is _RESOLVING:
            self.errors.fail(
                "E-recursive-type",
                f"type {name} refers to itself; every type must be finite",
                decl.name.span,
            )
        self._state[name] = _RESOLVING
        try:
            t = self._declaration_body(decl)
        finally:
            self._state.pop(name, None)
        self.symbols.types[name] = t
        return t

    def _declaration_body(self, decl: ast.TypeDecl) -> Type:
        name = decl.name.name
        body = decl.body
        if decl.symmetric and not isinstance(body, ast.AtomsBody):
            self.errors.fail(
                "E-symmetric-not-atoms",
                f"only a type of atoms can be symmetric; {name} is not `{{a, b, ...}}`",
                decl.span,
            )
        match body:
            case ast.AtomsBody(members=members):
                names = tuple(m.name for m in members)
                if name in self.type_overrides:
                    names = self.type_overrides[name]
                return AtomT(name, names, decl.symmetric)
            case ast.EnumBody(members=members):
                return EnumT(name, tuple(m.name for m in members))
            case ast.RecordBody(fields=fields):
                return RecordT(name, self._fields(fields, f"record {name}"))
            case ast.VariantBody(alts=alts):
                return VariantT(
                    name,
                    tuple(Case(a.name.name, self._fields(a.fields, f"case {a.name.name}")) for a in alts),
                )
        return self.resolve(body)

    def _fields(self, fields: tuple[ast.FieldDecl, ...], owner: str) -> tuple[tuple[str, Type], ...]:
        seen: dict[str, ast.FieldDecl] = {}
        out = []
        for f in fields:
            if f.name.name in seen:
                self.errors.fail(
                    "E-duplicate-field",
                    f"field `{f.name.name}` is declared twice in {owner}",
                    f.name.span,
                    (Note("first declared here", seen[f.name.name].name.span),),
                )
            seen[f.name.name] = f
            out.append((f.name.name, self.resolve(f.type)))
        return tuple(out)

    # -- type expressions

    def resolve(self, t: ast.TypeExpr) -> Type:
        match t:
            case ast.NamedType(name="bool"):
                return BoolT()
            case ast.NamedType(name="int"):
                self.errors.fail(
                    "E-unbounded-type",
                    "`int` is unbounded; every type must be finite: use a range such as `0..3`",
                    t.span,
                )
            case ast.NamedType(name=name):
                if name in self.decls:
                    return self.declared(name)
                self._unknown_type(name, t)
            case ast.RangeType(lo=lo, hi=hi):
                a = self.consts.int_value(lo, "a range's lower bound")
                b = self.consts.int_value(hi, "a range's upper bound")
                if b < a:
                    self.errors.fail("E-empty-range", f"the range {a}..{b} is empty", t.span)
                return RangeT(a, b, self.consts.term(lo), self.consts.term(hi))
            case ast.SetType(elem=e):
                return SetT(self.resolve(e))
            case ast.MapType(key=k, value=v):
                return MapT(self.resolve(k), self.resolve(v))
            case ast.SeqType(elem=e, bound=b):
                n = self.consts.int_value(b, "a sequence's length bound")
                if n < 0:
                    self.errors.fail("E-negative-bound", f"a sequence's length bound must be at least 0, not {n}", b.span)
                return SeqT(self.resolve(e), n, self.consts.term(b))
            case ast.BagType(elem=e, bound=b):
                n = self.consts.int_value(b, "a bag's copy bound")
                if n < 1:
                    self.errors.fail("E-negative-bound", f"a bag's copy bound must be at least 1, not {n}", b.span)
                return BagT(self.resolve(e), n, self.consts.term(b))
            case ast.TupleType(elems=es):
                return tuple_type([self.resolve(x) for x in es])
            case ast.OptionType(inner=i):
                inner = self.resolve(i)
                if isinstance(inner, OptionT):
                    self.errors.fail("E-nested-option", f"`{type_name(inner)}?` is not allowed; one `?` is enough", t.span)
                return OptionT(inner)
            case ast.AtomsBody() | ast.EnumBody() | ast.RecordBody() | ast.VariantBody():
                self.errors.fail(
                    "E-anonymous-type",
                    "atoms, enums, records and variants must be declared with `type Name = ...`",
                    t.span,
                )
        raise AssertionError(f"unhandled type expression {t!r}")

    def _unknown_type(self, name: str, t: ast.NamedType):
        kind = self.symbols.kind_of(name)
        if kind is not None:
            self.errors.fail("E-not-a-type", f"`{name}` is a {kind}, not a type", t.span)
        import difflib  # only for a misspelled name: not on every run's start-up

        close = difflib.get_close_matches(name, [*self.decls, "bool"], n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.errors.fail("E-unknown-type", f"unknown type `{name}`{hint}", t.span)


# -- relations between types


def _strip_range(t: Type) -> Type:
    return IntT() if isinstance(t, RangeT) else t


def assignable(src: Type, dst: Type) -> bool:
    """Can a value of type src be stored where dst is expected?

    Integers of any range fit any integer type statically (the value is
    checked when stored); `T` fits `T?`; `T?` fits `T` with a run-time check
    (see exprs.coerce); `{}`/`[]` fit any collection of their kind.
    """
    if src == dst:
        return True
    if is_int(src) and is_int(dst):
        return True
    if isinstance(src, EmptyCollectionT):
        if src.kind == "seq":
            return isinstance(dst, SeqT)
        return isinstance(dst, (SetT, BagT, MapT))
    if isinstance(dst, OptionT):
        return assignable(src.inner if isinstance(src, OptionT) else src, dst.inner)
    if isinstance(src, OptionT):
        return assignable(src.inner, dst)
    match src, dst:
        case TupleT(), TupleT():
            return len(src.fields) == len(dst.fields) and all(assignable(a, b) for a, b in zip(src.elems, dst.elems))
        case SetT(a), SetT(b):
            return assignable(a, b)
        case SeqT(a, _), SeqT(b, _):
            return assignable(a, b)
        case BagT(a, _), BagT(b, _):
            return assignable(a, b)
        case MapT(k1, v1), MapT(k2, v2):
            return _strip_range(k1) == _strip_range(k2) and assignable(v1, v2)
    return False


def join(a: Type, b: Type) -> Type | None:
    """The type both a and b fit, preferring the more precise one; None if none."""
    if a == b:
        return a
    if isinstance(a, EmptyCollectionT):
        return b if assignable(a, b) else None
    if isinstance(b, EmptyCollectionT):
        return a if assignable(b, a) else None
    if is_int(a) and is_int(b):
        if isinstance(a, RangeT) and isinstance(b, RangeT):
            return RangeT(min(a.lo, b.lo), max(a.hi, b.hi))
        return IntT()
    if isinstance(a, OptionT) or isinstance(b, OptionT):
        ia = a.inner if isinstance(a, OptionT) else a
        ib = b.inner if isinstance(b, OptionT) else b
        j = join(ia, ib)
        return OptionT(j) if j is not None else None
    match a, b:
        case TupleT(), TupleT() if len(a.fields) == len(b.fields):
            parts = [join(x, y) for x, y in zip(a.elems, b.elems)]
            return None if None in parts else tuple_type(parts)
        case SetT(x), SetT(y):
            j = join(x, y)
            return SetT(j) if j is not None else None
        case SeqT(x, n), SeqT(y, m):
            j = join(x, y)
            return SeqT(j, max(n, m)) if j is not None else None
        case BagT(x, n), BagT(y, m):
            j = join(x, y)
            return BagT(j, max(n, m)) if j is not None else None
        case MapT(k1, v1), MapT(k2, v2) if _strip_range(k1) == _strip_range(k2):
            j = join(v1, v2)
            return MapT(k1, j) if j is not None else None
    return None
