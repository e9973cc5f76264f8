"""The hand-written Python baseline: a plain BFS over twophase_model.py.

A dict of whole states (the simplest thing a user writes), deque frontier,
invariant TCConsistent on every new state. Prints the distinct-state count.

    python bench/peers/handwritten_bfs.py N
"""

from __future__ import annotations

import sys
from collections import deque

from twophase_model import consistent, initial, successors


def main(n: int) -> None:
    start = initial(n)
    step = successors(n)
    parent = {start: None}
    queue = deque([start])
    while queue:
        s = queue.popleft()
        for _, t in step(s):
            if t not in parent:
                parent[t] = s
                if not consistent(t[0]):
                    raise SystemExit("TCConsistent violated")
                queue.append(t)
    print(len(parent))


if __name__ == "__main__":
    main(int(sys.argv[1]))
