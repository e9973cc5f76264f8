"""Layout: newlines, semicolons, comments, block headers, and the whole brief example."""

from __future__ import annotations

from syntax_helpers import bin_, decls, error, expr, i, lit, module, n, stmts

from specpy.syntax import ast as A

ONE = A.Assign(n("x"), "=", lit(1))
TWO = A.Assign(n("y"), "=", lit(2))


def test_statements_end_at_newline_or_semicolon() -> None:
    assert stmts("x = 1\ny = 2") == (ONE, TWO)
    assert stmts("x = 1; y = 2") == (ONE, TWO)
    assert stmts("x = 1;\ny = 2;") == (ONE, TWO)
    assert decls("action A { x = 1; y = 2 }")[0].body == (ONE, TWO)


def test_blank_lines_and_comments_anywhere() -> None:
    text = """
# leading comment

spec S   # trailing comment


action A {
    # a comment line

    x = 1   # after a statement

    # another
    y = 2
}
# final comment"""
    (header, action) = decls(text)
    assert header == A.SpecHeader(i("S"))
    assert action.body == (ONE, TWO)


def test_empty_inputs() -> None:
    assert module("") == A.Module(())
    assert module("\n\n# only a comment\n") == A.Module(())
    assert stmts("") == ()


def test_newlines_inside_brackets_and_expression_braces() -> None:
    assert expr("f(\n  a,\n  b\n)") == A.Call(i("f"), (n("a"), n("b")))
    assert expr("[\n  1,\n  2,\n]") == A.SeqLit((lit(1), lit(2)))
    assert expr("{\n  a,\n  b\n}") == A.SetLit((n("a"), n("b")))
    assert expr("{x\n  for x in S\n  if x > 0}") == A.SetComp(
        n("x"), (A.Binding(i("x"), n("S")),), bin_(">", n("x"), lit(0))
    )
    assert expr("V{\n  f: 1,\n  g: 2\n}") == A.Construct(
        i("V"), (A.FieldInit(i("f"), lit(1)), A.FieldInit(i("g"), lit(2)))
    )
    assert expr("(a\n and b)") == bin_("and", n("a"), n("b"))


def test_newline_after_an_operator_comma_or_colon_continues() -> None:
    assert expr("a and\n  b or\n  c") == bin_("or", bin_("and", n("a"), n("b")), n("c"))
    assert expr("x +\n 1") == bin_("+", n("x"), lit(1))
    (inv,) = decls("invariant I:\n    x > 0")
    assert inv == A.InvariantDecl(i("I"), bin_(">", n("x"), lit(0)))
    (q,) = decls("invariant I:\n  forall a in S:\n    a > 0")
    assert q.expr == A.Quantifier("forall", (A.Binding(i("a"), n("S")),), None, bin_(">", n("a"), lit(0)))
    (t,) = decls("type M = A |\n  B")
    assert t.body == A.VariantBody((A.VariantAlt(i("A"), ()), A.VariantAlt(i("B"), ())))


def test_line_starting_with_an_operator_continues() -> None:
    assert expr("a\n  and b\n  and c") == bin_("and", bin_("and", n("a"), n("b")), n("c"))
    assert expr("x\n    + 1") == bin_("+", n("x"), lit(1))
    assert expr("a if c\n  else b") == A.IfExpr(n("c"), n("a"), n("b"))
    (t,) = decls("type M = A\n  | B")
    assert t.body == A.VariantBody((A.VariantAlt(i("A"), ()), A.VariantAlt(i("B"), ())))


def test_block_braces_may_start_the_next_line() -> None:
    (action,) = decls("action A(s: S)\n{\n  x = 1\n}")
    assert action.body == (ONE,)
    assert stmts("if a\n{\n  x = 1\n}\nelse\n{\n  y = 2\n}") == (A.If(((n("a"), (ONE,)),), (TWO,)),)


def test_else_and_or_may_start_the_next_line() -> None:
    assert stmts("if a { x = 1 }\nelse if b { y = 2 }\n\n# note\nelse { }") == (
        A.If(((n("a"), (ONE,)), (n("b"), (TWO,))), ()),
    )
    assert stmts("either { x = 1 }\nor { y = 2 }") == (A.Either(((ONE,), (TWO,))),)


def test_two_statements_on_one_line_need_a_separator() -> None:
    diag = error("action A { x = 1 y = 2 }")
    assert diag.message == "unexpected name `y`; expected one of: `}`, a newline, an operator"
    assert (diag.span.line, diag.span.column) == (1, 18)


# ------------------------------------------------------------------ block headers


def test_in_a_header_a_name_followed_by_a_brace_starts_the_block() -> None:
    body = (A.Assign(n("x"), "=", n("V")),)
    assert stmts("if x == V { x = V }") == (A.If(((bin_("==", n("x"), n("V")), body),), None),)
    assert stmts("for v in S { x = V }") == (A.For(A.Binding(i("v"), n("S")), None, body),)
    assert stmts("choose v in S where v is V { x = V }") == (
        A.Choose(A.Binding(i("v"), n("S")), A.IsExpr(n("v"), i("V")), body),
    )
    assert stmts("receive m in net where ok == V { x = V }") == (
        A.Receive(i("m"), i("net"), bin_("==", n("ok"), n("V")), body),
    )
    assert stmts("if a { } else if b == V { x = V }") == (
        A.If(((n("a"), ()), (bin_("==", n("b"), n("V")), body)), None),
    )


