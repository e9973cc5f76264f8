"""Violations: invariants (with the failing conjunct named), transition
invariants, asserts and every class of evaluation error, each with the
shortest trace to where it happened."""

import pytest
from explicit_ir import (
    BOOL,
    INT,
    action,
    and_,
    arith,
    assign,
    cmp,
    index,
    lit,
    local,
    model,
    ref,
    require,
    universe_lit,
    var,
)

from specpy.diagnostics import Span
from specpy.explicit import check
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir import types as T
from specpy.ir.values import VariantValue
from specpy.options import CheckOptions
from specpy.result import ResultKind

X = T.RangeT(0, 3)
SPOT = Span("t.spec", 7, 5, 7, 12)  # the span given to the node that fails


def stepper(boom: list[S.Stmt], extra_vars: list[tuple[str, T.Type, E.Expr]] = ()) -> object:
    """x goes 0 -> 1 (action Step); action Boom(k) runs `boom` once x == 1."""
    x = var("x", X)
    k = local("k", T.RangeT(7, 7))
    vars_ = [("x", X)] + [(n, t) for n, t, _ in extra_vars]
    init = [assign("x", lit(0, X), X)] + [assign(n, e, t) for n, t, e in extra_vars]
    return model(
        "Boom",
        vars_,
        init,
        [
            action("Step", (), require(cmp("<", x, lit(1, INT))), assign("x", arith("+", x, lit(1, INT)), X)),
            action("Boom", (k,), require(cmp("==", x, lit(1, INT))), *boom),
        ],
    )


Y = T.RangeT(0, 3)
SEQ = T.SeqT(Y, 2)
MSG = T.VariantT("Msg", (T.Case("A", (("f", Y),)), T.Case("B", ())))
OPT = T.OptionT(Y)
x_ = var("x", X)


def y_gets(e: E.Expr) -> list[S.Stmt]:
    return [assign("y", e, Y)]


