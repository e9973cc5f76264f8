"""Expressions: resolve names, check types, and build typed IR expressions.

Checking is bidirectional: `check(e, expected)` passes down the type the
context wants, which decides what `{}`, `[]`, `none` and set literals are
(a set, a bag or a map), and which lets `Prepared{rm: r}` be checked field by
field. Every error names what was found and what would have fitted.
"""

from __future__ import annotations

import itertools
from dataclasses import field

from specpy.diagnostics import Note, Span
from specpy.ir import expr as ir
from specpy.ir.const_terms import ConstTerm
from specpy.ir.types import (
    AtomT, BagT, BoolT, EmptyCollectionT, EnumT, IntT, MapT, OptionT, RangeT, RecordT,
    SeqT, SetT, TupleT, Type, VariantT, describe_size, is_finite, is_int, tuple_type, type_name, universe, universe_size,
)
from specpy.ir.values import BagValue, VariantValue
from specpy.nodeclass import nodeclass
from specpy.semantics.errors import ErrorSink
from specpy.semantics.index import NameIndex
from specpy.semantics.symbols import Symbols
from specpy.semantics.types import TypeResolver, assignable, join
from specpy.syntax import ast

#: Types used as expressions (`Server`, `set[Server]` parameters) are enumerated;
#: beyond this many values the spec is almost certainly a mistake.
MAX_UNIVERSE = 1_000_000

BUILTINS = {
    "len": 1, "min": 1, "max": 1, "append": 2, "last": 1,
    "union": 1, "head": 1, "tail": 1, "subsets": 1, "domain": 1,
}  # fmt: skip

#: What narrowing is about: a local (by uid) or a state variable (by name).
FactKey = tuple[str, object]


def path_text(e: ast.Expr) -> str:
    """A name or a path into one (`net[p].last`) as written: what narrowing is about (`fact_key`)."""
    match e:
        case ast.Name(name=name):
            return name
        case ast.FieldAccess(operand=x, field=f):
            return f"{path_text(x)}.{f.name}"
        case ast.Index(operand=x, index=ast.IntLit(value=v)):
            return f"{path_text(x)}[{v}]"
        case ast.Index(operand=x, index=ast.Name(name=i)):
            return f"{path_text(x)}[{i}]"
    return "the value"


@nodeclass(frozen=False)
class Context:
    """Where an expression appears: what it may read."""

    what: str  # "an invariant", "action Foo", ... (for messages)
    state: bool = True  # may read state variables
    primes: bool = False  # may read x' (transition invariants)
    # In `init`, the variables assigned so far (reading others is an error).
    assigned: set[str] | None = None


@nodeclass(frozen=False)
class Scope:
    """Local names, and the variant case each name is known to have here.

    `facts` narrows: after `require m is A`, in `if m is A { ... }`, on the
    right of `m is A and ...` / `implies`, and in a `match` arm, m's case is
    known, so `m.f` is case A's field f. A fact set to None is withdrawn (a
    state variable assigned since).
    """

    names: dict[str, ir.Local] = field(default_factory=dict)
    parent: Scope | None = None
    facts: dict[FactKey, str | None] = field(default_factory=dict)

    def lookup(self, name: str) -> ir.Local | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def case_of(self, key: FactKey) -> str | None:
        root = key[1][0] if key[0] == "path" else key
        s: Scope | None = self
        while s is not None:
            if key in s.facts:
                return s.facts[key]
            if root != key and root in s.facts and s.facts[root] is None:
                return None  # its variable was assigned here: facts about its parts are gone
            s = s.parent
        return None

    def withdraw(self, var: str) -> None:
        """State variable `var` was assigned: nothing known about it, or a path into it, holds."""
        root = ("var", var)
        for key in [k for k in self.facts if k[0] == "path" and k[1][0] == root]:
            del self.facts[key]
        self.facts[root] = None

    def narrowed(self, facts: dict[FactKey, str]) -> Scope:
        """A child scope in which facts hold (self when there are none)."""
        return Scope(parent=self, facts=dict(facts)) if facts else self


