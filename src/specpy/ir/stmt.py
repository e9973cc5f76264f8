"""IR statements: sequential, on a working copy of the state.

A statement list runs top to bottom; `Choose` and `Either` fork the run, and
every fork continues with the statements after them. A run that reaches the
end yields one successor (the working copy); a failed `Require` yields none.
`send`/`receive` are desugared by semantics/stmts.py into Assign/Choose with
BagAdd/BagRemove/SetOp, so backends never see them.
"""

from __future__ import annotations

from typing import Iterable

from dataclasses import dataclass

from specpy.diagnostics import Span, span_field
from specpy.ir.expr import Expr, Local
from specpy.ir.types import Type


@dataclass(frozen=True)
class Stmt:
    pass


@dataclass(frozen=True)
class IndexStep:
    """`[key]` in an assignment target (map key, or 1-based sequence index)."""

    key: Expr


@dataclass(frozen=True)
class FieldStep:
    """`.name` in an assignment target (record field)."""

    name: str


@dataclass(frozen=True)
class Require(Stmt):
    cond: Expr
    span: Span = span_field()


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Let(Stmt):
    local: Local
    value: Expr
    span: Span = span_field()


@dataclass(frozen=True)
class If(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Choose(Stmt):
    """One fork per element of domain (set; bag: distinct elements) satisfying cond."""

    local: Local
    domain: Expr
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
class Either(Stmt):
    branches: tuple[tuple[Stmt, ...], ...]
    span: Span = span_field()


@dataclass(frozen=True)
class For(Stmt):
    """Run body once per element satisfying cond, in canonical order."""

    local: Local
    domain: Expr
    cond: Expr | None
    body: tuple[Stmt, ...]
    span: Span = span_field()


@dataclass(frozen=True)
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
