"""IR expressions and values as TLA+ text.

Representation (docs/tla.md): atoms are model values (CONSTANTS, bound in
the .cfg), enum members strings, records TLA+ records, variant values
records with a `tag` field, `[K -> V]` functions, `seq` tuples, `bag` the
Bags module's functions to counts, `none` the model value `None`.

specpy checks a value where it is stored or converted to a narrower type
(ir.types.within); the same places here wrap the value in
`Checked(v, S)`, which is an evaluation error in TLC (exit 75) when v is
not in S. Errors TLC raises by itself (a sequence index out of range, a
missing record field, division by zero, CHOOSE over an empty set for
min/max) need no wrapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from specpy.ir import expr as E
from specpy.ir.backend import Handlers
from specpy.ir.const_terms import ConstTerm
from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
    EnumT,
    IntT,
    MapT,
    OptionT,
    RangeT,
    RecordT,
    SeqT,
    SetT,
    TupleT,
    Type,
    VariantT,
    contains,
    universe,
    within,
)
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue
from specpy.tla.names import LocalScope


#: The expression classes this backend writes (ir/backend.py: the backend contract).
EXPRESSIONS = Handlers("tla", "expression", "the TLA+ export cannot write")

#: specpy's binary operators on integers and booleans, in TLA+ (expressions and constant terms).
OPERATORS = {
    "+": "+", "-": "-", "*": "*", "//": "\\div", "%": "%", "<": "<", "<=": "=<", ">": ">", ">=": ">=",
    "==": "=", "!=": "#", "and": "/\\", "or": "\\/", "implies": "=>",
}


@dataclass(frozen=True)
class Tx:
    """TLA+ text; `atomic` when it can be an operand without parentheses."""

    text: str
    atomic: bool = True

    def op(self) -> str:
        return self.text if self.atomic else f"({self.text})"

    def __str__(self) -> str:
        return self.text


def compound(text: str) -> Tx:
    return Tx(text, atomic=False)


def needs_store_check(src: Type, dst: Type) -> bool:
    """Does storing a src value into dst need a membership check?

    As the explicit checker: when src is not within dst, and always for
    types holding sequences or bags (an append or a send may exceed the bound).
    """
    return not within(src, dst) or _has_bounded_collection(dst)


def _has_bounded_collection(t: Type) -> bool:
    match t:
        case SeqT() | BagT():
            return True
        case SetT(e) | OptionT(e):
            return _has_bounded_collection(e)
        case MapT(_, v):
            return _has_bounded_collection(v)
        case RecordT(fields=fs):
            return any(_has_bounded_collection(ft) for _, ft in fs)
        case VariantT(cases=cs):
            return any(_has_bounded_collection(ft) for c in cs for _, ft in c.fields)
    return False


class ExprWriter:
    """Writes expressions of one model; `type_set` and `atom` come from export.py."""

    def __init__(self, type_name: Callable[[Type], str | None], global_name: Callable[[str], str], tag_field: str):
        self.type_name = type_name  # the definition naming a type's set of values, if any
        self.atom = global_name  # the TLA+ name of an atom, or of a spec's constant
        self.tag = tag_field
        self._dispatch = EXPRESSIONS.bind(self)

    # ------------------------------------------------------------ types and values

    def type_set(self, t: Type, named: bool = True) -> Tx:
        """The set of all values of t (by its definition's name, if `named` and it has one)."""
        name = self.type_name(t) if named else None
        if name is not None:
            return Tx(name)
        match t:
            case BoolT():
                return Tx("BOOLEAN")
            case RangeT(lo, hi):
                a = self.const(t.lo_term) if t.lo_term else self.value(t, lo)
                b = self.const(t.hi_term) if t.hi_term else self.value(t, hi)
                return Tx(f"{a.op()}..{b.op()}")  # `..` binds tighter than any operator it meets here
            case AtomT(members=ms):
                return Tx("{" + ", ".join(self.atom(m) for m in ms) + "}")
            case EnumT(members=ms):
                return Tx("{" + ", ".join(f'"{m}"' for m in ms) + "}")
            case TupleT():
                # `..` binds looser than \X: (0..3) \X S, not 0..(3 \X S).
                parts = (self.type_set(ft) for ft in t.elems)
                return compound(" \\X ".join(f"({p})" if ".." in p.text or not p.atomic else p.text for p in parts))
            case RecordT(fields=fs):
                return Tx("[" + ", ".join(f"{f} : {self.type_set(ft)}" for f, ft in fs) + "]")
            case VariantT(cases=cs):
                parts = []
                for c in cs:
                    fields = [f'{self.tag} : {{"{c.name}"}}'] + [f"{f} : {self.type_set(ft)}" for f, ft in c.fields]
                    parts.append("[" + ", ".join(fields) + "]")
                return Tx(parts[0]) if len(parts) == 1 else compound(" \\cup ".join(parts))
            case SetT(e):
                return compound(f"SUBSET {self.type_set(e).op()}")
            case MapT(k, v):
                return Tx(f"[{self.type_set(k)} -> {self.type_set(v)}]")
            case SeqT(e, _):
                return Tx(f"SeqOf({self.type_set(e)}, {self.bound(t)})")
            case BagT(e, _):
                return Tx(f"BagOf({self.type_set(e)}, {self.bound(t)})")
            case OptionT(inner):
                return compound(f"{self.type_set(inner).op()} \\cup {{None}}")
        raise TypeError(f"no TLA+ set for type {t}")

    def bound(self, t: SeqT | BagT) -> Tx:
        """A sequence's length bound or a bag's copy bound, by the constant it was written with."""
        term, n = (t.max_len_term, t.max_len) if isinstance(t, SeqT) else (t.max_count_term, t.max_count)
        return self.const(term) if term is not None else Tx(str(n))

    def const(self, term: ConstTerm) -> Tx:
        """A constant expression as the spec wrote it, by its constants' names (ir/const_terms.py)."""
        args = term.args
        match term.op:
            case "name":
                return Tx(self.atom(args[0]))
            case "int":
                return Tx(str(args[0])) if args[0] >= 0 else compound(str(args[0]))
            case "bool":
                return Tx("TRUE" if args[0] else "FALSE")
            case "neg" | "not":
                return compound(("-" if term.op == "neg" else "~") + self.const(args[0]).op())
            case "if":
                c, a, b = (self.const(x) for x in args)
                return compound(f"IF {c} THEN {a} ELSE {b}")
            case "min" | "max":
                return Tx(f"{term.op.capitalize()}({{{', '.join(self.const(x).text for x in args)}}})")
        a, b = (self.const(x).op() for x in args)
        return compound(f"{a} {OPERATORS[term.op]} {b}")

    def value(self, t: Type, v: Value, depth: int = 0) -> Tx:
        """A constant value of type t (`depth`: of map literals around it, for fresh binders)."""
        if isinstance(t, SetT) and isinstance(v, frozenset) and len(v) > 1 and v == frozenset(universe(t.elem)):
            return self.type_set(t.elem)  # a type's name used as an expression
        match t:
            case BoolT():
                return Tx("TRUE" if v else "FALSE")
            case IntT() | RangeT():
                return Tx(str(v)) if v >= 0 else compound(str(v))
            case AtomT():
                return Tx(self.atom(v))
            case EnumT():
                return Tx(f'"{v}"')
            case OptionT(inner):
                return Tx("None") if v is None else self.value(inner, v)
            case SetT(e):
                from specpy.ir.types import order_key

                return Tx("{" + ", ".join(self.value(e, x).text for x in sorted(v, key=lambda x: order_key(e, x))) + "}")
            case SeqT(e, _):
                return Tx("<<" + ", ".join(self.value(e, x).text for x in v) + ">>")
            case TupleT(fields=fs):
                return Tx("<<" + ", ".join(self.value(ft, x).text for (_, ft), (_, x) in zip(fs, v.fields)) + ">>")
            case RecordT(fields=fs):
                assert isinstance(v, RecordValue)
                return Tx("[" + ", ".join(f"{f} |-> {self.value(ft, x)}" for (f, ft), (_, x) in zip(fs, v.fields)) + "]")
            case VariantT():
                assert isinstance(v, VariantValue)
                case = t.case(v.tag)
                parts = [f'{self.tag} |-> "{v.tag}"'] + [
                    f"{f} |-> {self.value(ft, x)}" for (f, ft), (_, x) in zip(case.fields, v.fields)
                ]
                return Tx("[" + ", ".join(parts) + "]")
            case MapT(k, val):
                assert isinstance(v, MapValue)
                values = {x for _, x in v.items}
                if len(values) == 1:
                    binder = "k" * (depth + 2)  # kk, kkk, ...: reserved in names.py
                    return Tx(f"[{binder} \\in {self.type_set(k)} |-> {self.value(val, v.items[0][1], depth + 1)}]")
                return compound(" @@ ".join(f"{self.value(k, a).op()} :> {self.value(val, b).op()}" for a, b in v.items))
            case BagT(e, _):
                assert isinstance(v, BagValue)
                if not v.items:
                    return Tx("EmptyBag")
                return compound(" @@ ".join(f"{self.value(e, a).op()} :> {b}" for a, b in v.items))
        raise TypeError(f"no TLA+ value for {v!r} of type {t}")

    def member(self, v: Tx, t: Type, depth: int = 0) -> str:
        """`v` is a value of t, tested without enumerating sets of sequences or bags
        (TLC enumerates a UNION to test membership in it)."""
        inner = "i" * (depth + 2)  # ii, iii, ...: reserved in names.py
        match t:
            case BagT(e, _):
                return f"IsBagOf({v}, {self.type_set(e)}, {self.bound(t)})"
            case SeqT(e, _) if _has_bounded_collection(e):
                return f"Len({v}) =< {self.bound(t)} /\\ \\A {inner} \\in DOMAIN {v.op()} : {self.member(Tx(f'{v.op()}[{inner}]'), e, depth + 1)}"
            case SeqT(e, _):
                return f"IsSeqOf({v}, {self.type_set(e)}, {self.bound(t)})"
            case MapT(k, val) if _has_bounded_collection(val):
                return f"DOMAIN {v.op()} = {self.type_set(k).op()} /\\ \\A {inner} \\in DOMAIN {v.op()} : {self.member(Tx(f'{v.op()}[{inner}]'), val, depth + 1)}"
            case SetT(e) if _has_bounded_collection(e):
                return f"\\A {inner} \\in {v.op()} : {self.member(Tx(inner), e, depth + 1)}"
            case OptionT(e) if _has_bounded_collection(e):
                return f"({v.op()} = None \\/ {self.member(v, e, depth)})"
        return f"{v.op()} \\in {self.type_set(t).op()}"

    def conv(self, e: E.Expr, sc: LocalScope, env: dict[str, Tx], dst: Type) -> Tx:
        """e as a value of dst, checked where specpy checks it (a fitting constant needs no check)."""
        x = self.expr(e, sc, env)
        if isinstance(e, E.Lit) and contains(dst, e.value):
            return x
        return self.checked(x, e.type, dst)

    def checked(self, x: Tx, src: Type, dst: Type) -> Tx:
        """x converted to dst, checked to lie in dst where specpy checks it."""
        if src == dst or within(src, dst):
            return x
        return Tx(f"Checked({x}, {self.type_set(dst)})")

    # ------------------------------------------------------------ expressions

    def expr(self, e: E.Expr, sc: LocalScope, env: dict[str, Tx]) -> Tx:
        """e with state variables read from `env` (their current values)."""
        method = self._dispatch.get(type(e))
        if method is None:
            raise EXPRESSIONS.refuse(e)
        return method(e, sc, env)

    @EXPRESSIONS.handles(E.Lit)
    def _lit(self, e: E.Lit, sc, env) -> Tx:
        return self.const(e.const) if e.const is not None else self.value(e.type, e.value)

    @EXPRESSIONS.handles(E.VarRef)
    def _varref(self, e: E.VarRef, sc, env) -> Tx:
        if e.primed:
            return Tx(env[e.name].text + "'")
        return env[e.name]

    @EXPRESSIONS.handles(E.LocalRef)
    def _localref(self, e: E.LocalRef, sc: LocalScope, env) -> Tx:
        return Tx(sc.bound[e.local.uid])

    @EXPRESSIONS.handles(E.Not)
    def _not(self, e: E.Not, sc, env) -> Tx:
        return compound("~" + self.expr(e.operand, sc, env).op())

    @EXPRESSIONS.handles(E.Neg)
    def _neg(self, e: E.Neg, sc, env) -> Tx:
        return compound("-" + self.expr(e.operand, sc, env).op())

    @EXPRESSIONS.handles(E.BoolOp, E.Compare, E.Arith)
    def _binary(self, e: E.BoolOp | E.Compare | E.Arith, sc, env) -> Tx:
        return compound(f"{self.expr(e.left, sc, env).op()} {OPERATORS[e.op]} {self.expr(e.right, sc, env).op()}")

    @EXPRESSIONS.handles(E.Cond)
    def _cond(self, e: E.Cond, sc, env) -> Tx:
        c = self.expr(e.cond, sc, env)
        then = self.conv(e.then, sc, env, e.type)
        other = self.conv(e.other, sc, env, e.type)
        return compound(f"IF {c} THEN {then} ELSE {other}")

    @EXPRESSIONS.handles(E.SetOp)
    def _setop(self, e: E.SetOp, sc, env) -> Tx:
        op = {"|": "\\cup", "&": "\\cap", "-": "\\"}[e.op]
        left = self.conv(e.left, sc, env, e.type)
        right = self.conv(e.right, sc, env, e.type)
        return compound(f"{left.op()} {op} {right.op()}")

    @EXPRESSIONS.handles(E.SetCompare)
    def _setcompare(self, e: E.SetCompare, sc, env) -> Tx:
        a, b = self.expr(e.left, sc, env).op(), self.expr(e.right, sc, env).op()
        if e.op in (">=", ">"):
            a, b = b, a
        if e.op in ("<=", ">="):
            return compound(f"{a} \\subseteq {b}")
        return compound(f"{a} \\subseteq {b} /\\ {a} # {b}")

    @EXPRESSIONS.handles(E.Member)
    def _member(self, e: E.Member, sc, env) -> Tx:
        x = self.expr(e.elem, sc, env)
        coll = self.expr(e.coll, sc, env)
        match e.coll.type:
            case BagT():
                text = f"BagIn({x}, {coll})"
                return compound(f"~{text}") if e.negated else Tx(text)
            case SeqT():
                coll = Tx(f"Range({coll})")
        op = "\\notin" if e.negated else "\\in"
        return compound(f"{x.op()} {op} {coll.op()}")

    def domain(self, d: E.Expr, sc, env) -> Tx:
        """The set a binder ranges over: a set, a bag's distinct elements, a sequence's elements."""
        x = self.expr(d, sc, env)
        match d.type:
            case BagT():
                return Tx(f"BagToSet({x})")
            case SeqT():
                return Tx(f"Range({x})")
        return x

    def bind_all(self, bindings, sc: LocalScope, env) -> tuple[list[str], LocalScope]:
        """`x \\in S` texts for nested bindings (a later domain may use an earlier variable)."""
        inner = sc.copy()
        parts = []
        for local, d in bindings:
            dom = self.domain(d, inner, env)
            name = inner.bind(local.uid, local.name)
            parts.append(f"{name} \\in {dom.op() if not dom.atomic else dom}")
        return parts, inner

    @EXPRESSIONS.handles(E.Quant)
    def _quant(self, e: E.Quant, sc, env) -> Tx:
        parts, inner = self.bind_all(e.bindings, sc, env)
        body = self.expr(e.body, inner, env)
        if e.cond is not None:
            c = self.expr(e.cond, inner, env)
            body = compound(f"{c.op()} => {body.op()}" if e.kind == "forall" else f"{c.op()} /\\ {body.op()}")
        q = "\\A" if e.kind == "forall" else "\\E"
        text = body.text
        for part in reversed(parts):
            text = f"{q} {part} : {text}"
        return compound(text)

    @EXPRESSIONS.handles(E.SetComp)
    def _setcomp(self, e: E.SetComp, sc, env) -> Tx:
        special = self._union_or_subset(e, sc, env)
        if special is not None:
            return special
        parts, inner = self.bind_all(e.bindings, sc, env)
        elem = self.conv(e.elem, inner, env, e.type.elem)
        if len(parts) == 1 and e.cond is None:
            return Tx(f"{{{elem} : {parts[0]}}}")
        if len(parts) == 1 and isinstance(e.elem, E.LocalRef) and e.elem.local == e.bindings[0][0]:
            return Tx(f"{{{parts[0]} : {self.expr(e.cond, inner, env)}}}")  # a filter: {q \\in S : q # p}
        c = "TRUE" if e.cond is None else self.expr(e.cond, inner, env).text
        text = f"IF {c} THEN {{{elem}}} ELSE {{}}"
        for part in reversed(parts):
            text = f"UNION {{{text} : {part}}}"
        return compound(text)

    def _union_or_subset(self, e: E.SetComp, sc, env) -> Tx | None:
        """`union(S)` and `subsets(S)` (semantics writes them as comprehensions) as
        TLA+'s `UNION S` and `SUBSET S`, or None for any other comprehension."""
        match e.bindings, e.elem, e.cond:
            case ((part, whole), (elem, E.LocalRef(local=p))), E.LocalRef(local=x), None if p == part and x == elem:
                return compound(f"UNION {self.expr(whole, sc, env).op()}")
            case ((sub, E.Lit()),), E.LocalRef(local=x), E.SetCompare(op="<=", left=E.LocalRef(local=y), right=s) if x == y == sub and isinstance(e.bindings[0][1].type, SetT) and e.bindings[0][1].value == frozenset(universe(sub.type)):
                return compound(f"SUBSET {self.expr(s, sc, env).op()}")
        return None

    @EXPRESSIONS.handles(E.Sum)
    def _sum(self, e: E.Sum, sc, env) -> Tx:
        inner = sc.copy()
        doms = []
        for local, d in e.bindings:
            doms.append((self.domain(d, inner, env), inner.bind(local.uid, local.name)))
        body = self.expr(e.elem, inner, env)
        if e.cond is not None:
            body = compound(f"IF {self.expr(e.cond, inner, env)} THEN {body} ELSE 0")
        text = body.text
        for dom, name in reversed(doms):
            text = f"SumOver({dom}, LAMBDA {name} : {text})"
        return Tx(text)

    @EXPRESSIONS.handles(E.MapComp)
    def _mapcomp(self, e: E.MapComp, sc, env) -> Tx:
        inner = sc.copy()
        dom = self.expr(e.domain, sc, env)
        name = inner.bind(e.key.uid, e.key.name)
        v = self.conv(e.value, inner, env, e.type.value)
        return Tx(f"[{name} \\in {dom} |-> {v}]")

    @EXPRESSIONS.handles(E.SetLit)
    def _setlit(self, e: E.SetLit, sc, env) -> Tx:
        elem_t = e.type.elem
        elems = [self.conv(x, sc, env, elem_t) for x in e.elems]
        if isinstance(e.type, BagT):
            if not elems:
                return Tx("EmptyBag")
            return compound(" (+) ".join(f"SetToBag({{{x}}})" for x in elems))
        return Tx("{" + ", ".join(x.text for x in elems) + "}")

    @EXPRESSIONS.handles(E.SeqLit)
    def _seqlit(self, e: E.SeqLit, sc, env) -> Tx:
        elems = [self.conv(x, sc, env, e.type.elem) for x in e.elems]
        return Tx("<<" + ", ".join(x.text for x in elems) + ">>")

    @EXPRESSIONS.handles(E.RangeSet)
    def _rangeset(self, e: E.RangeSet, sc, env) -> Tx:
        return compound(f"{self.expr(e.lo, sc, env).op()}..{self.expr(e.hi, sc, env).op()}")

    @EXPRESSIONS.handles(E.Len)
    def _len(self, e: E.Len, sc, env) -> Tx:
        x = self.expr(e.operand, sc, env)
        fn = {SetT: "Cardinality", BagT: "BagCardinality", SeqT: "Len"}[type(e.operand.type)]
        return Tx(f"{fn}({x})")

    @EXPRESSIONS.handles(E.MinMax)
    def _minmax(self, e: E.MinMax, sc, env) -> Tx:
        return Tx(f"{'Min' if e.op == 'min' else 'Max'}({self.expr(e.operand, sc, env)})")

    @EXPRESSIONS.handles(E.Construct)
    def _construct(self, e: E.Construct, sc, env) -> Tx:
        if isinstance(e.type, TupleT):
            parts = [self.conv(x, sc, env, ft).text for (_, x), ft in zip(e.fields, e.type.elems)]
            return Tx("<<" + ", ".join(parts) + ">>")
        if isinstance(e.type, VariantT):
            declared = e.type.case(e.tag).fields
            parts = [f'{self.tag} |-> "{e.tag}"']
        else:
            declared = e.type.fields
            parts = []
        for (f, x), (_, ft) in zip(e.fields, declared):
            parts.append(f"{f} |-> {self.conv(x, sc, env, ft)}")
        return Tx("[" + ", ".join(parts) + "]")

    @EXPRESSIONS.handles(E.IsCase)
    def _iscase(self, e: E.IsCase, sc, env) -> Tx:
        return compound(f'{self.expr(e.operand, sc, env).op()}.{self.tag} = "{e.tag}"')

    @EXPRESSIONS.handles(E.GetField)
    def _getfield(self, e: E.GetField, sc, env) -> Tx:
        if isinstance(e.operand.type, TupleT):
            return Tx(f"{self.expr(e.operand, sc, env).op()}[{e.field}]")
        return Tx(f"{self.expr(e.operand, sc, env).op()}.{e.field}")

    @EXPRESSIONS.handles(E.Index)
    def _index(self, e: E.Index, sc, env) -> Tx:
        x = self.expr(e.operand, sc, env)
        i = self.expr(e.index, sc, env)
        return Tx(f"{x.op()}[{i}]")

    @EXPRESSIONS.handles(E.Slice)
    def _slice(self, e: E.Slice, sc, env) -> Tx:
        parts = (self.expr(x, sc, env) for x in (e.operand, e.lo, e.hi))
        return Tx("Slice(" + ", ".join(p.text for p in parts) + ")")

    @EXPRESSIONS.handles(E.Concat)
    def _concat(self, e: E.Concat, sc, env) -> Tx:
        return compound(f"{self.expr(e.left, sc, env).op()} \\o {self.expr(e.right, sc, env).op()}")

    @EXPRESSIONS.handles(E.Append)
    def _append(self, e: E.Append, sc, env) -> Tx:
        x = self.conv(e.elem, sc, env, e.type.elem)
        return Tx(f"Append({self.expr(e.seq, sc, env)}, {x})")

    @EXPRESSIONS.handles(E.Last)
    def _last(self, e: E.Last, sc, env) -> Tx:
        s = self.expr(e.seq, sc, env)
        return Tx(f"{s.op()}[Len({s})]")

    @EXPRESSIONS.handles(E.BagAdd)
    def _bagadd(self, e: E.BagAdd, sc, env) -> Tx:
        x = self.conv(e.elem, sc, env, e.type.elem)
        return compound(f"{self.expr(e.bag, sc, env).op()} (+) SetToBag({{{x}}})")

    @EXPRESSIONS.handles(E.BagRemove)
    def _bagremove(self, e: E.BagRemove, sc, env) -> Tx:
        return compound(f"{self.expr(e.bag, sc, env).op()} (-) SetToBag({{{self.expr(e.elem, sc, env)}}})")

    @EXPRESSIONS.handles(E.Unwrap)
    def _unwrap(self, e: E.Unwrap, sc, env) -> Tx:
        return Tx(f"Unwrap({self.expr(e.operand, sc, env)})")

    def rank(self, t: Type) -> str | None:
        """`LAMBDA v : ...`, the position of a t value in canonical order, when
        TLC's own order may differ from it (None: t has no such rank here)."""
        match t:
            case IntT() | RangeT():
                return "LAMBDA vv : vv"
            case BoolT() | AtomT() | EnumT():
                table = " @@ ".join(f"{self.value(t, v).op()} :> {i}" for i, v in enumerate(universe(t)))
                return f"LAMBDA vv : ({table})[vv]"
        return None

    @EXPRESSIONS.handles(E.ChooseExpr)
    def _chooseexpr(self, e: E.ChooseExpr, sc, env) -> Tx:
        """The least such value: `Min` of the filtered set for integers, `ChooseLeast`
        by rank for atoms, enums and booleans; TLC's CHOOSE otherwise (docs/tla.md)."""
        inner = sc.copy()
        dom = self.domain(e.domain, sc, env)
        name = inner.bind(e.local.uid, e.local.name)
        cond = self.expr(e.cond, inner, env) if e.cond is not None else None
        rank = self.rank(e.type)
        if rank is None:
            return compound(f"CHOOSE {name} \\in {dom.op()} : {cond if cond is not None else 'TRUE'}")
        matching = f"{{{name} \\in {dom.op()} : {cond}}}" if cond is not None else dom.text
        if isinstance(e.type, (IntT, RangeT)):
            return Tx(f"Min({matching})")
        return Tx(f"ChooseLeast({matching}, {rank})")

    @EXPRESSIONS.handles(E.Fold)
    def _fold(self, e: E.Fold, sc, env) -> Tx:
        """FoldSeq in sequence order; FoldSet in canonical order where `rank` gives it."""
        init = self.conv(e.init, sc, env, e.acc.type)
        dom = self.domain(e.domain, sc, env)
        inner = sc.copy()
        acc = inner.bind(e.acc.uid, e.acc.name)
        x = inner.bind(e.elem.uid, e.elem.name)
        body = self.conv(e.body, inner, env, e.acc.type)
        step = f"LAMBDA {acc}, {x} : {body}"
        if isinstance(e.domain.type, SeqT):
            return Tx(f"FoldSeq({step}, {init}, {self.expr(e.domain, sc, env)})")
        rank = self.rank(e.elem.type) or "LAMBDA vv : 0"
        return Tx(f"FoldSet({step}, {init}, {dom}, {rank})")

    @EXPRESSIONS.handles(E.LetIn)
    def _letin(self, e: E.LetIn, sc, env) -> Tx:
        v = self.expr(e.value, sc, env)
        inner = sc.copy()
        if isinstance(e.value, (E.Lit, E.LocalRef, E.VarRef)) and v.atomic:
            inner.bound[e.local.uid] = v.text  # an alias: substitute, no LET
            return self.expr(e.body, inner, env)
        name = inner.bind(e.local.uid, e.local.name)
        return compound(f"LET {name} == {v} IN {self.expr(e.body, inner, env)}")
