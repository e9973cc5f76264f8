"""The cluster and spill targets of issue 19, measured in one run.

    python bench/cluster_spill.py cluster --rms 8 [--nodes 1,2] [--backend native]   # as root: re-runs itself in a loopback-only namespace
    python bench/cluster_spill.py spill --rms 9 --limit 200

`cluster`: twophase with N RMs (a) in one process (`specpy check --workers
1` under /usr/bin/time: wall, peak RSS), (b) on a 1-node and (c) on a 2-node
local Ray cluster (ray.cluster_utils.Cluster, one CPU a node): the search's
wall time in the driver, each actor's peak RSS and peak heap (RSS but the
object store's shared pages, as Ray's docs count a worker's memory), the
bytes that left a process (cluster/transport.py `Traffic`) per generated
state, and on 2 nodes per level, with each actor's memory after the level.
Prints the ratios the issue asks for: 1-node wall / --workers 1 wall, and
the largest actor peak / the single-process peak. The Python backend by
default (`--backend native`: both sides native).

`spill`: `specpy check --memory-limit MB` against the same check in memory,
both under /usr/bin/time: wall, peak RSS, counts (which must agree).

Ratios only; the load (`uptime`) is printed with them, since the machine may
be shared.
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

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "twophase.spec"


def rms(n: int) -> str:
    return "RM=" + ",".join(f"r{i}" for i in range(1, n + 1))


def timed(cmd: list[str]) -> tuple[dict, float, int]:
    """Run a specpy check --json under /usr/bin/time -v: its JSON, wall seconds, peak RSS bytes."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if proc.returncode not in (0, 152):
        sys.exit(f"{cmd} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    assert wall is not None
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    assert rss is not None
    return json.loads(proc.stdout), seconds, int(rss.group(1)) * 1024


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def on_cluster(n_rms: int, nodes: int, backend: str) -> dict:
    """The check on a fresh local cluster of `nodes` nodes, from this process (Ray's driver)."""
    import ray
    from ray.cluster_utils import Cluster

    from specpy.cluster.transport import RayTransport
    from specpy.explicit.search import check
    from specpy.options import CheckOptions, Overrides
    from specpy.pipeline import load as load_spec

    node = dict(num_cpus=1, node_ip_address="127.0.0.1", include_dashboard=False, object_store_memory=200 << 20)
    cluster = Cluster(initialize_head=True, head_node_args=node)
    for _ in range(nodes - 1):
        cluster.add_node(**node)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False, logging_level="WARNING")
    try:
        model = load_spec(SPEC, Overrides(types={"RM": tuple(f"r{i}" for i in range(1, n_rms + 1))}))
        transport = RayTransport(nodes)
        start = time.monotonic()
        result = check(model, CheckOptions(backend=backend), None, transport)
        wall = time.monotonic() - start
        assert result.backend == backend, result.backend_note
        assert transport.parts is not None
        t = transport.parts.traffic
        return {
            "nodes": t.nodes, "wall": wall, "distinct": result.stats.distinct_states,
            "generated": result.stats.states_generated, "peak_rss": t.peak_rss, "peak_heap": t.peak_heap, "bytes": t.total,
            "by_kind": {"reports": t.reports, "lookups": t.lookups, "plans": t.plans, "pieces": t.pieces},
            "levels": [(lv.reports, lv.lookups, lv.plans, lv.pieces) for lv in t.levels],
            "memory": [lv.memory for lv in t.levels],
        }
    finally:
        ray.shutdown()
        cluster.shutdown()


def print_levels(levels: list[tuple[int, int, int, int]], memory: list[list[tuple[int, int]]]) -> None:
    """The bytes that left a process at each level (level 0: seeding the
    initial states), in kB; and each actor's memory after it, in MB: heap
    (RSS but the object store's pages) + object store pages it touched."""
    print("level | reports kB | lookups kB | plans kB | pieces kB | total kB | actors' heap + object store MB")
    for i, (row, mem) in enumerate(zip(levels, memory)):
        actors = ", ".join(f"{h / 1e6:.0f}+{o / 1e6:.0f}" for h, o in mem)
        print(f"{i:5} | " + " | ".join(f"{b / 1e3:10,.1f}" for b in row) + f" | {sum(row) / 1e3:8,.1f} | {actors}")


