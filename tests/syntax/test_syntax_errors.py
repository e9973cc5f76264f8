"""Syntax errors: stable codes, messages in the user's terms, exact spans, no tracebacks."""

from __future__ import annotations

import sys

import pytest
from syntax_helpers import PATH, error, expr, module

from specpy.diagnostics import Span
from specpy.syntax import ast as A
from specpy.syntax.parser import CONTEXTUAL_KEYWORDS, MAX_NESTING, MAX_TREE_DEPTH, RESERVED_WORDS, SOFT_KEYWORDS


def at(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(PATH, line, column, end_line, end_column)


@pytest.mark.parametrize(
    ("text", "code", "message", "span"),
    [
        (
            "action A { require x == == 1 }",
            "E-syntax-unexpected-token",
            "unexpected `==`; expected an expression",
            at(1, 25, 1, 27),
        ),
        ("action A { x = }", "E-syntax-unexpected-token", "unexpected `}`; expected an expression", at(1, 16, 1, 17)),
        ("invariant Small x <= 3", "E-syntax-unexpected-token", "unexpected name `x`; expected `:`", at(1, 17, 1, 18)),
        (
            "spec Foo const N = 3",
            "E-syntax-unexpected-token",
            "unexpected keyword `const`; expected a newline or end of file",
            at(1, 10, 1, 15),
        ),
        (
            "x = 1",
            "E-syntax-unexpected-token",
            "unexpected name `x`; expected end of file or a declaration",
            at(1, 1, 1, 2),
        ),
        ("var x: = 1", "E-syntax-unexpected-token", "unexpected `=`; expected a type", at(1, 8, 1, 9)),
        (
            "const N = 3 3",
            "E-syntax-unexpected-token",
            "unexpected integer `3`; expected one of: a newline, end of file, an operator",
            at(1, 13, 1, 14),
        ),
        (
            "def f = g(a; b)",
            "E-syntax-unexpected-token",
            "unexpected `;`; expected one of: `)`, `,`, `:`, `=`, `for`, an operator",
            at(1, 12, 1, 13),
        ),
        ("action A { x = x @ 1 }", "E-syntax-unexpected-char", "unexpected character `@`", at(1, 18, 1, 19)),
        (
            'const S = "s"',
            "E-syntax-no-strings",
            "specpy has no strings (every type is finite): name the values as atoms (`type Key = {k1, k2}`) "
            "or an enum (`type Color = enum { red, green }`)",
            at(1, 11, 1, 12),
        ),
        ("const S = s$", "E-syntax-unexpected-char", "unexpected character `$`", at(1, 12, 1, 13)),
        ("var type: bool", "E-syntax-reserved-word", "`type` is a reserved word and cannot be used as a name", at(1, 5, 1, 9)),
        (
            "action A(in: S) { }",
            "E-syntax-reserved-word",
            "`in` is a reserved word and cannot be used as a name",
            at(1, 10, 1, 12),
        ),
        ("var x: ", "E-syntax-eof", "unexpected end of file; expected a type", at(1, 7, 1, 8)),
        (
            "def f = {k: 1 for j in S}",
            "E-syntax-map-comprehension",
            "a map comprehension's key must be its bound variable: write `{j: ... for j in ...}`, not `k`",
            at(1, 10, 1, 11),
        ),
        (
            "def f = len(x for x in S)",
            "E-syntax-generator",
            "only `sum`, `max` and `min` take a generator (`sum(e for x in S)`), not `len`",
            at(1, 9, 1, 12),
        ),
    ],
)
def test_error_messages(text: str, code: str, message: str, span: Span) -> None:
    diag = error(text)
    assert (diag.code, diag.message, diag.span) == (code, message, span)


def test_eof_inside_a_block_points_after_the_last_token_and_at_the_open_brace() -> None:
    diag = error("action A {\n  require x\n  x = 1\n\n")
    assert diag.code == "E-syntax-eof"
    assert diag.message == "unexpected end of file; expected `}` or a statement"
    assert diag.span == at(3, 8, 3, 9)
    (note,) = diag.notes
    assert note.message == "`{` opened here is never closed"
    assert note.span == at(1, 10, 1, 11)


def test_a_declaration_inside_an_open_block_hints_at_the_missing_brace() -> None:
    diag = error("action A {\n  x = 1\n\ninvariant Small: x <= 3\n")
    assert diag.message == "unexpected keyword `invariant`; expected `}` or a statement"
    assert diag.span == at(4, 1, 4, 10)
    (note,) = diag.notes
    assert note.message == "is a `}` missing? the `{` opened here is still open"
    assert note.span == at(1, 10, 1, 11)


def test_keyword_prefix_is_a_name_not_a_keyword() -> None:
    assert expr("ifx + inx") == A.Binary("+", A.Name("ifx"), A.Name("inx"))
    diag = error("def f = a ifb else c")
    assert diag.message.startswith("unexpected name `ifb`")


def test_every_reserved_word_is_refused_as_a_name() -> None:
    for word in RESERVED_WORDS:
        assert error(f"var {word}: bool").code == "E-syntax-reserved-word", word


def test_contextual_keywords_are_names_elsewhere() -> None:
    for word in CONTEXTUAL_KEYWORDS:
        if word in SOFT_KEYWORDS:
            continue
        (decl,) = module(f"action {word}({word}: T) {{ {word} = {word} }}").decls
        assert decl.name.name == word


def test_soft_keywords_are_names_where_no_statement_or_expression_starts() -> None:
    for word in SOFT_KEYWORDS:
        decls = module(f"type T = {word}{{{word}: bool}}\ndef {word}x(m: T) = m.{word}").decls
        assert decls[0].body.alts[0].name.name == word
        assert decls[1].body.field.name == word


# ------------------------------------------------------------------ hostile input


def test_ten_thousand_nested_parentheses_is_a_located_error() -> None:
    text = "const N = " + "(" * 10_000 + "1" + ")" * 10_000
    diag = error(text)
    assert diag.code == "E-syntax-too-deep"
    assert diag.message == f"nesting too deep: more than {MAX_NESTING} open brackets"
    column = len("const N = ") + MAX_NESTING + 1
    assert diag.span == at(1, column, 1, column + 1)


@pytest.mark.parametrize("opener", ["[", "{", "-", "not "])
def test_other_deep_nesting_is_a_located_error(opener: str) -> None:
    closer = {"[": "]", "{": "}"}.get(opener, "")
    diag = error("const N = " + opener * 10_000 + "1" + closer * 10_000)
    assert diag.code == "E-syntax-too-deep"
    assert diag.span.line == 1


def test_long_operator_chains_are_a_located_error() -> None:
    diag = error("const N = " + " + ".join(["1"] * 10_000))
    assert diag.code == "E-syntax-too-deep"
    assert diag.message == f"nesting too deep: more than {MAX_TREE_DEPTH} levels"


def test_moderate_nesting_is_fine() -> None:
    depth = MAX_NESTING - 5
    assert expr("(" * depth + "1" + ")" * depth) == A.IntLit(1)
    assert isinstance(expr(" + ".join(["1"] * 100)), A.Binary)


def test_huge_integer_literals() -> None:
    assert expr("9" * 1000) == A.IntLit(int("9" * 1000))
    limit = sys.get_int_max_str_digits()
    diag = error("const N = " + "1" * (limit + 1))
    assert diag.code == "E-syntax-int-too-long"
    assert diag.message == f"integer literal has {limit + 1} digits; at most {limit} are supported"
