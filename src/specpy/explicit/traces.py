"""Shortest traces from the store's parent links, decoded to generic values.

Under symmetry reduction the store holds canonical representatives, which
need not be connected by real steps; the path is then re-derived concretely
(symmetry.py `concrete_path`) before it is decoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.explicit.store import StateStore
from specpy.trace.trace import Step, Trace

if TYPE_CHECKING:
    from specpy.explicit.symmetry import Symmetry


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


def locus_path(
    cm: CompiledModel, store: StateStore, locus: Locus, symmetry: Symmetry | None = None
) -> tuple[list[tuple], list[int]]:
    """The internal states of the trace to `locus`, and the action index of each step."""
    last, k, extra = locus
    path = store.path(last) if last is not None else []
    states = [store.states[i] for i in path]
    actions = [store.via[j] for j in path[1:]]
    if symmetry is not None and states:
        canonical_last = states[-1]
        states = symmetry.concrete_path(states, actions)
        if extra is not None and k is not None:
            extra = symmetry.carry(canonical_last, states[-1], extra)
    if extra is not None:
        if k is not None:
            actions.append(k)
        states.append(extra)
    return states, actions


def make_trace(cm: CompiledModel, states: list[tuple], actions: list[int], loop: int | None = None) -> Trace:
    """Decode internal states joined by the given actions (arguments recovered by replay)."""
    steps = tuple(step_between(cm, k, a, b) for k, a, b in zip(actions, states, states[1:]))
    return Trace(cm.model.var_names, tuple(cm.states.decode(s) for s in states), steps, loop)


def build_trace(cm: CompiledModel, store: StateStore, locus: Locus, symmetry: Symmetry | None = None) -> Trace:
    return make_trace(cm, *locus_path(cm, store, locus, symmetry))
