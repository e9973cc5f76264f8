"""twophase with N RMs natively: bytes per distinct state and `--workers` speed-up, one command.

    python bench/native_scale.py              # 9 RMs: 1 worker, then 2 workers
    python bench/native_scale.py --rms 8 --workers 1 2 3
    python bench/native_scale.py --before /path/to/old/checkout/src --rounds 2

Each run is `specpy check --backend native --type RM=r1,...,rN --json --quiet
specs/twophase.spec --workers W` under `/usr/bin/time`, `nice -n 10`,
`prlimit --as` and `timeout`, with a warm compiled-module cache (a first,
untimed run with `--max-states 1` compiles the C), so that the runs compare the searches. It
prints per run the wall and CPU (user + sys, worker processes included)
seconds, the peak RSS (/usr/bin/time's maximum resident set size of the
largest process: natively the workers are threads of the one process, so
it is the whole search's) and bytes per distinct state (peak RSS / distinct: the issue's memory
measure), then each worker count's wall-time speed-up over one worker and
the load (`uptime`) before and after. Quote it with the load: the speed-up of
two workers needs two idle cores.

`--before SRC` runs every worker count against that source tree too
(PYTHONPATH=SRC, same interpreter), alternating old and new in each of
`--rounds` rounds, so that a change is compared in one command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(rms: int, workers: int, limit: int, timeout: float, *extra: str, src: str | None = None) -> dict:
    """One timed check (of the code in `src`, else this checkout's): wall, CPU, peak RSS (KiB), the result's counts."""
    types = "RM=" + ",".join(f"r{i}" for i in range(1, rms + 1))
    cmd = [
        "/usr/bin/time", "-f", "RSS %M CPU %U %S", "nice", "-n", "10", "prlimit", f"--as={limit}", "timeout", str(int(timeout)),
        sys.executable, "-m", "specpy", "check", "--backend", "native", "--type", types, "--json", "--quiet",
        "--workers", str(workers), *extra, str(ROOT / "specs" / "twophase.spec"),
    ]
    env = dict(os.environ, PYTHONPATH=src) if src is not None else None
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    found = re.findall(r"RSS (\d+) CPU ([\d.]+) ([\d.]+)", done.stderr)
    rss, user, system = found[-1] if found else (0, 0, 0)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {}
    return {
        "wall": wall, "cpu": float(user) + float(system), "rss": int(rss), "code": done.returncode,
        "distinct": result.get("distinct_states"), "generated": result.get("states_generated"), "depth": result.get("depth"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rms", type=int, default=9)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--memory", type=int, default=6_000_000_000, help="prlimit --as per command, bytes")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--before", help="another checkout's src/ to run too (A/B)")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    uptime = lambda: subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: E731
    print("load before:", uptime())
    sides = {"": None} if args.before is None else {"before ": args.before, "after ": None}
    for src in sides.values():  # compiles the C into the module cache
        run(args.rms, 1, args.memory, args.timeout, "--max-states", "1", src=src)
    for _ in range(args.rounds):
        rows = {}
        for w in args.workers:
            for side, src in sides.items():
                r = rows[side, w] = run(args.rms, w, args.memory, args.timeout, src=src)
                per_state = r["rss"] * 1024 / r["distinct"] if r["distinct"] else float("nan")
                print(
                    f"{side}{args.rms} RMs, --workers {w}: wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, peak RSS {r['rss'] / 1024:.0f} MiB, "
                    f"{per_state:.1f} B/state; distinct {r['distinct']}, generated {r['generated']}, depth {r['depth']}, exit {r['code']}"
                )
        for side in sides:
            one = rows.get((side, 1))
            if one is not None:
                for w in args.workers:
                    if w != 1:
                        r = rows[side, w]
                        print(f"{side}--workers {w} vs 1: wall speed-up {one['wall'] / r['wall']:.2f}x, CPU {r['cpu'] / one['cpu']:.2f}x of one worker's")
    print("load after:", uptime())


if __name__ == "__main__":
    main()
