"""The HTML report (trace/html.py): self-contained, escaped, complete."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from specpy.explicit import check
from specpy.ir.values import BagValue, MapValue, VariantValue
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.report.check import verdict
from specpy.trace.html import ReportInfo, info_from_itf_meta, info_from_result, render_html
from specpy.trace.msc import addressing_from_model, addressing_from_values
from specpy.trace.trace import Step, Trace

DATA = Path(__file__).resolve().parent / "data"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    return p


def vote_report() -> str:
    model = load(DATA / "vote_bug.spec")
    result = check(model, CheckOptions(check_deadlock=False))
    info = info_from_result(result, model, verdict(result))
    return render_html(info, result.violation.trace, addressing_from_model(model))


def test_the_report_says_what_broke_and_how_big_the_search_was():
    html = vote_report()
    assert "Invariant OneLeader violated: forall a=s1, b=s2" in html
    assert "vote_bug.spec:48:45" in html  # the failing part's location
    # Statistics as the text report gives them (pinned in test_msc's trace: 11 states).
    assert "<th>distinct states</th><td>2,847</td>" in html
    assert "<th>trace</th><td>11 states</td>" in html


def test_the_report_fetches_nothing():
    p = parse(vote_report())
    for tag, attrs in p.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    html = vote_report()
    assert "@import" not in html and "url(http" not in html
    # The only URL is the SVG namespace, which is a name, not a fetch.
    assert set(re.findall(r"https?://[^\"' )]+", html)) == {"http://www.w3.org/2000/svg"}


def test_steps_and_states_are_all_there():
    p = parse(vote_report())
    data = json.loads(next(s for s in p.scripts if s.lstrip().startswith("{")))
    states = data["states"]
    assert len(states) == 11
    assert states[10]["label"] == "Win(c=s2)"
    # In the last step only `leader` changed.
    assert [name for name, _, changed in states[10]["vars"] if changed] == ["leader"]
    rows = [a["data-state"] for t, a in p.tags if t == "tr" and "data-state" in a]
    assert rows == [str(i) for i in range(11)]


def test_values_cannot_break_out_of_the_page():
    evil = "</script><script>alert(1)</script><!--"
    m = VariantValue("M", (("src", "a"), ("dst", "b"), ("note", evil)))
    keyed = MapValue((("a", 0), ("b", 0)))
    trace = Trace(
        ("net", "k"),
        ({"net": BagValue(()), "k": keyed}, {"net": BagValue(((m, 1),)), "k": keyed}),
        (Step(evil, (("p", "a"),)),),
    )
    info = ReportInfo(title=evil, verdict=evil, kind=evil, violation=evil, detail=evil)
    html = render_html(info, trace, addressing_from_values(trace))
    assert "<script>alert" not in html
    p = parse(html)
    assert [t for t, _ in p.tags].count("script") == 2  # the data and the page's own script
    data = json.loads(p.scripts[0])
    assert data["states"][1]["label"].startswith(evil)


def test_a_trace_file_without_a_verdict():
    info = info_from_itf_meta({}, "t.itf.json", 3)
    assert (info.verdict, info.kind, info.violation) == ("Trace of 3 states", "trace", None)
    info = info_from_itf_meta({"status": "invariant", "violation": "Safe", "source": "x.spec"}, "t.itf.json", 3)
    assert (info.verdict, info.violation, info.title) == ("invariant: Safe (from the trace file)", "Safe", "t.itf.json — x.spec")


def test_no_chart_without_messages_says_why():
    trace = Trace(("x",), ({"x": 0}, {"x": 1}), (Step("Inc"),))
    html = render_html(ReportInfo("t", "v", "trace"), trace, addressing_from_values(trace))
    assert "No message sequence chart: no message field holds a process" in html
    assert "<svg" not in html
