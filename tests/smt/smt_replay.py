"""Replay a trace from the Z3 backend through the explicit checker's step
function, so that a test knows each counterexample is a real behaviour."""

from __future__ import annotations

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.ir.model import Model
from specpy.result import ResultKind, Violation


def replay(model: Model, violation: Violation) -> None:
    """Assert that the trace starts in an initial state, that every step is a
    transition of its action with its arguments, and that the last state
    shows the reported violation."""
    cm = CompiledModel(model)
    trace = violation.trace
    states = [cm.states.encode(s) for s in trace.states]
    if not states:  # init itself fails
        assert violation.kind in (ResultKind.EVAL_ERROR, ResultKind.ASSERT)
        return
    initial: list[tuple] = []
    cm.init(initial)
    assert states[0] in initial, "the first state is not an initial state"
    for before, after, step in zip(states, states[1:], trace.steps):
        if step.fault:
            fault = next(a for a in cm.actions if isinstance(a, FaultStep) and a.label == step.action)
            assert fault.step_between(before, after) == step, f"{step.label()} does not lead to the next state"
            continue
        k = next(i for i, a in enumerate(cm.actions) if not isinstance(a, FaultStep) and a.action.name == step.action)
        p = next(i for i in range(len(cm.actions[k].args)) if cm.actions[k].label_args(i) == step.args)
        assert after in cm.replay(k, p, before), f"{step.label()} does not lead to the next state"
    last = states[-1]
    match violation.kind:
        case ResultKind.INVARIANT:
            names = [i.name for i in model.invariants]
            if violation.name in names:
                assert cm.invariants(last) == names.index(violation.name)
            else:
                t = [x.name for x in model.transitions].index(violation.name)
                assert cm.transitions(states[-2], last) == t
        case ResultKind.DEADLOCK:
            for a in cm.actions:
                out: list[tuple] = []
                a.run(last, out)
                assert not out, f"{a.name} is enabled in the deadlock state"
        case ResultKind.EVAL_ERROR | ResultKind.ASSERT:
            expected = EvalFailure if violation.kind is ResultKind.EVAL_ERROR else AssertFailure
            raised = _failures(cm, last)
            # An action with two failing paths (a false assert in one `either`
            # branch, a division by zero after it) stops the explicit checker at
            # the first it runs; BMC may report the other: either kind from an
            # action counts.
            assert expected in raised or raised & {"action"}, f"no {violation.kind.value} happens in the last state"


def _failures(cm: CompiledModel, state: tuple) -> set:
    """The failure classes the checks raise in state, and "action" if some action fails."""
    checks = [lambda: cm.invariants and cm.invariants(state), lambda: cm.constraint and cm.constraint(state)]
    checks += [lambda: cm.terminal and cm.terminal(state)]
    actions = [lambda a=a: a.run(state, []) for a in cm.actions]
    raised: set = set()
    for check in checks + actions:
        try:
            check()
        except (EvalFailure, AssertFailure) as failure:
            raised.add(type(failure))
            if check in actions:
                raised.add("action")
    return raised
