"""Random walks through a model: `specpy simulate`, and `random_trace`.

`random_trace` is the same walk without any check, as a Trace: a random
behaviour for testing and benchmarking trace validation.

Each of `runs` walks starts in a random initial state and takes up to
`depth - 1` steps, each to a successor drawn uniformly from every successor
of every action (and fault step) of the current state, checking what the
breadth-first search checks: invariants on every state, transition
invariants on every step, asserts and evaluation errors in actions, and
deadlock (no successor, unless --no-deadlock or a terminal state). A
successor outside the constraints ends the walk after its invariants are
checked, as such a state is never expanded by the search.

Walks are reproducible: one `random.Random(seed)` draws every choice, in a
fixed order of actions and successors. The first violation stops the
simulation; its trace is the walk up to it (a trace, not a shortest one).

Stats: states_generated counts the states checked (TLC's "states checked"
in simulation mode), distinct_states the distinct ones among them, depth the
longest walk, in states. Coverage counts, per action, the states in which it
was enabled, the successors it produced, and (`new`) the distinct states a
walk first reached by one of its steps.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from specpy.explicit.measures import Tally
from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.search import PROGRESS_SECONDS, Search, Stop
from specpy.explicit.traces import make_trace
from specpy.ir.model import Model
from specpy.options import CheckOptions
from specpy.result import ActionStats, CheckResult, ResultKind, Stats, Violation
from specpy.trace.trace import Trace


@dataclass(frozen=True)
class SimulationOptions:
    runs: int = 100
    depth: int = 100
    seed: int = 0


def simulate(
    model: Model,
    options: CheckOptions,
    sim: SimulationOptions,
    progress: Callable[[Stats], None] | None = None,
) -> CheckResult:
    return Simulation(CompiledModel(model), options, sim, progress).run()


def random_trace(cm: CompiledModel, steps: int, seed: int) -> Trace:
    """A random behaviour of up to `steps` steps, checking nothing: each step
    is drawn uniformly from every successor of every action and fault step,
    as `specpy simulate` draws it; a seed always gives the same behaviour.
    The walk stops early in a state without successors."""
    rng = random.Random(seed)
    initial: list[tuple] = []
    cm.init(initial)
    states, actions = [rng.choice(initial)], []
    for k, t in itertools.islice(random_steps(cm, states[0], rng), steps):
        states.append(t)
        actions.append(k)
    return make_trace(cm, states, actions)


def random_steps(cm: CompiledModel, state: tuple, rng: random.Random) -> Iterator[tuple[int, tuple]]:
    """The walk from `state`: (action index, successor) pairs, each drawn uniformly
    from every successor of every action and fault step of the state before;
    it ends in a state without successors. (`random_trace`, and the explorer's
    walks from the state it shows.)"""
    while True:
        moves = [(k, t) for k, action in enumerate(cm.actions) for t in _successors(action, state)]
        if not moves:
            return
        k, state = moves[rng.randrange(len(moves))]
        yield k, state


def _successors(action, s: tuple) -> list[tuple]:
    out: list[tuple] = []
    action.run(s, out)
    return out


class Simulation:
    def __init__(
        self,
        cm: CompiledModel,
        options: CheckOptions,
        sim: SimulationOptions,
        progress: Callable[[Stats], None] | None,
    ) -> None:
        self.cm = cm
        self.options = options
        self.sim = sim
        self.progress = progress
        # The search's way of turning a failure into a located violation.
        self.verdicts = Search(cm, options, None)
        self.rng = random.Random(sim.seed)
        self.checked = 0
        self.seen: set[int] = set()
        self.longest = 0
        self.coverage = [ActionStats(a.name) for a in cm.actions]
        self.measures = Tally.empty(len(cm.measures))  # over the states the walks visit
        self.start = time.monotonic()
        self.next_report = self.start + PROGRESS_SECONDS

    def stats(self) -> Stats:
        return Stats(
            distinct_states=len(self.seen),
            states_generated=self.checked,
            depth=self.longest,
            seconds=time.monotonic() - self.start,
            coverage=list(self.coverage),
            measures=self.measures.stats([m.name for m in self.cm.model.measures]),
        )

    def run(self) -> CheckResult:
        try:
            initial: list[tuple] = []
            try:
                self.cm.init(initial)
            except (EvalFailure, AssertFailure) as exc:
                raise self.verdicts.failure(exc, "init", [], []) from None
            for _ in range(self.sim.runs):
                if initial:
                    self.walk(self.rng.choice(initial))
        except Stop as stop:
            return CheckResult(stop.kind, self.stats(), stop.violation, limit=stop.limit, backend="simulate")
        return CheckResult(ResultKind.OK, self.stats(), bounded=True, backend="simulate")

    def walk(self, s: tuple) -> None:
        cm, rng = self.cm, self.rng
        states: list[tuple] = [s]
        actions: list[int] = []
        if not self.visit(states, actions):
            return
        while len(states) < self.sim.depth:
            self.tick()
            moves: list[tuple[int, tuple]] = []
            for k, action in enumerate(cm.actions):
                out: list[tuple] = []
                try:
                    action.run(s, out)
                except (EvalFailure, AssertFailure) as exc:
                    raise self.verdicts.failure(exc, k, states, actions) from None
                if out:
                    self.coverage[k].enabled += 1
                    self.coverage[k].generated += len(out)
                moves += [(k, t) for t in out]
            if not moves:
                self.deadlock(states, actions)
                return
            k, t = moves[rng.randrange(len(moves))]
            states.append(t)
            actions.append(k)
            if cm.transitions is not None:
                self.check(lambda: self.verdicts.transition_violation(cm.transitions(s, t), states, actions),
                           "a transition invariant", states, actions)
            if not self.visit(states, actions):
                return
            s = t

    def visit(self, states: list[tuple], actions: list[int]) -> bool:
        """Check the walk's last state; False if it lies outside the constraints."""
        cm, s = self.cm, states[-1]
        self.checked += 1
        key = hash(s)
        if key not in self.seen:
            self.seen.add(key)
            if actions:  # coverage's `new`: the action whose step reached the state first
                self.coverage[actions[-1]].new += 1
        self.longest = max(self.longest, len(states))
        if cm.measures:
            self.measures.add(cm.measures, (s,))
        if cm.invariants is not None:
            self.check(lambda: self.verdicts.invariant_violation(cm.invariants(s), states, actions),
                       "an invariant", states, actions)
        if cm.constraint is None:
            return True
        return bool(self.check(lambda: cm.constraint(s), "a constraint", states, actions))

    def deadlock(self, states: list[tuple], actions: list[int]) -> None:
        if not self.options.check_deadlock:
            return
        terminal = self.cm.terminal
        if terminal is not None and self.check(lambda: terminal(states[-1]), "a terminal condition", states, actions):
            return
        trace = make_trace(self.cm, states, actions)
        raise Stop(ResultKind.DEADLOCK, Violation(ResultKind.DEADLOCK, "deadlock", trace, "no action is enabled"))

    def check(self, fn: Callable[[], object], what: str, states: list[tuple], actions: list[int]) -> object:
        try:
            return fn()
        except EvalFailure as exc:
            raise self.verdicts.failure(exc, what, states, actions) from None

    def tick(self) -> None:
        now = time.monotonic()
        timeout = self.options.timeout
        if timeout is not None and now - self.start >= timeout:
            raise Stop(ResultKind.LIMIT, limit="timeout")
        if self.progress is not None and now >= self.next_report:
            self.next_report = now + PROGRESS_SECONDS
            self.progress(self.stats())
