"""k-induction: prove that a set of invariants holds in every reachable state.

For k = 1, 2, ..., K:
  base case  BMC to k - 1 steps: no reachable state within that depth breaks
             an invariant of the set (or hits an evaluation error or a false
             assert — a proof about a spec that fails to evaluate means little);
  step case  k consecutive states, anywhere in the state space, linked by
             transitions and each satisfying every invariant of the set (and
             the constraint, since only such states are expanded), cannot be
             followed by a state that breaks one.
If the step case holds the set is proved for all depths. If it fails at K,
the counterexample to induction — a K+1-state path that starts anywhere —
shows the user which fact about reachable states the invariants do not yet
say: the strengthening invariant to add.

The invariants proved are the whole set at once (each strengthens the
others), by default every invariant of the spec, or those named.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

from specpy.ir.model import Model
from specpy.options import OptionError
from specpy.result import EXIT_NOT_INDUCTIVE, CheckResult, ResultKind, Stats
import z3

from specpy.smt.bmc import Bmc, Solver, SolverLimit, Unrolling, model_value
from specpy.smt.explain import explain
from specpy.smt.system import Check, StateVars, System
from specpy.smt.values import conj, neg
from specpy.trace.trace import Trace


class Proof(str, Enum):
    PROVED = "proved"
    NOT_INDUCTIVE = "not-inductive"


@dataclass(frozen=True)
class Failure:
    """An invariant false (or failing to evaluate) in the last state of a
    counterexample to induction, and which part of it (explain.py)."""

    invariant: str
    detail: str

    def to_json(self) -> dict:
        return {"invariant": self.invariant, "detail": self.detail}


@dataclass
class ProofResult:
    """`proved` (at k), `not-inductive` at k (with the counterexample to
    induction), or `check` holds a violation or a limit from the base case."""

    invariants: tuple[str, ...]
    k: int
    seconds: float
    outcome: Proof | None = None
    check: CheckResult | None = None
    cti: Trace | None = None
    failing: tuple[Failure, ...] = ()  # every invariant of the set that the CTI's last state breaks

    @property
    def broken(self) -> str | None:
        """The first invariant (declaration order) the CTI's last state breaks."""
        return self.failing[0].invariant if self.failing else None

    @property
    def exit_code(self) -> int:
        if self.outcome is Proof.PROVED:
            return 0
        if self.outcome is Proof.NOT_INDUCTIVE:
            return EXIT_NOT_INDUCTIVE
        return self.check.exit_code

    def to_json(self) -> dict:
        out = {
            "result": self.outcome.value if self.outcome is not None else self.check.kind.value,
            "backend": "z3",
            "invariants": list(self.invariants),
            "k": self.k,
            "seconds": round(self.seconds, 3),
        }
        if self.check is not None:
            out["limit"] = self.check.limit
            out["violation"] = self.check.to_json()["violation"]
        if self.cti is not None:
            out["counterexample_to_induction"] = {
                "invariant": self.broken,
                "detail": self.failing[0].detail,
                "failing": [f.to_json() for f in self.failing],
                "trace_length": len(self.cti),
            }
        return out


def prove(model: Model, names: tuple[str, ...] = (), max_k: int = 1, timeout: float | None = None) -> ProofResult:
    """Prove the named invariants (default: all) by k-induction, k = 1..max_k."""
    if max_k < 1:
        raise OptionError(f"--k {max_k}: must be at least 1")
    declared = [i.name for i in model.invariants]
    for name in names:
        if name not in declared:
            hint = f" (the spec declares: {', '.join(declared)})" if declared else " (the spec declares none)"
            raise OptionError(f"--invariant {name}: no such invariant{hint}")
    if not declared:
        raise OptionError("the spec declares no invariant to prove")
    start = time.monotonic()
    proof = ProofResult(tuple(names or declared), 0, 0.0)
    try:
        system = System(model, None if timeout is None else start + timeout)
        chosen = [c for c in system.invariants if not names or c.name in names]
        proof.invariants = tuple(c.name for c in chosen)
        for k in range(1, max_k + 1):
            proof.k = k
            base = Bmc(system, k - 1, False, solver_for(timeout, start), start, invariants=chosen, transitions=False)
            result = base.run()
            if result.kind is not ResultKind.OK:
                proof.check = result
                break
            cti = step_case(system, chosen, k, solver_for(timeout, start))
            if cti is None:
                proof.outcome = Proof.PROVED
                break
            if k == max_k:
                proof.outcome = Proof.NOT_INDUCTIVE
                proof.cti, proof.failing = cti
    except SolverLimit as stop:
        proof.check = CheckResult(ResultKind.LIMIT, Stats(depth=proof.k, seconds=time.monotonic() - start), limit=stop.limit, backend="z3")
    proof.seconds = time.monotonic() - start
    return proof


def solver_for(timeout: float | None, start: float) -> Solver:
    """A fresh solver with what is left of the time budget."""
    if timeout is None:
        return Solver(None)
    return Solver(max(timeout - (time.monotonic() - start), 0.001))


def step_case(system: System, chosen: list[Check], k: int, solver: Solver) -> tuple[Trace, tuple[Failure, ...]] | None:
    """None if k states satisfying `chosen` always lead to one that does;
    else the counterexample to induction and the invariants it breaks."""
    path = Unrolling(system, solver)
    holds = system.holds(chosen)
    path.new_state()
    for _ in range(k):
        s = path.states[-1]
        solver.add(system.at(holds, s))
        if system.constraint is not None:
            solver.add(system.at(system.holds([system.constraint]), s))
        path.extend()
    last = path.states[-1]
    if not solver.sat(system.at(neg(holds), last)):
        return None
    for i, c in enumerate(chosen):
        fails = conj([system.at(system.holds(chosen[:i]), last), system.at(neg(system.holds([c])), last)])
        if solver.sat(fails):
            model = solver.model
            broken = [d for d in chosen if not z3.is_true(model.eval(system.at(system.holds([d]), last), model_completion=True))]
            return path.trace(model, k + 1), tuple(Failure(d.name, why(system, d, last, model)) for d in broken)
    raise AssertionError("the conjunction fails but none of its parts")


def why(system: System, check: Check, s: StateVars, model: z3.ModelRef) -> str:
    """Which part of `check` fails in state s: its evaluation error, or its
    false conjunct and quantifier bindings."""
    evaluate = lambda t: model_value(model, system.at(t, s))  # noqa: E731
    for f in check.faults:
        if evaluate(f.cond):
            return f.describe(evaluate)
    expr = next(i.expr for i in system.model.invariants if i.name == check.name)
    return explain(expr, s.values, model, system.model.source)

