"""Issue #15 in one command: raft.spec (safety only) before/after, against TLC, and start-up.

    python bench/range_ab.py --before /path/to/old/checkout/src [--runs 3] [--startup-runs 15]
                             [--before-python] [--twophase N]

Runs, in interleaved rounds (before, after, TLC, before, after, ...; see
bench/startup.py) so that the load of a shared machine hits each side alike:

    raft     specs/raft.spec with its `property` declarations removed (the
             safety check: the same 146,003 states, no liveness pass), by
             the checkout given with --before (PYTHONPATH) and by this one
             (`--backend python`; and with the default backend, native
             where a C compiler is found, for information);
             and TLC -workers 1 on this checkout's TLA+ export of that spec
             (`specpy tla`), when SPECPY_TLC_JAR names tla2tools.jar;
             with --before-python the old checkout runs `--backend python`
             too (a checkout that has the native core, to compare the
             Python backends)
    twophase with --twophase N: specs/twophase.spec with N RMs, before
             and after, as raft
    startup  `specpy check` of a one-state spec, before and after, and
             `python -c pass` (bench/startup.py)

and prints markdown tables: median CPU (user + system) and wall seconds,
and the ratios (before / after: how many times less; specpy / TLC wall).
The load average is printed with them: on a shared machine wall times
swing with it, CPU times much less.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from startup import ONE_STATE, environments, interleaved, load, print_table

ROOT = Path(__file__).resolve().parent.parent
SPECPY = str(Path(sys.executable).with_name("specpy"))


def safety_only(tmp: Path) -> Path:
    text = (ROOT / "specs/raft.spec").read_text()
    # A property declaration runs to the next line that is not indented (bench/symmetry_liveness.py).
    path = tmp / "raft_safety.spec"
    path.write_text(re.sub(r"^property .*(?:\n[ \t]+.*)*", "", text, flags=re.M))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="the src/ folder of the checkout to compare with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--startup-runs", type=int, default=15)
    ap.add_argument("--before-python", action="store_true", help="run the old checkout with --backend python too")
    ap.add_argument("--twophase", type=int, metavar="N", help="also twophase.spec with N RMs, before and after")
    args = ap.parse_args()
    python = ["--backend", "python"]
    envs = environments(args.before)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        spec = safety_only(tmp)
        one = tmp / "one.spec"
        one.write_text(ONE_STATE)
        raft = {
            "before": [SPECPY, "check", "-q", *python * args.before_python, str(spec)],
            # The Python backend: what this issue sped up (and what runs without a C compiler).
            "after": [SPECPY, "check", "-q", "--backend", "python", str(spec)],
            # The default since the native core runs faults (issue #18): for information.
            "after, default backend": [SPECPY, "check", "-q", str(spec)],
        }
        jar = os.environ.get("SPECPY_TLC_JAR")
        if jar:
            subprocess.run([SPECPY, "tla", str(spec), "-o", str(tmp)], check=True, stdout=subprocess.DEVNULL)
            raft["tlc"] = ["java", "-cp", jar, "tlc2.TLC", "-workers", "1", "-metadir", str(tmp / "states"),
                           "-config", str(tmp / "Raft.cfg"), str(tmp / "Raft.tla")]
        if args.twophase:
            rms = ["--type", "RM=" + ",".join(f"r{i}" for i in range(1, args.twophase + 1))]
            twophase = [*rms, str(ROOT / "specs/twophase.spec")]
            raft["twophase before"] = [SPECPY, "check", "-q", *python * args.before_python, *twophase]
            raft["twophase after"] = [SPECPY, "check", "-q", *python, *twophase]
            envs["twophase before"], envs["twophase after"] = envs["before"], envs["after"]
        print(load())
        r = interleaved(raft, args.runs, envs)
        startup = {name: [SPECPY, "check", "-q", str(one)] for name in ("before", "after")}
        s = interleaved(startup | {"python -c pass": [sys.executable, "-c", "pass"]}, args.startup_runs, envs)
        print(load())
    print(f"\n| raft.spec, safety only ({args.runs} rounds) | CPU s (median) | wall s (median) |\n|---|--:|--:|")
    for name, x in r.items():
        print(f"| {name} | {x['cpu']:.3f} | {x['wall']:.3f} |")
    print(f"\nCPU before / after: {r['before']['cpu'] / r['after']['cpu']:.2f}x; "
          f"wall before / after: {r['before']['wall'] / r['after']['wall']:.2f}x")
    if "tlc" in r:
        print(f"specpy / TLC wall: {r['after']['wall'] / r['tlc']['wall']:.2f}x")
    if args.twophase:
        print(f"twophase CPU before / after: {r['twophase before']['cpu'] / r['twophase after']['cpu']:.2f}x")
    print_table(s, f"start-up, one-state spec ({args.startup_runs} rounds)")


if __name__ == "__main__":
    main()
