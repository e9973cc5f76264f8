"""The reachable state graph (explicit/graph.py) against TLC's counts and hand counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from specpy.explicit.graph import GraphTooLarge, reachable_graph
from specpy.pipeline import load

ROOT = Path(__file__).resolve().parents[2]


def graph_of(path: Path, max_states: int = 1000):
    return reachable_graph(load(path), max_states)


@pytest.mark.parametrize(
    "spec, states, edges",
    [
        # TLC: 288 distinct, 1,146 generated = 1 initial state + 1,145 successors.
        ("specs/twophase.spec", 288, 1145),
        # TLC on NetLose.tla (tests/data/faults/NetLose.out): 9 distinct, 19 generated;
        # the lose steps are edges too.
        ("tests/data/faults/net_lose.spec", 9, 18),
    ],
)
def test_every_state_and_every_successor(spec: str, states: int, edges: int):
    g = graph_of(ROOT / spec)
    assert (len(g.states), len(g.edges), len(g.initial)) == (states, edges, 1)
    assert g.parent[0] == -1 and all(0 <= p < i for i, p in enumerate(g.parent) if i > 0)


def test_fault_steps_are_labelled_edges():
    g = graph_of(ROOT / "tests/data/faults/net_lose.spec")
    faults = sorted({step.label() for _, _, step in g.edges if step.fault})
    assert faults == ["~lose net a", "~lose net b"]


def test_violating_states_are_marked_and_the_graph_goes_on_past_them():
    # Die Hard (big 0..5, small 0..3): reachable states have a jug empty or full:
    # 4 (big 0) + 4 (big 5) + 4 (small 0, big 1..4) + 4 (small 3, big 1..4) = 16;
    # NotSolved (big != 4) fails in (4, 0) and (4, 3).
    g = graph_of(ROOT / "specs/diehard.spec")
    assert len(g.states) == 16
    assert sorted((g.states[i]["big"], g.states[i]["small"]) for i in g.violating) == [(4, 0), (4, 3)]
    assert set(g.violating.values()) == {"NotSolved"}


def test_the_bound_is_enforced():
    with pytest.raises(GraphTooLarge, match="more than 287 reachable states"):
        graph_of(ROOT / "specs/twophase.spec", max_states=287)
    assert len(graph_of(ROOT / "specs/twophase.spec", max_states=288).states) == 288


def test_no_two_nodes_share_a_label():
    # Labels used to be the changes from the first parent: twophase's 288
    # states had 18 distinct labels (measured before the change). Each node
    # now shows its whole state.
    import re

    from specpy.trace.graph import render_dot

    dot = render_dot(graph_of(ROOT / "specs/twophase.spec"), "TwoPhase")
    bodies = [label.split("\\l", 1)[1] for label in re.findall(r'^  s\d+ \[label="([^"]*)"', dot, re.M)]
    assert len(bodies) == 288 and len(set(bodies)) == 288
