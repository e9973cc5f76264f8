"""--checkpoint / --resume natively: a checkpoint written by the native engine
resumes natively to the result of a run never interrupted (counts, coverage,
verdict, trace), with any number of workers; a checkpoint holds the
fingerprints of the backend that wrote it, so the other backend refuses it
(or, without --backend, the run picks the backend that wrote it)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from native_compare import summary

from specpy.explicit import check
from specpy.explicit.checkpoint import CheckpointError, written_by
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
TWOPHASE_4 = (ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4")}))
PAXOS_BUG = (ROOT / "specs/paxos_bug_accept_lower_ballot.spec", Overrides())
#: Symmetry reduction and the raft faults block (bags) natively.
RAFT = (ROOT / "specs/raft.spec", Overrides())


def stopped(spec: tuple[Path, Overrides], directory: Path, max_states: int, workers: int = 1, backend: str = "native"):
    """A run stopped by --max-states, which writes its last level boundary to `directory`."""
    r = check(load(*spec), CheckOptions(backend=backend, max_states=max_states, checkpoint_dir=str(directory), workers=workers))
    assert r.kind is ResultKind.LIMIT and r.limit == "max-states"
    return r


@pytest.mark.parametrize(
    "spec, max_states, before, after",
    [
        (TWOPHASE_4, 700, 1, 1),
        (TWOPHASE_4, 700, 1, 2),
        (TWOPHASE_4, 700, 2, 1),
        (PAXOS_BUG, 300, 1, 1),  # a violation after the resume: the same trace
    ],
    ids=["twophase", "twophase-1-to-2-workers", "twophase-2-to-1-workers", "paxos-bug"],
)
def test_a_native_checkpoint_resumes_natively_to_the_same_result(
    tmp_path: Path, spec: tuple[Path, Overrides], max_states: int, before: int, after: int
) -> None:
    stopped(spec, tmp_path / "ck", max_states, before)
    assert written_by(str(tmp_path / "ck")) == "native"
    model = load(*spec)
    resumed = check(model, CheckOptions(backend="native", resume_dir=str(tmp_path / "ck"), workers=after))
    whole = check(model, CheckOptions(backend="native"))
    python = check(model, CheckOptions(backend="python"))
    assert resumed.backend == "native"
    assert summary(resumed) == summary(whole) == summary(python)


@pytest.mark.parametrize("backend", ["native", "python"])
def test_raft_resumes_with_its_bags_faults_and_symmetry(tmp_path: Path, backend: str) -> None:
    # python too: a checkpoint of a spec with a `faults` block counts its steps as actions
    text = RAFT[0].read_text()
    text = text[: text.index("# ---------------------------------------------------------------- liveness")]
    spec = tmp_path / "raft3.spec"
    spec.write_text(text.replace("type Server = {s1, s2}", "symmetric type Server = {s1, s2, s3}"))
    options = CheckOptions(backend=backend, max_depth=9)
    r = check(load(spec), dataclasses.replace(options, max_states=1000, checkpoint_dir=str(tmp_path / "ck")))
    assert r.limit == "max-states"
    resumed = check(load(spec), dataclasses.replace(options, resume_dir=str(tmp_path / "ck")))
    whole = check(load(spec), options)
    assert resumed.backend == backend and summary(resumed) == summary(whole)
    assert whole.stats.distinct_states > 1000


def test_a_checkpoint_is_resumed_by_the_backend_that_wrote_it(tmp_path: Path) -> None:
    model = load(*TWOPHASE_4)
    stopped(TWOPHASE_4, tmp_path / "native", 700)
    stopped(TWOPHASE_4, tmp_path / "python", 700, backend="python")
    assert written_by(str(tmp_path / "python")) == "python"
    with pytest.raises(CheckpointError, match="fingerprints differ.*--backend native"):
        check(model, CheckOptions(backend="python", resume_dir=str(tmp_path / "native")))
    auto = check(model, CheckOptions(backend="auto", resume_dir=str(tmp_path / "python")))
    assert auto.backend == "python" and "Python backend's fingerprints" in auto.backend_note
    assert auto.stats.distinct_states == 1568  # TLC (tlcref TwoPhase4.out): 1568 distinct


def test_cli_resumes_a_native_checkpoint(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from specpy.cli import main

    args = ["check", str(TWOPHASE_4[0]), "--type", "RM=r1,r2,r3,r4"]
    runner = CliRunner()
    first = runner.invoke(main, [*args, "--max-states", "700", "--checkpoint", str(tmp_path / "ck"), "--json"])
    assert first.exit_code == 152, first.output
    assert json.loads(first.stdout)["backend"] == "native"
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "ck", moved)  # a checkpoint is files only: it may be moved
    again = runner.invoke(main, [*args, "--resume", str(moved), "--json"])
    assert again.exit_code == 0, again.output
    result = json.loads(again.stdout)
    assert result["backend"] == "native"
    # TLC (tlcref TwoPhase4.out): 1568 distinct, 8258 generated, depth 14
    assert (result["distinct_states"], result["states_generated"], result["depth"]) == (1568, 8258, 14)
