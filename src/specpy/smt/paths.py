"""IR statement lists -> paths: (path condition, successor state, locals).

A statement maps one path to the paths that continue after it: `require`
strengthens the path condition, an assignment writes a new symbolic value
(SSA: the old one stays valid for whoever read it), `choose` and `either`
fork, and an `if` or a `for` element whose branches do not fork is merged
with `ite` so that code after it is encoded once. Faults (evaluation errors,
asserts) go to the expression encoder's list, guarded by the path condition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import z3

from specpy.ir import stmt as S
from specpy.ir.backend import Handlers
from specpy.ir.types import MapT, SeqT, Type, VariantT
from specpy.smt.encode import Env, ExprEncoder, Fault, members, variant_field
from specpy.smt.values import FALSE, TRUE, MapV, RecordV, SeqV, Sym, VariantV, cmp, conj, const, eq, fit, ite, literal, neg, UNKNOWN


@dataclass(frozen=True)
class Path:
    pc: z3.BoolRef
    state: dict[str, Sym]
    locals: dict[int, Sym]

    def env(self) -> Env:
        return Env(self.state, self.locals, self.pc)


#: The statement classes `PathEncoder.step` encodes (ir/backend.py: the backend contract).
STATEMENTS = Handlers("smt", "statement", "the Z3 backend cannot encode").covers(
    S.Require, S.Assign, S.Let, S.Assert, S.If, S.Either, S.Choose, S.For
)


class PathEncoder:
    def __init__(self, ex: ExprEncoder, var_types: dict[str, Type]):
        self.ex = ex
        self.var_types = var_types

    def run(self, stmts: tuple[S.Stmt, ...], start: Path) -> list[Path]:
        faults = self.ex.faults
        paths = [start]
        for st in stmts:
            after = []
            for p in paths:
                mark = len(faults)
                after += [q for q in self.step(st, p) if q.pc is not FALSE]
                # Faults of nested statements were given their own (later) state already.
                faults[mark:] = [f if f.before is not None else replace(f, before=p.state) for f in faults[mark:]]
            paths = after
        return paths

    def step(self, st: S.Stmt, p: Path) -> list[Path]:
        ex = self.ex
        match st:
            case S.Require(cond):
                return [replace(p, pc=conj([p.pc, ex.expr(cond, p.env())]))]
            case S.Assign():
                return [self.assign(st, p)]
            case S.Let(local, value):
                v, _ = fit(ex.expr(value, p.env()), value.type, local.type)
                return [replace(p, locals={**p.locals, local.uid: v})]
            case S.Assert(cond):
                c = ex.expr(cond, p.env())
                bad = conj([p.pc, neg(c)])
                if bad is not FALSE:
                    ex.faults.append(Fault(bad, "assert", "assert", st.span, lambda ev: "the assertion is false"))
                return [p]
            case S.If(cond, then, orelse):
                return self.branch(ex.expr(cond, p.env()), then, orelse, p)
            case S.Either(branches):
                return [q for b in branches for q in self.run(b, p)]
            case S.Choose(local, domain, cond, body):
                out = []
                for guard, value, _ in members(ex.expr(domain, p.env()), domain.type):
                    q = Path(conj([p.pc, guard]), p.state, {**p.locals, local.uid: value})
                    if cond is not None:
                        q = replace(q, pc=conj([q.pc, ex.expr(cond, q.env())]))
                    out.extend(self.run(body, q))
                return out
            case S.For(local, domain, cond, body):
                paths = [p]
                for guard, value, _ in members(ex.expr(domain, p.env()), domain.type):
                    nxt = []
                    for q in paths:
                        q = replace(q, locals={**q.locals, local.uid: value})
                        c = conj([guard, ex.expr(cond, q.env().under(guard))]) if cond is not None else guard
                        nxt.extend(replace(r, locals=q.locals) for r in self.branch(c, body, (), q))
                    paths = nxt
                return [replace(q, locals=p.locals) for q in paths]
        raise STATEMENTS.refuse(st)

    def branch(self, c: z3.BoolRef, then: tuple, orelse: tuple, p: Path) -> list[Path]:
        """`if c then else orelse`: merged into one path unless a branch forks."""
        if c is TRUE:
            return self.run(then, p)
        if c is FALSE:
            return self.run(orelse, p)
        a = self.run(then, replace(p, pc=conj([p.pc, c])))
        b = self.run(orelse, replace(p, pc=conj([p.pc, neg(c)])))
        if len(a) != 1 or len(b) != 1:
            return a + b
        (x,), (y,) = a, b
        state = dict(p.state)
        for name in set(x.state) | set(y.state):
            if name not in y.state:
                state[name] = x.state[name]
            elif name not in x.state:
                state[name] = y.state[name]
            elif x.state[name] is y.state[name]:
                state[name] = x.state[name]
            else:
                state[name] = ite(c, x.state[name], y.state[name])
        return [Path(ite(c, x.pc, y.pc), state, p.locals)]

    # ------------------------------------------------------------ assignment

    def assign(self, st: S.Assign, p: Path) -> Path:
        env = p.env()
        v = self.ex.fitted(st.value, env, st.target_type, st.span)
        if st.path:
            v = self.update(p.state[st.var], self.var_types[st.var], st.path, v, env, st)
        return replace(p, state={**p.state, st.var: v})

    def update(self, cur: Sym, t: Type, path: tuple, value: Sym, env: Env, st: S.Assign) -> Sym:
        """cur with the component at `path` replaced by value."""
        if not path:
            return value
        step, rest = path[0], path[1:]
        ex = self.ex
        if isinstance(step, S.IndexStep) and isinstance(cur, MapV):
            assert isinstance(t, MapT)
            k = ex.expr(step.key, env)
            lit = literal(step.key.type, k)
            if lit is not UNKNOWN and lit in cur.keys:
                i = cur.keys.index(lit)
                values = list(cur.values)
                values[i] = self.update(values[i], t.value, rest, value, env, st)
                return MapV(cur.keys, tuple(values))
            hits = [eq(k, const(t.key, key)) for key in cur.keys]
            ex.key_fault(hits, k, t, env, st.span)
            return MapV(cur.keys, tuple(ite(h, self.update(x, t.value, rest, value, env, st), x) for h, x in zip(hits, cur.values)))
        if isinstance(step, S.IndexStep) and isinstance(cur, SeqV):
            assert isinstance(t, SeqT)
            i = ex.expr(step.key, env)
            ex.seq_bounds(cur, i, env, st.span)
            elems = tuple(
                ite(cmp("==", i, q + 1), self.update(x, t.elem, rest, value, env, st), x) for q, x in enumerate(cur.elems)
            )
            return SeqV(cur.length, elems)
        if isinstance(step, S.FieldStep) and isinstance(cur, RecordV):
            names = [n for n, _ in t.fields]
            pos = names.index(step.name)
            fields = list(cur.fields)
            fields[pos] = self.update(fields[pos], t.fields[pos][1], rest, value, env, st)
            return RecordV(tuple(fields))
        if isinstance(step, S.FieldStep) and isinstance(cur, VariantV):
            assert isinstance(t, VariantT)
            having = variant_field(t, step.name)
            ex.fault(
                env,
                conj([neg(cmp("==", cur.tag, i)) for i, _ in having]),
                "wrong-variant",
                st.span,
                lambda ev: "the variant value has no such field (wrong case)",
            )
            cases = [list(c) for c in cur.cases]
            for i, pos in having:
                ft = t.cases[i].fields[pos][1]
                cases[i][pos] = ite(cmp("==", cur.tag, i), self.update(cases[i][pos], ft, rest, value, env, st), cases[i][pos])
            return VariantV(cur.tag, tuple(tuple(c) for c in cases))
        raise TypeError(f"no Z3 encoding for assignment path step {step!r}")

