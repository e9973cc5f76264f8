"""The long fuzz run: many more mutants of every spec than the CI test.

    .venv/bin/python bench/fuzz/run.py [--per-spec-and-mutator N] [--seed-prefix S]

Prints the number of inputs, the distinct outcomes (result kinds and error
codes) and every crash with the mutator, seed and spec that reproduce it.
Exit 1 if anything crashed. Mutators: tests/robustness/fuzz_mutate.py.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

from fuzz_mutate import MUTATORS  # noqa: E402
from fuzz_outcome import outcome  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-spec-and-mutator", type=int, default=200)
    ap.add_argument("--seed-prefix", default="bench")
    args = ap.parse_args()
    specs = sorted((ROOT / "specs").glob("*.spec"))
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    start = time.monotonic()
    for spec in specs:
        text = spec.read_text()
        for mutator in MUTATORS:
            for seed in range(args.per_spec_and_mutator):
                rng = random.Random(f"{args.seed_prefix}:{spec.name}:{mutator.__name__}:{seed}")
                data = mutator(text, rng)
                try:
                    outcomes[outcome(data)] += 1
                except Exception as exc:  # noqa: BLE001 - a crash is what we look for
                    crashes.append(f"{spec.name} {mutator.__name__} seed={seed}: {exc!r}")
                    outcomes["CRASH"] += 1
    total = sum(outcomes.values())
    print(f"inputs: {total} in {time.monotonic() - start:.0f} s; distinct outcomes: {len(outcomes)}")
    for kind, n in outcomes.most_common():
        print(f"  {n:7d}  {kind}")
    for c in crashes:
        print("CRASH", c)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
