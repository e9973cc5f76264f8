"""`specpy check --backend z3`: every violation kind, the same verdict, trace
length and message as the explicit checker, and the options it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from smt_replay import replay

from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError
from specpy.explicit import check as explicit_check
from specpy.options import CheckOptions, OptionError
from specpy.pipeline import load, load_text
from specpy.result import ResultKind
from specpy.smt import check as smt_check

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"
CASES = sorted(p for p in DATA.glob("*.spec") if p.name != "specerror.spec")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_same_verdict_trace_and_message_as_explicit(path):
    model = load(path)
    explicit = explicit_check(model, CheckOptions())
    bmc = smt_check(model, CheckOptions(max_depth=8))
    if explicit.violation is None:
        assert bmc.kind is ResultKind.OK and bmc.bounded
        return
    v, w = explicit.violation, bmc.violation
    assert (w.kind, w.name, w.detail, w.span) == (v.kind, v.name, v.detail, v.span)
    assert w.trace == v.trace
    replay(model, w)


def spec(text: str):
    return load_text(SourceFile("t.spec", text))


@pytest.mark.parametrize(
    "body, error, length",  # length: states in the trace, counted by hand
    [
        ("var s: seq[0..3, 2] = [1]\naction Go { x = s[2] }", "index-out-of-range", 1),
        ("var m: Msg = B\naction Go { x = m.f }", "wrong-variant", 1),
        ("var o: (0..3)? = none\naction Go { x = o }", "unwrap-none", 1),
        ("var d: 0..3 = 0\naction Go { x = 3 // d }", "division-by-zero", 1),
        ("var e: set[0..3] = {}\naction Go { x = min(e) }", "empty-min-max", 1),
        ("var s: seq[0..3, 2] = []\naction Go { x = last(s) }", "empty-last", 1),
        ("var s: seq[0..3, 1] = [1]\naction Go { s = append(s, 2) }", "seq-overflow", 1),
        ("var b: bag[0..3, 1] = {}\naction Go { send 2 to b }", "bag-overflow", 2),
        ("action Go { x = x + 4 }", "value-out-of-type", 1),
    ],
)
def test_each_evaluation_error_is_found_with_the_explicit_message(body, error, length):
    model = spec(f"type Msg = A{{f: 0..3}} | B\nvar x: 0..3 = 0\n{body}\n")
    explicit = explicit_check(model, CheckOptions())
    bmc = smt_check(model, CheckOptions(max_depth=3))
    assert explicit.kind is bmc.kind is ResultKind.EVAL_ERROR
    assert bmc.violation.name == explicit.violation.name == error
    assert len(bmc.violation.trace) == len(explicit.violation.trace) == length
    assert (bmc.violation.span, bmc.violation.detail) == (explicit.violation.span, explicit.violation.detail)


def test_constraint_bounds_the_search_as_in_tlc():
    # docs/language.md: x' = x + 1 from 0 with `constraint x <= 3`: states
    # beyond the constraint are checked but not expanded, so the invariant
    # x != 5 never fails and x == 4 is not a deadlock.
    model = spec("var x: 0..9 = 0\naction Inc { x += 1 }\nconstraint x <= 3\ninvariant Four: x != 4\n")
    assert explicit_check(model, CheckOptions()).violation.trace == smt_check(model, CheckOptions(max_depth=6)).violation.trace
    model = spec("var x: 0..9 = 0\naction Inc { x += 1 }\nconstraint x <= 3\ninvariant Five: x != 5\n")
    assert smt_check(model, CheckOptions(max_depth=8)).kind is ResultKind.OK


@pytest.mark.parametrize("reset", ["false", "x == 3"])
def test_transition_invariant_skips_steps_that_change_nothing(reset):
    # [][Grows]_vars: the self-loop Idle is a stutter step; a Reset from 3
    # is a real step that breaks Grows (5 states: 0, 1, 2, 3, 0).
    model = spec(
        "var x: 0..3 = 0\naction Up { require x < 3; x += 1 }\naction Idle { x = x }\n"
        f"action Reset {{ require {reset}; x = 0 }}\ntransition Grows: x' > x\n"
    )
    explicit, bmc = explicit_check(model, CheckOptions()), smt_check(model, CheckOptions(max_depth=6))
    assert explicit.kind is bmc.kind
    if reset == "false":
        assert bmc.kind is ResultKind.OK
    else:
        assert bmc.violation.trace == explicit.violation.trace and len(bmc.violation.trace) == 5


def test_temporal_properties_are_refused_with_a_location():
    model = spec("var x: 0..1 = 0\naction Go { x = 1 }\nproperty Done: eventually x == 1\n")
    with pytest.raises(SpecError) as err:
        smt_check(model, CheckOptions(max_depth=2))
    d = err.value.diagnostics[0]
    assert d.code == "E-unsupported" and "Done" in d.message and d.span.line == 3


def test_options_that_do_not_apply_are_refused():
    model = load(DATA / "ok.spec")
    for options in (CheckOptions(), CheckOptions(max_depth=2, max_states=10), CheckOptions(max_depth=2, workers=2)):
        with pytest.raises(OptionError):
            smt_check(model, options)


def test_cli_json_reports_a_bounded_ok():
    r = CliRunner().invoke(main, ["check", "--backend", "z3", "--depth", "3", "--json", str(DATA / "ok.spec")])
    out = json.loads(r.output)
    assert r.exit_code == 0 and out["result"] == "ok" and out["bounded"] is True and out["depth"] == 3
    human = CliRunner().invoke(main, ["check", "--backend", "z3", "--depth", "3", str(DATA / "ok.spec")])
    assert "\n  backend:    bounded model checking with Z3\n  bounds:     depth 3\n\n" in human.output
    assert "\nNo violation up to depth 3 (bounded check, not a proof): 1 invariant holds; no deadlock.\n" in human.output


def test_timeout_is_a_limit_never_ok():
    twophase = Path(__file__).resolve().parents[2] / "specs" / "twophase.spec"
    r = CliRunner().invoke(
        main, ["check", "--backend", "z3", "--depth", "40", "--timeout", "0.5", "--type", "RM=r1,r2,r3,r4,r5,r6,r7", "--json", str(twophase)]
    )
    out = json.loads(r.output)
    assert r.exit_code == 152 and out["result"] == "limit" and out["limit"] == "timeout"
