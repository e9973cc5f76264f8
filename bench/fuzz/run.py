"""The long fuzz run: structured inputs for every file format, under resource limits.

    .venv/bin/python bench/fuzz/run.py [--cases N] [--start K] [--seed-prefix S] [--jobs J] [--budget SECONDS]
                                       [--kind FORMAT]

Runs cases K .. K+N-1 (tests/robustness/fuzz_inputs.py: mutated and generated
specs, NDJSON logs, ITF traces, checkpoints, histories, in equal shares; with
--kind, only the case numbers of that generator among them) through the
CLI in worker processes with a 2 GB address-space limit and a 60 s limit per
case (tests/robustness/fuzz_harness.py), J chains of workers side by side.
Prints the counts per format and exit code and every finding with the case
number that replays it (`--start N --cases 1`). Exit 1 on any finding.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

from fuzz_harness import Report, case_kind, run_cases  # noqa: E402
from fuzz_inputs import GENERATORS  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--seed-prefix", default="bench")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--budget", type=float, help="stop starting cases after this many seconds")
    ap.add_argument("--kind", choices=list(GENERATORS), help="only the cases of this generator")
    args = ap.parse_args()
    end = args.start + args.cases
    numbers = [n for n in range(args.start, end) if args.kind is None or case_kind(n) == args.kind]
    with ThreadPoolExecutor(args.jobs) as pool:  # each thread drives its own worker process
        parts = list(pool.map(
            lambda j: run_cases(numbers[j::args.jobs], args.seed_prefix, progress=True, budget=args.budget),
            range(args.jobs),
        ))
    total = Report()
    for part in parts:
        total.outcomes.update(part.outcomes)
        total.findings += part.findings
        total.hangs += part.hangs
        total.deaths += part.deaths
        total.seconds = max(total.seconds, part.seconds)
    print(f"cases: {total.total:,} in {total.seconds:.0f} s; findings: {len(total.findings)} "
          f"(hangs {total.hangs}, dead workers {total.deaths})")
    for outcome, n in sorted(total.outcomes.items()):
        print(f"  {n:8,d}  {outcome}")
    for finding in total.findings:
        print("FINDING", finding)
    return 1 if total.findings else 0


if __name__ == "__main__":
    sys.exit(main())
