"""The explicit search on a Ray cluster: `specpy check SPEC --cluster ray[=ADDRESS]`.

The search itself is explicit/search.py, unchanged: the coordinator runs in
this process (Ray's driver) and every partition (explicit/partition.py) lives
in a Ray actor, placed one per node where it can (transport.py). Each
partition's fingerprint table holds only the fingerprints it owns, so a
node's memory falls with the number of nodes; the questions "was this state
stored before?" go to the owners once per level, as fingerprints
(partition.py, "Deferred lookups"). docs/cluster.md has the user's side.

Ray is an optional dependency (`pip install 'specpy-mc[ray]'`); nothing here
imports it at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.options import CheckOptions
    from specpy.result import CheckResult, Stats


def check(model: Model, options: CheckOptions, progress: Callable[[Stats], None] | None = None) -> CheckResult:
    """The explicit search of `model` with its partitions in Ray actors."""
    from specpy.cluster.connect import connected
    from specpy.cluster.transport import RayTransport
    from specpy.explicit.search import check as run

    assert options.cluster is not None
    with connected(options.cluster) as nodes:
        return run(model, options, progress, RayTransport(nodes))


__all__ = ["check"]
