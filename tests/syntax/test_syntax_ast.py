"""Every construct of the language parses to the AST the contract (ast.py) names.

Trees are built by hand; equality ignores spans (see test_syntax_spans.py).
"""

from __future__ import annotations

import pytest
from syntax_helpers import bin_, decls, expr, i, lit, n, stmts, type_, type_body

from specpy.syntax import ast as A

# ------------------------------------------------------------------ declarations


def test_header_const_and_var_declarations() -> None:
    assert decls("spec TwoPhase\nconst N = 3\nvar x: bool\ndurable var t: 0..N = 0") == (
        A.SpecHeader(i("TwoPhase")),
        A.ConstDecl(i("N"), lit(3)),
        A.VarDecl(i("x"), A.NamedType("bool"), None),
        A.VarDecl(i("t"), A.RangeType(lit(0), n("N")), lit(0), durable=True),
    )


def test_init_def_and_actions() -> None:
    text = (
        "init { x = 0 }\n"
        "def Quorums = 2\n"
        "def f(a: S, b: bool) = a\n"
        "action Tick { x = 1 }\n"
        "action Step() { x = 1 }\n"
        "fair action Send(s: S, q: set[S]) { x = 1 }\n"
        "strong fair action Recv(s: S) { x = 1 }\n"
    )
    body = (A.Assign(n("x"), "=", lit(1)),)
    assert decls(text) == (
        A.InitDecl((A.Assign(n("x"), "=", lit(0)),)),
        A.DefDecl(i("Quorums"), (), lit(2)),
        A.DefDecl(
            i("f"), (A.Param(i("a"), A.NamedType("S")), A.Param(i("b"), A.NamedType("bool"))), n("a")
        ),
        A.ActionDecl(i("Tick"), (), body),
        A.ActionDecl(i("Step"), (), body),
        A.ActionDecl(
            i("Send"),
            (A.Param(i("s"), A.NamedType("S")), A.Param(i("q"), A.SetType(A.NamedType("S")))),
            body,
            "weak",
        ),
        A.ActionDecl(i("Recv"), (A.Param(i("s"), A.NamedType("S")),), body, "strong"),
    )


def test_checks_constraint_and_terminal() -> None:
    text = "invariant Inv: x <= 3\ntransition Up: x' >= x\nconstraint x <= 3\nterminal x == 3"
    assert decls(text) == (
        A.InvariantDecl(i("Inv"), bin_("<=", n("x"), lit(3))),
        A.TransitionDecl(i("Up"), bin_(">=", A.Primed("x"), n("x"))),
        A.ConstraintDecl(bin_("<=", n("x"), lit(3))),
        A.TerminalDecl(bin_("==", n("x"), lit(3))),
    )


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("always p", A.Always(A.StateFormula(n("p")))),
        ("eventually p", A.Eventually(A.StateFormula(n("p")))),
        ("always eventually p", A.Always(A.Eventually(A.StateFormula(n("p"))))),
        ("eventually always p", A.Eventually(A.Always(A.StateFormula(n("p"))))),
        ("p leadsto q and r", A.LeadsTo(n("p"), bin_("and", n("q"), n("r")))),
        ("x == 1", A.StateFormula(bin_("==", n("x"), lit(1)))),
    ],
)
def test_properties(text: str, formula: A.Temporal) -> None:
    assert decls(f"property P: {text}") == (A.PropertyDecl(i("P"), formula),)


def test_faults_block() -> None:
    text = """
faults {
    lose net                 # a message may vanish
    duplicate net; crash Server
    crash Server resets x, y
    budget 2
}
"""
    assert decls(text) == (
        A.FaultsDecl(
            (
                A.LoseFault(i("net")),
                A.DuplicateFault(i("net")),
                A.CrashFault(i("Server")),
                A.CrashFault(i("Server"), (i("x"), i("y"))),
                A.BudgetFault(lit(2)),
            )
        ),
    )


