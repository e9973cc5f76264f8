"""`specpy tla` / `specpy tlc` / `specpy crosscheck` from the command line: outputs and exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from specpy.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_tla_writes_module_and_cfg(tmp_path):
    r = run("tla", str(ROOT / "specs" / "twophase.spec"), "-o", str(tmp_path), "--type", "RM=p,q", "--no-deadlock")
    assert r.exit_code == 0, r.output
    tla = (tmp_path / "TwoPhase.tla").read_text()
    cfg = (tmp_path / "TwoPhase.cfg").read_text()
    assert "CONSTANTS p, q" in tla and "(with --type RM=p,q --no-deadlock)" in tla
    assert "    p = p" in cfg and "CHECK_DEADLOCK FALSE" in cfg and "INVARIANT Consistent" in cfg


def test_tla_refuses_a_crash_after_a_branching_init_with_a_location(tmp_path):
    spec = tmp_path / "f.spec"
    spec.write_text(
        "type S = {a, b}\ndurable var x: 0..1\nvar y: [S -> 0..1] = {s: 0 for s in S}\n"
        "init { either { x = 0 } or { x = 1 } }\naction Up { x = 1 }\nfaults {\n    crash S\n}\n"
    )
    r = run("tla", str(spec), "-o", str(tmp_path))
    assert r.exit_code == 150
    assert f"{spec}:6:1: error[E-unsupported]: the TLA+ export of `crash` needs an `init` without require, choose, either or for" in r.output


def test_tla_refuses_a_for_over_a_state_dependent_range_with_a_location(tmp_path):
    # `1..len(s)` has int elements: no universe to unroll over. It used to be an
    # unlocated "type int has no finite universe".
    spec = tmp_path / "f.spec"
    spec.write_text(
        "var s: seq[0..1, 2] = []\nvar n: 0..2 = 0\n"
        "action Add { require len(s) < 2; s = append(s, 1) }\n"
        "action Count {\n    n = 0\n    for i in 1..len(s) { n += s[i] }\n}\n"
    )
    r = run("tla", str(spec), "-o", str(tmp_path))
    assert r.exit_code == 150
    assert f"{spec}:6:5: error[E-unsupported]: the TLA+ export writes a `for` over a state-dependent set only when" in r.output
    assert "write `for i in 1..N where i <= len(s)`" in r.output


def test_tla_unrolls_a_for_over_a_constant_range(tmp_path):
    spec = tmp_path / "f.spec"
    spec.write_text("const N = 2\nvar s: [1..N -> 0..1] = {i: 0 for i in 1..N}\naction Set {\n    for i in 1..N { s[i] = 1 }\n}\n")
    r = run("tla", str(spec), "-o", str(tmp_path))
    assert r.exit_code == 0, r.output
    assert "s' = [[s EXCEPT ![1] = 1] EXCEPT ![2] = 1]" in (tmp_path / "F.tla").read_text()


def test_tla_needs_specs_or_all():
    assert run("tla").exit_code == 151


def test_tlc_without_a_jar_says_how_to_get_one():
    r = run("tlc", str(ROOT / "tla"), env={"SPECPY_TLC_JAR": ""})
    assert r.exit_code == 153
    assert "tla2tools.jar" in r.output and "SPECPY_TLC_JAR" in r.output and "java" in r.output


def test_crosscheck_without_a_jar():
    r = run("crosscheck", str(ROOT / "specs" / "diehard.spec"), env={"SPECPY_TLC_JAR": ""})
    assert r.exit_code == 153 and "tla2tools.jar" in r.output


def test_tlc_refuses_a_trace_out_it_could_not_write(tmp_path):
    r = run("tlc", str(ROOT / "tla"), "--trace-out", str(tmp_path / "missing" / "t.itf.json"))
    assert r.exit_code == 151 and "--trace-out" in r.output and "does not exist" in r.output
