"""The abstract syntax tree of a .spec file, exactly as written.

Every node carries a `span` (ignored by equality, see diagnostics.span_field),
so tests can compare a hand-built tree with the parser's. Nothing here is
resolved or typed: `Name("r1")` may be an atom, a variable, an enum member or
a parameter until semantics/ decides. Lists are tuples so nodes are hashable.
"""

from __future__ import annotations

from specpy.nodeclass import nodeclass

from specpy.diagnostics import Span, span_field


@nodeclass
class Node:
    pass


# ---------------------------------------------------------------- identifiers


@nodeclass
class Ident(Node):
    """A name at a place (declaration names, field names, parameters)."""

    name: str
    span: Span = span_field()


# ---------------------------------------------------------------- type expressions


@nodeclass
class TypeExpr(Node):
    pass


@nodeclass
class NamedType(TypeExpr):
    """`bool`, or a declared type's name."""

    name: str
    span: Span = span_field()


@nodeclass
class RangeType(TypeExpr):
    """`lo..hi` with constant-expression bounds."""

    lo: Expr
    hi: Expr
    span: Span = span_field()


@nodeclass
class SetType(TypeExpr):
    elem: TypeExpr
    span: Span = span_field()


@nodeclass
class MapType(TypeExpr):
    """`[K -> V]`, a total map over the finite type K."""

    key: TypeExpr
    value: TypeExpr
    span: Span = span_field()


@nodeclass
class SeqType(TypeExpr):
    """`seq[T, N]`: sequences of length at most N."""

    elem: TypeExpr
    bound: Expr
    span: Span = span_field()


@nodeclass
class BagType(TypeExpr):
    """`bag[T, N]`: multisets with at most N copies of each element."""

    elem: TypeExpr
    bound: Expr
    span: Span = span_field()


@nodeclass
class OptionType(TypeExpr):
    """`T?`: a T or `none`."""

    inner: TypeExpr
    span: Span = span_field()


@nodeclass
class TupleType(TypeExpr):
    """`(A, B)`: tuples of an A and a B."""

    elems: tuple[TypeExpr, ...]
    span: Span = span_field()


@nodeclass
class FieldDecl(Node):
    name: Ident
    type: TypeExpr
    span: Span = span_field()


# Type declaration bodies that only appear on the right of `type X = ...`.


@nodeclass
class AtomsBody(TypeExpr):
    """`{a, b, c}`: fresh atoms (model values)."""

    members: tuple[Ident, ...]
    span: Span = span_field()


@nodeclass
class EnumBody(TypeExpr):
    """`enum { A, B }`."""

    members: tuple[Ident, ...]
    span: Span = span_field()


@nodeclass
class RecordBody(TypeExpr):
    """`{f: T, g: U}`."""

    fields: tuple[FieldDecl, ...]
    span: Span = span_field()


@nodeclass
class VariantAlt(Node):
    """One alternative of a variant: `Prepared{rm: RM}` or `Commit`."""

    name: Ident
    fields: tuple[FieldDecl, ...]
    span: Span = span_field()


@nodeclass
class VariantBody(TypeExpr):
    """`V1{f: T} | V2 | ...`.

    A single alternative with braces (`V{f: T}`) is a one-case variant; a bare
    name on its own is a NamedType (an alias), not a variant.
    """

    alts: tuple[VariantAlt, ...]
    span: Span = span_field()


# ---------------------------------------------------------------- expressions


@nodeclass
class Expr(Node):
    pass


@nodeclass
class Name(Expr):
    name: str
    span: Span = span_field()


@nodeclass
class Primed(Expr):
    """`x'`: a variable's value in the next state (transition invariants only)."""

    name: str
    span: Span = span_field()


@nodeclass
class IntLit(Expr):
    value: int
    span: Span = span_field()


@nodeclass
class BoolLit(Expr):
    value: bool
    span: Span = span_field()


@nodeclass
class NoneLit(Expr):
    span: Span = span_field()


@nodeclass
class Unary(Expr):
    """`not e` or `-e`."""

    op: str
    operand: Expr
    span: Span = span_field()


@nodeclass
class Binary(Expr):
    """Binary operators, `op` spelled as in the source.

    One of: and or implies == != < <= > >= + - * // % in, "not in", | &.
    """

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@nodeclass
class RangeExpr(Expr):
    """`lo..hi` used as a set of integers."""

    lo: Expr
    hi: Expr
    span: Span = span_field()


@nodeclass
class IfExpr(Expr):
    """`then if cond else other`."""

    cond: Expr
    then: Expr
    other: Expr
    span: Span = span_field()


