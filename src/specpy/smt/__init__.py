"""The Z3 backend: bounded model checking (bmc.py) and k-induction (induction.py).

Importing this package is cheap; z3 is loaded only when `check` or `prove`
runs, so `specpy check` with the explicit backend never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.options import CheckOptions
    from specpy.result import CheckResult


def check(model: Model, options: CheckOptions, progress=None) -> CheckResult:
    """Bounded model checking up to options.max_depth steps (see bmc.py)."""
    from specpy.smt.bmc import check as run

    return run(model, options)


__all__ = ["check"]
