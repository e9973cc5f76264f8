"""Checkpoint and resume (`--checkpoint`, `--resume`), killed runs, limits, workers.

Each resume test kills a run with SIGKILL (nothing of the run can react)
once a checkpoint of a level in the middle of the search exists, resumes it,
and compares the result with a run that was never interrupted: every count,
the coverage table, the verdict and, for a violation, the whole trace.

Models: twophase with 7 RMs (296,448 distinct states, depth 23: TLC 2.20's
count, bench/results.md; 8 RMs, 1,745,408 states, for the signal test) and the Paxos bug variant with MaxBallot=2 (91,698
states, a 13-state Agreement violation; its states hold optional values,
so resuming it in a new process shows that their fingerprints are the same
in every process).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from specpy.explicit import checkpoint
from terminal_run import TerminalRun

ROOT = Path(__file__).resolve().parents[2]
SPECPY = [sys.executable, "-m", "specpy"]
TWOPHASE_7 = ["specs/twophase.spec", "--type", "RM=r1,r2,r3,r4,r5,r6,r7"]
TWOPHASE_8 = ["specs/twophase.spec", "--type", "RM=r1,r2,r3,r4,r5,r6,r7,r8"]
PAXOS_BUG = ["specs/paxos_bug_accept_lower_ballot.spec", "--const", "MaxBallot=2"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and fork")


def specpy(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*SPECPY, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def comparable(result: dict) -> dict:
    """A result's JSON without what depends on the clock or names the engine."""
    out = {k: v for k, v in result.items() if k not in ("seconds", "states_per_second", "backend", "backend_note")}
    if "checked" in out:
        out["checked"] = {k: v for k, v in out["checked"].items() if k != "backend"}
    return out


def checkpoint_level(directory: Path) -> int:
    """The level of the checkpoint CURRENT names (0 if none yet)."""
    try:
        name = (directory / "CURRENT").read_text()
        return json.loads((directory / name / "manifest.json").read_text())["search"]["level"]
    except (OSError, ValueError):
        return 0


