"""The worked example: examples/kvstore's implementation, its spec and its two logs.

The buggy server applies a late copy of c1's first put after c2's put on the
same key (the schedule in kvstore.py), so the first line where its log leaves
the spec is the line of that delivery: line 7, the first line where the two
runs' logs differ.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import specpy
from specpy.report.validate import render_validation
from specpy.result import ValidationKind

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kvstore"
SPEC = EXAMPLE / "kvstore.spec"
CORRECT = EXAMPLE / "correct.ndjson"
BUGGY = EXAMPLE / "buggy.ndjson"
BUG_LINE = 7  # the late delivery of c1's first put (kvstore.py, `run`)


@pytest.fixture(scope="module")
def spec() -> specpy.Spec:
    return specpy.load(SPEC)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def implementation():
    spec = importlib.util.spec_from_file_location("kvstore_example", EXAMPLE / "kvstore.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("buggy, committed", [(False, CORRECT), (True, BUGGY)])
def test_the_committed_logs_are_what_the_implementation_writes(buggy, committed):
    out = io.StringIO()
    implementation().run(out, buggy)
    assert out.getvalue() == committed.read_text()


def test_the_bug_shows_first_at_the_late_delivery():
    correct, buggy = lines(CORRECT), lines(BUGGY)
    first_difference = next(i for i, (a, b) in enumerate(zip(correct, buggy), start=1) if a != b)
    assert first_difference == BUG_LINE
    assert buggy[BUG_LINE - 1]["action"] == "Deliver" and buggy[BUG_LINE - 1]["args"]["r"]["client"] == "c1"


def test_the_correct_run_is_a_behaviour(spec):
    r = spec.validate(CORRECT)
    assert r.kind is ValidationKind.VALID and r.exit_code == 0
    assert r.stats.lines == r.stats.explained == 11
    assert len(r.trace) == 11 and r.line_states == tuple(range(11))  # one spec step per line
    assert r.trace.steps[BUG_LINE - 2].label() == "Deliver(r=Req{client: c1, seq: 1, key: k1, val: v1})"


def test_the_buggy_run_is_rejected_at_the_late_delivery(spec):
    r = spec.validate(BUGGY)
    assert r.kind is ValidationKind.NOT_A_BEHAVIOUR and r.exit_code == 12
    u = r.unexplained
    assert u.line == BUG_LINE and r.stats.explained == BUG_LINE - 1
    assert u.logged["store"].get("k1") == "v1"  # the stale value the bug wrote back
    assert [c["store"].get("k1") for c in u.candidates] == ["v2"]
    assert [o["store"].get("k1") for o in u.offers] == ["v2"]  # the spec only re-answers


def strip_steps(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in ("action", "args")} for e in entries]


def test_without_action_names_the_verdicts_stand(spec):
    assert spec.validate(strip_steps(lines(CORRECT))).ok
    r = spec.validate(strip_steps(lines(BUGGY)))
    assert r.unexplained.line == BUG_LINE
    # Not knowing which request was delivered, more states are consistent.
    assert r.stats.max_candidates > 1


def server_lines(entries: list[dict]) -> list[dict]:
    """The server's log alone: init and the Deliver lines (1, 3, 5, 7, 10)."""
    return [e for e in entries if e["action"] in ("init", "Deliver")]


def test_a_server_only_log_needs_gaps_for_the_client_steps(spec):
    log = server_lines(lines(CORRECT))
    assert len(log) == 5
    # Each Deliver needs the client's Put before it, unlogged.
    assert spec.validate(log).unexplained.line == 2
    r = spec.validate(log, max_gap=1)
    # One gap step suffices each time: c1's Ack may come before c2's first
    # Deliver rather than after it, as in the full log. So every line after
    # the first takes 2 spec steps: 1 + 4 * 2 states.
    assert r.ok and len(r.trace) == 9 and r.line_states == (0, 2, 4, 6, 8)
    bad = spec.validate(server_lines(lines(BUGGY)), max_gap=3)
    assert bad.unexplained.line == 4  # the 4th server line is line 7 of the full log


def test_the_report_golden(spec, golden):
    r = spec.validate(BUGGY)
    r.stats.seconds = 0.0
    golden("kvstore_buggy", render_validation(r, "examples/kvstore/buggy.ndjson", 0))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "specpy"
    env = {k: v for k, v in os.environ.items() if k != "SPECPY_DEBUG"}
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_the_command_line_exit_codes():
    assert run_cli("validate", str(SPEC), str(CORRECT), "--quiet").returncode == 0
    bad = run_cli("validate", str(SPEC), str(BUGGY), "--json")
    assert bad.returncode == 12
    out = json.loads(bad.stdout)
    assert out["result"] == "not-a-behaviour" and out["unexplained"]["line"] == BUG_LINE
    assert out["unexplained"]["offers"] == [
        {"store": {"#map": [["k1", {"tag": "Some", "value": "v2"}], ["k2", {"tag": "None", "value": {}}]]},
         "applied": {"#map": [["c1", {"#bigint": "1"}], ["c2", {"#bigint": "1"}]]}}
    ]


def test_the_command_line_locates_a_bad_line(tmp_path):
    log = tmp_path / "run.ndjson"
    text = CORRECT.read_text().splitlines()
    text[3] = text[3].replace('"c2": 1', '"c2": 5')
    log.write_text("\n".join(text) + "\n")
    r = run_cli("validate", str(SPEC), str(log))
    assert r.returncode == 151
    assert f"{log}:4:62: error[E-log-line]: issued[c2]: 5 is not a value of type 0..2" in r.stderr
    assert r.stdout == ""


def test_the_command_line_refuses_a_negative_gap_and_a_missing_log(tmp_path):
    r = run_cli("validate", str(SPEC), str(CORRECT), "--max-gap", "-1")
    assert r.returncode == 151 and "--max-gap -1: must be at least 0" in r.stderr
    r = run_cli("validate", str(SPEC), str(tmp_path / "none.ndjson"))
    assert r.returncode == 151 and "cannot read" in r.stderr


def test_the_command_line_stops_at_max_states(tmp_path):
    # Line 1 needs the initial state: 1 state held, so a limit of 1 passes it;
    # line 2 holds more. A stop is exit 152 with the limit named in the JSON.
    r = run_cli("validate", str(SPEC), str(CORRECT), "--max-states", "1", "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 152 and out["result"] == "limit" and out["limit"] == "max-states"
    r = run_cli("validate", str(SPEC), str(CORRECT), "--max-states", "0")
    assert r.returncode == 151 and "--max-states 0: must be at least 1" in r.stderr
