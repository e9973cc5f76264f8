"""Start-up: `specpy check` of a one-state spec, as CPU time beyond `python -c pass`.

    python bench/startup.py [--before /path/to/old/checkout/src] [--runs 15]

Runs the commands in interleaved rounds (before, after, `python -c pass`,
before, after, ...), so that a shared machine's changing load hits each
alike, and prints the median user+system CPU seconds of each, specpy's own
(minus the bare interpreter's) and the ratios. Bytecode is compiled first
(`compileall`) and written, whatever PYTHONDONTWRITEBYTECODE says: an
installed package has its .pyc files, and compiling ~100 modules on every
run would be measured otherwise. Issue #15's target: specpy's own start-up
≤ 0.15 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECPY = str(Path(sys.executable).with_name("specpy"))
ONE_STATE = "spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n"


def interleaved(commands: dict[str, list[str]], rounds: int, env: dict[str, dict[str, str]]) -> dict[str, dict[str, float]]:
    """Median CPU (user + sys) and wall seconds of each command, run in `rounds` interleaved rounds."""
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env.get(name))
            wall[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: {"cpu": statistics.median(cpu[name]), "wall": statistics.median(wall[name])} for name in commands}


def environments(before: str | None) -> dict[str, dict[str, str]]:
    """The environment of each side: bytecode written; PYTHONPATH=before for "before"."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = {"after": base, "python -c pass": base}
    if before is not None:
        envs["before"] = {**base, "PYTHONPATH": before}
    for src in filter(None, (before, str(ROOT / "src"))):
        subprocess.run([sys.executable, "-m", "compileall", "-q", src], check=True, stdout=subprocess.DEVNULL, env=base)
    return envs


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table(r: dict[str, dict[str, float]], title: str) -> float:
    """A markdown table of `interleaved`'s medians, each with its CPU above `python -c pass`'s
    (specpy's own); returns that bare interpreter's CPU."""
    bare = r["python -c pass"]["cpu"]
    print(f"\n| {title} | CPU s (median) | specpy's own CPU s | wall s (median) |")
    print("|---|--:|--:|--:|")
    for name, x in r.items():
        own = x["cpu"] - bare if name != "python -c pass" else 0.0
        print(f"| {name} | {x['cpu']:.3f} | {own:.3f} | {x['wall']:.3f} |")
    return bare


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", help="the src/ folder of a checkout to compare with")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    envs = environments(args.before)
    with tempfile.TemporaryDirectory() as d:
        one = Path(d) / "one.spec"
        one.write_text(ONE_STATE)
        commands = {"before": [SPECPY, "check", "-q", str(one)]} if args.before else {}
        commands |= {"after": [SPECPY, "check", "-q", str(one)], "python -c pass": [sys.executable, "-c", "pass"]}
        print(load())
        r = interleaved(commands, args.runs, envs)
        print(load())
    bare = print_table(r, f"one-state `specpy check` ({args.runs} rounds)")
    print(f"\nspecpy check / python -c pass, CPU: {r['after']['cpu'] / bare:.1f}x")
    if args.before:
        print(f"before / after, specpy's own CPU: {(r['before']['cpu'] - bare) / (r['after']['cpu'] - bare):.2f}x")


if __name__ == "__main__":
    main()