def test_fault_and_temporal_words_are_contextual() -> None:
    text = (
        "var crash: bool\nvar always: bool\naction lose(budget: S) { crash = true }\n"
        "def resets = duplicate + leadsto + eventually + to + enum + set + seq + bag + fair"
    )
    assert [d.name.name for d in decls(text)] == ["crash", "always", "lose", "resets"]


# ------------------------------------------------------------------ types


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("bool", A.NamedType("bool")),
        ("Server", A.NamedType("Server")),
        ("set[Server]", A.SetType(A.NamedType("Server"))),
        ("[Server -> Term]", A.MapType(A.NamedType("Server"), A.NamedType("Term"))),
        ("seq[Entry, MaxLog + 1]", A.SeqType(A.NamedType("Entry"), bin_("+", n("MaxLog"), lit(1)))),
        ("bag[Msg, 2]", A.BagType(A.NamedType("Msg"), lit(2))),
        ("Server?", A.OptionType(A.NamedType("Server"))),
        ("(0..3)?", A.OptionType(A.RangeType(lit(0), lit(3)))),
        ("set[Server]?", A.OptionType(A.SetType(A.NamedType("Server")))),
        ("0..N", A.RangeType(lit(0), n("N"))),
        ("-1..MaxBallot", A.RangeType(lit(-1), n("MaxBallot"))),
        ("0..MaxTerm + 1", A.RangeType(lit(0), bin_("+", n("MaxTerm"), lit(1)))),
        ("N - 1..2 * N", A.RangeType(bin_("-", n("N"), lit(1)), bin_("*", lit(2), n("N")))),
        ("0..(N + 1) * 2", A.RangeType(lit(0), bin_("*", bin_("+", n("N"), lit(1)), lit(2)))),
        ("[0..N -> set[S]]", A.MapType(A.RangeType(lit(0), n("N")), A.SetType(A.NamedType("S")))),
    ],
)
def test_types(text: str, tree: A.TypeExpr) -> None:
    assert type_(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("{r1, r2, r3}", A.AtomsBody((i("r1"), i("r2"), i("r3")))),
        ("enum { A, B }", A.EnumBody((i("A"), i("B")))),
        ("1..N", A.RangeType(lit(1), n("N"))),
        (
            "{term: Term, log: seq[E, 3]}",
            A.RecordBody(
                (
                    A.FieldDecl(i("term"), A.NamedType("Term")),
                    A.FieldDecl(i("log"), A.SeqType(A.NamedType("E"), lit(3))),
                )
            ),
        ),
        (
            "Prepared{rm: RM} | Commit | Abort",
            A.VariantBody(
                (
                    A.VariantAlt(i("Prepared"), (A.FieldDecl(i("rm"), A.NamedType("RM")),)),
                    A.VariantAlt(i("Commit"), ()),
                    A.VariantAlt(i("Abort"), ()),
                )
            ),
        ),
        ("A | B", A.VariantBody((A.VariantAlt(i("A"), ()), A.VariantAlt(i("B"), ())))),
        (
            "Only{f: T}",
            A.VariantBody((A.VariantAlt(i("Only"), (A.FieldDecl(i("f"), A.NamedType("T")),)),)),
        ),
        ("Other", A.NamedType("Other")),
        ("set[Server]", A.SetType(A.NamedType("Server"))),
    ],
)
def test_type_declaration_bodies(text: str, tree: A.TypeExpr) -> None:
    assert type_body(text) == tree


def test_symmetric_type() -> None:
    assert decls("symmetric type S = {a, b}") == (
        A.TypeDecl(i("S"), A.AtomsBody((i("a"), i("b"))), symmetric=True),
    )


# ------------------------------------------------------------------ statements


