"""IR expressions: typed, resolved, free of syntax sugar.

Every node has a `type` (ir/types.py) and a `span` pointing at the source it
came from (ignored by equality). Names are resolved: a state variable is a
`VarRef`, anything bound locally (parameter, let, quantifier, choose, def
argument) is a `LocalRef` to a `Local` with a unique id, constants and atoms
are folded into `Lit`. `def` calls are inlined as `LetIn`, so backends never
see a def.

Evaluation errors a backend must detect (and report with the node's span):
`Index` out of a sequence or a range-typed map domain, `GetField` on the
wrong variant case, `Unwrap` of none, `Arith` division or modulo by zero,
`MinMax` of an empty set, `Last` of an empty sequence, `ChooseExpr` when
no element satisfies its condition.
"""

from __future__ import annotations

from dataclasses import field

from specpy.nodeclass import nodeclass

from specpy.diagnostics import Span, span_field
from specpy.ir.const_terms import ConstTerm
from specpy.ir.types import Type
from specpy.ir.values import Value


@nodeclass
class Local:
    """A locally bound name. `uid` makes shadowed names distinct."""

    name: str
    uid: int
    type: Type


@nodeclass
class Expr:
    type: Type


@nodeclass
class Lit(Expr):
    """A constant generic value (ir/values.py), including folded constants,
    atoms, enum members, `none`, empty collections and a type's universe."""

    value: Value
    span: Span = span_field()
    # the constant expression it was written as, for the TLA+ export (ir/const_terms.py)
    const: ConstTerm | None = field(default=None, compare=False, repr=False)


@nodeclass
class VarRef(Expr):
    """A state variable; `primed` reads the next state (transition invariants)."""

    name: str
    primed: bool = False
    span: Span = span_field()


@nodeclass
class LocalRef(Expr):
    local: Local
    span: Span = span_field()


@nodeclass
class Not(Expr):
    operand: Expr
    span: Span = span_field()


@nodeclass
class Neg(Expr):
    operand: Expr
    span: Span = span_field()


@nodeclass
class BoolOp(Expr):
    """`and`, `or`, `implies`: the right side is evaluated only when needed."""

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class Compare(Expr):
    """`==`, `!=` on any two values of one type; `< <= > >=` on ints."""

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class Arith(Expr):
    """`+ - * // %` on ints (floor division and modulo, as Python and TLA+)."""

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class SetOp(Expr):
    """`|` union, `&` intersection, `-` difference of two sets."""

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class SetCompare(Expr):
    """`<=` subset, `<` proper subset, `>=`, `>` on two sets."""

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class Member(Expr):
    """`elem in coll` (negated: `not in`); coll is a set, a bag (count >= 1) or a seq."""

    elem: Expr
    coll: Expr
    negated: bool = False
    span: Span = span_field()


@nodeclass
class Cond(Expr):
    """`then if cond else other`; only the chosen side is evaluated."""

    cond: Expr
    then: Expr
    other: Expr
    span: Span = span_field()


@nodeclass
class Quant(Expr):
    """`forall`/`exists` over bindings (nested left to right; a later domain
    may mention an earlier variable), optionally filtered by `cond`.

    Domains are sets, bags (distinct elements) or sequences (their elements).
    """

    kind: str
    bindings: tuple[tuple[Local, Expr], ...]
    cond: Expr | None
    body: Expr
    span: Span = span_field()


@nodeclass
class SetComp(Expr):
    """`{elem for bindings if cond}`."""

    elem: Expr
    bindings: tuple[tuple[Local, Expr], ...]
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class MapComp(Expr):
    """`{k: value for k in domain}`; domain is the whole key type's universe."""

    key: Local
    domain: Expr
    value: Expr
    span: Span = span_field()


@nodeclass
class Sum(Expr):
    """`sum(elem for bindings if cond)`."""

    elem: Expr
    bindings: tuple[tuple[Local, Expr], ...]
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class SetLit(Expr):
    """`{a, b}` of type SetT or BagT (a bag literal counts repeated elements)."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class SeqLit(Expr):
    elems: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class RangeSet(Expr):
    """`lo..hi` as the set of ints between (empty when hi < lo)."""

    lo: Expr
    hi: Expr
    span: Span = span_field()


@nodeclass
class Len(Expr):
    """Size of a set, copies in a bag, length of a sequence."""

    operand: Expr
    span: Span = span_field()


@nodeclass
class MinMax(Expr):
    """`min(S)` / `max(S)` of a non-empty set of ints."""

    op: str
    operand: Expr
    span: Span = span_field()


@nodeclass
class Construct(Expr):
    """A record (tag None, type RecordT) or a variant case (type VariantT).

    `fields` are in declaration order and complete.
    """

    tag: str | None
    fields: tuple[tuple[str, Expr], ...]
    span: Span = span_field()


@nodeclass
class IsCase(Expr):
    operand: Expr
    tag: str
    span: Span = span_field()


@nodeclass
class GetField(Expr):
    """`e.f` on a record, or on a variant (error unless e's case has f).

    `tag` is set when the checker has narrowed a variant operand to one case
    (after `require m is A`, in `if m is A`, in a `match` arm): the field is
    that case's (two cases may have fields of one name and different types).
    Reading it on another case is still an evaluation error.
    """

    operand: Expr
    field: str
    tag: str | None = None
    span: Span = span_field()


@nodeclass
class Index(Expr):
    """`m[k]` on a map, or `s[i]` (1-based) on a sequence."""

    operand: Expr
    index: Expr
    span: Span = span_field()


@nodeclass
class Slice(Expr):
    """`s[i..j]`, clipped like TLA+'s SubSeq; empty when j < i."""

    operand: Expr
    lo: Expr
    hi: Expr
    span: Span = span_field()


@nodeclass
class Concat(Expr):
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class Append(Expr):
    seq: Expr
    elem: Expr
    span: Span = span_field()


@nodeclass
class Last(Expr):
    seq: Expr
    span: Span = span_field()


@nodeclass
class BagAdd(Expr):
    """The bag with one more copy of elem (`send`, the `duplicate` fault)."""

    bag: Expr
    elem: Expr
    span: Span = span_field()


@nodeclass
class BagRemove(Expr):
    """The bag with one copy of elem fewer (`receive`, the `lose` fault)."""

    bag: Expr
    elem: Expr
    span: Span = span_field()


@nodeclass
class Unwrap(Expr):
    """A `T?` used as a `T`: an evaluation error if it is none."""

    operand: Expr
    span: Span = span_field()


@nodeclass
class ChooseExpr(Expr):
    """`choose x in domain where cond`: the least element (canonical order)
    satisfying cond; an evaluation error when there is none. Domains are
    sets, bags (distinct elements) or sequences (their elements)."""

    local: Local
    domain: Expr
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class Fold(Expr):
    """`fold(acc = init, x in domain: body)`: acc starts as init and becomes
    body once per element x, in canonical order (a set; a bag's distinct
    elements) or in sequence order; the result is the last acc.
    Each step's value is checked against acc's type (`acc.type`)."""

    acc: Local
    init: Expr
    elem: Local
    domain: Expr
    body: Expr
    span: Span = span_field()


@nodeclass
class LetIn(Expr):
    """`local = value` in `body` (how def calls are inlined)."""

    local: Local
    value: Expr
    body: Expr
    span: Span = span_field()
