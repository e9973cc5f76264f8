"""`--cluster` and `--disk-dir` on the command line, without a cluster:
Ray is optional, and a bad value is a clear error (exit 151)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECPY = [sys.executable, "-m", "specpy"]


def specpy(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SPECPY, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def test_without_ray_the_cluster_option_names_the_extra(tmp_path: Path) -> None:
    # A `ray` package that cannot be imported stands for an installation without it.
    (tmp_path / "ray").mkdir()
    (tmp_path / "ray" / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT / "src")]))
    r = specpy("check", "specs/twophase.spec", "--cluster", "ray", env=env)
    assert r.returncode == 151, r.stderr
    assert "--cluster ray needs Ray, an optional dependency: pip install 'specpy-mc[ray]'" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("value", ["dask", "ray=", "ray=host", "ray=host:99999", "ray=:6379"])
def test_a_malformed_cluster_is_refused_before_the_spec_is_read(value: str) -> None:
    r = specpy("check", "no-such.spec", "--cluster", value)
    assert r.returncode == 151 and f"--cluster {value}:" in r.stderr, r.stderr


def test_the_cluster_needs_the_explicit_backend() -> None:
    r = specpy("check", "specs/twophase.spec", "--backend", "z3", "--depth", "3", "--cluster", "ray")
    assert r.returncode == 151 and "apply to the explicit backend only" in r.stderr, r.stderr


def test_a_disk_dir_that_cannot_be_made_is_a_clean_stop(tmp_path: Path) -> None:
    # --memory-limit 1: the search spills after its first level, into a directory under a file.
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = specpy("check", "specs/twophase.spec", "--json", "--memory-limit", "1", "--disk-dir", str(blocker / "spill"))
    assert r.returncode == 152, r.stderr
    out = json.loads(r.stdout)
    assert out["limit"] == "disk" and str(blocker) in out["limit_detail"]


def test_a_search_that_spills_under_its_memory_limit_gives_the_same_counts(tmp_path: Path) -> None:
    # The interpreter alone takes ~46 MB, over half of 80: the search spills
    # from its first level on, and the memory watch (80 MB) must not stop it.
    spill = tmp_path / "spill"
    r = specpy(
        "check", "specs/twophase.spec", "--type", "RM=r1,r2,r3,r4,r5", "--json", "--memory-limit", "80",
        "--disk-dir", str(spill),
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # TLC 2.20, TwoPhase with 5 RMs (tests/explicit/test_explicit_counts.py).
    assert (out["distinct_states"], out["states_generated"], out["depth"]) == (8832, 58146, 17)
    assert spill.is_dir() and not any(spill.iterdir()), "the spill directory was used and emptied"
