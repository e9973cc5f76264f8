"""Run fuzz inputs through the real CLI in worker processes under resource limits.

A worker is a child Python process with an address-space limit
(`resource.setrlimit(RLIMIT_AS)`, 2 GB) that reads case numbers on stdin,
builds each case (fuzz_inputs.py, seeded by the number, so every case can be
replayed alone), runs `specpy ARGS` in process through click's test runner
— the same guard and exit codes a user gets — and answers one line per case.
The parent waits at most CASE_SECONDS for each answer: a worker that takes
longer is killed and the case is a hang; one that dies (killed by the
kernel, a signal, the memory limit) is a crash; either way a fresh worker
continues with the next case. Workers are replaced every RECYCLE cases so
that caches do not add up.

A finding is: a hang, a dead worker, an exception that escaped the CLI's
guard, exit 153 with "internal error" or "out of memory", a traceback in the
output, or an exit code outside the documented ones.
"""

from __future__ import annotations

import os
import random
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEMORY_BYTES = 2_000_000_000
CASE_SECONDS = 60.0
RECYCLE = 400
DOCUMENTED_EXITS = {0, 2, 11, 12, 13, 14, 20, 75, 150, 151, 152, 153}


def case_rng(prefix: str, number: int) -> random.Random:
    return random.Random(f"{prefix}:{number}")


def case_kind(number: int) -> str:
    from fuzz_inputs import GENERATORS

    kinds = list(GENERATORS)
    return kinds[number % len(kinds)]


# ---------------------------------------------------------------- the worker


def run_case(prefix: str, number: int, scratch: Path) -> str:
    """Build and run case `number`; its outcome: 'ok:<exit code>' or 'FINDING:<what>'."""
    from click.testing import CliRunner
    from fuzz_inputs import GENERATORS

    from specpy.cli import main

    case = GENERATORS[case_kind(number)](case_rng(prefix, number), scratch)
    directory = Path(tempfile.mkdtemp(prefix="case-", dir=scratch))
    try:
        if case.tree is not None:
            shutil.copytree(case.tree, directory / "ck")
        for name, data in case.files.items():
            (directory / name).write_bytes(data)
        if case.edit is not None:
            case.edit(directory)
        args = [a.replace("{dir}", str(directory)) for a in case.args]
        result = CliRunner().invoke(main, args, catch_exceptions=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"FINDING:{case.kind}: {type(result.exception).__name__}: {result.exception}"[:500]
    text = result.output + (result.stderr or "")
    if "Traceback (most recent call last)" in text:
        return f"FINDING:{case.kind}: traceback in the output"
    if code == 153 and ("internal error" in text or "out of memory" in text):
        return f"FINDING:{case.kind}: exit 153: {text.strip().splitlines()[-1][:300]}"
    if code not in DOCUMENTED_EXITS:
        return f"FINDING:{case.kind}: undocumented exit {code}"
    return f"ok:{case.kind}:{code}"


def worker_main(prefix: str, scratch: str) -> None:
    for line in sys.stdin:
        number = int(line)
        try:
            outcome = run_case(prefix, number, Path(scratch))
        except Exception as exc:  # noqa: BLE001 - building the case itself failed: report, not die
            outcome = f"FINDING:harness: {type(exc).__name__}: {exc}"[:500]
        sys.__stdout__.write(f"{number} {outcome}\n".replace("\n", " ").rstrip() + "\n")
        sys.__stdout__.flush()


# ---------------------------------------------------------------- the parent


def _limits(memory: int) -> None:
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(5)


@dataclass
class Report:
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    hangs: int = 0
    deaths: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


class Worker:
    def __init__(self, prefix: str, scratch: Path, memory: int):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
        env.pop("SPECPY_DEBUG", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--worker", prefix, str(scratch)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
            preexec_fn=lambda: _limits(memory),
        )
        self.done = 0

    def ask(self, number: int, seconds: float) -> str | None:
        """The answer line for case `number`; None if the worker died or took too long (it is killed)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(f"{number}\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return None
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if ready else ""
        self.done += 1
        return line.strip() or None

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def run_cases(numbers: Sequence[int], prefix: str = "fuzz", memory: int = MEMORY_BYTES,
              seconds: float = CASE_SECONDS, progress: bool = False, budget: float | None = None) -> Report:
    """Run the cases in order (until `budget` seconds have passed, if given)."""
    report = Report()
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="specpy-fuzz-"))
    worker: Worker | None = None
    try:
        for number in numbers:
            if budget is not None and time.monotonic() - start > budget:
                break
            if worker is None or worker.done >= RECYCLE:
                if worker is not None:
                    worker.stop()
                worker = Worker(prefix, scratch, memory)
            t0 = time.monotonic()
            answer = worker.ask(number, seconds)
            if answer is None:
                hung = time.monotonic() - t0 >= seconds
                worker.stop()
                worker = None
                what = "hang" if hung else "worker died (memory limit, signal or kernel)"
                report.hangs += hung
                report.deaths += not hung
                report.findings.append(f"case {number} ({case_kind(number)}): {what}")
                report.outcomes[f"FINDING:{case_kind(number)}"] += 1
                continue
            _, outcome = answer.split(" ", 1)
            if outcome.startswith("FINDING"):
                report.findings.append(f"case {number}: {outcome}")
                if progress:
                    print(f"case {number}: {outcome}", file=sys.stderr, flush=True)
                report.outcomes[outcome.split(":")[0] + ":" + outcome.split(":")[1]] += 1
            else:
                report.outcomes[outcome] += 1
            if progress and report.total % 1000 == 0:
                print(f"{report.total:,} cases, {len(report.findings)} findings, "
                      f"{time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    finally:
        if worker is not None:
            worker.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.monotonic() - start
    return report


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    sys.path.insert(0, str(HERE))
    worker_main(sys.argv[2], sys.argv[3])
