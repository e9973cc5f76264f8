"""The protocol library through the whole pipeline, pinned to TLC's numbers.

Each spec's default configuration is pinned by the `# expect:` header in its
own file (run by the pytest plugin: `pytest specs/`); these are the runs a
header cannot express. TwoPhase figures are TLC 2.20's (-workers 1) on
TwoPhase.tla; DieHard's 7-state counterexample is TLC's on DieHard.tla.
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
    [(4, 1568, 8258, 14), (5, 8832, 58146, 17)],  # TLC 2.20, TwoPhase.tla; 3 RMs: the spec's header
)
def test_twophase(n, distinct, generated, depth):
    r = check(load(SPECS / "twophase.spec", rms(n)), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (distinct, generated, depth)


def test_diehard_solution():
    r = check(load(SPECS / "diehard.spec"), CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "NotSolved"
    trace = r.violation.trace
    assert len(trace) == 7  # TLC 2.20's counterexample length on DieHard.tla
    assert trace.states[-1]["big"] == 4
    assert [s.action for s in trace.steps] == [
        "FillBig",
        "BigToSmall",
        "EmptySmall",
        "BigToSmall",
        "FillBig",
        "BigToSmall",
    ]


def test_mix_of_every_statement_kind_matches_tlc():
    # tests/explicit/data/Mix.tla is the same model written by hand in TLA+;
    # TLC 2.20 (-workers 1, CHECK_DEADLOCK FALSE): 3864 distinct, 6889 generated, depth 13.
    r = check(load(Path(__file__).parent / "data" / "mix.spec"), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (3864, 6889, 13)


def test_failing_conjunct_and_bindings_are_named_from_the_source(tmp_path):
    spec = tmp_path / "bad.spec"
    spec.write_text(
        "spec Bad\n"
        "type RM = {r1, r2, r3}\n"
        "var m: [RM -> 0..3] = {r: 0 for r in RM}\n"
        "action Inc(r: RM) {\n"
        "    require m[r] < 3\n"
        "    m[r] += 1\n"
        "}\n"
        "invariant Inv:\n"
        "    len(RM) == 3 and\n"
        "    (forall a, b in RM where a != b: m[a] + m[b] < 4)\n"
    )
    r = check(load(spec), CheckOptions())
    v = r.violation
    assert r.kind is ResultKind.INVARIANT and v.name == "Inv"
    assert v.detail == "conjunct 2 of 2: `forall a, b in RM where a != b: m[a] + m[b] < 4`; forall a=r1, b=r2"
    assert len(v.trace) == 5 and v.span.line == 10


def test_quorum_parameters_and_choose_match_tlc():
    # tests/explicit/data/Q.tla by hand; TLC 2.20 (-workers 1, CHECK_DEADLOCK FALSE):
    # 38537 distinct, 63932 generated, depth 16.
    r = check(load(Path(__file__).parent / "data" / "quorum.spec"), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (38537, 63932, 16)
