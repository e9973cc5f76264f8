"""A Model as a symbolic transition system, encoded once over template states.

`System` holds every formula BMC and k-induction need, over a template
state X (and X' for transition invariants); `instantiate` substitutes the
Z3 constants of a concrete step's state for X, which is much cheaper than
encoding the IR again per step.

    init paths             (path condition, initial state) per fork of init
    transitions            one per action, parameter tuple and fork: the
                           step label, its enabling condition and successor
    action faults          evaluation errors and asserts an action can hit
    invariants             (holds, error) per invariant, in declaration order
    transition invariants  the same over (X, X')
    constraint, terminal   (value, error)

    fault transitions      the `faults` block's steps (faults.py), after the
                           actions' transitions

Refused with a located error (exit 150): temporal properties, which this
backend does not encode yet.

Encoding unrolls every action per parameter tuple (up to the 1,000,000 the
checker allows), which can take minutes for a parameter like
`[Atom -> [Atom -> Atom]]` (19,683 tuples): the deadline of `--timeout` is
checked per tuple and while the step relation is built, so a run ends in
time with `SolverLimit("timeout")` (exit 152) however long encoding would take.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace

import z3
from z3.z3 import _to_expr_ref
from z3.z3core import Z3_substitute
from z3.z3types import Ast

from specpy.diagnostics import NO_SPAN, Diagnostic, SpecError, Span
from specpy.ir.backend import unsupported
from specpy.ir.expr import Expr
from specpy.ir.model import Model
from specpy.ir.ranges import analyze
from specpy.ir.types import BagT, IntT, MapT, OptionT, RecordT, SeqT, SetT, Type, VariantT, type_name, universe, universe_size
from specpy.smt.encode import Env, ExprEncoder, Fault
from specpy.smt.faults import fault_moves
from specpy.smt.frame import step_relation
from specpy.smt.paths import Path, PathEncoder
from specpy.smt.values import TRUE, Fresh, Sym, conj, const, disj, eq, neg
from specpy.trace.trace import Step


@dataclass(frozen=True)
class Transition:
    step: Step
    enabled: z3.BoolRef
    post: dict[str, Sym]


@dataclass(frozen=True)
class Check:
    """A named boolean expression: holds = true and no error; `faults` its errors."""

    name: str
    value: z3.BoolRef
    faults: tuple[Fault, ...]
    span: Span

    @property
    def error(self) -> z3.BoolRef:
        return disj([f.cond for f in self.faults])


class StateVars:
    """The Z3 constants of one state (one per component of every variable)."""

    def __init__(self, model: Model, prefix: str):
        fresh = Fresh(prefix)
        self.values: dict[str, Sym] = {v.name: fresh.value(v.type) for v in model.vars}
        self.consts = fresh.consts
        self.constraints = fresh.constraints


MAX_TERMS = 100_000
"""The most Z3 constants one variable may take (raft.spec's whole state has
2,019): a set is one term per element of its universe, so `set[set[0..40]]`
would be 2**41 terms, built before any solving starts."""


def term_count(t: Type) -> int:
    """How many Z3 constants a value of type t is encoded as (smt/values.py),
    saturating above MAX_TERMS."""
    match t:
        case SetT(e) | BagT(e, _):
            n = 1 if isinstance(e, IntT) else universe_size(e)
        case MapT(k, v):
            n = universe_size(k) * term_count(v)
        case RecordT(fields=fs):
            n = sum(term_count(ft) for _, ft in fs)
        case VariantT(cases=cs):
            n = 1 + sum(term_count(ft) for c in cs for _, ft in c.fields)
        case SeqT(e, length):
            n = 1 + length * term_count(e)
        case OptionT(inner):
            n = 1 + term_count(inner)
        case _:
            n = 1
    return min(n, MAX_TERMS + 1)


def refuse_unsupported(model: Model) -> None:
    diags = [
        d
        for prop in model.properties
        for d in unsupported(f"temporal property {prop.name} cannot be checked by the Z3 backend", prop.span).diagnostics
    ]
    for var in model.vars:
        if term_count(var.type) > MAX_TERMS:
            message = (
                f"variable {var.name}: a value of {type_name(var.type)} needs more than {MAX_TERMS:,} Z3 terms "
                "(one per element of a set's universe); use the explicit checker"
            )
            diags.append(Diagnostic("E-universe-too-large", message, var.span))
    if diags:
        raise SpecError(diags)


class SolverLimit(Exception):
    """Z3 said `unknown` or the time ran out."""

    def __init__(self, limit: str):
        super().__init__(limit)
        self.limit = limit


class System:
    def __init__(self, model: Model, deadline: float | None = None):
        """`deadline` (time.monotonic()) bounds encoding: past it, SolverLimit("timeout")."""
        refuse_unsupported(model)
        self.model = model
        self.deadline = deadline
        self.x = StateVars(model, "x")
        self._step: z3.BoolRef | None = None  # the step relation over x, y and _SELECTOR, made on first use
        self._renamings: dict[tuple[int, int], Renaming] = {}  # per (state, next state) of `at`
        self.y = StateVars(model, "y")
        var_types = {v.name: v.type for v in model.vars}
        self.ranges = analyze(model)  # range side-conditions it proves are not encoded (ir/ranges.py)

        ex = ExprEncoder(self.ranges)
        self.init_paths = PathEncoder(ex, var_types).run(model.init, Path(TRUE, {}, {}))
        self.init_faults = tuple(_labelled(f, "init") for f in ex.faults)

        ex = ExprEncoder(self.ranges)
        paths = PathEncoder(ex, var_types)
        self.transitions: list[Transition] = []
        for action in model.actions:
            for args in itertools.product(*(universe(p.type) for p in action.params)):
                self.in_time()
                bound = {p.uid: const(p.type, v) for p, v in zip(action.params, args)}
                step = Step(action.name, tuple((p.name, v) for p, v in zip(action.params, args)))
                mark = len(ex.faults)
                for path in paths.run(action.body, Path(TRUE, self.x.values, bound)):
                    self.transitions.append(Transition(step, path.pc, path.state))
                ex.faults[mark:] = [_labelled(f, "action " + step.label()) for f in ex.faults[mark:]]
        self.action_faults = tuple(ex.faults)
        moves = fault_moves(model, self.x.values, self.init_paths, self.init_faults)
        self.transitions += [Transition(step, enabled, {**self.x.values, **changed}) for step, enabled, changed in moves]

        self.invariants = [self._check(i.name, (i.expr,), i.span) for i in model.invariants]
        self.transition_checks = [self._check(t.name, (t.expr,), t.span, primed=True) for t in model.transitions]
        self.constraint = self._check("a constraint", model.constraints, NO_SPAN) if model.constraints else None
        self.terminal = self._check("a terminal condition", model.terminals, NO_SPAN, any_of=True) if model.terminals else None

    def in_time(self) -> None:
        """Raise SolverLimit("timeout") once the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SolverLimit("timeout")

    def _check(self, name: str, exprs: tuple[Expr, ...], span: Span, primed: bool = False, any_of: bool = False) -> Check:
        """The conjunction (any_of: disjunction) of exprs, evaluated left to
        right with short-circuit as the explicit checker does."""
        ex = ExprEncoder(self.ranges)
        env = Env(self.x.values, next_state=self.y.values if primed else None)
        if primed:  # [][T]_vars: T is checked only on steps that change some variable
            env = env.under(self.changed())
        values: list[z3.BoolRef] = []
        for e in exprs:
            decided = disj(values) if any_of else neg(conj(values))
            values.append(ex.expr(e, env.under(neg(decided)) if values else env))
        faults = tuple(_labelled(f, name if span is NO_SPAN else f"invariant {name}") for f in ex.faults)
        value = disj(values) if any_of else conj(values)
        return Check(name, disj([neg(env.pc), value]) if primed else value, faults, span)

    def changed(self) -> z3.BoolRef:
        """Some variable differs between the template states x and y."""
        return disj([neg(eq(self.x.values[v.name], self.y.values[v.name])) for v in self.model.vars])

    # ------------------------------------------------------------ formulas over given states

    def init(self, s: StateVars, selector: z3.ArithRef) -> z3.BoolRef:
        """s is an initial state; `selector` names the fork of init taken."""
        return disj(
            [conj([selector == j, p.pc, conj([eq(s.values[v.name], p.state[v.name]) for v in self.model.vars])]) for j, p in enumerate(self.init_paths)]
        )

    def step(self, s: StateVars, t: StateVars, selector: z3.ArithRef) -> z3.BoolRef:
        """t is a successor of s by transition number `selector` (frame.py)."""
        if self._step is None:
            moves = [(tr.enabled, tr.post) for tr in self.transitions]
            self._step = step_relation(self.x.values, self.y.values, moves, _SELECTOR, self.in_time)
        return Renaming(self.substitution(s, t) + [(_SELECTOR, selector)])(self._step)

    def enabled(self) -> z3.BoolRef:
        return disj([tr.enabled for tr in self.transitions])

    def substitution(self, s: StateVars, t: StateVars | None = None) -> list[tuple[z3.ExprRef, z3.ExprRef]]:
        pairs = list(zip(self.x.consts, s.consts))
        if t is not None:
            pairs += list(zip(self.y.consts, t.consts))
        return pairs

    def at(self, formula: z3.ExprRef, s: StateVars, t: StateVars | None = None) -> z3.ExprRef:
        """A template formula instantiated at state s (and next state t)."""
        key = (id(s), id(t))
        renaming = self._renamings.get(key)
        if renaming is None:
            renaming = self._renamings[key] = Renaming(self.substitution(s, t), keep=(s, t))
        return renaming(formula)

    def holds(self, checks: list[Check]) -> z3.BoolRef:
        """Every check, in order, evaluates without error to true (template)."""
        return conj([conj([c.value, neg(c.error)]) for c in checks])


