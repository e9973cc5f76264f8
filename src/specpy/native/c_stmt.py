"""IR statement lists -> C that emits successors, in the Python backend's order.

A path works on a mutable copy of the state (a local `S`); a fork (`either`,
`choose`) copies it once per branch and duplicates the statements after the
fork into each branch, as explicit/compile_stmt.py does, so the successors of
a state come out in exactly the Python backend's order: parameter tuples in
canonical order, branches in order, `choose` in canonical element order. That
order fixes the keys of new states, hence parents and traces.

A failed `require` ends the path (the rest is nested under `if`); the end of
a path calls `sp_emit`. An evaluation error or a false `assert` calls
`sp_fail()`, which abandons the whole (state, action); the search then
re-executes that step in the Python backend for the message (kernel.py).
"""

from __future__ import annotations


from specpy.explicit.compile_stmt import straight
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.backend import Handlers
from specpy.ir.types import MapT, RangeT, RecordT, SeqT, Type, VariantT, universe
from specpy.native.c_expr import ExprC, Scope, is_int
from specpy.native.c_types import NotNative
from specpy.nodeclass import nodeclass

#: A `for` over a constant domain of at most this many values is unrolled
#: (its body may then require, fork or assert, as in the Python backend).
FOR_UNROLL_MAX = 64


#: The backend contract (ir/backend.py): the statements `StmtC.step` handles.
STATEMENTS = Handlers("native", "statement", "the native core cannot compile").covers(
    S.Require, S.Assign, S.Let, S.Assert, S.If, S.Either, S.Choose, S.For
)


@nodeclass
class Bind:
    """Bind a local to C text from here on (an unrolled loop's value)."""

    uid: int
    text: str