CASES = {
    "index-out-of-range": (
        y_gets(E.Index(Y, var("s", SEQ), arith("+", x_, lit(1, INT)), span=SPOT)),
        [("s", SEQ, lit((1,), SEQ))],
        "index 2 is out of range 1..1",
    ),
    "wrong-variant": (
        y_gets(E.GetField(Y, var("m", MSG), "f", span=SPOT)),
        [("m", MSG, lit(VariantValue("B"), MSG))],
        "not a A",
    ),
    "unwrap-none": (y_gets(E.Unwrap(Y, var("o", OPT), span=SPOT)), [("o", OPT, lit(None, OPT))], "none"),
    "division-by-zero": (
        y_gets(E.Arith(INT, "//", lit(3, INT), arith("-", x_, lit(1, INT)), span=SPOT)),
        [],
        "by zero",
    ),
    "empty-min-max": (
        y_gets(E.MinMax(INT, "min", var("e", T.SetT(Y)), span=SPOT)),
        [("e", T.SetT(Y), lit(frozenset(), T.SetT(Y)))],
        "min() of an empty set",
    ),
    "empty-last": (y_gets(E.Last(Y, var("s", SEQ), span=SPOT)), [("s", SEQ, lit((), SEQ))], "empty sequence"),
    "value-out-of-type": ([S.Assign("y", (), arith("+", x_, lit(5, INT)), Y, span=SPOT)], [], "value 6 is not in 0..3"),
    "seq-overflow": (
        [
            S.Assign(
                "s",
                (),
                E.Append(SEQ, E.Append(SEQ, var("s", SEQ), lit(1, INT)), lit(1, INT)),
                SEQ,
                span=SPOT,
            )
        ],
        [("s", SEQ, lit((1,), SEQ))],
        "length 3 does not fit seq[0..3, 2]",
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_evaluation_errors_stop_with_a_trace_to_the_pre_state(kind):
    boom, extra, message = CASES[kind]
    extra = list(extra) + ([("y", Y, lit(0, Y))] if any(s.var == "y" for s in boom) else [])
    r = check(stepper(boom, extra), CheckOptions())
    assert r.kind is ResultKind.EVAL_ERROR and r.exit_code == 75
    v = r.violation
    assert v.name == kind
    assert v.span == SPOT
    assert v.detail.startswith("action Boom(k=7): ")
    assert message in v.detail
    assert [s["x"] for s in v.trace.states] == [0, 1]  # to the state the failing step started in
    assert [s.label() for s in v.trace.steps] == ["Step"]


def test_modulo_by_zero():
    boom = y_gets(E.Arith(INT, "%", lit(3, INT), arith("-", x_, lit(1, INT)), span=SPOT))
    r = check(stepper(boom, [("y", Y, lit(0, Y))]), CheckOptions())
    assert (r.kind, r.violation.name, r.violation.span) == (ResultKind.EVAL_ERROR, "division-by-zero", SPOT)


def test_an_error_behind_a_false_guard_is_never_raised():
    # `and` short-circuits: last(s) of the empty s is never evaluated.
    guard = and_(cmp("==", x_, lit(3, INT)), cmp("==", E.Last(Y, var("s", SEQ)), lit(0, INT)))
    r = check(stepper([require(guard)], [("s", SEQ, lit((), SEQ))]), CheckOptions(check_deadlock=False))
    assert r.kind is ResultKind.OK


def test_a_false_assert_reports_the_action_and_the_assert():
    boom = [S.Assert(cmp("==", x_, lit(0, INT)), span=SPOT)]
    r = check(stepper(boom), CheckOptions())
    assert r.kind is ResultKind.ASSERT and r.exit_code == 14
    v = r.violation
    assert v.name == "assert" and v.span == SPOT
    assert "Boom(k=7)" in v.detail and str(SPOT) in v.detail
    assert [s["x"] for s in v.trace.states] == [0, 1]


def test_transition_invariant_trace_ends_in_the_successor():
    x = var("x", X)
    m = model(
        "Down",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [
            action("Up", (), require(cmp("<", x, lit(2, INT))), assign("x", arith("+", x, lit(1, INT)), X)),
            action("Down", (), require(cmp("==", x, lit(2, INT))), assign("x", lit(0, X), X)),
        ],
        transitions=[("Monotone", cmp(">=", var("x", X, primed=True), x))],
    )
    r = check(m, CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.exit_code == 12
    assert r.violation.name == "Monotone"
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2, 0]
    assert [s.label() for s in r.violation.trace.steps] == ["Up", "Up", "Down"]


SOURCE = "invariant Inv: m[r1] <= 2 and forall a in RM: m[a] < 2\n"


def _span(text: str) -> Span:
    col = SOURCE.index(text) + 1
    return Span("Counts.spec", 1, col, 1, col + len(text))


def test_invariant_violation_names_the_conjunct_and_the_quantified_values():
    RM = T.AtomT("RM", ("r1", "r2", "r3"))
    C = T.RangeT(0, 2)
    M = T.MapT(RM, C)
    m = var("m", M)
    r = local("r", RM)
    a = local("a", RM)
    key = local("k", RM)
    first = E.Compare(BOOL, "<=", index(m, lit("r1", RM)), lit(2, INT), span=_span("m[r1] <= 2"))
    body = cmp("<", index(m, ref(a)), lit(2, INT))
    second = E.Quant(BOOL, "forall", ((a, universe_lit(RM)),), None, body, span=_span("forall a in RM: m[a] < 2"))
    spec = model(
        "Counts",
        [("m", M)],
        [assign("m", E.MapComp(M, key, universe_lit(RM), lit(0, C)), M)],
        [
            action(
                "Inc",
                (r,),
                require(cmp("<", index(m, ref(r)), lit(2, INT))),
                assign("m", arith("+", index(m, ref(r)), lit(1, INT)), C, (S.IndexStep(ref(r)),)),
            )
        ],
        invariants=[("Inv", E.BoolOp(BOOL, "and", first, second))],
        source=SOURCE,
    )
    res = check(spec, CheckOptions())
    v = res.violation
    assert res.kind is ResultKind.INVARIANT and v.name == "Inv"
    assert v.detail == "conjunct 2 of 2: `forall a in RM: m[a] < 2`; forall a=r1"
    assert len(v.trace) == 3
    assert [s.label() for s in v.trace.steps] == ["Inc(r=r1)", "Inc(r=r1)"]
    assert v.span == second.span or v.span == body.span


def test_first_declared_invariant_wins():
    x = var("x", X)
    spec = model(
        "Two",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [action("Inc", (), require(cmp("<", x, lit(3, INT))), assign("x", arith("+", x, lit(1, INT)), X))],
        invariants=[("Small", cmp("<", x, lit(2, INT))), ("Tiny", cmp("<", x, lit(1, INT)))],
    )
    r = check(spec, CheckOptions())
    assert r.violation.name == "Tiny" and len(r.violation.trace) == 2
    spec2 = model(
        "Two",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        list(spec.actions),
        invariants=[("A", cmp("<", x, lit(1, INT))), ("B", cmp("<", x, lit(1, INT)))],
    )
    assert check(spec2, CheckOptions()).violation.name == "A"


def test_an_initial_state_can_violate_an_invariant():
    x = var("x", X)
    spec = model("Bad", [("x", X)], [assign("x", lit(2, X), X)], [], invariants=[("Zero", cmp("==", x, lit(0, INT)))])
    r = check(spec, CheckOptions())
    assert r.kind is ResultKind.INVARIANT and len(r.violation.trace) == 1 and r.violation.trace.steps == ()


def test_a_constraint_violating_successor_is_still_checked():
    x = var("x", X)
    spec = model(
        "Edge",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [action("Inc", (), require(cmp("<", x, lit(3, INT))), assign("x", arith("+", x, lit(1, INT)), X))],
        invariants=[("BelowTwo", cmp("<", x, lit(2, INT)))],
        constraints=[cmp("<=", x, lit(1, INT))],
    )
    r = check(spec, CheckOptions())
    assert r.kind is ResultKind.INVARIANT
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2]


def test_transition_invariant_is_not_checked_on_a_step_that_changes_nothing():
    # [][Monotone]_vars as in TLA+: the self-loop Stay (x' == x) would break
    # `x' > x` but is a stutter step; Up is the only step it constrains.
    x = var("x", X)
    m = model(
        "Stay",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [
            action("Up", (), require(cmp("<", x, lit(2, INT))), assign("x", arith("+", x, lit(1, INT)), X)),
            action("Stay", (), assign("x", x, X)),
        ],
        transitions=[("Grows", cmp(">", var("x", X, primed=True), x))],
    )
    r = check(m, CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated) == (3, 6)  # by hand: 0,1,2; 2 Ups + 3 Stays + init
