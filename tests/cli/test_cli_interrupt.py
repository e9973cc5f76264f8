"""Ctrl-C and SIGTERM stop a long check with the statistics so far (exit 152).

The run is twophase with 8 RMs (1,745,408 states: tens of seconds), signalled
after it has surely started exploring.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECPY = shutil.which("specpy", path=os.path.dirname(sys.executable)) or shutil.which("specpy")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_search_with_its_statistics(sig: int) -> None:
    rms = ",".join(f"r{i}" for i in range(1, 9))
    proc = subprocess.Popen(
        [SPECPY, "check", "--backend", "python", "specs/twophase.spec", "--type", f"RM={rms}", "--json"],  # timed for the Python backend
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(4.0)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 152, err
    result = json.loads(out)
    assert (result["result"], result["limit"]) == ("limit", "interrupted")
    assert 0 < result["distinct_states"] < 1_745_408  # TLC: 1,745,408 for 8 RMs
    assert "Traceback" not in err
    assert "To be able to resume a stopped run, start it with --checkpoint DIR." in err
