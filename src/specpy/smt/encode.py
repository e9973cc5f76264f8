"""IR expressions and statements -> Z3 terms over symbolic values (values.py).

Expressions are encoded under a path condition `pc`: the condition under
which the explicit checker would evaluate them (`and`/`or`/`implies`, `x if
c else y`, quantifiers and statements short-circuit as it does). Every
evaluation error (out of range, wrong variant, division by zero, none, empty
min/max/last, a value that leaves its type where it is stored) and every
`assert` is recorded as a `Fault`: a condition over the state under which it
happens. BMC asks for a state in which one of them holds, so it finds them
as it finds invariant violations.

Statements run in SSA style on a `Path` (path condition, working state,
locals). `require` strengthens the path condition; `if` runs both branches
and merges them with `ite` when neither forks; `choose` and `either` fork one
path per element / branch, as the explicit checker does, so each transition
is one path with its action, arguments and successor. Quantifiers,
comprehensions, `for` and `choose` over finite collections are expanded over
the collection's universe (a guard per element), never left to Z3's
quantifier engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Callable, Mapping

import z3

from specpy.diagnostics import Span
from specpy.ir import expr as E
from specpy.ir.backend import Handlers, unsupported
from specpy.ir.ranges import RangeFacts
from specpy.ir.values import format_value
from specpy.ir.types import BagT, IntT, MapT, RangeT, SeqT, SetT, Type, VariantT, type_name, universe
from specpy.smt.cases import cases, position
from specpy.smt.values import (
    FALSE,
    TRUE,
    BagV,
    MapV,
    Num,
    OptV,
    RecordV,
    SeqV,
    SetV,
    Sym,
    VariantV,
    align,
    conj,
    const,
    default,
    disj,
    elem_universe,
    eq,
    fit,
    cmp,
    neg,
    implies,
    ite,
    literal,
    UNKNOWN,
    num,
)

#: Reads the value of a term in a solver model (for failure details).
Evaluate = Callable[[z3.ExprRef], object]


@dataclass(frozen=True)
class Fault:
    """An evaluation error (kind "eval-error") or a false assert ("assert").

    `error` is the error class ("index-out-of-range", ...), as the explicit
    checker names it; `describe` renders the message from a model.
    """

    cond: z3.BoolRef
    kind: str
    error: str
    span: Span
    describe: Callable[[Evaluate], str]
    #: The state variables assigned before the failing statement (paths.py fills
    #: it in): for a fault in `init`, the initial state as far as it was computed.
    before: Mapping[str, Sym] | None = None


@dataclass
class Env:
    """What names mean where an expression is encoded."""

    state: dict[str, Sym]
    locals: dict[int, Sym] = field(default_factory=dict)
    pc: z3.BoolRef = TRUE
    next_state: dict[str, Sym] | None = None

    def under(self, c: z3.BoolRef) -> Env:
        return replace(self, pc=conj([self.pc, c]))


#: The expression classes this backend encodes (ir/backend.py: the backend contract).
EXPRESSIONS = Handlers("smt", "expression", "the Z3 backend cannot encode")


def members(v: Sym, t: Type) -> list[tuple[z3.BoolRef, Sym, Type]]:
    """The elements of a collection value in canonical order: (guard, element, element type)."""
    match v:
        case SetV():
            et = t.elem if isinstance(t, (SetT, BagT)) else IntT()
            return [(bit, const(et, x), et) for x, bit in zip(v.universe, v.bits) if bit is not FALSE]
        case BagV():
            return [(cmp(">", c, 0), const(t.elem, x), t.elem) for x, c in zip(v.universe, v.counts) if c.hi > 0]
        case SeqV():
            et = t.elem if isinstance(t, SeqT) else IntT()
            return [(cmp(">", v.length, i), x, et) for i, x in enumerate(v.elems) if v.length.hi > i]
    raise TypeError(f"not a collection: {type_name(t)}")


def pick(index: Num, options: list[tuple[int, Sym]]) -> Sym:
    """The option whose key equals index (an ite chain; the last is the fallback)."""
    result = options[-1][1]
    for key, value in reversed(options[:-1]):
        result = ite(cmp("==", index, key), value, result)
    return result


class ExprEncoder:
    """Encodes IR expressions; collects faults in `self.faults`."""

    def __init__(self, ranges: RangeFacts | None = None) -> None:
        self.faults: list[Fault] = []
        self._dispatch = EXPRESSIONS.bind(self)
        # What the range analysis proves (ir/ranges.py): a fault it rules out is not encoded.
        self.ranges = ranges

    def fault(self, env: Env, bad: z3.BoolRef, error: str, span: Span, describe: Callable[[Evaluate], str]) -> None:
        cond = conj([env.pc, bad])
        if cond is not FALSE:
            self.faults.append(Fault(cond, "eval-error", error, span, describe))

    def expr(self, e: E.Expr, env: Env) -> Sym:
        handler = self._dispatch.get(type(e))
        if handler is None:
            raise EXPRESSIONS.refuse(e)
        return handler(e, env)

    def fitted(self, e: E.Expr, env: Env, dst: Type, span: Span) -> Sym:
        """e's value as a dst value; leaving dst is an evaluation error at span."""
        x = self.expr(e, env)
        if self.ranges is not None and self.ranges.fits(e, dst):
            return fit(x, e.type, dst)[0]
        env = self.overflow(x, dst, env, span)
        v, ok = fit(x, e.type, dst)
        if ok is not TRUE:
            if isinstance(dst, RangeT):
                describe = lambda ev: f"value {ev(x.term)} is not in {dst.lo}..{dst.hi}"  # noqa: E731
            else:
                describe = lambda ev: f"the value is not a {type_name(dst)}"  # noqa: E731
            self.fault(env, neg(ok), "value-out-of-type", span, describe)
        return v

    def overflow(self, x: Sym, dst: Type, env: Env, span: Span) -> Env:
        """Record a sequence or bag too big for dst (checked first, as the
        explicit checker does); returns env for the checks that follow."""
        if isinstance(dst, SeqT) and isinstance(x, SeqV) and x.length.hi > dst.max_len:
            over = cmp(">", x.length, dst.max_len)
            self.fault(env, over, "seq-overflow", span, lambda ev: f"a sequence of length {ev(x.length.term)} does not fit {type_name(dst)}")
            return env.under(neg(over))
        if isinstance(dst, BagT) and isinstance(x, BagV):
            big = [(y, cmp(">", c, dst.max_count), c) for y, c in zip(x.universe, x.counts) if c.hi > dst.max_count]
            if big:
                over = disj([b for _, b, _ in big])

                def describe(ev: Evaluate) -> str:
                    y, _, c = next(item for item in big if ev(item[1]))
                    return f"{ev(c.term)} copies of {format_value(y)} do not fit {type_name(dst)}"

                self.fault(env, over, "bag-overflow", span, describe)
                return env.under(neg(over))
        return env

    # ------------------------------------------------------------ leaves and logic

    @EXPRESSIONS.handles(E.Lit)
    def _Lit(self, e: E.Lit, env: Env) -> Sym:
        return const(e.type, e.value)

    @EXPRESSIONS.handles(E.VarRef)
    def _VarRef(self, e: E.VarRef, env: Env) -> Sym:
        if e.primed:
            if env.next_state is None:
                raise unsupported("a primed variable outside a transition invariant", e.span)
            return env.next_state[e.name]
        return env.state[e.name]

    @EXPRESSIONS.handles(E.LocalRef)
    def _LocalRef(self, e: E.LocalRef, env: Env) -> Sym:
        return env.locals[e.local.uid]

    @EXPRESSIONS.handles(E.Not)
    def _Not(self, e: E.Not, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        return neg(x)

    @EXPRESSIONS.handles(E.Neg)
    def _Neg(self, e: E.Neg, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        return Num(-x.term, -x.hi, -x.lo)

    @EXPRESSIONS.handles(E.BoolOp)
    def _BoolOp(self, e: E.BoolOp, env: Env) -> Sym:
        left = self.expr(e.left, env)
        if e.op == "and":
            return conj([left, self.expr(e.right, env.under(left))])
        if e.op == "or":
            return disj([left, self.expr(e.right, env.under(neg(left)))])
        return implies(left, self.expr(e.right, env.under(left)))

    @EXPRESSIONS.handles(E.Compare)
    def _Compare(self, e: E.Compare, env: Env) -> Sym:
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        if e.op == "==":
            return eq(a, b)
        if e.op == "!=":
            return neg(eq(a, b))
        return cmp(e.op, a, b)

    @EXPRESSIONS.handles(E.Arith)
    def _Arith(self, e: E.Arith, env: Env) -> Sym:
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        if e.op == "+":
            return _num(a.term + b.term, a.lo + b.lo, a.hi + b.hi)
        if e.op == "-":
            return _num(a.term - b.term, a.lo - b.hi, a.hi - b.lo)
        if e.op == "*":
            corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
            return _num(a.term * b.term, min(corners), max(corners))
        if b.lo <= 0 <= b.hi:
            what = "division" if e.op == "//" else "modulo"
            self.fault(env, cmp("==", b, 0), "division-by-zero", e.span, lambda ev, a=a, w=what: f"{w} of {ev(a.term)} by zero")
        # Z3's div rounds towards minus infinity only for a positive divisor;
        # Python and TLA+ floor for every sign: a // b == (-a) div (-b) when b < 0.
        q = z3.If(b.term > 0, a.term / b.term, (-a.term) / (-b.term))
        if b.lo > 0:
            q = a.term / b.term
        big = max(abs(a.lo), abs(a.hi))
        if e.op == "//":
            return _num(q, -big, big)
        return _num(a.term - b.term * q, min(b.lo + 1, 0), max(b.hi - 1, 0))

    @EXPRESSIONS.handles(E.Cond)
    def _Cond(self, e: E.Cond, env: Env) -> Sym:
        c = self.expr(e.cond, env)
        then = self.fitted(e.then, env.under(c), e.type, e.span)
        other = self.fitted(e.other, env.under(neg(c)), e.type, e.span)
        return ite(c, then, other)

    @EXPRESSIONS.handles(E.LetIn)
    def _LetIn(self, e: E.LetIn, env: Env) -> Sym:
        return self.expr(e.body, self.let_env(e, env))

    def let_env(self, e: E.LetIn, env: Env) -> Env:
        """env with e's local bound: where e's body is encoded."""
        v, _ = fit(self.expr(e.value, env), e.value.type, e.local.type)
        return replace(env, locals={**env.locals, e.local.uid: v})

    # ------------------------------------------------------------ sets and collections

    @EXPRESSIONS.handles(E.SetOp)
    def _SetOp(self, e: E.SetOp, env: Env) -> Sym:
        a = self.fitted(e.left, env, e.type, e.span)
        b = self.fitted(e.right, env, e.type, e.span)
        u, pa, pb = align(a, b)
        op = {"|": lambda x, y: disj([x, y]), "&": lambda x, y: conj([x, y]), "-": lambda x, y: conj([x, neg(y)])}[e.op]
        return SetV(u, tuple(op(x, y) for x, y in zip(pa, pb)))

    @EXPRESSIONS.handles(E.SetCompare)
    def _SetCompare(self, e: E.SetCompare, env: Env) -> Sym:
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        if e.op in (">=", ">"):
            a, b = b, a
        _, pa, pb = align(a, b)
        subset = conj([implies(x, y) for x, y in zip(pa, pb)])
        if e.op in ("<", ">"):
            return conj([subset, disj([conj([y, neg(x)]) for x, y in zip(pa, pb)])])
        return subset

    @EXPRESSIONS.handles(E.Member)
    def _Member(self, e: E.Member, env: Env) -> Sym:
        x, coll = self.expr(e.elem, env), self.expr(e.coll, env)
        r = self.member(x, e.elem.type, coll, e.coll.type)
        return neg(r) if e.negated else r

    def member(self, x: Sym, xt: Type, coll: Sym, ct: Type) -> z3.BoolRef:
        if isinstance(coll, SetV | BagV) and not isinstance(xt, SetT | BagT | MapT | SeqT):
            parts = dict(zip(coll.universe, coll.bits if isinstance(coll, SetV) else coll.counts))
            hits = [(c, parts[y]) for y, c in cases(xt, x) if y in parts]
            return disj([conj([c, p if isinstance(coll, SetV) else cmp(">", p, 0)]) for c, p in hits])
        return disj([conj([g, eq(x, y)]) for g, y, _ in members(coll, ct)])

    @EXPRESSIONS.handles(E.Quant)
    def _Quant(self, e: E.Quant, env: Env) -> Sym:
        results: list[z3.BoolRef] = []
        forall = e.kind == "forall"
        running = [TRUE]  # no earlier element has decided the quantifier

        def body(inner: Env, guard: z3.BoolRef) -> None:
            scope = inner.under(running[0])
            c = self.expr(e.cond, scope) if e.cond is not None else TRUE
            b = self.expr(e.body, scope.under(c))
            r = implies(conj([guard, c]), b) if forall else conj([guard, c, b])
            results.append(r)
            running[0] = conj([running[0], r if forall else neg(r)])

        self.bind_all(e.bindings, env, body)
        return conj(results) if forall else disj(results)

    def bind_all(self, bindings, env: Env, body: Callable[[Env, z3.BoolRef], None], guard: z3.BoolRef = TRUE) -> None:
        """Call body once per combination of binding values, with the
        combination's guard (its elements are in their collections); the
        guard is also part of the env's path condition, for faults."""
        if not bindings:
            body(env, guard)
            return
        (local, dom), rest = bindings[0], bindings[1:]
        d = self.expr(dom, env)
        for g, value, _ in members(d, dom.type):
            inner = replace(env, locals={**env.locals, local.uid: value}, pc=conj([env.pc, g]))
            self.bind_all(rest, inner, body, conj([guard, g]))

    def _elements(self, e, env: Env, elem: E.Expr, dst: Type) -> list[tuple[z3.BoolRef, Sym]]:
        """(guard, element fitted to dst) for each combination of a comprehension."""
        out: list[tuple[z3.BoolRef, Sym]] = []

        def body(inner: Env, guard: z3.BoolRef) -> None:
            c = self.expr(e.cond, inner) if e.cond is not None else TRUE
            x = self.fitted(elem, inner.under(c), dst, e.span)
            out.append((conj([guard, c]), x))

        self.bind_all(e.bindings, env, body)
        return out

    @EXPRESSIONS.handles(E.SetComp)
    def _SetComp(self, e: E.SetComp, env: Env) -> Sym:
        return self.collection(e.type, self._elements(e, env, e.elem, e.type.elem))

    @EXPRESSIONS.handles(E.SetLit)
    def _SetLit(self, e: E.SetLit, env: Env) -> Sym:
        et = e.type.elem
        return self.collection(e.type, [(TRUE, self.fitted(x, env, et, e.span)) for x in e.elems])

    def collection(self, t: SetT | BagT, items: list[tuple[z3.BoolRef, Sym]]) -> Sym:
        """The set or bag holding each item whose guard holds."""
        et = t.elem
        u = elem_universe(et)
        if u is None:  # ints: the universe spans the items' bounds
            lo = min((x.lo for _, x in items), default=0)
            hi = max((x.hi for _, x in items), default=-1)
            u = tuple(range(lo, hi + 1))
        hits: dict = {x: [] for x in u}
        for g, x in items:
            for y, c in cases(et, x):
                if y in hits:
                    hits[y].append(conj([g, c]))
        if isinstance(t, BagT):
            counts = tuple(Num(_count(hits[y]), 0, len(hits[y])) for y in u)
            return BagV(u, counts)
        return SetV(u, tuple(disj(hits[y]) for y in u))

    @EXPRESSIONS.handles(E.MapComp)
    def _MapComp(self, e: E.MapComp, env: Env) -> Sym:
        kt = e.type.key
        keys = universe(kt)
        values = []
        for k in keys:
            inner = replace(env, locals={**env.locals, e.key.uid: const(kt, k)})
            values.append(self.fitted(e.value, inner, e.type.value, e.span))
        return MapV(keys, tuple(values))

    @EXPRESSIONS.handles(E.Sum)
    def _Sum(self, e: E.Sum, env: Env) -> Sym:
        items = self._elements(e, env, e.elem, IntT())
        if not items:
            return num(0)
        term = z3.Sum([z3.If(g, x.term, 0) if g is not TRUE else x.term for g, x in items])
        return _num(term, sum(min(0, x.lo) for _, x in items), sum(max(0, x.hi) for _, x in items))

    @EXPRESSIONS.handles(E.SeqLit)
    def _SeqLit(self, e: E.SeqLit, env: Env) -> Sym:
        et = e.type.elem
        return SeqV(num(len(e.elems)), tuple(self.fitted(x, env, et, e.span) for x in e.elems))

    @EXPRESSIONS.handles(E.RangeSet)
    def _RangeSet(self, e: E.RangeSet, env: Env) -> Sym:
        lo, hi = self.expr(e.lo, env), self.expr(e.hi, env)
        u = tuple(range(lo.lo, hi.hi + 1))
        s = SetV(u, tuple(conj([cmp("<=", lo, x), cmp(">=", hi, x)]) for x in u))
        v, ok = fit(s, SetT(IntT()), e.type)
        if ok is not TRUE:
            self.fault(env, neg(ok), "value-out-of-type", e.span, lambda ev: f"{ev(lo.term)}..{ev(hi.term)} is not within {type_name(e.type.elem)}")
        return v

    @EXPRESSIONS.handles(E.Len)
    def _Len(self, e: E.Len, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        match x:
            case SetV():
                return _num(_count(list(x.bits)), 0, len(x.bits)) if x.bits else num(0)
            case BagV():
                if not x.counts:
                    return num(0)
                return _num(z3.Sum([c.term for c in x.counts]), 0, sum(c.hi for c in x.counts))
        return x.length

    @EXPRESSIONS.handles(E.MinMax)
    def _MinMax(self, e: E.MinMax, env: Env) -> Sym:
        s = self.expr(e.operand, env)
        self.fault(env, conj([neg(b) for b in s.bits]), "empty-min-max", e.span, lambda ev, op=e.op: f"{op}() of an empty set")
        order = list(zip(s.universe, s.bits))
        if e.op == "max":
            order.reverse()
        if not order:
            return num(0)
        result = num(order[-1][0])
        for x, bit in reversed(order[:-1]):
            result = ite(bit, num(x), result)
        return Num(result.term, min(s.universe), max(s.universe))

    # ------------------------------------------------------------ records and variants

    @EXPRESSIONS.handles(E.Construct)
    def _Construct(self, e: E.Construct, env: Env) -> Sym:
        t = e.type
        if isinstance(t, VariantT):
            i = [c.name for c in t.cases].index(e.tag)
            declared = t.cases[i].fields
            fields = tuple(self.fitted(x, env, ft, e.span) for (_, x), (_, ft) in zip(e.fields, declared))
            cases = tuple(fields if j == i else tuple(default(ft) for _, ft in c.fields) for j, c in enumerate(t.cases))
            return VariantV(num(i), cases)
        return RecordV(tuple(self.fitted(x, env, ft, e.span) for (_, x), (_, ft) in zip(e.fields, t.fields)))

    @EXPRESSIONS.handles(E.IsCase)
    def _IsCase(self, e: E.IsCase, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        return cmp("==", x.tag, [c.name for c in e.operand.type.cases].index(e.tag))

    @EXPRESSIONS.handles(E.GetField)
    def _GetField(self, e: E.GetField, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        t = e.operand.type
        if not isinstance(t, VariantT):
            return x.fields[[n for n, _ in t.fields].index(e.field)]
        having = variant_field(t, e.field)
        if e.tag is not None:  # narrowed to one case: only its field
            having = [(i, pos) for i, pos in having if t.cases[i].name == e.tag]
        tags = [i for i, _ in having]
        self.fault(
            env,
            conj([neg(cmp("==", x.tag, i)) for i in tags]),
            "wrong-variant",
            e.span,
            lambda ev: (
                f"the value is not a {t.cases[tags[0]].name} (no field {e.field})"
                if len(tags) == 1
                else "the variant value has no such field (wrong case)"
            ),
        )
        return pick(x.tag, [(i, x.cases[i][pos]) for i, pos in having])

    # ------------------------------------------------------------ maps and sequences

    @EXPRESSIONS.handles(E.Index)
    def _Index(self, e: E.Index, env: Env) -> Sym:
        x, i = self.expr(e.operand, env), self.expr(e.index, env)
        proven = self.ranges is not None and self.ranges.index_ok(e)
        if isinstance(x, MapV):
            return self.map_get(x, e.operand.type, i, e.index.type, env, e.span, proven)
        if not proven:
            self.seq_bounds(x, i, env, e.span)
        return pick(Num(i.term - 1, i.lo - 1, i.hi - 1), list(enumerate(x.elems)))

    def map_get(self, m: MapV, mt: MapT, k: Sym, kt: Type, env: Env, span: Span, proven: bool = False) -> Sym:
        """m[k]; `proven`: k is known to be in m's domain (no fault)."""
        lit = literal(kt, k)
        if lit is not UNKNOWN and lit in m.keys:
            return m.values[m.keys.index(lit)]
        hits = [eq(k, const(mt.key, key)) for key in m.keys]
        if not proven:
            self.key_fault(hits, k, mt, env, span)
        result = m.values[-1]
        for hit, value in reversed(list(zip(hits, m.values))[:-1]):
            result = ite(hit, value, result)
        return result

    def key_fault(self, hits: list[z3.BoolRef], k: Sym, mt: MapT, env: Env, span: Span) -> None:
        if isinstance(mt.key, RangeT) and (k.lo < mt.key.lo or k.hi > mt.key.hi):
            self.fault(
                env,
                conj([neg(h) for h in hits]),
                "index-out-of-range",
                span,
                lambda ev: f"key {ev(k.term)} is not in the map's domain {mt.key.lo}..{mt.key.hi}",
            )

    def seq_bounds(self, s: SeqV, i: Num, env: Env, span: Span) -> None:
        ok = conj([cmp(">=", i, 1), cmp("<=", i, s.length)])
        self.fault(env, neg(ok), "index-out-of-range", span, lambda ev: f"index {ev(i.term)} is out of range 1..{ev(s.length.term)}")

    @EXPRESSIONS.handles(E.Slice)
    def _Slice(self, e: E.Slice, env: Env) -> Sym:
        s, lo, hi = self.expr(e.operand, env), self.expr(e.lo, env), self.expr(e.hi, env)
        start = z3.If(lo.term < 1, 1, lo.term)  # 1-based first index taken
        end = z3.If(hi.term < s.length.term, hi.term, s.length.term)
        length = z3.If(end >= start, end - start + 1, 0)
        n = len(s.elems)
        elems = []
        for p in range(n):
            elems.append(pick(_num(start - 1 + p, 0, n - 1), [(q, s.elems[q]) for q in range(p, n)] or [(0, s.elems[0])]))
        return SeqV(_num(length, 0, n), tuple(elems))

    @EXPRESSIONS.handles(E.Concat)
    def _Concat(self, e: E.Concat, env: Env) -> Sym:
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        na, nb = len(a.elems), len(b.elems)
        elems = []
        for p in range(na + nb):
            from_b = [(q, b.elems[q]) for q in range(nb) if 0 <= p - q <= na]
            tail = pick(_num(p - a.length.term, p - na, p), from_b) if from_b else None
            if p < na:
                elems.append(ite(cmp(">", a.length, p), a.elems[p], tail) if tail is not None else a.elems[p])
            else:
                elems.append(tail)
        return SeqV(_num(a.length.term + b.length.term, a.length.lo + b.length.lo, a.length.hi + b.length.hi), tuple(elems))

    @EXPRESSIONS.handles(E.Append)
    def _Append(self, e: E.Append, env: Env) -> Sym:
        s = self.expr(e.seq, env)
        x = self.fitted(e.elem, env, e.type.elem, e.span)
        n = len(s.elems)
        elems = tuple(ite(cmp("==", s.length, p), x, s.elems[p]) for p in range(n)) + (x,)
        return SeqV(_num(s.length.term + 1, s.length.lo + 1, s.length.hi + 1), elems)

    @EXPRESSIONS.handles(E.Last)
    def _Last(self, e: E.Last, env: Env) -> Sym:
        s = self.expr(e.seq, env)
        self.fault(env, cmp("==", s.length, 0), "empty-last", e.span, lambda ev: "last() of an empty sequence")
        if not s.elems:
            return default(e.type)
        return pick(Num(s.length.term - 1, 0, len(s.elems) - 1), list(enumerate(s.elems)))

    @EXPRESSIONS.handles(E.BagAdd)
    def _BagAdd(self, e: E.BagAdd, env: Env) -> Sym:
        b = self.expr(e.bag, env)
        x = self.fitted(e.elem, env, e.type.elem, e.span)
        return self._bag_change(b, e.type.elem, x, 1)

    @EXPRESSIONS.handles(E.BagRemove)
    def _BagRemove(self, e: E.BagRemove, env: Env) -> Sym:
        b = self.expr(e.bag, env)
        x, _ = fit(self.expr(e.elem, env), e.elem.type, e.type.elem)
        return self._bag_change(b, e.type.elem, x, -1)

    def _bag_change(self, b: BagV, et: Type, x: Sym, delta: int) -> BagV:
        counts = list(b.counts)
        where = position(b.universe)
        for y, hit in cases(et, x):
            i = where.get(y)
            if i is None:
                continue
            c = counts[i]
            if delta < 0:
                hit = conj([hit, cmp(">", c, 0)])
            if hit is not FALSE:
                lo, hi = (c.lo, c.hi + 1) if delta > 0 else (max(c.lo - 1, 0), c.hi)
                counts[i] = _num(c.term + z3.If(hit, delta, 0) if hit is not TRUE else c.term + delta, lo, hi)
        return BagV(b.universe, tuple(counts))

    @EXPRESSIONS.handles(E.ChooseExpr)
    def _ChooseExpr(self, e: E.ChooseExpr, env: Env) -> Sym:
        """The first element in canonical order whose guard and condition hold."""
        d = self.expr(e.domain, env)
        options: list[tuple[z3.BoolRef, Sym]] = []
        for g, x, _ in members(d, e.domain.type):
            inner = replace(env, locals={**env.locals, e.local.uid: x}, pc=conj([env.pc, g]))
            c = self.expr(e.cond, inner) if e.cond is not None else TRUE
            options.append((conj([g, c]), x))
        self.fault(
            env, conj([neg(h) for h, _ in options]), "choose-none", e.span,
            lambda ev: "no element satisfies the condition of `choose`",
        )
        if not options:
            return default(e.type)
        result = options[-1][1]
        for h, x in reversed(options[:-1]):
            result = ite(h, x, result)
        return result

    @EXPRESSIONS.handles(E.Fold)
    def _Fold(self, e: E.Fold, env: Env) -> Sym:
        """acc, updated under each element's guard, in canonical (or sequence) order."""
        acc = self.fitted(e.init, env, e.acc.type, e.span)
        d = self.expr(e.domain, env)
        for g, x, _ in members(d, e.domain.type):
            inner = replace(env, locals={**env.locals, e.acc.uid: acc, e.elem.uid: x}, pc=conj([env.pc, g]))
            acc = ite(g, self.fitted(e.body, inner, e.acc.type, e.span), acc)
        return acc

    @EXPRESSIONS.handles(E.Unwrap)
    def _Unwrap(self, e: E.Unwrap, env: Env) -> Sym:
        x = self.expr(e.operand, env)
        if not isinstance(x, OptV):
            return x
        self.fault(env, neg(x.some), "unwrap-none", e.span, lambda ev: "the value is none")
        return x.value


def variant_field(t: VariantT, name: str) -> list[tuple[int, int]]:
    """(case index, field position) of every case of t that has field `name`."""
    out = []
    for i, c in enumerate(t.cases):
        for pos, (n, _) in enumerate(c.fields):
            if n == name:
                out.append((i, pos))
    return out


def _num(term: z3.ArithRef, lo: int, hi: int) -> Num:
    """A Num, folded to a literal when the bounds say it is one."""
    return num(lo) if lo == hi else Num(term, lo, hi)


def _count(guards: list[z3.BoolRef]) -> z3.ArithRef:
    terms = [z3.If(g, 1, 0) for g in guards if g is not FALSE]
    if not terms:
        return z3.IntVal(0)
    return z3.Sum(terms) if len(terms) > 1 else terms[0]
