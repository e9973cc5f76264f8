"""Symmetry reduction natively (native/c_symmetry.py): the Python backend's
counts. Distinct states are orbits, so distinct/generated/depth/coverage
enabled and generated agree exactly; the representative of an orbit is
another one (bytes order, not Python's hash order), so which shortest trace
comes first may differ: a violation agrees in kind, name and trace length."""

from __future__ import annotations

from pathlib import Path

import pytest
from native_compare import both

from specpy.diagnostics import SourceFile
from specpy.options import CheckOptions
from specpy.pipeline import load, load_text
from specpy.result import CheckResult

ROOT = Path(__file__).resolve().parents[2]
SYMMETRIC = [
    "specs/causal_broadcast.spec",
    "specs/causal_broadcast_bug_lamport_clock.spec",
    "specs/raft3.spec",
    "tests/explicit/data/symmetry/links.spec",
    "tests/tla/data/features.spec",  # an evaluation error (a bag past its bound)
]


def counts(r: CheckResult) -> dict:
    v = r.violation
    return {
        "kind": r.kind,
        "exit": r.exit_code,
        "distinct": r.stats.distinct_states if v is None else None,  # a violation stops mid-level: order-dependent
        "generated": r.stats.states_generated if v is None else None,
        "depth": r.stats.depth if v is None else None,
        "bounded": r.bounded,
        "coverage": [(a.name, a.enabled, a.generated) for a in r.stats.coverage] if v is None else None,
        "violation": None if v is None else (v.kind, v.name, len(v.trace.states)),
    }


@pytest.mark.parametrize("name", SYMMETRIC)
def test_symmetric_specs_agree(name: str) -> None:
    python, native = both(load(ROOT / name), CheckOptions(max_depth=14))
    assert native.backend == "native", native.backend_note
    assert counts(native) == counts(python)


def raft_three_servers() -> str:
    """specs/raft.spec with three symmetric servers, safety only (liveness is not checked under symmetry)."""
    text = (ROOT / "specs/raft.spec").read_text()
    text = text.replace("type Server = {s1, s2}", "symmetric type Server = {s1, s2, s3}")
    return text[: text.index("# ---------------------------------------------------------------- liveness")]


def test_three_server_raft_agrees_to_depth_9() -> None:
    """Bags of messages that name servers, permuted and sorted again; maps keyed by servers."""
    model = load_text(SourceFile("raft3s.spec", raft_three_servers()))
    python, native = both(model, CheckOptions(max_depth=9))
    assert native.backend == "native", native.backend_note
    assert counts(native) == counts(python)
    assert python.stats.distinct_states > 1000


def test_always_p_under_symmetry_is_checked_on_python_representatives() -> None:
    """`always P` is checked on the stored graph after the search (liveness.py),
    on the Python backend's representatives of the native ones."""
    import dataclasses

    text = (ROOT / "tests/explicit/data/liveness/workers.spec").read_text().replace("type W", "symmetric type W", 1)
    model = load_text(SourceFile("workers.spec", text))
    model = dataclasses.replace(model, properties=(dataclasses.replace(model.properties[0], kind="always"),))
    python, native = both(model, CheckOptions(check_deadlock=False))
    assert native.backend == "native", native.backend_note
    assert counts(native) == counts(python)
    assert native.violation is not None and len(native.violation.trace) == 1
