"""Trace-validation throughput: `specpy validate` on long logs of the kvstore example.

A seeded random walk of examples/kvstore/kvstore.spec (with more puts per
client, `--const MaxReq=M`) is written as four logs, from the most to the
least informative:

    named     every variable, the action and its arguments (one candidate state)
    states    every variable, no step names
    partial   the server's variables only (store, applied), no step names
    gapped    `partial` with every other line left out, validated with --max-gap 1

Each log is validated by a fresh `specpy validate --json` process, several
times; the table gives the median wall time (start-up and parsing included),
lines per second, and the largest candidate set. The `named` row is the
baseline the others are compared with (× slower).

    python bench/validate_walk.py                  # 100 steps, MaxReq=40, 3 runs
    python bench/validate_walk.py --steps 50 --runs 5

The partial logs show the cost of exactness: the network and the client
counters are never logged, so every network content consistent with the
server's view is a candidate, and their number grows with the log (a
400-step partial log did not finish in 15 minutes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import specpy
from specpy.explicit.compile import CompiledModel
from specpy.explicit.simulate import random_trace
from specpy.trace.ndjson import trace_to_lines

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "examples" / "kvstore" / "kvstore.spec"
SERVER_VARS = ("store", "applied")


def logs(steps: int, max_req: int, seed: int) -> dict[str, tuple[list[dict], int]]:
    spec = specpy.load(SPEC, consts={"MaxReq": max_req})
    trace = random_trace(CompiledModel(spec.model), steps, seed)
    named = trace_to_lines(trace, spec.var_types, spec.param_types)
    states = [{k: v for k, v in line.items() if k not in ("action", "args")} for line in named]
    partial = [{k: v for k, v in line.items() if k in SERVER_VARS} for line in named]
    gapped = partial[::2]
    return {"named": (named, 0), "states": (states, 0), "partial": (partial, 0), "gapped": (gapped, 1)}


def run(log: Path, max_req: int, gap: int) -> tuple[float, dict]:
    specpy_bin = Path(sys.executable).parent / "specpy"
    cmd = [str(specpy_bin), "validate", str(SPEC), str(log), "--json", "--const", f"MaxReq={max_req}", "--max-gap", str(gap)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    out = json.loads(done.stdout)
    if done.returncode != 0:
        raise SystemExit(f"{log.name}: exit {done.returncode}: {out}")
    return seconds, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--max-req", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (lines, gap) in logs(args.steps, args.max_req, args.seed).items():
            path = Path(tmp) / f"{name}.ndjson"
            path.write_text("".join(json.dumps(line) + "\n" for line in lines))
            results = [run(path, args.max_req, gap) for _ in range(args.runs)]
            median = statistics.median(s for s, _ in results)
            rows.append((name, len(lines), gap, median, results[0][1]["max_candidates"]))
    base = rows[0][3]
    print(f"kvstore, MaxReq={args.max_req}, {args.steps}-step walk (seed {args.seed}), median of {args.runs} runs\n")
    print("| log | lines | --max-gap | median s | lines/s | max candidates | × named |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, n, gap, median, cands in rows:
        print(f"| {name} | {n:,} | {gap} | {median:.2f} | {n / median:,.0f} | {cands:,} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
