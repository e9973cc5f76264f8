"""Baseline throughput of the explicit checker on TwoPhase with 3..7 RMs.

Runs `specpy check specs/twophase.spec --json --type RM=r1,...,rN` as a user
would (a fresh process each time, so start-up is included), three times per
N, and prints a markdown table of the medians. A benchmark, not a test: run
it by hand (see bench/README.md) and paste the table where it is needed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "twophase.spec"


def specpy_command() -> list[str]:
    """The console script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "specpy"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("specpy")
    if found is None:
        sys.exit("twophase_baseline: no specpy console script; run `pip install -e .` first")
    return [found]


def run_once(n: int, extra: list[str]) -> tuple[dict, float]:
    """One check with N RMs: its --json object and the wall time of the process."""
    members = ",".join(f"r{i}" for i in range(1, n + 1))
    cmd = [*specpy_command(), "check", str(SPEC), "--json", "--type", f"RM={members}", *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"twophase_baseline: N={n} exited {proc.returncode}:\n{proc.stderr}")
    return json.loads(proc.stdout), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=int, default=3, help="smallest number of RMs (default 3)")
    parser.add_argument("--max", type=int, default=7, help="largest number of RMs (default 7)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is reported (default 3)")
    parser.add_argument("extra", nargs="*", help="further `specpy check` options, after --")
    args = parser.parse_args()

    print("| N | distinct | generated | median s | states/s |")
    print("|--:|---------:|----------:|---------:|---------:|")
    for n in range(args.min, args.max + 1):
        results = [run_once(n, args.extra) for _ in range(args.runs)]
        out = results[0][0]
        if any((o["distinct_states"], o["states_generated"]) != (out["distinct_states"], out["states_generated"])
               for o, _ in results):
            sys.exit(f"twophase_baseline: N={n}: state counts differ between runs (the search must be deterministic)")
        median = statistics.median(t for _, t in results)
        rate = out["states_generated"] / median if median > 0 else 0.0
        print(
            f"| {n} | {out['distinct_states']:,} | {out['states_generated']:,} "
            f"| {median:.2f} | {rate:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
