"""Spilling to disk (explicit/spill.py) under the native engine: a partition
that spills becomes deferred and expands chunk by chunk with raw frontier
blocks in spill files; the result is the in-memory one, trace included."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from native_compare import summary

from specpy.explicit import check, spill
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "spec, overrides",
    [
        ("specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4")})),
        ("specs/paxos_bug_accept_lower_ballot.spec", Overrides()),  # a violation: the same trace
    ],
    ids=["twophase", "paxos-bug"],
)
def test_a_spilled_native_search_agrees(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spec: str, overrides: Overrides) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # spill.py imports it when it spills
    model = load(ROOT / spec, overrides)
    whole = check(model, CheckOptions(backend="native"))
    with monkeypatch.context() as m:  # every partition spills after its first level, tables of 16
        m.setattr(spill.Spill, "pressed", lambda self: True)
        m.setattr(spill, "MIN_TABLE", 16)
        m.setattr(spill, "READ_BLOCK", 64)
        for workers in (1, 2):
            spilled = check(model, CheckOptions(backend="native", workers=workers))
            python = check(model, CheckOptions(backend="python", workers=workers))
            assert spilled.backend == "native" and summary(spilled) == summary(python)
            if workers == 1:  # (with 2, a violation's generated count depends on where each run stopped)
                assert summary(spilled) == summary(whole)
    assert not list(tmp_path.iterdir()), "spill files are removed at the end"
