"""Expressions: resolve names, check types, and build typed IR expressions.

Checking is bidirectional: `check(e, expected)` passes down the type the
context wants, which decides what `{}`, `[]`, `none` and set literals are
(a set, a bag or a map), and which lets `Prepared{rm: r}` be checked field by
field. Every error names what was found and what would have fitted.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field

from specpy.diagnostics import Note, Span
from specpy.ir import expr as ir
from specpy.ir.types import (
    AtomT, BagT, BoolT, EmptyCollectionT, EnumT, IntT, MapT, OptionT, RangeT, RecordT,
    SeqT, SetT, Type, VariantT, describe_size, is_finite, is_int, type_name, universe, universe_size,
)
from specpy.ir.values import BagValue, VariantValue
from specpy.semantics.errors import ErrorSink
from specpy.semantics.symbols import Symbols
from specpy.semantics.types import TypeResolver, assignable, join
from specpy.syntax import ast

#: Types used as expressions (`Server`, `set[Server]` parameters) are enumerated;
#: beyond this many values the spec is almost certainly a mistake.
MAX_UNIVERSE = 1_000_000

BUILTINS = {"len": 1, "min": 1, "max": 1, "append": 2, "last": 1}


@dataclass
class Context:
    """Where an expression appears: what it may read."""

    what: str  # "an invariant", "action Foo", ... (for messages)
    state: bool = True  # may read state variables
    primes: bool = False  # may read x' (transition invariants)
    # In `init`, the variables assigned so far (reading others is an error).
    assigned: set[str] | None = None


@dataclass
class Scope:
    names: dict[str, ir.Local] = field(default_factory=dict)
    parent: Scope | None = None

    def lookup(self, name: str) -> ir.Local | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None


class ExprChecker:
    def __init__(self, errors: ErrorSink, symbols: Symbols, types: TypeResolver):
        self.errors = errors
        self.symbols = symbols
        self.types = types
        self._uids = itertools.count(1)
        self._def_stack: list[str] = []
        self._def_bodies: dict[str, tuple[tuple[ir.Local, ...], ir.Expr]] = {}

    # ------------------------------------------------------------ locals

    def new_local(self, scope: Scope, ident: ast.Ident, t: Type) -> ir.Local:
        name = ident.name
        if name in self.symbols.spans and self.symbols.kind_of(name) is not None:
            self.errors.fail(
                "E-shadowing",
                f"`{name}` is already the {self.symbols.kind_of(name)} of that name; pick another name",
                ident.span,
                (Note("declared here", self.symbols.spans[name]),),
            )
        if name in scope.names:
            self.errors.fail("E-duplicate-local", f"`{name}` is bound twice here", ident.span)
        local = ir.Local(name, next(self._uids), t)
        scope.names[name] = local
        return local

    # ------------------------------------------------------------ helpers

    def fail(self, code: str, message: str, span: Span, notes: tuple[Note, ...] = ()):
        self.errors.fail(code, message, span, notes)

    def coerce(self, e: ir.Expr, target: Type, span: Span, what: str) -> ir.Expr:
        """Check that e fits target; a `T?` used as a `T` is unwrapped (run-time check)."""
        if not assignable(e.type, target):
            self.fail("E-type-mismatch", f"{what} must be {describe(target)}, found {describe(e.type)}", span)
        if isinstance(e.type, OptionT) and not isinstance(target, OptionT):
            return ir.Unwrap(e.type.inner, e, span=span)
        return e

    def value(self, e: ir.Expr, span: Span) -> ir.Expr:
        """Use a value of type T? as a T (evaluation error if it is none)."""
        if isinstance(e.type, OptionT):
            return ir.Unwrap(e.type.inner, e, span=span)
        return e

    def check_bool(self, e: ast.Expr, scope: Scope, ctx: Context, what: str) -> ir.Expr:
        x = self.check(e, scope, ctx, BoolT())
        if not isinstance(x.type, (BoolT, OptionT)) or (
            isinstance(x.type, OptionT) and not isinstance(x.type.inner, BoolT)
        ):
            self.fail("E-not-boolean", f"{what} must be a boolean, found {describe(x.type)}", e.span)
        return self.value(x, e.span)

    def check_int(self, e: ast.Expr, scope: Scope, ctx: Context, what: str) -> ir.Expr:
        x = self.value(self.check(e, scope, ctx, IntT()), e.span)
        if not is_int(x.type):
            self.fail("E-not-integer", f"{what} must be an integer, found {describe(x.type)}", e.span)
        return x

    def check_as(self, e: ast.Expr, scope: Scope, ctx: Context, target: Type, what: str) -> ir.Expr:
        return self.coerce(self.check(e, scope, ctx, target), target, e.span, what)

    def collection(self, e: ast.Expr, scope: Scope, ctx: Context, what: str) -> ir.Expr:
        """A domain to range over: a set, a bag, a sequence, or a type's name."""
        x = self.value(self.check(e, scope, ctx, None), e.span)
        if not isinstance(x.type, (SetT, BagT, SeqT)):
            self.fail(
                "E-not-a-collection",
                f"{what} must be a set, bag, sequence or finite type, found {describe(x.type)}",
                e.span,
            )
        return x

    @staticmethod
    def elem_type(t: Type) -> Type:
        assert isinstance(t, (SetT, BagT, SeqT))
        return t.elem

    def type_universe(self, t: Type, span: Span) -> ir.Lit:
        """A type used as an expression: the set of all its values."""
        if not is_finite(t):
            self.fail("E-unbounded-type", f"{type_name(t)} has no finite set of values", span)
        n = universe_size(t)
        if n > MAX_UNIVERSE:
            self.fail(
                "E-universe-too-large",
                f"{type_name(t)} has {describe_size(n)} values, more than the {MAX_UNIVERSE:,} specpy enumerates",
                span,
            )
        return ir.Lit(SetT(t), frozenset(universe(t)), span=span)

    # ------------------------------------------------------------ dispatch

    def check(self, e: ast.Expr, scope: Scope, ctx: Context, expected: Type | None = None) -> ir.Expr:
        method = getattr(self, "_" + type(e).__name__, None)
        if method is None:
            raise AssertionError(f"no checker for expression node {type(e).__name__}")
        return method(e, scope, ctx, expected)

    # ------------------------------------------------------------ atoms

    def _IntLit(self, e: ast.IntLit, scope, ctx, expected) -> ir.Expr:
        return ir.Lit(IntT(), e.value, span=e.span)

    def _BoolLit(self, e: ast.BoolLit, scope, ctx, expected) -> ir.Expr:
        return ir.Lit(BoolT(), e.value, span=e.span)

    def _NoneLit(self, e: ast.NoneLit, scope, ctx, expected) -> ir.Expr:
        if not isinstance(expected, OptionT):
            self.fail(
                "E-none-needs-option",
                "`none` is only a value of an optional type `T?`"
                + (f"; {describe(expected)} is expected here" if expected is not None else ""),
                e.span,
            )
        return ir.Lit(expected, None, span=e.span)

    def _Name(self, e: ast.Name, scope, ctx, expected) -> ir.Expr:
        name = e.name
        local = scope.lookup(name)
        if local is not None:
            return ir.LocalRef(local.type, local, span=e.span)
        s = self.symbols
        if name in s.vars:
            return self._var(e, name, False, ctx)
        if name in s.consts:
            v = s.consts[name]
            return ir.Lit(BoolT() if isinstance(v, bool) else IntT(), v, span=e.span)
        if name in s.atoms:
            return ir.Lit(s.atoms[name], name, span=e.span)
        if name in s.enum_members:
            enums = s.enum_members[name]
            if len(enums) > 1:
                self.fail(
                    "E-ambiguous-member",
                    f"`{name}` is a member of several enums ("
                    + ", ".join(t.name for t in enums)
                    + f"); write {' or '.join(f'`{t.name}.{name}`' for t in enums)}",
                    e.span,
                )
            return ir.Lit(enums[0], name, span=e.span)
        if name in s.cases:
            vt = s.cases[name]
            case = vt.case(name)
            if case.fields:
                fields = ", ".join(f"{f}: ..." for f, _ in case.fields)
                self.fail(
                    "E-missing-fields",
                    f"case {name} of {vt.name} has fields; write `{name}{{{fields}}}`",
                    e.span,
                )
            return ir.Lit(vt, VariantValue(name), span=e.span)
        if name in self.types.decls or name == "bool":
            t = self.types.resolve(ast.NamedType(name, e.span))
            return self.type_universe(t, e.span)
        if name in s.defs:
            return self._call_def(name, (), e.span, scope, ctx)
        if name in s.actions:
            self.fail("E-not-a-value", f"`{name}` is an action, not a value", e.span)
        self._unknown(name, e.span, scope)

    def _unknown(self, name: str, span: Span, scope: Scope):
        candidates = self.symbols.all_names() + list(self.types.decls)
        s: Scope | None = scope
        while s is not None:
            candidates += list(s.names)
            s = s.parent
        close = difflib.get_close_matches(name, candidates, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.fail("E-unknown-name", f"unknown name `{name}`{hint}", span)

    def _var(self, e: ast.Expr, name: str, primed: bool, ctx: Context) -> ir.Expr:
        if not ctx.state:
            self.fail("E-state-in-constant", f"{ctx.what} cannot read the state variable `{name}`", e.span)
        if ctx.assigned is not None and name not in ctx.assigned:
            self.fail(
                "E-read-before-init",
                f"`{name}` is read before it is given an initial value",
                e.span,
                (Note("declared here", self.symbols.vars[name].span),),
            )
        v = self.symbols.vars[name]
        return ir.VarRef(v.type, name, primed, span=e.span)

    def _Primed(self, e: ast.Primed, scope, ctx, expected) -> ir.Expr:
        if not ctx.primes:
            self.fail(
                "E-prime-outside-transition",
                f"`{e.name}'` (the next state) can only be used in a `transition` invariant, not in {ctx.what}",
                e.span,
            )
        if e.name not in self.symbols.vars:
            self.fail("E-prime-not-variable", f"only state variables can be primed; `{e.name}` is not one", e.span)
        return self._var(e, e.name, True, ctx)

    # ------------------------------------------------------------ operators

    def _Unary(self, e: ast.Unary, scope, ctx, expected) -> ir.Expr:
        if e.op == "not":
            return ir.Not(BoolT(), self.check_bool(e.operand, scope, ctx, "the operand of `not`"), span=e.span)
        x = self.check_int(e.operand, scope, ctx, "the operand of unary `-`")
        if isinstance(x, ir.Lit):
            return ir.Lit(IntT(), -x.value, span=e.span)
        return ir.Neg(IntT(), x, span=e.span)

    def _Binary(self, e: ast.Binary, scope, ctx, expected) -> ir.Expr:
        op = e.op
        if op in ("and", "or", "implies"):
            left = self.check_bool(e.left, scope, ctx, f"the left side of `{op}`")
            right = self.check_bool(e.right, scope, ctx, f"the right side of `{op}`")
            return ir.BoolOp(BoolT(), op, left, right, span=e.span)
        if op in ("in", "not in"):
            return self._member(e, scope, ctx)
        left, right = self._pair(e, scope, ctx, expected)
        lt, rt = left.type, right.type
        if op in ("==", "!="):
            if join(lt, rt) is None:
                self.fail(
                    "E-incomparable",
                    f"cannot compare {describe(lt)} with {describe(rt)} using `{op}`",
                    e.span,
                )
            return ir.Compare(BoolT(), op, left, right, span=e.span)
        left, right = self.value(left, e.left.span), self.value(right, e.right.span)
        lt, rt = left.type, right.type
        if op in ("<", "<=", ">", ">="):
            if is_int(lt) and is_int(rt):
                return ir.Compare(BoolT(), op, left, right, span=e.span)
            if isinstance(lt, (SetT, EmptyCollectionT)) and isinstance(rt, (SetT, EmptyCollectionT)):
                if join(lt, rt) is None:
                    self.fail("E-type-mismatch", f"cannot compare {describe(lt)} with {describe(rt)}", e.span)
                return ir.SetCompare(BoolT(), op, left, right, span=e.span)
            self.fail(
                "E-type-mismatch",
                f"`{op}` compares two integers or two sets, not {describe(lt)} and {describe(rt)}",
                e.span,
            )
        if op in ("+", "-", "*", "//", "%") and is_int(lt) and is_int(rt):
            return ir.Arith(IntT(), op, left, right, span=e.span)
        if op in ("|", "&", "-") and isinstance(lt, (SetT, EmptyCollectionT)) and isinstance(rt, (SetT, EmptyCollectionT)):
            t = join(lt, rt)
            if t is None or isinstance(t, EmptyCollectionT):
                self.fail("E-type-mismatch", f"`{op}` needs two sets of one type, found {describe(lt)} and {describe(rt)}", e.span)
            return ir.SetOp(t, op, left, right, span=e.span)
        if op == "+" and isinstance(lt, SeqT) and isinstance(rt, (SeqT, EmptyCollectionT)):
            t = join(lt, rt)
            if t is None:
                self.fail("E-type-mismatch", f"cannot concatenate {describe(lt)} and {describe(rt)}", e.span)
            assert isinstance(t, SeqT)
            n = lt.max_len + (rt.max_len if isinstance(rt, SeqT) else 0)
            return ir.Concat(SeqT(t.elem, n), left, right, span=e.span)
        wanted = {
            "+": "two integers or two sequences", "-": "two integers or two sets",
            "*": "two integers", "//": "two integers", "%": "two integers",
            "|": "two sets", "&": "two sets",
        }[op]
        self.fail("E-type-mismatch", f"`{op}` needs {wanted}, found {describe(lt)} and {describe(rt)}", e.span)

    def _pair(self, e: ast.Binary, scope, ctx, expected) -> tuple[ir.Expr, ir.Expr]:
        """Check both operands, each side telling the other what `{}`/`none` mean."""
        if isinstance(e.left, (ast.SetLit, ast.SeqLit, ast.NoneLit)) and not isinstance(
            e.right, (ast.SetLit, ast.SeqLit, ast.NoneLit)
        ):
            right = self.check(e.right, scope, ctx, None)
            left = self.check(e.left, scope, ctx, right.type)
        else:
            hint = expected if e.op in ("|", "&", "-", "+") and isinstance(expected, (SetT, SeqT)) else None
            left = self.check(e.left, scope, ctx, hint)
            right = self.check(e.right, scope, ctx, left.type)
        return left, right

    def _member(self, e: ast.Binary, scope, ctx) -> ir.Expr:
        coll = self.collection(e.right, scope, ctx, f"the right side of `{e.op}`")
        et = self.elem_type(coll.type)
        elem = self.check(e.left, scope, ctx, et)
        if join(elem.type, et) is None:
            self.fail(
                "E-type-mismatch",
                f"the left side of `{e.op}` must be {describe(et)}, found {describe(elem.type)}",
                e.left.span,
            )
        return ir.Member(BoolT(), elem, coll, e.op == "not in", span=e.span)

    def _RangeExpr(self, e: ast.RangeExpr, scope, ctx, expected) -> ir.Expr:
        lo = self.check_int(e.lo, scope, ctx, "the lower bound of `..`")
        hi = self.check_int(e.hi, scope, ctx, "the upper bound of `..`")
        return ir.RangeSet(SetT(IntT()), lo, hi, span=e.span)

    def _IfExpr(self, e: ast.IfExpr, scope, ctx, expected) -> ir.Expr:
        cond = self.check_bool(e.cond, scope, ctx, "the condition of `if`")
        then_none, other_none = isinstance(e.then, ast.NoneLit), isinstance(e.other, ast.NoneLit)
        if expected is None and then_none != other_none:
            # `x if c else none` with nothing to say what it must be: it is a T?,
            # T being the type of the side that is not `none`.
            some = self.check(e.other if then_none else e.then, scope, ctx, None)
            opt = some.type if isinstance(some.type, OptionT) else OptionT(some.type)
            none = ir.Lit(opt, None, span=(e.then if then_none else e.other).span)
            then, other = (none, some) if then_none else (some, none)
            return ir.Cond(opt, cond, then, other, span=e.span)
        then = self.check(e.then, scope, ctx, expected)
        other = self.check(e.other, scope, ctx, expected if expected is not None else then.type)
        t = join(then.type, other.type)
        if t is None:
            self.fail(
                "E-type-mismatch",
                f"the two sides of `if ... else` must have one type, found {describe(then.type)} and {describe(other.type)}",
                e.span,
            )
        return ir.Cond(t, cond, then, other, span=e.span)

    # ------------------------------------------------------------ binders

    def bindings(
        self, bs: tuple[ast.Binding, ...], scope: Scope, ctx: Context
    ) -> tuple[Scope, tuple[tuple[ir.Local, ir.Expr], ...]]:
        inner = Scope(parent=scope)
        out = []
        for b in bs:
            dom = self.collection(b.domain, inner, ctx, f"the domain of `{b.name.name}`")
            local = self.new_local(inner, b.name, self.elem_type(dom.type))
            out.append((local, dom))
        return inner, tuple(out)

    def _Quantifier(self, e: ast.Quantifier, scope, ctx, expected) -> ir.Expr:
        inner, bs = self.bindings(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "a `where` condition") if e.cond else None
        body = self.check_bool(e.body, inner, ctx, f"the body of `{e.kind}`")
        return ir.Quant(BoolT(), e.kind, bs, cond, body, span=e.span)

    def _SetComp(self, e: ast.SetComp, scope, ctx, expected) -> ir.Expr:
        inner, bs = self.bindings(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "an `if` filter") if e.cond else None
        want = expected.elem if isinstance(expected, SetT) else None
        elem = self.check(e.elem, inner, ctx, want)
        et = elem.type
        if want is not None and assignable(et, want):
            elem, et = self.coerce(elem, want, e.elem.span, "an element"), want
        return ir.SetComp(SetT(et), elem, bs, cond, span=e.span)

    def _SumExpr(self, e: ast.SumExpr, scope, ctx, expected) -> ir.Expr:
        inner, bs = self.bindings(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "an `if` filter") if e.cond else None
        elem = self.check_int(e.elem, inner, ctx, "the summed expression")
        return ir.Sum(IntT(), elem, bs, cond, span=e.span)

    def _MapComp(self, e: ast.MapComp, scope, ctx, expected) -> ir.Expr:
        key_t = self._domain_type(e.domain)
        inner = Scope(parent=scope)
        local = self.new_local(inner, e.key, key_t)
        want = expected.value if isinstance(expected, MapT) else None
        value = self.check(e.value, inner, ctx, want)
        vt = value.type
        if want is not None:
            value, vt = self.coerce(value, want, e.value.span, "a map value"), want
        dom = self.type_universe(key_t, e.domain.span)
        return ir.MapComp(MapT(key_t, vt), local, dom, value, span=e.span)

    def _domain_type(self, d: ast.Expr) -> Type:
        """A map comprehension ranges over a whole finite type: its keys."""
        if isinstance(d, ast.Name) and (d.name in self.types.decls or d.name == "bool"):
            return self.types.resolve(ast.NamedType(d.name, d.span))
        if isinstance(d, ast.RangeExpr):
            return self.types.resolve(ast.RangeType(d.lo, d.hi, d.span))
        self.fail(
            "E-map-domain",
            "a map `{k: v for k in K}` must range over a whole type K (a type name or a constant range), "
            "since maps are total",
            d.span,
        )

    # ------------------------------------------------------------ literals

    def _SetLit(self, e: ast.SetLit, scope, ctx, expected) -> ir.Expr:
        if not e.elems:
            if isinstance(expected, MapT):
                self.fail(
                    "E-empty-map",
                    "a map gives a value for every key, so it cannot be `{}`; write `{k: v for k in K}`",
                    e.span,
                )
            if isinstance(expected, (SetT, BagT)):
                return ir.Lit(expected, _empty_value(expected), span=e.span)
            return ir.Lit(EmptyCollectionT("set-like"), frozenset(), span=e.span)
        if isinstance(expected, MapT):
            self.fail("E-type-mismatch", f"expected {describe(expected)} here, found a set literal", e.span)
        want = expected.elem if isinstance(expected, (SetT, BagT)) else None
        elems = [self.check(x, scope, ctx, want) for x in e.elems]
        et = want
        if et is None or not all(assignable(x.type, et) for x in elems):
            et = elems[0].type
            for x, src in zip(elems[1:], e.elems[1:]):
                j = join(et, x.type)
                if j is None:
                    self.fail(
                        "E-type-mismatch",
                        f"the elements of a set must have one type: {describe(x.type)} after {describe(et)}",
                        src.span,
                    )
                et = j
        elems = [self.coerce(x, et, src.span, "an element") for x, src in zip(elems, e.elems)]
        if isinstance(expected, BagT):
            return ir.SetLit(BagT(et, expected.max_count), tuple(elems), span=e.span)
        return ir.SetLit(SetT(et), tuple(elems), span=e.span)

    def _SeqLit(self, e: ast.SeqLit, scope, ctx, expected) -> ir.Expr:
        if not e.elems:
            if isinstance(expected, SeqT):
                return ir.Lit(expected, (), span=e.span)
            return ir.Lit(EmptyCollectionT("seq"), (), span=e.span)
        want = expected.elem if isinstance(expected, SeqT) else None
        elems = [self.check(x, scope, ctx, want) for x in e.elems]
        et = want if want is not None and all(assignable(x.type, want) for x in elems) else None
        if et is None:
            et = elems[0].type
            for x, src in zip(elems[1:], e.elems[1:]):
                j = join(et, x.type)
                if j is None:
                    self.fail("E-type-mismatch", f"the elements of a sequence must have one type: {describe(x.type)} after {describe(et)}", src.span)
                et = j
        elems = [self.coerce(x, et, src.span, "an element") for x, src in zip(elems, e.elems)]
        n = max(len(elems), expected.max_len if isinstance(expected, SeqT) else 0)
        return ir.SeqLit(SeqT(et, n), tuple(elems), span=e.span)

    def _Construct(self, e: ast.Construct, scope, ctx, expected) -> ir.Expr:
        name = e.name.name
        if name in self.symbols.cases:
            vt = self.symbols.cases[name]
            declared = vt.case(name).fields
            fields = self._field_inits(e, declared, f"case {name} of {vt.name}", scope, ctx)
            return ir.Construct(vt, name, fields, span=e.span)
        if name in self.types.decls:
            rt = self.types.resolve(ast.NamedType(name, e.name.span))
            if isinstance(rt, RecordT):
                fields = self._field_inits(e, rt.fields, f"record {name}", scope, ctx)
                return ir.Construct(rt, None, fields, span=e.span)
            self.fail("E-not-constructible", f"{name} is {describe(rt)}, not a record or variant case", e.name.span)
        self._unknown(name, e.name.span, scope)

    def _field_inits(
        self, e: ast.Construct, declared: tuple[tuple[str, Type], ...], owner: str, scope, ctx
    ) -> tuple[tuple[str, ir.Expr], ...]:
        given: dict[str, ast.FieldInit] = {}
        types = dict(declared)
        for f in e.fields:
            if f.name.name not in types:
                known = ", ".join(n for n, _ in declared) or "none"
                self.fail("E-unknown-field", f"{owner} has no field `{f.name.name}` (fields: {known})", f.name.span)
            if f.name.name in given:
                self.fail("E-duplicate-field", f"field `{f.name.name}` is given twice", f.name.span)
            given[f.name.name] = f
        missing = [n for n, _ in declared if n not in given]
        if missing:
            self.fail("E-missing-field", f"{owner} needs field{'s' if len(missing) > 1 else ''} " + ", ".join(f"`{m}`" for m in missing), e.span)
        out = []
        for n, ft in declared:
            init = given[n]
            out.append((n, self.check_as(init.value, scope, ctx, ft, f"field `{n}`")))
        return tuple(out)

    # ------------------------------------------------------------ access

    def _FieldAccess(self, e: ast.FieldAccess, scope, ctx, expected) -> ir.Expr:
        if isinstance(e.operand, ast.Name) and scope.lookup(e.operand.name) is None and e.operand.name in self.types.decls:
            t = self.types.resolve(ast.NamedType(e.operand.name, e.operand.span))
            if isinstance(t, EnumT):
                if e.field.name not in t.members:
                    self.fail("E-unknown-member", f"enum {t.name} has no member `{e.field.name}`", e.field.span)
                return ir.Lit(t, e.field.name, span=e.span)
            self.fail("E-type-mismatch", f"`{e.operand.name}.` qualifies enum members; {e.operand.name} is {describe(t)}", e.span)
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        fname = e.field.name
        if isinstance(x.type, RecordT):
            ft = x.type.field_type(fname)
            if ft is None:
                known = ", ".join(n for n, _ in x.type.fields)
                self.fail("E-unknown-field", f"record {x.type.name} has no field `{fname}` (fields: {known})", e.field.span)
            return ir.GetField(ft, x, fname, span=e.span)
        if isinstance(x.type, VariantT):
            types = {dict(c.fields)[fname] for c in x.type.cases if fname in dict(c.fields)}
            if not types:
                self.fail("E-unknown-field", f"no case of variant {x.type.name} has a field `{fname}`", e.field.span)
            if len(types) > 1:
                self.fail("E-ambiguous-field", f"field `{fname}` has different types in the cases of {x.type.name}", e.field.span)
            return ir.GetField(types.pop(), x, fname, span=e.span)
        self.fail("E-no-fields", f"`.{fname}` needs a record or variant, found {describe(x.type)}", e.span)

    def _Index(self, e: ast.Index, scope, ctx, expected) -> ir.Expr:
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if isinstance(x.type, MapT):
            key = self.check_as(e.index, scope, ctx, x.type.key, "the key")
            return ir.Index(x.type.value, x, key, span=e.span)
        if isinstance(x.type, SeqT):
            i = self.check_int(e.index, scope, ctx, "a sequence index")
            return ir.Index(x.type.elem, x, i, span=e.span)
        self.fail("E-not-indexable", f"`[...]` needs a map or a sequence, found {describe(x.type)}", e.span)

    def _Slice(self, e: ast.Slice, scope, ctx, expected) -> ir.Expr:
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if not isinstance(x.type, SeqT):
            self.fail("E-not-indexable", f"`[i..j]` needs a sequence, found {describe(x.type)}", e.span)
        lo = self.check_int(e.lo, scope, ctx, "a slice bound")
        hi = self.check_int(e.hi, scope, ctx, "a slice bound")
        return ir.Slice(x.type, x, lo, hi, span=e.span)

    def _IsExpr(self, e: ast.IsExpr, scope, ctx, expected) -> ir.Expr:
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if not isinstance(x.type, VariantT):
            self.fail("E-not-variant", f"`is` needs a variant value, found {describe(x.type)}", e.operand.span)
        if x.type.case(e.case.name) is None:
            cases = ", ".join(c.name for c in x.type.cases)
            self.fail("E-unknown-case", f"{x.type.name} has no case `{e.case.name}` (cases: {cases})", e.case.span)
        return ir.IsCase(BoolT(), x, e.case.name, span=e.span)

    # ------------------------------------------------------------ calls

    def _Call(self, e: ast.Call, scope, ctx, expected) -> ir.Expr:
        name = e.func.name
        if name in self.symbols.defs:
            return self._call_def(name, e.args, e.span, scope, ctx)
        if name not in BUILTINS:
            if self.symbols.kind_of(name) is not None:
                self.fail("E-not-callable", f"`{name}` is a {self.symbols.kind_of(name)}, not a function", e.func.span)
            self._unknown(name, e.func.span, scope)
        if len(e.args) != BUILTINS[name]:
            n = BUILTINS[name]
            self.fail("E-arity", f"{name} takes {n} argument{'s' if n > 1 else ''}, given {len(e.args)}", e.span)
        if name == "len":
            x = self.value(self.check(e.args[0], scope, ctx, None), e.args[0].span)
            if not isinstance(x.type, (SetT, BagT, SeqT, EmptyCollectionT)):
                self.fail("E-type-mismatch", f"len needs a set, bag or sequence, found {describe(x.type)}", e.args[0].span)
            return ir.Len(IntT(), x, span=e.span)
        if name in ("min", "max"):
            x = self.collection(e.args[0], scope, ctx, f"the argument of {name}")
            if not isinstance(x.type, SetT) or not is_int(x.type.elem):
                self.fail("E-type-mismatch", f"{name} needs a set of integers, found {describe(x.type)}", e.args[0].span)
            return ir.MinMax(IntT(), name, x, span=e.span)
        s = self.value(self.check(e.args[0], scope, ctx, expected if isinstance(expected, SeqT) else None), e.args[0].span)
        if not isinstance(s.type, SeqT):
            self.fail("E-type-mismatch", f"{name} needs a sequence, found {describe(s.type)}", e.args[0].span)
        if name == "last":
            return ir.Last(s.type.elem, s, span=e.span)
        x = self.check_as(e.args[1], scope, ctx, s.type.elem, "the appended element")
        return ir.Append(SeqT(s.type.elem, s.type.max_len + 1), s, x, span=e.span)

    def _call_def(self, name: str, args: tuple[ast.Expr, ...], span: Span, scope, ctx) -> ir.Expr:
        info = self.symbols.defs[name]
        decl = info.decl
        if len(args) != len(decl.params):
            self.fail(
                "E-arity",
                f"{name} takes {len(decl.params)} argument{'s' if len(decl.params) != 1 else ''}, given {len(args)}",
                span,
                (Note("declared here", decl.name.span),),
            )
        params, body = self.def_body(name, ctx)
        values = [
            self.check_as(a, scope, ctx, p.type, f"argument {i + 1} of {name}")
            for i, (a, p) in enumerate(zip(args, params))
        ]
        out = body
        for p, v in reversed(list(zip(params, values))):
            out = ir.LetIn(out.type, p, v, out, span=span)
        return out

    def def_body(self, name: str, ctx: Context) -> tuple[tuple[ir.Local, ...], ir.Expr]:
        """A def's body, checked once (in a context allowing state reads)."""
        if name in self._def_bodies:
            return self._def_bodies[name]
        decl = self.symbols.defs[name].decl
        if name in self._def_stack:
            self.fail(
                "E-recursive-def",
                f"def {name} calls itself" + (f" (through {' -> '.join(self._def_stack)})" if len(self._def_stack) > 1 else "")
                + "; defs are macros and cannot be recursive",
                decl.name.span,
            )
        self._def_stack.append(name)
        try:
            inner = Scope()
            params = tuple(
                self.new_local(inner, p.name, self.types.resolve(p.type)) for p in decl.params
            )
            def_ctx = Context(f"def {name}", state=ctx.state, primes=ctx.primes)
            body = self.check(decl.body, inner, def_ctx, None)
        finally:
            self._def_stack.pop()
        if not ctx.primes:
            self._def_bodies[name] = (params, body)
        return params, body


def describe(t: Type | None) -> str:
    """`a set[RM]`, `an int`, `a value of type Msg` — for messages."""
    if t is None:
        return "a value"
    if isinstance(t, EmptyCollectionT):
        return "an empty collection"
    if isinstance(t, (AtomT, EnumT, RecordT, VariantT)):
        return f"a value of type {t.name}"
    if isinstance(t, RangeT):
        return f"an integer in {t.lo}..{t.hi}"
    if isinstance(t, IntT):
        return "an integer"
    if isinstance(t, BoolT):
        return "a boolean"
    return f"a {type_name(t)}"


def _empty_value(t: Type):
    return BagValue(()) if isinstance(t, BagT) else frozenset()
