"""The native core leaves out the run-time checks the range analysis
(ir/ranges.py) proves needless, and keeps the others: each construct of
tests/explicit/test_range_checks.py, where a value really leaves its type
and where it is guarded, gives the Python backend's result natively."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from native_compare import both, summary

from specpy.diagnostics import SourceFile
from specpy.native.c_module import generate_layout
from specpy.options import CheckOptions
from specpy.pipeline import load, load_text

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("range_checks", ROOT / "tests/explicit/test_range_checks.py")
assert _spec is not None and _spec.loader is not None
range_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(range_checks)

SPECS = {f"leaves-{k}": body for k, (body, _) in range_checks.CASES.items()} | {
    f"guarded-{k}": body for k, body in range_checks.GUARDED.items()
}


@pytest.mark.parametrize("case", sorted(SPECS))
def test_checks_kept_and_dropped_agree_with_python(case: str) -> None:
    model = load_text(SourceFile("r.spec", range_checks.HEAD + SPECS[case] + "\n"))
    python, native = both(model, CheckOptions(check_deadlock=False, max_states=10_000))
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python)


def test_raft_needs_fewer_checks() -> None:
    """The count of run-time checks in raft.spec's C, with and without the
    analysis (86 and 63 when this was written: indexes into logs guarded by
    `prevIndex <= len(log[s])`, terms and indexes stored within their ranges)."""
    model = load(ROOT / "specs/raft.spec")
    with_facts = generate_layout(model)[0].count("sp_fail()")
    without = generate_layout(model, ranges=False)[0].count("sp_fail()")
    assert with_facts < without - 10
