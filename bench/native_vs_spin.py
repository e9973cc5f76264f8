"""twophase with N RMs: specpy native (C compilation included) vs SPIN, and specpy python.

One command, one machine state, ratios printed with the load (`uptime`):

    python bench/native_vs_spin.py 8             # native and SPIN
    python bench/native_vs_spin.py 8 --python    # and the Python backend

- specpy native: `specpy check --backend native --type RM=r1..rN --json`
  with an empty compiled-module cache (a fresh XDG_CACHE_HOME), so the
  wall time includes generating and compiling the C;
- SPIN: bench/peers/twophase_pml.py writes the Promela translation, then
  `spin -a`, `gcc -O2 -DSAFETY -o pan pan.c`, `./pan -m10000 -w24`, each
  timed; SPIN's "states, stored" must equal specpy's distinct states
  (1,745,408 for 8 RMs, TLC's count).

Peak memory is /usr/bin/time's maximum resident set size of each command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "peers"))

from twophase_pml import promela  # noqa: E402


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KB, stdout) of one command."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "RSS %M", *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    rss = int(re.findall(r"RSS (\d+)", done.stderr)[-1])
    return wall, rss, done.stdout


def specpy(n: int, backend: str, cache: Path) -> tuple[float, int, dict]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    rms = ",".join(f"r{i}" for i in range(1, n + 1))
    cmd = [sys.executable, "-m", "specpy", "check", "--backend", backend, "--type", f"RM={rms}", "--json", "--quiet",
           str(ROOT / "specs" / "twophase.spec")]
    wall, rss, out = timed(cmd, env=env)
    return wall, rss, json.loads(out)


def spin(n: int, work: Path) -> dict:
    (work / "tp.pml").write_text(promela(n))
    a, _, _ = timed(["spin", "-a", "tp.pml"], cwd=work)
    c, _, _ = timed(["gcc", "-O2", "-DSAFETY", "-o", "pan", "pan.c"], cwd=work)
    p, rss, out = timed(["./pan", "-m10000", "-w24"], cwd=work)
    stored = int(re.search(r"(\d+) states, stored", out).group(1))
    transitions = int(re.search(r"(\d+) transitions", out).group(1))
    return {"spin_a": a, "gcc": c, "pan": p, "total": a + c + p, "rss_kb": rss, "stored": stored, "transitions": transitions}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rms", type=int, nargs="?", default=8)
    ap.add_argument("--python", action="store_true", help="also time the Python backend")
    args = ap.parse_args()
    if shutil.which("spin") is None:
        raise SystemExit("spin is not installed (apt-get install spin)")
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        nat_wall, nat_rss, nat = specpy(args.rms, "native", Path(tmp) / "cache")
        rows.append(("specpy native (compile incl.)", nat_wall, nat_rss, nat["distinct_states"], nat["states_generated"]))
        s = spin(args.rms, Path(tmp))
        rows.append((f"SPIN (spin -a {s['spin_a']:.2f} + gcc {s['gcc']:.2f} + pan {s['pan']:.2f})", s["total"], s["rss_kb"], s["stored"], s["transitions"]))
        if args.python:
            py_wall, py_rss, py = specpy(args.rms, "python", Path(tmp) / "cache")
            rows.append(("specpy python", py_wall, py_rss, py["distinct_states"], py["states_generated"]))
    print(f"twophase, {args.rms} RMs")
    print(f"{'':48} {'wall s':>8} {'peak MB':>8} {'states':>10} {'generated':>11} {'B/state':>8}")
    for name, wall, rss, states, gen in rows:
        print(f"{name:48} {wall:8.2f} {rss / 1024:8.0f} {states:10,} {gen:11,} {rss * 1024 / states:8.0f}")
    assert nat["distinct_states"] == s["stored"], "SPIN and specpy disagree on the number of states"
    print(f"native / SPIN wall: {nat_wall / s['total']:.2f}x" + (f"; python / native: {py_wall / nat_wall:.2f}x" if args.python else ""))
    print("load after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
