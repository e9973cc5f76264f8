"""The visited set and the BFS queue in one: states in discovery order.

`states[i]` is the i-th distinct state found; since BFS appends level by
level, the unexpanded suffix of `states` is the queue. `parent[i]` and
`via[i]` (the action index) link every state to the state it was first
reached from, which is enough to rebuild a shortest trace: the action's
arguments are recovered by re-running its parameter tuples (compile.replay),
so nothing per successor but the action index is stored.

The search reads `index`, `states`, `parent` and `via` directly in its inner
loop (a method call per successor would cost a measurable share of the run).
"""

from __future__ import annotations

from array import array


class StateStore:
    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.states: list[tuple] = []
        self.parent = array("q")
        self.via = array("q")

    def __len__(self) -> int:
        return len(self.states)

    def add(self, state: tuple, parent: int, via: int) -> int:
        """Record a state not seen before; returns its index."""
        i = len(self.states)
        self.index[state] = i
        self.states.append(state)
        self.parent.append(parent)
        self.via.append(via)
        return i

    def path(self, i: int) -> list[int]:
        """Indices of the states from an initial state to state i."""
        out = []
        while i >= 0:
            out.append(i)
            i = self.parent[i]
        out.reverse()
        return out
