"""Bounded model checking: every execution of up to K steps, depth by depth.

One incremental solver holds the path s0 -> s1 -> ... -> sk (the initial
condition and one transition per step). At each depth k it asks whether the
last state can be a violation — the same checks, in the same order, as the
explicit checker makes when it reaches a state:

  1. an evaluation error in the constraint;
  2. invariants in declaration order (an evaluation error in one, or false);
  3. transition invariants on the step into sk;
  4. if sk satisfies the constraint (it is expanded): an evaluation error
     or false assert in some action, then deadlock (no transition enabled,
     no `terminal` expression true).

The first depth with an answer is the shortest counterexample: a trace of
k + 1 states, the same length as the explicit checker's BFS trace. Among
the violations possible at that depth the one reported is the first in the
order above (each asked separately), so the verdict does not depend on
which model Z3 happens to return. Only states satisfying the constraint are
extended (TLC's CONSTRAINT, as the explicit checker applies it).

`--depth K` counts steps; a clean run is OK with `bounded=True`, never a
bare "ok". Z3 answering `unknown`, or the `--timeout` running out, is a
limit (exit 152).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from collections.abc import Callable, Mapping

import z3

from specpy.diagnostics import Span
from specpy.ir.model import Model
from specpy.options import CheckOptions, OptionError
from specpy.result import CheckResult, ResultKind, Stats, Violation
from specpy.smt.encode import Fault
from specpy.smt.system import Check, SolverLimit, StateVars, System
from specpy.smt.values import TRUE, Sym, conj, decode, disj, neg
from specpy.trace.trace import Trace


class Solver:
    """An incremental Z3 solver with a wall-clock deadline."""

    def __init__(self, timeout: float | None):
        self.z3 = z3.Solver()
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def add(self, formula: z3.BoolRef) -> None:
        self.z3.add(formula)

    def sat(self, *assumed: z3.BoolRef) -> bool:
        """Is the path so far, with `assumed`, satisfiable? (model in self.model)"""
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise SolverLimit("timeout")
            self.z3.set("timeout", max(int(left * 1000), 1))
        self.z3.push()
        for f in assumed:
            self.z3.add(f)
        r = self.z3.check()
        if r == z3.sat:
            self.model = self.z3.model()
        self.z3.pop()
        if r == z3.unknown:
            timed_out = self.deadline is not None and time.monotonic() >= self.deadline - 0.01
            raise SolverLimit("timeout" if timed_out else f"solver unknown ({self.z3.reason_unknown()})")
        return r == z3.sat


@dataclass(frozen=True)
class Candidate:
    """One kind of violation at the last state, and how to report it."""

    formula: z3.BoolRef
    kind: ResultKind
    name: str
    span: Span | None
    describe: Callable[[Callable[[z3.ExprRef], object]], str] | None = None
    at: StateVars | None = None  # the state a fault's terms are read in
    before: Mapping[str, Sym] | None = None  # a fault in init: the initial state so far


class Unrolling:
    """The path s0 .. sk in a solver, extended one step at a time."""

    def __init__(self, system: System, solver: Solver):
        self.system = system
        self.solver = solver
        self.states: list[StateVars] = []
        self.selectors: list[z3.ArithRef] = []

    def new_state(self) -> StateVars:
        s = StateVars(self.system.model, f"s{len(self.states)}")
        self.states.append(s)
        for c in s.constraints:
            self.solver.add(c)
        return s

    def extend(self) -> StateVars:
        """Add s(k+1) and the step sk -> s(k+1)."""
        s = self.states[-1]
        t = self.new_state()
        sel = z3.Int(f"step{len(self.selectors)}")
        self.selectors.append(sel)
        self.solver.add(self.system.step(s, t, sel))
        return t

    def trace(self, model: z3.ModelRef, length: int) -> Trace:
        m = self.system.model
        states = tuple(
            {v.name: decode(model, v.type, s.values[v.name]) for v in m.vars} for s in self.states[:length]
        )
        steps = tuple(
            self.system.transitions[model.eval(sel, model_completion=True).as_long()].step
            for sel in self.selectors[: max(length - 1, 0)]
        )
        return Trace(m.var_names, states, steps)

    def partial(self, model: z3.ModelRef, before: Mapping[str, Sym] | None) -> Trace:
        """For a fault in init: one state, the variables assigned before it
        (as the explicit checker shows it); no state if that is unknown."""
        m = self.system.model
        if before is None:
            return Trace(m.var_names, (), ())
        state = {v.name: decode(model, v.type, before[v.name]) for v in m.vars if v.name in before}
        return Trace(m.var_names, (state,), ())


def check(model: Model, options: CheckOptions, progress=None) -> CheckResult:
    """Bounded model checking of `model` up to `options.max_depth` steps."""
    if options.max_depth is None:
        raise OptionError("--backend z3 needs --depth K (the number of steps to check)")
    if options.max_states is not None:
        raise OptionError("--max-states does not apply to --backend z3 (it stores no states); bound it with --depth")
    if options.workers > 1:
        raise OptionError("--workers > 1 is not supported by --backend z3")
    start = time.monotonic()
    try:
        system = System(model, None if options.timeout is None else start + options.timeout)
    except SolverLimit as stop:
        return CheckResult(ResultKind.LIMIT, Stats(seconds=time.monotonic() - start), limit=stop.limit, backend="z3")
    return Bmc(system, options.max_depth, options.check_deadlock, Solver(options.timeout), start).run()


class Bmc:
    def __init__(
        self,
        system: System,
        depth: int,
        check_deadlock: bool,
        solver: Solver,
        start: float,
        invariants: list[Check] | None = None,
        transitions: bool = True,
    ):
        self.system = system
        self.depth = depth
        self.check_deadlock = check_deadlock
        self.solver = solver
        self.start = start
        self.invariants = system.invariants if invariants is None else invariants
        self.transitions = transitions
        self.path = Unrolling(system, solver)
        self.reached = 0

    def stats(self) -> Stats:
        return Stats(depth=self.reached, seconds=time.monotonic() - self.start)

    def run(self) -> CheckResult:
        try:
            violation = self.search()
        except SolverLimit as stop:
            return CheckResult(ResultKind.LIMIT, self.stats(), limit=stop.limit, backend="z3")
        if violation is not None:
            return CheckResult(violation.kind, self.stats(), violation, backend="z3")
        return CheckResult(ResultKind.OK, self.stats(), bounded=True, backend="z3")

    def search(self) -> Violation | None:
        system, solver = self.system, self.solver
        if system.init_faults:
            found = self.first([self.fault(f, None) for f in system.init_faults], 0)
            if found is not None:
                return found
        s0 = self.path.new_state()
        solver.add(system.init(s0, z3.Int("init")))
        for k in range(self.depth + 1):
            self.reached = k
            found = self.first(self.candidates(k), k + 1)
            if found is not None:
                return found
            if k == self.depth:
                break
            if system.constraint is not None:
                solver.add(system.at(system.holds([system.constraint]), self.path.states[k]))
            self.path.extend()
        return None

    def first(self, candidates: list[Candidate], length: int) -> Violation | None:
        """The first candidate that can happen, as a Violation with its trace."""
        if not candidates or not self.solver.sat(disj([c.formula for c in candidates])):
            return None
        for c in candidates:
            if self.solver.sat(c.formula):
                model = self.solver.model
                detail = ""
                if c.describe is not None:
                    at = (lambda t: self.system.at(t, c.at)) if c.at is not None else (lambda t: t)
                    detail = c.describe(lambda t: model_value(model, at(t)))
                trace = self.path.trace(model, length) if length else self.path.partial(model, c.before)
                return Violation(c.kind, c.name, trace, detail, c.span)
        raise AssertionError("a disjunction was satisfiable but none of its parts")

    # ------------------------------------------------------------ what can go wrong at sk

    def candidates(self, k: int) -> list[Candidate]:
        system = self.system
        s = self.path.states[k]
        at = lambda f: system.at(f, s)  # noqa: E731
        out: list[Candidate] = []
        if system.constraint is not None:
            out += [self.fault(f, s) for f in system.constraint.faults]
        out += self.check_list(self.invariants, at, s, ResultKind.INVARIANT)
        if k > 0 and self.transitions:
            prev = self.path.states[k - 1]
            out += self.check_list(system.transition_checks, lambda f: system.at(f, prev, s), prev, ResultKind.INVARIANT)
        expanded = at(system.holds([system.constraint])) if system.constraint is not None else TRUE
        for f in system.action_faults:
            c = self.fault(f, s)
            out.append(Candidate(conj([expanded, c.formula]), c.kind, c.name, c.span, c.describe, s))
        if self.check_deadlock:
            stuck = conj([expanded, at(neg(system.enabled()))])
            terminal = system.terminal
            if terminal is not None:
                out += [Candidate(conj([stuck, at(f.cond)]), ResultKind.EVAL_ERROR, f.error, f.span, f.describe, s) for f in terminal.faults]
                stuck = conj([stuck, at(neg(terminal.error)), at(neg(terminal.value))])
            out.append(Candidate(stuck, ResultKind.DEADLOCK, "deadlock", None, lambda ev: "no action is enabled"))
        return out

    def check_list(self, checks: list[Check], at, s: StateVars, kind: ResultKind) -> list[Candidate]:
        """Each check in order: an error in it, or it being false, with all earlier ones holding."""
        out = []
        for i, c in enumerate(checks):
            before = at(self.system.holds(checks[:i]))
            for f in c.faults:
                out.append(Candidate(conj([before, at(f.cond)]), ResultKind.EVAL_ERROR, f.error, f.span, f.describe, s))
            out.append(Candidate(conj([before, at(neg(c.error)), at(neg(c.value))]), kind, c.name, c.span))
        return out

    def fault(self, f: Fault, s: StateVars | None) -> Candidate:
        formula = self.system.at(f.cond, s) if s is not None else f.cond
        kind = ResultKind.ASSERT if f.kind == "assert" else ResultKind.EVAL_ERROR
        return Candidate(formula, kind, f.error, f.span, f.describe, s, f.before if s is None else None)


def model_value(model: z3.ModelRef, term: z3.ExprRef) -> object:
    r = model.eval(term, model_completion=True)
    return z3.is_true(r) if z3.is_bool(r) else r.as_long()
