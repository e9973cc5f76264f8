"""Time per BMC depth (Z3 backend) against the explicit checker, same spec.

For each spec, the BMC times are cumulative wall times to finish depth k
(one incremental solver, as `specpy check --backend z3 --depth K` runs it),
medians of --runs runs in this process; the explicit time is a full
`check` of the same model (median of --runs). Output: a markdown table.

    python bench/bmc_depth.py                       # twophase (7 RMs), raft_abstract
    python bench/bmc_depth.py --runs 1 --max-depth 6
    python bench/bmc_depth.py --runs 1 --only raft.spec --max-depth 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from specpy.explicit import check as explicit_check
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
from specpy.smt.bmc import Bmc, Solver
from specpy.smt.system import System

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("twophase.spec, 7 RMs", "twophase.spec", Overrides(types={"RM": tuple(f"r{i}" for i in range(1, 8))}), 12),
    ("raft_abstract.spec", "raft_abstract.spec", Overrides(), 4),
    ("raft.spec (messages, faults block)", "raft.spec", Overrides(), 4),
]


def bmc_times(model, depth: int) -> list[float]:
    """Seconds from the start (encoding included) until each depth 0..depth is settled."""
    start = time.monotonic()
    bmc = Bmc(System(model), depth, True, Solver(None), start)
    marks: list[float] = []
    first = bmc.first

    def timed(candidates, length):
        found = first(candidates, length)
        marks.append(time.monotonic() - start)
        return found

    bmc.first = timed
    result = bmc.run()
    assert result.violation is None, f"unexpected violation: {result.violation}"
    return marks[-(depth + 1):]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-depth", type=int, default=None)
    ap.add_argument("--only", metavar="SPEC", help="run only the case of this spec file")
    args = ap.parse_args()
    for label, name, overrides, depth in CASES:
        if args.only is not None and name != args.only:
            continue
        depth = min(depth, args.max_depth) if args.max_depth is not None else depth
        model = load(ROOT / "specs" / name, overrides)
        runs = [bmc_times(model, depth) for _ in range(args.runs)]
        explicit = []
        for _ in range(args.runs):
            t = time.monotonic()
            r = explicit_check(model, CheckOptions())
            explicit.append(time.monotonic() - t)
        print(f"\n### {label}: explicit full check {statistics.median(explicit):.2f} s "
              f"({r.stats.distinct_states:,} distinct states, depth {r.stats.depth})\n")
        print("| BMC depth (steps) | cumulative s (median) | ratio to explicit |")
        print("|--:|--:|--:|")
        for k in range(depth + 1):
            s = statistics.median(run[k] for run in runs)
            print(f"| {k} | {s:.2f} | {s / statistics.median(explicit):.2f} |")


if __name__ == "__main__":
    main()