class ExprChecker:
    def __init__(self, errors: ErrorSink, symbols: Symbols, types: TypeResolver):
        self.errors = errors
        self.symbols = symbols
        self.types = types
        self._uids = itertools.count(1)
        self._def_stack: list[str] = []
        self._def_bodies: dict[str, tuple[tuple[ir.Local, ...], ir.Expr]] = {}
        self.index: NameIndex | None = None  # for tools: where locals are bound and read (index.py)

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
        if self.index is not None:
            self.index.bind(ident.span, local)
        return local

    def bind_pattern(
        self, scope: Scope, pattern: ast.Pattern, t: Type
    ) -> tuple[ir.Local, list[tuple[ir.Local, ir.Expr]]]:
        """Bind a name, or take a tuple apart: the local holding the whole value,
        and the (name, component) bindings that follow it, in order."""
        if isinstance(pattern, ast.Ident):
            return self.new_local(scope, pattern, t), []
        n = len(pattern.elems)
        tt = t.inner if isinstance(t, OptionT) else t  # a `(A, B)?` is taken apart as a tuple (none: evaluation error)
        if not isinstance(tt, TupleT) or len(tt.fields) != n:
            self.fail(
                "E-pattern-mismatch",
                f"this pattern takes apart a tuple of {n} components; the value is {describe(t)}",
                pattern.span,
            )
        whole = ir.Local("tup", next(self._uids), t)
        lets: list[tuple[ir.Local, ir.Expr]] = []
        for (fname, ft), sub in zip(tt.fields, pattern.elems):
            local, more = self.bind_pattern(scope, sub, ft)
            ref = self.value(ir.LocalRef(t, whole, span=sub.span), pattern.span)
            part = ir.GetField(ft, ref, fname, span=sub.span)
            lets.append((local, part))
            lets.extend(more)
        return whole, lets

    @staticmethod
    def wrap(lets: list[tuple[ir.Local, ir.Expr]], e: ir.Expr) -> ir.Expr:
        """e inside the bindings of a tuple pattern."""
        for local, value in reversed(lets):
            e = ir.LetIn(e.type, local, value, e, span=value.span)
        return e

    # ------------------------------------------------------------ narrowing

    def fact_key(self, e: ast.Expr, scope: Scope) -> FactKey | None:
        """The key narrowing facts about e are kept under, or None.

        A name (`m`), or a path into one (`inbox[p]`, `s.last`, `net[p][q]`)
        whose indexes are bound names, constants, atoms, enum members or
        integers: nothing an action changes, so the path names one value until
        its root variable is assigned (which withdraws every fact under it).
        """
        match e:
            case ast.Name(name=name):
                local = scope.lookup(name)
                if local is not None:
                    return ("local", local.uid)
                if name in self.symbols.vars:
                    return ("var", name)
                return None
            case ast.FieldAccess(operand=x, field=f):
                step: object = ("field", f.name)
            case ast.Index(operand=x, index=i):
                step = self._stable_index(i, scope)
                if step is None:
                    return None
            case _:
                return None
        inner = self.fact_key(x, scope)
        if inner is None:
            return None
        root, steps = (inner[1][0], inner[1][1]) if inner[0] == "path" else (inner, ())
        return ("path", (root, steps + (step,)))

    def _stable_index(self, i: ast.Expr, scope: Scope) -> object | None:
        """An index that means one value throughout an action, as a key; None otherwise."""
        match i:
            case ast.IntLit(value=v):
                return ("index", "int", v)
            case ast.Name(name=name):
                local = scope.lookup(name)
                if local is not None:
                    return ("index", "local", local.uid)
                if name in self.symbols.consts or name in self.symbols.atoms or name in self.symbols.enum_members:
                    return ("index", "name", name)
        return None

    def facts(self, cond: ast.Expr | None, scope: Scope) -> dict[FactKey, str]:
        """What holding `cond` says about variant cases: `m is A`, joined by `and`."""
        if isinstance(cond, ast.IsExpr):
            key = self.fact_key(cond.operand, scope)
            return {key: cond.case.name} if key is not None else {}
        if isinstance(cond, ast.Binary) and cond.op == "and":
            return {**self.facts(cond.left, scope), **self.facts(cond.right, scope)}
        if isinstance(cond, ast.Unary) and cond.op == "not":
            return self.facts_if_false(cond.operand, scope)
        return {}

    def facts_if_false(self, cond: ast.Expr | None, scope: Scope) -> dict[FactKey, str]:
        """What `cond` being false says: `m is A` false leaves the other case of a
        two-case variant; `a or b` false says both are false, `not a` that a holds."""
        if isinstance(cond, ast.Binary) and cond.op == "or":
            return {**self.facts_if_false(cond.left, scope), **self.facts_if_false(cond.right, scope)}
        if isinstance(cond, ast.Unary) and cond.op == "not":
            return self.facts(cond.operand, scope)
        if not isinstance(cond, ast.IsExpr):
            return {}
        key = self.fact_key(cond.operand, scope)
        if key is None:
            return {}
        t = self._type_of_key(key, scope)
        if not isinstance(t, VariantT) or len(t.cases) != 2 or t.case(cond.case.name) is None:
            return {}
        return {key: next(c.name for c in t.cases if c.name != cond.case.name)}

    def _type_of_key(self, key: FactKey, scope: Scope) -> Type | None:
        kind, what = key
        if kind == "path":
            root: FactKey = what[0]
            steps: tuple = what[1]
            t = self._type_of_key(root, scope)
            for step in steps:
                match t, step:
                    case MapT(), ("index", *_):
                        t = t.value
                    case SeqT(), ("index", *_):
                        t = t.elem
                    case RecordT(), ("field", name):
                        t = dict(t.fields).get(name)
                    case _:
                        return None
            return t
        if kind == "var":
            return self.symbols.vars[what].type
        s: Scope | None = scope
        while s is not None:
            for local in s.names.values():
                if local.uid == what:
                    return local.type
            s = s.parent
        return None

    def case_here(self, e: ast.Expr, scope: Scope) -> str | None:
        key = self.fact_key(e, scope)
        return scope.case_of(key) if key is not None else None

    # ------------------------------------------------------------ helpers

    def fail(self, code: str, message: str, span: Span, notes: tuple[Note, ...] = ()):
        self.errors.fail(code, message, span, notes)

    def coerce(self, e: ir.Expr, target: Type, span: Span, what: str) -> ir.Expr:
        """Check that e fits target; a `T?` used as a `T` is unwrapped (run-time check)."""
        if not assignable(e.type, target):
            self.fail("E-type-mismatch", f"{what} must be {describe(target)}, found {describe(e.type)}", span)
        if isinstance(e, ir.Lit) and isinstance(e.type, EmptyCollectionT) and isinstance(target, (SetT, BagT, SeqT)):
            return ir.Lit(target, () if isinstance(target, SeqT) else _empty_value(target), span=e.span)
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
            if self.index is not None:
                self.index.use(e.span, local)
            return ir.LocalRef(local.type, local, span=e.span)
        s = self.symbols
        if name in s.vars:
            return self._var(e, name, False, ctx)
        if name in s.consts:
            v = s.consts[name]
            return ir.Lit(BoolT() if isinstance(v, bool) else IntT(), v, span=e.span, const=ConstTerm.name(name))
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
            if s.defs[name].decl.params:
                self.fail(
                    "E-not-a-value",
                    f"`{name}` is a def with parameters: call it (`{name}(...)`); specpy has no "
                    "higher-order operators, so a def is never passed, stored or returned",
                    e.span,
                )
            return self._call_def(name, (), e.span, scope, ctx)
        if name in s.actions:
            self.fail("E-not-a-value", f"`{name}` is an action, not a value", e.span)
        if name in s.procs:
            self.fail("E-not-a-value", f"`{name}` is a procedure: call it as a statement of an action", e.span)
        self._unknown(name, e.span, scope)

    def _unknown(self, name: str, span: Span, scope: Scope):
        candidates = self.symbols.all_names() + list(self.types.decls)
        s: Scope | None = scope
        while s is not None:
            candidates += list(s.names)
            s = s.parent
        import difflib  # only for a misspelled name: not on every run's start-up

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

    def _chain(self, e: ast.Binary, scope, ctx) -> ir.Expr:
        """`t1 and t2 and ... and tn` (or `or`), nested to the left, in one pass.

        Each term of an `and` is checked under the narrowing facts of the terms
        before it; recursing on the left instead would gather the facts of the
        whole left part again at every level (quadratic in the chain's length).
        """
        op = e.op
        nodes = [e]
        while isinstance(nodes[-1].left, ast.Binary) and nodes[-1].left.op == op:
            nodes.append(nodes[-1].left)
        nodes.reverse()  # the innermost node, holding t1 and t2, first
        first = nodes[0].left
        result = self.check_bool(first, scope, ctx, f"the left side of `{op}`")
        known = self.facts(first, scope) if op == "and" else {}
        for node in nodes:
            rscope = scope.narrowed(known) if op == "and" else scope
            right = self.check_bool(node.right, rscope, ctx, f"the right side of `{op}`")
            result = ir.BoolOp(BoolT(), op, result, right, span=node.span)
            if op == "and":
                known = {**known, **self.facts(node.right, scope)}
        return result

    def _Binary(self, e: ast.Binary, scope, ctx, expected) -> ir.Expr:
        op = e.op
        if op in ("and", "or"):
            return self._chain(e, scope, ctx)
        if op == "implies":
            left = self.check_bool(e.left, scope, ctx, f"the left side of `{op}`")
            # The right side is evaluated only when the left holds.
            rscope = scope.narrowed(self.facts(e.left, scope))
            right = self.check_bool(e.right, rscope, ctx, f"the right side of `{op}`")
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
        if isinstance(lo, ir.Lit) and isinstance(hi, ir.Lit) and hi.value - lo.value + 1 > MAX_UNIVERSE:
            # Constant bounds are folded while compiling: a huge range would be built there.
            self.fail(
                "E-universe-too-large",
                f"the range {lo.value}..{hi.value} has {describe_size(hi.value - lo.value + 1)} values, "
                f"more than the {MAX_UNIVERSE:,} specpy enumerates",
                e.span,
            )
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
        then = self.check(e.then, scope.narrowed(self.facts(e.cond, scope)), ctx, expected)
        other_scope = scope.narrowed(self.facts_if_false(e.cond, scope))
        other = self.check(e.other, other_scope, ctx, expected if expected is not None else then.type)
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
        inner, bs, lets = self.bindings_with_lets(bs, scope, ctx)
        if lets:
            raise AssertionError("tuple patterns need bindings_with_lets")
        return inner, bs

    def bindings_with_lets(
        self, bs: tuple[ast.Binding, ...], scope: Scope, ctx: Context
    ) -> tuple[Scope, tuple[tuple[ir.Local, ir.Expr], ...], list[tuple[ir.Local, ir.Expr]]]:
        """Bindings, and the names their tuple patterns bind (see `wrap`)."""
        inner = Scope(parent=scope)
        out = []
        lets: list[tuple[ir.Local, ir.Expr]] = []
        for b in bs:
            what = b.name.name if isinstance(b.name, ast.Ident) else "the pattern"
            dom = self.wrap(lets, self.collection(b.domain, inner, ctx, f"the domain of `{what}`"))
            local, more = self.bind_pattern(inner, b.name, self.elem_type(dom.type))
            out.append((local, dom))
            lets.extend(more)
        return inner, tuple(out), lets

    def _Quantifier(self, e: ast.Quantifier, scope, ctx, expected) -> ir.Expr:
        inner, bs, lets = self.bindings_with_lets(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "a `where` condition") if e.cond else None
        body = self.check_bool(e.body, inner.narrowed(self.facts(e.cond, inner)), ctx, f"the body of `{e.kind}`")
        cond = self.wrap(lets, cond) if cond is not None else None
        return ir.Quant(BoolT(), e.kind, bs, cond, self.wrap(lets, body), span=e.span)

    def _SetComp(self, e: ast.SetComp, scope, ctx, expected) -> ir.Expr:
        inner, bs, lets = self.bindings_with_lets(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "an `if` filter") if e.cond else None
        want = expected.elem if isinstance(expected, SetT) else None
        elem = self.check(e.elem, inner.narrowed(self.facts(e.cond, inner)), ctx, want)
        et = elem.type
        if want is not None and assignable(et, want):
            elem, et = self.coerce(elem, want, e.elem.span, "an element"), want
        cond = self.wrap(lets, cond) if cond is not None else None
        return ir.SetComp(SetT(et), self.wrap(lets, elem), bs, cond, span=e.span)

    def _SumExpr(self, e: ast.SumExpr, scope, ctx, expected) -> ir.Expr:
        inner, bs, lets = self.bindings_with_lets(e.bindings, scope, ctx)
        cond = self.check_bool(e.cond, inner, ctx, "an `if` filter") if e.cond else None
        elem = self.check_int(e.elem, inner.narrowed(self.facts(e.cond, inner)), ctx, "the summed expression")
        cond = self.wrap(lets, cond) if cond is not None else None
        return ir.Sum(IntT(), self.wrap(lets, elem), bs, cond, span=e.span)

    def _Generator(self, e: ast.Generator, scope, ctx, expected) -> ir.Expr:
        """`max(e for x in S if c)`: max of the set of the values (an evaluation error when empty)."""
        values = ast.SetComp(e.elem, e.bindings, e.cond, span=e.span)
        s = self.check(values, scope, ctx, None)
        if isinstance(s.type.elem, OptionT) and isinstance(s, ir.SetComp):  # a T? used as a T
            inner = s.type.elem.inner
            s = ir.SetComp(SetT(inner), ir.Unwrap(inner, s.elem, span=e.elem.span), s.bindings, s.cond, span=s.span)
        if not is_int(s.type.elem):
            self.fail("E-type-mismatch", f"{e.func.name} needs integers, found {describe(s.type.elem)}", e.elem.span)
        return ir.MinMax(IntT(), e.func.name, s, span=e.span)

    def _Fold(self, e: ast.Fold, scope, ctx, expected) -> ir.Expr:
        dom = self.collection(e.domain, scope, ctx, "the domain of `fold`")
        if isinstance(e.acc_type, ast.TypeExpr):
            acc_t = self.types.resolve(e.acc_type)
            init = self.check_as(e.init, scope, ctx, acc_t, "the initial value of the accumulator")
        else:
            init = self.value(self.check(e.init, scope, ctx, None), e.init.span)
            acc_t = IntT() if is_int(init.type) else init.type
            if isinstance(acc_t, EmptyCollectionT):
                self.fail(
                    "E-fold-needs-type",
                    f"give the accumulator a type: `fold({e.acc.name}: set[T] = {{}}, ...)`",
                    e.init.span,
                )
        inner = Scope(parent=scope)
        acc = self.new_local(inner, e.acc, acc_t)
        elem = self.new_local(inner, e.elem, self.elem_type(dom.type))
        body = self.check_as(e.body, inner, ctx, acc_t, "the value of a fold step")
        return ir.Fold(acc_t, acc, init, elem, dom, body, span=e.span)

    def _LetExpr(self, e: ast.LetExpr, scope, ctx, expected) -> ir.Expr:
        value = self.check(e.value, scope, ctx, None)
        if isinstance(value.type, EmptyCollectionT):
            self.fail("E-type-mismatch", "cannot tell the type of this value; give it a context", e.value.span)
        inner = Scope(parent=scope)
        local, lets = self.bind_pattern(inner, e.pattern, value.type)
        body = self.wrap(lets, self.check(e.body, inner, ctx, expected))
        return ir.LetIn(body.type, local, value, body, span=e.span)

    def _ChooseExpr(self, e: ast.ChooseExpr, scope, ctx, expected) -> ir.Expr:
        if isinstance(e.domain, ast.SetLit) and not e.domain.elems:
            self.fail("E-choose-empty", "`choose` from an empty collection never has a value", e.domain.span)
        dom = self.collection(e.domain, scope, ctx, "the domain of `choose`")
        if isinstance(dom, ir.Lit) and not dom.value:
            self.fail("E-choose-empty", "`choose` from an empty collection never has a value", e.domain.span)
        inner = Scope(parent=scope)
        local = self.new_local(inner, e.name, self.elem_type(dom.type))
        cond = self.check_bool(e.cond, inner, ctx, "a `where` condition") if e.cond else None
        if isinstance(cond, ir.Lit) and not cond.value:
            self.fail("E-choose-empty", "this `where` condition is always false, so `choose` never has a value", e.cond.span)
        return ir.ChooseExpr(local.type, local, dom, cond, span=e.span)

    def _TupleLit(self, e: ast.TupleLit, scope, ctx, expected) -> ir.Expr:
        n = len(e.elems)
        wants = expected.elems if isinstance(expected, TupleT) and len(expected.fields) == n else (None,) * n
        elems = []
        for x, want in zip(e.elems, wants):
            v = self.check(x, scope, ctx, want)
            elems.append(self.coerce(v, want, x.span, "a tuple component") if want is not None and assignable(v.type, want) else v)
        t = tuple_type([x.type for x in elems])
        return ir.Construct(t, None, tuple((f, x) for (f, _), x in zip(t.fields, elems)), span=e.span)

    def _MatchExpr(self, e: ast.MatchExpr, scope, ctx, expected) -> ir.Expr:
        hidden, subject, arms = self.match_arms(e.subject, e.arms, scope, ctx)
        values = [(tests, self.check(arm.body, arm_scope, ctx, expected), arm.body.span) for tests, arm_scope, arm in arms]
        t = expected
        if t is None or not all(assignable(v.type, t) for _, v, _ in values):
            t = values[0][1].type
            for _, v, span in values[1:]:
                j = join(t, v.type)
                if j is None:
                    self.fail("E-type-mismatch", f"the arms of a match must have one type: {describe(v.type)} after {describe(t)}", span)
                t = j
        out = self.coerce(values[-1][1], t, values[-1][2], "a match arm")
        for tests, v, span in reversed(values[:-1]):
            out = ir.Cond(t, tests, self.coerce(v, t, span, "a match arm"), out, span=e.span)
        return ir.LetIn(t, hidden, subject, out, span=e.span) if hidden is not None else out

    def match_arms(self, subject_ast: ast.Expr, arms: tuple[ast.MatchArm, ...], scope: Scope, ctx: Context):
        """Check a match's subject and arm names: (hidden, subject, [(test, arm scope, arm)]).

        The arms must name each case of the subject's variant once (or end in
        `_`); an arm naming one case narrows a named subject to it. A subject
        that is not a name is evaluated once, into the local `hidden` that the
        tests read (None for a name).
        """
        x = self.value(self.check(subject_ast, scope, ctx, None), subject_ast.span)
        if not isinstance(x.type, (VariantT, EnumT, AtomT)):
            self.fail("E-not-variant", f"`match` needs a variant, enum or atom value, found {describe(x.type)}", subject_ast.span)
        vt = x.type
        variant = isinstance(vt, VariantT)
        cases = [c.name for c in vt.cases] if isinstance(vt, VariantT) else list(vt.members)
        key = self.fact_key(subject_ast, scope) if variant else None
        known = scope.case_of(key) if key is not None else None
        ref, hidden = x, None
        if key is None:
            hidden = ir.Local("subject", next(self._uids), vt)
            ref = ir.LocalRef(vt, hidden, span=subject_ast.span)
        seen: dict[str, ast.Ident] = {}
        out = []
        for i, arm in enumerate(arms):
            names = [c.name for c in arm.cases]
            if names == ["_"]:
                if i != len(arms) - 1:
                    self.fail("E-match-unreachable", "`_` matches every case, so the arms after it never run", arm.span)
                rest = [c for c in cases if c not in seen]
                if not rest:
                    self.fail("E-match-unreachable", f"every case of {vt.name} is matched before `_`", arm.cases[0].span)
                names = rest
                arm_cases = tuple(ast.Ident(n, arm.cases[0].span) for n in rest)
            else:
                arm_cases = arm.cases
            for c in arm_cases:
                if c.name not in cases:
                    what = "case" if variant else "member"
                    self.fail("E-unknown-case", f"{vt.name} has no {what} `{c.name}` ({what}s: {', '.join(cases)})", c.span)
                if c.name in seen:
                    self.fail("E-match-duplicate", f"case {c.name} is matched twice", c.span, (Note("first matched here", seen[c.name].span),))
                if known is not None and c.name != known:
                    self.fail("E-impossible-case", f"`{path_text(subject_ast)}` is a {known} here (narrowed by an `is` test), never a {c.name}", c.span)
                seen[c.name] = c
            test: ir.Expr | None = None
            for n in names:
                if variant:
                    t: ir.Expr = ir.IsCase(BoolT(), ref, n, span=arm.span)
                else:  # an enum or atom subject: one equality per member named
                    t = ir.Compare(BoolT(), "==", ref, ir.Lit(vt, n, span=arm.span), span=arm.span)
                test = t if test is None else ir.BoolOp(BoolT(), "or", test, t, span=arm.span)
            arm_scope = scope.narrowed({key: names[0]}) if key is not None and len(names) == 1 else scope
            out.append((test, arm_scope, arm))
        missing = [c for c in cases if c not in seen and (known is None or c == known)]
        if missing:
            self.fail(
                "E-match-not-exhaustive",
                f"match does not cover case{'s' if len(missing) > 1 else ''} " + ", ".join(missing)
                + " (add an arm, or `_ => ...` for the rest)",
                subject_ast.span,
            )
        return hidden, x, out

    def _MapComp(self, e: ast.MapComp, scope, ctx, expected) -> ir.Expr:
        if not self._is_type_domain(e.domain):
            return self._partial_map(e, scope, ctx, expected)
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

    def _is_type_domain(self, d: ast.Expr) -> bool:
        return (
            isinstance(d, ast.Name) and (d.name in self.types.decls or d.name == "bool")
        ) or isinstance(d, ast.RangeExpr)

    def _partial_map(self, e: ast.MapComp, scope, ctx, expected) -> ir.Expr:
        """`{k: v for k in S}` over a set S of K values: a partial map, the total
        `[K -> V?]` that is none outside S (reading one of those as a V is an
        evaluation error). Every type stays finite: the key type is K, not S."""
        dom = self.value(self.check(e.domain, scope, ctx, None), e.domain.span)
        if not isinstance(dom.type, SetT) or not is_finite(dom.type.elem):
            self.fail(
                "E-map-domain",
                "a map `{k: v for k in S}` needs S to be a type, a constant range, or a set of values of a finite type; "
                f"found {describe(dom.type)}",
                e.domain.span,
            )
        key_t = dom.type.elem
        inner = Scope(parent=scope)
        local = self.new_local(inner, e.key, key_t)
        want = expected.value if isinstance(expected, MapT) else None
        value = self.check(e.value, inner, ctx, want.inner if isinstance(want, OptionT) else want)
        vt = want if isinstance(want, OptionT) else OptionT(value.type if not isinstance(value.type, OptionT) else value.type.inner)
        value = self.coerce(value, vt, e.value.span, "a map value")
        key = ir.LocalRef(key_t, local, span=e.key.span)
        inside = ir.Member(BoolT(), key, dom, span=e.domain.span)
        guarded = ir.Cond(vt, inside, value, ir.Lit(vt, None, span=e.span), span=e.span)
        every = self.type_universe(key_t, e.domain.span)
        return ir.MapComp(MapT(key_t, vt), local, every, guarded, span=e.span)

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
            tag = self.case_here(e.operand, scope)
            if tag is not None:
                ft = dict(x.type.case(tag).fields).get(fname)
                if ft is None:
                    known = ", ".join(n for n, _ in x.type.case(tag).fields) or "none"
                    self.fail(
                        "E-unknown-field",
                        f"`{path_text(e.operand)}` is a {tag} here, and case {tag} has no field `{fname}` (fields: {known})",
                        e.field.span,
                    )
                return ir.GetField(ft, x, fname, tag, span=e.span)
            types = {dict(c.fields)[fname] for c in x.type.cases if fname in dict(c.fields)}
            if not types:
                self.fail("E-unknown-field", f"no case of variant {x.type.name} has a field `{fname}`", e.field.span)
            if len(types) > 1:
                self.fail(
                    "E-ambiguous-field",
                    f"field `{fname}` has different types in the cases of {x.type.name}; narrow the value to one case "
                    "first (`require m is A`, `if m is A {...}`, `m is A and ...`, or `match`)",
                    e.field.span,
                )
            return ir.GetField(types.pop(), x, fname, span=e.span)
        self.fail("E-no-fields", f"`.{fname}` needs a record or variant, found {describe(x.type)}", e.span)

    def _Index(self, e: ast.Index, scope, ctx, expected) -> ir.Expr:
        if isinstance(e.operand, ast.Name) and e.operand.name in ("set", "seq", "bag") and self._is_unbound(e.operand.name, scope):
            hint = {
                "set": "for every subset of S write `subsets(S)`",
                "seq": "declare `type Log = seq[T, N]` and range over `Log`",
                "bag": "declare `type Net = bag[T, N]` and range over `Net`",
            }[e.operand.name]
            self.fail("E-type-as-value", f"`{e.operand.name}[...]` is a type, not a value: {hint}", e.span)
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if isinstance(x.type, MapT):
            key = self.check_as(e.index, scope, ctx, x.type.key, "the key")
            return ir.Index(x.type.value, x, key, span=e.span)
        if isinstance(x.type, SeqT):
            i = self.check_int(e.index, scope, ctx, "a sequence index")
            return ir.Index(x.type.elem, x, i, span=e.span)
        if isinstance(x.type, TupleT):
            i = self.check_int(e.index, scope, ctx, "a tuple index")
            n = len(x.type.fields)
            if not isinstance(i, ir.Lit) or not 1 <= i.value <= n:
                self.fail("E-tuple-index", f"a tuple's component is chosen by a constant from 1 to {n}", e.index.span)
            return ir.GetField(x.type.elems[i.value - 1], x, str(i.value), span=e.span)
        self.fail("E-not-indexable", f"`[...]` needs a map or a sequence, found {describe(x.type)}", e.span)

    def _Slice(self, e: ast.Slice, scope, ctx, expected) -> ir.Expr:
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if not isinstance(x.type, SeqT):
            self.fail("E-not-indexable", f"`[i..j]` needs a sequence, found {describe(x.type)}", e.span)
        lo = self.check_int(e.lo, scope, ctx, "a slice bound")
        hi = self.check_int(e.hi, scope, ctx, "a slice bound")
        return ir.Slice(x.type, x, lo, hi, span=e.span)

    def _is_unbound(self, name: str, scope: Scope) -> bool:
        return scope.lookup(name) is None and self.symbols.kind_of(name) is None and name not in self.types.decls

    def _IsExpr(self, e: ast.IsExpr, scope, ctx, expected) -> ir.Expr:
        x = self.value(self.check(e.operand, scope, ctx, None), e.operand.span)
        if not isinstance(x.type, VariantT):
            self.fail("E-not-variant", f"`is` needs a variant value, found {describe(x.type)}", e.operand.span)
        if x.type.case(e.case.name) is None:
            cases = ", ".join(c.name for c in x.type.cases)
            self.fail("E-unknown-case", f"{x.type.name} has no case `{e.case.name}` (cases: {cases})", e.case.span)
        known = self.case_here(e.operand, scope)
        if known is not None and known != e.case.name:
            self.fail(
                "E-impossible-case",
                f"`{path_text(e.operand)}` is a {known} here (narrowed by an earlier `is` test), so it is never a {e.case.name}",
                e.case.span,
            )
        return ir.IsCase(BoolT(), x, e.case.name, span=e.span)

    # ------------------------------------------------------------ calls

    def _Call(self, e: ast.Call, scope, ctx, expected) -> ir.Expr:
        name = e.func.name
        if name in self.symbols.defs:
            return self._call_def(name, e.args, e.span, scope, ctx)
        if name in self.symbols.procs:
            self.fail("E-not-callable", f"`{name}` is a procedure: call it as a statement of an action, not in an expression", e.func.span)
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
        if name in ("union", "subsets"):
            return self._set_builtin(name, e, scope, ctx)
        if name == "domain":
            return self._domain(e, scope, ctx)
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
        if name == "head":  # s[1]: an evaluation error on []
            return ir.Index(s.type.elem, s, ir.Lit(IntT(), 1, span=e.span), span=e.span)
        if name == "tail":  # s[2..len(s)]: [] for [], as a slice
            two = ir.Lit(IntT(), 2, span=e.span)
            return ir.Slice(s.type, s, two, ir.Len(IntT(), s, span=e.span), span=e.span)
        x = self.check_as(e.args[1], scope, ctx, s.type.elem, "the appended element")
        return ir.Append(SeqT(s.type.elem, s.type.max_len + 1), s, x, span=e.span)

    def _domain(self, e: ast.Call, scope, ctx) -> ir.Expr:
        """`domain(m)`: the keys of a map; of a `[K -> V?]`, those not mapped to none."""
        m = self.value(self.check(e.args[0], scope, ctx, None), e.args[0].span)
        if not isinstance(m.type, MapT):
            self.fail("E-type-mismatch", f"domain needs a map, found {describe(m.type)}", e.args[0].span)
        keys = self.type_universe(m.type.key, e.span)
        if not isinstance(m.type.value, OptionT):
            return keys
        k = ir.Local("key", next(self._uids), m.type.key)
        ref = ir.LocalRef(m.type.key, k, span=e.span)
        mapped = ir.Compare(BoolT(), "!=", ir.Index(m.type.value, m, ref, span=e.span), ir.Lit(m.type.value, None, span=e.span), span=e.span)
        return ir.SetComp(SetT(m.type.key), ref, ((k, keys),), mapped, span=e.span)

    def _set_builtin(self, name: str, e: ast.Call, scope, ctx) -> ir.Expr:
        """`union(S)` and `subsets(S)`, written as comprehensions every backend has."""
        x = self.value(self.check(e.args[0], scope, ctx, None), e.args[0].span)
        span = e.span
        if name == "union":
            if not (isinstance(x.type, SetT) and isinstance(x.type.elem, SetT)):
                self.fail("E-type-mismatch", f"union needs a set of sets, found {describe(x.type)}", e.args[0].span)
            inner_t = x.type.elem
            part = ir.Local("part", next(self._uids), inner_t)
            elem = ir.Local("elem", next(self._uids), inner_t.elem)
            bindings = ((part, x), (elem, ir.LocalRef(inner_t, part, span=span)))
            return ir.SetComp(inner_t, ir.LocalRef(inner_t.elem, elem, span=span), bindings, None, span=span)
        if not isinstance(x.type, SetT):
            self.fail("E-type-mismatch", f"subsets needs a set, found {describe(x.type)}", e.args[0].span)
        every = self.type_universe(x.type, span)  # every set of the element type
        sub = ir.Local("sub", next(self._uids), x.type)
        ref = ir.LocalRef(x.type, sub, span=span)
        cond = ir.SetCompare(BoolT(), "<=", ref, x, span=span)
        return ir.SetComp(SetT(x.type), ref, ((sub, every),), cond, span=span)

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
                + "; defs are macros and cannot be recursive: over a set or a sequence write "
                "`fold(acc = init, x in S: ...)`, `sum(...)`, `max(...)` or `min(...)`",
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
