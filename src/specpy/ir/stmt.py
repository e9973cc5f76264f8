"""IR statements: sequential, on a working copy of the state.

A statement list runs top to bottom; `Choose` and `Either` fork the run, and
every fork continues with the statements after them. A run that reaches the
end yields one successor (the working copy); a failed `Require` yields none.
`send`/`receive` are desugared by semantics/stmts.py into Assign/Choose with
BagAdd/BagRemove/SetOp, so backends never see them.
"""

from __future__ import annotations

from typing import Iterable

from specpy.nodeclass import nodeclass

from specpy.diagnostics import Span, span_field
from specpy.ir.expr import Expr, Local
from specpy.ir.types import Type


@nodeclass
class Stmt:
    pass


@nodeclass
class IndexStep:
    """`[key]` in an assignment target (map key, or 1-based sequence index)."""

    key: Expr


@nodeclass
class FieldStep:
    """`.name` in an assignment target (record field)."""

    name: str


@nodeclass
class Require(Stmt):
    cond: Expr
    span: Span = span_field()


@nodeclass
class Assign(Stmt):
    """`var<path> = value`.

    `target_type` is the declared type of the component written; the backend
    checks that the value belongs to it (a value leaving its type is an
    evaluation error with this statement's span).
    """

    var: str
    path: tuple[IndexStep | FieldStep, ...]
    value: Expr
    target_type: Type
    span: Span = span_field()


@nodeclass
class Let(Stmt):
    local: Local
    value: Expr
    span: Span = span_field()


@nodeclass
class If(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Choose(Stmt):
    """One fork per element of domain (set; bag: distinct elements) satisfying cond."""

    local: Local
    domain: Expr
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Either(Stmt):
    branches: tuple[tuple[Stmt, ...], ...]
    span: Span = span_field()


@nodeclass
class For(Stmt):
    """Run body once per element satisfying cond, in canonical order."""

    local: Local
    domain: Expr
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@nodeclass
class Assert(Stmt):
    cond: Expr
    span: Span = span_field()


def assigned_vars(stmts: Iterable[Stmt]) -> set[str]:
    """The state variables some statement in stmts (or nested in them) may assign."""
    out: set[str] = set()
    for st in stmts:
        match st:
            case Assign(var=v):
                out.add(v)
            case If(then=a, orelse=b):
                out |= assigned_vars(a) | assigned_vars(b)
            case Choose(body=b) | For(body=b):
                out |= assigned_vars(b)
            case Either(branches=bs):
                for b in bs:
                    out |= assigned_vars(b)
    return out
