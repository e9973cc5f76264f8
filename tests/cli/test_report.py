"""Golden tests for the human report (report.py), from hand-built CheckResults."""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile, Span
from specpy.ir.values import MapValue
from specpy.report.check import render_report, verdict
from specpy.result import ActionStats, CheckResult, ResultKind, Stats, Violation
from specpy.trace.trace import Step, Trace

SOURCE = SourceFile(
    "specs/counter.spec",
    "spec Counter\n"
    "var x: 0..3 = 0\n"
    "var seen: [bool -> bool] = {b: false for b in bool}\n"
    "action Inc { x += 1; seen[x == 2] = true }\n"
    "action Check { assert x < 3 }\n"
    "invariant Small: x <= 1\n"
    "transition Up: x' >= x\n",
)


def stats(**kw) -> Stats:
    base = dict(
        distinct_states=288,
        states_generated=1146,
        depth=11,
        seconds=0.5,
        queue=0,
        coverage=[
            ActionStats("TMRcvPrepared", 96, 240, 48),
            ActionStats("TMCommit", 16, 16, 16),
            ActionStats("RMPrepare", 240, 402, 120),
        ],
    )
    base.update(kw)
    return Stats(**base)


def seen(**changed: bool) -> MapValue:
    return MapValue(((False, changed.get("f", False)), (True, changed.get("t", False))))


def counter_trace(n: int) -> Trace:
    states = tuple({"x": i, "seen": seen(t=i >= 2)} for i in range(n))
    return Trace(("x", "seen"), states, tuple(Step("Inc") for _ in range(n - 1)))


def violation_result(kind: ResultKind, name: str, detail: str, span: Span | None, n: int = 3) -> CheckResult:
    v = Violation(kind, name, counter_trace(n), detail, span)
    return CheckResult(kind, stats(distinct_states=3, states_generated=4, depth=3, seconds=0.002, coverage=[
        ActionStats("Inc", 2, 2, 2), ActionStats("Check", 3, 3, 0)]), v)


CASES = {
    "ok": CheckResult(ResultKind.OK, stats()),
    "ok_bounded": CheckResult(ResultKind.OK, stats(depth=5), bounded=True),
    "limit": CheckResult(ResultKind.LIMIT, stats(distinct_states=5, coverage=[]), limit="max-states"),
    "invariant": violation_result(
        ResultKind.INVARIANT, "Small", "x <= 1 is false (x = 2)", Span("specs/counter.spec", 6, 18, 6, 24)
    ),
    "transition": violation_result(
        ResultKind.INVARIANT, "Up", "", Span("specs/counter.spec", 7, 16, 7, 23)
    ),
    "deadlock": violation_result(ResultKind.DEADLOCK, "deadlock", "", None, n=4),
    "assert": violation_result(
        ResultKind.ASSERT, "assert", "x < 3 in action Check", Span("specs/counter.spec", 5, 23, 5, 28), n=4
    ),
    "eval_error": violation_result(
        ResultKind.EVAL_ERROR, "RangeError", "4 assigned to x of type 0..3 in action Inc",
        Span("specs/counter.spec", 4, 14, 4, 20), n=4,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_golden(golden, name: str) -> None:
    golden(f"report_{name}", render_report(CASES[name], SOURCE, frozenset({"Up"})))


def test_full_trace_report(golden) -> None:
    golden("report_invariant_full", render_report(CASES["invariant"], SOURCE, full_trace=True))


def test_quiet_is_the_verdict_only() -> None:
    for result in CASES.values():
        assert render_report(result, SOURCE, quiet=True) == verdict(result) + "\n"


def test_an_incomplete_run_never_reads_as_ok() -> None:
    assert "incomplete" in verdict(CASES["limit"])
    assert "not a proof" in verdict(CASES["ok_bounded"])
    assert verdict(CheckResult(ResultKind.LIMIT, stats())) == (
        "Stopped: a limit reached — the search is incomplete."
    )
