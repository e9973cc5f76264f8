"""The one breadth-first search of the explicit checker.

Counting follows TLC exactly, so numbers can be compared with it:
- states_generated: initial states plus every successor produced
  (duplicates and self-loops included);
- distinct_states: states satisfying the constraints, each counted once;
- depth: states on the longest shortest path, an initial state being 1.

A successor that violates a constraint is still a successor (no deadlock
there) and is still checked against the invariants, but is neither stored
nor expanded. Invariants are checked on every initial state and every new
state, transition invariants on every generated step; the first violation
stops the search, and BFS order makes its trace a shortest one.

With `max_depth` K, the states at depth K are expanded only to learn whether
anything lies beyond (their successors are counted but not checked); if so
the result is OK with `bounded=True`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from specpy.diagnostics import Span
from specpy.explicit.compile import CompiledModel
from specpy.explicit.explain import explain
from specpy.explicit.liveness import check_properties, refuse_with_properties
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.store import StateStore
from specpy.explicit.symmetry import Symmetry, symmetry_for
from specpy.explicit.traces import Locus, locus_path, make_trace
from specpy.ir.model import Model
from specpy.options import CheckOptions, OptionError
from specpy.result import ActionStats, CheckResult, ResultKind, Stats, Violation
from specpy.trace.trace import Step, Trace

PROGRESS_SECONDS = 2.0
#: States expanded between two looks at the clock (timeout, progress).
CLOCK_EVERY = 256


class _Stop(Exception):
    """Ends the search early with a finished result."""

    def __init__(self, kind: ResultKind, violation: Violation | None = None, limit: str | None = None):
        super().__init__(kind.value)
        self.kind = kind
        self.violation = violation
        self.limit = limit


def check(model: Model, options: CheckOptions, progress: Callable[[Stats], None] | None = None) -> CheckResult:
    """Explore every reachable state of `model` breadth-first; see the module docstring."""
    if options.workers > 1:
        raise OptionError("--workers > 1 is not supported yet")
    cm = CompiledModel(model)
    symmetry = symmetry_for(cm, options.symmetry)
    if model.properties:
        refuse_with_properties(model, options, symmetry is not None)
    return Search(cm, options, progress, symmetry).run()


class Search:
    def __init__(
        self,
        cm: CompiledModel,
        options: CheckOptions,
        progress: Callable[[Stats], None] | None,
        symmetry: Symmetry | None = None,
    ):
        self.cm = cm
        self.options = options
        self.progress = progress
        self.symmetry = symmetry
        # Applied to every state before it is looked up or stored (symmetry.py).
        self.canonical = symmetry.canonical if symmetry is not None else None
        self.store = StateStore()
        self.generated = 0
        self.depth = 0
        self.expanded = 0
        self.coverage = [ActionStats(a.name) for a in cm.actions]
        self.start = time.monotonic()
        self.next_report = self.start + PROGRESS_SECONDS

    def stats(self) -> Stats:
        return Stats(
            distinct_states=len(self.store),
            states_generated=self.generated,
            depth=self.depth,
            seconds=time.monotonic() - self.start,
            queue=len(self.store) - self.expanded,
            coverage=[dataclasses.replace(c) for c in self.coverage],
        )

    def run(self) -> CheckResult:
        try:
            self.initial()
            bounded = self.explore()
            if self.cm.model.properties:
                self.check_properties()
        except _Stop as stop:
            return CheckResult(stop.kind, self.stats(), stop.violation, limit=stop.limit)
        return CheckResult(ResultKind.OK, self.stats(), bounded=bounded)

    # ------------------------------------------------------------ the search

    def initial(self) -> None:
        cm, store = self.cm, self.store
        out: list[tuple] = []
        try:
            cm.init(out)
        except (EvalFailure, AssertFailure) as exc:
            raise self.failure(exc, "init", (None, None, None)) from None
        for s in out:
            self.generated += 1
            key = s if self.canonical is None else self.canonical(s)
            if key in store.index:
                continue
            if cm.constraint is not None and not self.evaluate(cm.constraint, s, "a constraint", (None, None, s)):
                self.check_invariants(s, (None, None, s))
                continue
            i = store.add(key, -1, -1)
            self.depth = 1
            self.check_invariants(s, (i, None, None))
            if self.options.max_states is not None and len(store) >= self.options.max_states:
                raise _Stop(ResultKind.LIMIT, limit="max-states")

    def explore(self) -> bool:
        """Expand level after level; True if states beyond `max_depth` exist.

        The hot loop: locals instead of attributes, and the store's lists
        written directly (see store.py).
        """
        cm, store, cov = self.cm, self.store, self.coverage
        index, states, parent, via = store.index, store.states, store.parent, store.via
        constraint, invariants, transitions, terminal = cm.constraint, cm.invariants, cm.transitions, cm.terminal
        actions = list(enumerate(a.run for a in cm.actions))
        max_depth, max_states = self.options.max_depth, self.options.max_states
        deadlock = self.options.check_deadlock
        canonical = self.canonical
        beyond = False
        lo, level = 0, 1
        while lo < len(states):
            hi = len(states)
            grow = max_depth is None or level < max_depth
            for i in range(lo, hi):
                s = states[i]
                self.expanded = i
                if i % CLOCK_EVERY == 0:
                    self.tick()
                enabled = False
                for k, run in actions:
                    out: list[tuple] = []
                    try:
                        run(s, out)
                    except (EvalFailure, AssertFailure) as exc:
                        raise self.failure(exc, k, (i, None, None)) from None
                    if not out:
                        continue
                    enabled = True
                    c = cov[k]
                    c.enabled += 1
                    c.generated += len(out)
                    self.generated += len(out)
                    for t in out:
                        key = t if canonical is None else canonical(t)
                        if key not in index:
                            in_model = constraint is None or self.evaluate(constraint, t, "a constraint", (i, k, t))
                            if not grow:  # probing past max_depth: nothing is checked there
                                beyond = beyond or bool(in_model)
                                continue
                            if not in_model:
                                if invariants is not None:
                                    self.check_invariants(t, (i, k, t))
                            else:
                                j = len(states)
                                index[key] = j
                                states.append(key)
                                parent.append(i)
                                via.append(k)
                                c.new += 1
                                self.depth = level + 1
                                if invariants is not None:
                                    self.check_invariants(t, (j, None, None))
                                if max_states is not None and j + 1 >= max_states:
                                    raise _Stop(ResultKind.LIMIT, limit="max-states")
                        if transitions is not None and grow:
                            self.check_transitions(s, t, (i, k, t))
                if not enabled and deadlock:
                    if terminal is None or not self.evaluate(terminal, s, "a terminal condition", (i, None, None)):
                        trace = self.trace((i, None, None))
                        violation = Violation(ResultKind.DEADLOCK, "deadlock", trace, "no action is enabled")
                        raise _Stop(ResultKind.DEADLOCK, violation)
            self.expanded = hi
            lo, level = hi, level + 1
        return beyond

    def check_properties(self) -> None:
        """The temporal properties, on the finished state graph (liveness.py)."""
        violation = check_properties(self.cm, self.store, self.tick, self.evaluate_stored, self.symmetry)
        if violation is not None:
            raise _Stop(violation.kind, violation)

    def evaluate_stored(self, fn: Callable[[tuple], object], i: int, what: str) -> object:
        return self.evaluate(fn, self.store.states[i], what, (i, None, None))

    def tick(self) -> None:
        now = time.monotonic()
        timeout = self.options.timeout
        if timeout is not None and now - self.start >= timeout:
            raise _Stop(ResultKind.LIMIT, limit="timeout")
        if self.progress is not None and now >= self.next_report:
            self.next_report = now + PROGRESS_SECONDS
            self.progress(self.stats())

    # ------------------------------------------------------------ checks

    def evaluate(self, fn: Callable[[tuple], object], s: tuple, what: str, locus: Locus) -> object:
        try:
            return fn(s)
        except EvalFailure as exc:
            raise self.failure(exc, what, locus) from None

    def check_invariants(self, s: tuple, locus: Locus) -> None:
        """Check state s, which the trace `locus` ends in."""
        if self.cm.invariants is None:
            return
        r = self.evaluate(self.cm.invariants, s, "an invariant", locus)
        if r < 0:
            return
        inv = self.cm.model.invariants[r]
        states, actions = locus_path(self.cm, self.store, locus, self.symmetry)
        detail, span = explain(self.cm, inv.expr, states[-1])
        trace = make_trace(self.cm, states, actions)
        raise _Stop(ResultKind.INVARIANT, Violation(ResultKind.INVARIANT, inv.name, trace, detail, span or inv.span))

    def check_transitions(self, s: tuple, t: tuple, locus: Locus) -> None:
        try:
            r = self.cm.transitions(s, t)
        except EvalFailure as exc:
            raise self.failure(exc, "a transition invariant", locus) from None
        if r >= 0:
            tr = self.cm.model.transitions[r]
            trace = self.trace(locus)
            raise _Stop(ResultKind.INVARIANT, Violation(ResultKind.INVARIANT, tr.name, trace, "", tr.span))

    def failure(self, exc: EvalFailure | AssertFailure, where: int | str, locus: Locus) -> _Stop:
        """An evaluation error or a false assert in action `where` (an index)
        or in the named kind of expression, with the trace `locus`."""
        states, actions = locus_path(self.cm, self.store, locus, self.symmetry)
        if isinstance(where, int) and self.symmetry is not None:
            exc = _concrete_failure(self.cm, where, states[-1], exc)
        site = self.cm.sites.items[exc.site]
        if isinstance(where, int):
            a = self.cm.actions[where]
            label = "action " + Step(a.action.name, a.label_args(exc.p)).label()
        else:
            label = self.owner(site.span, where)
        trace = make_trace(self.cm, states, actions)
        if isinstance(exc, AssertFailure):
            detail = f"assert at {site.span} is false in {label}"
            return _Stop(ResultKind.ASSERT, Violation(ResultKind.ASSERT, "assert", trace, detail, site.span))
        kind = exc.kind or site.kind
        detail = f"{label}: {exc.detail or kind}"
        return _Stop(ResultKind.EVAL_ERROR, Violation(ResultKind.EVAL_ERROR, kind, trace, detail, site.span))

    def trace(self, locus: Locus) -> Trace:
        return make_trace(self.cm, *locus_path(self.cm, self.store, locus, self.symmetry))

    def owner(self, span: Span, what: str) -> str:
        """Name the invariant or transition a failing site lies in, when spans tell."""
        for named, kind in ((self.cm.model.invariants, "invariant"), (self.cm.model.transitions, "transition")):
            for n in named:
                if _contains(n.span, span):
                    return f"{kind} {n.name}"
        return what


def _concrete_failure(
    cm: CompiledModel, k: int, state: tuple, canonical: EvalFailure | AssertFailure
) -> EvalFailure | AssertFailure:
    """The failure action k raises in the concrete state (its arguments are the
    renamed ones of the failure seen in the canonical state)."""
    try:
        cm.actions[k].run(state, [])
    except (EvalFailure, AssertFailure) as exc:
        return exc
    raise AssertionError("an action failed in a canonical state but not in its concrete counterpart") from canonical


def _contains(outer: Span, inner: Span) -> bool:
    return (
        outer.file == inner.file
        and outer.line > 0
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )
