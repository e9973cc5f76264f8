"""Resuming a checkpoint of P partitions with Q (`--workers`, cluster nodes).

A stored state's id is `local * P + p` (store.py, Links), so the ids change
with the partition count. Every stored state is renumbered by the order of
its old id (new id = its position in that order: dense, and a parent keeps a
smaller id than its children only where it had one before, which nothing
relies on), its parent link follows, and new partition q holds the new ids
q, q + Q, q + 2Q, ... The frontier is one run in rank order across the
partitions (partition.py); it is cut again into Q nearly equal runs (`cut`). The
counters a partition reports (states generated, coverage) are totals, so
they all go to partition 0.
"""

from __future__ import annotations

import numpy as np

from specpy.explicit.partition import PartitionSnapshot, cut


def repartition(snaps: list[PartitionSnapshot], q: int) -> list[PartitionSnapshot]:
    """The same boundary held by q partitions."""
    p = len(snaps)
    if p == q:
        return snaps
    old_ids = np.concatenate([np.arange(len(s.fps), dtype=np.int64) * p + i for i, s in enumerate(snaps)])
    order = np.argsort(old_ids, kind="stable")
    by_id = old_ids[order]

    def renumber(ids: np.ndarray) -> np.ndarray:
        return np.where(ids < 0, ids, np.searchsorted(by_id, ids)).astype(np.int64)

    fps = np.concatenate([s.fps for s in snaps])[order]
    parents = renumber(np.concatenate([s.parents for s in snaps])[order])
    via = np.concatenate([s.via for s in snaps])[order]
    frontier = [state for s in snaps for state in s.frontier]
    frontier_ids = renumber(np.concatenate([s.frontier_ids for s in snaps]))
    ranks = np.concatenate([s.ranks for s in snaps])
    runs = cut(len(frontier), q)
    generated = sum(s.generated for s in snaps)
    coverage = sum((s.coverage for s in snaps), np.zeros_like(snaps[0].coverage))
    return [
        PartitionSnapshot(
            snaps[0].boundary, fps[j::q], parents[j::q], via[j::q], frontier[a:b], frontier_ids[a:b], ranks[a:b],
            generated if j == 0 else 0, coverage if j == 0 else np.zeros_like(coverage),
        )
        for j, (a, b) in enumerate(zip(runs, runs[1:]))
    ]
