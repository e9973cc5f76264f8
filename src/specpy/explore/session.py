"""One exploration of a spec: a trace through its states that the user drives.

The session holds one trace (`nodes`, from an initial state); `cursor` is
the state shown. Back and forward move the cursor along it; a step taken
before its end replaces what followed (as a browser's history does). Every state's enabled
steps come from the explicit backend's compiled actions (one labelled run per
action gives each successor with its parameter tuple), then the fault steps
of the `faults` block, in the search's canonical order, so a step's label is
the one `specpy check` prints in a trace. Invariants are evaluated one by one
in the shown state; a false one is explained by explicit/explain.py (the
failing conjunct and the quantifier's bindings), as a check explains it.

A trace (an ITF file, or a counterexample the checker finds) is followed
step by step: each of its states must be a successor of the one before, so
a trace from another version of the spec is refused, naming the step.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from specpy.explicit.compile import CompiledAction, CompiledModel
from specpy.explicit.explain import explain
from specpy.explicit.faults import FaultStep
from specpy.explicit.runtime import AssertFailure, EvalFailure, NotInType
from specpy.explicit.simulate import random_steps
from specpy.explicit.traces import step_between
from specpy.ir.types import Type
from specpy.ir.values import format_value
from specpy.options import CheckOptions
from specpy.result import ResultKind
from specpy.trace.itf import itf_text
from specpy.trace.msc import addressing_from_model, build_chart
from specpy.trace.msc_svg import render_svg
from specpy.trace.text import diff_value
from specpy.trace.trace import Step, Trace

#: States whose enabled steps are remembered.
MOVES_CACHE = 4096
#: The longest random walk one request may ask for.
MAX_WALK = 10_000
#: The checker's limits when it looks for the shortest path to a violation.
SHORTEST_TIMEOUT = 300.0


class ExploreError(Exception):
    """A request the session cannot do (a bad trace, an unknown invariant): its message says why."""


class InitFailure(ExploreError):
    """The initial states cannot be computed: an evaluation error or a false assert in `init`."""


@dataclass(frozen=True)
class Move:
    """One enabled step of a state: its label and the successor, or the error it raises."""

    step: Step
    state: tuple  # the successor (the state itself when the step fails)
    error: str | None = None


@dataclass(frozen=True)
class Node:
    """A state of the trace and the step that led to it (None for the initial state)."""

    state: tuple
    step: Step | None = None


class Session:
    def __init__(self, cm: CompiledModel) -> None:
        self.cm = cm
        self.model = cm.model
        initial: list[tuple] = []
        try:
            cm.init(initial)
        except (EvalFailure, AssertFailure) as exc:
            raise InitFailure(f"the initial states cannot be computed: {self._failure(exc)}") from None
        if not initial:
            raise ExploreError("the spec has no initial state: there is nothing to explore")
        self.initial = initial
        self.nodes: list[Node] = [Node(initial[0])]
        self.cursor = 0
        # A lasso followed from a file (a liveness counterexample): the index of the
        # state its last state steps back to, until the trace is changed.
        self.loop: int | None = None
        self.message = ""  # what the last request did, for the page's status line
        self._moves: dict[tuple, list[Move]] = {}
        self._invariant_fns: list[Any] = []

    # ------------------------------------------------------------ what a state offers

    def moves(self, s: tuple) -> list[Move]:
        """Every enabled step of s, actions (each parameter tuple, each fork) then faults."""
        hit = self._moves.get(s)
        if hit is not None:
            return hit
        out: list[Move] = []
        for k, a in enumerate(self.cm.actions):
            if isinstance(a, FaultStep):
                out += [Move(a.step(arg), t) for arg, t in a.moves(s)]
            else:
                out += self._action_moves(k, a, s)
        if len(self._moves) >= MOVES_CACHE:
            self._moves.clear()
        self._moves[s] = out
        return out

    def _action_moves(self, k: int, a: CompiledAction, s: tuple) -> list[Move]:
        pairs: list[tuple[int, tuple]] = []
        try:
            self.cm.labelled(k)(s, pairs)
            return [Move(Step(a.name, a.label_args(p)), t) for p, t in pairs]
        except (EvalFailure, AssertFailure):
            pass
        # Some parameter tuple fails: run them one by one to show which.
        out: list[Move] = []
        for p in range(len(a.args)):
            step = Step(a.name, a.label_args(p))
            try:
                out += [Move(step, t) for t in self.cm.replay(k, p, s)]
            except (EvalFailure, AssertFailure) as exc:
                out.append(Move(step, s, error=self._failure(exc)))
        return out

    def _failure(self, exc: EvalFailure | AssertFailure) -> str:
        site = self.cm.sites.items[exc.site]
        if isinstance(exc, AssertFailure):
            return f"assert at {site.span} is false"
        return f"{exc.kind or site.kind}: {exc.detail or 'evaluation error'} ({site.span})"

    def invariants(self, s: tuple) -> list[dict[str, Any]]:
        """Each invariant in s: holds, or false with the failing part, or an evaluation error."""
        if not self._invariant_fns:
            self._invariant_fns = [self.cm.state_function(i.expr, {}) for i in self.model.invariants]
        out = []
        for inv, fn in zip(self.model.invariants, self._invariant_fns):
            row: dict[str, Any] = {"name": inv.name, "location": str(inv.span), "holds": True, "detail": "", "error": None}
            try:
                row["holds"] = bool(fn(s))
            except (EvalFailure, AssertFailure) as exc:
                row["holds"], row["error"] = None, self._failure(exc)
            if row["holds"] is False:
                detail, span = explain(self.cm, inv.expr, s)
                row["detail"] = detail
                if span is not None:
                    row["location"] = str(span)
            out.append(row)
        return out

    def violated(self, s: tuple) -> str | None:
        """The first invariant false in s, if any."""
        return next((r["name"] for r in self.invariants(s) if r["holds"] is False), None)

    # ------------------------------------------------------------ moving

    @property
    def state(self) -> tuple:
        return self.nodes[self.cursor].state

    def take(self, index: int) -> None:
        """Take the index-th enabled step of the shown state."""
        moves = self.moves(self.state)
        if not 0 <= index < len(moves):
            raise ExploreError(f"no step {index} here: {len(moves)} steps are enabled")
        m = moves[index]
        if m.error is not None:
            raise ExploreError(f"{m.step.label()} cannot be taken: {m.error}")
        self._append(m)
        self.message = f"took {m.step.label()}"

    def _append(self, m: Move) -> None:
        del self.nodes[self.cursor + 1 :]
        self.loop = None
        self.nodes.append(Node(m.state, m.step))
        self.cursor += 1

    def goto(self, index: int) -> None:
        """Show the index-th state of the trace (back, forward, a click in the history)."""
        if not 0 <= index < len(self.nodes):
            raise ExploreError(f"the trace has {len(self.nodes)} states; there is no state {index + 1}")
        self.cursor = index
        self.message = f"state {index + 1}"

    def restart(self, initial: int) -> None:
        if not 0 <= initial < len(self.initial):
            raise ExploreError(f"the spec has {len(self.initial)} initial states; there is no initial state {initial + 1}")
        self.nodes, self.cursor, self.loop = [Node(self.initial[initial])], 0, None
        self.message = f"initial state {initial + 1} of {len(self.initial)}"

    def walk(self, steps: int, seed: int) -> None:
        """A random walk from the shown state: up to `steps` steps, drawn as `specpy
        simulate` draws them (explicit/simulate.py `random_steps`) by
        random.Random(seed); it stops early where no step is enabled, a step
        fails, or an invariant is violated."""
        if not 1 <= steps <= MAX_WALK:
            raise ExploreError(f"a walk takes 1 to {MAX_WALK:,} steps, not {steps}")
        taken, why = 0, ""
        walk = random_steps(self.cm, self.state, random.Random(seed))
        try:
            for k, t in itertools.islice(walk, steps):
                self._append(Move(step_between(self.cm, k, self.state, t), t))
                taken += 1
                broken = self.violated(t)
                if broken is not None:
                    why = f": invariant {broken} is violated"
                    break
            else:
                if taken < steps:
                    why = ": no step is enabled"
        except (EvalFailure, AssertFailure) as exc:
            why = f": a step of this state fails ({self._failure(exc)})"
        self.message = f"random walk (seed {seed}): {taken} step{'s' if taken != 1 else ''}{why}"

    # ------------------------------------------------------------ traces

    def trace(self, upto: int | None = None) -> Trace:
        """The trace up to the shown state (or `upto`)."""
        nodes = self.nodes[: (self.cursor if upto is None else upto) + 1]
        return Trace(
            self.model.var_names,
            tuple(self.cm.states.decode(n.state) for n in nodes),
            tuple(n.step for n in nodes[1:] if n.step is not None),
        )

    def follow(self, trace: Trace, what: str) -> None:
        """Go along `trace` instead: each of its states must be a successor of the one before."""
        if not trace.states:
            raise ExploreError(f"{what} has no state")
        try:
            states = [self.cm.states.encode(s) for s in trace.states]
        except (NotInType, KeyError) as exc:
            raise ExploreError(f"{what}: a state does not fit the spec's variables ({exc})") from None
        if states[0] not in self.initial:
            raise ExploreError(f"{what}: its first state is not an initial state of the spec")
        nodes = [Node(states[0])]
        for i, t in enumerate(states[1:], 1):
            options = [m for m in self.moves(nodes[-1].state) if m.error is None and m.state == t]
            if not options:
                raise ExploreError(f"{what}: state {i + 1} is not a successor of state {i} in this spec")
            wanted = trace.steps[i - 1] if i - 1 < len(trace.steps) else None
            chosen = next((m for m in options if m.step == wanted), options[0])
            nodes.append(Node(t, chosen.step))
        loop = trace.loop
        if loop is not None and loop < len(states) - 1 and not any(
            m.error is None and m.state == states[loop] for m in self.moves(states[-1])
        ):
            raise ExploreError(f"{what}: its last state does not step back to state {loop + 1} (its loop) in this spec")
        self.nodes, self.cursor, self.loop = nodes, len(nodes) - 1, loop
        self.message = f"{what}: {len(nodes)} states"
        if loop is not None:
            self.message += f", a lasso: the last state steps back to state {loop + 1}"

    def load_itf(self, name: str, text: str) -> None:
        """Follow the ITF trace in `text` (a file the page read; `name` for messages)."""
        from specpy.trace import strict_json
        from specpy.trace.itf import ItfError, itf_to_trace

        try:
            trace = itf_to_trace(strict_json.loads(text), self.var_types, self.param_types)
        except strict_json.StrictJsonError as exc:
            where = f"{name}:{exc.line}:{exc.column}" if exc.line is not None else name
            raise ExploreError(f"{where}: {exc.message}") from None
        except ItfError as exc:
            raise ExploreError(f"{name}: {exc}") from None
        self.follow(trace, name)

    def shortest(self, name: str) -> None:
        """Follow the shortest path to a state violating invariant `name` (a breadth-first
        check of that invariant alone, deadlocks not checked)."""
        from specpy.explicit import check

        inv = next((i for i in self.model.invariants if i.name == name), None)
        if inv is None:
            raise ExploreError(f"the spec has no invariant {name}")
        alone = dataclasses.replace(self.model, invariants=(inv,), transitions=(), properties=())
        result = check(alone, CheckOptions(check_deadlock=False, timeout=SHORTEST_TIMEOUT))
        distinct = f"{result.stats.distinct_states:,} distinct states"
        if result.kind is ResultKind.OK:
            self.message = f"{name} holds in every reachable state ({distinct}): there is no counterexample"
            return
        if result.violation is None or result.trace is None:
            raise ExploreError(f"the search for a violation of {name} stopped ({result.limit or result.kind.value}, {distinct})")
        self.follow(result.trace, f"the shortest path to a violation of {name}")
        if result.violation.name != name:
            self.message += f" (the search met {result.violation.kind.value} {result.violation.name} first)"

    # ------------------------------------------------------------ what the page shows

    @cached_property
    def var_types(self) -> dict[str, Type]:
        return {v.name: v.type for v in self.model.vars}

    @cached_property
    def param_types(self) -> dict[str, dict[str, Type]]:
        """Per action, its parameters' types (what ITF's nondet picks are read and written with)."""
        return {a.name: {p.name: p.type for p in a.params} for a in self.model.actions}

    def itf(self) -> str:
        """The trace up to the shown state as an ITF file."""
        meta = {"source": self.model.source.path, "status": "explore"}
        return itf_text(self.trace(), self.var_types, meta, self.param_types)

    @cached_property
    def addressing(self):
        return addressing_from_model(self.model)

    def view(self) -> dict[str, Any]:
        node = self.nodes[self.cursor]
        now = self.cm.states.decode(node.state)
        before = self.cm.states.decode(self.nodes[self.cursor - 1].state) if self.cursor > 0 else None
        invariants = self.invariants(node.state)
        moves = self.moves(node.state)
        return {
            "spec": self.model.name,
            "source": self.model.source.path,
            "message": self.message,
            "cursor": self.cursor,
            "initial_states": len(self.initial),
            "history": [
                {"label": "initial state" if n.step is None else n.step.label(), "fault": bool(n.step and n.step.fault)}
                for n in self.nodes
            ],
            "vars": [
                [name, format_value(now[name]), before is not None and before[name] != now[name]]
                for name in self.model.var_names
            ],
            "moves": self._moves_view(moves, now),
            "invariants": invariants,
            "notes": self._notes(node, moves),
            "chart": self._chart(next((r["name"] for r in invariants if r["holds"] is False), None)),
        }

    def _moves_view(self, moves: list[Move], now: dict[str, Any]) -> list[dict[str, Any]]:
        """Each move's label, changes or error; `choice` tells apart the moves one label
        has several of (a `choose`, `either` or `receive` inside the action: "2 of 3")."""
        labels = [m.step.label() for m in moves]
        total = Counter(labels)
        seen: Counter[str] = Counter()
        out = []
        for m, label in zip(moves, labels):
            seen[label] += 1
            row = {"label": label, "fault": m.step.fault, "error": m.error, "changes": [],
                   "choice": f"{seen[label]} of {total[label]}" if total[label] > 1 else ""}
            if m.error is None:
                after = self.cm.states.decode(m.state)
                changes = [line for n in self.model.var_names for line in diff_value(n, now[n], after[n])]
                row["changes"] = changes or ["(no change)"]
            out.append(row)
        return out

    def _notes(self, node: Node, moves: list[Move]) -> list[str]:
        cm, s, notes = self.cm, node.state, []
        if self.cursor > 0 and cm.transitions is not None:
            r = cm.transitions(self.nodes[self.cursor - 1].state, s)
            if r >= 0:
                notes.append(f"the last step violates transition invariant {self.model.transitions[r].name}")
        if cm.constraint is not None and not cm.constraint(s):
            notes.append("this state is outside the spec's constraints: a check would not expand it")
        if not moves:
            if cm.terminal is not None and cm.terminal(s):
                notes.append("no step is enabled: a terminal state")
            else:
                notes.append("no step is enabled: a deadlock (unless the check runs with --no-deadlock)")
        return notes

    def _chart(self, violation: str | None) -> dict[str, str]:
        """The report's message sequence chart of the trace up to the shown state (trace/msc_svg.py)."""
        a = self.addressing
        if not a.processes:
            return {"svg": "", "why": f"No message sequence chart: {a.source or 'no processes'}."}
        loop = self.loop if self.cursor == len(self.nodes) - 1 else None
        return {"svg": render_svg(build_chart(self.trace(), a), violation, loop), "why": ""}
