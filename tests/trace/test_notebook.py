"""Check results and traces display in Jupyter as the HTML report (`_repr_html_`)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import specpy

ROOT = Path(__file__).resolve().parents[2]


def inner(frame: str) -> str:
    """The document inside the sandboxed iframe."""
    found = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="[^"]*"></iframe>', frame)
    assert found, frame[:200]
    return html.unescape(found.group(1))


def test_a_violation_shows_the_report_with_its_chart():
    result = specpy.load(ROOT / "specs/raft_figure8.spec").check()
    doc = inner(result._repr_html_())
    assert doc.startswith("<!DOCTYPE html>") and "RaftFigure8 — " in doc
    assert "invariant violation: LeaderCompleteness" in doc
    # The chart: one lifeline per server (`processes Server`), one row per state of the 9-state trace.
    assert re.findall(r'<g class="lifeline" data-process="(\w+)"', doc) == ["s1", "s2", "s3"]
    assert len(re.findall(r'<g class="row[^"]*" data-state="\d+"', doc)) == 9
    assert 'id="trace-data"' in doc


def test_a_trace_shows_alone():
    # Without the spec, the chart's lifelines are found in the messages (trace/msc.py):
    # the double-vote bug's 11-state trace (README) sends RequestVotes and Votes.
    trace = specpy.load(ROOT / "specs/raft_bug_double_vote.spec").check().trace
    doc = inner(trace._repr_html_())
    assert "Trace: 11 states" in doc and 'class="msc"' in doc
    assert re.findall(r'<g class="lifeline" data-process="(\w+)"', doc) == ["s1", "s2"]


def test_no_violation_has_no_chart():
    result = specpy.load(ROOT / "specs/tcommit.spec").check()
    doc = inner(result._repr_html_())
    assert "no violation found" in doc and 'class="msc"' not in doc and "34" in doc


def test_the_frame_keeps_the_report_inside():
    # Quotes and markup of the report cannot end the srcdoc attribute.
    frame = specpy.load(ROOT / "specs/diehard.spec").check()._repr_html_()
    assert frame.count('"') == 6 and "<script" not in frame
