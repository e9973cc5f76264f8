"""The Z3 encoder leaves out the range side-conditions the range analysis proves (ir/ranges.py).

Each spec comes as a pair: a guarded step whose value never leaves its type
(no fault is encoded for it) and the unguarded twin where it can (the fault
is encoded, and BMC finds the evaluation error the explicit checker finds).
"""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile
from specpy.options import CheckOptions
from specpy.pipeline import load_text
from specpy.result import ResultKind
from specpy.smt import check as smt_check
from specpy.smt.system import System

COUNTER = """spec C
var x: 0..3 = 0
var s: seq[0..3, 2] = []
action Step {{
    {guard}
    x = x + 1
}}
action Push {{
    {push_guard}
    s = append(s, x)
}}
action Read {{
    require len(s) > 0
    x = s[{index}]
}}
"""


def faults(guard: str, push_guard: str, index: str) -> set[str]:
    text = COUNTER.format(guard=guard, push_guard=push_guard, index=index)
    system = System(load_text(SourceFile("c.spec", text)))
    return {f.error for f in system.action_faults}


def test_proven_steps_encode_no_fault() -> None:
    assert faults("require x < 3", "require len(s) < 2", "len(s)") == set()


@pytest.mark.parametrize(
    ("guard", "push_guard", "index", "error"),
    [
        ("require x <= 3", "require len(s) < 2", "len(s)", "value-out-of-type"),  # x + 1 may be 4
        ("require x < 3", "require len(s) <= 2", "len(s)", "seq-overflow"),  # a third element
        ("require x < 3", "require len(s) < 2", "2", "index-out-of-range"),  # s may hold one
    ],
)
def test_a_step_that_can_leave_its_type_keeps_its_fault(guard: str, push_guard: str, index: str, error: str) -> None:
    assert error in faults(guard, push_guard, index)
    text = COUNTER.format(guard=guard, push_guard=push_guard, index=index)
    result = smt_check(load_text(SourceFile("c.spec", text)), CheckOptions(max_depth=6, check_deadlock=False))
    assert result.kind is ResultKind.EVAL_ERROR
