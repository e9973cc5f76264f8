"""Generated code can be read: linecache (tracebacks, profilers) and --dump-code."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from specpy.cli import main
from specpy.explicit.compile import DUMP_ENV, CompiledModel
from specpy.pipeline import load

ROOT = Path(__file__).resolve().parents[2]


def test_a_traceback_shows_the_generated_source() -> None:
    cm = CompiledModel(load(ROOT / "specs" / "diehard.spec"))
    try:
        cm.actions[0].run("not a state", [])  # unpacking fails inside generated code
    except ValueError:
        text = traceback.format_exc()
    assert '<specpy DieHard act' in text
    assert "s0, s1, = s" in text  # the generated line itself, from linecache


def test_dump_code_writes_every_function_with_its_spec_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(DUMP_ENV, raising=False)
    res = CliRunner().invoke(main, ["--dump-code", str(tmp_path), "check", "specs/diehard.spec", "--quiet"])
    monkeypatch.delenv(DUMP_ENV, raising=False)  # the option sets it for this process
    assert res.exit_code == 12
    files = sorted((tmp_path / "DieHard").glob("*.py"))
    # init, six actions, the invariant check and the chunk function (expand)
    assert {f.name.rstrip("0123456789.py") for f in files} >= {"init", "act", "chk", "expand"}
    fill = next(f.read_text() for f in files if "action FillSmall" in f.read_text())
    assert fill.startswith("# specpy generated code, compiled from 'specs/diehard.spec:18:8'\n# 'action FillSmall { small = 3 }'\n")
    compile(fill, "x", "exec")  # the dump is valid Python


def test_dump_code_to_an_unwritable_place_is_a_bad_option(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    res = CliRunner().invoke(main, ["--dump-code", str(tmp_path / "file" / "x"), "check", "specs/diehard.spec"])
    assert res.exit_code == 151 and res.stderr.startswith("error: --dump-code ")
