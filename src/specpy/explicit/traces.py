"""Shortest traces from the store's parent links, decoded to generic values."""

from __future__ import annotations

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.explicit.store import StateStore
from specpy.trace.trace import Step, Trace


def step_between(cm: CompiledModel, k: int, before: tuple, after: tuple) -> Step:
    """The step of action (or fault) k from `before` to `after`, with its arguments."""
    action = cm.actions[k]
    if isinstance(action, FaultStep):
        step = action.step_between(before, after)
        if step is None:
            raise AssertionError(f"fault {action.name} does not lead to the recorded successor")
        return step
    for p in range(len(action.args)):
        if after in cm.replay(k, p, before):
            return Step(action.action.name, action.label_args(p))
    raise AssertionError(f"action {action.action.name} does not lead to the recorded successor")


#: Where a trace ends: (stored state index or None, action index or None,
#: unstored state or None). (i, None, None) ends at stored state i;
#: (i, k, t) continues from i by action k to t; (None, None, t) is the
#: single initial state t; (None, None, None) is the empty trace (init failed).
Locus = tuple[int | None, int | None, tuple | None]


def build_trace(cm: CompiledModel, store: StateStore, locus: Locus) -> Trace:
    last, k, extra = locus
    path = store.path(last) if last is not None else []
    states = [store.states[i] for i in path]
    steps = [step_between(cm, store.via[j], store.states[i], store.states[j]) for i, j in zip(path, path[1:])]
    if extra is not None:
        if k is not None:
            steps.append(step_between(cm, k, states[-1], extra))
        states.append(extra)
    return Trace(cm.model.var_names, tuple(cm.states.decode(s) for s in states), tuple(steps))
