"""What symmetry reduction saves, and what checking a temporal property costs.

    python bench/symmetry_liveness.py symmetry [--min 3 --max 7 --runs 3]
        TwoPhase with `symmetric type RM` (specs/twophase.spec with that one
        word added), each N with and without --no-symmetry: distinct states,
        median wall time, peak RSS, and the reduction factors.

    python bench/symmetry_liveness.py liveness SPEC [--runs 3] [-- OPTIONS]
        SPEC as written and SPEC with its `property` declarations removed
        (same state space): median wall time and peak RSS of each, and the
        ratio. Pass e.g. `-- --no-symmetry` for specs with symmetric types.

Each run is a fresh `specpy check --json` process under /usr/bin/time -v
(start-up included); the medians of --runs runs are reported. A benchmark,
not a test (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from twophase_baseline import specpy_command  # noqa: E402


def measure(spec: Path, options: list[str], runs: int) -> tuple[dict, float, float, float]:
    """(the --json object, median wall seconds, median peak RSS in MiB, median
    CPU seconds (user + sys): the fairer number on a loaded machine) over runs."""
    outs, seconds, rss, cpu = [], [], [], []
    for _ in range(runs):
        cmd = ["/usr/bin/time", "-v", *specpy_command(), "check", str(spec), "--json", *options]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode not in (0, 11, 12, 13):
            sys.exit(f"symmetry_liveness: {' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr}")
        outs.append(json.loads(proc.stdout))
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
        h, m, s = (float(x) if x else 0.0 for x in wall.groups())
        seconds.append(h * 3600 + m * 60 + s)
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024)
        cpu.append(sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", proc.stderr).group(1)) for kind in ("User", "System")))
    if any(o["distinct_states"] != outs[0]["distinct_states"] for o in outs):
        sys.exit("symmetry_liveness: state counts differ between runs (the search must be deterministic)")
    return outs[0], statistics.median(seconds), statistics.median(rss), statistics.median(cpu)


def symmetry(args: argparse.Namespace) -> None:
    text = (ROOT / "specs" / "twophase.spec").read_text().replace("\ntype RM =", "\nsymmetric type RM =")
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "twophase_symmetric.spec"
        spec.write_text(text)
        print("| N | distinct (sym) | distinct (none) | factor | s (sym) | s (none) | MiB (sym) | MiB (none) |")
        print("|--:|--:|--:|--:|--:|--:|--:|--:|")
        for n in range(args.min, args.max + 1):
            rm = ["--type", "RM=" + ",".join(f"r{i}" for i in range(1, n + 1))]
            sym, s_sym, m_sym, _ = measure(spec, rm, args.runs)
            full, s_full, m_full, _ = measure(spec, [*rm, "--no-symmetry"], args.runs)
            factor = full["distinct_states"] / sym["distinct_states"]
            print(
                f"| {n} | {sym['distinct_states']:,} | {full['distinct_states']:,} | {factor:.1f} "
                f"| {s_sym:.2f} | {s_full:.2f} | {m_sym:.0f} | {m_full:.0f} |",
                flush=True,
            )


def liveness(args: argparse.Namespace) -> None:
    spec = Path(args.spec).resolve()
    text = spec.read_text()
    # A property declaration runs to the next blank line or top-level keyword.
    stripped = re.sub(r"^property .*(?:\n[ \t]+.*)*", "", text, flags=re.M)
    if stripped == text:
        sys.exit(f"symmetry_liveness: {spec} declares no property")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / spec.name
        bare.write_text(stripped)
        with_p, s_with, m_with, c_with = measure(spec, args.extra, args.runs)
        without, s_without, m_without, c_without = measure(bare, args.extra, args.runs)
    print("| run | result | distinct | median wall s | median CPU s | MiB |")
    print("|---|---|--:|--:|--:|--:|")
    for name, out, s, c, m in (("without properties", without, s_without, c_without, m_without), ("with properties", with_p, s_with, c_with, m_with)):
        print(f"| {name} | {out['result']} | {out['distinct_states']:,} | {s:.2f} | {c:.2f} | {m:.0f} |")
    print(f"\nwall ×{s_with / s_without:.2f}, CPU ×{c_with / c_without:.2f}, memory ×{m_with / m_without:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sym = sub.add_parser("symmetry")
    sym.add_argument("--min", type=int, default=3)
    sym.add_argument("--max", type=int, default=7)
    sym.add_argument("--runs", type=int, default=3)
    live = sub.add_parser("liveness")
    live.add_argument("spec")
    live.add_argument("--runs", type=int, default=3)
    live.add_argument("extra", nargs="*", help="further `specpy check` options, after --")
    args = parser.parse_args()
    symmetry(args) if args.what == "symmetry" else liveness(args)


if __name__ == "__main__":
    main()
