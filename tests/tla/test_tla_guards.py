"""Guards TLC would branch on are exported as one value: `(P) = TRUE` (docs/tla.md)."""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load_text
from specpy.tla.export import export

HEAD = "var x: (0..3)? = none\nvar s: set[0..3] = {}\n"


def action_text(body: str) -> str:
    model = load_text(SourceFile("g.spec", HEAD + "action A {\n" + body + "\n}\n"), Overrides())
    tla = export(model, CheckOptions(), Overrides(), "g.spec").tla
    return tla[tla.index("A ==") : tla.index("Next ==")]


@pytest.mark.parametrize(
    "guard",
    [
        "x == none or x > 0",  # TLC would evaluate the right side even when x is none
        "exists y in s: y > 1",  # TLC would count one successor per witness
        "forall y in s: y > 1 or y == 0",
        "len(s) > 0 and (exists y in s: y > 1)",
        "x == none implies len(s) == 0",
    ],
)
def test_branching_guard_is_one_value(guard):
    text = action_text(f"    require {guard}\n    s = s | {{1}}")
    first = text.splitlines()[1].strip()
    assert first.startswith("/\\ (") and first.endswith(") = TRUE"), text


def test_where_of_choose_is_a_guard_too():
    text = action_text("    choose y in 0..3 where y == 0 or y in s {\n        s = s | {y}\n    }")
    assert ") = TRUE" in text


@pytest.mark.parametrize("guard", ["len(s) < 3", "x == none and 1 not in s", "not (exists y in s: y > 1)"])
def test_plain_guard_is_written_as_it_is(guard):
    text = action_text(f"    require {guard}\n    s = s | {{1}}")
    assert "= TRUE" not in text
