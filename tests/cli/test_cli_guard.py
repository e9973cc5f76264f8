"""One guard around every command (cli/output.py `GuardedGroup`).

Ctrl-C and SIGTERM end any command with 152 ("interrupted"), never click's
"Aborted!" and exit 1 (which is also `crosscheck`'s "disagree"); a bug in
specpy is 153 with a short message and how to report it, the traceback only
with `--debug` or SPECPY_DEBUG=1.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import specpy.cli as cli
import specpy.tla.tlc
import specpy.cli.tla
from specpy.cli.output import GuardedGroup
from specpy.result import EXIT_INTERRUPTED, EXIT_SYSTEM_ERROR

ROOT = Path(__file__).resolve().parents[2]
SPECPY = shutil.which("specpy", path=os.path.dirname(sys.executable)) or shutil.which("specpy")


def leaf_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the top group imports its commands on demand
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        if isinstance(cmd, click.Group):
            out.extend(leaf_commands(cmd, prefix + (name,)))
        else:
            out.append(prefix + (name,))
    return out


def test_every_command_is_under_the_guard() -> None:
    # Nested groups (`trace show`) are invoked by the top group's invoke, so
    # the guard covers them; the top group must be the guarded one.
    assert isinstance(cli.main, GuardedGroup)
    assert ("check",) in leaf_commands(cli.main) and ("trace", "show") in leaf_commands(cli.main)


def toy(raise_what: BaseException) -> click.Group:
    @click.group(cls=GuardedGroup)
    @click.option("--debug", is_flag=True)
    def main(debug: bool) -> None:
        pass

    @main.command()
    def boom() -> None:
        raise raise_what

    return main


def test_an_interrupt_anywhere_is_152() -> None:
    res = CliRunner().invoke(toy(KeyboardInterrupt()), ["boom"])
    assert (res.exit_code, res.stderr) == (EXIT_INTERRUPTED, "specpy: interrupted\n") == (152, res.stderr)


def test_a_bug_is_153_with_a_short_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPECPY_DEBUG", raising=False)
    res = CliRunner().invoke(toy(ZeroDivisionError("x")), ["boom"])
    assert res.exit_code == EXIT_SYSTEM_ERROR == 153
    assert res.stderr.startswith("specpy: internal error: ZeroDivisionError: x\nThis is a bug in specpy.")
    assert "Traceback" not in res.stderr
    assert "Traceback" in CliRunner().invoke(toy(ZeroDivisionError("x")), ["--debug", "boom"]).stderr


@pytest.mark.parametrize(
    "args, target",
    [
        (("tlc", str(ROOT / "tla" / "DieHard.tla")), "run_and_report"),
        (("tla", str(ROOT / "specs" / "diehard.spec"), "-o", "."), "export_spec"),
        (("crosscheck", str(ROOT / "specs" / "diehard.spec"), "--jar", "x.jar"), None),  # find_jar
    ],
    ids=["tlc", "tla", "crosscheck"],
)
def test_the_tla_commands_end_an_interrupt_with_152(
    args: tuple[str, ...], target: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # These three used to catch exceptions themselves: Ctrl-C in `tlc` was
    # 130, in `crosscheck` click's exit 1 ("the checkers disagree").
    def interrupt(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    if target is not None:
        monkeypatch.setattr(specpy.cli.tla, target, interrupt)
    monkeypatch.setattr(specpy.tla.tlc, "find_jar", interrupt)
    res = CliRunner().invoke(cli.main, list(args))
    assert (res.exit_code, res.stderr) == (152, "specpy: interrupted\n")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_stops_simulate_with_152() -> None:
    # A million walks through raft.spec take hours, so the signal arrives
    # while they run (the search's own handling of signals is
    # tests/cli/test_cli_interrupt.py).
    proc = subprocess.Popen(
        [SPECPY, "simulate", "specs/raft.spec", "--runs", "1000000", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(4.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 152, err
    assert err.endswith("specpy: interrupted\n") and "Traceback" not in err


def test_an_interrupt_while_parsing_the_command_line_is_152(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(click.Group, "parse_args", interrupt)
    res = CliRunner().invoke(cli.main, ["check", "x.spec"])
    assert (res.exit_code, res.stderr) == (152, "specpy: interrupted\n")


@pytest.mark.parametrize("command", [["check", "specs/diehard.spec"], ["tla", "specs/diehard.spec", "-o", "{tmp}"]])
def test_a_closed_standard_output_is_a_system_error_not_a_bug(tmp_path, command) -> None:
    """`specpy check ... | head -1`: whoever reads standard output goes away before the
    report is written. It was "internal error: BrokenPipeError ... This is a bug"."""
    read, write = os.pipe()
    os.close(read)  # nobody reads: the first write raises BrokenPipeError (Python ignores SIGPIPE)
    try:
        args = [word.format(tmp=tmp_path) for word in command]
        proc = subprocess.run([sys.executable, "-m", "specpy", *args], stdout=write, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == EXIT_SYSTEM_ERROR, proc.stderr
    assert "error: standard output was closed before specpy finished writing to it" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