class Renaming:
    """A substitution of Z3 constants, applied to many formulas: its C
    arrays are built once (z3.substitute rebuilds and sort-checks them on
    every call — for raft.spec's 2,019 constants, 0.15 s per formula)."""

    def __init__(self, pairs: list[tuple[z3.ExprRef, z3.ExprRef]], keep: object = None):
        self.size = len(pairs)
        self.sources = (Ast * self.size)(*(a.as_ast() for a, _ in pairs))
        self.targets = (Ast * self.size)(*(b.as_ast() for _, b in pairs))
        self.kept = (pairs, keep)  # the constants (and states) the arrays point into stay alive

    def __call__(self, formula: z3.ExprRef) -> z3.ExprRef:
        if not self.size:
            return formula
        renamed = Z3_substitute(formula.ctx_ref(), formula.as_ast(), self.size, self.sources, self.targets)
        return _to_expr_ref(renamed, formula.ctx)


#: The transition number in the template step relation.
_SELECTOR = z3.Int("step")


def _labelled(f: Fault, where: str) -> Fault:
    """f, its message naming where it happened (as the explicit checker words it)."""
    if f.kind == "assert":
        describe = lambda ev: f"assert at {f.span} is false in {where}"  # noqa: E731
    else:
        describe = lambda ev: f"{where}: {f.describe(ev)}"  # noqa: E731
    return replace(f, describe=describe)


