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
