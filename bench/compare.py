"""specpy against its peers on identical state spaces: regenerates bench/results.md.

For TwoPhase with N resource managers and for raft.spec, each tool is run as
a fresh process: wall time is hyperfine's median of --runs runs, CPU time
(user + sys) and peak RSS come from one more run under /usr/bin/time -v, and
the distinct state count from the tool's own output. Counts must agree
across tools for a model, or the row is marked. Tools:

    specpy       specpy check specs/twophase.spec --type RM=r1,...,rN --json
    specpy-w2    the same with --workers 2
    tlc          TLC -workers 1 -deadlock on bench/tla/TwoPhase.tla (Lamport's
                 model), or on tla/Raft.tla (specpy's export of raft.spec),
                 when SPECPY_TLC_JAR is set
    minicheck    bench/peers/minicheck_twophase.py, when minicheck is importable
    handwritten  bench/peers/handwritten_bfs.py (a plain dict-and-deque BFS)

musil, the issue's other peer, needs Python >= 3.12 and cannot be installed
next to specpy's Python 3.11, so it has no row.

states/s is distinct states per second of median wall time (tools count
generated states differently); bytes/state is peak RSS / distinct states.
Ratios are of medians measured in the same run of this script.

    python bench/compare.py --sizes 5 6 7 8 --runs 3 --raft > bench/results.md
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
SPECPY = str(Path(PYTHON).parent / "specpy")


COMMAND = "python bench/compare.py"


@dataclass
class Row:
    model: str
    tool: str
    distinct: int
    median: float
    cpu: float  # user + sys seconds of one run
    rss_mb: float


def twophase_commands(n: int, tmp: Path) -> dict[str, list[str]]:
    rms = ",".join(f"r{i}" for i in range(1, n + 1))
    spec = [SPECPY, "check", str(ROOT / "specs/twophase.spec"), "--type", f"RM={rms}", "--json"]
    commands = {"specpy": spec, "specpy-w2": spec + ["--workers", "2"]}
    jar = os.environ.get("SPECPY_TLC_JAR")
    if jar:
        cfg = tmp / f"TwoPhase{n}.cfg"
        cfg.write_text(f"CONSTANT RM = {{{rms}}}\nINIT TPInit\nNEXT TPNext\nINVARIANT TCConsistent\n")
        commands["tlc"] = tlc_command(jar, tmp / f"states{n}", BENCH / "tla/TwoPhase.tla", cfg)
    if importlib.util.find_spec("minicheck") is not None:
        commands["minicheck"] = [PYTHON, str(BENCH / "peers/minicheck_twophase.py"), str(n)]
    commands["handwritten"] = [PYTHON, str(BENCH / "peers/handwritten_bfs.py"), str(n)]
    return commands


def tlc_command(jar: str, metadir: Path, tla: Path, cfg: Path) -> list[str]:
    return ["java", "-cp", jar, "tlc2.TLC", "-workers", "1", "-deadlock", "-metadir", str(metadir),
            "-config", str(cfg), str(tla)]


def raft_commands(tmp: Path) -> dict[str, list[str]]:
    spec = [SPECPY, "check", str(ROOT / "specs/raft.spec"), "--json"]
    commands = {"specpy": spec, "specpy-w2": spec + ["--workers", "2"]}
    jar = os.environ.get("SPECPY_TLC_JAR")
    if jar:
        commands["tlc"] = tlc_command(jar, tmp / "states-raft", ROOT / "tla/Raft.tla", ROOT / "tla/Raft.cfg")
    return commands


def distinct_of(tool: str, stdout: str) -> int:
    if tool.startswith("specpy"):
        return json.loads(stdout)["distinct_states"]
    if tool == "tlc":
        found = re.findall(r"([\d,]+) distinct states found", stdout)  # progress lines, then the final count
        if not found:
            raise RuntimeError("TLC printed no state count:\n" + stdout[-2000:])
        return int(found[-1].replace(",", ""))
    return int(stdout.split()[-1])


def measure(tool: str, command: list[str], runs: int, tmp: Path) -> tuple[int, float, float, float]:
    """(distinct, median wall seconds, CPU seconds, peak RSS MB)."""
    timed = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, cwd=tmp)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr)
    if rss is None:
        raise RuntimeError(f"{tool} failed:\n{timed.stderr[-2000:]}")
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", timed.stderr))
    distinct = distinct_of(tool, timed.stdout)
    export = tmp / "hyperfine.json"
    subprocess.run(
        ["hyperfine", "--style", "none", "--runs", str(runs), "-N", "--ignore-failure",
         "--export-json", str(export), subprocess.list2cmdline(command)],
        check=True, capture_output=True, cwd=tmp,
    )
    median = json.loads(export.read_text())["results"][0]["median"]
    return distinct, median, cpu, int(rss.group(1)) / 1024


def table(rows: list[Row]) -> str:
    lines = [
        "| model | tool | distinct | median wall s | CPU s | states/s | peak RSS MB | bytes/state |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    by_model: dict[str, set[int]] = {}
    for r in rows:
        by_model.setdefault(r.model, set()).add(r.distinct)
    for r in rows:
        mark = "" if len(by_model[r.model]) == 1 else " (counts differ!)"
        lines.append(
            f"| {r.model} | {r.tool} | {r.distinct:,}{mark} | {r.median:.2f} | {r.cpu:.2f} | {r.distinct / r.median:,.0f} "
            f"| {r.rss_mb:.0f} | {r.rss_mb * 2**20 / r.distinct:,.0f} |"
        )
    return "\n".join(lines)


def ratios(rows: list[Row]) -> str:
    """specpy's median wall time over each peer's, per model (below 1: specpy is faster)."""
    lines = ["| model | vs tlc | vs minicheck | vs handwritten | --workers 2 speed-up |", "|---|--:|--:|--:|--:|"]
    for model in dict.fromkeys(r.model for r in rows):
        t = {r.tool: r.median for r in rows if r.model == model}
        if "specpy" not in t:
            continue
        cells = [f"{t['specpy'] / t[peer]:.2f}x" if peer in t else "—" for peer in ("tlc", "minicheck", "handwritten")]
        cells.append(f"{t['specpy'] / t['specpy-w2']:.2f}x" if "specpy-w2" in t else "—")
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[5, 6, 7, 8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--raft", action="store_true", help="also specs/raft.spec (specpy only)")
    parser.add_argument("--tools", nargs="*", help="only these tools")
    args = parser.parse_args()
    rows: list[Row] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        models = [(f"twophase N={n}", twophase_commands(n, tmp)) for n in args.sizes]
        if args.raft:
            models.append(("raft.spec", raft_commands(tmp)))
        for model, commands in models:
            for tool, command in commands.items():
                if args.tools and tool not in args.tools:
                    continue
                print(f"{model}: {tool} ...", file=sys.stderr, flush=True)
                rows.append(Row(model, tool, *measure(tool, command, args.runs, tmp)))
    flags = " ".join(sys.argv[1:])
    print("# Benchmark results\n")
    print(f"Regenerated by `{COMMAND} {flags}` (bench/README.md). Measured {datetime.date.today()} on {machine()}; "
          f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {args.runs} runs per cell. "
          "musil needs Python >= 3.12 and is not installable here (Python 3.11): no row.\n")
    if max(load_before, os.getloadavg()[0]) > 1:
        print("**The machine was loaded** (other processes ran): wall times include waiting for a core and are "
              "noisy; compare the CPU column (user + sys of one run) and re-run on an idle machine for wall times.\n")
    print(table(rows))
    print("\nspecpy's median wall time as a multiple of each peer's, and `--workers 1` over `--workers 2`:\n")
    print(ratios(rows))


if __name__ == "__main__":
    main()
