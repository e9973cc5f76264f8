"""Guard hoisting in the generated Python (compile_stmt.py `Ahead`, issue #15).

A `require` that reads nothing assigned before it runs before those
assignments, but only when they cannot fail: otherwise the evaluation error
that the written order reports would become a silently disabled action. Each
NOT_MOVED spec fails (exit 75 or 14) in an assignment written before a
require that is false there; moving the require first would make the action
disabled and the check pass (exit 0). The MOVED specs show the require first
in the generated code, with the same state space as the written order.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from specpy.api import loads
from specpy.cli import main
from specpy.explicit.compile import CompiledModel
from specpy.result import ResultKind

HEAD = """spec H
type M = {a, b}
var x: 0..3 = 3
var y: 0..3 = 0
var z: 0..1 = 0
action Idle { z = z }
"""

NOT_MOVED = {
    # what may fail before the require: (spec body, exit code, the error's message)
    "range check": ("action A { y = x + 1\n require z == 1 }", 75, "value 4 is not in 0..3"),
    "division by zero": ("action A { y = 3 // (x - 3)\n require z == 1 }", 75, "division of 3 by zero"),
    "modulo by zero": ("action A { y = 3 % (3 - x)\n require z == 1 }", 75, "3 % 0 (modulo by zero)"),
    "sequence index": (
        "var s: seq[M, 2] = []\nvar m: M = a\naction A { m = s[x]\n require z == 1 }", 75, "index 3 is out of range",
    ),
    "last of an empty sequence": (
        "var s: seq[M, 2] = []\nvar m: M = a\naction A { m = last(s)\n require z == 1 }", 75, "empty",
    ),
    "a let that fails": ("action A { let w = 3 // (x - 3)\n y = 0\n require z == 1 }", 75, "division of 3 by zero"),
    "assert": ("action A { y = 1\n assert x < 3\n require z == 1 }", 14, ""),
    "a failing require first": ("action A { y = 3 // (x - 3)\n require z == 1 and y > 0 }", 75, "division"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NOT_MOVED))
def test_a_require_does_not_move_past_what_may_fail(case: str) -> None:
    body, code, message = NOT_MOVED[case]
    for backend in ("python", "auto"):  # the native core keeps the written order too
        r = loads(HEAD + body + "\n", name="h.spec").check(max_states=1_000, backend=backend)
        assert r.exit_code == code, (backend, r.kind, r.violation and r.violation.detail)
        assert message in (r.violation.detail or "")


MOVED = {
    # (spec body, the require's generated test, a line of what it now runs before)
    "past assignments": ("action A { y = (x + y) % 4\n x = 0\n require z == 1 }", "(s2 == 1)", "% 4)"),
    "past a let": ("action A { let w = (x + y) % 4\n y = w\n require z == 1 }", "(s2 == 1)", "% 4)"),
    "past a proven division": ("action A { y = 3 // (z + 1)\n require x > 0 }", "(s0 > 0)", "(3 // (s2 + 1))"),
}


@pytest.mark.parametrize("case", sorted(MOVED))
def test_a_require_moves_ahead_of_assignments_that_cannot_fail(case: str) -> None:
    body, test, moved_past = MOVED[case]
    cm = CompiledModel(loads(HEAD + body + "\n", name="h.spec").model)
    cm.expand  # noqa: B018 (compiled on first use)
    sources = [src for src in cm.sources if moved_past in src]
    assert sources, cm.sources
    for src in sources:
        lines = src.splitlines()
        guard = next(i for i, line in enumerate(lines) if test in line and line.lstrip().startswith("if"))
        assert guard < next(i for i, line in enumerate(lines) if moved_past in line), src


def test_a_require_reading_what_was_assigned_stays_after_it() -> None:
    cm = CompiledModel(loads(HEAD + "action A { y = (x + 1) % 4\n require y > 1 }\n", name="h.spec").model)
    source = next(src for src in cm.sources if "% 4)" in src)
    lines = source.splitlines()
    assert next(i for i, line in enumerate(lines) if "% 4)" in line) < next(i for i, line in enumerate(lines) if "> 1)" in line)


def test_moved_requires_keep_the_counts_and_the_trace() -> None:
    # Two requires moved ahead of two assignments, in their order. The numbers are
    # the written order's: `specpy check --backend python` of this spec at d1db774,
    # before guard hoisting (6 distinct, 9 generated, depth 4, A three times).
    spec = loads(
        "spec H\nvar x: 0..3 = 0\nvar y: 0..3 = 0\nvar z: 0..1 = 0\n"
        "action A { y = (x + y) % 4\n x = (x + 1) % 4\n require z == 0\n require y != 2 }\n"
        "action B { z = 1 - z }\ninvariant Small: not (x == 3 and y == 3)\n",
        name="h.spec",
    )
    for backend in ("python", "auto"):
        r = spec.check(backend=backend)
        assert r.kind is ResultKind.INVARIANT and r.exit_code == 12
        assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (6, 9, 4)
        assert [step.action for step in r.violation.trace.steps] == ["A", "A", "A"]


def test_dump_code_shows_the_moved_require(tmp_path) -> None:
    path = tmp_path / "h.spec"
    path.write_text(HEAD + "action A { y = (x + y) % 4\n require z == 1 }\n")
    res = CliRunner().invoke(main, ["--dump-code", str(tmp_path / "code"), "check", "-q", "--backend", "python", str(path)])
    assert res.exit_code == 0, res.output
    expand = next((tmp_path / "code" / "H").glob("expand*.py")).read_text()
    assert expand.index("if (s2 == 1):") < expand.index("% 4)")


def test_an_error_in_init_shows_the_variables_assigned_in_the_written_order() -> None:
    # Untraced, the require (reading only the loop's k) runs before `x = 1`; the traced
    # re-run that rebuilds the partial initial state keeps the written order: x is 1.
    spec = "spec I\nvar x: 0..3 = 0\nvar y: 0..3 = 0\ninit { choose k in 0..20 { x = 1; require 3 // k > 0 } }\naction T { y = y }\n"
    for backend in ("python", "auto"):
        r = loads(spec, name="i.spec").check(backend=backend)
        assert r.exit_code == 75 and "division of 3 by zero" in r.violation.detail
        assert [dict(s) for s in r.violation.trace.states] == [{"x": 1, "y": 0}]
