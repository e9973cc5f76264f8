"""The TLC output parser on real output captured from TLC 2.20 (-tool, -workers 1).

tests/tla/data/*.out were produced by
`java -cp tla2tools.jar tlc2.TLC -tool -noGenerateSpecTE -workers 1 -config M.cfg M.tla`
on the models beside them (TwoPhase and DieHard: tla/; Features: the export
of features.spec with --no-symmetry; Stutter_limit1: stutter.spec with
--const limit=1; InitBad: initbad.spec; RaftLivenessBugSplitVote_a/_b: two
runs on tla/RaftLivenessBugSplitVote.tla, where TLC picked different lassos,
2026-12-06; BadCfgKeyword/BadCfgLevel: tests/robustness/data/tlc/Str.tla with
a .cfg holding `FOO Bar` / `INVARIANT Next`). Every pinned number below is
TLC's, read from those files.
"""

from __future__ import annotations

from pathlib import Path

from specpy.ir.values import BagValue, MapValue, VariantValue
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
from specpy.result import ResultKind
from specpy.tla.export import export
from specpy.tla.tlc_output import ModelInfo, config_error, sany_errors, split_messages, to_result
from specpy.tla.tlc_values import convert, parse_value
from specpy.trace.text import render_trace

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def parsed(name: str, info: ModelInfo | None = None):
    with open(DATA / name, encoding="utf-8") as f:
        out = split_messages(f)
    return out, to_result(out, info)


def info_for(spec: Path, symmetry: bool = True) -> ModelInfo:
    model = load(spec)
    return export(model, CheckOptions(symmetry=symmetry), Overrides(), str(spec)).info


def test_success():
    out, r = parsed("TwoPhase.out")
    assert out.version == "TLC2 Version 2.20 of Day Month 20?? (rev: 4c54d98)"
    assert r.kind is ResultKind.OK and r.violation is None
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (288, 1146, 11)


def test_invariant_violation_trace_reads_like_specpy():
    _, r = parsed("DieHard.out", info_for(ROOT / "specs" / "diehard.spec"))
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "NotSolved"
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (14, 73, 7)
    trace = r.violation.trace
    assert len(trace) == 7
    assert [s.action for s in trace.steps] == ["FillBig", "BigToSmall", "EmptySmall", "BigToSmall", "FillBig", "BigToSmall"]
    assert trace.states[0] == {"big": 0, "small": 0} and trace.states[-1] == {"big": 4, "small": 3}
    assert "big: 5 → 4" in render_trace(trace)


def test_action_property_violation_is_the_transition_invariant():
    # TLC reports `[][Grows]_vars` violated with message 2112 after a 5-state trace ending in Reset.
    _, r = parsed("Stutter_limit1.out", info_for(DATA / "stutter.spec"))
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "Grows"
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2, 3, 0]
    assert r.violation.trace.steps[-1].label() == "Reset"


def test_invariant_violated_by_an_initial_state():
    # Message 2107 carries the initial state itself; there are no trace messages.
    _, r = parsed("InitBad.out", info_for(DATA / "initbad.spec"))
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "Small"
    assert [s["x"] for s in r.violation.trace.states] == [2]


def test_deadlock():
    _, r = parsed("Dead.out")
    assert r.kind is ResultKind.DEADLOCK
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2]
    assert r.violation.trace.steps[0].action == "Next"


def test_liveness_violation_is_a_lasso():
    _, r = parsed("Live.out")
    assert r.kind is ResultKind.LIVENESS
    trace = r.violation.trace
    assert [s["x"] for s in trace.states] == [0]
    assert trace.loop == 0  # TLC: "2: Stuttering" after state 1


