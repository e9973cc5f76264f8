"""Quantifier bodies taken out of unrolled loops (compile_expr.hoist).

The rewrite must not change any verdict, count or trace: every spec of
specs/ whose state space is small is checked with and without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from specpy.explicit import compile_expr
from specpy.explicit.search import check
from specpy.ir import expr as E
from specpy.options import CheckOptions
from specpy.pipeline import load

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["twophase.spec", "tcommit.spec", "diehard.spec", "raft_bug_double_vote.spec", "paxos_bug_accept_lower_ballot.spec",
         "lamport_mutex_bug_no_tiebreak.spec"]


def summary(r) -> tuple:
    v = r.violation
    trace = None if v is None else (v.kind, v.name, v.detail, v.trace.states, v.trace.steps)
    s = r.stats
    return r.kind, s.distinct_states, s.states_generated, s.depth, trace


@pytest.mark.parametrize("name", SPECS)
def test_hoisting_changes_no_result(monkeypatch, name: str) -> None:
    model = load(ROOT / "specs" / name)
    hoisted = summary(check(model, CheckOptions()))
    monkeypatch.setattr(compile_expr, "hoist", lambda e: None)
    assert summary(check(model, CheckOptions())) == hoisted


def invariant(name: str) -> E.Expr:
    model = load(ROOT / "specs/twophase.spec")
    return next(i.expr for i in model.invariants if i.name == name)


def test_the_independent_part_leaves_the_inner_loop() -> None:
    # Consistent: forall a, b in RM: not (rmState[a] == aborted and rmState[b] == committed)
    e = invariant("Consistent")
    out = compile_expr.hoist(e)
    assert isinstance(out, E.Quant) and out.kind == "forall" and len(out.bindings) == 1
    body = out.body
    assert isinstance(body, E.Not) and isinstance(body.operand, E.BoolOp)
    inner = body.operand.right
    assert isinstance(inner, E.Quant) and inner.kind == "exists" and inner.bindings == e.bindings[1:]
    # rmState[a] == aborted reads a: nothing more can be taken out.
    assert compile_expr.hoist(out) is None


def test_a_body_reading_the_variable_everywhere_stays() -> None:
    # PreparedWasSent: forall r in RM: r in tmPrepared implies Prepared{rm: r} in msgs
    assert compile_expr.hoist(invariant("PreparedWasSent")) is None
