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

Fault steps (`faults` block) are steps like the actions', but a log line
cannot name one: an implementation does not log the network losing a
message, so a fault only explains a line through a gap or an unnamed line.

Unlogged variables are unconstrained: they take whatever values the spec's
steps give them. There is no implicit stuttering: a line that changes
nothing must be explained by a step that changes nothing. Constraints
(`constraint`) and invariants play no part; use `specpy check` for those.

Every state reached is a Node linked to the node it came from, so one
behaviour through every explained line can be rebuilt (the first found, in
canonical action order). Only the candidates are held; a node no candidate
descends from is freed, so memory follows the candidate sets, not the log's
length. Steps run through the compiled successor functions
(compile.py), one action at a time; a step that fails to evaluate is the
spec's failure, reported with the trace into the state it was taken from.
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from specpy.explicit.compile import CompiledAction, CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.state import codec
from specpy.explicit.traces import step_between
from specpy.trace.ndjson import INIT_ACTION, LogEntry
from specpy.trace.trace import Step, Trace
from specpy.result import (
    SHOWN,
    Unexplained,
    Valuation,
    ValidationKind,
    ValidationResult,
    ValidationStats,
)

#: The via of a node reached by `init`.
INIT = -1
#: The parameter tuple of a step found by running a whole action: recovered
#: (as the first tuple that leads there) only for the trace.
ANY_TUPLE = -1


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


class Node:
    """A state reached, linked to the node it was reached from (None: the
    start, before the initial state) by action `via` with parameter tuple
    `param` (ANY_TUPLE: whichever leads there). `line` is the log line it
    explains, 0 for a state inside a gap."""

    __slots__ = ("state", "parent", "via", "param", "line")

    def __init__(self, state: tuple, parent: Node | None, via: int, param: int, line: int):
        self.state, self.parent, self.via, self.param, self.line = state, parent, via, param, line


#: Candidate states with their nodes; before line 1 the one "state" None, the start.
Frontier = dict[tuple | None, Node | None]


class _Failure(Exception):
    def __init__(self, kind: ValidationKind, detail: str, node: Node | None):
        super().__init__(detail)
        self.kind, self.detail, self.node = kind, detail, node


class Validator:
    """Validates logs against one compiled model (compile once, validate many)."""

    def __init__(self, cm: CompiledModel):
        self.cm = cm
        # Log lines name the spec's actions; fault steps (`~lose net`) are never
        # logged by an implementation, so they only happen in gaps.
        self.action_index = {a.name: k for k, a in enumerate(cm.actions) if isinstance(a, CompiledAction)}

    def validate(self, entries: Iterable[LogEntry], max_gap: int = 0, limits: ValidationLimits | None = None) -> ValidationResult:
        return _Run(self, list(entries), max_gap, limits or ValidationLimits()).run()


@dataclass(frozen=True)
class ValidationLimits:
    """When to give up: more states held for one line (its candidates and the
    states inside the gap before it) than max_states, or past timeout seconds."""

    max_states: int | None = None
    timeout: float | None = None


class _Stopped(Exception):
    def __init__(self, limit: str, detail: str):
        super().__init__(detail)
        self.limit, self.detail = limit, detail


