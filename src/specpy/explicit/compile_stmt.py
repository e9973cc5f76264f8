"""IR statement lists -> straight-line Python that appends successors.

Statements run on the working copy of the state, which here is a set of
Python locals in SSA style: every assignment makes a fresh name, so forks
(`choose`, `either`, an `if` whose branches can fail) can simply continue
with their own copy of the name map. A fork duplicates the statements after
it into each branch, so every path is straight-line code that ends by
appending the successor tuple (the caller's `finish`).

A failed `require` abandons the path: `if not c: return`/`continue` where the
path is the last code of its function or loop, otherwise the rest of the path
is nested under `if c:`. An `if` whose branches only assign (no require,
choose or either) is compiled without a fork: both branches write the same
fresh names and the path continues once after it. `for` over a constant
domain is unrolled (so it may contain anything); over a state-dependent domain
it becomes a loop whose body may only assign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from specpy.explicit.compile_expr import FAILING_CALL, UNROLL_MAX, Code, ExprCompiler, Scope, count_refs, within
from specpy.explicit.state import MapCodec, RecordCodec, SeqCodec, VariantCodec, codec
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.backend import Handlers, unsupported
from specpy.ir.ranges import reads
from specpy.ir.types import IntT, RangeT, Type
from specpy.nodeclass import nodeclass

#: A `choose` over a constant domain of at most this many values is unrolled.
CHOOSE_UNROLL_MAX = 16
#: Tuples up to this length are rebuilt element by element on update
#: (cheaper than slicing and concatenating).
REBUILD_MAX = 10


@nodeclass
class Bind:
    """Bind a local to a constant from here on (an unrolled loop's value)."""

    uid: int
    code: Code




@nodeclass(frozen=False)
class Ahead:
    """What a `require` may be moved ahead of (guard hoisting, issue #15).

    A require that reads nothing assigned since `mark` (the state variables
    `vars`, the locals `locals`) runs before those assignments - as soon as
    it can decide - when the code emitted since `mark` cannot fail: it then
    decides the path exactly as in the written order, and the first
    evaluation error it or a later statement raises is the same one. Code
    that can fail (a range check kept by the range analysis, a division, an
    index, a variant field, `last`, a helper that raises) stays before the
    require, as does any statement other than an assignment or a `let`
    (an `assert`, an `if`, a loop, an earlier require).
    """

    mark: int  # where the statements that the next require may run before begin
    vars: set[str] = field(default_factory=set)
    locals: set[int] = field(default_factory=set)

    def may_move(self, cond: E.Expr, lines: list[str]) -> bool:
        moved_past = lines[self.mark :]
        return (
            bool(moved_past)
            and not any(FAILING_CALL.search(line) for line in moved_past)
            and not reads(cond, self.vars, self.locals, primed=True)
        )

    def after(self, mark: int) -> Ahead:
        """The same statements, with a require moved ahead of them at mark - 1."""
        return Ahead(mark, self.vars, self.locals)


def straight(stmts: tuple | list) -> bool:
    """No statement in it can abandon or fork the path."""
    for st in stmts:
        match st:
            case S.Require() | S.Choose() | S.Either():
                return False
            case S.If(then=a, orelse=b):
                if not (straight(a) and straight(b)):
                    return False
            case S.For(body=b):
                if not straight(b):
                    return False
    return True


def conjuncts(e: E.Expr) -> list[E.Expr]:
    """e split at its top-level `and`s, left to right."""
    if isinstance(e, E.BoolOp) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def leading_guard(body: tuple | list, uids: set[int]) -> tuple[list[E.Expr], list]:
    """The conditions that body requires before anything else and that read
    none of the locals `uids` (an action's parameters), and the body without
    them: what every parameter tuple would test alike.

    `require a and b` is `require a; require b` (the right side of `and` is
    evaluated only when the left holds), so a guard may end inside one.
    """
    guard: list[E.Expr] = []
    for i, st in enumerate(body):
        if not isinstance(st, S.Require):
            return guard, list(body[i:])
        parts = conjuncts(st.cond)
        shared = next((j for j, c in enumerate(parts) if any(count_refs(c, u) for u in uids)), len(parts))
        guard += parts[:shared]
        if shared < len(parts):
            rest = parts[shared:]
            cond = rest[0]
            for c in rest[1:]:
                cond = E.BoolOp(st.cond.type, "and", cond, c, st.cond.span)
            return guard, [S.Require(cond, st.span)] + list(body[i + 1 :])
    return guard, []


def stored(e: E.Expr) -> bool:
    """e is (part of) a value already in the state or a literal, so it lies in
    its static type and storing it needs no check; only seq and bag
    operations build values that may not (`append`, `+`, bag additions)."""
    match e:
        case E.VarRef() | E.Lit():
            return True
        case E.Index(operand=x) | E.GetField(operand=x) | E.Unwrap(operand=x) | E.Last(seq=x):
            return stored(x)
        case E.Slice(operand=x) | E.BagRemove(bag=x):
            return stored(x)  # these only shrink
        case E.Cond(then=a, other=b):
            return stored(a) and stored(b)
    return False


#: The statement classes `StmtCompiler.run` compiles (ir/backend.py: the backend contract).
STATEMENTS = Handlers("explicit", "statement", "the explicit checker cannot compile").covers(
    S.Require, S.Assign, S.Let, S.Assert, S.If, S.Either, S.Choose, S.For
)


class StmtCompiler:
    """Emits the lines of one generated function body."""

    def __init__(
        self,
        ex: ExprCompiler,
        var_types: dict[str, Type],
        finish: Callable[[Scope], str],
        before_each: Callable[[Scope], str] | None = None,
    ):
        self.ex = ex
        self.var_types = var_types
        self.finish = finish  # the statement that ends a complete path
        #: A line emitted before every statement (the traced init records the variables so far).
        self.before_each = before_each
        self.lines: list[str] = []

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def fresh(self, prefix: str = "t") -> str:
        return self.ex.ns.fresh(prefix)

    def hoist(self, c: Code, ind: int) -> Code:
        """c as something cheap to repeat: a literal or a local name."""
        if c.simple:
            return c
        name = self.fresh()
        self.line(ind, f"{name} = {c}")
        return Code(name)

    # ------------------------------------------------------------ paths

    def run(self, items: list, sc: Scope, ind: int, exit: str | None, tail: bool) -> None:
        """Emit items; then, if `tail`, the end of the path.

        `exit` abandons the path ("return"/"continue") or is None where code
        for other paths follows (then a require nests the rest). `tail` is
        False for bodies of non-forking `if`s and loops, which fall through.
        """
        ex = self.ex
        ahead = Ahead(len(self.lines))
        i = 0
        while i < len(items):
            st = items[i]
            i += 1
            if self.before_each is not None and not isinstance(st, Bind):
                self.line(ind, self.before_each(sc))
            match st:
                case Bind(uid, code):
                    sc.env[uid] = code
                    ahead.locals.add(uid)
                case S.Require(cond):
                    c = ex.expr(cond, sc)
                    if c.const:
                        if c.value:
                            continue
                        self.line(ind, "pass")  # this path yields nothing
                        return
                    # The traced init (before_each) keeps the written order: an error in the
                    # condition then shows the variables assigned before it, as written.
                    moves = self.before_each is None and ahead.may_move(cond, self.lines)
                    at = ahead.mark if moves else len(self.lines)
                    if exit is not None:
                        self.lines.insert(at, "    " * ind + f"if not {c}: {exit}")
                    else:  # the rest of the path, from `at` on, nests under it
                        self.lines.insert(at, "    " * ind + f"if {c}:")
                        self.lines[at + 1 :] = ["    " + line for line in self.lines[at + 1 :]]
                        ind += 1
                    ahead = ahead.after(at + 1) if at == ahead.mark else Ahead(len(self.lines))
                case S.Assign():
                    self.assign(st, sc, ind)
                    ahead.vars.add(st.var)
                case S.Let(local, value):
                    v = ex.coerce(ex.expr(value, sc), value.type, local.type, sc, st.span, check=False)
                    sc.env[local.uid] = self.hoist(v, ind)
                    ahead.locals.add(local.uid)
                case S.Assert(cond):
                    c = ex.expr(cond, sc)
                    if not (c.const and c.value):
                        site = ex.sites.add(st.span, "assert")
                        guard = "" if c.const else f"if not {c}: "
                        self.line(ind, f"{guard}_assert_fail({site}, {sc.p})")
                    ahead = Ahead(len(self.lines))
                case S.If(cond, then, orelse):
                    c = ex.expr(cond, sc)
                    if c.const:
                        items = list(then if c.value else orelse) + items[i:]
                        i = 0
                    elif straight(then) and straight(orelse):
                        self.merge_if(c, then, orelse, sc, ind)
                        ahead = Ahead(len(self.lines))
                    else:
                        rest = items[i:]
                        self.line(ind, f"if {c}:")
                        self.run(list(then) + rest, sc.copy(), ind + 1, exit, tail)
                        self.line(ind, "else:")
                        self.run(list(orelse) + rest, sc.copy(), ind + 1, exit, tail)
                        return
                case S.Either(branches):
                    rest = items[i:]
                    for k, branch in enumerate(branches):
                        last = k == len(branches) - 1
                        self.run(list(branch) + rest, sc.copy(), ind, exit if last else None, tail)
                    return
                case S.Choose(local, domain, cond, body):
                    self.choose(st, items[i:], sc, ind, exit, tail)
                    return
                case S.For(local, domain, cond, body):
                    d = ex.expr(domain, sc)
                    members = codec(domain.type).members(d.value) if d.const else None
                    if members is not None and len(members) <= UNROLL_MAX:
                        unrolled: list = []
                        for m in members:
                            unrolled.append(Bind(local.uid, ex.const(m)))
                            unrolled.extend([S.If(cond, body, ())] if cond is not None else body)
                        items = unrolled + items[i:]
                        i = 0
                    else:
                        self.loop(st, d, sc, ind)
                        ahead = Ahead(len(self.lines))
                case _:
                    raise STATEMENTS.refuse(st)
        if tail:
            self.line(ind, self.finish(sc))

    def choose(self, st: S.Choose, rest: list, sc: Scope, ind: int, exit: str | None, tail: bool) -> None:
        ex = self.ex
        d = ex.expr(st.domain, sc)
        guard = [S.Require(st.cond)] if st.cond is not None else []
        members = codec(st.domain.type).members(d.value) if d.const else None
        if members is not None and len(members) <= CHOOSE_UNROLL_MAX:
            for k, m in enumerate(members):
                last = k == len(members) - 1
                branch = [Bind(st.local.uid, ex.const(m))] + guard + list(st.body) + rest
                self.run(branch, sc.copy(), ind, exit if last else None, tail)
            if not members:
                self.line(ind, "pass")
            return
        name = self.fresh("c")
        self.line(ind, f"for {name} in {ex.iterate(d, st.domain.type, canonical=True)}:")
        inner = sc.copy()
        inner.env[st.local.uid] = Code(name)
        self.run(guard + list(st.body) + rest, inner, ind + 1, "continue", tail)

    def merge_if(self, c: Code, then: tuple, orelse: tuple, sc: Scope, ind: int) -> None:
        """An if whose branches only assign: both write the same fresh names."""
        assigned = sorted(S.assigned_vars(then) | S.assigned_vars(orelse))
        names = {v: self.fresh("m") for v in assigned}
        for header, branch in ((f"if {c}:", then), ("else:", orelse)):
            self.line(ind, header)
            mark = len(self.lines)
            inner = sc.copy()
            self.run(list(branch), inner, ind + 1, None, tail=False)
            for v in assigned:
                self.line(ind + 1, f"{names[v]} = {inner.vars[v]}")
            if len(self.lines) == mark:
                self.line(ind + 1, "pass")
        for v in assigned:
            sc.vars[v] = Code(names[v])

    def loop(self, st: S.For, d: Code, sc: Scope, ind: int) -> None:
        """A `for` over a state-dependent domain: a real loop with loop-carried names."""
        if not straight(st.body):
            raise unsupported(
                "`require`, `choose` or `either` inside a `for` over a state-dependent set "
                "is not supported by the explicit checker yet",
                st.span,
            )
        ex = self.ex
        carried = {}
        for v in sorted(S.assigned_vars(st.body)):
            carried[v] = self.fresh("m")
            self.line(ind, f"{carried[v]} = {sc.vars[v]}")
            sc.vars[v] = Code(carried[v])
        name = self.fresh("f")
        self.line(ind, f"for {name} in {ex.iterate(d, st.domain.type, canonical=True)}:")
        inner = sc.copy()
        inner.env[st.local.uid] = Code(name)
        body_ind = ind + 1
        if st.cond is not None:
            self.line(body_ind, f"if {ex.expr(st.cond, inner)}:")
            body_ind += 1
        mark = len(self.lines)
        self.run(list(st.body), inner, body_ind, None, tail=False)
        for v, cname in carried.items():
            if inner.vars[v].text != cname:
                self.line(body_ind, f"{cname} = {inner.vars[v]}")
        if len(self.lines) == mark:
            self.line(body_ind, "pass")

    # ------------------------------------------------------------ assignment

    def assign(self, st: S.Assign, sc: Scope, ind: int) -> None:
        ex = self.ex
        target = st.target_type
        value = ex.expr(st.value, sc)
        tc = codec(target)
        check = ex.ranges is None or ex.ranges.needs_check(st)  # else the value provably stays inside
        if isinstance(target, RangeT) and isinstance(st.value.type, (IntT, RangeT)) and not value.const:
            # The most common check, inlined: a counter stored back into its range.
            if check and not within(st.value.type, target):
                value = self.hoist(value, ind)
                site = ex.site_args(st.span, "value-out-of-type", sc)
                self.line(
                    ind,
                    f"if not ({target.lo} <= {value} <= {target.hi}): _rng({value}, {target.lo}, {target.hi}, {site})",
                )
        else:
            value = ex.coerce(value, st.value.type, target, sc, st.span, check, node=st.value)
            if check and st.value.type == target and tc.needs_check and not stored(st.value):
                why = ex.ns.bind(tc.why_not)
                site = ex.site_args(st.span, "value-out-of-type", sc)
                size = ex.size_only(st.value, target, ex.ranges.facts_at(st) if ex.ranges else None)
                if size is not None:  # only the length or a count can overflow
                    helper, bound = size
                    value = ex.node(f"{helper}({value}, {bound}, {why}, {site})", value)
                else:
                    value = ex.node(f"_checked({ex.ns.bind(tc.inside)}, {why}, {value}, {site})", value)
        new = self.update(st, value, sc, ind) if st.path else value
        sc.vars[st.var] = self.hoist(new, ind)

    def update(self, st: S.Assign, value: Code, sc: Scope, ind: int) -> Code:
        """The whole variable after writing `value` at `st.path`."""
        ex = self.ex
        t = self.var_types[st.var]
        cur = sc.vars[st.var]
        levels: list[tuple[Code, Callable[[Code, Code], str]]] = []
        for step in st.path:
            tc = codec(t)
            if isinstance(step, S.IndexStep) and isinstance(tc, MapCodec):
                key = ex.expr(step.key, sc)
                pos = self.hoist(ex.key_position(key, step.key.type, tc, sc, st.span, ex.fits(step.key, t.key)), ind)
                levels.append((cur, self._set_at(pos, len(tc.keys))))
                nxt, t = ex.at(cur, pos), t.value
            elif isinstance(step, S.IndexStep) and isinstance(tc, SeqCodec):
                i = self.hoist(ex.expr(step.key, sc), ind)
                args = ex.site_args(st.span, "index-out-of-range", sc)
                levels.append((cur, lambda c, v, i=i, args=args: f"_seq_set({c}, {i}, {v}, {args})"))
                nxt, t = ex.node(f"_seq_index({cur}, {i}, {args})", cur, i), t.elem
            elif isinstance(step, S.FieldStep) and isinstance(tc, RecordCodec):
                pos = ex.const(tc.position(step.name))
                levels.append((cur, self._set_at(pos, len(tc.names))))
                nxt, t = ex.at(cur, pos), t.field_type(step.name)
            elif isinstance(step, S.FieldStep) and isinstance(tc, VariantCodec):
                positions = ex.ns.const(tc.positions(step.name))
                args = ex.site_args(st.span, "wrong-variant", sc)
                levels.append((cur, lambda c, v, ps=positions, args=args: f"_vfield_set({c}, {ps}, {v}, {args})"))
                case = next(c for c in t.cases if any(n == step.name for n, _ in c.fields))
                nxt, t = ex.node(f"_vfield({cur}, {positions}, {args})", cur), dict(case.fields)[step.name]
            else:
                raise unsupported("this assignment target is not supported by the explicit checker", st.span)
            if len(levels) < len(st.path):  # the innermost container's old value is not needed
                cur = self.hoist(nxt, ind)
        new = value
        for container, setter in reversed(levels):
            new = ex.node(setter(container, new), container, new)
        return new

    def _set_at(self, pos: Code, size: int) -> Callable[[Code, Code], str]:
        """How to write position `pos` of a tuple of `size` elements."""

        def setter(c: Code, v: Code) -> str:
            if pos.const and size <= REBUILD_MAX:
                parts = [v.text if j == pos.value else self.ex.at(c, self.ex.const(j)).text for j in range(size)]
                return "(" + "".join(p + ", " for p in parts) + ")"
            return f"_tuple_set({c}, {pos}, {v})"

        return setter
