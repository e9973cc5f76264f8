"""The protocol library through the whole pipeline, pinned to TLC's numbers.

TwoPhase and TCommit figures are TLC 2.20's (-workers 1) on TwoPhase.tla and
TCommit.tla; DieHard's 7-state counterexample is TLC's on DieHard.tla.
"""

from pathlib import Path

import pytest

from specpy.explicit import check
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
from specpy.result import ResultKind

SPECS = Path(__file__).resolve().parents[2] / "specs"


def rms(n: int) -> Overrides:
    return Overrides(types={"RM": tuple(f"r{i}" for i in range(1, n + 1))})


@pytest.mark.parametrize(
    "n, distinct, generated, depth",
    [(3, 288, 1146, 11), (4, 1568, 8258, 14), (5, 8832, 58146, 17)],  # TLC 2.20, TwoPhase.tla
)
def test_twophase(n, distinct, generated, depth):
    r = check(load(SPECS / "twophase.spec", rms(n)), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (distinct, generated, depth)


def test_tcommit_final_states_are_terminal():
    # TLC 2.20, TCommit.tla, 3 RMs, deadlock check off: 34 distinct, 94 generated, depth 7.
    # The spec declares the final states terminal, so the deadlock check stays on here.
    r = check(load(SPECS / "tcommit.spec"), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (34, 94, 7)


def test_diehard_solution():
    r = check(load(SPECS / "diehard.spec"), CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "NotSolved"
    trace = r.violation.trace
    assert len(trace) == 7  # TLC 2.20's counterexample length on DieHard.tla
    assert trace.states[-1]["big"] == 4
    assert [s.action for s in trace.steps] == ["FillBig", "BigToSmall", "EmptySmall", "BigToSmall", "FillBig", "BigToSmall"]