class StmtC:
    """Emits the C body of actions (statement lists ending in `sp_emit`)."""

    def __init__(self, ex: ExprC, var_types: dict[str, Type]) -> None:
        self.ex = ex
        self.var_types = var_types

    def run(self, items: list, sc: Scope, tail: bool = True) -> str:
        """C for items on the working state sc.state; then, if `tail`, the emit."""
        out: list[str] = []
        i = 0
        while i < len(items):
            st = items[i]
            i += 1
            try:
                ended, more = self.step(st, items[i:], sc, tail, out)
            except NotNative as exc:
                if exc.span is None:
                    exc.span = getattr(st, "span", None)
                raise
            if ended:
                return "\n".join(out)
            if more is not None:  # an unrolled `for`: its copies replace it
                items, i = more + items[i:], 0
        if tail:
            out.append(f"sp_emit(cx, &{sc.state});")
        return "\n".join(out)

    def step(self, st, rest: list, sc: Scope, tail: bool, out: list[str]) -> tuple[bool, list | None]:
        """Append the C of one statement to out; (the path is complete, statements to run instead)."""
        ex = self.ex
        match st:
            case Bind(uid, text):
                sc.env[uid] = text
            case S.Require(cond):
                out.append(f"if ({ex.expr(cond, sc)}) {{ {self.run(rest, sc, tail)} }}")
                return True, None
            case S.Assign():
                out.append(self.assign(st, sc))
            case S.Let(local, value):
                name = f"l{local.uid}_{ex.count()}"
                out.append(ex.declare(name, value, local.type, sc))
                sc.env[local.uid] = name
            case S.Assert(cond):
                out.append(f"if (!({ex.expr(cond, sc)})) sp_fail();")
            case S.If(cond, then, orelse):
                c = ex.expr(cond, sc)
                if straight(then) and straight(orelse):
                    a = self.run(list(then), sc.copy(), tail=False)
                    b = self.run(list(orelse), sc.copy(), tail=False)
                    out.append(f"if ({c}) {{ {a} }} else {{ {b} }}")
                    return False, None
                a = self.run(list(then) + rest, sc.copy(), tail)
                b = self.run(list(orelse) + rest, sc.copy(), tail)
                out.append(f"if ({c}) {{ {a} }} else {{ {b} }}")
                return True, None
            case S.Either(branches):
                for branch in branches:
                    out.append(self.fork(list(branch) + rest, sc, tail))
                return True, None
            case S.Choose(local, domain, cond, body):
                inner = sc.copy()
                guard = [S.Require(cond)] if cond is not None else []
                out.append(ex.loop(local, domain, sc, inner, lambda: self.fork(guard + list(body) + rest, inner, tail)))
                return True, None
            case S.For(local, domain, cond, body):
                unrolled = self.unroll(st)
                if unrolled is not None:
                    return False, unrolled
                if not straight(body):
                    raise NotNative("`require`, `choose` or `either` inside a `for` over a state-dependent set")
                inner = sc.copy()

                def loop_body() -> str:
                    text = self.run(list(body), inner, tail=False)
                    return f"if ({ex.expr(cond, inner)}) {{ {text} }}" if cond is not None else text

                out.append(ex.loop(local, domain, sc, inner, loop_body))
            case _:
                raise NotNative(STATEMENTS.refuse(st).diagnostics[0].message)
        return False, None

    def fork(self, items: list, sc: Scope, tail: bool) -> str:
        """A branch on its own copy of the working state."""
        name = self.ex.fresh("n")
        inner = sc.copy(state=name)
        return f"{{ S {name} = {sc.state}; {self.run(items, inner, tail)} }}"

    def unroll(self, st: S.For) -> list | None:
        """A `for` over a literal set as one Bind + body per member, else None."""
        if not isinstance(st.domain, E.Lit) or not hasattr(st.domain.value, "__iter__"):
            return None
        t = st.domain.type
        elem = getattr(t, "elem", None)
        if elem is None:
            return None
        members = [v for v in universe(elem) if v in st.domain.value] if not isinstance(st.domain.value, tuple) else list(st.domain.value)
        if len(members) > FOR_UNROLL_MAX:
            return None
        out: list = []
        for m in members:
            out.append(Bind(st.local.uid, self.ex.const(m, elem)))
            out.extend([S.If(st.cond, st.body, ())] if st.cond is not None else st.body)
        return out

    # ------------------------------------------------------------ assignment

    def assign(self, st: S.Assign, sc: Scope) -> str:
        """Evaluate the value, then the keys of the path, then write in place."""
        ex = self.ex
        v = ex.fresh("v")
        target = st.target_type
        proven = ex.ranges is not None and not ex.ranges.needs_check(st)  # the value provably stays inside
        if is_int(st.value.type) and isinstance(target, RangeT):
            value = ex.coerce(ex.num(st.value, sc), st.value.type, target, proven=proven)
        else:
            value = ex.coerce(ex.expr(st.value, sc), st.value.type, target, proven=proven)
        lines = [f"{ex.ct(target).name} {v} = {value};"]
        lvalue = f"{sc.state}.v{ex.var_index[st.var]}"
        t = self.var_types[st.var]
        for step in st.path:
            if isinstance(step, S.IndexStep) and isinstance(t, MapT):
                k = ex.fresh("k")
                inside = ex.ranges is not None and isinstance(t.key, RangeT) and ex.ranges.fits(step.key, t.key)
                lines.append(f"int {k} = {ex.key_position(step.key, t, sc, inside)};")
                lvalue, t = f"{lvalue}.v[{k}]", t.value
            elif isinstance(step, S.IndexStep) and isinstance(t, SeqT):
                k = ex.fresh("k")
                lines.append(f"int64_t {k} = {ex.num(step.key, sc)}; if ({k} < 1 || {k} > {lvalue}.n) sp_fail();")
                lvalue, t = f"{lvalue}.v[{k} - 1]", t.elem
            elif isinstance(step, S.FieldStep) and isinstance(t, RecordT):
                lvalue, t = f"{lvalue}.f{[n for n, _ in t.fields].index(step.name)}", t.field_type(step.name)
            elif isinstance(step, S.FieldStep) and isinstance(t, VariantT):
                having = [ci for ci, c in enumerate(t.cases) if step.name in dict(c.fields)]
                if len(having) != 1:
                    raise NotNative("assigning a field that several variant cases share is not native yet")
                ci = having[0]
                case = t.cases[ci]
                lines.append(f"if ({lvalue}.tag != {ci}) sp_fail();")
                lvalue, t = f"{lvalue}.u.c{ci}.f{[n for n, _ in case.fields].index(step.name)}", dict(case.fields)[step.name]
            else:
                raise NotNative("this assignment target is not native yet")
        lines.append(f"{lvalue} = {v};")
        return "{ " + " ".join(lines) + " }"
