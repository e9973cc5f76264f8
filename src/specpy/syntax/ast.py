"""The abstract syntax tree of a .spec file, exactly as written.

Every node carries a `span` (ignored by equality, see diagnostics.span_field),
so tests can compare a hand-built tree with the parser's. Nothing here is
resolved or typed: `Name("r1")` may be an atom, a variable, an enum member or
a parameter until semantics/ decides. Lists are tuples so nodes are hashable.
"""

from __future__ import annotations

from dataclasses import dataclass

from specpy.diagnostics import Span, span_field


@dataclass(frozen=True)
class Node:
    pass


# ---------------------------------------------------------------- identifiers


@dataclass(frozen=True)
class Ident(Node):
    """A name at a place (declaration names, field names, parameters)."""

    name: str
    span: Span = span_field()


# ---------------------------------------------------------------- type expressions


@dataclass(frozen=True)
class TypeExpr(Node):
    pass


@dataclass(frozen=True)
class NamedType(TypeExpr):
    """`bool`, or a declared type's name."""

    name: str
    span: Span = span_field()


@dataclass(frozen=True)
class RangeType(TypeExpr):
    """`lo..hi` with constant-expression bounds."""

    lo: Expr
    hi: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class SetType(TypeExpr):
    elem: TypeExpr
    span: Span = span_field()


@dataclass(frozen=True)
class MapType(TypeExpr):
    """`[K -> V]`, a total map over the finite type K."""

    key: TypeExpr
    value: TypeExpr
    span: Span = span_field()


@dataclass(frozen=True)
class SeqType(TypeExpr):
    """`seq[T, N]`: sequences of length at most N."""

    elem: TypeExpr
    bound: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class BagType(TypeExpr):
    """`bag[T, N]`: multisets with at most N copies of each element."""

    elem: TypeExpr
    bound: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class OptionType(TypeExpr):
    """`T?`: a T or `none`."""

    inner: TypeExpr
    span: Span = span_field()


