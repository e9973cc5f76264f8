"""IR expressions -> Python expression source over internal values (state.py).

The compiler folds constants as it goes: parameters, constants and loop
values bound to constants make most map indexes and set memberships plain
tuple subscripts and bit tests, and quantifiers over constant domains are
unrolled into `and`/`or` chains. Whatever is left is evaluated per state.

Security: the generated text never contains spec text. Variables, locals and
constants get generated names (v3, q7, k12...), field and case names become
tuple positions, and any constant that is not a plain int/bool/NONE (or a
small tuple of them) is passed through the namespace under a generated name.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import field
from typing import Any

from specpy.diagnostics import Span
from specpy.explicit.runtime import FAILING, HELPERS, NONE, EvalFailure
from specpy.explicit.state import (
    BagCodec,
    BitSetCodec,
    Codec,
    FrozenSetCodec,
    IntCodec,
    MapCodec,
    RecordCodec,
    SeqCodec,
    VariantCodec,
    codec,
)
from specpy.ir import expr as E
from specpy.ir.backend import Handlers
from specpy.ir.ranges import Facts, RangeFacts
from specpy.ir.types import BagT, SeqT, Type, within
from specpy.nodeclass import nodeclass

#: Quantifiers, comprehensions and sums over constant domains with at most
#: this many bindings are unrolled into straight-line code.
UNROLL_MAX = 64
#: A quantifier over `lo..hi` with a constant lo and at most this many values
#: below hi's bound (range analysis) is unrolled too, each arm guarded by `k <= hi`.
UNROLL_BOUNDED = 8

#: The expression classes this backend compiles (ir/backend.py: the backend contract).
EXPRESSIONS = Handlers("explicit", "expression", "the explicit checker cannot compile")
#: A call of a helper that can raise an evaluation error or an assert failure.
FAILING_CALL = re.compile(r"\b(?:" + "|".join(FAILING) + r")\(")
#: A subscript of a name at a constant position (`s2[0]`): cheap to repeat.
NAME_AT = re.compile(r"[A-Za-z_]\w*\[\d+\]")


@nodeclass
class Code:
    """Python expression text; `const` when it depends on no state or local."""

    text: str
    const: bool = False
    value: Any = None

    @property
    def simple(self) -> bool:
        """Cheap and side-effect free to repeat (a name, a literal, `name[k]`)."""
        return self.const or self.text.isidentifier() or NAME_AT.fullmatch(self.text) is not None

    @property
    def can_fail(self) -> bool:
        """Evaluating it may raise an evaluation error (calls a failing helper)."""
        return not self.const and FAILING_CALL.search(self.text) is not None

    def __str__(self) -> str:
        return self.text


@nodeclass
class Site:
    """Where an evaluation error or assert can arise: span and error class."""

    span: Span
    kind: str
    what: str = ""


class Namespace:
    """The globals of generated code: helpers plus constants under generated names."""

    def __init__(self) -> None:
        self.globals: dict[str, Any] = dict(HELPERS)
        self._names: dict[Any, str] = {}
        self._count = 0

    def fresh(self, prefix: str) -> str:
        """A new identifier: prefix + counter (never "s"/"n", kept for state variables)."""
        assert prefix not in ("s", "n")
        self._count += 1
        return f"{prefix}{self._count}"

    def bind(self, obj: Any) -> str:
        """A generated global name for obj (reused for equal hashable objects)."""
        try:
            key = (type(obj), obj)
            hash(key)
        except TypeError:
            key = ("id", id(obj))
        name = self._names.get(key)
        if name is None:
            name = self.fresh("k")
            self._names[key] = name
            self.globals[name] = obj
        return name

    def const(self, value: Any) -> str:
        lit = literal(value)
        return lit if lit is not None else self.bind(value)


def literal(value: Any, depth: int = 0) -> str | None:
    """Python literal text for ints, bools, NONE and small tuples of them, else None."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) or (type(value) is float and value == NONE):
        return repr(value) if value >= 0 else f"({value!r})"
    if isinstance(value, tuple) and len(value) <= 32 and depth < 4:
        parts = [literal(x, depth + 1) for x in value]
        if any(p is None for p in parts):
            return None
        return "(" + "".join(p + ", " for p in parts) + ")" if parts else "()"
    return None


class Sites:
    def __init__(self) -> None:
        self.items: list[Site] = []

    def add(self, span: Span, kind: str, what: str = "") -> int:
        self.items.append(Site(span, kind, what))
        return len(self.items) - 1


@nodeclass(frozen=False)
class Scope:
    """What names mean at one point of the generated code."""

    vars: dict[str, Code]  # current value of each state variable
    env: dict[int, Code] = field(default_factory=dict)  # locals by uid
    next_vars: dict[str, Code] = field(default_factory=dict)  # primed reads
    p: str = "0"  # code of the parameter-tuple index, for failures

    def copy(self) -> Scope:
        return Scope(dict(self.vars), dict(self.env), self.next_vars, self.p)


def compatible(a: Codec, b: Codec) -> bool:
    """Values of the two types can be compared as they are."""
    return a.key == b.key or a.key == ("opt", b.key) or b.key == ("opt", a.key)


def count_refs(node: Any, uid: int) -> int:
    """How often the local `uid` is read in an IR subtree."""
    if isinstance(node, E.LocalRef):
        return int(node.local.uid == uid)
    if isinstance(node, tuple):
        return sum(count_refs(x, uid) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, (E.Local, Type)):
        return sum(count_refs(getattr(node, f.name), uid) for f in dataclasses.fields(node) if f.name != "type")
    return 0


