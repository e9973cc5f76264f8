"""TwoPhase in minicheck (PyPI `minicheck`), with twophase_model.py's successors.

    python bench/peers/minicheck_twophase.py N      # prints the distinct-state count
"""

from __future__ import annotations

import sys

from minicheck import Protocol, check_safety
from twophase_model import consistent, initial, successors


def main(n: int) -> None:
    model = Protocol(
        name="TwoPhase",
        candidate=False,
        fields=("rmState", "tmState", "tmPrepared", "msgs"),
        initial=initial(n),
        transitions=successors(n),
        invariants={"TCConsistent": lambda d: consistent(d["rmState"])},
    )
    result = check_safety(model, max_states=50_000_000)
    assert result["exhaustive"] and result["properties"]["TCConsistent"]["holds"]
    print(result["reachable_states"])


if __name__ == "__main__":
    main(int(sys.argv[1]))