@nodeclass
class TuplePattern(Node):
    """`(a, b)` on the left of `in` or `=`: a tuple taken apart into names."""

    elems: tuple[Ident | TuplePattern, ...]
    span: Span = span_field()


#: What a binder binds: one name, or a tuple pattern.
Pattern = Ident | TuplePattern


@nodeclass
class Binding(Node):
    """`x in S` (or `(a, b) in S`) in a quantifier, comprehension, choose or for."""

    name: Pattern
    domain: Expr
    span: Span = span_field()


@nodeclass
class Quantifier(Expr):
    """`forall a, b in S, c in T where cond: body` (kind "forall" or "exists").

    `forall a, b in S` is written as two bindings with the same domain.
    """

    kind: str
    bindings: tuple[Binding, ...]
    cond: Expr | None
    body: Expr
    span: Span = span_field()


@nodeclass
class SetComp(Expr):
    """`{elem for x in S if cond}`."""

    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class MapComp(Expr):
    """`{k: value for k in S}`: the map from each k in S to value."""

    key: Ident
    domain: Expr
    value: Expr
    span: Span = span_field()


@nodeclass
class SumExpr(Expr):
    """`sum(elem for x in S if cond)`."""

    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class Generator(Expr):
    """`max(elem for x in S if cond)`, `min(...)`: of the values, as a set."""

    func: Ident
    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class Fold(Expr):
    """`fold(acc: T = init, x in S: body)`: body applied in S's canonical order."""

    acc: Ident
    acc_type: TypeExpr | None
    init: Expr
    elem: Ident
    domain: Expr
    body: Expr
    span: Span = span_field()


@nodeclass
class LetExpr(Expr):
    """`let x = value in body` (or `let (a, b) = value in body`)."""

    pattern: Pattern
    value: Expr
    body: Expr
    span: Span = span_field()


@nodeclass
class ChooseExpr(Expr):
    """`choose x in S where cond`: the least such x in canonical order."""

    name: Ident
    domain: Expr
    cond: Expr | None
    span: Span = span_field()


@nodeclass
class TupleLit(Expr):
    """`(a, b)`."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class MatchArm(Node):
    """`A | B => body` in a match: body is an Expr (expression) or statements."""

    cases: tuple[Ident, ...]
    body: Expr | tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class MatchExpr(Expr):
    """`match e { A => x, B | C => y, _ => z }`."""

    subject: Expr
    arms: tuple[MatchArm, ...]
    span: Span = span_field()


@nodeclass
class SetLit(Expr):
    """`{a, b}`; `{}` is the empty set, bag or map (the expected type decides)."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class SeqLit(Expr):
    """`[a, b]`; `[]` is the empty sequence."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class Call(Expr):
    """`f(args)`: a builtin (len, min, max, append, last) or a `def`."""

    func: Ident
    args: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class FieldInit(Node):
    name: Ident
    value: Expr
    span: Span = span_field()


@nodeclass
class Construct(Expr):
    """`V{f: e, ...}`: a record (V is the record type) or a variant case."""

    name: Ident
    fields: tuple[FieldInit, ...]
    span: Span = span_field()


@nodeclass
class IsExpr(Expr):
    """`e is V`: e's variant case is V."""

    operand: Expr
    case: Ident
    span: Span = span_field()


@nodeclass
class FieldAccess(Expr):
    """`e.f`; also `Type.member` for a qualified enum member."""

    operand: Expr
    field: Ident
    span: Span = span_field()


@nodeclass
class Index(Expr):
    """`e[k]`: map lookup, or 1-based sequence indexing."""

    operand: Expr
    index: Expr
    span: Span = span_field()


@nodeclass
class Slice(Expr):
    """`s[i..j]` (empty when j < i, as TLA+'s SubSeq)."""

    operand: Expr
    lo: Expr
    hi: Expr
    span: Span = span_field()


# ---------------------------------------------------------------- temporal formulas


@nodeclass
class Temporal(Node):
    pass


@nodeclass
class StateFormula(Temporal):
    expr: Expr
    span: Span = span_field()


@nodeclass
class Always(Temporal):
    body: Temporal
    span: Span = span_field()


@nodeclass
class Eventually(Temporal):
    body: Temporal
    span: Span = span_field()


@nodeclass
class LeadsTo(Temporal):
    left: Expr
    right: Expr
    span: Span = span_field()


# ---------------------------------------------------------------- statements


@nodeclass
class Stmt(Node):
    pass


@nodeclass
class Require(Stmt):
    cond: Expr
    span: Span = span_field()


@nodeclass
class Assign(Stmt):
    """`target op value` with op one of `=`, `+=`, `-=`.

    target is a Name, or Index/FieldAccess chains rooted at a Name.
    """

    target: Expr
    op: str
    value: Expr
    span: Span = span_field()


