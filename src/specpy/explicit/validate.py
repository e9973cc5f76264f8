"""Trace validation on the explicit backend: is an implementation log a behaviour?

The search keeps, after each log line, the set of every spec state consistent
with all lines so far (the candidates), so the answer is exact: no guess is
ever committed to. Line n is explained from a candidate c by a path of at
most `max_gap` unlogged steps (any action) followed by one step that matches
the line: its target agrees with every logged variable, and the step is by
the named action (with the given arguments) if the line names one. The
behaviour starts from nothing: the first step of every behaviour is `init`,
into an initial state, so line 1 is the initial state unless gaps are
allowed.

Unlogged variables are unconstrained: they take whatever values the spec's
steps give them. There is no implicit stuttering: a line that changes
nothing must be explained by a step that changes nothing. Constraints
(`constraint`) and invariants play no part; use `specpy check` for those.

Every state reached is a node linked to the node it came from, so one
behaviour through every explained line can be rebuilt (the first found, in
canonical action order). Steps run through the compiled successor functions
(compile.py), one action at a time; a step that fails to evaluate is the
spec's failure, reported with the trace into the state it was taken from.
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Iterable
from typing import Any

from specpy.diagnostics import Diagnostic, SpecError
from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.state import codec
from specpy.explicit.traces import step_between
from specpy.trace.ndjson import INIT_ACTION, LogEntry
from specpy.trace.trace import Step, Trace
from specpy.validation import (
    SHOWN,
    Unexplained,
    Valuation,
    ValidationKind,
    ValidationResult,
    ValidationStats,
)

#: The via of a node reached by `init`; the node before every initial state is ROOT.
INIT = -1
ROOT = -1
#: The parameter tuple of a step found by running a whole action: recovered
#: (as the first tuple that leads there) only for the trace.
ANY_TUPLE = -1


def refuse_unsupported(cm: CompiledModel) -> None:
    faults = cm.model.faults
    if faults is not None:
        raise SpecError(
            [Diagnostic("E-unsupported", "trace validation does not support the `faults` block yet", faults.span)]
        )


class _Line:
    """One log entry compiled against the model: what a matching step looks like."""

    def __init__(self, cm: CompiledModel, entry: LogEntry, action_index: dict[str, int]):
        self.entry = entry
        names = cm.model.var_names
        idx = tuple(names.index(n) for n in entry.values)
        vals = tuple(codec(cm.var_types[n]).encode(v) for n, v in entry.values.items())
        if not idx:
            self.matches: Callable[[tuple], bool] = lambda t: True
        elif len(idx) == 1:
            get, want = operator.itemgetter(idx[0]), vals[0]
            self.matches = lambda t: get(t) == want
        else:
            get2 = operator.itemgetter(*idx)
            self.matches = lambda t: get2(t) == vals
        self.idx = idx
        #: None: any step; INIT: the initial step; else the action index.
        self.action: int | None = None
        #: The parameter tuples the step may use (None: all of them).
        self.tuples: list[int] | None = None
        if entry.action == INIT_ACTION:
            self.action = INIT
        elif entry.action is not None:
            k = self.action = action_index[entry.action]
            if entry.args:
                ca = cm.actions[k]
                given = {
                    i: codec(local.type).encode(entry.args[local.name])
                    for i, local in enumerate(ca.action.params)
                    if local.name in entry.args
                }
                self.tuples = [p for p, enc in enumerate(ca.encoded) if all(enc[i] == v for i, v in given.items())]

    def describe(self) -> str:
        e = self.entry
        if e.action is None:
            return "a step"
        if e.action == INIT_ACTION:
            return "the initial state"
        return Step(e.action, tuple(e.args.items())).label()


class _Failure(Exception):
    def __init__(self, kind: ValidationKind, detail: str, node: int):
        super().__init__(detail)
        self.kind, self.detail, self.node = kind, detail, node


class Validator:
    """Validates logs against one compiled model (compile once, validate many)."""

    def __init__(self, cm: CompiledModel):
        refuse_unsupported(cm)
        self.cm = cm
        self.action_index = {a.action.name: k for k, a in enumerate(cm.actions)}

    def validate(self, entries: Iterable[LogEntry], max_gap: int = 0) -> ValidationResult:
        return _Run(self, list(entries), max_gap).run()


class _Run:
    def __init__(self, v: Validator, entries: list[LogEntry], max_gap: int):
        self.cm = v.cm
        self.lines = [_Line(v.cm, e, v.action_index) for e in entries]
        self.max_gap = max_gap
        # The node store: node i is states[i], reached from parent[i] by action
        # via[i] with parameter tuple param[i] (ANY_TUPLE: whichever leads there).
        self.states: list[tuple] = []
        self.parent: list[int] = []
        self.via: list[int] = []
        self.param: list[int] = []
        self.stats = ValidationStats(lines=len(entries))
        self.explaining: set[int] = set()  # the nodes that matched a line
        self.last_node = ROOT  # the first candidate of the last explained line

    def node(self, state: tuple, parent: int, via: int, param: int) -> int:
        self.states.append(state)
        self.parent.append(parent)
        self.via.append(via)
        self.param.append(param)
        return len(self.states) - 1

    def run(self) -> ValidationResult:
        start = time.monotonic()
        frontier: dict[tuple | None, int] = {None: ROOT}  # before line 1: nothing, the root
        try:
            for line in self.lines:
                explained = self.explain(line, frontier)
                if not explained:
                    result = self.result(ValidationKind.NOT_A_BEHAVIOUR, start)
                    result.unexplained = self.unexplained(line, frontier)
                    return result
                frontier = explained
                self.explaining.update(explained.values())
                self.last_node = next(iter(explained.values()))
                self.stats.explained += 1
                self.stats.max_candidates = max(self.stats.max_candidates, len(explained))
        except _Failure as failure:
            return self.result(failure.kind, start, failure.node, failure.detail)
        return self.result(ValidationKind.VALID, start)

    # ------------------------------------------------------------ the search

    def steps(self, state: tuple | None, node: int, only: int | None = None, tuples: list[int] | None = None):
        """(action index, parameter tuple, successor) of every step from state
        (the root: init steps); the tuple is ANY_TUPLE unless `tuples` are given.

        only: just that action (INIT: just init); tuples: just those parameter tuples.
        """
        cm = self.cm
        if state is None:
            if only is None or only == INIT:
                out: list[tuple] = []
                self.run_step(INIT, node, cm.init, out)
                self.stats.states_generated += len(out)
                yield from ((INIT, ANY_TUPLE, t) for t in out)
            return
        if only == INIT:
            return
        for k, ca in enumerate(cm.actions):
            if only is not None and k != only:
                continue
            if tuples is None:
                out = []
                self.run_step(k, node, ca.run, state, out)
                self.stats.states_generated += len(out)
                yield from ((k, ANY_TUPLE, t) for t in out)
                continue
            for p in tuples:
                one = self.run_step(k, node, cm.replay, k, p, state)
                self.stats.states_generated += len(one)
                yield from ((k, p, t) for t in one)

    def run_step(self, k: int, node: int, step: Callable[..., Any], *args: Any) -> Any:
        """Run one action's successor function; a failure is the spec's (see failure)."""
        try:
            return step(*args)
        except (EvalFailure, AssertFailure) as exc:
            raise self.failure(exc, k, node) from None

    def explain(self, line: _Line, frontier: dict[tuple | None, int]) -> dict[tuple, int]:
        """The candidates after `line`: every state a matching step reaches, with its node."""
        explained: dict[tuple, int] = {}
        layer = frontier
        seen = set(frontier)
        for depth in range(self.max_gap + 1):
            last = depth == self.max_gap
            following: dict[tuple, int] = {}
            for s, i in layer.items():
                if line.action is None:
                    for k, p, t in self.steps(s, i):
                        if t not in explained and line.matches(t):
                            explained[t] = self.node(t, i, k, p)
                        if not last and t not in seen:
                            seen.add(t)
                            following[t] = self.node(t, i, k, p)
                    continue
                for k, p, t in self.steps(s, i, line.action, line.tuples):
                    if t not in explained and line.matches(t):
                        explained[t] = self.node(t, i, k, p)
                if not last:
                    for k, p, t in self.steps(s, i):
                        if t not in seen:
                            seen.add(t)
                            following[t] = self.node(t, i, k, p)
            layer = following
        return explained

    def unexplained(self, line: _Line, frontier: dict[tuple | None, int]) -> Unexplained:
        """What the report shows about the line no candidate explains."""
        names = list(line.entry.values)
        codecs = [codec(self.cm.var_types[n]) for n in names]

        def project(states: Iterable[tuple]) -> list[Valuation]:
            seen: dict[tuple, None] = {}
            for t in states:
                seen.setdefault(tuple(t[i] for i in line.idx))
            return [{n: c.decode(x) for n, c, x in zip(names, codecs, key)} for key in seen]

        candidates = project(s for s in frontier if s is not None)
        offers = project(self.reachable(line, frontier))
        return Unexplained(
            line=line.entry.line,
            step=line.describe(),
            logged=dict(line.entry.values),
            candidates=candidates[:SHOWN],
            candidate_count=len(candidates),
            offers=offers[:SHOWN],
            offer_count=len(offers),
        )

    def reachable(self, line: _Line, frontier: dict[tuple | None, int]) -> list[tuple]:
        """Every state a step of the line's kind reaches within the allowed gap."""
        out: list[tuple] = []
        layer, seen = dict(frontier), set(frontier)
        for _ in range(self.max_gap + 1):
            following: dict[tuple, int] = {}
            for s, i in layer.items():
                out.extend(t for _, _, t in self.steps(s, i, line.action, line.tuples))
                for _, _, t in self.steps(s, i):
                    if t not in seen:
                        seen.add(t)
                        following[t] = i
            layer = following
        return out

    # ------------------------------------------------------------ results

    def failure(self, exc: EvalFailure | AssertFailure, k: int, node: int) -> _Failure:
        site = self.cm.sites.items[exc.site]
        if k == INIT:
            where = "init"
        else:
            ca = self.cm.actions[k]
            where = "action " + Step(ca.action.name, ca.label_args(exc.p)).label()
        if isinstance(exc, AssertFailure):
            return _Failure(ValidationKind.ASSERT, f"assert at {site.span} is false in {where}", node)
        return _Failure(ValidationKind.EVAL_ERROR, f"{where}: {exc.detail or exc.kind or site.kind} at {site.span}", node)

    def path(self, node: int) -> list[int]:
        out = []
        while node != ROOT:
            out.append(node)
            node = self.parent[node]
        out.reverse()
        return out

    def result(self, kind: ValidationKind, start: float, end: int | None = None, detail: str = "") -> ValidationResult:
        """The result with the witness trace ending at node `end` (default: the
        last explained line's first candidate)."""
        if end is None:
            end = self.last_node
        nodes = self.path(end)
        # Each explained line has exactly one explaining node on a path from
        # the root, in line order.
        line_states = tuple(i for i, n in enumerate(nodes) if n in self.explaining)
        steps = tuple(self.step(a, b) for a, b in zip(nodes, nodes[1:]))
        states = tuple(self.cm.states.decode(self.states[n]) for n in nodes)
        self.stats.seconds = time.monotonic() - start
        return ValidationResult(kind, Trace(self.cm.model.var_names, states, steps), line_states, self.stats, detail=detail)

    def step(self, a: int, b: int) -> Step:
        """The step from node a into node b, with the arguments the log named if it did."""
        p = self.param[b]
        if p == ANY_TUPLE:
            return step_between(self.cm, self.via[b], self.states[a], self.states[b])
        ca = self.cm.actions[self.via[b]]
        return Step(ca.action.name, ca.label_args(p))
