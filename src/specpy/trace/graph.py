"""A state graph (built by explicit/graph.py) and its rendering as Graphviz DOT text.

Each node is labelled with its number (breadth-first discovery order, 1 for
the first initial state) and its whole state, one variable a line as the
text trace prints a first state, so no two nodes read the same (a label of
changes from the state it was first found from could: two states reached by
the same change from different parents). An edge carries the action and its
arguments; several steps between the same two states share one edge with one
line per step. Initial states are drawn with a thick blue border, states that
violate an invariant are filled red and name it. Quotes and backslashes in
labels are escaped, so a label cannot end its string early.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specpy.ir.values import Value
from specpy.trace.text import whole_state
from specpy.trace.trace import Step


@dataclass
class StateGraph:
    """States in breadth-first discovery order (decoded), edges between their indices."""

    var_names: tuple[str, ...]
    states: list[dict[str, Value]] = field(default_factory=list)
    initial: list[int] = field(default_factory=list)
    # (from, to, step); self-loops included, in a deterministic order.
    edges: list[tuple[int, int, Step]] = field(default_factory=list)
    # The state each was first reached from (-1 for an initial state).
    parent: list[int] = field(default_factory=list)
    # State index -> name of the first invariant it violates.
    violating: dict[int, str] = field(default_factory=dict)


def render_dot(graph: StateGraph, name: str) -> str:
    """The graph as a DOT digraph named `name`."""
    lines = [
        f"digraph {_quote(name)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="monospace", fontsize=10];',
        '  edge [fontname="sans-serif", fontsize=9, color="#555555"];',
    ]
    initial = set(graph.initial)
    for i, state in enumerate(graph.states):
        body = whole_state(graph.var_names, state)
        head = f"#{i + 1}" + (" (initial)" if i in initial else "")
        attrs = []
        if i in graph.violating:
            head += f" ✗ {graph.violating[i]}"
            attrs.append('fillcolor="#fde2e2", color="#c0392b", penwidth=2')
        if i in initial:
            attrs.append('color="#2b59c3", penwidth=3')
        label = "".join(_escape(line) + "\\l" for line in [head, *body])
        lines.append(f'  s{i} [label="{label}"{"".join(", " + a for a in attrs)}];')
    # One arrow per pair of states, labelled with every step between them.
    labels: dict[tuple[int, int], list[str]] = {}
    for a, b, step in graph.edges:
        labels.setdefault((a, b), []).append(step.label())
    for (a, b), texts in labels.items():
        label = "".join(_escape(t) + "\\l" for t in texts)
        lines.append(f'  s{a} -> s{b} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _quote(text: str) -> str:
    return '"' + _escape(text) + '"'