class _Run:
    def __init__(self, v: Validator, entries: list[LogEntry], max_gap: int, limits: ValidationLimits):
        self.cm = v.cm
        self.lines = [_Line(v.cm, e, v.action_index) for e in entries]
        self.max_gap = max_gap
        self.limits = limits
        self.deadline = None if limits.timeout is None else time.monotonic() + limits.timeout
        self.calls = 0
        self.stats = ValidationStats(lines=len(entries))

    def run(self) -> ValidationResult:
        start = time.monotonic()
        frontier: Frontier = {None: None}
        last: Node | None = None  # the first candidate of the last explained line
        try:
            for line in self.lines:
                explained = self.explain(line, frontier)
                if not explained:
                    result = self.result(ValidationKind.NOT_A_BEHAVIOUR, start, last)
                    result.unexplained = self.unexplained(line, frontier)
                    return result
                frontier = explained
                last = next(iter(explained.values()))
                self.stats.explained += 1
                self.stats.max_candidates = max(self.stats.max_candidates, len(explained))
        except _Failure as failure:
            return self.result(failure.kind, start, failure.node, failure.detail)
        except _Stopped as stop:
            return self.result(ValidationKind.LIMIT, start, last, stop.detail, stop.limit)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the lines explained so far
            return self.result(ValidationKind.LIMIT, start, last, "interrupted", "interrupted")
        return self.result(ValidationKind.VALID, start, last)

    def within_limits(self, held: int) -> None:
        """Called per successor: stop if the `held` states for the current line
        exceed --max-states, or (checked every 1,024 calls) the time is up."""
        most = self.limits.max_states
        if most is not None and held > most:
            raise _Stopped("max-states", f"more than {most:,} spec states held for one line (--max-states)")
        self.calls += 1
        if self.calls % 1024 == 0 and self.time_up():
            raise _Stopped("timeout", f"the time limit of {self.limits.timeout:g} s ran out (--timeout)")

    def time_up(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    # ------------------------------------------------------------ the search

    def steps(self, state: tuple | None, node: Node | None, only: int | None = None, tuples: list[int] | None = None):
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

    def run_step(self, k: int, node: Node | None, step: Callable[..., Any], *args: Any) -> Any:
        """Run one action's successor function; a failure is the spec's (see failure)."""
        try:
            return step(*args)
        except (EvalFailure, AssertFailure) as exc:
            raise self.failure(exc, k, node) from None

    def explain(self, line: _Line, frontier: Frontier) -> dict[tuple, Node]:
        """The candidates after `line`: every state a matching step reaches, with its node."""
        n = line.entry.line
        explained: dict[tuple, Node] = {}
        layer = frontier
        seen = set(frontier)
        for depth in range(self.max_gap + 1):
            last = depth == self.max_gap
            following: Frontier = {}
            for s, node in layer.items():
                if line.action is None:
                    for k, p, t in self.steps(s, node):
                        if t not in explained and line.matches(t):
                            explained[t] = Node(t, node, k, p, n)
                        if not last and t not in seen:
                            seen.add(t)
                            following[t] = Node(t, node, k, p, 0)
                        self.within_limits(len(explained) + len(seen))
                    continue
                for k, p, t in self.steps(s, node, line.action, line.tuples):
                    if t not in explained and line.matches(t):
                        explained[t] = Node(t, node, k, p, n)
                    self.within_limits(len(explained) + len(seen))
                if not last:
                    for k, p, t in self.steps(s, node):
                        if t not in seen:
                            seen.add(t)
                            following[t] = Node(t, node, k, p, 0)
                        self.within_limits(len(explained) + len(seen))
            if not following:  # nothing left to step from: a larger gap explains nothing more
                break
            layer = following
        return explained

    def unexplained(self, line: _Line, frontier: Frontier) -> Unexplained:
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

    def reachable(self, line: _Line, frontier: Frontier) -> list[tuple]:
        """Every state a step of the line's kind reaches within the allowed gap."""
        out: list[tuple] = []
        layer, seen = dict(frontier), set(frontier)
        for _ in range(self.max_gap + 1):
            following: Frontier = {}
            for s, node in layer.items():
                if self.time_up():  # the report shows what was found so far
                    return out
                out.extend(t for _, _, t in self.steps(s, node, line.action, line.tuples))
                for _, _, t in self.steps(s, node):
                    if t not in seen:
                        seen.add(t)
                        following[t] = node
            if not following:
                break
            layer = following
        return out

    # ------------------------------------------------------------ results

    def failure(self, exc: EvalFailure | AssertFailure, k: int, node: Node | None) -> _Failure:
        site = self.cm.sites.items[exc.site]
        if k == INIT:
            where = "init"
        else:
            ca = self.cm.actions[k]
            where = "action " + Step(ca.action.name, ca.label_args(exc.p)).label()
        if isinstance(exc, AssertFailure):
            return _Failure(ValidationKind.ASSERT, f"assert at {site.span} is false in {where}", node)
        return _Failure(ValidationKind.EVAL_ERROR, f"{where}: {exc.detail or exc.kind or site.kind} at {site.span}", node)

    def result(
        self, kind: ValidationKind, start: float, end: Node | None, detail: str = "", limit: str | None = None
    ) -> ValidationResult:
        """The result with the witness trace from an initial state to `end`."""
        nodes: list[Node] = []
        while end is not None:
            nodes.append(end)
            end = end.parent
        nodes.reverse()
        line_states = tuple(i for i, node in enumerate(nodes) if node.line)
        steps = tuple(self.step(a, b) for a, b in zip(nodes, nodes[1:]))
        states = tuple(self.cm.states.decode(node.state) for node in nodes)
        self.stats.seconds = time.monotonic() - start
        trace = Trace(self.cm.model.var_names, states, steps)
        return ValidationResult(kind, trace, line_states, self.stats, detail=detail, limit=limit)

    def step(self, a: Node, b: Node) -> Step:
        """The step from node a into node b, with the arguments the log named if it did."""
        if b.param == ANY_TUPLE:
            return step_between(self.cm, b.via, a.state, b.state)
        ca = self.cm.actions[b.via]
        return Step(ca.action.name, ca.label_args(b.param))
