"""The `faults` block in the explicit checker: lose, duplicate, crash, budget.

The specs live in tests/data/faults/ beside hand-written TLA+ equivalents
(*.tla, *.cfg) and TLC 2.20's recorded output for them (*.out, `-workers 1`);
the pinned counts are TLC's.
"""

from pathlib import Path

import pytest

from specpy.diagnostics import SpecError, SourceFile
from specpy.explicit import check
from specpy.ir.model import BUDGET_VAR
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load, load_text
from specpy.result import ResultKind

DATA = Path(__file__).resolve().parents[1] / "data" / "faults"


def run(name: str, deadlock: bool = True, **consts: str):
    return check(load(DATA / name, Overrides(consts=consts)), CheckOptions(check_deadlock=deadlock))


@pytest.mark.parametrize(
    "spec, distinct, generated, depth",
    [
        ("net_lose.spec", 9, 19, 5),  # TLC on NetLose.tla (NetLose.out)
        ("net_duplicate.spec", 81, 145, 13),  # TLC on NetDuplicate.tla
        ("net_budget.spec", 36, 61, 7),  # TLC on NetBudget.tla (budget 1)
    ],
)
def test_network_faults_match_tlc(spec, distinct, generated, depth):
    # The TLA+ models run with CHECK_DEADLOCK FALSE: every delivered run ends.
    r = run(spec, deadlock=False)
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (distinct, generated, depth)


def test_lose_count_by_hand():
    # Each message is independently unsent (net 0, got 0), in flight (1, 0) or
    # delivered (0, 1); losing it returns to unsent. 3 * 3 = 9 states.
    r = run("net_lose.spec", deadlock=False)
    assert r.stats.distinct_states == 9


def test_budget_zero_allows_no_fault():
    # Without faults the network spec has the same 9 states as with `lose`
    # (losing only returns to an unsent state), and the counter stays 0.
    r = run("net_budget.spec", deadlock=False, Budget="0")
    assert r.stats.distinct_states == 9
    assert [c.enabled for c in r.stats.coverage if c.name.startswith("~")] == [0, 0]


def test_crash_matches_tlc_and_faults_prevent_deadlock():
    # TLC on Crash.tla, with deadlock checking on: an unbounded crash is always
    # enabled, so no state is a deadlock (fault steps are successors). By hand:
    # cache is 1 iff some server started since the last crash, so with cache 0
    # at most one server is up (3 ways) and with cache 1 at least one is
    # (3 ways); term is free (4); ticks 3: (3 + 3) * 4 * 3 = 72.
    r = run("crash.spec")
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (72, 301, 9)


def test_an_exhausted_budget_can_deadlock():
    r = run("net_budget.spec")
    assert r.kind is ResultKind.DEADLOCK
    assert r.violation.trace.states[-1][BUDGET_VAR] == 0  # the shortest way there uses no fault


NET = (DATA / "net_duplicate.spec").read_text()


def test_duplicate_step_in_a_trace():
    text = NET + "invariant AtMostOnce: forall m in Msg: got[m] <= 1\n"
    r = check(load_text(SourceFile("dup.spec", text)), CheckOptions())
    assert r.kind is ResultKind.INVARIANT
    steps = r.violation.trace.steps
    assert [s.label() for s in steps] == ["Send(m=a)", "~duplicate net a", "Deliver", "Deliver"]
    assert [s.fault for s in steps] == [False, True, False, False]


def test_lose_step_in_a_trace():
    text = (DATA / "net_lose.spec").read_text() + "transition NoVanishing: len(net') >= len(net) or got' != got\n"
    r = check(load_text(SourceFile("lose.spec", text)), CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "NoVanishing"
    assert [s.label() for s in r.violation.trace.steps] == ["Send(m=a)", "~lose net a"]


def test_crash_step_resets_volatile_state_only():
    text = (DATA / "crash.spec").read_text() + "invariant UpAfterAdvance: forall s in Server: term[s] == 1 implies up[s]\n"
    r = check(load_text(SourceFile("crash.spec", text)), CheckOptions())
    assert r.kind is ResultKind.INVARIANT
    trace = r.violation.trace
    assert [s.label() for s in trace.steps] == ["Start(s=s1)", "Advance(s=s1)", "~crash s1"]
    before, after = trace.states[-2], trace.states[-1]
    assert after["term"] == before["term"]  # durable
    assert (before["cache"], after["cache"]) == (1, 0)  # listed in `resets`


def test_crash_needs_a_deterministic_initial_value():
    text = (
        "type S = {s1, s2}\nvar up: [S -> bool] = {s: true for s in S}\n"
        "init { choose b in bool { up[s2] = b } }\naction Noop { up[s1] = up[s1] }\n"
        "faults {\n    crash S\n}\n"
    )
    with pytest.raises(SpecError) as exc:
        check(load_text(SourceFile("c.spec", text)), CheckOptions())
    (d,) = exc.value.diagnostics
    assert d.code == "E-crash-initial" and "up[s2]" in d.message
    assert (d.span.line, d.span.column) == (6, 5)


def test_fault_steps_in_the_partitioned_search():
    # The same counts with two workers: fault steps are compiled in every worker.
    r = check(load(DATA / "crash.spec"), CheckOptions(workers=2))
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (72, 301, 9)
