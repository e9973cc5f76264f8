"""crosscheck's comparison rules (no jar needed)."""

from __future__ import annotations

from specpy.crosscheck import compare, table
from specpy.result import CheckResult, ResultKind, Stats, Violation
from specpy.trace.trace import Step, Trace


def ok(distinct: int, generated: int, depth: int) -> CheckResult:
    return CheckResult(ResultKind.OK, Stats(distinct_states=distinct, states_generated=generated, depth=depth))


def violated(name: str, length: int) -> CheckResult:
    trace = Trace(("x",), tuple({"x": i} for i in range(length)), tuple(Step("A") for _ in range(length - 1)))
    return CheckResult(ResultKind.INVARIANT, Stats(distinct_states=5), Violation(ResultKind.INVARIANT, name, trace))


def test_equal_counts_agree():
    assert compare(ok(288, 1146, 11), ok(288, 1146, 11), has_terminal=False) == []


def test_a_different_count_disagrees():
    assert compare(ok(288, 1146, 11), ok(144, 573, 11), has_terminal=False) == [
        "distinct states: specpy 288, TLC 144",
        "states generated: specpy 1146, TLC 573",
    ]


def test_terminal_stuttering_steps_are_allowed_for():
    # TCommit: specpy 94 generated; TLC 96 (two terminal states, one stuttering step each).
    assert compare(ok(34, 94, 7), ok(34, 96, 7), has_terminal=True) == []
    assert compare(ok(34, 94, 7), ok(34, 94, 7), has_terminal=True) != []


def test_verdicts_names_and_trace_lengths():
    assert compare(ok(1, 1, 1), violated("Inv", 3), False) == ["verdict: specpy ok, TLC invariant"]
    assert compare(violated("Inv", 3), violated("Inv", 3), False) == []
    assert compare(violated("Inv", 3), violated("Other", 4), False) == [
        "violation: specpy Inv, TLC Other",
        "trace length: specpy 3, TLC 4",
    ]


def test_table_says_disagree():
    from pathlib import Path

    from specpy.crosscheck import Comparison

    text = table([Comparison(Path("a.spec"), ok(2, 2, 1), ok(3, 3, 1), ["distinct states: specpy 2, TLC 3"])])
    assert "DISAGREE: distinct states: specpy 2, TLC 3" in text and "a.spec" in text
