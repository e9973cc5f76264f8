"""How many new states of each level more than one worker finds: contiguous runs vs fingerprint owners.

A plain BFS over the compiled twophase model with N RMs; each level's
frontier is split into P parts two ways (P contiguous runs of the level's
order, or by hash(state) mod P as an owner-by-fingerprint search splits it),
and for every new state of the next level we count how many parts reach it.
The sum of (parts reaching it - 1) is the number of duplicates that parts
would have to resolve between processes (docs/architecture.md, Workers).

    python bench/worker_overlap.py 7 2
"""

from __future__ import annotations

import sys

from specpy.explicit.compile import CompiledModel
from specpy.options import Overrides
from specpy.pipeline import load


def overlap(rms: int, parts: int) -> dict[str, int]:
    model = load("specs/twophase.spec", Overrides(types={"RM": tuple(f"r{i}" for i in range(1, rms + 1))}))
    cm = CompiledModel(model)
    frontier: list[tuple] = []
    cm.init(frontier)
    seen = set(frontier)
    totals = {"new": 0, "found twice (runs)": 0, "found twice (owners)": 0}
    while frontier:
        reached: dict[tuple, tuple[set[int], set[int]]] = {}
        for i, s in enumerate(frontier):
            run, owner = i * parts // len(frontier), hash(s) % parts
            out: list[tuple] = []
            for action in cm.actions:
                action.run(s, out)
            for t in out:
                if t not in seen:
                    by = reached.setdefault(t, (set(), set()))
                    by[0].add(run)
                    by[1].add(owner)
        totals["new"] += len(reached)
        totals["found twice (runs)"] += sum(len(r) - 1 for r, _ in reached.values())
        totals["found twice (owners)"] += sum(len(o) - 1 for _, o in reached.values())
        seen.update(reached)
        frontier = list(reached)
    return totals


if __name__ == "__main__":
    print(overlap(int(sys.argv[1]), int(sys.argv[2])))
