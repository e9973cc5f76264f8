"""The parser's share of start-up, phase by phase: before/after in interleaved rounds.

    python bench/parser_phases.py --before /path/to/old/checkout/src [--runs 11] [--spec specs/raft.spec]

Each round runs, in a fresh process per side, `import specpy`, then `import
specpy.syntax.parser`, a parse of a one-state spec (the first parse: it loads
the parser), and two parses of a big spec, timing each phase with
perf_counter; prints the median milliseconds of each phase and whether Lark
was imported. Sides alternate (before, after, before, ...) so a shared
machine's load hits both alike. Bytecode is compiled first, as an installed
package has it. Issue #15: the parse of a big spec must not get slower.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_STATE = "spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n"

PROBE = """
import sys, time
t0 = time.perf_counter()
import specpy
t1 = time.perf_counter()
import specpy.syntax.parser as p
from specpy.diagnostics import SourceFile
t2 = time.perf_counter()
p.parse(SourceFile("one.spec", sys.argv[1]))
t3 = time.perf_counter()
big = open(sys.argv[2], encoding="utf-8").read()
p.parse(SourceFile("big.spec", big))
t4 = time.perf_counter()
p.parse(SourceFile("big.spec", big))
t5 = time.perf_counter()
print(*(1e3 * (b - a) for a, b in ((t1, t2), (t2, t3), (t3, t4), (t4, t5))), int("lark" in sys.modules))
"""

PHASES = ("import syntax.parser ms", "first parse (one-state) ms", "big spec 1st parse ms", "big spec 2nd parse ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="the src/ folder of a checkout to compare with")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--spec", default=str(ROOT / "specs" / "raft.spec"))
    args = ap.parse_args()
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    sides = {"before": args.before, "after": str(ROOT / "src")}
    for src in sides.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", src], check=True, stdout=subprocess.DEVNULL, env=base)
    rows: dict[str, list[list[float]]] = {side: [] for side in sides}
    print("load average", os.getloadavg())
    for _ in range(args.runs):
        for side, src in sides.items():
            out = subprocess.run(
                [sys.executable, "-c", PROBE, ONE_STATE, args.spec],
                check=True, capture_output=True, text=True, env={**base, "PYTHONPATH": src},
            ).stdout  # fmt: skip
            rows[side].append([float(x) for x in out.split()])
    print("load average", os.getloadavg())
    print("\n| side | " + " | ".join(PHASES) + " | lark imported |")
    print("|---|" + "--:|" * (len(PHASES) + 1))
    for side, runs in rows.items():
        medians = [statistics.median(column) for column in zip(*runs)]
        lark = "yes" if medians[-1] else "no"
        print(f"| {side} | " + " | ".join(f"{m:.1f}" for m in medians[:-1]) + f" | {lark} |")


if __name__ == "__main__":
    main()
