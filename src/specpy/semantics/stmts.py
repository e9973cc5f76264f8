"""Statements of `init` and actions → IR statements.

Also desugars `send`/`receive`, `match` and procedure calls (backends never
see them) and, in `init`, tracks which variables are definitely assigned:
reading a variable before every path has assigned it is an error, as is
leaving one unassigned.

Narrowing: `require m is A` narrows m for the rest of its block, `if m is A`
inside the branch; a state variable loses what was known about it where it
is assigned (also inside a nested block, for the rest of the enclosing one).
"""

from __future__ import annotations

import dataclasses

from specpy.diagnostics import Note, Span
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
        self._proc_stack: list[str] = []
        # Where each statement a procedure call inlined was called (by id), for messages.
        self._called_at: dict[int, ast.CallStmt] = {}

    def block(self, stmts: tuple[ast.Stmt, ...], scope: Scope, ctx: Context) -> tuple[irs.Stmt, ...]:
        inner = Scope(parent=scope)
        out: list[irs.Stmt] = []
        for s in stmts:
            done = self.stmt(s, inner, ctx)
            new = done if isinstance(done, tuple) else (done,)
            out.extend(new)
            # What a nested block assigned is no longer known to be narrowed.
            for name in irs.assigned_vars(new):
                inner.withdraw(name)
        return tuple(out)

    def stmt(self, s: ast.Stmt, scope: Scope, ctx: Context) -> irs.Stmt | tuple[irs.Stmt, ...]:
        """One statement's IR; a few (`let (a, b) = e`, a procedure call) give several."""
        method = getattr(self, "_" + type(s).__name__, None)
        if method is None:
            raise AssertionError(f"no checker for statement node {type(s).__name__}")
        return method(s, scope, ctx)

    # ------------------------------------------------------------ simple statements

    def _Require(self, s: ast.Require, scope, ctx) -> irs.Stmt:
        cond = self.x.check_bool(s.cond, scope, ctx, "a `require` condition")
        scope.facts.update(self.x.facts(s.cond, scope))
        return irs.Require(cond, span=s.span)

    def _Assert(self, s: ast.Assert, scope, ctx) -> irs.Stmt:
        return irs.Assert(self.x.check_bool(s.cond, scope, ctx, "an `assert` condition"), span=s.span)

    def _Let(self, s: ast.Let, scope, ctx) -> irs.Stmt:
        value = self.x.check(s.value, scope, ctx, None)
        if not _is_storable(value.type):
            self.errors.fail(
                "E-type-mismatch", f"cannot tell the type of this value ({describe(value.type)}); give it a context",
                s.value.span,
            )
        local, lets = self.x.bind_pattern(scope, s.name, value.type)
        return (irs.Let(local, value, span=s.span),) + _lets(lets)

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
        scope.withdraw(name)
        return irs.Assign(name, tuple(path), value, t, span=s.span)

    # ------------------------------------------------------------ control flow

    def _If(self, s: ast.If, scope, ctx) -> irs.Stmt:
        (cond_ast, body_ast), rest = s.branches[0], s.branches[1:]
        cond = self.x.check_bool(cond_ast, scope, ctx, "an `if` condition")
        before = set(ctx.assigned) if ctx.assigned is not None else None
        then = self._branch(body_ast, scope.narrowed(self.x.facts(cond_ast, scope)), ctx, before)
        then_assigned = ctx.assigned
        if rest:
            nested = ast.If(rest, s.orelse, span=s.span)
            orelse: tuple[irs.Stmt, ...] = (self._branch_stmt(nested, scope, ctx, before),)
        elif s.orelse is not None:
            orelse = self._branch(s.orelse, scope.narrowed(self.x.facts_if_false(cond_ast, scope)), ctx, before)
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
        local, dom, cond, inner, lets = self._binder(s.binding, s.cond, scope, ctx, "choose")
        # The body runs in every fork, and there is no fork when nothing is
        # chosen (no successor at all), so assignments in it count.
        body = _lets(lets) + self.block(s.body, inner, ctx)
        return irs.Choose(local, dom, cond, body, span=s.span)

    def _For(self, s: ast.For, scope, ctx) -> irs.Stmt:
        local, dom, cond, inner, lets = self._binder(s.binding, s.cond, scope, ctx, "for")
        before = set(ctx.assigned) if ctx.assigned is not None else None
        body = _lets(lets) + self.block(s.body, inner, ctx)
        if before is not None:
            ctx.assigned = before  # the loop may run zero times
        return irs.For(local, dom, cond, body, span=s.span)

    def _binder(self, b: ast.Binding, cond_ast, scope, ctx, what: str):
        """The bound local, domain, condition, body scope (narrowed by the
        condition) and the names a tuple pattern binds."""
        dom = self.x.collection(b.domain, scope, ctx, f"the domain of `{what}`")
        inner = Scope(parent=scope)
        local, lets = self.x.bind_pattern(inner, b.name, self.x.elem_type(dom.type))
        cond = self.x.check_bool(cond_ast, inner, ctx, "a `where` condition") if cond_ast else None
        cond = self.x.wrap(lets, cond) if cond is not None else None
        return local, dom, cond, inner.narrowed(self.x.facts(cond_ast, inner)), lets

    # ------------------------------------------------------------ match and procedures

    def _MatchStmt(self, s: ast.MatchStmt, scope, ctx) -> irs.Stmt | tuple[irs.Stmt, ...]:
        """`match` as an if/else chain over `is` tests; the last arm needs no test."""
        hidden, subject, arms = self.x.match_arms(s.subject, s.arms, scope, ctx)
        before = set(ctx.assigned) if ctx.assigned is not None else None
        bodies, after = [], []
        for _, arm_scope, arm in arms:
            bodies.append(self._branch(arm.body, arm_scope, ctx, before))
            after.append(ctx.assigned)
        self._merge(ctx, after)
        out: tuple[irs.Stmt, ...] = bodies[-1]
        for (test, _, arm), body in reversed(list(zip(arms[:-1], bodies[:-1]))):
            out = (irs.If(test, body, out, span=arm.span),)
        if hidden is not None:
            return (irs.Let(hidden, subject, span=s.subject.span),) + out
        return out

    def _CallStmt(self, s: ast.CallStmt, scope, ctx) -> tuple[irs.Stmt, ...]:
        """A procedure call, inlined: its parameters become `let`s, then its body."""
        name = s.func.name
        decl = self.symbols.procs.get(name)
        if decl is None:
            kind = self.symbols.kind_of(name)
            if kind is not None:
                self.errors.fail("E-not-a-procedure", f"`{name}` is a {kind}, not a procedure; only procedures are called as statements", s.func.span)
            self.x._unknown(name, s.func.span, scope)
        if len(s.args) != len(decl.params):
            n = len(decl.params)
            self.errors.fail(
                "E-arity", f"{name} takes {n} argument{'s' if n != 1 else ''}, given {len(s.args)}", s.span,
                (Note("declared here", decl.name.span),),
            )
        if name in self._proc_stack:
            chain = " -> ".join([*self._proc_stack[self._proc_stack.index(name):], name])
            self.errors.fail(
                "E-recursive-proc",
                f"procedure {name} calls itself ({chain}); procedures are inlined, so they cannot be recursive: "
                "write the repetition as a `for` loop",
                s.span,
            )
        body_scope = Scope()
        lets = []
        for i, (arg, p) in enumerate(zip(s.args, decl.params)):
            t = self.x.types.resolve(p.type)
            value = self.x.check_as(arg, scope, ctx, t, f"argument {i + 1} of {name}")
            lets.append(irs.Let(self.x.new_local(body_scope, p.name, t), value, span=arg.span))
        self._proc_stack.append(name)
        try:
            body = self.block(decl.body, body_scope, ctx)
        finally:
            self._proc_stack.pop()
        for st in body:
            self._called_at.setdefault(id(st), s)
        return tuple(lets) + body

    def check_lost_writes(self, stmts: tuple[irs.Stmt, ...]) -> None:
        """A whole variable assigned twice by a procedure call (and another call or
        its caller), nothing reading it in between, is an error (E-overwritten):
        the first value is lost, which two calls in one action never mean.
        (Two plain assignments are left alone: a later statement may replace
        an earlier one on purpose.)"""
        pending: dict[str, irs.Assign] = {}
        for s in stmts:
            read = _vars_read(s)
            for name in list(pending):
                if name in read:
                    del pending[name]
            if isinstance(s, irs.Assign) and not s.path:
                first = pending.get(s.var)
                if first is not None and (id(first) in self._called_at or id(s) in self._called_at):
                    self._overwritten(first, s)
                pending[s.var] = s
            elif not isinstance(s, (irs.Let, irs.Require, irs.Assert)):
                pending.clear()  # a branch or loop: keep the check to straight-line code
            for nested in _nested_blocks(s):
                self.check_lost_writes(nested)

    def _overwritten(self, first: irs.Assign, second: irs.Assign) -> None:
        """Report a lost write at the statements, or at the calls that inlined them."""

        def where(st: irs.Assign) -> tuple[Span, tuple[Note, ...]]:
            call = self._called_at.get(id(st))
            if call is None:
                return st.span, ()
            return call.span, (Note(f"the assignment in procedure {call.func.name}", st.span),)

        span, notes = where(second)
        first_span, first_notes = where(first)
        self.errors.report(
            "E-overwritten",
            f"`{second.var}` is assigned again before anything reads the value it was given, "
            "so the first assignment has no effect",
            span,
            tuple(dict.fromkeys((Note("first assigned here", first_span), *first_notes, *notes))),
        )

    def check_proc(self, decl: ast.ProcDecl) -> None:
        """A procedure's body on its own (procedures no action calls are checked too)."""
        scope = Scope()
        for p in decl.params:
            self.x.new_local(scope, p.name, self.x.types.resolve(p.type))
        self._proc_stack.append(decl.name.name)
        try:
            self.block(decl.body, scope, Context(f"procedure {decl.name.name}"))
        finally:
            self._proc_stack.pop()

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
        body = self.block(s.body, inner.narrowed(self.x.facts(s.cond, inner)), ctx)
        if isinstance(v.type, BagT):
            # A bag loses the received copy; a set keeps it (TLA+ style).
            take = irs.Assign(
                v.name, (), ir.BagRemove(v.type, net, ir.LocalRef(local.type, local, span=s.name.span), span=s.span),
                v.type, span=s.span,
            )
            body = (take,) + body
        return irs.Choose(local, net, cond, body, span=s.span)


def _lets(lets: list[tuple[ir.Local, ir.Expr]]) -> tuple[irs.Stmt, ...]:
    """The names a tuple pattern binds, as `let` statements."""
    return tuple(irs.Let(local, value, span=value.span) for local, value in lets)




def _nested_blocks(s: irs.Stmt) -> tuple[tuple[irs.Stmt, ...], ...]:
    match s:
        case irs.If(then=a, orelse=b):
            return (a, b)
        case irs.Choose(body=b) | irs.For(body=b):
            return (b,)
        case irs.Either(branches=bs):
            return bs
    return ()


def _vars_read(node: object) -> set[str]:
    """The state variables an IR statement or expression reads (nested blocks included)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ir.VarRef):
            out.add(n.name)
        elif isinstance(n, (tuple, list)):
            stack.extend(n)
        elif dataclasses.is_dataclass(n) and not isinstance(n, (ir.Local, Type)):
            stack.extend(getattr(n, f.name) for f in dataclasses.fields(n) if f.name not in ("type", "span", "target_type"))
    return out


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
