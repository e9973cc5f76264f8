"""Ctrl-C and SIGTERM stop a long check with the statistics so far (exit 152).

The run is twophase with 8 RMs (1,745,408 states: tens of seconds). Its stderr
is a terminal (a pty), so specpy prints its progress line; the signal is sent
once that line shows the search exploring, however slow the machine is.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from terminal_run import TerminalRun

ROOT = Path(__file__).resolve().parents[2]
SPECPY = shutil.which("specpy", path=os.path.dirname(sys.executable)) or shutil.which("specpy")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and ptys")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_search_with_its_statistics(sig: int) -> None:
    rms = ",".join(f"r{i}" for i in range(1, 9))
    run = TerminalRun([SPECPY, "check", "--backend", "python", "specs/twophase.spec", "--type", f"RM={rms}", "--json"], ROOT)
    run.wait_until_exploring()
    run.proc.send_signal(sig)
    code, out, err = run.finish(timeout=120)
    assert code == 152, err
    result = json.loads(out)
    assert (result["result"], result["limit"]) == ("limit", "interrupted")
    assert 0 < result["distinct_states"] < 1_745_408  # TLC: 1,745,408 for 8 RMs
    assert "Traceback" not in err
    assert "To be able to resume a stopped run, start it with --checkpoint DIR." in err
