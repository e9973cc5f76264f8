"""`specpy check --cluster ray=ADDRESS` on a 2-node Ray cluster in a
loopback-only network namespace (conftest.py): the same verdicts, counts and
traces as one worker, a lost node is a clean stop with a checkpoint that
resumes, spilling works on the actors."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from conftest import ROOT, SPECPY

from specpy.pipeline import load

# specs/ whose checks take a few seconds at most (raft's, lamport's and lsm's take longer).
SMALL = [
    "diehard.spec", "tcommit.spec", "twophase.spec", "paxos.spec", "paxos_bug_accept_lower_ballot.spec",
    "raft_bug_double_vote.spec", "raft_figure8.spec", "lamport_mutex_bug_no_tiebreak.spec",
    "idempotent_delivery_bug_no_dedup.spec", "lsm_bug_older_wins.spec", "lsm_bug_early_tombstone_drop.spec",
]
TWOPHASE_7 = [str(ROOT / "specs/twophase.spec"), "--type", "RM=r1,r2,r3,r4,r5,r6,r7"]


def comparable(result: dict) -> dict:
    """What must not depend on where the partitions run: all but timing, and
    but what was expanded when a violation stopped a level half-way
    (states generated, coverage: explicit/search.py)."""
    drop = {"seconds", "states_per_second"}
    drop |= {"states_generated", "coverage"} if result.get("violation") else set()
    out = {k: v for k, v in result.items() if k not in drop}
    if "checked" in out:  # what was checked, but for where and by which engine
        out["checked"] = {k: v for k, v in out["checked"].items() if k not in ("backend", "workers", "cluster")}
    return out


def without_backend(result: dict) -> dict:
    """comparable(result) but for the backend, which --checkpoint/--resume may decide (native/__init__.py)."""
    return {k: v for k, v in comparable(result).items() if k not in ("backend", "backend_note")}


def local(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    proc = subprocess.run([*SPECPY, "check", "--json", *args], capture_output=True, text=True, timeout=600, cwd=cwd)
    return proc.returncode, json.loads(proc.stdout)


def same_as_one_worker(ray_cluster, tmp_path: Path, spec: Path, *args: str) -> dict:
    """The check on the cluster and in one worker: equal results and traces; the cluster's JSON."""
    code, result, err = ray_cluster.check(str(spec), *args, "--trace-out", str(tmp_path / "cluster.itf.json"))
    one_code, one = local(str(spec), *args, "--trace-out", str(tmp_path / "one.itf.json"))
    assert (code, comparable(result)) == (one_code, comparable(one)), f"{spec.name}: {err}"
    if one.get("violation"):
        assert (tmp_path / "cluster.itf.json").read_text() == (tmp_path / "one.itf.json").read_text(), spec.name
    return result


def test_the_small_specs_give_one_workers_results(ray_cluster, tmp_path: Path) -> None:
    """The default backend: native wherever it is native in one worker, on the actors too."""
    backends = set()
    for name in SMALL:
        spec = ROOT / "specs" / name
        assert not load(spec).properties, f"{name} has temporal properties, which --cluster refuses"
        backends.add(same_as_one_worker(ray_cluster, tmp_path, spec)["backend"])
    assert backends == {"native"}, "every small spec is native (else this test no longer covers the native actors)"
    # Symmetry reduction, canonicalised in C on the actors: raft3's Server is symmetric (101,330 states, specs/raft3.spec).
    assert same_as_one_worker(ray_cluster, tmp_path, ROOT / "specs/raft3.spec")["distinct_states"] == 101330


def test_the_python_backend_gives_one_workers_results(ray_cluster, tmp_path: Path) -> None:
    for name in ("twophase.spec", "paxos_bug_accept_lower_ballot.spec", "raft_figure8.spec", "raft3.spec"):
        assert same_as_one_worker(ray_cluster, tmp_path, ROOT / "specs" / name, "--backend", "python")["backend"] == "python"


def test_temporal_properties_are_refused_clearly(ray_cluster) -> None:
    proc = ray_cluster.run(*SPECPY, "check", "--cluster", f"ray={ray_cluster.address}", str(ROOT / "specs/idempotent_delivery.spec"))
    assert proc.returncode == 151 and "--cluster: temporal properties are checked in one process" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_spilled_actors_give_the_same_counts(ray_cluster, tmp_path: Path) -> None:
    # --memory-limit on a cluster is each actor's: 1 MB makes both spill after
    # their first level (their tables, links and frontiers go to --disk-dir).
    args = [str(ROOT / "specs/twophase.spec"), "--type", "RM=r1,r2,r3,r4,r5"]
    code, result, err = ray_cluster.check(*args, "--memory-limit", "1", "--disk-dir", str(tmp_path / "spill"))
    # TLC 2.20: TwoPhase with 5 RMs, 8,832 distinct states, 58,146 generated, depth 17 (tests/explicit/test_explicit_counts.py).
    assert code == 0, err
    assert (result["distinct_states"], result["states_generated"], result["depth"]) == (8832, 58146, 17)
    assert not any((tmp_path / "spill").iterdir()), "the spill files are removed at the end"


