"""The search's hot loop alone: CompiledModel.expand (one generated function
per chunk) against the loop calling one action function per (state, action).

    python bench/expand_chunk.py specs/twophase.spec --type RM=r1,r2,r3,r4,r5,r6,r7
    python bench/expand_chunk.py specs/raft.spec

Both expand every reachable state (within the constraints) in chunks of 128,
five times each; the medians of CPU time are printed. Nothing else of the
search (fingerprints, lookups, invariants) is timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from array import array
from collections.abc import Callable
from functools import partial

from specpy.cli.flags import parse_overrides
from specpy.explicit.compile import CompiledModel, expand_each
from specpy.pipeline import load

CHUNK = 128
RUNS = 5


def reachable(cm: CompiledModel) -> list[tuple]:
    """Every reachable state within the constraints, breadth-first."""
    states: list[tuple] = []
    cm.init(states)
    seen = set(states)
    frontier = list(states)
    while frontier:
        out: list[tuple] = []
        cm.expand(frontier, out, array("q"))
        frontier = []
        for t in out:
            if t not in seen and (cm.constraint is None or cm.constraint(t)):
                seen.add(t)
                frontier.append(t)
        states += frontier
    return states


def median_cpu(expand: Callable[[list[tuple], list, array], None], states: list[tuple]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        for i in range(0, len(states), CHUNK):
            expand(states[i : i + CHUNK], [], array("q"))
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec")
    ap.add_argument("--type", action="append", default=[], dest="types", help="as for specpy check")
    ap.add_argument("--const", action="append", default=[], dest="consts", help="as for specpy check")
    args = ap.parse_args()
    cm = CompiledModel(load(args.spec, parse_overrides(tuple(args.consts), tuple(args.types))))
    states = reachable(cm)
    each = median_cpu(partial(expand_each, [a.run for a in cm.actions]), states)
    chunk = median_cpu(cm.expand, states)
    print(f"{args.spec} {' '.join(args.types + args.consts)}: {len(states):,} states, {len(cm.actions)} actions")
    print(f"per-action functions {each:.3f} s, chunk function {chunk:.3f} s CPU (median of {RUNS}): {chunk / each:.2f}x")


if __name__ == "__main__":
    main()
