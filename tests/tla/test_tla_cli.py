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
    spec.write_text("const N = 2\nvar n: 0..3 = 0\naction Add {\n    for i in 1..N { n = n + i }\n}\n")
    r = run("tla", str(spec), "-o", str(tmp_path))
    assert r.exit_code == 0, r.output
    # each iteration reads the one before: one step per element, in specpy's order
    tla = (tmp_path / "F.tla").read_text()
    assert "LET n_1 == n + 1" in tla and "LET n_2 == n_1 + 2" in tla and "n' = n_2" in tla


def test_tla_writes_a_loop_over_map_entries_as_one_new_map(tmp_path):
    """`for q in S where c { v[a][q] = f }` writes one entry per element: one function, no unrolling."""
    spec = tmp_path / "f.spec"
    spec.write_text(
        "const N = 3\ntype P = 1..N\nvar s: [P -> [P -> 0..1]] = {p: {q: 0 for q in P} for p in P}\n"
        "action All(p: P) {\n    for q in P { s[p][q] = 1 - s[p][q] }\n}\n"
        "action Others(p: P) {\n    for q in {q for q in P if q != p} where s[p][q] == 0 { s[p][q] = 1 }\n}\n"
    )
    r = run("tla", str(spec), "-o", str(tmp_path))
    assert r.exit_code == 0, r.output
    tla = (tmp_path / "F.tla").read_text()
    assert "s' = [s EXCEPT ![p] = [q \\in P |-> 1 - s[p][q]]]" in tla
    others = tla[tla.index("Others(p) =="):]
    assert "s' = [s EXCEPT ![p] = [q \\in P |-> IF q \\in {" in others and "/\\ (s[p][q] = 0) THEN 1 ELSE s[p][q]]]" in others
    assert "Stored" not in others and "IF 3 \\in" not in others  # 1 fits 0..1; no unrolling
    assert "\nCONSTANTS N\n" in tla and "P == 1..N" in tla
    assert "    N = 3\n" in (tmp_path / "F.cfg").read_text()


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
