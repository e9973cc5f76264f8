"""What "identical results" means for the two explicit backends, and a check of it."""

from __future__ import annotations

import dataclasses

from specpy.explicit import check
from specpy.ir.model import Model
from specpy.options import CheckOptions
from specpy.result import CheckResult


def summary(r: CheckResult) -> dict:
    """Everything a user sees of a result but the time and the backend's name."""
    v = r.violation
    return {
        "kind": r.kind,
        "exit": r.exit_code,
        "distinct": r.stats.distinct_states,
        "generated": r.stats.states_generated,
        "depth": r.stats.depth,
        "limit": r.limit,
        "bounded": r.bounded,
        "coverage": [(a.name, a.enabled, a.generated, a.new) for a in r.stats.coverage],
        "measures": r.stats.measures,
        "violation": None if v is None else (v.kind, v.name, v.detail, v.span, v.trace),
    }


def both(model: Model, options: CheckOptions = CheckOptions()) -> tuple[CheckResult, CheckResult]:
    """(Python backend, native backend if it can be used, else Python again)."""
    python = check(model, dataclasses.replace(options, backend="python"))
    native = check(model, dataclasses.replace(options, backend="auto"))
    return python, native


def same_representatives(model: Model, limit: int = 300) -> int:
    """Check that the native core's representative of each of up to `limit`
    reachable states, and of every renaming of it, is the Python backend's
    (explicit/symmetry.py); returns how many states were compared."""
    import itertools

    from specpy.explicit.compile import CompiledModel
    from specpy.explicit.runtime import AssertFailure, EvalFailure
    from specpy.explicit.symmetry import symmetry_for
    from specpy.native import CapacityExceeded, native_model

    cm = CompiledModel(model)
    sym = symmetry_for(cm, True)
    assert sym is not None
    states: list[tuple] = []
    cm.init(states)
    seen = dict.fromkeys(states)
    for s in states:  # breadth-first, without reduction
        if len(seen) >= limit:
            break
        for action in cm.actions:
            succ: list[tuple] = []
            try:
                action.run(s, succ)
            except (EvalFailure, AssertFailure):
                continue
            for t in succ:
                if t not in seen:
                    seen[t] = None
                    states.append(t)
    renamings = list(itertools.product(*(itertools.permutations(range(len(t.members))) for t in sym.types)))
    capacities = None
    while True:  # grow a sorted array's capacity as the search does
        native = native_model(cm, CheckOptions(), True, capacities)
        try:
            for s in list(seen)[:limit]:
                for perms in renamings:
                    t = sym.permuter(perms)(s)
                    assert native.unpack(native.pack(t)) == sym.canonical(t), (s, perms)
            return min(len(seen), limit)
        except CapacityExceeded as exc:
            capacities = native.grown(exc)
