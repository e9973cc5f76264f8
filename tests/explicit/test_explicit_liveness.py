"""Temporal properties under fairness: known answers pinned to TLC.

Every case in data/liveness/ is a small spec and the same model written by
hand in TLA+ (X.tla, one .cfg per variant); TLC 2.20's answer for each variant
is recorded in the .out beside it (data/run_tlc.sh, -workers 1; `-deadlock`
where the model deadlocks, as specpy's --no-deadlock). The tests compare
specpy's verdict with the recorded exit code, pin the lasso's shape (counted
by hand from the model), and check every lasso independently: its steps are
real, it closes, the property fails on it, and it is fair.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError
from specpy.explicit import check
from specpy.ir.model import Model
from specpy.options import CheckOptions
from specpy.pipeline import load_text
from specpy.result import EXIT_CODES, ResultKind

from lasso_check import assert_fair_counterexample

DATA = Path(__file__).parent / "data"
LIVE = DATA / "liveness"
NO_DEADLOCK = CheckOptions(check_deadlock=False)


def spec(name: str, replace: tuple[str, str] | None = None, only: str | None = None) -> Model:
    """A spec from data/liveness, optionally edited, keeping one property."""
    text = (LIVE / name).read_text()
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    model = load_text(SourceFile(str(LIVE / name), text))
    if only is not None:
        model = dataclasses.replace(model, properties=tuple(p for p in model.properties if p.name == only))
    return model


def tlc_exit(out_file: str) -> int:
    """The exit code TLC gave, as recorded by run_tlc.sh."""
    match = re.search(r"^# exit code (\d+)$", (LIVE / out_file).read_text(), re.M)
    assert match, out_file
    return int(match.group(1))


# (spec, edit, property kept, TLC record, specpy's trace length, loop index)
# Trace lengths and loops are counted by hand from the model.
CASES = [
    # holds only with weak fairness
    ("counter.spec", None, None, "Counter_fair.out", None, None),
    ("counter.spec", ("fair action Step", "action Step"), None, "Counter_unfair.out", 1, 0),  # stutters at x = 0
    # holds under strong fairness, not weak
    ("toggle.spec", None, None, "Toggle_strong.out", None, None),
    ("toggle.spec", ("strong fair action Hit", "fair action Hit"), None, "Toggle_weak.out", 2, 0),  # 0 -> 1 -> 0
    # violated by stuttering where only an unfair action is enabled, or in a deadlock
    ("stutter.spec", None, None, "Stutter.out", 2, 1),
    ("stutter.spec", ("action Finish", "fair action Finish"), None, "Stutter_finish_fair.out", None, None),
    ("deadlock.spec", None, None, "Deadlock.out", 2, 1),  # Abort, then nothing is enabled
    # leads-to violated by a cycle (weak), holds under strong fairness
    ("grant.spec", None, None, "Grant_weak.out", 3, 1),  # Request, then Tick, Tick for ever
    ("grant.spec", ("fair action Grant", "strong fair action Grant"), None, "Grant_strong.out", None, None),
    # fairness per parameter tuple (both properties hold); whole-action fairness is Workers_whole.out
    ("workers.spec", None, None, "Workers_per_tuple.out", None, None),
    # always eventually: may leave the loop for the sink 3 (Park), and stutter there
    ("phases.spec", None, "Recurs", "Phases_recurs.out", 4, 3),
    # eventually always: the fair loop 0 -> 1 -> 2 -> 0 visits 0 for ever
    ("phases.spec", None, "Settles", "Phases_settles.out", 3, 0),
]


@pytest.mark.parametrize("name, edit, only, tlc, length, loop", CASES, ids=[c[3].removesuffix(".out") for c in CASES])
def test_known_answers_agree_with_tlc(name, edit, only, tlc, length, loop):
    model = spec(name, edit, only)
    r = check(model, NO_DEADLOCK)
    assert EXIT_CODES[r.kind] == tlc_exit(tlc)
    if length is None:
        assert r.kind is ResultKind.OK and r.violation is None
        return
    assert r.kind is ResultKind.LIVENESS
    trace = r.violation.trace
    assert (len(trace), trace.loop) == (length, loop)
    assert_fair_counterexample(model, r.violation.name, trace)


def test_per_tuple_fairness_is_not_whole_action_fairness():
    # TLC violates the property under WF_vars(Next) (Workers_whole.out) and not under
    # \A p: WF_vars(Work(p)); specpy's `fair action Work(p: W)` is the latter.
    assert tlc_exit("Workers_whole.out") == 13 and tlc_exit("Workers_per_tuple.out") == 0
    unfair = check(spec("workers.spec", ("fair action", "action")), NO_DEADLOCK)
    assert unfair.kind is ResultKind.LIVENESS and unfair.violation.name == "W2Works"
    assert (len(unfair.violation.trace), unfair.violation.trace.loop) == (1, 0)  # stutters at the start


def test_always_p_is_an_invariant_as_in_tlc():
    # TLC checks a PROPERTY [](state predicate) as an invariant: "Invariant Positive is
    # violated", exit 12, a 4-state trace 0 -> 1 -> 2 -> 3 (Phases_positive.out).
    assert tlc_exit("Phases_positive.out") == 12
    r = check(spec("phases.spec", only="Positive"), NO_DEADLOCK)
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "Positive"
    assert [s["x"] for s in r.violation.trace.states] == [0, 1, 2, 3]
    assert r.violation.trace.loop is None


def test_the_first_declared_failing_property_is_reported():
    r = check(spec("phases.spec"), NO_DEADLOCK)
    assert r.violation.name == "Recurs"


def test_deadlock_is_reported_before_liveness_when_checked():
    r = check(spec("deadlock.spec"), CheckOptions())
    assert r.kind is ResultKind.DEADLOCK


def test_recorded_tlc_runs_match_the_cases():
    # Every recorded run is one of the cases above, so none is stale.
    recorded = {p.name for p in LIVE.glob("*.out")}
    used = {c[3] for c in CASES} | {"Workers_whole.out", "Phases_positive.out"}
    assert recorded == used


@pytest.mark.tlc
@pytest.mark.parametrize("out", sorted(p.name for p in LIVE.glob("*.out")))
def test_tlc_still_gives_the_recorded_answer(out, tmp_path):
    first = (LIVE / out).read_text().splitlines()[0]
    flags = first.split("tlc2.TLC -workers 1", 1)[1].split("-config")[0].split()
    cfg = first.split("-config ", 1)[1].split()[0]
    module = first.rsplit(" ", 1)[1]
    for f in (cfg, module):
        (tmp_path / f).write_text((LIVE / f).read_text())
    jar = os.environ["SPECPY_TLC_JAR"]
    cmd = ["java", "-cp", jar, "tlc2.TLC", "-workers", "1", "-metadir", str(tmp_path / "meta"), *flags]
    run = subprocess.run([*cmd, "-config", cfg, module], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == tlc_exit(out)


def test_symmetry_with_liveness_is_refused_with_a_location():
    model = spec("workers.spec", ("type W", "symmetric type W"))
    with pytest.raises(SpecError) as exc:
        check(model, NO_DEADLOCK)
    d = exc.value.diagnostics[0]
    assert d.code == "E-unsupported" and "--no-symmetry" in d.message and d.span.line == 10
    assert check(model, CheckOptions(check_deadlock=False, symmetry=False)).kind is ResultKind.OK


def test_always_p_works_under_symmetry():
    model = spec("workers.spec", ("type W", "symmetric type W"))
    prop = dataclasses.replace(model.properties[0], kind="always")
    r = check(dataclasses.replace(model, properties=(prop,)), NO_DEADLOCK)
    assert r.kind is ResultKind.INVARIANT and len(r.violation.trace) == 1  # busy[w2] is false initially


def test_cli_prints_the_lasso_and_writes_itf_loop(tmp_path):
    out = tmp_path / "trace.itf.json"
    result = CliRunner().invoke(main, ["check", str(LIVE / "grant.spec"), "--trace-out", str(out)])
    assert result.exit_code == 13
    assert "Temporal property Served violated" in result.output
    assert "── loop starts here ──" in result.output and "── back to state 2 ──" in result.output
    assert json.loads(out.read_text())["loop"] == 1


def test_an_evaluation_error_in_a_property_names_it_and_has_a_trace():
    r = check(spec("eval_error.spec"), NO_DEADLOCK)
    assert r.kind is ResultKind.EVAL_ERROR
    assert r.violation.detail == "property Bad: division of 4 by zero"
    assert [s["x"] for s in r.violation.trace.states] == [0, 1]  # x == 1 is the first state that divides by zero
