"""The whole reachable state graph of a small model: every state and every labelled edge.

The checker's search (search.py) keeps one parent link per state, which is
all a shortest trace needs; a picture of the state space needs every edge and
the action (with arguments) on it. This module enumerates both for models
small enough to draw, separately from the search so that the search's hot
loop stays as it is: states breadth-first from the initial states, each
expanded by every action and every parameter tuple (CompiledModel.replay)
and by every fault step of a `faults` block.

Semantics follow the checker: a state that violates a constraint is a node
but is not expanded; a state that violates an invariant is marked with the
invariant's name (the first declared that fails) and is still expanded, so
the picture shows what lies beyond it. Temporal properties play no part. Above `max_states` states the
enumeration stops with GraphTooLarge rather than build a graph nobody can
read.
"""

from __future__ import annotations

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.ir.model import Model
from specpy.trace.graph import StateGraph
from specpy.trace.trace import Step


class GraphTooLarge(Exception):
    """The model has more reachable states than the bound allows."""

    def __init__(self, max_states: int):
        super().__init__(f"the model has more than {max_states:,} reachable states")
        self.max_states = max_states


class GraphEvalError(Exception):
    """Evaluating an action, invariant or constraint failed while enumerating."""


def reachable_graph(model: Model, max_states: int) -> StateGraph:
    """Every reachable state and edge of model; GraphTooLarge above max_states states."""
    cm = CompiledModel(model)
    graph = StateGraph(model.var_names)
    index: dict[tuple, int] = {}
    encoded: list[tuple] = []

    def visit(s: tuple, parent: int) -> int:
        j = index.get(s)
        if j is not None:
            return j
        if len(encoded) >= max_states:
            raise GraphTooLarge(max_states)
        j = index[s] = len(encoded)
        encoded.append(s)
        graph.states.append(cm.states.decode(s))
        graph.parent.append(parent)
        if cm.invariants is not None:
            r = _run(lambda: cm.invariants(s), "an invariant")
            if r >= 0:
                graph.violating[j] = model.invariants[r].name
        return j

    out: list[tuple] = []
    _run(lambda: cm.init(out), "the initial state")
    for s in out:
        j = visit(s, -1)
        if j not in graph.initial:
            graph.initial.append(j)
    i = 0
    while i < len(encoded):
        s = encoded[i]
        if cm.constraint is None or _run(lambda: cm.constraint(s), "a constraint"):
            for k, action in enumerate(cm.actions):
                if isinstance(action, FaultStep):
                    for arg, t in action.moves(s):
                        step = Step(action.label, ((action.param, action.arg_codec.decode(arg)),), fault=True)
                        graph.edges.append((i, visit(t, i), step))
                    continue
                for p in range(len(action.args)):
                    step = Step(action.action.name, action.label_args(p))
                    for t in _run(lambda: cm.replay(k, p, s), "action " + step.label()):
                        graph.edges.append((i, visit(t, i), step))
        i += 1
    return graph


def _run(fn, what: str):
    try:
        return fn()
    except (EvalFailure, AssertFailure) as exc:
        kind = "an assertion failed" if isinstance(exc, AssertFailure) else (exc.detail or exc.kind or "evaluation error")
        raise GraphEvalError(f"{what}: {kind} (run `specpy check` to see the trace)") from None