def test_a_lasso_back_to_an_earlier_state():
    # TLC 2.20 closes a lasso with "N: Back to state: <Action ...>": the last
    # state steps by Action back to state N. Two runs on one model chose
    # different lassos: 11 states back to 6, 13 states back to 8.
    info = info_for(ROOT / "specs" / "raft_liveness_bug_split_vote.spec")
    for name, length, loop in (("RaftLivenessBugSplitVote_a.out", 11, 5), ("RaftLivenessBugSplitVote_b.out", 13, 7)):
        _, r = parsed(name, info)
        assert r.kind is ResultKind.LIVENESS and r.violation.name == "LeaderElected"
        trace = r.violation.trace
        assert (len(trace), trace.loop) == (length, loop)
        assert all("Leader" not in s["role"].as_dict().values() for s in trace.states)


def test_assert_failure():
    _, r = parsed("AssertFails.out")
    assert r.kind is ResultKind.ASSERT
    assert "x out of 0..3" in r.violation.detail
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2, 3]


def test_evaluation_error_with_typed_trace():
    info = info_for(DATA / "features.spec", symmetry=False)
    _, r = parsed("Features_evalerror.out", info)
    assert r.kind is ResultKind.EVAL_ERROR
    trace = r.violation.trace
    assert len(trace) == 3  # specpy's explicit checker: bag-overflow, trace of 3 states
    assert trace.steps[0].action == "Send" and dict(trace.steps[0].args) == {"n": "n1", "v": 0}
    net = trace.states[-1]["net"]
    assert isinstance(net, BagValue) and net.items == ((VariantValue("Req", (("from", "n1"), ("v", 0))), 2),)
    assert trace.states[0]["leader"] is None
    assert trace.states[0]["count"] == MapValue((("n1", 0), ("n2", 0)))


def test_parse_error_has_its_location():
    out, r = parsed("Bad2.out")
    assert r.kind is ResultKind.SPEC_ERROR
    errors = sany_errors(out.raw)
    assert [(e.line, e.column) for e in errors] == [(4, 13)]
    assert "Unknown operator" in errors[0].message


def test_syntax_error_location():
    # SANY's syntax-error block, as TLC printed it for `Next == x' = x + + 1`.
    text = "***Parse Error***\nWas expecting \"==== or more Module body\"\nEncountered \"1\" at line 5, column 20 and token \"+\" \n\nResidual stack trace follows:\n"
    errors = sany_errors([text])
    assert [(e.line, e.column) for e in errors] == [(5, 20)]


def test_values_untyped_and_typed():
    tree = parse_value('[tag |-> "Prepared", rm |-> r1]')
    assert convert(tree, None).get("tag") == "Prepared"
    funs = parse_value('(r1 :> "working" @@ r2 :> "aborted")')
    assert convert(funs, None) == MapValue((("r1", "working"), ("r2", "aborted")))
    assert convert(parse_value("<<1, -2, <<>>>>"), None) == (1, -2, ())
    assert convert(parse_value("{TRUE, FALSE}"), None) == frozenset({True, False})


def test_nested_messages_are_split_and_no_marker_is_left():
    """TLC's 1000 ("unexpected exception") holds the 5006 that explains it,
    starting mid-line; the markers used to reach users' screens."""
    out, _ = parsed("BadCfgKeyword.out")
    codes = [m.code for m in out.messages]
    assert codes.index(5006) < codes.index(1000)  # in the order they end
    assert all("@!@!@" not in m.text for m in out.messages)
    assert all("@!@!@" not in line for line in out.raw)
    inner = next(m for m in out.messages if m.code == 5006)
    assert inner.text == "TLC found an error in the configuration file at line 3\nIt was expecting a keyword, but did not find it."


def test_an_error_in_the_cfg_is_one_clean_paragraph():
    out, result = parsed("BadCfgKeyword.out")
    error = config_error(out)
    assert error is not None and error.line == 3
    assert error.message == ("TLC found an error in the configuration file at line 3. "
                             "It was expecting a keyword, but did not find it.")
    out, result = parsed("BadCfgLevel.out")
    error = config_error(out)
    assert error is not None and error.line is None
    assert error.message == "The invariant Next is not a state predicate (one with no primes or temporal operators)."


def test_a_run_with_a_verdict_has_no_cfg_error():
    out, _ = parsed("TwoPhase.out")
    assert config_error(out) is None
