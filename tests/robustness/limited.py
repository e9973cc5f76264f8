"""Run specpy, or a test's body, in a child process under a memory and a time limit.

A hostile input that makes specpy hang or grow without bound must be a test
failure (or a fuzz finding), never a dead machine: the child gets an address
space limit (`resource.setrlimit(RLIMIT_AS)`, so an allocation past it is a
MemoryError or a kill) and a CPU limit, and the parent a wall-clock timeout
after which the child's process group is killed.

`run_specpy` runs the console script; `run_limited` runs a module-level
function of a test module (in-process fuzzing with the library API) in a
fresh interpreter, so even a bug that makes specpy allocate without bound
cannot take pytest (and the machine) with it.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
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


def _limited_child(memory: int, cpu_seconds: int, module: str, name: str, args: tuple, report) -> None:
    target = getattr(importlib.import_module(module), name)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        target(*args)
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent, as text
        report.send(traceback.format_exc())
    else:
        report.send(None)


def run_limited(target: Callable[..., object], *args: object, timeout: float = 600,
                memory: int = MEMORY_BYTES) -> None:
    """Call `target(*args)` in a fresh interpreter limited to `memory` bytes and `timeout` s.

    `target` must be a module-level function: the child imports it by name
    (so it may be wrapped, e.g. by hypothesis's `@given`).
    A failure in the child is raised here as an AssertionError with the
    child's traceback; a child that hangs, or dies of the limits, fails too.
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_limited_child, args=(memory, int(timeout) + 1, target.__module__, target.__name__, args, send),
    )
    child.start()
    send.close()
    try:
        message: str | None = receive.recv() if receive.poll(timeout) else f"hung: killed after {timeout} s"
    except EOFError:  # the child is gone without a word
        child.join()
        message = (f"the child died (exit {child.exitcode}): the memory limit ({memory:,} bytes), "
                   "a signal, or the kernel")
    finally:
        child.kill()
        child.join()
    if message is not None:
        raise AssertionError(f"{target.__name__}{args!r} failed in its limited child:\n{message}")
