"""Temporal properties under weak and strong fairness, on the reachable graph.

Semantics are TLC's for `Spec == Init /\\ [][Next]_vars /\\ Fairness`, where
Fairness holds `WF_vars(A(p))` (`fair action A`) or `SF_vars(A(p))` (`strong
fair action A`) for every parameter tuple p of A separately:

- A behaviour may stutter (repeat its state) at any point, and forever unless
  fairness forbids it. So `eventually P` fails in a deadlock (with
  --no-deadlock), and wherever only unfair actions are enabled.
- Fairness is about real steps (`<<A(p)>>_vars`): A(p) is *enabled* in s if it
  has a successor other than s, and *taken* on an edge s -> t with t != s.
  A self-loop is a stutter step and never satisfies fairness.
- Weak: A(p) is taken infinitely often, or disabled infinitely often.
  Strong: taken infinitely often, or eventually disabled for ever.

Algorithm. After the breadth-first search has stored every reachable state
(and found no safety violation), the state graph is rebuilt once: every
stored state is expanded again — each action in one call, a fair one through
a variant that labels each step with its parameter tuple (compile.labelled)
— and each real step is kept as (target, action, fair tuple) in flat arrays
(CSR layout), targets found by fingerprint. Every property is then a search
for a *fair strongly connected component* in a subgraph:

    always P            a reachable state where P is false (a safety check;
                        BFS order gives the shortest trace)
    eventually P        a fair SCC of the not-P states reachable from an
                        initial state through not-P states only
    P leadsto Q         a fair SCC of the not-Q states reachable, through not-Q
                        states, from a reachable state where P and not Q hold
    always eventually P a fair SCC of the not-P states (any reachable one)
    eventually always P a fair SCC of the whole graph that contains a not-P state

An SCC is fair when a behaviour that stays in it and visits all its states and
steps satisfies every fairness condition (every state has a stutter step, so a
single state is a cycle too). Weak fairness of A(p) fails in an SCC exactly when
A(p) is enabled in all its states and taken on none of its internal steps; then
no cycle inside it is fair either and it is dropped. Strong fairness of A(p)
fails when A(p) is enabled somewhere and never taken inside: the states where
it is enabled cannot lie on a fair cycle, so they are removed and the rest is
split into SCCs again (Emerson-Lei; the approach of TLC and SPIN's fairness
checks). Every fair cycle lies inside one of the components this leaves, so
the search is complete, and each component it returns has a fair cycle.

The counterexample is a lasso: the shortest path to the SCC's nearest state,
then a cycle inside the SCC that takes one step of every fair tuple that is
taken there and visits a state where every other weakly fair tuple enabled
there is disabled (and a not-P state for `eventually always`); if nothing is
required the behaviour stutters in that state.

Cost: the graph costs one more expansion of every state (about the time of
the safety search again) and 14 bytes per real step (while it is built, 8
more: the targets' fingerprints) plus 8 per state. Each property costs
O(states + steps) for Tarjan's SCCs, plus a re-split for every strongly fair
tuple that a component violates.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterator

import numpy as np

from specpy.explicit.compile import CompiledAction, CompiledModel
from specpy.explicit.runtime import EvalFailure
from specpy.explicit.store import StateStore, fingerprints
from specpy.explicit.symmetry import Symmetry
from specpy.explicit.traces import make_trace
from specpy.ir.backend import unsupported
from specpy.ir.expr import Expr
from specpy.ir.model import Model, TemporalProperty
from specpy.nodeclass import nodeclass
from specpy.options import CheckOptions, OptionError
from specpy.result import ResultKind, Violation

#: evaluate(fn, i, what): fn on stored state i; an evaluation error there names `what`.
Evaluate = Callable[[Callable[[tuple], object], int, str], object]


def refuse_with_properties(model: Model, options: CheckOptions, symmetric: bool) -> None:
    """Liveness needs the whole, unreduced state graph (`always P` does not)."""
    live = [p for p in model.properties if p.kind != "always"]
    if not live:
        return
    if options.max_depth is not None:
        raise OptionError(
            f"--depth cannot be used with temporal properties ({live[0].name}): liveness needs the whole state graph"
        )
    if symmetric:
        names = ", ".join(t.name for t in model.symmetric_types())
        raise unsupported(
            f"temporal property {live[0].name} cannot be checked under symmetry reduction "
            f"(symmetric type {names}): a cycle of canonical states need not be a fair cycle of real "
            "states; run with --no-symmetry",
            live[0].span,
        )


@nodeclass
class FairTuple:
    action: int
    param: int
    strong: bool


class Graph:
    """The reachable graph's real steps (self-loops left out), in CSR arrays.

    Steps of state i are first[i] .. first[i + 1] - 1; target -1 is a
    successor outside the constraint (it still makes its action enabled).

    Each stored state is expanded once more, each action in one call; a fair
    action's steps come labelled with the parameter tuple that took them
    (compile.labelled). Successors are matched to stored states by
    fingerprint, as the search matched them (store.py: the same collision
    odds), with one vectorised search over the sorted fingerprints instead of
    a dictionary holding every state.
    """

    def __init__(self, cm: CompiledModel, store: StateStore, tick: Callable[[], None]):
        self.fair: list[FairTuple] = []
        # Per action: the function giving its steps, and the fair tuple id of its
        # first parameter tuple (None: unfair, so steps are not labelled).
        plan: list[tuple[int, Callable[[tuple, list], None], int | None]] = []
        for k, a in enumerate(cm.actions):
            if not isinstance(a, CompiledAction) or a.action.fairness is None:  # fault steps are unfair
                plan.append((k, a.run, None))
                continue
            plan.append((k, cm.labelled(k), len(self.fair)))
            self.fair += [FairTuple(k, p, a.action.fairness == "strong") for p in range(len(a.args))]
        first = array("q", [0])
        fps = array("q")  # each step's target, by fingerprint (resolved to an index below)
        self.action = array("h")
        self.label = array("i")  # fair tuple id, or -1
        chunk: list[tuple] = []  # targets whose fingerprints are not taken yet
        add_target, add_action, add_label = chunk.append, self.action.append, self.label.append
        out: list = []
        for i, s in enumerate(store.states):
            if i % 256 == 0:
                tick()
                fps.frombytes(fingerprints(chunk).tobytes())
                chunk.clear()
            for k, run, base in plan:
                out.clear()
                run(s, out)
                if base is None:
                    for t in out:
                        if t != s:  # t == s is a stutter step
                            add_target(t)
                            add_action(k)
                            add_label(-1)
                else:
                    for p, t in out:
                        if t != s:
                            add_target(t)
                            add_action(k)
                            add_label(base + p)
            first.append(len(fps) + len(chunk))
        fps.frombytes(fingerprints(chunk).tobytes())
        self.first = first
        self.target = _resolve(np.frombuffer(fps, dtype=np.int64), np.frombuffer(store.fp, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.first) - 1

    def steps(self, i: int) -> range:
        return range(self.first[i], self.first[i + 1])


def _resolve(targets: np.ndarray, stored: np.ndarray) -> array:
    """The index of the stored state with each target's fingerprint, or -1."""
    if not len(stored):
        return array("q", [-1]) * len(targets)
    order = np.argsort(stored)
    ranked = stored[order]
    pos = np.searchsorted(ranked, targets).clip(max=len(ranked) - 1)
    return array("q", np.where(ranked[pos] == targets, order[pos], -1).astype(np.int64).tobytes())


def check_properties(
    cm: CompiledModel,
    store: StateStore,
    tick: Callable[[], None],
    evaluate: Evaluate,
    symmetry: Symmetry | None = None,
) -> Violation | None:
    """The first property (in declaration order) that fails, with its trace or lasso.

    `symmetry` (only for `always P`; refuse_with_properties keeps it from the
    others) makes the trace concrete.
    """
    graph: Graph | None = None
    for prop in cm.model.properties:
        what = f"property {prop.name}"
        holds = _truth(cm, store, prop.p, evaluate, what)
        if prop.kind == "always":  # an invariant, reported as TLC does (exit 12)
            bad = next((i for i, ok in enumerate(holds) if not ok), None)
            if bad is not None:
                trace = make_trace(cm, *_stored_path(store, bad, symmetry))
                return Violation(ResultKind.INVARIANT, prop.name, trace, "always P: P is false in the last state", prop.span)
            continue
        if graph is None:
            graph = Graph(cm, store, tick)
        lasso = _lasso(prop, graph, store, holds, _truth(cm, store, prop.q, evaluate, what) if prop.q else None)
        if lasso is not None:
            return _violation(cm, store, graph, prop, lasso)
    return None


def _truth(cm: CompiledModel, store: StateStore, expr: Expr, evaluate: Evaluate, what: str) -> bytearray:
    fn = cm.state_function(expr, {})
    try:
        return bytearray(map(bool, map(fn, store.states)))
    except EvalFailure:
        for i in range(len(store)):
            evaluate(fn, i, what)  # raises the failure of the first state, with its trace
        raise


def _stored_path(store: StateStore, i: int, symmetry: Symmetry | None = None) -> tuple[list[tuple], list[int]]:
    path = store.path(i)
    states, actions = [store.states[j] for j in path], [store.via[j] for j in path[1:]]
    if symmetry is not None:
        states = symmetry.concrete_path(states, actions)
    return states, actions


@nodeclass(frozen=False)
class Lasso:
    source: int  # a stored state reached by the store's shortest path
    stem: list[int]  # steps (edge indices) from source to the cycle's first state
    cycle: list[int]  # steps from that state back to it; empty: it stutters there
    note: str


def _lasso(
    prop: TemporalProperty, graph: Graph, store: StateStore, p: bytearray, q: bytearray | None
) -> Lasso | None:
    """A fair lasso on which prop fails, or None."""
    n = len(graph)
    everything = bytearray(b"\x01") * n
    initial = [i for i in range(n) if store.parent[i] < 0]
    not_p = bytearray(1 - x for x in p)
    match prop.kind:
        case "eventually":
            return _fair_lasso(graph, not_p, [i for i in initial if not_p[i]], None, "eventually P: P never holds")
        case "always eventually":
            return _fair_lasso(graph, not_p, [i for i in range(n) if not_p[i]], None, "always eventually P: P never holds again from state {entry} on")
        case "eventually always":
            return _fair_lasso(graph, everything, initial, not_p, "eventually always P: P is false infinitely often (on the cycle)")
        case "leadsto":
            assert q is not None
            not_q = bytearray(1 - x for x in q)
            sources = [i for i in range(n) if p[i] and not_q[i]]
            return _fair_lasso(graph, not_q, sources, None, "P leadsto Q: P holds in state {source} and Q never holds from there on")
    raise AssertionError(f"unknown temporal property kind {prop.kind}")


def _fair_lasso(
    graph: Graph, allowed: bytearray, sources: list[int], required: bytearray | None, note: str
) -> Lasso | None:
    """A fair cycle in the subgraph of `allowed` states reachable (inside it) from
    `sources`, through a `required` state if given; with the path from a source."""
    reach = _Reach(graph, allowed, sources)
    best: tuple[int, list[int]] | None = None
    for comp in _fair_components(graph, reach.reached, reach.order):
        if required is not None and not any(required[u] for u in comp):
            continue
        entry = min(comp, key=lambda u: (reach.distance[u], u))
        if best is None or reach.distance[entry] < reach.distance[best[0]]:
            best = (entry, comp)
    if best is None:
        return None
    entry, comp = best
    stem: list[int] = []
    u = entry
    while reach.parent_step[u] >= 0:
        stem.append(reach.parent_step[u])
        u = reach.parent[u]
    stem.reverse()
    return Lasso(reach.origin[entry], stem, _fair_cycle(graph, comp, entry, required), note)


class _Reach:
    """Breadth-first search from the sources through `allowed` states only."""

    def __init__(self, graph: Graph, allowed: bytearray, sources: list[int]):
        n = len(graph)
        self.parent_step = array("q", [-1]) * n
        self.parent = array("q", [-1]) * n
        self.origin = array("q", [-1]) * n  # the source each state was reached from
        self.distance = array("q", [0]) * n
        self.reached = bytearray(n)
        self.order: list[int] = []
        for s in sources:
            if allowed[s] and not self.reached[s]:
                self.reached[s] = 1
                self.origin[s] = s
                self.order.append(s)
        target = graph.target
        for u in self.order:  # grows while it is read: a queue
            for e in graph.steps(u):
                v = target[e]
                if v >= 0 and allowed[v] and not self.reached[v]:
                    self.reached[v] = 1
                    self.parent_step[v], self.parent[v] = e, u
                    self.origin[v] = self.origin[u]
                    self.distance[v] = self.distance[u] + 1
                    self.order.append(v)


def _components(graph: Graph, allowed: bytearray, roots: list[int]) -> list[list[int]]:
    """Tarjan's strongly connected components of the `allowed` subgraph (iterative)."""
    n = len(graph)
    index = array("q", [-1]) * n
    low = array("q", [0]) * n
    on_stack = bytearray(n)
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    target, first = graph.target, graph.first
    for root in roots:
        if index[root] >= 0 or not allowed[root]:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work = [(root, first[root])]
        while work:
            u, e = work[-1]
            end = first[u + 1]
            while e < end:
                v = target[e]
                e += 1
                if v < 0 or not allowed[v]:
                    continue
                if index[v] < 0:
                    work[-1] = (u, e)
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack[v] = 1
                    work.append((v, first[v]))
                    break
                if on_stack[v] and index[v] < low[u]:
                    low[u] = index[v]
            else:
                work.pop()
                if work:
                    w = work[-1][0]
                    if low[u] < low[w]:
                        low[w] = low[u]
                if low[u] == index[u]:
                    comp = []
                    while True:
                        v = stack.pop()
                        on_stack[v] = 0
                        comp.append(v)
                        if v == u:
                            break
                    out.append(comp)
    return out


def _fair_components(graph: Graph, allowed: bytearray, roots: list[int]) -> Iterator[list[int]]:
    """The fair SCCs of the `allowed` subgraph (see the module docstring)."""
    fair = graph.fair
    work = _components(graph, allowed, roots)
    while work:
        comp = work.pop()
        inside = set(comp)
        taken: set[int] = set()
        weak_always: set[int] | None = None
        enabled_somewhere: set[int] = set()
        for u in comp:
            enabled: set[int] = set()
            for e in graph.steps(u):
                f = graph.label[e]
                if f >= 0:
                    enabled.add(f)
                    if graph.target[e] in inside:
                        taken.add(f)
            enabled_somewhere |= enabled
            weak = {f for f in enabled if not fair[f].strong}
            weak_always = weak if weak_always is None else weak_always & weak
        if weak_always and weak_always - taken:
            continue  # a weakly fair tuple enabled throughout and never taken
        bad_strong = {f for f in enabled_somewhere - taken if fair[f].strong}
        if not bad_strong:
            yield comp
            continue
        keep = bytearray(len(graph))
        for u in comp:
            if not any(graph.label[e] in bad_strong for e in graph.steps(u)):
                keep[u] = 1
        work.extend(_components(graph, keep, [u for u in comp if keep[u]]))


def _fair_cycle(graph: Graph, comp: list[int], entry: int, required: bytearray | None) -> list[int]:
    """Steps of a cycle from entry back to entry inside comp that satisfies fairness."""
    inside = set(comp)
    enabled = {u: {graph.label[e] for e in graph.steps(u) if graph.label[e] >= 0} for u in comp}
    taken = {graph.label[e] for u in comp for e in graph.steps(u) if graph.label[e] >= 0 and graph.target[e] in inside}
    to_take = set(taken)
    # Weakly fair tuples enabled somewhere but never taken: visit a state where each is disabled.
    to_visit = {f for u in comp for f in enabled[u]} - taken
    need_required = required is not None

    def satisfy_state(u: int) -> None:
        nonlocal need_required
        to_visit.difference_update(to_visit - enabled[u])
        if need_required and required[u]:
            need_required = False

    def wanted(u: int) -> bool:
        if (need_required and required[u]) or (to_visit - enabled[u]):
            return True
        return any(graph.label[e] in to_take and graph.target[e] in inside for e in graph.steps(u))

    cycle: list[int] = []
    u = entry
    satisfy_state(u)
    while to_take or to_visit or need_required:
        path = _path_inside(graph, inside, u, wanted)
        for e in path:
            to_take.discard(graph.label[e])
            u = graph.target[e]
            satisfy_state(u)
        cycle.extend(path)
        for e in graph.steps(u):
            if graph.label[e] in to_take and graph.target[e] in inside:
                cycle.append(e)
                to_take.discard(graph.label[e])
                u = graph.target[e]
                satisfy_state(u)
                break
    if u != entry:
        cycle.extend(_path_inside(graph, inside, u, lambda v: v == entry))
    return cycle


def _path_inside(graph: Graph, inside: set[int], start: int, goal: Callable[[int], bool]) -> list[int]:
    """Steps of a shortest path inside `inside` from start to a state meeting goal."""
    if goal(start):
        return []
    parent: dict[int, tuple[int, int]] = {start: (-1, -1)}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for e in graph.steps(u):
            v = graph.target[e]
            if v in inside and v not in parent:
                parent[v] = (e, u)
                if goal(v):
                    path = []
                    while v != start:
                        e, v = parent[v]
                        path.append(e)
                    path.reverse()
                    return path
                queue.append(v)
    raise AssertionError("a strongly connected component is not connected")


def _violation(cm: CompiledModel, store: StateStore, graph: Graph, prop: TemporalProperty, lasso: Lasso) -> Violation:
    states, actions = _stored_path(store, lasso.source)
    source = len(states)
    for e in lasso.stem:
        states.append(store.states[graph.target[e]])
        actions.append(graph.action[e])
    loop = len(states) - 1
    for e in lasso.cycle[:-1]:
        states.append(store.states[graph.target[e]])
        actions.append(graph.action[e])
    trace = make_trace(cm, states, actions, loop)
    if lasso.cycle:
        back = make_trace(cm, [states[-1], states[loop]], [graph.action[lasso.cycle[-1]]])
        ending = (
            f"the behaviour then returns to state {loop + 1} by {back.steps[0].label()} and repeats the cycle "
            "forever, every fair action being taken or disabled on it"
        )
    else:
        ending = f"the behaviour then stays in state {loop + 1} forever (no fairness forces a step there)"
    note = lasso.note.format(source=source, entry=loop + 1)
    return Violation(ResultKind.LIVENESS, prop.name, trace, f"{note}; {ending}", prop.span)
