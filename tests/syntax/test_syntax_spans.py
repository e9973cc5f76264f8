"""Spans: Lark's convention (1-based line and column, end exclusive), file = source.path."""

from __future__ import annotations

from syntax_helpers import PATH, decls, module

from specpy.diagnostics import Span
from specpy.syntax import ast as A

TEXT = """\
spec S
var x: 0..3 = 0
action Inc(n: 0..3) {
    require x + n <= 3
    x += Entry{term: -1}.term
}
invariant Small: forall a in S: a.f
"""


def at(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(PATH, line, column, end_line, end_column)


def test_declaration_spans() -> None:
    spec, var, action, inv = decls(TEXT)
    assert spec.span == at(1, 1, 1, 7)
    assert spec.name.span == at(1, 6, 1, 7)
    assert var.span == at(2, 1, 2, 16)
    assert var.type.span == at(2, 8, 2, 12)
    assert action.span == at(3, 1, 6, 2)
    assert action.params[0].span == at(3, 12, 3, 19)
    assert inv.span == at(7, 1, 7, 36)


def test_statement_and_expression_spans() -> None:
    action = decls(TEXT)[2]
    require, assign = action.body
    assert require.span == at(4, 5, 4, 23)
    assert require.cond.span == at(4, 13, 4, 23)
    assert require.cond.left.span == at(4, 13, 4, 18)
    assert require.cond.left.right.span == at(4, 17, 4, 18)
    assert assign.span == at(5, 5, 5, 30)
    access = assign.value
    assert isinstance(access, A.FieldAccess)
    assert access.span == at(5, 10, 5, 30)
    assert access.field.span == at(5, 26, 5, 30)
    construct = access.operand
    assert construct.span == at(5, 10, 5, 25)
    folded = construct.fields[0].value
    assert folded == A.IntLit(-1)
    assert folded.span == at(5, 22, 5, 24)


def test_quantifier_binding_spans() -> None:
    inv = decls(TEXT)[3]
    quant = inv.expr
    assert quant.span == at(7, 18, 7, 36)
    assert quant.bindings[0].span == at(7, 25, 7, 31)
    assert quant.bindings[0].name.span == at(7, 25, 7, 26)


def test_bindings_sharing_a_domain_each_start_at_their_name() -> None:
    (inv,) = decls("invariant I: forall a, b in S: a == b")
    first, second = inv.expr.bindings
    assert first.span == at(1, 21, 1, 30)
    assert second.span == at(1, 24, 1, 30)


def test_spans_use_the_source_path() -> None:
    assert module("spec S").decls[0].span.file == PATH


def test_empty_module_span() -> None:
    assert module("").span == at(1, 1, 1, 1)
