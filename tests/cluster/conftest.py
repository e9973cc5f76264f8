"""A Ray cluster of two nodes on 127.0.0.1, inside a network namespace with
only loopback, for the tests of `--cluster` (docs/cluster.md).

Left to itself Ray listens on every interface and advertises the machine's
address; in the namespace there is nothing but 127.0.0.1. Making one needs
root (unshare, nsenter) and Ray (`pip install 'specpy-mc[ray]'`): without
either these tests skip and say why. The cluster is started once for the
module that asks for it and always stopped (fixture finalizer).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOLDER = Path(__file__).with_name("ray_holder.py")
SPECPY = [sys.executable, "-m", "specpy"]
START_SECONDS = 120


def _why_not() -> str | None:
    try:
        import ray  # noqa: F401
    except ImportError:
        return "Ray is not installed (pip install 'specpy-mc[ray]')"
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "a loopback-only network namespace needs root on Linux (unshare --net)"
    if not (shutil.which("unshare") and shutil.which("nsenter") and shutil.which("ip")):
        return "unshare, nsenter or ip is missing"
    probe = subprocess.run(["unshare", "--net", "sh", "-c", "ip link set lo up"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"cannot make a network namespace here: {probe.stderr.strip()}"
    return None


@dataclass
class RayCluster:
    """A running cluster: its GCS address and the namespace its holder lives in."""

    holder: subprocess.Popen
    address: str

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """A command inside the cluster's namespace."""
        return subprocess.run(self.enter(*args), capture_output=True, text=True, timeout=timeout)

    def enter(self, *args: str) -> list[str]:
        return ["nsenter", f"--net=/proc/{self.holder.pid}/ns/net", *args]

    def check(self, *args: str, timeout: float = 300) -> tuple[int, dict, str]:
        """`specpy check --json ARGS --cluster ray=ADDRESS` in the namespace: exit code, JSON, stderr."""
        proc = self.run(*SPECPY, "check", "--json", "--cluster", f"ray={self.address}", *args, timeout=timeout)
        try:
            out = json.loads(proc.stdout)
        except ValueError:
            raise AssertionError(f"no JSON from specpy (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}") from None
        return proc.returncode, out, proc.stderr

    def command(self, line: str) -> None:
        """Tell the holder to `remove` or `add` a node, and wait until it has."""
        assert self.holder.stdin is not None and self.holder.stdout is not None
        self.holder.stdin.write(line + "\n")
        self.holder.stdin.flush()
        reply = self.holder.stdout.readline()
        assert reply.strip() == f"OK {line}", reply


@pytest.fixture(scope="module")
def ray_cluster():
    why = _why_not()
    if why is not None:
        pytest.skip(why)
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", PYTHONPATH=str(ROOT / "src"))
    holder = subprocess.Popen(
        ["unshare", "--net", "sh", "-c", f'ip link set lo up && exec "{sys.executable}" "{HOLDER}" 2'],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline()  # blocks until the cluster is up (or the holder died)
        if not line.startswith("ADDRESS "):
            pytest.fail(f"the Ray cluster did not start (holder exited {holder.poll()})")
        yield RayCluster(holder, line.split()[1])
    finally:
        if holder.poll() is None:
            try:
                holder.communicate("quit\n", timeout=60)
            except subprocess.TimeoutExpired:
                holder.kill()
                holder.wait()
