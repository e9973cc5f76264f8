"""Traces as users read them: internal states decoded, steps labelled with arguments.

The search finds the states of a trace by re-execution (search.py `path`);
this module only names the steps between them.
"""

from __future__ import annotations

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.explicit.runtime import AssertFailure, EvalFailure
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


def make_trace(cm: CompiledModel, states: list[tuple], actions: list[int], loop: int | None = None) -> Trace:
    """Decode internal states joined by the given actions (arguments recovered by replay)."""
    steps = tuple(step_between(cm, k, a, b) for k, a, b in zip(actions, states, states[1:]))
    return Trace(cm.model.var_names, tuple(cm.states.decode(s) for s in states), steps, loop)


def initial_failure_trace(cm: CompiledModel, failed: EvalFailure | AssertFailure) -> Trace:
    """For an error in `init`: one state, the initial state as far as it was
    computed (variables not yet assigned are absent: `Trace.complete` is
    False); no state if even that cannot be recovered."""
    partial = cm.partial_initial(failed)
    return Trace(cm.model.var_names, () if partial is None else (partial,), ())