@nodeclass
class Let(Stmt):
    name: Pattern
    value: Expr
    span: Span = span_field()


@nodeclass
class If(Stmt):
    """`if c {..} else if c {..} else {..}` as (cond, body) pairs + else."""

    branches: tuple[tuple[Expr, tuple[Stmt, ...]], ...]
    orelse: tuple[Stmt, ...] | None
    span: Span = span_field()


@nodeclass
class Choose(Stmt):
    binding: Binding
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Either(Stmt):
    branches: tuple[tuple[Stmt, ...], ...]
    span: Span = span_field()


@nodeclass
class For(Stmt):
    binding: Binding
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Send(Stmt):
    """`send e to net`."""

    message: Expr
    net: Ident
    span: Span = span_field()


@nodeclass
class Receive(Stmt):
    """`receive m in net where c { ... }`."""

    name: Ident
    net: Ident
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Assert(Stmt):
    cond: Expr
    span: Span = span_field()


@nodeclass
class CallStmt(Stmt):
    """`P(args)`: a procedure call."""

    func: Ident
    args: tuple[Expr, ...]
    span: Span = span_field()


@nodeclass
class MatchStmt(Stmt):
    """`match e { A => { ... } B | C => { ... } }`."""

    subject: Expr
    arms: tuple[MatchArm, ...]
    span: Span = span_field()


# ---------------------------------------------------------------- declarations


@nodeclass
class Decl(Node):
    pass


@nodeclass
class SpecHeader(Decl):
    name: Ident
    span: Span = span_field()


@nodeclass
class ConstDecl(Decl):
    name: Ident
    value: Expr
    span: Span = span_field()


@nodeclass
class TypeDecl(Decl):
    name: Ident
    body: TypeExpr
    symmetric: bool = False
    span: Span = span_field()


@nodeclass
class VarDecl(Decl):
    name: Ident
    type: TypeExpr
    init: Expr | None
    durable: bool = False
    span: Span = span_field()


@nodeclass
class InitDecl(Decl):
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Param(Node):
    name: Ident
    type: TypeExpr
    span: Span = span_field()


@nodeclass
class DefDecl(Decl):
    name: Ident
    params: tuple[Param, ...]
    body: Expr
    span: Span = span_field()


@nodeclass
class ActionDecl(Decl):
    """`[strong] [fair] action Name(params) { body }`; fairness None/"weak"/"strong"."""

    name: Ident
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    fairness: str | None = None
    span: Span = span_field()


@nodeclass
class OperationDecl(Decl):
    """`operation Name(params) [-> T = e] [{ body }]`: an operation of a sequential object
    (`specpy linearizable`); `result` is (T, e), e evaluated before the body."""

    name: Ident
    params: tuple[Param, ...]
    result: tuple[TypeExpr, Expr] | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class ProcDecl(Decl):
    """`proc Name(params) { body }`: statements inlined where an action calls them."""

    name: Ident
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class InvariantDecl(Decl):
    name: Ident
    expr: Expr
    span: Span = span_field()


@nodeclass
class TransitionDecl(Decl):
    name: Ident
    expr: Expr
    span: Span = span_field()


@nodeclass
class PropertyDecl(Decl):
    name: Ident
    formula: Temporal
    span: Span = span_field()


@nodeclass
class ConstraintDecl(Decl):
    expr: Expr
    span: Span = span_field()


@nodeclass
class TerminalDecl(Decl):
    expr: Expr
    span: Span = span_field()


@nodeclass
class MeasureDecl(Decl):
    """`measure NAME: expr`: an integer reported as min/max over the reachable states."""

    name: Ident
    expr: Expr
    span: Span = span_field()


@nodeclass
class ProcessesDecl(Decl):
    """`processes T`: the atoms of T are the processes of trace charts (trace/msc.py)."""

    type: Ident
    span: Span = span_field()


@nodeclass
class FaultItem(Node):
    pass


@nodeclass
class LoseFault(FaultItem):
    net: Ident
    span: Span = span_field()


@nodeclass
class DuplicateFault(FaultItem):
    net: Ident
    span: Span = span_field()


@nodeclass
class CrashFault(FaultItem):
    """`crash Server [resets x, y]`."""

    type: Ident
    resets: tuple[Ident, ...] = ()
    span: Span = span_field()


@nodeclass
class BudgetFault(FaultItem):
    value: Expr
    span: Span = span_field()


@nodeclass
class FaultsDecl(Decl):
    items: tuple[FaultItem, ...]
    span: Span = span_field()


@nodeclass
class Module(Node):
    """A whole .spec file: its declarations in source order."""

    decls: tuple[Decl, ...]
    span: Span = span_field()
