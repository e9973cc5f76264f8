"""DOT rendering of a state graph (trace/graph.py)."""

from __future__ import annotations

from specpy.trace.graph import StateGraph, render_dot
from specpy.trace.trace import Step


def small_graph() -> StateGraph:
    return StateGraph(
        var_names=("x", "y"),
        states=[{"x": 0, "y": "a"}, {"x": 1, "y": "a"}],
        initial=[0],
        edges=[(0, 1, Step("Inc", (("by", 1),))), (0, 1, Step('Odd"name\\')), (1, 1, Step("Stay"))],
        parent=[-1, 0],
        violating={1: "Small"},
    )


def test_dot_rendering(golden):
    golden("graph_small.dot", render_dot(small_graph(), 'G"1'))


def test_labels_cannot_end_their_string_early():
    dot = render_dot(small_graph(), 'G"1')
    assert 'digraph "G\\"1" {' in dot
    assert 'Odd\\"name\\\\' in dot
    # The two steps from state 1 to state 2 share one edge.
    assert dot.count("s0 -> s1") == 1 and dot.count("s1 -> s1") == 1
