"""Spilling to disk (explicit/spill.py): a search whose tables, links and
frontiers go to disk gives the result of one in memory, trace included."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from explicit_ir import twophase
from test_partitions import SPECS, loaded, run, summary

from specpy.explicit import spill
from specpy.explicit.spill import SortedFingerprints
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_memory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`spilled(model, ...)`: a search in which every partition spills after
    its first level, with a table of 16 fingerprints; its files go to tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # spill.py imports it when it spills

    def spilled(model, **options):
        with monkeypatch.context() as m:
            m.setattr(spill.Spill, "pressed", lambda self: True)
            m.setattr(spill, "MIN_TABLE", 16)
            m.setattr(spill, "READ_BLOCK", 64)  # many blocks per pass
            return run(model, **options)

    spilled.dir = tmp_path
    return spilled


def test_sorted_fingerprints_match_a_python_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "READ_BLOCK", 7)
    rng = np.random.default_rng(7)
    disk, ref = SortedFingerprints(tmp_path / "fps.bin"), set()
    for _ in range(20):
        batch = np.unique(rng.integers(-(1 << 62), 1 << 62, 50))
        batch = batch[[int(x) not in ref for x in batch]]
        disk.merge(batch)
        ref.update(int(x) for x in batch)
        probe = np.concatenate([batch[:5], rng.integers(-(1 << 62), 1 << 62, 30), np.array(sorted(ref)[:3])])
        assert disk.contains(probe).tolist() == [int(x) in ref for x in probe]
    assert np.array_equal(np.fromfile(tmp_path / "fps.bin", dtype=np.int64), np.array(sorted(ref)))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spilled_search_agrees_on_every_spec(path: Path, tiny_memory) -> None:
    model = loaded(path)
    one = run(model)
    for parts in (1, 2):
        spilled = tiny_memory(model, parts=parts)
        assert summary(spilled) == summary(one)
        if one.violation is None:
            assert spilled.stats.coverage == one.stats.coverage
    assert not list(tiny_memory.dir.iterdir()), "spill files are removed at the end"


@pytest.mark.parametrize("options", [{"max_depth": 5}, {"max_states": 100}, {"check_deadlock": False}])
def test_spilled_search_agrees_under_limits(options, tiny_memory) -> None:
    one = summary(run(twophase(4), **options))
    assert summary(tiny_memory(twophase(4), **options)) == one
    assert summary(tiny_memory(twophase(4), parts=2, sharded=True, **options)) == one


def test_a_full_disk_stops_the_search_cleanly(tiny_memory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    writes = {"left": 40}

    def pwrite(fd: int, data: bytes, offset: int) -> int:
        writes["left"] -= 1
        if writes["left"] < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data, offset)

    real = os.pwrite
    ck = str(tmp_path / "ck")
    with monkeypatch.context() as m:
        m.setattr(spill.os, "pwrite", pwrite)
        r = tiny_memory(twophase(5), checkpoint_dir=ck)
    assert r.kind is ResultKind.LIMIT and r.limit == "disk"
    assert "No space left on device" in (r.limit_detail or "")
    assert 0 < r.stats.distinct_states < 8832
    # The checkpoint of the last boundary resumes (with room on the disk now):
    # TLC 2.20, TwoPhase with 5 RMs: 8,832 distinct, 58,146 generated, depth 17.
    done = tiny_memory(twophase(5), resume_dir=ck)
    assert (done.kind, done.stats.distinct_states, done.stats.states_generated, done.stats.depth) == (
        ResultKind.OK, 8832, 58146, 17,
    )
