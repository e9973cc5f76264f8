"""The Model: the one typed, resolved form every backend reads.

Constants are bound (overrides applied), every type has its finite universe,
every name is resolved, defs are inlined. Variable initialisers and the
`init` block are one statement list (`init`), run like an action from an
empty state; every variable is definitely assigned by it.
"""

from __future__ import annotations

from dataclasses import field, replace

from specpy.diagnostics import Diagnostic, Note, SourceFile, SpecError, Span, span_field
from specpy.ir.const_terms import ConstTerm
from specpy.ir.expr import Expr, Lit, Local
from specpy.ir.stmt import Assign, Stmt
from specpy.ir.types import AtomT, MapT, RangeT, Type
from specpy.ir.values import Value, format_value
from specpy.nodeclass import nodeclass


@nodeclass
class StateVar:
    name: str
    type: Type
    index: int  # position in the state tuple (declaration order)
    durable: bool = False
    span: Span = span_field()


@nodeclass
class Action:
    """One action; a transition per parameter tuple and nondeterministic fork.

    fairness is None, "weak" (`fair action`) or "strong" (`strong fair action`).
    """

    name: str
    params: tuple[Local, ...]
    body: tuple[Stmt, ...]
    fairness: str | None = None
    span: Span = span_field()


@nodeclass
class Operation:
    """An operation of a sequential object (`specpy linearizable`), as an action.

    With a result (`-> T = e`), the action's last parameter is the value returned and its
    body starts with `require <that parameter> == e`: the steps of the action with a given
    last argument are the ways the operation can return it.
    """

    action: Action
    has_result: bool
    span: Span = span_field()


@nodeclass
class NamedExpr:
    """An invariant, a transition invariant (`VarRef(primed=True)` allowed in the latter) or a measure."""

    name: str
    expr: Expr
    span: Span = span_field()


@nodeclass
class TemporalProperty:
    """A liveness property in one of the supported forms.

    kind is "always", "eventually", "always eventually", "eventually always"
    (of the state predicate p) or "leadsto" (p leadsto q).
    """

    name: str
    kind: str
    p: Expr
    q: Expr | None = None
    span: Span = span_field()


@nodeclass
class CrashFault:
    """`crash T [resets x, y]`: a member of atom type T restarts."""

    type: AtomT
    resets: tuple[str, ...] = ()
    span: Span = span_field()


def crashed_maps(model: Model, fault: CrashFault) -> tuple[StateVar, ...]:
    """The variables whose entry [a] a crash of atom a resets: non-durable maps keyed by the crashed type."""
    return tuple(v for v in model.vars if not v.durable and isinstance(v.type, MapT) and v.type.key == fault.type)


def crash_initial_error(v: StateVar, what: str, first: Value, other: Value, fault: CrashFault) -> SpecError:
    """E-crash-initial: a crash restores `what` (a part of v), but two initial states disagree on it."""
    shown = " and ".join(format_value(x) for x in (first, other))
    note = Note(f"{v.name} is declared here (mark it `durable` if a crash keeps it)", v.span)
    message = f"a crash resets {what} to its initial value, but the initial states give it different values ({shown})"
    return SpecError([Diagnostic("E-crash-initial", message, fault.span, (note,))])


#: The state variable that counts the fault steps taken when the `faults`
#: block has a budget. `faults` is a reserved word, so no spec can declare it.
BUDGET_VAR = "faults"


@nodeclass
class Faults:
    """The `faults` block: environment steps bounded by `budget` in total.

    With a budget, the model's last variable is BUDGET_VAR, of type
    0..budget, set to 0 by the end of `init` (see `with_fault_counter`);
    every fault step needs it below the budget and adds 1. Without one,
    faults are unbounded and there is no counter.
    """

    lose: tuple[str, ...] = ()
    duplicate: tuple[str, ...] = ()
    crash: tuple[CrashFault, ...] = ()
    budget: int | None = None
    budget_term: ConstTerm | None = field(default=None, compare=False, repr=False)  # for the TLA+ export
    span: Span = span_field()


@nodeclass
class Model:
    name: str
    source: SourceFile
    constants: dict[str, Value]
    types: dict[str, Type]
    vars: tuple[StateVar, ...]
    init: tuple[Stmt, ...]
    actions: tuple[Action, ...]
    invariants: tuple[NamedExpr, ...] = ()
    transitions: tuple[NamedExpr, ...] = ()
    properties: tuple[TemporalProperty, ...] = ()
    constraints: tuple[Expr, ...] = ()
    terminals: tuple[Expr, ...] = ()
    faults: Faults | None = None
    # `measure NAME: expr` (integer state expressions): reported as min/max
    # over the reachable states by the explicit checker; no verdict reads them.
    measures: tuple[NamedExpr, ...] = ()
    # `processes T`: the lifelines of trace charts; no checker reads it.
    processes: AtomT | None = None
    # `operation` declarations: only `specpy linearizable` reads them; they are not actions.
    operations: tuple[Operation, ...] = ()
    # how each constant defined from other constants was written (ir/const_terms.py):
    # only the TLA+ export reads it, to write such a constant as a definition.
    constant_terms: dict[str, ConstTerm] = field(default_factory=dict)
    # where each `const` and `type` was declared: the TLA+ export carries the comment above it over
    declared_at: dict[str, Span] = field(default_factory=dict)

    def var(self, name: str) -> StateVar:
        for v in self.vars:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def var_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.vars)

    def symmetric_types(self) -> tuple[AtomT, ...]:
        return tuple(t for t in self.types.values() if isinstance(t, AtomT) and t.symmetric)


def with_fault_counter(model: Model) -> Model:
    """model plus the budget counter (the last variable, 0 initially), if its faults have a budget."""
    faults = model.faults
    if faults is None or faults.budget is None:
        return model
    t = RangeT(0, faults.budget, hi_term=faults.budget_term)
    counter = StateVar(BUDGET_VAR, t, len(model.vars), span=faults.span)
    start = Assign(BUDGET_VAR, (), Lit(t, 0, span=faults.span), t, span=faults.span)
    return replace(model, vars=model.vars + (counter,), init=model.init + (start,))
