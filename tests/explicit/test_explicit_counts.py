"""State counts pinned to TLC's: the explicit checker must count exactly as TLC does.

Every number here was measured with TLC 2.20 (-workers 1) on the matching
TLA+ model (TwoPhase.tla, TCommit.tla, DieHard.tla, and the two tiny models
written out in each test's docstring).
"""

import pytest
from explicit_ir import (
    INT,
    action,
    arith,
    assign,
    cmp,
    counter,
    diehard,
    lit,
    model,
    tcommit,
    twophase,
    var,
)

from specpy.explicit import check
from specpy.ir import stmt as S
from specpy.ir import types as T
from specpy.options import CheckOptions
from specpy.result import ResultKind


@pytest.mark.parametrize(
    "n, distinct, generated, depth",
    [
        (3, 288, 1146, 11),  # TLC 2.20, TwoPhase.tla, RM = {r1, r2, r3}
        (4, 1568, 8258, 14),  # TLC 2.20, 4 RMs
        (5, 8832, 58146, 17),  # TLC 2.20, 5 RMs
    ],
)
def test_twophase_counts_match_tlc(n, distinct, generated, depth):
    r = check(twophase(n), CheckOptions())
    assert r.kind is ResultKind.OK and r.exit_code == 0
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (distinct, generated, depth)
    assert r.violation is None and not r.bounded


def test_twophase_coverage_adds_up_in_declaration_order():
    r = check(twophase(3), CheckOptions())
    cov = r.stats.coverage
    assert [c.name for c in cov] == [
        "TMRcvPrepared",
        "TMCommit",
        "TMAbort",
        "RMPrepare",
        "RMChooseToAbort",
        "RMRcvCommit",
        "RMRcvAbort",
    ]
    assert sum(c.generated for c in cov) == 1146 - 1  # every generated state but the initial one
    assert sum(c.new for c in cov) == 288 - 1
    assert all(c.enabled > 0 and c.generated >= c.enabled for c in cov)


def test_tcommit_without_deadlock_check():
    # TLC 2.20, TCommit.tla, 3 RMs, CHECK_DEADLOCK FALSE: 34 distinct, 94 generated, depth 7.
    r = check(tcommit(3), CheckOptions(check_deadlock=False))
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (34, 94, 7)


def test_tcommit_deadlocks_with_a_four_state_trace():
    # TLC 2.20 reports a deadlock with a 4-state trace (all three RMs abort).
    r = check(tcommit(3), CheckOptions())
    assert r.kind is ResultKind.DEADLOCK and r.exit_code == 11
    trace = r.violation.trace
    assert len(trace) == 4 and r.violation.name == "deadlock"
    assert [s.label() for s in trace.steps] == ["Decide(r=r1)", "Decide(r=r2)", "Decide(r=r3)"]
    assert set(trace.states[-1]["rmState"].as_dict().values()) == {"aborted"}


def test_diehard_finds_the_seven_state_solution():
    # TLC 2.20, DieHard.tla with invariant big # 4: a 7-state trace.
    r = check(diehard(), CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.exit_code == 12
    v = r.violation
    assert v.name == "NotSolved" and len(v.trace) == 7
    assert v.trace.states[0] == {"big": 0, "small": 0}
    assert v.trace.states[-1]["big"] == 4


def test_constraint_bounds_the_search_without_deadlock():
    """x = 0, x' = x + 1, CONSTRAINT x <= 3 (TLC: 4 distinct, 5 generated, depth 4, no deadlock)."""
    r = check(counter(bound=3), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (4, 5, 4)


def test_self_loops_count_as_successors():
    """Init x \\in {0, 1}, Next x' = x (TLC: 2 distinct, 4 generated, depth 1, no deadlock)."""
    X = T.RangeT(0, 1)
    m = model(
        "Loop",
        [("x", X)],
        [S.Either(((assign("x", lit(0, X), X),), (assign("x", lit(1, X), X),)))],
        [action("Stay", (), assign("x", var("x", X), X))],
    )
    r = check(m, CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (2, 4, 1)


def test_a_state_without_successors_is_a_deadlock_unless_terminal():
    X = T.RangeT(0, 3)
    x = var("x", X)
    inc = action("Inc", (), S.Require(cmp("<", x, lit(3, INT))), assign("x", arith("+", x, lit(1, INT)), X))
    m = model("Stop", [("x", X)], [assign("x", lit(0, X), X)], [inc])
    r = check(m, CheckOptions())
    assert r.kind is ResultKind.DEADLOCK
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2, 3]
    assert (r.stats.distinct_states, r.stats.depth) == (4, 4)

    terminal = model("Stop", [("x", X)], [assign("x", lit(0, X), X)], [inc], terminals=[cmp("==", x, lit(3, INT))])
    assert check(terminal, CheckOptions()).kind is ResultKind.OK
    assert check(m, CheckOptions(check_deadlock=False)).kind is ResultKind.OK