def hoist(e: E.Quant) -> E.Expr | None:
    """The quantifier with the part of its body that does not read its last
    variable x taken out of the loop over x, or None if there is none:

        forall ..., x: A implies B(x)     ->  forall ...: A implies (forall x: B(x))
        forall ..., x: A or B(x)          ->  forall ...: A or (forall x: B(x))
        forall ..., x: not (A and B(x))   ->  forall ...: not (A and (exists x: B(x)))
        exists ..., x: A and B(x)         ->  exists ...: A and (exists x: B(x))

    Unrolled over constant domains, `forall a, b in RM: not (P(a) and Q(b))`
    then costs |RM| tests of P plus one loop over Q where P holds, instead of
    |RM|^2 tests. A and B are evaluated in the same order as before (A once
    instead of once per x), so the first evaluation error is the same one.
    """
    if e.cond is not None:
        return None
    x, _ = e.bindings[-1]
    body = e.body
    if e.kind == "forall" and isinstance(body, E.BoolOp) and body.op in ("implies", "or"):
        a, b, inner_kind = body.left, body.right, "forall"

        def rebuild(inner: E.Expr) -> E.Expr:
            return E.BoolOp(body.type, body.op, a, inner, span=body.span)
    elif e.kind == "forall" and isinstance(body, E.Not) and isinstance(body.operand, E.BoolOp) and body.operand.op == "and":
        conj = body.operand
        a, b, inner_kind = conj.left, conj.right, "exists"

        def rebuild(inner: E.Expr) -> E.Expr:
            return E.Not(body.type, E.BoolOp(conj.type, "and", a, inner, span=conj.span), span=body.span)
    elif e.kind == "exists" and isinstance(body, E.BoolOp) and body.op == "and":
        a, b, inner_kind = body.left, body.right, "exists"

        def rebuild(inner: E.Expr) -> E.Expr:
            return E.BoolOp(body.type, "and", a, inner, span=body.span)
    else:
        return None
    if count_refs(a, x.uid):
        return None
    outer = rebuild(E.Quant(e.type, inner_kind, e.bindings[-1:], None, b, span=e.span))
    if len(e.bindings) == 1:
        return outer
    return E.Quant(e.type, e.kind, e.bindings[:-1], None, outer, span=e.span)


def over_literal(e: E.MinMax) -> bool:
    """`min({a, b})`, `max({a})`: of a non-empty set literal (not a bag)."""
    return isinstance(e.operand, E.SetLit) and bool(e.operand.elems) and not isinstance(codec(e.operand.type), BagCodec)


