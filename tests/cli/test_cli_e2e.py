"""End-to-end: the installed `specpy` console script on small specs.

Each case pins the exit code (TLC's table, result.py) and the `--json`
numbers, counted as TLC counts them: generated = initial states plus every
successor produced; depth = states on the longest shortest path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from specpy.ir.types import RangeT
from specpy.trace.itf import read_itf

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def specpy_bin() -> str:
    """The console script of the environment running the tests."""
    beside = Path(sys.executable).parent / "specpy"
    found = str(beside) if beside.exists() else shutil.which("specpy")
    assert found, "the specpy console script is not installed (pip install -e '.[test]')"
    return found


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPECPY_DEBUG"}
    return subprocess.run(
        [specpy_bin(), *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def check_json(spec: str | Path, *args: str) -> tuple[int, dict[str, Any]]:
    proc = run("check", spec, "--json", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, f"--json must print one JSON object, got: {proc.stdout!r} / {proc.stderr!r}"
    return proc.returncode, json.loads(lines[0])


def data(name: str) -> Path:
    return DATA / name


def test_twophase_matches_tlc() -> None:
    code, out = check_json(ROOT / "specs" / "twophase.spec")
    assert (code, out["result"]) == (0, "ok")
    assert (out["distinct_states"], out["states_generated"], out["depth"]) == (288, 1146, 11)
    assert out["violation"] is None


def test_ok_counts() -> None:
    code, out = check_json(data("ok.spec"))
    assert (code, out["result"], out["bounded"]) == (0, "ok", False)
    assert (out["distinct_states"], out["states_generated"], out["depth"]) == (4, 5, 4)
    assert {row["action"] for row in out["coverage"]} == {"Inc", "Reset"}


def test_deadlock_exit_11() -> None:
    code, out = check_json(data("deadlock.spec"))
    assert (code, out["result"]) == (11, "deadlock")
    assert out["violation"]["kind"] == "deadlock"
    assert out["violation"]["trace_length"] == 4


def test_no_deadlock_flag() -> None:
    code, out = check_json(data("deadlock.spec"), "--no-deadlock")
    assert (code, out["result"], out["distinct_states"]) == (0, "ok", 4)


def test_invariant_exit_12() -> None:
    code, out = check_json(data("invariant.spec"))
    assert (code, out["result"]) == (12, "invariant")
    assert (out["violation"]["name"], out["violation"]["trace_length"]) == ("Small", 3)


def test_assert_exit_14() -> None:
    code, out = check_json(data("assert.spec"))
    assert (code, out["result"], out["violation"]["kind"]) == (14, "assert", "assert")


def test_eval_error_exit_75() -> None:
    code, out = check_json(data("evalerror.spec"))
    assert (code, out["result"], out["violation"]["kind"]) == (75, "eval-error", "eval-error")


def test_spec_error_exit_150() -> None:
    proc = run("check", data("specerror.spec"))
    assert proc.returncode == 150
    assert proc.stdout == ""
    assert "specerror.spec:5:14: error[E-assign-to-undeclared]:" in proc.stderr
    assert "^" in proc.stderr and "Traceback" not in proc.stderr
    code, out = check_json(data("specerror.spec"))
    assert (code, out["result"]) == (150, "spec-error")
    assert out["errors"] and out["errors"][0]["line"] == 5


def test_overrides_change_the_state_space() -> None:
    assert check_json(data("params.spec"))[1]["distinct_states"] == 9
    assert check_json(data("params.spec"), "--const", "Max=3")[1]["distinct_states"] == 16
    assert check_json(data("params.spec"), "--type", "P=p1,p2,p3")[1]["distinct_states"] == 27


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--const", "Max"), "--const Max"),
        (("--type", "P="), "--type P="),
        (("--const", "Nope=1"), "Nope"),
        (("--const", "Max=true"), "Max"),
        (("--type", "Nope=a,b"), "Nope"),
        (("--max-states", "0"), "--max-states"),
    ],
)
def test_bad_option_values_exit_151(args: tuple[str, ...], needle: str) -> None:
    proc = run("check", data("params.spec"), *args)
    assert proc.returncode == 151, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_missing_spec_file_exit_151() -> None:
    proc = run("check", data("no-such.spec"))
    assert proc.returncode == 151
    assert "no-such.spec" in proc.stderr


def test_max_states_exit_152() -> None:
    code, out = check_json(data("params.spec"), "--max-states", "5")
    assert (code, out["result"]) == (152, "limit")
    assert out["limit"]


def test_depth_bound_is_reported_as_bounded() -> None:
    code, out = check_json(data("params.spec"), "--depth", "2")
    assert (code, out["result"], out["bounded"]) == (0, "ok", True)
    assert out["distinct_states"] < 9


def test_usage_error_exit_2() -> None:
    assert run("check", data("ok.spec"), "--no-such-flag").returncode == 2
    assert run("check", data("ok.spec"), "--max-states", "many").returncode == 2


def test_human_report_and_quiet() -> None:
    proc = run("check", data("invariant.spec"))
    assert proc.returncode == 12
    head, report = proc.stdout.split("\n\n", 1)
    assert head.startswith("Checking ") and "  invariants: Small\n" in head
    assert report.startswith("Invariant Small violated")
    assert "State 1 (initial)" in proc.stdout and "distinct states" in proc.stdout
    quiet = run("check", data("invariant.spec"), "--quiet")
    assert quiet.returncode == 12
    assert quiet.stdout.count("\n") == 1 and quiet.stdout.startswith("Invariant Small violated")


def test_trace_out_writes_itf(tmp_path: Path) -> None:
    out_file = tmp_path / "cex.itf.json"
    proc = run("check", data("invariant.spec"), "--trace-out", out_file)
    assert proc.returncode == 12
    trace = read_itf(out_file, {"x": RangeT(0, 3)})
    assert [s["x"] for s in trace.states] == [0, 1, 2]
    assert [s.action for s in trace.steps] == ["Inc", "Inc"]


def test_trace_out_into_missing_directory_exit_151(tmp_path: Path) -> None:
    proc = run("check", data("ok.spec"), "--trace-out", tmp_path / "nope" / "t.json")
    assert proc.returncode == 151
    assert "does not exist" in proc.stderr


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and "specpy" in proc.stdout


def test_startup_imports_stay_light() -> None:
    """`specpy` must start fast: importing the CLI loads no backend, parser, z3, numpy or
    command module; a check loads no other command's module, no z3 and no lark (it parses
    with syntax/lalr.py over generated tables)."""
    heavy = ("z3", "lark", "numpy", "specpy.explicit", "specpy.syntax.parser", "specpy.cli.check", "specpy.cli.tla")
    code = f"import sys, specpy.cli; print([m for m in {heavy!r} if m in sys.modules])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
    others = ("z3", "lark", "specpy.cli.tla", "specpy.cli.prove", "specpy.cli.fmt", "specpy.cli.linearizable", "specpy.cli.explore")
    assert loaded_by_a_check(others, "-q") == "[]"


def loaded_by_a_check(modules: tuple[str, ...], quiet: str) -> str:
    """Which of `modules` a one-state `specpy check QUIET ok.spec` has imported (a list, printed)."""
    code = (
        "import sys; from specpy.cli import main\n"
        f"try: main(['check', {quiet!r}, {str(data('ok.spec'))!r}])\n"
        f"except SystemExit: print([m for m in {modules!r} if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip().splitlines()[-1]


def test_a_check_defines_its_classes_with_nodeclass() -> None:
    """`dataclass()` costs 0.2-0.7 ms a class (specpy/nodeclass.py): the classes a check
    defines are `@nodeclass`es. Fails naming any `@dataclass` on a check's path."""
    code = (
        "import dataclasses, sys\n"
        "made = []\n"
        "real = dataclasses._process_class\n"
        "def spy(cls, *args, **kwargs):\n"
        "    made.append(cls.__module__ + '.' + cls.__qualname__)\n"
        "    return real(cls, *args, **kwargs)\n"
        "dataclasses._process_class = spy\n"
        "from specpy.cli import main\n"
        f"try: main(['check', '--quiet', {str(data('ok.spec'))!r}])\n"
        "except SystemExit: print([name for name in made if name.startswith('specpy.') and '_Probe' not in name])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]", "use @nodeclass (specpy/nodeclass.py) for these"


def test_a_check_imports_only_what_it_uses() -> None:
    """Imported where used, not by every check: "did you mean" suggestions (difflib), cffi's
    builder and its C parser once the native library is cached (native/build.py), the
    temporary files of spilling and written outputs (tempfile), shutil (and its bz2 and lzma)
    for removing spilled or old checkpoint directories, json (--json, checkpoints), --debug's
    traceback. (click itself
    imports difflib when a short option such as -q is parsed, so the check below has none.)"""
    lazy = ("difflib", "cffi", "pycparser", "tempfile", "shutil", "bz2", "lzma", "json", "traceback")
    subprocess.run([sys.executable, "-m", "specpy", "check", "--quiet", str(data("ok.spec"))], capture_output=True, check=True)
    assert loaded_by_a_check(lazy, "--quiet") == "[]"


def test_the_collector_is_off_only_while_the_cli_starts() -> None:
    """cli/startup.py: the cyclic collector is off while the CLI starts and back on, with
    start-up's objects frozen, when a check's search runs and when any other command runs;
    the library alone never turns it off."""
    code = (
        "import gc, sys\n"
        "import specpy.api\n"
        "library = gc.isenabled()\n"
        "import specpy.cli\n"
        "paused = gc.isenabled()\n"
        "from specpy.explicit import search\n"
        "seen = []\n"
        "real = search.Search.run\n"
        "def run(self):\n"
        "    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "    return real(self)\n"
        "search.Search.run = run\n"
        f"try: specpy.cli.main(['check', '-q', {str(data('ok.spec'))!r}])\n"
        "except SystemExit: print(library, paused, seen)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "True False [(True, True)]"
    code = (
        "import gc, specpy.cli\n"
        "from specpy.cli import fmt\n"
        "real = fmt.fmt.callback\n"
        "def callback(*args, **kwargs):\n"
        "    print('collector', gc.isenabled())\n"
        "    return real(*args, **kwargs)\n"
        "fmt.fmt.callback = callback\n"
        f"try: specpy.cli.main(['fmt', '--check', {str(data('ok.spec'))!r}])\n"
        "except SystemExit: pass"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "collector True" in proc.stdout, proc.stdout + proc.stderr
