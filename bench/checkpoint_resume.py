"""What checkpoints cost, and a kill -9 / resume round trip, on twophase with N RMs.

    python bench/checkpoint_resume.py                 # N=8, 3 runs, a checkpoint every 5 s
    python bench/checkpoint_resume.py --rms 7 --interval 2 --runs 5
    python bench/checkpoint_resume.py -- --workers 2  # pass options to specpy check

Part 1 runs `specpy check --json` `--runs` times without and with
`--checkpoint DIR --checkpoint-interval S` and prints the median wall time and
the median CPU time (user + sys of the process: the figure to compare on a
loaded machine), the number of checkpoints written and the size of the last.
Part 2 starts a checkpointing run, kills it with SIGKILL once half of the
uninterrupted run's time has passed, resumes it, and prints the states of
the checkpoint it resumed from and the final counts next to an
uninterrupted run's; it stops with an error if any count differs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECPY = [sys.executable, "-m", "specpy", "check", "specs/twophase.spec", "--json"]


def run(args: list[str]) -> tuple[dict, float, float]:
    """One run: its JSON result, wall seconds, CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run([*SPECPY, *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 12):
        sys.exit(f"specpy check {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout), wall, cpu


def counts(result: dict) -> tuple:
    return (result["result"], result["distinct_states"], result["states_generated"], result["depth"], result["coverage"])


def size_of(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rms", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("extra", nargs="*", help="options passed to specpy check (after --)")
    opts = parser.parse_args()
    base = ["--type", "RM=" + ",".join(f"r{i}" for i in range(1, opts.rms + 1)), *opts.extra]

    print(f"twophase, {opts.rms} RMs, {opts.runs} runs each, checkpoint every {opts.interval:g} s")
    print("| variant | median wall s | median CPU s | checkpoints | last checkpoint MB |")
    print("|---|--:|--:|--:|--:|")
    plain = [run(base) for _ in range(opts.runs)]
    print(f"| no checkpoint | {statistics.median(w for _, w, _ in plain):.2f} "
          f"| {statistics.median(c for _, _, c in plain):.2f} | – | – |")
    with_ckpt, written, size = [], [], 0
    for _ in range(opts.runs):
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp) / "ck"
            with_ckpt.append(run([*base, "--checkpoint", str(d), "--checkpoint-interval", str(opts.interval)]))
            if (d / "CURRENT").exists():
                name = (d / "CURRENT").read_text()
                written.append(int(name.split("-")[1]))
                size = size_of(d / name)
    print(f"| --checkpoint-interval {opts.interval:g} | {statistics.median(w for _, w, _ in with_ckpt):.2f} "
          f"| {statistics.median(c for _, _, c in with_ckpt):.2f} | {statistics.median(written or [0]):.0f} "
          f"| {size / 1e6:.1f} |")
    reference = counts(plain[0][0])
    if any(counts(r) != reference for r, _, _ in plain + with_ckpt):
        sys.exit("the counts differ between runs")

    half = statistics.median(w for _, w, _ in plain) / 2
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "ck"
        proc = subprocess.Popen(
            [*SPECPY, *base, "--checkpoint", str(d), "--checkpoint-interval", str(opts.interval)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(half)
        if proc.poll() is not None:
            sys.exit("the run ended before it was killed")
        os.kill(proc.pid, 9)
        proc.wait()
        if not (d / "CURRENT").exists():
            sys.exit(f"no checkpoint after {half:.1f} s: use a shorter --interval")
        at = json.loads((d / (d / "CURRENT").read_text() / "manifest.json").read_text())["search"]
        resumed, wall, cpu = run([*base, "--resume", str(d)])
    print(f"\nkilled (SIGKILL) after {half:.1f} s; resumed from the checkpoint of level {at['level']}: "
          f"{at['stored']:,} distinct, {at['generated']:,} generated, {at['queued']:,} queued, "
          f"{at['seconds']:.1f} s in")
    print(f"resumed run: {wall:.2f} s wall, {cpu:.2f} s CPU; final {resumed['distinct_states']:,} distinct, "
          f"{resumed['states_generated']:,} generated, depth {resumed['depth']}, result {resumed['result']}")
    print(f"uninterrupted:  {reference[1]:,} distinct, {reference[2]:,} generated, depth {reference[3]}, "
          f"result {reference[0]}")
    if counts(resumed) != reference:
        sys.exit("the resumed run's counts differ from the uninterrupted run's")
    print("equal: distinct, generated, depth, verdict and coverage")


if __name__ == "__main__":
    main()
