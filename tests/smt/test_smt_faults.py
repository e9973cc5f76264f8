"""The `faults` block in the Z3 backend: the explicit checker's fault steps,
verdicts and trace lengths, with the same `~` labels in traces and ITF files.

The specs are the explicit checker's fault specs (tests/data/faults/, counts
pinned to TLC there) with an invariant added that only a fault can break.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from smt_replay import replay

from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError
from specpy.explicit import check as explicit_check
from specpy.ir.model import BUDGET_VAR
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load_text
from specpy.result import ResultKind
from specpy.smt import check as smt_check

FAULTS = Path(__file__).resolve().parents[1] / "data" / "faults"


def with_invariant(name: str, invariant: str, **consts: str):
    text = (FAULTS / name).read_text() + invariant + "\n"
    return load_text(SourceFile(name, text), Overrides(consts=consts))


def both(model, depth: int):
    explicit = explicit_check(model, CheckOptions())
    bmc = smt_check(model, CheckOptions(max_depth=depth))
    return explicit, bmc


def test_duplicate_breaks_at_most_once_in_the_shortest_trace():
    # By hand: Send a, ~duplicate net a, Deliver, Deliver — 5 states.
    model = with_invariant("net_duplicate.spec", "invariant AtMostOnce: forall m in Msg: got[m] <= 1")
    explicit, bmc = both(model, 6)
    assert explicit.kind is bmc.kind is ResultKind.INVARIANT
    assert len(bmc.violation.trace) == len(explicit.violation.trace) == 5
    labels = [s.label() for s in bmc.violation.trace.steps]
    assert labels[1] in ("~duplicate net a", "~duplicate net b"), labels
    replay(model, bmc.violation)


LOSSY = """type Msg = {a, b}
const Budget = 1
var net: bag[Msg, 2] = {}
var sent: set[Msg] = {}
var got: [Msg -> 0..2] = {m: 0 for m in Msg}
action Send(m: Msg) {
    require m not in sent
    sent = sent | {m}
    send m to net
}
action Deliver {
    receive m in net where got[m] < 2 {
        got[m] += 1
    }
}
faults {
    lose net
    duplicate net
    budget Budget
}
invariant NothingLost: forall m in sent: m in net or got[m] >= 1
"""


def test_lose_is_a_step_and_an_exhausted_budget_stops_faults():
    # By hand: Send a, ~lose net a — 3 states; the budget counter goes 0 → 1.
    model = load_text(SourceFile("lossy.spec", LOSSY))
    explicit, bmc = both(model, 4)
    assert explicit.kind is bmc.kind is ResultKind.INVARIANT
    assert len(bmc.violation.trace) == len(explicit.violation.trace) == 3
    trace = bmc.violation.trace
    assert trace.steps[1].label() in ("~lose net a", "~lose net b")
    assert [s[BUDGET_VAR] for s in trace.states] == [0, 0, 1]
    replay(model, bmc.violation)
    # Budget 0: no loss, so nothing sent is ever missing. By hand, each message
    # is unsent, in flight or delivered: 3 * 3 = 9 states, the farthest 4
    # steps away; BMC to 6 steps finds nothing either.
    model = load_text(SourceFile("lossy.spec", LOSSY), Overrides(consts={"Budget": "0"}))
    explicit = explicit_check(model, CheckOptions(check_deadlock=False))
    assert (explicit.kind, explicit.stats.distinct_states, explicit.stats.depth) == (ResultKind.OK, 9, 5)
    bmc = smt_check(model, CheckOptions(max_depth=6, check_deadlock=False))
    assert bmc.kind is ResultKind.OK and bmc.bounded


def test_crash_resets_volatile_entries_and_resets_variables_only():
    # Start s1, Advance s1, ~crash s1: term[s1] (durable) stays 1 while up[s1]
    # (volatile) and cache (`resets`) go back to false and 0 — 4 states.
    model = with_invariant("crash.spec", "invariant UpAfterAdvance: term[s1] == 1 implies up[s1]")
    explicit, bmc = both(model, 5)
    assert explicit.kind is bmc.kind is ResultKind.INVARIANT
    assert len(bmc.violation.trace) == len(explicit.violation.trace) == 4
    trace = bmc.violation.trace
    assert trace.steps[-1].label() == "~crash s1"
    before, after = trace.states[-2], trace.states[-1]
    assert after["term"] == before["term"] and after["ticks"] == before["ticks"]
    assert after["up"].get("s1") is False and after["cache"] == 0
    assert after["up"].get("s2") == before["up"].get("s2")
    replay(model, bmc.violation)


def test_fault_steps_prevent_deadlock_as_in_the_explicit_checker():
    # crash.spec: an unbounded crash is always enabled, so no deadlock at any
    # depth (the explicit checker: OK, 72 states, pinned to TLC).
    model = with_invariant("crash.spec", "")
    explicit, bmc = both(model, 9)
    assert explicit.kind is bmc.kind is ResultKind.OK and bmc.bounded


def test_crash_of_a_value_init_does_not_fix_is_the_explicit_error():
    text = (
        "type S = {s1, s2}\nvar up: [S -> bool] = {s: false for s in S}\n"
        "init { choose b in {false, true} { up[s2] = b } }\naction Go { up[s1] = true }\n"
        "faults {\n    crash S\n}\n"
    )
    model = load_text(SourceFile("t.spec", text))
    with pytest.raises(SpecError) as z3_error:
        smt_check(model, CheckOptions(max_depth=2))
    with pytest.raises(SpecError) as explicit_error:
        explicit_check(model, CheckOptions())
    d, e = z3_error.value.diagnostics[0], explicit_error.value.diagnostics[0]
    assert (d.code, d.message, d.span) == (e.code, e.message, e.span)
    assert d.code == "E-crash-initial" and "up[s2]" in d.message and d.span.line == 6


def test_cli_trace_out_names_the_fault_step(tmp_path):
    spec = tmp_path / "crash.spec"
    spec.write_text((FAULTS / "crash.spec").read_text() + "invariant UpAfterAdvance: term[s1] == 1 implies up[s1]\n")
    out = tmp_path / "trace.itf.json"
    r = CliRunner().invoke(main, ["check", "--backend", "z3", "--depth", "5", "--trace-out", str(out), str(spec)])
    assert r.exit_code == 12, r.output  # invariant violated (README exit codes)
    assert "~crash s1" in r.output
    last = json.loads(out.read_text())["states"][-1]
    assert last["mbt::actionTaken"] == "~crash"
    assert last["mbt::nondetPicks"] == {"who": {"tag": "Some", "value": "s1"}}
