"""Statements of `init` and actions → IR statements.

Also desugars `send`/`receive` (backends never see them) and, in `init`,
tracks which variables are definitely assigned: reading a variable before
every path has assigned it is an error, as is leaving one unassigned.
"""

from __future__ import annotations

from specpy.diagnostics import Note
from specpy.ir import expr as ir
from specpy.ir import stmt as irs
from specpy.ir.types import BagT, EmptyCollectionT, IntT, MapT, RecordT, SeqT, SetT, Type, VariantT, is_int
from specpy.semantics.exprs import Context, ExprChecker, Scope, describe
from specpy.syntax import ast


class StmtChecker:
    def __init__(self, exprs: ExprChecker):
        self.x = exprs
        self.errors = exprs.errors
        self.symbols = exprs.symbols

    def block(self, stmts: tuple[ast.Stmt, ...], scope: Scope, ctx: Context) -> tuple[irs.Stmt, ...]:
        inner = Scope(parent=scope)
        return tuple(self.stmt(s, inner, ctx) for s in stmts)

    def stmt(self, s: ast.Stmt, scope: Scope, ctx: Context) -> irs.Stmt:
        method = getattr(self, "_" + type(s).__name__, None)
        if method is None:
            raise AssertionError(f"no checker for statement node {type(s).__name__}")
        return method(s, scope, ctx)

    # ------------------------------------------------------------ simple statements

    def _Require(self, s: ast.Require, scope, ctx) -> irs.Stmt:
        return irs.Require(self.x.check_bool(s.cond, scope, ctx, "a `require` condition"), span=s.span)

    def _Assert(self, s: ast.Assert, scope, ctx) -> irs.Stmt:
        return irs.Assert(self.x.check_bool(s.cond, scope, ctx, "an `assert` condition"), span=s.span)

    def _Let(self, s: ast.Let, scope, ctx) -> irs.Stmt:
        value = self.x.check(s.value, scope, ctx, None)
        if not _is_storable(value.type):
            self.errors.fail(
                "E-type-mismatch", f"cannot tell the type of this value ({describe(value.type)}); give it a context",
                s.value.span,
            )
        local = self.x.new_local(scope, s.name, value.type)
        return irs.Let(local, value, span=s.span)

    def _Assign(self, s: ast.Assign, scope, ctx) -> irs.Stmt:
        root, steps = _unpack_target(s.target)
        if root is None:
            self.errors.fail(
                "E-bad-assign-target",
                "only a variable, or a part of one (`x[k]`, `x.f`), can be assigned",
                s.target.span,
            )
        name = root.name
        if scope.lookup(name) is not None:
            self.errors.fail(
                "E-assign-to-local",
                f"`{name}` is a local name (a parameter, `let` or bound variable), which cannot be assigned; "
                "only state variables change",
                root.span,
            )
        if name not in self.symbols.vars:
            kind = self.symbols.kind_of(name)
            if kind is not None:
                self.errors.fail("E-assign-to-non-variable", f"cannot assign to `{name}`: it is a {kind}, not a state variable", root.span)
            self.errors.fail("E-assign-to-undeclared", f"cannot assign to `{name}`: no state variable has that name", root.span)
        var = self.symbols.vars[name]
        if ctx.assigned is not None and steps and name not in ctx.assigned:
            self.errors.fail(
                "E-read-before-init",
                f"`{name}` must be given a whole initial value before a part of it is assigned",
                s.target.span,
            )
        t: Type = var.type
        path: list[irs.IndexStep | irs.FieldStep] = []
        for step in steps:
            if isinstance(step, ast.Index):
                if isinstance(t, MapT):
                    path.append(irs.IndexStep(self.x.check_as(step.index, scope, ctx, t.key, "the key")))
                    t = t.value
                elif isinstance(t, SeqT):
                    path.append(irs.IndexStep(self.x.check_int(step.index, scope, ctx, "a sequence index")))
                    t = t.elem
                else:
                    self.errors.fail("E-not-indexable", f"`[...]` needs a map or a sequence, found {describe(t)}", step.span)
            else:
                if not isinstance(t, RecordT):
                    self.errors.fail(
                        "E-bad-assign-target",
                        f"`.{step.field.name} =` assigns a record field; this is {describe(t)}"
                        + (" (a variant value is replaced whole)" if isinstance(t, VariantT) else ""),
                        step.span,
                    )
                ft = t.field_type(step.field.name)
                if ft is None:
                    self.errors.fail("E-unknown-field", f"record {t.name} has no field `{step.field.name}`", step.field.span)
                path.append(irs.FieldStep(step.field.name))
                t = ft
        if s.op == "=":
            value = self.x.check_as(s.value, scope, ctx, t, f"the value assigned to {_target_text(s.target)}")
        else:
            if not is_int(t):
                self.errors.fail(
                    "E-type-mismatch", f"`{s.op}` needs an integer target; {_target_text(s.target)} is {describe(t)}", s.span
                )
            current = self.x.check(s.target, scope, ctx, None)
            rhs = self.x.check_int(s.value, scope, ctx, f"the right side of `{s.op}`")
            value = ir.Arith(IntT(), s.op[0], current, rhs, span=s.span)
        if ctx.assigned is not None and not steps:
            ctx.assigned.add(name)
        return irs.Assign(name, tuple(path), value, t, span=s.span)

    # ------------------------------------------------------------ control flow

    def _If(self, s: ast.If, scope, ctx) -> irs.Stmt:
        (cond_ast, body_ast), rest = s.branches[0], s.branches[1:]
        cond = self.x.check_bool(cond_ast, scope, ctx, "an `if` condition")
        before = set(ctx.assigned) if ctx.assigned is not None else None
        then = self._branch(body_ast, scope, ctx, before)
        then_assigned = ctx.assigned
        if rest:
            nested = ast.If(rest, s.orelse, span=s.span)
            orelse: tuple[irs.Stmt, ...] = (self._branch_stmt(nested, scope, ctx, before),)
        elif s.orelse is not None:
            orelse = self._branch(s.orelse, scope, ctx, before)
        else:
            orelse = ()
            if before is not None:
                ctx.assigned = set(before)
        self._merge(ctx, [then_assigned, ctx.assigned])
        return irs.If(cond, then, orelse, span=s.span)

    def _branch(self, body, scope, ctx, before):
        if before is not None:
            ctx.assigned = set(before)
        return self.block(body, scope, ctx)

    def _branch_stmt(self, s, scope, ctx, before):
        if before is not None:
            ctx.assigned = set(before)
        return self.stmt(s, scope, ctx)

    @staticmethod
    def _merge(ctx: Context, branches: list[set[str] | None]) -> None:
        """After a fork, a variable is assigned only if every branch assigned it."""
        if ctx.assigned is None:
            return
        sets = [b for b in branches if b is not None]
        ctx.assigned = set.intersection(*sets) if sets else set()

    def _Either(self, s: ast.Either, scope, ctx) -> irs.Stmt:
        before = set(ctx.assigned) if ctx.assigned is not None else None
        branches, after = [], []
        for b in s.branches:
            branches.append(self._branch(b, scope, ctx, before))
            after.append(ctx.assigned)
        self._merge(ctx, after)
        return irs.Either(tuple(branches), span=s.span)

    def _Choose(self, s: ast.Choose, scope, ctx) -> irs.Stmt:
        local, dom, cond, inner = self._binder(s.binding, s.cond, scope, ctx, "choose")
        # The body runs in every fork, and there is no fork when nothing is
        # chosen (no successor at all), so assignments in it count.
        body = self.block(s.body, inner, ctx)
        return irs.Choose(local, dom, cond, body, span=s.span)

    def _For(self, s: ast.For, scope, ctx) -> irs.Stmt:
        local, dom, cond, inner = self._binder(s.binding, s.cond, scope, ctx, "for")
        before = set(ctx.assigned) if ctx.assigned is not None else None
        body = self.block(s.body, inner, ctx)
        if before is not None:
            ctx.assigned = before  # the loop may run zero times
        return irs.For(local, dom, cond, body, span=s.span)

    def _binder(self, b: ast.Binding, cond_ast, scope, ctx, what: str):
        dom = self.x.collection(b.domain, scope, ctx, f"the domain of `{what}`")
        inner = Scope(parent=scope)
        local = self.x.new_local(inner, b.name, self.x.elem_type(dom.type))
        cond = self.x.check_bool(cond_ast, inner, ctx, "a `where` condition") if cond_ast else None
        return local, dom, cond, inner

    # ------------------------------------------------------------ messages

    def _network(self, net: ast.Ident, ctx: Context, what: str):
        if net.name not in self.symbols.vars:
            kind = self.symbols.kind_of(net.name)
            self.errors.fail(
                "E-not-a-network",
                f"`{what}` needs a state variable of type set[...] or bag[...]; `{net.name}` is "
                + (f"a {kind}" if kind else "not declared"),
                net.span,
            )
        v = self.symbols.vars[net.name]
        if not isinstance(v.type, (SetT, BagT)):
            self.errors.fail(
                "E-not-a-network",
                f"`{what}` needs a variable of type set[...] or bag[...]; `{net.name}` is {describe(v.type)}",
                net.span,
                (Note("declared here", v.span),),
            )
        if ctx.assigned is not None and net.name not in ctx.assigned:
            self.errors.fail("E-read-before-init", f"`{net.name}` is used before it is given an initial value", net.span)
        return v

    def _Send(self, s: ast.Send, scope, ctx) -> irs.Stmt:
        v = self._network(s.net, ctx, "send")
        msg = self.x.check_as(s.message, scope, ctx, v.type.elem, f"a message sent to {v.name}")
        net = ir.VarRef(v.type, v.name, span=s.net.span)
        if isinstance(v.type, BagT):
            value: ir.Expr = ir.BagAdd(v.type, net, msg, span=s.span)
        else:
            value = ir.SetOp(v.type, "|", net, ir.SetLit(v.type, (msg,), span=s.message.span), span=s.span)
        return irs.Assign(v.name, (), value, v.type, span=s.span)

    def _Receive(self, s: ast.Receive, scope, ctx) -> irs.Stmt:
        v = self._network(s.net, ctx, "receive")
        net = ir.VarRef(v.type, v.name, span=s.net.span)
        inner = Scope(parent=scope)
        local = self.x.new_local(inner, s.name, v.type.elem)
        cond = self.x.check_bool(s.cond, inner, ctx, "a `where` condition") if s.cond else None
        body = self.block(s.body, inner, ctx)
        if isinstance(v.type, BagT):
            # A bag loses the received copy; a set keeps it (TLA+ style).
            take = irs.Assign(
                v.name, (), ir.BagRemove(v.type, net, ir.LocalRef(local.type, local, span=s.name.span), span=s.span),
                v.type, span=s.span,
            )
            body = (take,) + body
        return irs.Choose(local, net, cond, body, span=s.span)


def _unpack_target(e: ast.Expr) -> tuple[ast.Name | None, list[ast.Index | ast.FieldAccess]]:
    steps: list[ast.Index | ast.FieldAccess] = []
    while isinstance(e, (ast.Index, ast.FieldAccess)):
        steps.append(e)
        e = e.operand
    steps.reverse()
    return (e if isinstance(e, ast.Name) else None), steps


def _target_text(e: ast.Expr) -> str:
    match e:
        case ast.Name(name=n):
            return f"`{n}`"
        case ast.Index(operand=o):
            return _target_text(o)[:-1] + "[...]`"
        case ast.FieldAccess(operand=o, field=f):
            return _target_text(o)[:-1] + f".{f.name}`"
    return "the target"


def _is_storable(t: Type) -> bool:
    return not isinstance(t, EmptyCollectionT)
