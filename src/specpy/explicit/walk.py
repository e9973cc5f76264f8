"""A random behaviour of a model: for testing and benchmarking trace validation.

Each step picks uniformly among every (action, parameter tuple, successor)
of the current state, and every fault step of a `faults` block (labelled as
a fault, as in traces), with a seeded generator, so a seed always gives the
same behaviour. The walk stops early in a state without successors.
"""

from __future__ import annotations

import random

from specpy.explicit.compile import CompiledModel
from specpy.explicit.faults import FaultStep
from specpy.trace.trace import Step, Trace


def random_trace(cm: CompiledModel, steps: int, seed: int) -> Trace:
    rng = random.Random(seed)
    initial: list[tuple] = []
    cm.init(initial)
    state = rng.choice(initial)
    states, labels = [state], []
    for _ in range(steps):
        moves = [
            (Step(ca.action.name, ca.label_args(p)), t)
            for k, ca in enumerate(cm.actions)
            if not isinstance(ca, FaultStep)
            for p in range(len(ca.args))
            for t in cm.replay(k, p, state)
        ]
        moves += [
            (Step(f.label, ((f.param, f.arg_codec.decode(arg)),), fault=True), t)
            for f in cm.actions
            if isinstance(f, FaultStep)
            for arg, t in f.moves(state)
        ]
        if not moves:
            break
        label, state = rng.choice(moves)
        states.append(state)
        labels.append(label)
    return Trace(cm.model.var_names, tuple(cm.states.decode(s) for s in states), tuple(labels))
