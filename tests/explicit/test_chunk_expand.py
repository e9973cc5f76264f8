"""The search's hot loop: one generated function expanding a whole chunk
(CompiledModel.expand), and the guard every parameter tuple shares, tested
once (compile_stmt.leading_guard).

Neither may change a successor, its order, a count or a trace: the chunk
function is compared with the per-action functions state by state, and
whole checks with the shared guard turned off.
"""

from __future__ import annotations

from array import array
from functools import partial
from pathlib import Path

import pytest

from specpy.explicit import compile as compile_module
from specpy.explicit.compile import CompiledModel, expand_each
from specpy.explicit.search import check
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.result import ResultKind
from test_hoist import summary

ROOT = Path(__file__).resolve().parents[2]
#: Fault steps (idempotent_delivery), choose loops and bags (raft), parameters
#: folded into one loop (raft_abstract's Elect has 120 tuples, FOLD_MAX is
#: lowered below), maps unpacked into locals (twophase).
SPECS = ["twophase.spec", "raft_bug_double_vote.spec", "idempotent_delivery.spec", "paxos_bug_accept_lower_ballot.spec",
         "lamport_mutex.spec", "raft_abstract.spec"]
#: Reachable states compared per spec (breadth-first, so every level's kinds of state).
SAMPLE = 3000


def reachable(cm: CompiledModel, limit: int) -> list[tuple]:
    """Up to `limit` reachable states within the constraints, breadth-first,
    found with the per-action functions."""
    states: list[tuple] = []
    cm.init(states)
    seen = set(states)
    i = 0
    while i < len(states) < limit:
        for a in cm.actions:
            succ: list[tuple] = []
            a.run(states[i], succ)
            for t in succ:
                if t not in seen and (cm.constraint is None or cm.constraint(t)):
                    seen.add(t)
                    states.append(t)
        i += 1
    return states[:limit]


@pytest.mark.parametrize("name", SPECS)
def test_the_chunk_function_produces_what_the_action_functions_do(monkeypatch, name: str) -> None:
    monkeypatch.setattr(compile_module, "FOLD_MAX", 16)  # raft_abstract's Elect becomes a loop
    cm = CompiledModel(load(ROOT / "specs" / name))
    assert cm.expand.__name__.startswith("expand"), "the generated function, not the fallback"
    states = reachable(cm, SAMPLE)
    out, ends = [], array("q")
    cm.expand(states, out, ends)
    out_each, ends_each = [], array("q")
    expand_each([a.run for a in cm.actions], states, out_each, ends_each)
    assert len(ends) == len(states) * len(cm.actions)
    assert ends == ends_each
    assert out == out_each


def per_action_loop(monkeypatch) -> None:
    """Make every CompiledModel expand chunks with the per-action functions (the fallback)."""
    monkeypatch.setattr(CompiledModel, "expand", property(lambda cm: partial(expand_each, [a.run for a in cm.actions])))


#: Each stops at an event: an evaluation error in a guard the parameter
#: tuples share, an assert, a deadlock.
GUARD_ERROR = """spec GuardErr
type R = {r1, r2, r3}
var x: 0..3 = 3
var y: set[R] = {}
action Down { require x > 0; x = x - 1 }
action Pick(r: R) {
    require 6 // x > 1 and not (r in y)
    y = y | {r}
}
action Up { require x == 0 and y == {}; x = 3 }
"""
ASSERTS = """spec Asserts
type R = {r1, r2}
var x: 0..5 = 0
var y: set[R] = {}
action Add(r: R) { require x < 5 and not (r in y); y = y | {r} }
action Count(r: R) { require r in y; assert x < 3; x = x + 1 }
"""
DEADLOCK = """spec Fill
type R = {r1, r2, r3}
var y: set[R] = {}
action Add(r: R) { require not (r in y); y = y | {r} }
"""
#: 120 requires nest 120 levels deep inline: past CPython's 100 levels of
#: indentation, so the chunk function does not compile.
DEEP = "spec Deep\nvar x: 0..3 = 0\naction Step {\n" + "    require x < 3\n" * 120 + "    x = x + 1\n}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.spec"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text", [GUARD_ERROR, ASSERTS, DEADLOCK], ids=["eval-error", "assert", "deadlock"])
def test_events_are_the_same_as_with_the_per_action_loop(monkeypatch, tmp_path, text: str) -> None:
    model = load(write(tmp_path, text))
    chunked = summary(check(model, CheckOptions()))
    assert chunked[0] is not ResultKind.OK
    per_action_loop(monkeypatch)
    assert summary(check(model, CheckOptions())) == chunked


def test_an_error_in_a_shared_guard_names_the_first_parameter_tuple(tmp_path) -> None:
    # Down takes x from 3 to 0; at x = 0 Pick's guard `6 // x > 1` fails
    # before any tuple's own condition, for r1 first, as it did when every
    # tuple tested it (the message is the one the unshared guard gave).
    r = check(load(write(tmp_path, GUARD_ERROR)), CheckOptions())
    assert (r.kind, r.violation.name) == (ResultKind.EVAL_ERROR, "division-by-zero")
    assert r.violation.detail == "action Pick(r=r1): division of 6 by zero"
    assert [s.action for s in r.violation.trace.steps] == ["Down", "Down", "Down"]


def test_a_function_nested_too_deeply_falls_back_to_the_action_functions(tmp_path) -> None:
    cm = CompiledModel(load(write(tmp_path, DEEP + "action Reset { require x == 3; x = 0 }\n")))
    assert isinstance(cm.expand, partial) and cm.expand.func is expand_each
    r = check(cm.model, CheckOptions())
    # x = 0, 1, 2, 3 by hand: Step three times, then Reset back to 0.
    assert (r.kind, r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (ResultKind.OK, 4, 5, 4)


@pytest.mark.parametrize("name", ["twophase.spec", "raft_bug_double_vote.spec", "lamport_mutex_bug_no_tiebreak.spec"])
def test_a_shared_guard_changes_no_result(monkeypatch, name: str) -> None:
    model = load(ROOT / "specs" / name)
    shared = summary(check(model, CheckOptions()))
    monkeypatch.setattr(compile_module, "leading_guard", lambda body, uids: ([], list(body)))
    assert summary(check(model, CheckOptions())) == shared
