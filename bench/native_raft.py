"""specs/raft.spec, safety only: specpy native vs specpy python vs TLC on the export.

One command, one machine state, ratios printed with the load (`uptime`):

    python bench/native_raft.py                     # 2 servers: native, python, TLC
    python bench/native_raft.py --servers 3 --only native --timeout 3600
                                                    # 3 symmetric servers

- The spec is specs/raft.spec with its `property` section cut off (safety
  only: invariants, asserts, deadlock), and with `--servers 3` its Server
  type made `symmetric type Server = {s1, s2, s3}`; the file is written to a
  temporary directory.
- specpy native runs with an empty compiled-module cache (a fresh
  XDG_CACHE_HOME), so its wall time includes generating and compiling the C.
- TLC (`$SPECPY_TLC_JAR`, `-workers 1`) checks tla/Raft.tla, specpy's own
  export, with the PROPERTY lines of tla/Raft.cfg left out (2 servers only).
- Every command runs under `nice -n 10`, `prlimit --as` (4 GB, or --memory)
  and `timeout`; a run stopped by the timeout reports what it reached.

Peak memory is /usr/bin/time's maximum resident set size of each command;
CPU is its user + system time (on a shared machine the wall time mostly
measures the other sessions: compare CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def safety_spec(servers: int) -> str:
    text = (ROOT / "specs" / "raft.spec").read_text()
    text = text[: text.index("# ---------------------------------------------------------------- liveness")]
    if servers == 3:
        text = text.replace("type Server = {s1, s2}", "symmetric type Server = {s1, s2, s3}")
    return text


def timed(cmd: list[str], limit: int, timeout: float, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Wall and CPU (user + sys) seconds, peak RSS in KB, stdout and exit code of one command, limited."""
    full = ["/usr/bin/time", "-f", "RSS %M CPU %U %S", "nice", "-n", "10", "prlimit", f"--as={limit}", "timeout", str(int(timeout)), *cmd]
    start = time.perf_counter()
    done = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    found = re.findall(r"RSS (\d+) CPU ([\d.]+) ([\d.]+)", done.stderr)
    rss, user, system = found[-1] if found else (0, 0, 0)
    return {"wall": wall, "cpu": float(user) + float(system), "rss": int(rss), "out": done.stdout, "code": done.returncode}


def specpy(spec: Path, backend: str, cache: Path, limit: int, timeout: float) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    cmd = [sys.executable, "-m", "specpy", "check", "--backend", backend, "--json", "--quiet", "--timeout", str(int(timeout)), str(spec)]
    run = timed(cmd, limit, timeout + 60, env=env)
    data = json.loads(run["out"]) if run["out"].strip() else {}
    stats = data.get("stats", data)
    return {**run, "distinct": stats.get("distinct_states"),
            "generated": stats.get("states_generated"), "depth": stats.get("depth"), "result": data.get("result"),
            "backend": data.get("backend")}


def tlc(work: Path, limit: int, timeout: float) -> dict:
    jar = os.environ.get("SPECPY_TLC_JAR")
    if not jar:
        raise SystemExit("set SPECPY_TLC_JAR to tla2tools.jar for the TLC row (or --only native python)")
    (work / "Raft.tla").write_text((ROOT / "tla" / "Raft.tla").read_text())
    cfg = [line for line in (ROOT / "tla" / "Raft.cfg").read_text().splitlines() if not line.startswith("PROPERTY")]
    (work / "Raft.cfg").write_text("\n".join(cfg) + "\n")
    cmd = ["java", "-XX:+UseParallelGC", "-Xmx3g", "-cp", jar, "tlc2.TLC", "-workers", "1", "-cleanup",
           "-metadir", str(work / "states"), "-config", "Raft.cfg", "Raft.tla"]
    run = timed(cmd, limit + 2_000_000_000, timeout, cwd=work)
    out = run["out"]
    distinct = re.findall(r"([\d,]+) distinct states found", out)
    generated = re.findall(r"([\d,]+) states generated", out)
    depth = re.findall(r"depth of the complete state graph search is (\d+)", out)
    num = lambda xs: int(xs[-1].replace(",", "")) if xs else None  # noqa: E731
    return {**run, "distinct": num(distinct), "generated": num(generated), "depth": num(depth),
            "result": "ok" if "No error has been found" in out else f"exit {run['code']}", "backend": "TLC"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--servers", type=int, choices=(2, 3), default=2)
    ap.add_argument("--only", nargs="+", choices=("native", "python", "tlc"), default=["native", "python", "tlc"])
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per command")
    ap.add_argument("--memory", type=int, default=4_000_000_000, help="address-space limit per command (bytes)")
    args = ap.parse_args()
    if args.servers == 3 and "tlc" in args.only:
        raise SystemExit("the TLC row needs an export of the 3-server model; run with --only native python")
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "raft_safety.spec"
        spec.write_text(safety_spec(args.servers))
        for who in args.only:
            if who == "tlc":
                rows[who] = tlc(Path(tmp), args.memory, args.timeout)
            else:
                rows[who] = specpy(spec, who, Path(tmp) / "cache", args.memory, args.timeout)
    print(f"raft.spec, {args.servers} servers{' (symmetric)' if args.servers == 3 else ''}, safety only")
    print(f"{'':30} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'distinct':>11} {'generated':>11} {'depth':>6} {'B/state':>8}  result")
    for who, r in rows.items():
        per = r["rss"] * 1024 / r["distinct"] if r["distinct"] else 0
        name = {"native": "specpy native (compile incl.)", "python": "specpy python", "tlc": "TLC -workers 1"}[who]
        print(f"{name:30} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss'] / 1024:8.0f} {r['distinct'] or 0:11,} {r['generated'] or 0:11,} "
              f"{r['depth'] or 0:6} {per:8.0f}  {r['result']} (exit {r['code']}, {r['backend']})")
    if "native" in rows:
        for who in ("python", "tlc"):
            if who in rows:
                print(f"native / {who}: wall {rows['native']['wall'] / rows[who]['wall']:.3f}x, "
                      f"CPU {rows['native']['cpu'] / max(rows[who]['cpu'], 1e-9):.3f}x")
    print("load after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
