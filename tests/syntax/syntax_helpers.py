"""Small wrappers so syntax tests state a construct and the tree it must give."""

from __future__ import annotations

import pytest

from specpy.diagnostics import Diagnostic, SourceFile, SpecError
from specpy.syntax import ast as A
from specpy.syntax.parser import parse

PATH = "t.spec"


def module(text: str) -> A.Module:
    return parse(SourceFile(PATH, text))


def decls(text: str) -> tuple[A.Decl, ...]:
    return module(text).decls


def expr(text: str) -> A.Expr:
    """The expression `text`, parsed as the body of a def."""
    (decl,) = decls(f"def f = {text}")
    assert isinstance(decl, A.DefDecl)
    return decl.body


def stmts(text: str) -> tuple[A.Stmt, ...]:
    """The statements `text`, parsed as the body of an action."""
    (decl,) = decls(f"action Act {{\n{text}\n}}")
    assert isinstance(decl, A.ActionDecl)
    return decl.body


def type_(text: str) -> A.TypeExpr:
    """The type `text`, parsed as a variable's type."""
    (decl,) = decls(f"var v: {text}")
    assert isinstance(decl, A.VarDecl)
    return decl.type


def type_body(text: str) -> A.TypeExpr:
    (decl,) = decls(f"type T = {text}")
    assert isinstance(decl, A.TypeDecl)
    return decl.body


def error(text: str) -> Diagnostic:
    """The single diagnostic that parsing `text` must raise."""
    with pytest.raises(SpecError) as info:
        module(text)
    (diag,) = info.value.diagnostics
    return diag


def n(name: str) -> A.Name:
    return A.Name(name)


def i(name: str) -> A.Ident:
    return A.Ident(name)


def lit(value: int) -> A.IntLit:
    return A.IntLit(value)


def bin_(op: str, left: A.Expr, right: A.Expr) -> A.Binary:
    return A.Binary(op, left, right)