def test_a_lost_node_stops_cleanly_and_the_checkpoint_resumes(ray_cluster, tmp_path: Path) -> None:
    ck = tmp_path / "ck"
    proc = subprocess.Popen(
        ray_cluster.enter(*SPECPY, "check", "--json", "--cluster", f"ray={ray_cluster.address}", *TWOPHASE_7,
                          "--checkpoint", str(ck), "--checkpoint-interval", "0.1"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not (ck / "CURRENT").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the check ended before its first checkpoint: use a larger model"
        ray_cluster.command("remove")  # the worker node's raylet and its actor die
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    try:
        assert proc.returncode == 152, err
        stopped = json.loads(out)
        assert stopped["limit"] == "node-lost" and "is intact: resume from it" in stopped["limit_detail"], stopped
        assert "Traceback" not in err
        # One node is left: the checkpoint of two partitions resumes as one.
        code, resumed, err = ray_cluster.check(*TWOPHASE_7, "--resume", str(ck), timeout=600)
        assert code == 0, err
        # TLC 2.20 on TwoPhase with 7 RMs: 296,448 distinct states (bench/results.md).
        _, whole = local(*TWOPHASE_7)
        assert without_backend(resumed) == without_backend(whole) and whole["distinct_states"] == 296448
    finally:
        ray_cluster.command("add")


TRAFFIC = """
import json, sys
import ray
from specpy.cluster.transport import RayTransport
from specpy.explicit.compile import CompiledModel
from specpy.explicit.search import Search
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
ray.init(address=sys.argv[1], log_to_driver=False, logging_level="WARNING")
model = load(sys.argv[2], Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5")}))
transport = RayTransport(2)
result = Search(CompiledModel(model), CheckOptions(), None, transport=transport).run()
t = transport.parts.traffic
print(json.dumps({"depth": result.stats.depth, "nodes": t.nodes, "total": t.total,
                  "levels": [[lv.reports, lv.lookups, lv.plans, lv.pieces] for lv in t.levels],
                  "memory": [lv.memory for lv in t.levels], "peak_rss": t.peak_rss, "peak_heap": t.peak_heap}))
"""


def test_the_traffic_is_counted_per_level(ray_cluster) -> None:
    """bench/cluster_spill.py's per-level table: one row for the seeding and one per level expanded."""
    proc = ray_cluster.run(*SPECPY[:1], "-c", TRAFFIC, ray_cluster.address, str(ROOT / "specs/twophase.spec"), timeout=600)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    levels = r["levels"]
    # TLC 2.20: TwoPhase with 5 RMs has depth 17 (tests/explicit/test_explicit_counts.py).
    assert (r["depth"], r["nodes"], len(levels)) == (17, 2, 18)
    assert r["total"] == sum(map(sum, levels))
    assert all(row[0] > 0 for row in levels)  # every level reports to the coordinator
    assert sum(row[3] for row in levels) > 0  # two partitions even out their runs with pieces
    # Each actor's memory after every level, its heap apart from the object store's pages.
    assert all(len(m) == 2 and all(heap > 0 and store >= 0 for heap, store in m) for m in r["memory"])
    assert all(0 < heap <= rss for heap, rss in zip(r["peak_heap"], r["peak_rss"]))
    assert all(heap <= peak for m in r["memory"] for (heap, _), peak in zip(m, r["peak_heap"]))


NO_COMPILER = """
import sys, ray
from specpy.cluster import check
from specpy.options import CheckOptions, OptionError
from specpy.pipeline import load
# The actors (not this driver) find no C compiler and an empty native cache.
ray.init(address=sys.argv[1], log_to_driver=False, logging_level="WARNING",
         runtime_env={"env_vars": {"CC": "/nonexistent/cc", "XDG_CACHE_HOME": sys.argv[3]}})
try:
    check(load(sys.argv[2]), CheckOptions(backend="native", cluster="ray"))
except OptionError as exc:
    print("OptionError:", exc)
"""


def test_a_node_that_cannot_build_the_native_library_is_a_clear_error(ray_cluster, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    proc = ray_cluster.run(*SPECPY[:1], "-c", NO_COMPILER, ray_cluster.address, str(ROOT / "specs/tcommit.spec"), str(cache))
    assert proc.returncode == 0, proc.stderr
    assert "OptionError: --cluster: a node cannot build the native library (no C compiler found" in proc.stdout, proc.stdout
    assert "--backend python" in proc.stdout
