"""The explicit-state backend: compiled successor functions and one BFS.

`check(model, options, progress)` is the entry point; the modules are
imported on first use so that importing specpy.explicit stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.options import CheckOptions
    from specpy.result import CheckResult, Stats


def check(model: Model, options: CheckOptions, progress: Callable[[Stats], None] | None = None) -> CheckResult:
    """Explore every reachable state of model breadth-first (see search.py)."""
    from specpy.explicit.search import check as run

    return run(model, options, progress)


__all__ = ["check"]