def kill_after_checkpoint(args: list[str], directory: Path, level: int) -> dict:
    """Start a checkpointing run, SIGKILL it once a checkpoint of `level` or later exists."""
    proc = subprocess.Popen(
        [*SPECPY, "check", *args, "--checkpoint", str(directory), "--checkpoint-interval", "0.05", "--json"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while checkpoint_level(directory) < level and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed mid-way"
    proc.kill()
    proc.wait()
    name = (directory / "CURRENT").read_text()
    return json.loads((directory / name / "manifest.json").read_text())["search"]


def test_a_killed_run_resumes_to_the_same_result(tmp_path: Path) -> None:
    at_kill = kill_after_checkpoint(TWOPHASE_7, tmp_path / "ck", level=8)
    assert 0 < at_kill["stored"] < 296_448
    resumed = specpy("check", *TWOPHASE_7, "--resume", tmp_path / "ck", "--json")
    assert resumed.returncode == 0, resumed.stderr
    whole = specpy("check", *TWOPHASE_7, "--json")
    assert comparable(json.loads(resumed.stdout)) == comparable(json.loads(whole.stdout))
    result = json.loads(resumed.stdout)
    assert (result["distinct_states"], result["depth"]) == (296_448, 23)  # TLC: 296,448 distinct


def test_a_killed_run_finds_the_same_violation_and_trace(tmp_path: Path) -> None:
    at_kill = kill_after_checkpoint(PAXOS_BUG, tmp_path / "ck", level=6)
    assert 0 < at_kill["stored"] < 91_698
    resumed = specpy("check", *PAXOS_BUG, "--resume", tmp_path / "ck", "--json", "--trace-out", tmp_path / "r.itf.json")
    whole = specpy("check", *PAXOS_BUG, "--json", "--trace-out", tmp_path / "w.itf.json")
    assert resumed.returncode == whole.returncode == 12, resumed.stderr
    assert comparable(json.loads(resumed.stdout)) == comparable(json.loads(whole.stdout))
    assert json.loads(resumed.stdout)["violation"]["trace_length"] == 13  # the spec's `# expect:` header
    assert (tmp_path / "r.itf.json").read_text() == (tmp_path / "w.itf.json").read_text()


def stopped_with_checkpoint(tmp_path: Path, spec: Path, *extra: str) -> Path:
    """A checkpoint written when --max-states stops a run (deterministic, no timing)."""
    directory = tmp_path / "ck"
    r = specpy("check", spec, "--type", "RM=r1,r2,r3,r4", "--max-states", "700", "--checkpoint", directory, *extra)
    assert r.returncode == 152, r.stderr
    assert f"To resume: specpy check --resume {directory} --type RM=r1,r2,r3,r4" in r.stderr
    return directory


def test_a_limit_stop_writes_a_checkpoint_that_resumes(tmp_path: Path) -> None:
    directory = stopped_with_checkpoint(tmp_path, ROOT / "specs/twophase.spec")
    r = specpy("check", "specs/twophase.spec", "--type", "RM=r1,r2,r3,r4", "--resume", directory, "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    # TLC (tlcref TwoPhase4.out): 1568 distinct, 8258 generated, depth 14
    assert (result["distinct_states"], result["states_generated"], result["depth"]) == (1568, 8258, 14)


@pytest.mark.parametrize("before, after", [("1", "2"), ("3", "1"), ("2", "3")])
def test_a_checkpoint_resumes_with_another_number_of_workers(tmp_path: Path, before: str, after: str) -> None:
    # State ids encode the partition count; repartition.py renumbers them.
    directory = stopped_with_checkpoint(tmp_path, ROOT / "specs/twophase.spec", "--workers", before)
    r = specpy("check", "specs/twophase.spec", "--type", "RM=r1,r2,r3,r4", "--resume", directory, "--workers", after, "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    # TLC (tlcref TwoPhase4.out): 1568 distinct, 8258 generated, depth 14
    assert (result["distinct_states"], result["states_generated"], result["depth"]) == (1568, 8258, 14)


def test_a_resumed_trace_is_the_same_with_another_number_of_workers(tmp_path: Path) -> None:
    spec = ROOT / "specs/paxos_bug_accept_lower_ballot.spec"
    stopped = specpy("check", spec, "--max-states", "300", "--checkpoint", tmp_path / "ck", "--workers", "2")
    assert stopped.returncode == 152, stopped.stderr
    resumed = specpy("check", spec, "--resume", tmp_path / "ck", "--json", "--trace-out", tmp_path / "r.itf.json")
    whole = specpy("check", spec, "--json", "--trace-out", tmp_path / "w.itf.json")
    assert resumed.returncode == whole.returncode == 12, resumed.stderr
    assert (tmp_path / "r.itf.json").read_text() == (tmp_path / "w.itf.json").read_text()


def test_resuming_with_a_changed_spec_or_options_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "twophase.spec"
    shutil.copy(ROOT / "specs/twophase.spec", spec)
    directory = stopped_with_checkpoint(tmp_path, spec)
    rms = ["--type", "RM=r1,r2,r3,r4"]
    r = specpy("check", spec, "--type", "RM=r1,r2,r3", "--resume", directory)
    assert r.returncode == 151 and "the checkpoint is of another model" in r.stderr, r.stderr
    r = specpy("check", spec, *rms, "--no-deadlock", "--resume", directory)
    assert r.returncode == 151 and "check_deadlock differ" in r.stderr and "--no-deadlock" in r.stderr, r.stderr
    spec.write_text(spec.read_text() + "\n# an edit\n")
    r = specpy("check", spec, *rms, "--resume", directory)
    assert r.returncode == 151 and "the checkpoint is of another model" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("damage", ["truncated", "no-current", "bad-manifest", "foreign-current", "old-format"])
def test_a_damaged_checkpoint_is_a_clear_error(tmp_path: Path, damage: str) -> None:
    directory = stopped_with_checkpoint(tmp_path, ROOT / "specs/twophase.spec")
    current = directory / (directory / "CURRENT").read_text()
    if damage == "truncated":
        data = (current / "p0-fps.npy").read_bytes()
        (current / "p0-fps.npy").write_bytes(data[: len(data) // 2])
        expected = "p0-fps.npy does not match its SHA-256"
    elif damage == "no-current":
        (directory / "CURRENT").unlink()
        expected = "not a checkpoint directory"
    elif damage == "bad-manifest":
        (current / "manifest.json").write_text('{"format": 1, "specpy": ')
        expected = "corrupt checkpoint: cannot read"
    elif damage == "foreign-current":
        (directory / "CURRENT").write_text("../../etc")
        expected = "CURRENT does not name a checkpoint"
    else:  # formats 1 and 2 stored fingerprints of None, which differ from process to process
        manifest = json.loads((current / "manifest.json").read_text())
        (current / "manifest.json").write_text(json.dumps({**manifest, "format": 2}))
        expected = "checkpoint format 2 was written by an older specpy"
    r = specpy("check", "specs/twophase.spec", "--type", "RM=r1,r2,r3,r4", "--resume", directory)
    assert r.returncode == 151, r.stderr
    assert expected in r.stderr and "Traceback" not in r.stderr


def test_a_tiny_memory_limit_stops_the_search(tmp_path: Path) -> None:
    r = specpy("check", *TWOPHASE_7, "--memory-limit", "1", "--checkpoint", tmp_path / "ck", "--json")
    assert r.returncode == 152, r.stderr
    result = json.loads(r.stdout)
    assert (result["result"], result["limit"]) == ("limit", "memory")
    assert "more than --memory-limit 1 MB" in result["limit_detail"]
    assert 0 < result["distinct_states"] < 296_448
    assert "To resume: specpy check --resume" in r.stderr


def children(pid: int) -> list[int]:
    kids = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in kids.read_text().split()] if kids.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_workers_stop_on_a_signal_with_a_checkpoint_that_resumes(tmp_path: Path, sig: int) -> None:
    directory = tmp_path / "ck"
    # The Python backend: natively the whole run takes ~2 s and may end before its first
    # progress line (tests/native/test_native_checkpoint.py covers native checkpoints).
    args = [*TWOPHASE_8, "--workers", "2", "--backend", "python"]
    # No periodic checkpoint within the run: the one to resume from is written on the signal.
    run = TerminalRun([*SPECPY, "check", *args, "--checkpoint", str(directory), "--checkpoint-interval", "600", "--json"], ROOT)
    # Signalled once the progress line shows states stored: with 8 RMs the whole
    # run takes ~8.6 s after the workers start on an idle 2-core machine.
    run.wait_until_exploring()
    proc = run.proc
    workers = children(proc.pid)
    # A terminal's Ctrl-C reaches the whole process group; SIGTERM only the coordinator.
    proc.send_signal(sig)
    for w in workers if sig == signal.SIGINT else []:
        os.kill(w, sig)
    code, out, err = run.finish(timeout=300)
    assert code == 152, err
    result = json.loads(out)
    assert (result["result"], result["limit"]) == ("limit", "interrupted")
    assert 0 < result["distinct_states"] < 1_745_408
    assert "Traceback" not in err and f"To resume: specpy check --resume {directory}" in err
    time.sleep(0.5)
    assert len(workers) == 2 and not any(map(alive, workers))
    resumed = specpy("check", *args, "--resume", directory, "--json")
    assert resumed.returncode == 0, resumed.stderr
    whole = json.loads(resumed.stdout)
    assert (whole["distinct_states"], whole["depth"]) == (1_745_408, 26)  # TLC 2.20: 1,745,408 distinct, depth 26


def test_optional_values_resume_in_a_process_that_never_saw_the_checkpointing_one(tmp_path: Path) -> None:
    """Written by the CLI, resumed through the Python API: no re-execution, no
    pinned addresses (Python hashes: the Python backend, the API's default)."""
    spec = "specs/paxos_bug_accept_lower_ballot.spec"  # states hold `Value?`
    r = specpy("check", spec, "--max-states", "2000", "--checkpoint", tmp_path / "ck", "--backend", "python")
    assert r.returncode == 152, r.stderr
    manifest = json.loads((tmp_path / "ck" / (tmp_path / "ck" / "CURRENT").read_text() / "manifest.json").read_text())
    assert manifest["format"] == 3 and manifest["search"]["queued"] > 0
    resume = (
        "import sys; from specpy import api; "
        "r = api.load(sys.argv[1]).check(resume_dir=sys.argv[2]); "
        "print(r.violation.name, len(r.trace.states), r.stats.distinct_states)"
    )
    resumed = subprocess.run(
        [sys.executable, "-c", resume, spec, str(tmp_path / "ck")], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    whole = json.loads(specpy("check", spec, "--json").stdout)
    # The spec's `# expect:` header: Agreement, a 13-state trace.
    assert resumed.stdout.split() == ["Agreement", "13", str(whole["distinct_states"])]


@pytest.mark.parametrize("symmetry", [True, False])
def test_a_symmetric_checkpoint_from_before_the_shared_representatives_is_refused(tmp_path: Path, symmetry: bool) -> None:
    """Checkpoints whose manifest does not record which orbit member symmetry
    keeps were written by a specpy that kept others: resuming one with
    symmetry on would count orbits twice, so it is refused; without symmetry
    (--no-symmetry) it resumes to the whole result."""
    spec = ROOT / "specs/causal_broadcast.spec"
    flags = [] if symmetry else ["--no-symmetry"]
    directory = tmp_path / "ck"
    r = specpy("check", spec, "--max-states", "200", "--checkpoint", directory, *flags)
    assert r.returncode == 152, r.stderr
    current = directory / (directory / "CURRENT").read_text()
    manifest = json.loads((current / "manifest.json").read_text())
    options = {k: v for k, v in manifest["options"].items() if k != "representatives"}
    assert len(options) == len(manifest["options"]) - 1
    older = {**manifest, "options": options}
    older["manifest_sha256"] = checkpoint._manifest_digest(older)  # as an older specpy wrote it
    (current / "manifest.json").write_text(json.dumps(older))
    r = specpy("check", spec, "--resume", directory, "--json", *flags)
    if symmetry:
        assert r.returncode == 151, r.stderr
        assert "symmetry reduction stored other members of each orbit" in r.stderr and "Traceback" not in r.stderr
    else:
        whole = specpy("check", spec, "--json", *flags)
        keys = ("distinct_states", "states_generated", "depth")
        assert r.returncode == whole.returncode == 0, r.stderr
        assert [json.loads(r.stdout)[k] for k in keys] == [json.loads(whole.stdout)[k] for k in keys]
