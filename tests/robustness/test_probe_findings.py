"""The twenty findings of the hostile probe (issue 20), one regression test each.

Every specpy run here is a child process under a memory and a time limit
(limited.py): two of these inputs used to grow to 24 GB before the kernel
killed them. The hostile inputs themselves are files in data/.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from limited import ROOT, run_specpy

DATA = Path(__file__).resolve().parent / "data"
DIEHARD = ROOT / "specs" / "diehard.spec"
TWOPHASE = ROOT / "specs" / "twophase.spec"


def data(name: str) -> Path:
    return DATA / name


# ---------------------------------------------------------------- 1: errors in the initial states


@pytest.mark.parametrize(
    ("spec", "code", "needle"),
    [
        ("init_div_zero.spec", 75, "division of 1 by zero"),
        ("init_assert.spec", 14, "Assertion failed"),
        ("init_out_of_range.spec", 75, "value 4 is not in 0..3"),
    ],
)
@pytest.mark.parametrize(
    "extra",
    [(), ("--workers", "2"), ("--html", "{tmp}/r.html"), ("--trace-out", "{tmp}/t.json")],
    ids=["plain", "workers", "html", "trace-out"],
)
def test_an_error_in_the_initial_states_is_reported_not_a_crash(tmp_path, spec, code, needle, extra) -> None:
    args = [a.format(tmp=tmp_path) for a in extra]
    result = run_specpy("check", data(spec), *args)
    assert result.code == code, result.stderr
    assert needle in result.stdout
    assert "No trace: the error is in the computation of the initial states." in result.stdout
    assert not (tmp_path / "t.json").exists()  # an ITF file with no state is never written (row 12)


@pytest.mark.parametrize("command", [("simulate",), ("check", "--backend", "z3", "--depth", "2"), ("prove",)])
def test_an_error_in_the_initial_states_other_commands(command) -> None:
    result = run_specpy(*command, data("init_div_zero.spec"))
    assert result.code == 75, result.stderr
    assert "division of 1 by zero" in result.stdout


# ---------------------------------------------------------------- 2: huge types


@pytest.mark.parametrize("spec", ["huge_type_nested_sets.spec", "huge_type_set_of_range.spec"])
def test_a_huge_type_is_checked_without_building_its_size(tmp_path, spec) -> None:
    """`universe_size` used to compute 2**(2**65536); the value {} has one state."""
    for command in (("check",), ("graph", "-o", tmp_path / "g.dot")):
        result = run_specpy(*command, data(spec), timeout=60)
        assert not result.crashed, result.stderr
    result = run_specpy("check", data(spec), "--json")
    assert result.code == 0 and json.loads(result.stdout)["distinct_states"] == 1


@pytest.mark.parametrize("spec", ["huge_type_nested_sets.spec", "huge_type_set_of_range.spec"])
def test_a_huge_type_is_a_located_error_for_z3(spec) -> None:
    result = run_specpy("check", data(spec), "--backend", "z3", "--depth", "2")
    assert result.code == 150, result.stderr
    assert f"{spec}:2:5: error: variable x" in result.stderr
    assert "Z3 terms" in result.stderr


def test_a_huge_product_of_parameter_domains_is_a_located_error() -> None:
    result = run_specpy("check", data("huge_parameter_product.spec"))
    assert result.code == 150
    assert "huge_parameter_product.spec:3:8: error: action T has 100,000,000 parameter tuples" in result.stderr


def test_universe_size_saturates() -> None:
    from specpy.ir.types import UNIVERSE_CAP, BoolT, MapT, RangeT, SeqT, SetT, describe_size, universe_size

    nested: object = BoolT()
    for _ in range(6):
        nested = SetT(nested)
    assert universe_size(nested) == UNIVERSE_CAP + 1
    assert describe_size(universe_size(nested)) == "more than 2**64"
    assert universe_size(SetT(RangeT(0, 63))) == 2**64  # exact up to the cap
    assert universe_size(MapT(RangeT(0, 2), RangeT(0, 3))) == 64
    assert universe_size(SeqT(RangeT(0, 0), 10**12)) == 10**12 + 1  # no loop over the length
    assert universe_size(SeqT(RangeT(0, 1), 3)) == 15


# ---------------------------------------------------------------- 5, 6, 17: output files


def test_trace_out_through_a_symlink_writes_the_target(tmp_path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run_specpy("check", DIEHARD, "--trace-out", link)
    assert result.code == 12, result.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text())["#meta"]["violation"] == "NotSolved"


def test_html_and_trace_out_follow_symlinks_alike(tmp_path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    assert run_specpy("check", DIEHARD, "--html", link).code == 12
    assert link.is_symlink() and "<html" in real.read_text()


@pytest.mark.parametrize("option", ["--trace-out", "--html"])
def test_a_fifo_or_device_is_refused_before_the_run(tmp_path, option) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/full")):
        result = run_specpy("check", DIEHARD, option, target, timeout=30)
        assert result.code == 151, (target, result.stderr)
        assert "not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_new_output_file_respects_the_umask(tmp_path) -> None:
    out = tmp_path / "t.json"
    result = run_specpy("check", DIEHARD, "--trace-out", out)
    assert result.code == 12
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("option", ["--trace-out", "--html"])
def test_an_output_that_is_an_input_is_refused(tmp_path, option) -> None:
    victim = tmp_path / "victim.spec"
    victim.write_bytes(DIEHARD.read_bytes())
    result = run_specpy("check", victim, option, victim)
    assert result.code == 151
    assert "that is an input of this command" in result.stderr
    assert victim.read_bytes() == DIEHARD.read_bytes()


def test_trace_html_output_that_is_its_input_is_refused(tmp_path) -> None:
    trace = tmp_path / "t.json"
    assert run_specpy("check", DIEHARD, "--trace-out", trace).code == 12
    before = trace.read_text()
    result = run_specpy("trace", "html", trace, "-o", trace)
    assert result.code == 151 and trace.read_text() == before


def test_an_empty_output_path_is_refused() -> None:
    result = run_specpy("check", DIEHARD, "--trace-out", "")  # click reads it as "."
    assert result.code == 151 and "not a regular file" in result.stderr


def test_a_passing_run_removes_the_stale_trace(tmp_path) -> None:
    out = tmp_path / "stale.json"
    assert run_specpy("check", DIEHARD, "--trace-out", out).code == 12
    assert out.exists()
    result = run_specpy("check", TWOPHASE, "--trace-out", out)
    assert result.code == 0
    assert not out.exists()
    assert "removed the file an earlier run left there" in result.stderr
