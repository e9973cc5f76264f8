"""No two texts of a message sequence chart overlap, and none leaves the
chart (issue 23, part 3): every spec's counterexample chart and random walks
through the others, checked box against box (chart_geometry.py). The same
charts are checked in headless Chromium by test_browser.py."""

from __future__ import annotations

import pytest

from specpy.trace.msc import Addressing, Chart, Mark, Message, build_chart
from specpy.trace.msc_svg import render_svg
from specpy.trace.trace import Step, Trace
from chart_geometry import corpus, problems, text_boxes


def test_the_corpus_covers_what_can_collide() -> None:
    charts = corpus()
    # Charts with lost messages, duplicates, crashes, a loop and no messages at all.
    assert any('class="cross"' in svg for svg in charts.values())
    assert any("duplicate" in svg for svg in charts.values())
    assert any('class="crash"' in svg for svg in charts.values())
    assert any('class="loop"' in svg for svg in charts.values())
    assert "peterson_bug" in charts and 'class="msg' not in charts["peterson_bug"]
    assert len(charts) >= 30


@pytest.mark.parametrize("name", sorted(corpus()))
def test_no_text_overlaps_and_all_inside(name: str) -> None:
    view, boxes = text_boxes(corpus()[name])
    assert boxes
    assert problems(view, boxes) == []


def test_the_check_finds_an_overlap() -> None:
    # The check itself can fail: two labels on one line, and one past the edge.
    view = (0.0, 0.0, 100.0, 100.0)
    assert problems(view, [(0, 0, 50, 10, "a"), (40, 5, 90, 15, "b")])
    assert problems(view, [(60, 0, 120, 10, "a")])
    assert not problems(view, [(0, 0, 50, 10, "a"), (50, 0, 90, 10, "b")])


def crowded_chart() -> Chart:
    """One step that sends five long messages and crashes a process, one that
    loses two of them, the rest in flight to a receiver or to nobody."""
    procs = ("alpha-server-with-a-long-name", "b", "c")
    chart = Chart(procs, labels=["Broadcast(p=alpha-server-with-a-long-name, payload={x, y, z}, extra=1)", "~lose net"])
    for i in range(5):
        dst = procs[1 + i % 2] if i < 4 else "(other)"
        value = f"Request{{round: {i}, payload: {'v' * 40}}}"
        chart.messages.append(Message(i, value, "net", procs[0], dst, 1, lost=2 if i < 2 else None))
    chart.marks.append(Mark(1, "c", "crash"))
    chart.faults[2] = "lose"
    chart.processes = (*procs, "(other)")
    return chart


def test_a_crowded_step_keeps_its_texts_apart() -> None:
    svg = render_svg(crowded_chart(), "SomeInvariantWithAVeryLongNameIndeed", loop=1)
    view, boxes = text_boxes(svg)
    assert problems(view, boxes) == []
    assert "…" in svg  # the longest texts are shortened ...
    assert "<title>Broadcast(p=alpha-server-with-a-long-name, payload={x, y, z}, extra=1)</title>" in svg  # ... whole on hover


def test_in_flight_arrows_end_apart() -> None:
    # Three messages in flight to b: each ends on b's lifeline at its own height.
    trace = Trace(
        ("net",),
        ({"net": frozenset()}, {"net": frozenset({("m", i) for i in range(3)})}),
        (Step("Send"),),
    )
    chart = Chart(("a", "b"), labels=["Send"])
    for i in range(3):
        chart.messages.append(Message(i, f"M{i}", "net", "a", "b", 1))
    svg = render_svg(chart)
    ends = [line.split(" L")[1].split('"')[0] for line in svg.splitlines() if 'class="msg' in line]
    assert len(set(ends)) == 3 and len({e.split(",")[0] for e in ends}) == 1  # same x (b), three heights
    assert trace.states  # (the trace only documents the scenario)


def test_a_message_to_nobody_is_a_stub_and_needs_no_other_lifeline() -> None:
    chart = Chart(("a", "b", "(other)"), labels=["Prepare"])
    chart.messages.append(Message(0, "Prepare{bal: 0}", "msgs", "a", "(other)", 1))
    svg = render_svg(chart)
    assert 'data-process="(other)"' not in svg and 'data-kind="in-flight"' in svg
    view, boxes = text_boxes(svg)
    assert problems(view, boxes) == []


def test_lifelines_without_messages() -> None:
    svg = corpus()["peterson_bug"]
    assert svg.count('class="lifeline"') == 2 and svg.count('<circle class="act"') == 4
    addressing = Addressing(("p1", "p2"), ())
    assert build_chart(Trace(("pc",), ({"pc": 0},), ()), addressing).processes == ("p1", "p2")
