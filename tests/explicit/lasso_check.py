"""An independent check of a liveness counterexample, for the liveness tests.

It re-derives everything from the compiled model, one parameter tuple at a
time, without the checker's state graph: the lasso is a real behaviour, it
closes, the property fails on it, and every fairness condition holds on its
cycle.
"""

from __future__ import annotations

from specpy.explicit.compile import CompiledAction, CompiledModel
from specpy.ir.model import Model
from specpy.trace.trace import Trace


def assert_fair_counterexample(model: Model, name: str, trace: Trace) -> None:
    """The lasso is a real behaviour of the model, the property fails on it, and it is fair."""
    cm = CompiledModel(model)
    states = [cm.states.encode(s) for s in trace.states]
    init: list[tuple] = []
    cm.init(init)
    assert states[0] in init
    tuples = [(k, p) for k, a in enumerate(cm.actions) if isinstance(a, CompiledAction) for p in range(len(a.args))]

    def moves(s: tuple) -> dict[tuple[int, int], list[tuple]]:
        return {(k, p): [t for t in cm.replay(k, p, s) if t != s] for k, p in tuples}

    faults = [a for a in cm.actions if not isinstance(a, CompiledAction)]  # never fair

    def fault_moves(s: tuple) -> list[tuple]:
        out: list[tuple] = []
        for f in faults:
            f.run(s, out)
        return out

    for s, t in zip(states, states[1:]):
        assert any(t in ts for ts in moves(s).values()) or t in fault_moves(s), "a step of the trace is not a real step"
    loop = trace.loop
    cycle = states[loop:]
    closing = [kp for kp, ts in moves(states[-1]).items() if states[loop] in ts] if len(cycle) > 1 else []
    assert len(cycle) == 1 or closing, "the lasso does not close"
    taken = {kp for s, t in zip(cycle, cycle[1:]) for kp, ts in moves(s).items() if t in ts} | set(closing)
    enabled = [{kp for kp, ts in moves(s).items() if ts} for s in cycle]
    for k, p in tuples:
        fairness = cm.actions[k].action.fairness
        if fairness is None or (k, p) in taken:
            continue
        on = [(k, p) in e for e in enabled]
        if fairness == "weak":
            assert not all(on), f"weak fairness of {cm.actions[k].name} tuple {p} is violated on the cycle"
        else:
            assert not any(on), f"strong fairness of {cm.actions[k].name} tuple {p} is violated on the cycle"
    prop = next(p for p in model.properties if p.name == name)
    p_holds = [bool(cm.state_function(prop.p, {})(s)) for s in states]
    q_holds = [bool(cm.state_function(prop.q, {})(s)) for s in states] if prop.q else []
    match prop.kind:
        case "eventually":
            assert not any(p_holds)
        case "always eventually":
            assert not any(p_holds[loop:])
        case "eventually always":
            assert not all(p_holds[loop:])
        case "leadsto":
            # Some P state from which Q never holds again (the cycle repeats for ever).
            assert any(p_holds[i] and not any(q_holds[min(i, loop) :]) for i in range(len(states)))