def test_parenthesized_construction_in_a_header() -> None:
    msg = A.Construct(i("V"), (A.FieldInit(i("f"), lit(1)),))
    assert stmts("if (V{f: 1}) in msgs { x = 1 }") == (A.If(((bin_("in", msg, n("msgs")), (ONE,)),), None),)
    assert stmts("for m in {V{f: 1}} { x = 1 }") == (A.For(A.Binding(i("m"), A.SetLit((msg,))), None, (ONE,)),)
    assert stmts("if f(V{f: 1}) { x = 1 }") == (A.If(((A.Call(i("f"), (msg,)), (ONE,)),), None),)


def test_set_literals_and_comprehensions_are_allowed_in_a_header() -> None:
    assert stmts("if x in {1, 2} { x = 1 }") == (
        A.If(((bin_("in", n("x"), A.SetLit((lit(1), lit(2)))), (ONE,)),), None),
    )
    assert stmts("for v in {s for s in S if s != t} { x = 1 }") == (
        A.For(
            A.Binding(i("v"), A.SetComp(n("s"), (A.Binding(i("s"), n("S")),), bin_("!=", n("s"), n("t")))),
            None,
            (ONE,),
        ),
    )


def test_construction_is_allowed_outside_headers() -> None:
    msg = A.Construct(i("V"), (A.FieldInit(i("f"), lit(1)),))
    assert stmts("require V{f: 1} in msgs") == (A.Require(bin_("in", msg, n("msgs"))),)
    assert stmts("x = V{f: 1}") == (A.Assign(n("x"), "=", msg),)


def test_unparenthesized_construction_in_a_header_is_an_error() -> None:
    diag = error("action A {\n  if V{f: 1} in msgs { x = 1 }\n}")
    assert diag.code == "E-syntax-unexpected-token"
    assert diag.message == "unexpected `:`; expected one of: `(`, `+=`, `-=`, `.`, `=`, `[`"
    assert (diag.span.line, diag.span.column) == (2, 9)
    assert "write it in parentheses" in diag.notes[0].message


# ------------------------------------------------------------------ the brief's example

# Verbatim from the language design brief (two-phase commit).
TWO_PHASE = """\
spec TwoPhase

type RM = {r1, r2, r3}                      # atoms; override: --type RM=r1,r2,r3,r4
type RMState = enum { working, prepared, committed, aborted }
type TMState = enum { undecided, done, abandoned }
type Msg = Prepared{rm: RM} | Commit | Abort   # variant type

var rmState: [RM -> RMState] = {r: working for r in RM}
var tmState: TMState = undecided
var tmPrepared: set[RM] = {}
var msgs: set[Msg] = {}

action TMRcvPrepared(r: RM) {
    require tmState == undecided and Prepared{rm: r} in msgs
    tmPrepared = tmPrepared | {r}
}
action TMCommit {
    require tmState == undecided and tmPrepared == RM
    tmState = done
    msgs = msgs | {Commit}
}
action TMAbort {
    require tmState == undecided
    tmState = abandoned
    msgs = msgs | {Abort}
}
action RMPrepare(r: RM) {
    require rmState[r] == working
    rmState[r] = prepared
    msgs = msgs | {Prepared{rm: r}}
}
action RMChooseToAbort(r: RM) {
    require rmState[r] == working
    rmState[r] = aborted
}
action RMRcvCommit(r: RM) { require Commit in msgs;  rmState[r] = committed }
action RMRcvAbort(r: RM)  { require Abort in msgs;   rmState[r] = aborted }

invariant Consistent:
    forall a, b in RM: not (rmState[a] == aborted and rmState[b] == committed)
"""


def test_two_phase_example_parses() -> None:
    mod = module(TWO_PHASE)
    kinds = [type(d).__name__ for d in mod.decls]
    assert kinds == ["SpecHeader"] + ["TypeDecl"] * 4 + ["VarDecl"] * 4 + ["ActionDecl"] * 7 + ["InvariantDecl"]
    rcv_commit = mod.decls[-3]
    assert rcv_commit == A.ActionDecl(
        i("RMRcvCommit"),
        (A.Param(i("r"), A.NamedType("RM")),),
        (
            A.Require(bin_("in", n("Commit"), n("msgs"))),
            A.Assign(A.Index(n("rmState"), n("r")), "=", n("committed")),
        ),
    )
    msg_type = mod.decls[4]
    assert msg_type == A.TypeDecl(
        i("Msg"),
        A.VariantBody(
            (
                A.VariantAlt(i("Prepared"), (A.FieldDecl(i("rm"), A.NamedType("RM")),)),
                A.VariantAlt(i("Commit"), ()),
                A.VariantAlt(i("Abort"), ()),
            )
        ),
    )


def test_windows_line_endings_and_tabs() -> None:
    (action,) = decls("action A {\r\n\tx = 1\r\n\r\n\ty = 2\r\n}\r\n")
    assert action.body == (ONE, TWO)