def test_require_assignments_let_assert() -> None:
    text = "require x > 0\nx = 1; x += 2\nx -= 3\nm[k] = 1\nr.f = 2\nm[k].f[j] = 3\nlet y = x\nassert y == x"
    assert stmts(text) == (
        A.Require(bin_(">", n("x"), lit(0))),
        A.Assign(n("x"), "=", lit(1)),
        A.Assign(n("x"), "+=", lit(2)),
        A.Assign(n("x"), "-=", lit(3)),
        A.Assign(A.Index(n("m"), n("k")), "=", lit(1)),
        A.Assign(A.FieldAccess(n("r"), i("f")), "=", lit(2)),
        A.Assign(A.Index(A.FieldAccess(A.Index(n("m"), n("k")), i("f")), n("j")), "=", lit(3)),
        A.Let(i("y"), n("x")),
        A.Assert(bin_("==", n("y"), n("x"))),
    )


def test_if_else_if_else() -> None:
    one, two, three = (A.Assign(n("x"), "=", lit(v)) for v in (1, 2, 3))
    assert stmts("if a { x = 1 }") == (A.If(((n("a"), (one,)),), None),)
    assert stmts("if a { x = 1 } else { x = 2 }") == (A.If(((n("a"), (one,)),), (two,)),)
    assert stmts("if a { x = 1 } else if b { x = 2 } else { x = 3 }") == (
        A.If(((n("a"), (one,)), (n("b"), (two,))), (three,)),
    )
    assert stmts("if a {} else {}") == (A.If(((n("a"), ()),), ()),)


def test_choose_either_for() -> None:
    body = (A.Assign(n("x"), "=", n("v")),)
    binding = A.Binding(i("v"), n("S"))
    assert stmts("choose v in S { x = v }") == (A.Choose(binding, None, body),)
    assert stmts("choose v in S where v > 0 { x = v }") == (
        A.Choose(binding, bin_(">", n("v"), lit(0)), body),
    )
    assert stmts("for v in 1..N + 1 where v != 2 { x = v }") == (
        A.For(
            A.Binding(i("v"), A.RangeExpr(lit(1), bin_("+", n("N"), lit(1)))),
            bin_("!=", n("v"), lit(2)),
            body,
        ),
    )
    assert stmts("either { x = v } or { x = v } or { x = v }") == (A.Either((body, body, body)),)


def test_send_and_receive() -> None:
    msg = A.Construct(i("Vote"), (A.FieldInit(i("term"), lit(1)),))
    assert stmts("send Vote{term: 1} to net") == (A.Send(msg, i("net")),)
    assert stmts("receive m in net where m is Vote { x = m.term }") == (
        A.Receive(
            i("m"),
            i("net"),
            A.IsExpr(n("m"), i("Vote")),
            (A.Assign(n("x"), "=", A.FieldAccess(n("m"), i("term"))),),
        ),
    )
    assert stmts("receive m in net { }") == (A.Receive(i("m"), i("net"), None, ()),)