class ExprCompiler:
    def __init__(self, ns: Namespace, sites: Sites, ranges: RangeFacts | None = None):
        self.ns = ns
        self.sites = sites
        self.ranges = ranges  # what the range analysis proves (ir/ranges.py): checks it makes needless
        self._dispatch: dict[type, Callable[[Any, Scope], Code]] = EXPRESSIONS.bind(self)
        # Names of fixed-size state tuples (maps, records) whose positions the
        # function being generated reads from locals `<name>_<k>` (see `at`),
        # and the ones it has read so far: the function unpacks those.
        self.unpackable: dict[str, int] = {}
        self.unpacked: set[str] = set()

    def at(self, x: Code, pos: Code) -> Code:
        """Position `pos` of tuple `x`. A state tuple read at a constant position
        is read from the local its unpacking binds (`s3_2`): one UNPACK_SEQUENCE
        at the top of the function instead of a subscript per read (rebuilding a
        map with one key changed reads all the others)."""
        if pos.const and x.text in self.unpackable:
            self.unpacked.add(x.text)
            return Code(f"{x.text}_{pos.value}")
        return self.node(f"{x}[{pos}]", x, pos)

    # ------------------------------------------------------------ plumbing

    def expr(self, e: E.Expr, sc: Scope) -> Code:
        handler = self._dispatch.get(type(e))
        if handler is None:
            raise EXPRESSIONS.refuse(e)
        return handler(e, sc)

    def const(self, value: Any) -> Code:
        return Code(self.ns.const(value), True, value)

    def node(self, text: str, *parts: Code) -> Code:
        """A compound expression, evaluated now if all its parts are constant."""
        if parts and all(p.const for p in parts):
            try:
                value = eval(text, self.ns.globals)  # generated text only: see module docstring
            except EvalFailure:
                return Code(text)  # raises again, with its site, if the state reaches it
            return self.const(value)
        return Code(text)

    def fail_text(self, span: Span, kind: str, sc: Scope, what: str = "") -> str:
        site = self.sites.add(span, kind, what)
        return f"_fail({site}, {sc.p}, {self.ns.const(what)})"

    def site_args(self, span: Span, kind: str, sc: Scope) -> str:
        return f"{self.sites.add(span, kind)}, {sc.p}"

    def fits(self, node: E.Expr, t: Type) -> bool:
        """The range analysis proves every value of node lies in t."""
        return self.ranges is not None and self.ranges.fits(node, t)

    def coerce(
        self, c: Code, src: Type, dst: Type, sc: Scope, span: Span, check: bool = True, node: E.Expr | None = None
    ) -> Code:
        """c (a src value) in dst's representation, checked to lie in dst if
        asked and the range analysis does not prove node (c's IR) lies in it."""
        if src == dst:
            return c
        cs, cd = codec(src), codec(dst)
        if cs.key == cd.key or cd.key == ("opt", cs.key):
            if not check or within(src, dst) or (node is not None and self.fits(node, dst)):
                return c
            args = self.site_args(span, "value-out-of-type", sc)
            if isinstance(cd, IntCodec):
                return self.node(f"_rng({c}, {cd.lo}, {cd.hi}, {args})", c)
            why = self.ns.bind(cd.why_not)
            size = self.size_only(node, dst) if node is not None else None
            if size is not None:
                return self.node(f"{size[0]}({c}, {size[1]}, {why}, {args})", c)
            return self.node(f"_checked({self.ns.bind(cd.inside)}, {why}, {c}, {args})", c)
        dec, enc = self.ns.bind(cs.decode), self.ns.bind(cd.encode)
        return self.node(f"_convert({dec}, {enc}, {c}, {self.site_args(span, 'value-out-of-type', sc)})", c)

    def size_only(self, node: E.Expr, dst: Type, facts: Facts | None = None) -> tuple[str, int] | None:
        """The helper and bound that check only the size of node's value against
        dst (`_seq_fit` and max_len, `_bag_fit` and max_count), when the range
        analysis proves its elements lie in dst's element type."""
        if self.ranges is None or not isinstance(dst, (SeqT, BagT)):
            return None
        t = self.ranges.narrow(node, facts)
        if type(t) is not type(dst) or not within(t.elem, dst.elem):
            return None
        return ("_seq_fit", dst.max_len) if isinstance(dst, SeqT) else ("_bag_fit", dst.max_count)

    def ordinal(self, c: Code, ec: Codec) -> Code:
        """The universe index of c, a value of ec's type."""
        if c.const:
            return self.const(ec.table()[c.value])
        if ec.ordinal_mode == "self":
            return c
        if ec.ordinal_mode == "offset":
            return c if ec.lo == 0 else Code(f"({c} - {ec.lo})")
        return Code(f"{self.ns.bind(ec.table())}[{c}]")

    def iterate(self, c: Code, t: Type, canonical: bool = False) -> str:
        """An iterable over the elements of a collection value (distinct for sets/bags).

        `canonical` asks for canonical order (statements); quantifiers and
        comprehensions do not depend on order.
        """
        cc = codec(t)
        if isinstance(cc, BitSetCodec):
            return f"{self.ns.bind(cc.bit_elems)}[{c}]"
        if isinstance(cc, SeqCodec):
            return c.text
        if isinstance(cc, FrozenSetCodec) and not canonical:
            return c.text
        if isinstance(cc, BagCodec) and not canonical:
            return f"_bag_elems({c})"
        return f"{self.ns.bind(cc.members)}({c})"

    def combos(self, bindings: tuple[tuple[E.Local, E.Expr], ...], sc: Scope) -> list[Scope] | None:
        """One scope per binding tuple when every domain is constant and the
        product is small (for unrolling); None otherwise."""
        scopes = [sc]
        for local, dom in bindings:
            nxt = []
            for s in scopes:
                d = self.expr(dom, s)
                if not d.const:
                    return None
                for v in codec(dom.type).members(d.value):
                    s2 = s.copy()
                    s2.env[local.uid] = self.const(v)
                    nxt.append(s2)
                if len(nxt) > UNROLL_MAX:
                    return None
            scopes = nxt
        return scopes

    def generator(
        self, bindings: tuple[tuple[E.Local, E.Expr], ...], cond: E.Expr | None, sc: Scope
    ) -> tuple[str, Scope]:
        """The `for ... in ... if ...` clauses of a comprehension, and the inner scope."""
        inner = sc.copy()
        clauses = []
        for local, dom in bindings:
            if isinstance(dom, E.RangeSet) and not isinstance(codec(dom.type), BitSetCodec):
                # Distinct ints already: no set needs building to loop over them.
                lo, hi = self.expr(dom.lo, inner), self.expr(dom.hi, inner)
                domain = f"range({lo}, {hi} + 1)"
            else:
                domain = self.iterate(self.expr(dom, inner), dom.type)
            name = self.ns.fresh("q")
            clauses.append(f"for {name} in {domain}")
            inner.env[local.uid] = Code(name)
        if cond is not None:
            clauses.append(f"if {self.expr(cond, inner)}")
        return " ".join(clauses), inner

    def chain(self, op: str, arms: list[Code]) -> Code:
        """`a and b and ...` / `a or b or ...`, dropping neutral constant arms."""
        neutral = op == "and"
        kept: list[Code] = []
        for a in arms:
            if a.const and bool(a.value) == neutral:
                continue
            if not a.can_fail and any(k.text == a.text for k in kept):
                continue  # `a and a` is `a`: nothing generated has side effects but failing
            kept.append(a)
            if a.const:  # absorbing: later arms never run
                break
        if not kept:
            return self.const(neutral)
        if kept[-1].const and not any(a.can_fail for a in kept):
            return kept[-1]  # `a and False`, `a or True`: a cannot fail, so its value does not matter
        if len(kept) == 1:
            return kept[0]
        return Code("(" + f" {op} ".join(a.text for a in kept) + ")")

    # ------------------------------------------------------------ leaves

    @EXPRESSIONS.handles(E.Lit)
    def _lit(self, e: E.Lit, sc: Scope) -> Code:
        return self.const(codec(e.type).encode(e.value))

    @EXPRESSIONS.handles(E.VarRef)
    def _var(self, e: E.VarRef, sc: Scope) -> Code:
        return (sc.next_vars if e.primed else sc.vars)[e.name]

    @EXPRESSIONS.handles(E.LocalRef)
    def _local(self, e: E.LocalRef, sc: Scope) -> Code:
        return sc.env[e.local.uid]

    # ------------------------------------------------------------ logic and arithmetic

    @EXPRESSIONS.handles(E.Not)
    def _not(self, e: E.Not, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        return self.node(f"(not {x})", x)

    @EXPRESSIONS.handles(E.Neg)
    def _neg(self, e: E.Neg, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        return self.node(f"(-{x})", x)

    @EXPRESSIONS.handles(E.BoolOp)
    def _boolop(self, e: E.BoolOp, sc: Scope) -> Code:
        if e.op == "implies":
            left = self.expr(e.left, sc)
            left = self.node(f"(not {left})", left)
            if left.const and left.value:
                return self.const(True)
            return self.chain("or", [left, self.expr(e.right, sc)])
        # `a and b and c` is ((a and b) and c): one flat Python `and` for the
        # whole chain, or a long chain would nest more parentheses than Python
        # parses (200). The spine is walked without recursion.
        operands = [e.right]
        spine: E.Expr = e.left
        while isinstance(spine, E.BoolOp) and spine.op == e.op:
            operands.append(spine.right)
            spine = spine.left
        operands.append(spine)
        arms: list[Code] = []
        for operand in reversed(operands):
            arm = self.expr(operand, sc)
            arms.append(arm)
            if arm.const and bool(arm.value) == (e.op == "or"):
                break  # absorbing: the rest never runs (and is not compiled)
        return self.chain(e.op, arms)

    @EXPRESSIONS.handles(E.Compare)
    def _compare(self, e: E.Compare, sc: Scope) -> Code:
        left, right = self.expr(e.left, sc), self.expr(e.right, sc)
        if e.op in ("==", "!="):
            cl, cr = codec(e.left.type), codec(e.right.type)
            if not compatible(cl, cr):
                dl, dr = self.ns.bind(cl.decode), self.ns.bind(cr.decode)
                eq = self.node(f"_eq_generic({dl}, {left}, {dr}, {right})", left, right)
                return eq if e.op == "==" else self.node(f"(not {eq})", eq)
        if e.op in ("==", "<=", ">=", "!=", "<", ">") and left.text == right.text and not left.can_fail:
            return self.const(e.op in ("==", "<=", ">="))  # one value compared with itself
        return self.node(f"({left} {e.op} {right})", left, right)

    @EXPRESSIONS.handles(E.Arith)
    def _arith(self, e: E.Arith, sc: Scope) -> Code:
        left, right = self.expr(e.left, sc), self.expr(e.right, sc)
        if e.op in ("//", "%") and not (right.const and right.value != 0) and not self._nonzero(e.right):
            helper = "_div" if e.op == "//" else "_mod"
            return self.node(
                f"{helper}({left}, {right}, {self.site_args(e.span, 'division-by-zero', sc)})", left, right
            )
        return self.node(f"({left} {e.op} {right})", left, right)

    def _nonzero(self, e: E.Expr) -> bool:
        """The range analysis proves the int expression e is never 0 (a divisor needing no check)."""
        iv = self.ranges.interval(e) if self.ranges is not None else None
        return iv is not None and (iv[0] > 0 or iv[1] < 0)

    @EXPRESSIONS.handles(E.Cond)
    def _cond(self, e: E.Cond, sc: Scope) -> Code:
        c = self.expr(e.cond, sc)
        if c.const:
            branch = e.then if c.value else e.other
            return self.coerce(self.expr(branch, sc), branch.type, e.type, sc, e.span, node=branch)
        then = self.coerce(self.expr(e.then, sc), e.then.type, e.type, sc, e.span, node=e.then)
        other = self.coerce(self.expr(e.other, sc), e.other.type, e.type, sc, e.span, node=e.other)
        return Code(f"({then} if {c} else {other})")

    # ------------------------------------------------------------ sets

    @EXPRESSIONS.handles(E.SetOp)
    def _setop(self, e: E.SetOp, sc: Scope) -> Code:
        left = self.coerce(self.expr(e.left, sc), e.left.type, e.type, sc, e.span, node=e.left)
        right = self.coerce(self.expr(e.right, sc), e.right.type, e.type, sc, e.span, node=e.right)
        bits = isinstance(codec(e.type), BitSetCodec)
        if e.op == "-":
            text = f"({left} & ~{right})" if bits else f"({left} - {right})"
        else:
            text = f"({left} {e.op} {right})"
        return self.node(text, left, right)

    @EXPRESSIONS.handles(E.SetCompare)
    def _setcompare(self, e: E.SetCompare, sc: Scope) -> Code:
        left, right = self.expr(e.left, sc), self.expr(e.right, sc)
        cl, cr = codec(e.left.type), codec(e.right.type)
        if cl.key != cr.key:
            dl, dr = self.ns.bind(cl.decode), self.ns.bind(cr.decode)
            return self.node(f"_subset_generic({self.ns.const(e.op)}, {dl}, {left}, {dr}, {right})", left, right)
        if not isinstance(cl, BitSetCodec):
            return self.node(f"({left} {e.op} {right})", left, right)
        text = {
            "<=": f"_bsubset({left}, {right})",
            "<": f"_bpsubset({left}, {right})",
            ">=": f"_bsubset({right}, {left})",
            ">": f"_bpsubset({right}, {left})",
        }[e.op]
        return self.node(text, left, right)

    @EXPRESSIONS.handles(E.Member)
    def _member(self, e: E.Member, sc: Scope) -> Code:
        elem, coll = self.expr(e.elem, sc), self.expr(e.coll, sc)
        cc, ce = codec(e.coll.type), codec(e.elem.type)
        if isinstance(cc, BitSetCodec) and e.elem.type == cc.elem.type:
            o = self.ordinal(elem, cc.elem)
            text = f"(({coll} >> {o}) & 1)"
        elif isinstance(cc, BitSetCodec) and isinstance(cc.elem, IntCodec) and isinstance(ce, IntCodec):
            text = f"_bmember_int({coll}, {elem}, {cc.elem.lo}, {cc.size})"
        elif isinstance(cc, BagCodec) and compatible(ce, cc.elem):
            text = f"(_bag_count({coll}, {elem}) > 0)"
        elif isinstance(cc, (FrozenSetCodec, SeqCodec)) and compatible(ce, cc.elem):
            text = f"({elem} in {coll})"
        else:
            de, dc = self.ns.bind(ce.decode), self.ns.bind(cc.decode)
            text = f"_member_generic({de}, {elem}, {dc}, {coll})"
        m = self.node(text, elem, coll)
        return self.node(f"(not {m})", m) if e.negated else m

    @EXPRESSIONS.handles(E.Quant)
    def _quant(self, e: E.Quant, sc: Scope) -> Code:
        hoisted = hoist(e)
        if hoisted is not None:
            return self.expr(hoisted, sc)
        scopes = self.combos(e.bindings, sc)
        op = "and" if e.kind == "forall" else "or"
        if scopes is not None:
            arms = []
            for s in scopes:
                c = self.expr(e.cond, s) if e.cond is not None else self.const(True)
                if c.const and not c.value:
                    continue
                b = self.expr(e.body, s)
                if c.const:
                    arms.append(b)
                elif op == "and":
                    arms.append(self.chain("or", [self.node(f"(not {c})", c), b]))
                else:
                    arms.append(self.chain("and", [c, b]))
            return self.chain(op, arms)
        bounded = self.bounded_arms(e, sc)
        if bounded is not None:
            return self.chain(op, bounded)
        nested = self.unroll_inner(e, sc)
        if nested is not None:
            return self.expr(nested, sc)
        gen, inner = self.generator(e.bindings, e.cond, sc)
        body = self.expr(e.body, inner)
        quant = Code(f"{'all' if op == 'and' else 'any'}({body} {gen})")
        if body.const and bool(body.value) == (op == "and") and not quant.can_fail:
            return self.const(op == "and")  # `forall ...: true`, `exists ...: false`
        return quant

    def unroll_inner(self, e: E.Quant, sc: Scope) -> E.Quant | None:
        """`forall c in X, l in Server: B` as `forall c in X: (forall l in Server: B)`
        when X is not constant but the later domains are (and do not read c):
        the inner quantifier is unrolled, and the loop runs over X alone, in
        the same order. None if it is not such a quantifier."""
        if e.cond is not None or len(e.bindings) < 2:
            return None
        (first, _), rest = e.bindings[0], e.bindings[1:]
        if any(count_refs(dom, first.uid) for _, dom in rest) or self.combos(rest, sc) is None:
            return None
        inner = E.Quant(e.type, e.kind, rest, None, e.body, span=e.span)
        return E.Quant(e.type, e.kind, e.bindings[:1], None, inner, span=e.span)

    def bounded_arms(self, e: E.Quant, sc: Scope) -> list[Code] | None:
        """`forall/exists k in lo..hi` with lo constant and hi at most lo + UNROLL_BOUNDED - 1
        (range analysis) as one arm per k, guarded by `k <= hi`; None if it is not one.

        hi is evaluated first as before (the first arm's guard), and must not fail:
        a guard the analysis proves true is left out."""
        if self.ranges is None or len(e.bindings) != 1 or not isinstance(e.bindings[0][1], E.RangeSet):
            return None
        local, dom = e.bindings[0]
        lo, hi = self.expr(dom.lo, sc), self.expr(dom.hi, sc)
        bound = self.ranges.interval(dom.hi)
        if not lo.const or hi.const or hi.can_fail or bound is None or bound[1] - lo.value >= UNROLL_BOUNDED:
            return None
        forall = e.kind == "forall"
        arms = []
        for k in range(lo.value, bound[1] + 1):
            s = sc.copy()
            s.env[local.uid] = self.const(k)
            parts = [] if k <= bound[0] else [self.at_least(k, dom.hi, hi, sc)]
            if e.cond is not None:
                parts.append(self.expr(e.cond, s))
            if forall:
                parts = [self.node(f"(not {p})", p) for p in parts]
            parts.append(self.expr(e.body, s))
            arms.append(self.chain("or" if forall else "and", parts))
        return arms

    def at_least(self, k: int, node: E.Expr, hi: Code, sc: Scope) -> Code:
        """`k <= hi` (hi is node's code); `k <= a and k <= b` when hi is `min({a, b})`,
        so that no min() is called (hi does not fail: see bounded_arms)."""
        if isinstance(node, E.MinMax) and node.op == "min" and over_literal(node):
            return self.chain("and", [self.node(f"({k} <= {x})", x) for x in self.min_max_operands(node, sc)])
        return self.node(f"({k} <= {hi})", hi)

    def min_max_operands(self, e: E.MinMax, sc: Scope) -> list[Code]:
        """The codes of a's and b's in `min({a, b})` (a set literal), each once."""
        lit = e.operand
        assert isinstance(lit, E.SetLit)
        elems: list[Code] = []
        for x in lit.elems:
            c = self.coerce(self.expr(x, sc), x.type, lit.type.elem, sc, lit.span, node=x)
            if c.can_fail or all(c.text != d.text for d in elems):
                elems.append(c)
        return elems

    @EXPRESSIONS.handles(E.SetComp)
    def _setcomp(self, e: E.SetComp, sc: Scope) -> Code:
        rc = codec(e.type)
        elem_t = e.type.elem
        if isinstance(rc, BitSetCodec):
            scopes = self.combos(e.bindings, sc)
            if scopes is not None:
                parts = []
                for s in scopes:
                    c = self.expr(e.cond, s) if e.cond is not None else self.const(True)
                    if c.const and not c.value:
                        continue
                    x = self.coerce(self.expr(e.elem, s), e.elem.type, elem_t, s, e.span, node=e.elem)
                    bit = self.node(f"(1 << {self.ordinal(x, rc.elem)})", x)
                    parts.append(bit if c.const else self.node(f"({bit} if {c} else 0)", bit, c))
                if not parts:
                    return self.const(0)
                return self.node("(" + " | ".join(p.text for p in parts) + ")", *parts)
            gen, inner = self.generator(e.bindings, e.cond, sc)
            x = self.coerce(self.expr(e.elem, inner), e.elem.type, elem_t, inner, e.span, node=e.elem)
            return Code(f"_mask({self.ordinal(x, rc.elem)} {gen})")
        gen, inner = self.generator(e.bindings, e.cond, sc)
        x = self.coerce(self.expr(e.elem, inner), e.elem.type, elem_t, inner, e.span, node=e.elem)
        return Code(f"{'_bag_of' if isinstance(rc, BagCodec) else 'frozenset'}({x} {gen})")

    @EXPRESSIONS.handles(E.Sum)
    def _sum(self, e: E.Sum, sc: Scope) -> Code:
        scopes = self.combos(e.bindings, sc)
        if scopes is not None:
            parts = []
            for s in scopes:
                c = self.expr(e.cond, s) if e.cond is not None else self.const(True)
                if c.const and not c.value:
                    continue
                x = self.expr(e.elem, s)
                parts.append(x if c.const else Code(f"({x} if {c} else 0)"))
            if not parts:
                return self.const(0)
            return self.node("(" + " + ".join(p.text for p in parts) + ")", *parts)
        gen, inner = self.generator(e.bindings, e.cond, sc)
        return Code(f"sum({self.expr(e.elem, inner)} {gen})")

    @EXPRESSIONS.handles(E.MapComp)
    def _mapcomp(self, e: E.MapComp, sc: Scope) -> Code:
        mc = codec(e.type)
        assert isinstance(mc, MapCodec)
        value_t = e.type.value
        keys = mc.keyc.elements()
        if len(keys) <= 4 * UNROLL_MAX:
            vals = []
            for k in keys:
                s = sc.copy()
                s.env[e.key.uid] = self.const(k)
                vals.append(self.coerce(self.expr(e.value, s), e.value.type, value_t, s, e.span, node=e.value))
            return self.node("(" + "".join(f"{v}, " for v in vals) + ")", *vals)
        s = sc.copy()
        name = self.ns.fresh("q")
        s.env[e.key.uid] = Code(name)
        v = self.coerce(self.expr(e.value, s), e.value.type, value_t, s, e.span, node=e.value)
        return Code(f"tuple({v} for {name} in {self.ns.bind(keys)})")

    @EXPRESSIONS.handles(E.SetLit)
    def _setlit(self, e: E.SetLit, sc: Scope) -> Code:
        rc = codec(e.type)
        elem_t = e.type.elem
        elems = [self.coerce(self.expr(x, sc), x.type, elem_t, sc, e.span, node=x) for x in e.elems]
        if isinstance(rc, BitSetCodec):
            if not elems:
                return self.const(0)
            bits = [self.node(f"(1 << {self.ordinal(x, rc.elem)})", x) for x in elems]
            return self.node("(" + " | ".join(b.text for b in bits) + ")", *bits)
        items = "(" + "".join(f"{x}, " for x in elems) + ")"
        if isinstance(rc, BagCodec):
            return self.node(f"_bag_of({items})", *elems)
        return self.node(f"frozenset({items})", *elems)

    @EXPRESSIONS.handles(E.RangeSet)
    def _rangeset(self, e: E.RangeSet, sc: Scope) -> Code:
        lo, hi = self.expr(e.lo, sc), self.expr(e.hi, sc)
        rc = codec(e.type)
        if isinstance(rc, BitSetCodec):
            args = self.site_args(e.span, "value-out-of-type", sc)
            return self.node(f"_range_mask({lo}, {hi}, {rc.elem.lo}, {rc.size}, {args})", lo, hi)
        return self.node(f"frozenset(range({lo}, {hi} + 1))", lo, hi)

    @EXPRESSIONS.handles(E.Len)
    def _len(self, e: E.Len, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        oc = codec(e.operand.type)
        if isinstance(oc, BitSetCodec):
            return self.node(f"({x}).bit_count()", x)
        if isinstance(oc, BagCodec):
            return self.node(f"_bag_len({x})", x)
        return self.node(f"len({x})", x)

    @EXPRESSIONS.handles(E.MinMax)
    def _minmax(self, e: E.MinMax, sc: Scope) -> Code:
        oc = codec(e.operand.type)
        if over_literal(e):
            # min({a, b}): never empty, and no set needs building.
            elems = self.min_max_operands(e, sc)
            if len(elems) == 1:
                return elems[0]
            return self.node(f"{e.op}(" + ", ".join(x.text for x in elems) + ")", *elems)
        x = self.expr(e.operand, sc)
        args = self.site_args(e.span, "empty-min-max", sc)
        if isinstance(oc, BitSetCodec):
            return self.node(f"_b{e.op}({x}, {oc.elem.lo}, {args})", x)
        return self.node(f"_s{e.op}({x}, {args})", x)

    # ------------------------------------------------------------ records and variants

    @EXPRESSIONS.handles(E.Construct)
    def _construct(self, e: E.Construct, sc: Scope) -> Code:
        tc = codec(e.type)
        if isinstance(tc, VariantCodec):
            i = tc.case_index(e.tag)
            declared = e.type.cases[i].fields
            head = [self.const(i)]
        else:
            assert isinstance(tc, RecordCodec)
            declared = e.type.fields
            head = []
        parts = head + [
            self.coerce(self.expr(x, sc), x.type, ft, sc, e.span, node=x) for (_, x), (_, ft) in zip(e.fields, declared)
        ]
        return self.node("(" + "".join(f"{p}, " for p in parts) + ")", *parts)

    @EXPRESSIONS.handles(E.IsCase)
    def _iscase(self, e: E.IsCase, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        tc = codec(e.operand.type)
        assert isinstance(tc, VariantCodec)
        return self.node(f"({x}[0] == {tc.case_index(e.tag)})", x)

    @EXPRESSIONS.handles(E.GetField)
    def _getfield(self, e: E.GetField, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        tc = codec(e.operand.type)
        if isinstance(tc, RecordCodec):
            return self.at(x, self.const(tc.position(e.field)))
        assert isinstance(tc, VariantCodec)
        positions = tc.positions(e.field)
        if e.tag is not None:  # narrowed: only that case's field (others: wrong variant)
            keep = tc.case_index(e.tag)
            positions = tuple(pos if i == keep else 0 for i, pos in enumerate(positions))
        having = [i for i, pos in enumerate(positions) if pos]
        if self.ranges is not None and self.ranges.field_ok(e):
            if len(set(positions[i] for i in having)) == 1:  # one place in every case it can be
                return self.node(f"{x}[{positions[having[0]]}]", x)
            return self.node(f"{x}[{self.ns.const(positions)}[{x}[0]]]", x) if x.simple else self.node(
                f"_vfield({x}, {self.ns.const(positions)}, {self.site_args(e.span, 'wrong-variant', sc)})", x
            )
        if len(having) == 1 and x.simple:
            i = having[0]
            fail = self.fail_text(e.span, "wrong-variant", sc, f"the value is not a {tc.tags[i]} (no field {e.field})")
            return self.node(f"({x}[{positions[i]}] if {x}[0] == {i} else {fail})", x)
        args = self.site_args(e.span, "wrong-variant", sc)
        return self.node(f"_vfield({x}, {self.ns.const(positions)}, {args})", x)

    # ------------------------------------------------------------ maps and sequences

    def key_position(self, k: Code, ktype: Type, mc: MapCodec, sc: Scope, span: Span, inside: bool = False) -> Code:
        """The tuple position of key k (a ktype value) in a map of codec mc
        (`inside`: the range analysis proves k is in the map's domain)."""
        kc = mc.keyc
        if isinstance(kc, IntCodec) and not within(ktype, kc.type) and not inside:
            args = self.site_args(span, "index-out-of-range", sc)
            return self.node(f"_key_pos({k}, {kc.lo}, {len(mc.keys)}, {args})", k)
        return self.ordinal(self.coerce(k, ktype, kc.type, sc, span), kc)

    @EXPRESSIONS.handles(E.Index)
    def _index(self, e: E.Index, sc: Scope) -> Code:
        x, i = self.expr(e.operand, sc), self.expr(e.index, sc)
        oc = codec(e.operand.type)
        inside = self.ranges is not None and self.ranges.index_ok(e)
        if isinstance(oc, MapCodec):
            pos = self.key_position(i, e.index.type, oc, sc, e.span, inside)
            return self.at(x, pos)
        if inside:  # 1 <= i <= len(x)
            return self.node(f"{x}[{self.ns.const(i.value - 1) if i.const else f'{i} - 1'}]", x, i)
        return self.node(f"_seq_index({x}, {i}, {self.site_args(e.span, 'index-out-of-range', sc)})", x, i)

    @EXPRESSIONS.handles(E.Slice)
    def _slice(self, e: E.Slice, sc: Scope) -> Code:
        x, lo, hi = self.expr(e.operand, sc), self.expr(e.lo, sc), self.expr(e.hi, sc)
        if self.ranges is not None and self.ranges.slice_plain(e):  # lo >= 1, hi >= 0: no clipping
            start = "" if lo.const and lo.value == 1 else self.ns.const(lo.value - 1) if lo.const else f"{lo} - 1"
            return self.node(f"{x}[{start}:{hi}]", x, lo, hi)
        return self.node(f"_seq_slice({x}, {lo}, {hi})", x, lo, hi)

    @EXPRESSIONS.handles(E.Concat)
    def _concat(self, e: E.Concat, sc: Scope) -> Code:
        left = self.coerce(self.expr(e.left, sc), e.left.type, e.type, sc, e.span, check=False)
        right = self.coerce(self.expr(e.right, sc), e.right.type, e.type, sc, e.span, check=False)
        return self.node(f"({left} + {right})", left, right)

    @EXPRESSIONS.handles(E.Append)
    def _append(self, e: E.Append, sc: Scope) -> Code:
        s = self.coerce(self.expr(e.seq, sc), e.seq.type, e.type, sc, e.span, check=False)
        x = self.coerce(self.expr(e.elem, sc), e.elem.type, e.type.elem, sc, e.span, node=e.elem)
        return self.node(f"({s} + ({x},))", s, x)

    @EXPRESSIONS.handles(E.Last)
    def _last(self, e: E.Last, sc: Scope) -> Code:
        s = self.expr(e.seq, sc)
        if self.ranges is not None and self.ranges.nonempty(e.seq, self.ranges.facts_at(e)):
            return self.node(f"{s}[-1]", s)
        if s.simple and not s.const:
            return Code(
                f"({s}[-1] if {s} else {self.fail_text(e.span, 'empty-last', sc, 'last() of an empty sequence')})"
            )
        return self.node(f"_last({s}, {self.site_args(e.span, 'empty-last', sc)})", s)

    @EXPRESSIONS.handles(E.SeqLit)
    def _seqlit(self, e: E.SeqLit, sc: Scope) -> Code:
        elem_t = e.type.elem
        elems = [self.coerce(self.expr(x, sc), x.type, elem_t, sc, e.span, node=x) for x in e.elems]
        return self.node("(" + "".join(f"{x}, " for x in elems) + ")", *elems)

    @EXPRESSIONS.handles(E.BagAdd)
    def _bagadd(self, e: E.BagAdd, sc: Scope) -> Code:
        b = self.expr(e.bag, sc)
        x = self.coerce(self.expr(e.elem, sc), e.elem.type, e.type.elem, sc, e.span, node=e.elem)
        return self.node(f"_bag_add({b}, {x})", b, x)

    @EXPRESSIONS.handles(E.BagRemove)
    def _bagremove(self, e: E.BagRemove, sc: Scope) -> Code:
        b = self.expr(e.bag, sc)
        x = self.coerce(self.expr(e.elem, sc), e.elem.type, e.type.elem, sc, e.span, check=False)
        return self.node(f"_bag_remove({b}, {x})", b, x)

    # ------------------------------------------------------------ options and lets

    @EXPRESSIONS.handles(E.Unwrap)
    def _unwrap(self, e: E.Unwrap, sc: Scope) -> Code:
        x = self.expr(e.operand, sc)
        if x.simple and not x.const:
            return Code(
                f"({x} if {x} != {literal(NONE)} else {self.fail_text(e.span, 'unwrap-none', sc, 'the value is none')})"
            )
        return self.node(f"_unwrap({x}, {self.site_args(e.span, 'unwrap-none', sc)})", x)

    @EXPRESSIONS.handles(E.ChooseExpr)
    def _chooseexpr(self, e: E.ChooseExpr, sc: Scope) -> Code:
        dom = self.expr(e.domain, sc)
        name = self.ns.fresh("q")
        inner = sc.copy()
        inner.env[e.local.uid] = Code(name)
        gen = f"for {name} in {self.iterate(dom, e.domain.type, canonical=True)}"
        parts = [dom]
        if e.cond is not None:
            cond = self.expr(e.cond, inner)
            gen += f" if {cond}"
            parts.append(cond)
        return self.node(f"_choose_first(({name} {gen}), {self.site_args(e.span, 'choose-none', sc)})", *parts)

    @EXPRESSIONS.handles(E.Fold)
    def _fold(self, e: E.Fold, sc: Scope) -> Code:
        init = self.coerce(self.expr(e.init, sc), e.init.type, e.acc.type, sc, e.span)
        dom = self.expr(e.domain, sc)
        acc, x = self.ns.fresh("q"), self.ns.fresh("q")
        inner = sc.copy()
        inner.env[e.acc.uid], inner.env[e.elem.uid] = Code(acc), Code(x)
        body = self.coerce(self.expr(e.body, inner), e.body.type, e.acc.type, inner, e.span)
        domain = self.iterate(dom, e.domain.type, canonical=True)
        return self.node(f"_fold((lambda {acc}, {x}: {body}), {init}, {domain})", init, dom, body)

    @EXPRESSIONS.handles(E.LetIn)
    def _letin(self, e: E.LetIn, sc: Scope) -> Code:
        v = self.coerce(self.expr(e.value, sc), e.value.type, e.local.type, sc, e.span, check=False)
        inner = sc.copy()
        if v.simple or count_refs(e.body, e.local.uid) <= 1:
            # TLA+'s LET is lazy too: substituting a single use changes nothing.
            inner.env[e.local.uid] = v
            return self.expr(e.body, inner)
        name = self.ns.fresh("q")
        inner.env[e.local.uid] = Code(name)
        body = self.expr(e.body, inner)
        return Code(f"(lambda {name}: {body})({v})")