def cluster_bench(n_rms: int, sizes: tuple[int, ...], backend: str) -> None:
    print(f"# twophase {n_rms} RMs, --backend {backend}; load before: {load()}")
    one, wall1, rss1 = timed([sys.executable, "-m", "specpy", "check", str(SPEC), "--type", rms(n_rms), "--backend", backend, "--json", "-q"])
    print(f"--workers 1: {wall1:.1f} s wall, peak RSS {rss1 / 1e6:.0f} MB, {one['distinct_states']:,} distinct")
    for nodes in sizes:
        r = on_cluster(n_rms, nodes, backend)
        assert (r["distinct"], r["generated"]) == (one["distinct_states"], one["states_generated"]), r
        peaks = ", ".join(f"{p / 1e6:.0f}" for p in r["peak_rss"])
        heaps = ", ".join(f"{p / 1e6:.0f}" for p in r["peak_heap"])
        print(
            f"{nodes}-node cluster ({r['nodes']} node(s) used): search {r['wall']:.1f} s "
            f"({r['wall'] / wall1:.2f}x --workers 1); actor peak RSS {peaks} MB "
            f"(largest {max(r['peak_rss']) / rss1:.2f}x the single process); "
            f"actor peak heap {heaps} MB (largest {max(r['peak_heap']) / rss1:.2f}x); "
            f"{r['bytes'] / r['generated']:.2f} bytes crossed per generated state "
            f"({r['bytes'] / r['distinct']:.1f} per distinct state; {r['by_kind']})"
        )
        if nodes > 1:
            print_levels(r["levels"], r["memory"])
    print(f"# load after: {load()}")


def spill_bench(n_rms: int, limit: int) -> None:
    print(f"# twophase {n_rms} RMs; load before: {load()}")
    base = [sys.executable, "-m", "specpy", "check", str(SPEC), "--type", rms(n_rms), "--json", "-q"]
    mem, wall_m, rss_m = timed(base)
    print(f"in memory: {wall_m:.1f} s wall, peak RSS {rss_m / 1e6:.0f} MB, {mem['distinct_states']:,} distinct")
    disk, wall_d, rss_d = timed([*base, "--memory-limit", str(limit)])
    print(
        f"--memory-limit {limit}: {disk['result']} ({disk.get('limit') or 'complete'}), {wall_d:.1f} s wall "
        f"({wall_d / wall_m:.2f}x), peak RSS {rss_d / 1e6:.0f} MB, {disk['distinct_states']:,} distinct"
    )
    same = all(disk[k] == mem[k] for k in ("result", "distinct_states", "states_generated", "depth"))
    print(f"counts equal: {same}")
    print(f"# load after: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["cluster", "spill"])
    parser.add_argument("--rms", type=int, default=8)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--nodes", default="1,2", help="cluster sizes to run, e.g. 2 (default 1,2)")
    parser.add_argument("--backend", choices=["python", "native"], default="python", help="of the single process and the actors")
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.nodes.split(","))
    if args.what == "spill":
        spill_bench(args.rms, args.limit)
    elif os.environ.get("SPECPY_IN_NETNS") != "1" and os.geteuid() == 0:
        # Ray on 127.0.0.1 only: a network namespace with nothing but loopback.
        script = f'ip link set lo up && exec "{sys.executable}" "{__file__}" cluster --rms {args.rms} --nodes {args.nodes} --backend {args.backend}'
        env = dict(os.environ, SPECPY_IN_NETNS="1", RAY_USAGE_STATS_ENABLED="0")
        sys.exit(subprocess.run(["unshare", "--net", "sh", "-c", script], env=env).returncode)
    else:
        cluster_bench(args.rms, sizes, args.backend)


if __name__ == "__main__":
    main()
