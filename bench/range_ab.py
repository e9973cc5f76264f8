"""Issue #15 in one command: raft.spec (safety only) before/after, against TLC, and start-up.

    python bench/range_ab.py --before /path/to/old/checkout/src [--runs 3]

Runs, with hyperfine (apt-get install -y hyperfine), interleaved in one
invocation each so that the load of a shared machine hits both sides alike:

    raft     specs/raft.spec with its `property` declarations removed (the
             safety check: the same 146,003 states, no liveness pass), by
             the checkout given with --before (PYTHONPATH) and by this one;
             and TLC -workers 1 on this checkout's TLA+ export of that spec
             (`specpy tla`), when SPECPY_TLC_JAR names tla2tools.jar
    startup  `specpy check` of a one-state spec, before and after

and prints a markdown table: mean wall, user and system CPU seconds, and
the ratios (before / after: how many times less; specpy / TLC wall). The
load average (`uptime`) is printed with it: on a shared machine wall times
swing with it, CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECPY = str(Path(sys.executable).with_name("specpy"))
ONE_STATE = "spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n"


def safety_only(tmp: Path) -> Path:
    text = (ROOT / "specs/raft.spec").read_text()
    # A property declaration runs to the next line that is not indented (bench/symmetry_liveness.py).
    path = tmp / "raft_safety.spec"
    path.write_text(re.sub(r"^property .*(?:\n[ \t]+.*)*", "", text, flags=re.M))
    return path


def hyperfine(commands: dict[str, str], runs: int, out: Path) -> dict[str, dict]:
    args = ["hyperfine", "--runs", str(runs), "--export-json", str(out), "-N", "--style", "none"]
    for name, command in commands.items():
        args += ["-n", name, command]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return {r["command"]: r for r in json.loads(out.read_text())["results"]}


def row(name: str, r: dict) -> str:
    return f"| {name} | {r['mean']:.3f} | {r['user']:.3f} | {r['system']:.3f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="the src/ folder of the checkout to compare with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--startup-runs", type=int, default=15)
    args = ap.parse_args()
    before_env = f"env PYTHONPATH={args.before} "
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        spec = safety_only(tmp)
        one = tmp / "one.spec"
        one.write_text(ONE_STATE)
        raft = {
            "before": f"{before_env}{SPECPY} check -q {spec}",
            "after": f"{SPECPY} check -q {spec}",
        }
        jar = os.environ.get("SPECPY_TLC_JAR")
        if jar:
            subprocess.run([SPECPY, "tla", str(spec), "-o", str(tmp)], check=True, stdout=subprocess.DEVNULL)
            raft["tlc"] = (
                f"java -cp {jar} tlc2.TLC -workers 1 -metadir {tmp / 'states'} "
                f"-config {tmp / 'Raft.cfg'} {tmp / 'Raft.tla'}"
            )
        print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        r = hyperfine(raft, args.runs, tmp / "raft.json")
        s = hyperfine(
            {"before": f"{before_env}{SPECPY} check -q {one}", "after": f"{SPECPY} check -q {one}"},
            args.startup_runs,
            tmp / "startup.json",
        )
        print("load after: ", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print("\n| raft.spec, safety only | wall s (mean) | user s | sys s |\n|---|--:|--:|--:|")
    for name, res in r.items():
        print(row(name, res))
    cpu = {k: v["user"] + v["system"] for k, v in r.items()}
    print(f"\nCPU before / after: {cpu['before'] / cpu['after']:.2f}x; "
          f"wall before / after: {r['before']['mean'] / r['after']['mean']:.2f}x")
    if "tlc" in r:
        print(f"specpy / TLC wall: {r['after']['mean'] / r['tlc']['mean']:.2f}x")
    print("\n| start-up (one-state spec) | wall s (mean) | median | user s | sys s |\n|---|--:|--:|--:|--:|")
    for name, res in s.items():
        print(f"| {name} | {res['mean']:.3f} | {res['median']:.3f} | {res['user']:.3f} | {res['system']:.3f} |")


if __name__ == "__main__":
    main()
