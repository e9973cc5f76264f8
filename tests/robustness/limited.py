"""Run specpy in a child process under a memory and a time limit.

A hostile input that makes specpy hang or grow without bound must be a test
failure (or a fuzz finding), never a dead machine: the child gets an address
space limit (`resource.setrlimit(RLIMIT_AS)`, so an allocation past it is a
MemoryError or a kill) and a CPU limit, and the parent a wall-clock timeout
after which the child's process group is killed.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY_BYTES = 2_000_000_000
"""Address space per child: numpy and the interpreter take ~400 MB of it."""

ROOT = Path(__file__).resolve().parents[2]


def specpy_bin() -> str:
    """The console script of the environment running the tests."""
    beside = Path(sys.executable).parent / "specpy"
    found = str(beside) if beside.exists() else shutil.which("specpy")
    assert found, "the specpy console script is not installed (pip install -e '.[test]')"
    return found


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed for taking too long
    stdout: str
    stderr: str

    @property
    def hung(self) -> bool:
        return self.code is None

    @property
    def crashed(self) -> bool:
        """A traceback, an internal error, a signal, or the memory limit: what never may happen."""
        return (
            self.code is None
            or self.code < 0
            or self.code == 153 and ("internal error" in self.stderr or "out of memory" in self.stderr)
            or "Traceback (most recent call last)" in self.stderr
        )


def _limit(memory: int, cpu_seconds: int) -> None:
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_specpy(
    *args: str | Path,
    cwd: Path = ROOT,
    timeout: float = 60,
    memory: int = MEMORY_BYTES,
    stdin: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Outcome:
    """`specpy ARGS` under the limits; a run past `timeout` seconds is killed (Outcome.hung)."""
    environment = {k: v for k, v in os.environ.items() if k != "SPECPY_DEBUG"}
    environment.update(env or {})
    proc = subprocess.Popen(
        [specpy_bin(), *map(str, args)], cwd=cwd, env=environment, stdin=stdin,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        preexec_fn=lambda: _limit(memory, int(timeout) + 1),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Outcome(None, out, err)
    return Outcome(proc.returncode, out, err)