# ------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a if c else b", A.IfExpr(n("c"), n("a"), n("b"))),
        ("a if c else b if d else e", A.IfExpr(n("c"), n("a"), A.IfExpr(n("d"), n("b"), n("e")))),
        ("a implies b implies c", bin_("implies", n("a"), bin_("implies", n("b"), n("c")))),
        ("a or b and c", bin_("or", n("a"), bin_("and", n("b"), n("c")))),
        ("a and b or c", bin_("or", bin_("and", n("a"), n("b")), n("c"))),
        ("not a and b", bin_("and", A.Unary("not", n("a")), n("b"))),
        ("not a == b", A.Unary("not", bin_("==", n("a"), n("b")))),
        ("a implies b or c", bin_("implies", n("a"), bin_("or", n("b"), n("c")))),
        ("x in S | T", bin_("in", n("x"), bin_("|", n("S"), n("T")))),
        ("x not in S", bin_("not in", n("x"), n("S"))),
        ("x in 1..N + 1", bin_("in", n("x"), A.RangeExpr(lit(1), bin_("+", n("N"), lit(1))))),
        ("0..M + 1", A.RangeExpr(lit(0), bin_("+", n("M"), lit(1)))),
        ("S | T & U", bin_("|", n("S"), bin_("&", n("T"), n("U")))),
        ("a - b - c", bin_("-", bin_("-", n("a"), n("b")), n("c"))),
        ("a + b * c", bin_("+", n("a"), bin_("*", n("b"), n("c")))),
        ("a // b % c", bin_("%", bin_("//", n("a"), n("b")), n("c"))),
        ("-a * b", bin_("*", A.Unary("-", n("a")), n("b"))),
        ("-1", lit(-1)),
        ("- 2 + x", bin_("+", lit(-2), n("x"))),
        ("--x", A.Unary("-", A.Unary("-", n("x")))),
        ("a == b", bin_("==", n("a"), n("b"))),
        ("a != b", bin_("!=", n("a"), n("b"))),
        ("a < b", bin_("<", n("a"), n("b"))),
        ("a <= b", bin_("<=", n("a"), n("b"))),
        ("a > b", bin_(">", n("a"), n("b"))),
        ("a >= b", bin_(">=", n("a"), n("b"))),
        ("m is Vote", A.IsExpr(n("m"), i("Vote"))),
        ("m.f is Vote and x", bin_("and", A.IsExpr(A.FieldAccess(n("m"), i("f")), i("Vote")), n("x"))),
        ("(a or b) and c", bin_("and", bin_("or", n("a"), n("b")), n("c"))),
    ],
)
def test_operators_and_precedence(text: str, tree: A.Expr) -> None:
    assert expr(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("f(a, b)", A.Call(i("f"), (n("a"), n("b")))),
        ("len(log)", A.Call(i("len"), (n("log"),))),
        ("f()", A.Call(i("f"), ())),
        ("m[k]", A.Index(n("m"), n("k"))),
        ("m[k][j]", A.Index(A.Index(n("m"), n("k")), n("j"))),
        ("s[i..j]", A.Slice(n("s"), n("i"), n("j"))),
        ("s[1..len(s) - 1]", A.Slice(n("s"), lit(1), bin_("-", A.Call(i("len"), (n("s"),)), lit(1)))),
        ("e.f", A.FieldAccess(n("e"), i("f"))),
        ("Color.red", A.FieldAccess(n("Color"), i("red"))),
        ("log[i].term", A.FieldAccess(A.Index(n("log"), n("i")), i("term"))),
        ("x'", A.Primed("x")),
        ("x'[k]", A.Index(A.Primed("x"), n("k"))),
        ("f(x).g", A.FieldAccess(A.Call(i("f"), (n("x"),)), i("g"))),
    ],
)
def test_postfix(text: str, tree: A.Expr) -> None:
    assert expr(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("42", lit(42)),
        ("123456789012345678901234567890", lit(123456789012345678901234567890)),
        ("true", A.BoolLit(True)),
        ("false", A.BoolLit(False)),
        ("none", A.NoneLit()),
        ("x", n("x")),
        ("((x))", n("x")),
        ("{}", A.SetLit(())),
        ("{a, b}", A.SetLit((n("a"), n("b")))),
        ("{a, b,}", A.SetLit((n("a"), n("b")))),
        ("[]", A.SeqLit(())),
        ("[a, b]", A.SeqLit((n("a"), n("b")))),
        ("Commit", n("Commit")),
        ("Commit{}", A.Construct(i("Commit"), ())),
        (
            "Entry{term: 2, value: v1}",
            A.Construct(i("Entry"), (A.FieldInit(i("term"), lit(2)), A.FieldInit(i("value"), n("v1")))),
        ),
        ("{Prepared{rm: r}}", A.SetLit((A.Construct(i("Prepared"), (A.FieldInit(i("rm"), n("r")),)),))),
        (
            "{x + 1 for x in S if x > 0}",
            A.SetComp(bin_("+", n("x"), lit(1)), (A.Binding(i("x"), n("S")),), bin_(">", n("x"), lit(0))),
        ),
        (
            "{f(a, b) for a, b in S, c in T}",
            A.SetComp(
                A.Call(i("f"), (n("a"), n("b"))),
                (A.Binding(i("a"), n("S")), A.Binding(i("b"), n("S")), A.Binding(i("c"), n("T"))),
                None,
            ),
        ),
        ("{r: working for r in RM}", A.MapComp(i("r"), n("RM"), n("working"))),
        ("{k: k + 1 for k in 1..3}", A.MapComp(i("k"), A.RangeExpr(lit(1), lit(3)), bin_("+", n("k"), lit(1)))),
        (
            "sum(w[s] for s in S if s in Q)",
            A.SumExpr(A.Index(n("w"), n("s")), (A.Binding(i("s"), n("S")),), bin_("in", n("s"), n("Q"))),
        ),
        ("sum(1 for s in S)", A.SumExpr(lit(1), (A.Binding(i("s"), n("S")),), None)),
    ],
)
def test_atoms_and_literals(text: str, tree: A.Expr) -> None:
    assert expr(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        (
            "forall a, b in S, c in T where a != b: p(a, c)",
            A.Quantifier(
                "forall",
                (A.Binding(i("a"), n("S")), A.Binding(i("b"), n("S")), A.Binding(i("c"), n("T"))),
                bin_("!=", n("a"), n("b")),
                A.Call(i("p"), (n("a"), n("c"))),
            ),
        ),
        (
            "exists m in msgs: m is Vote and m.term == t",
            A.Quantifier(
                "exists",
                (A.Binding(i("m"), n("msgs")),),
                None,
                bin_("and", A.IsExpr(n("m"), i("Vote")), bin_("==", A.FieldAccess(n("m"), i("term")), n("t"))),
            ),
        ),
        (
            "forall x in S: exists y in T: x < y or y == 0",
            A.Quantifier(
                "forall",
                (A.Binding(i("x"), n("S")),),
                None,
                A.Quantifier(
                    "exists",
                    (A.Binding(i("y"), n("T")),),
                    None,
                    bin_("or", bin_("<", n("x"), n("y")), bin_("==", n("y"), lit(0))),
                ),
            ),
        ),
        (
            "a and (forall x in 1..N: x > 0)",
            bin_(
                "and",
                n("a"),
                A.Quantifier("forall", (A.Binding(i("x"), A.RangeExpr(lit(1), n("N"))),), None, bin_(">", n("x"), lit(0))),
            ),
        ),
    ],
)
def test_quantifiers(text: str, tree: A.Expr) -> None:
    assert expr(text) == tree


def _forall(body: A.Expr) -> A.Quantifier:
    return A.Quantifier("forall", (A.Binding(i("x"), n("S")),), None, body)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a and forall x in S: p or q", bin_("and", n("a"), _forall(bin_("or", n("p"), n("q"))))),
        ("a or b and forall x in S: p", bin_("or", n("a"), bin_("and", n("b"), _forall(n("p"))))),
        ("a and b or forall x in S: p", bin_("or", bin_("and", n("a"), n("b")), _forall(n("p")))),
        ("a implies forall x in S: p", bin_("implies", n("a"), _forall(n("p")))),
        ("a implies b or forall x in S: p", bin_("implies", n("a"), bin_("or", n("b"), _forall(n("p"))))),
        ("not forall x in S: p and q", A.Unary("not", _forall(bin_("and", n("p"), n("q"))))),
        ("a and not not forall x in S: p", bin_("and", n("a"), A.Unary("not", A.Unary("not", _forall(n("p")))))),
    ],
)
def test_quantifier_as_right_operand_extends_to_the_end(text: str, tree: A.Expr) -> None:
    assert expr(text) == tree