@dataclass(frozen=True)
class TupleType(TypeExpr):
    """`(A, B)`: tuples of an A and a B."""

    elems: tuple[TypeExpr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class FieldDecl(Node):
    name: Ident
    type: TypeExpr
    span: Span = span_field()


# Type declaration bodies that only appear on the right of `type X = ...`.


@dataclass(frozen=True)
class AtomsBody(TypeExpr):
    """`{a, b, c}`: fresh atoms (model values)."""

    members: tuple[Ident, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class EnumBody(TypeExpr):
    """`enum { A, B }`."""

    members: tuple[Ident, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class RecordBody(TypeExpr):
    """`{f: T, g: U}`."""

    fields: tuple[FieldDecl, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class VariantAlt(Node):
    """One alternative of a variant: `Prepared{rm: RM}` or `Commit`."""

    name: Ident
    fields: tuple[FieldDecl, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class VariantBody(TypeExpr):
    """`V1{f: T} | V2 | ...`.

    A single alternative with braces (`V{f: T}`) is a one-case variant; a bare
    name on its own is a NamedType (an alias), not a variant.
    """

    alts: tuple[VariantAlt, ...]
    span: Span = span_field()


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expr(Node):
    pass


@dataclass(frozen=True)
class Name(Expr):
    name: str
    span: Span = span_field()


@dataclass(frozen=True)
class Primed(Expr):
    """`x'`: a variable's value in the next state (transition invariants only)."""

    name: str
    span: Span = span_field()


@dataclass(frozen=True)
class IntLit(Expr):
    value: int
    span: Span = span_field()


@dataclass(frozen=True)
class BoolLit(Expr):
    value: bool
    span: Span = span_field()


@dataclass(frozen=True)
class NoneLit(Expr):
    span: Span = span_field()


@dataclass(frozen=True)
class Unary(Expr):
    """`not e` or `-e`."""

    op: str
    operand: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Binary(Expr):
    """Binary operators, `op` spelled as in the source.

    One of: and or implies == != < <= > >= + - * // % in, "not in", | &.
    """

    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class RangeExpr(Expr):
    """`lo..hi` used as a set of integers."""

    lo: Expr
    hi: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class IfExpr(Expr):
    """`then if cond else other`."""

    cond: Expr
    then: Expr
    other: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class TuplePattern(Node):
    """`(a, b)` on the left of `in` or `=`: a tuple taken apart into names."""

    elems: tuple[Ident | TuplePattern, ...]
    span: Span = span_field()


#: What a binder binds: one name, or a tuple pattern.
Pattern = Ident | TuplePattern


@dataclass(frozen=True)
class Binding(Node):
    """`x in S` (or `(a, b) in S`) in a quantifier, comprehension, choose or for."""

    name: Pattern
    domain: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Quantifier(Expr):
    """`forall a, b in S, c in T where cond: body` (kind "forall" or "exists").

    `forall a, b in S` is written as two bindings with the same domain.
    """

    kind: str
    bindings: tuple[Binding, ...]
    cond: Expr | None
    body: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class SetComp(Expr):
    """`{elem for x in S if cond}`."""

    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@dataclass(frozen=True)
class MapComp(Expr):
    """`{k: value for k in S}`: the map from each k in S to value."""

    key: Ident
    domain: Expr
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class SumExpr(Expr):
    """`sum(elem for x in S if cond)`."""

    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@dataclass(frozen=True)
class Generator(Expr):
    """`max(elem for x in S if cond)`, `min(...)`: of the values, as a set."""

    func: Ident
    elem: Expr
    bindings: tuple[Binding, ...]
    cond: Expr | None
    span: Span = span_field()


@dataclass(frozen=True)
class Fold(Expr):
    """`fold(acc: T = init, x in S: body)`: body applied in S's canonical order."""

    acc: Ident
    acc_type: TypeExpr | None
    init: Expr
    elem: Ident
    domain: Expr
    body: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class LetExpr(Expr):
    """`let x = value in body` (or `let (a, b) = value in body`)."""

    pattern: Pattern
    value: Expr
    body: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class ChooseExpr(Expr):
    """`choose x in S where cond`: the least such x in canonical order."""

    name: Ident
    domain: Expr
    cond: Expr | None
    span: Span = span_field()


@dataclass(frozen=True)
class TupleLit(Expr):
    """`(a, b)`."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class MatchArm(Node):
    """`A | B => body` in a match: body is an Expr (expression) or statements."""

    cases: tuple[Ident, ...]
    body: Expr | tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class MatchExpr(Expr):
    """`match e { A => x, B | C => y, _ => z }`."""

    subject: Expr
    arms: tuple[MatchArm, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class SetLit(Expr):
    """`{a, b}`; `{}` is the empty set, bag or map (the expected type decides)."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class SeqLit(Expr):
    """`[a, b]`; `[]` is the empty sequence."""

    elems: tuple[Expr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Call(Expr):
    """`f(args)`: a builtin (len, min, max, append, last) or a `def`."""

    func: Ident
    args: tuple[Expr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class FieldInit(Node):
    name: Ident
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Construct(Expr):
    """`V{f: e, ...}`: a record (V is the record type) or a variant case."""

    name: Ident
    fields: tuple[FieldInit, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class IsExpr(Expr):
    """`e is V`: e's variant case is V."""

    operand: Expr
    case: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class FieldAccess(Expr):
    """`e.f`; also `Type.member` for a qualified enum member."""

    operand: Expr
    field: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class Index(Expr):
    """`e[k]`: map lookup, or 1-based sequence indexing."""

    operand: Expr
    index: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Slice(Expr):
    """`s[i..j]` (empty when j < i, as TLA+'s SubSeq)."""

    operand: Expr
    lo: Expr
    hi: Expr
    span: Span = span_field()


# ---------------------------------------------------------------- temporal formulas


@dataclass(frozen=True)
class Temporal(Node):
    pass


@dataclass(frozen=True)
class StateFormula(Temporal):
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Always(Temporal):
    body: Temporal
    span: Span = span_field()


@dataclass(frozen=True)
class Eventually(Temporal):
    body: Temporal
    span: Span = span_field()


@dataclass(frozen=True)
class LeadsTo(Temporal):
    left: Expr
    right: Expr
    span: Span = span_field()


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Stmt(Node):
    pass


@dataclass(frozen=True)
class Require(Stmt):
    cond: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Assign(Stmt):
    """`target op value` with op one of `=`, `+=`, `-=`.

    target is a Name, or Index/FieldAccess chains rooted at a Name.
    """

    target: Expr
    op: str
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class Let(Stmt):
    name: Pattern
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class If(Stmt):
    """`if c {..} else if c {..} else {..}` as (cond, body) pairs + else."""

    branches: tuple[tuple[Expr, tuple[Stmt, ...]], ...]
    orelse: tuple[Stmt, ...] | None
    span: Span = span_field()


@dataclass(frozen=True)
class Choose(Stmt):
    binding: Binding
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Either(Stmt):
    branches: tuple[tuple[Stmt, ...], ...]
    span: Span = span_field()


@dataclass(frozen=True)
class For(Stmt):
    binding: Binding
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Send(Stmt):
    """`send e to net`."""

    message: Expr
    net: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class Receive(Stmt):
    """`receive m in net where c { ... }`."""

    name: Ident
    net: Ident
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Assert(Stmt):
    cond: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class CallStmt(Stmt):
    """`P(args)`: a procedure call."""

    func: Ident
    args: tuple[Expr, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class MatchStmt(Stmt):
    """`match e { A => { ... } B | C => { ... } }`."""

    subject: Expr
    arms: tuple[MatchArm, ...]
    span: Span = span_field()


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Decl(Node):
    pass


@dataclass(frozen=True)
class SpecHeader(Decl):
    name: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class ConstDecl(Decl):
    name: Ident
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class TypeDecl(Decl):
    name: Ident
    body: TypeExpr
    symmetric: bool = False
    span: Span = span_field()


@dataclass(frozen=True)
class VarDecl(Decl):
    name: Ident
    type: TypeExpr
    init: Expr | None
    durable: bool = False
    span: Span = span_field()


@dataclass(frozen=True)
class InitDecl(Decl):
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Param(Node):
    name: Ident
    type: TypeExpr
    span: Span = span_field()


@dataclass(frozen=True)
class DefDecl(Decl):
    name: Ident
    params: tuple[Param, ...]
    body: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class ActionDecl(Decl):
    """`[strong] [fair] action Name(params) { body }`; fairness None/"weak"/"strong"."""

    name: Ident
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    fairness: str | None = None
    span: Span = span_field()


@dataclass(frozen=True)
class OperationDecl(Decl):
    """`operation Name(params) [-> T = e] [{ body }]`: an operation of a sequential object
    (`specpy linearizable`); `result` is (T, e), e evaluated before the body."""

    name: Ident
    params: tuple[Param, ...]
    result: tuple[TypeExpr, Expr] | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class ProcDecl(Decl):
    """`proc Name(params) { body }`: statements inlined where an action calls them."""

    name: Ident
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class InvariantDecl(Decl):
    name: Ident
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class TransitionDecl(Decl):
    name: Ident
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class PropertyDecl(Decl):
    name: Ident
    formula: Temporal
    span: Span = span_field()


@dataclass(frozen=True)
class ConstraintDecl(Decl):
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class TerminalDecl(Decl):
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class MeasureDecl(Decl):
    """`measure NAME: expr`: an integer reported as min/max over the reachable states."""

    name: Ident
    expr: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class ProcessesDecl(Decl):
    """`processes T`: the atoms of T are the processes of trace charts (trace/msc.py)."""

    type: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class FaultItem(Node):
    pass


@dataclass(frozen=True)
class LoseFault(FaultItem):
    net: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class DuplicateFault(FaultItem):
    net: Ident
    span: Span = span_field()


@dataclass(frozen=True)
class CrashFault(FaultItem):
    """`crash Server [resets x, y]`."""

    type: Ident
    resets: tuple[Ident, ...] = ()
    span: Span = span_field()


@dataclass(frozen=True)
class BudgetFault(FaultItem):
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class FaultsDecl(Decl):
    items: tuple[FaultItem, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Module(Node):
    """A whole .spec file: its declarations in source order."""

    decls: tuple[Decl, ...]
    span: Span = span_field()
