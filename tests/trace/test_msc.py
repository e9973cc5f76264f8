"""Messages found in traces (trace/msc.py) and their chart (trace/msc_svg.py).

The traces come from the checker on two small buggy specs in data/ (their
shortest counterexamples are printed in the comments below, as `specpy
check` shows them) and from hand-made traces for what the checker cannot
produce in a shortest trace (a loss, a crash, a set network).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from specpy.explicit import check
from specpy.ir.values import BagValue, MapValue, VariantValue
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.trace.itf import itf_to_trace, readable_untyped, trace_to_itf
from specpy.trace.msc import OTHER, Addressing, addressing_from_model, addressing_from_values, build_chart
from specpy.trace.msc_svg import CHAR, COLUMN, FOOTER, HEADER, LABEL_CHARS, LINE, ROW, STEP_CHARS, STEP_X, render_svg
from specpy.trace.trace import Step, Trace

DATA = Path(__file__).resolve().parent / "data"


def violation_trace(name: str):
    model = load(DATA / name)
    result = check(model, CheckOptions(check_deadlock=False))
    assert result.violation is not None
    return model, result.violation.trace


def ends(chart) -> list[tuple[str, str, str, int, int | None]]:
    return [(m.value.tag, m.src, m.dst, m.sent, m.received) for m in chart.messages]


def test_vote_bug_messages():
    # Shortest trace (11 states): Campaign s1, Campaign s2, Ask(s1,s2) [state 4],
    # Ask(s2,s1) [5], Grant s1 [6], Grant s2 [7], Count s1 [8], Count s2 [9],
    # Win s1, Win s2. State k of the text is index k-1 here.
    model, trace = violation_trace("vote_bug.spec")
    addressing = addressing_from_model(model)
    assert addressing == Addressing(("s1", "s2", "s3"), ("net",), "inferred: message fields of type Server")
    chart = build_chart(trace, addressing)
    assert chart.processes == ("s1", "s2", "s3")
    assert ends(chart) == [
        ("RequestVote", "s1", "s2", 3, 6),
        ("RequestVote", "s2", "s1", 4, 5),
        ("Vote", "s1", "s2", 5, 8),
        ("Vote", "s2", "s1", 6, 7),
    ]
    # The acting process of each step: its first Server argument.
    assert [(m.step, m.process) for m in chart.marks] == [
        (1, "s1"), (2, "s2"), (3, "s1"), (4, "s2"), (5, "s1"), (6, "s2"), (7, "s1"), (8, "s2"), (9, "s1"), (10, "s2")
    ]


def test_a_trace_read_without_its_spec_gives_the_same_chart():
    model, trace = violation_trace("vote_bug.spec")
    var_types = {v.name: v.type for v in model.vars}
    untyped = readable_untyped(itf_to_trace(trace_to_itf(trace, var_types), None))
    addressing = addressing_from_values(untyped)
    # s3 never sends or receives; it is a process because votedFor is keyed by it.
    assert addressing.processes == ("s1", "s2", "s3")
    assert addressing.networks == ("net",)
    assert ends(build_chart(untyped, addressing)) == ends(build_chart(trace, addressing_from_model(model)))


def test_duplicate_delivery():
    # Request [1], ~duplicate net Add [2], Apply [3], Apply [4]: two copies of one
    # Add, received first in, first out; each Apply sends an Ack still in flight.
    model, trace = violation_trace("dup_bug.spec")
    chart = build_chart(trace, addressing_from_model(model))
    assert chart.processes == ("client", "server")
    assert ends(chart) == [
        ("Add", "client", "server", 1, 3),
        ("Add", "client", "server", 2, 4),
        ("Ack", "server", "client", 3, None),
        ("Ack", "server", "client", 4, None),
    ]
    assert [m.duplicate for m in chart.messages] == [False, True, False, False]
    assert chart.faults == {2: "duplicate"}


def msg(tag: str, src: str, dst: str) -> VariantValue:
    return VariantValue(tag, (("src", src), ("dst", dst)))


def bag(*msgs: VariantValue) -> BagValue:
    return BagValue(tuple((m, msgs.count(m)) for m in dict.fromkeys(msgs)))


UP = MapValue((("a", True), ("b", True), ("c", True)))


def hand_trace(nets: list, steps: list[Step], up: list | None = None) -> Trace:
    up = up or [UP] * len(nets)
    return Trace(("net", "up"), tuple({"net": n, "up": u} for n, u in zip(nets, up)), tuple(steps))


def test_lost_message_and_crash():
    ping, pong = msg("Ping", "a", "b"), msg("Pong", "b", "a")
    down = MapValue((("a", True), ("b", False), ("c", True)))
    trace = hand_trace(
        [bag(), bag(ping), bag(), bag(), bag(pong)],
        [
            Step("Send", (("p", "a"),)),
            Step("lose net", (("msg", ping),), fault=True),
            Step("crash", (("who", "b"),), fault=True),
            Step("Reply", (("p", "b"),)),
        ],
        [UP, UP, UP, down, down],
    )
    chart = build_chart(trace, addressing_from_values(trace))
    assert chart.processes == ("a", "b", "c")
    assert [(m.src, m.dst, m.sent, m.received, m.lost) for m in chart.messages] == [
        ("a", "b", 1, None, 2),
        ("b", "a", 4, None, None),
    ]
    assert chart.faults == {2: "lose", 3: "crash"}
    assert [(m.step, m.process, m.kind) for m in chart.marks] == [(1, "a", "act"), (3, "b", "crash"), (4, "b", "act")]
    svg = render_svg(chart)
    assert svg.count('class="msg lost"') == 1 and "✕" in svg
    assert svg.count('class="crash"') == 1


def test_set_networks_keep_messages_until_an_action_takes_one_as_argument():
    # TLA+-style network: nothing is removed; Handle(m=...) receives m,
    # the message nobody names stays in flight.
    m1, m2 = msg("Req", "a", "b"), msg("Req", "a", "c")
    trace = hand_trace(
        [frozenset(), frozenset({m1, m2}), frozenset({m1, m2})],
        [Step("Broadcast", (("p", "a"),)), Step("Handle", (("m", m1),))],
    )
    chart = build_chart(trace, addressing_from_values(trace))
    assert [(m.dst, m.sent, m.received) for m in chart.messages] == [("b", 1, 2), ("c", 1, None)]


def test_unaddressed_sides_go_to_the_other_lifeline():
    # Two-phase commit style: Prepared{rm} names only its sender (the acting RM),
    # Commit names nobody.
    prepared = VariantValue("Prepared", (("rm", "r1"),))
    keyed = MapValue((("r1", 0), ("r2", 0)))
    trace = Trace(
        ("msgs", "rmState"),
        (
            {"msgs": frozenset(), "rmState": keyed},
            {"msgs": frozenset({prepared}), "rmState": keyed},
            {"msgs": frozenset({prepared, VariantValue("Commit")}), "rmState": keyed},
        ),
        (Step("RMPrepare", (("r", "r1"),)), Step("TMCommit")),
    )
    addressing = addressing_from_values(trace)
    assert addressing.processes == ("r1", "r2")
    chart = build_chart(trace, addressing)
    assert chart.processes == ("r1", "r2", OTHER)
    assert [(m.src, m.dst) for m in chart.messages] == [("r1", OTHER), (OTHER, OTHER)]


def test_no_messages_no_processes():
    trace = Trace(("x",), ({"x": 0}, {"x": 1}), (Step("Inc"),))
    addressing = addressing_from_values(trace)
    assert addressing.processes == () and "no message field" in addressing.source


# ---------------------------------------------------------------- drawing


def test_vote_bug_chart_golden(golden):
    model, trace = violation_trace("vote_bug.spec")
    golden("msc_vote_bug.svg", render_svg(build_chart(trace, addressing_from_model(model)), "OneLeader"))


def long_trace(processes: int = 5, steps: int = 60) -> Trace:
    """A ring of `processes` servers passing a token with a long payload, `steps` steps."""
    names = [f"server{k}" for k in range(1, processes + 1)]
    keyed = MapValue(tuple((n, 0) for n in names))
    states = [{"net": bag(), "seen": keyed}]
    trace_steps = []
    for i in range(steps):
        src, dst = names[i % processes], names[(i + 1) % processes]
        token = VariantValue("Token", (("src", src), ("dst", dst), ("payload", "x" * 40)))
        before = states[-1]["net"]
        # Even steps send, odd steps deliver what the previous step sent.
        net = bag(*[m for m, _ in before.items], token) if i % 2 == 0 else bag()
        states.append({"net": net, "seen": keyed})
        trace_steps.append(Step("Pass" if i % 2 == 0 else "Deliver", (("s", src),)))
    return Trace(("net", "seen"), tuple(states), tuple(trace_steps))


def test_a_60_step_trace_with_5_processes_stays_readable():
    trace = long_trace()
    chart = build_chart(trace, addressing_from_values(trace))
    assert len(chart.processes) == 5 and len(chart.messages) == 30
    svg = render_svg(chart, "Safety")
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    # One line per row (the last has the violated property on a second line),
    # nothing in flight at the end, and a width that fits a laptop screen.
    assert height == HEADER + ROW * 61 + LINE + FOOTER
    gutter = STEP_X + round(len("Deliver(s=server1)") * CHAR) + 14
    assert width == gutter + 5 * COLUMN <= 1000
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert max(len(t) for t in texts) <= max(LABEL_CHARS, STEP_CHARS)
    assert "✗ Safety" in svg
    # Every message label is shortened (the payload is long), the full text kept as a tooltip.
    assert svg.count("x" * 40) == 30  # once per message, in its <title> only
    rows = re.findall(r'<g class="row[^"]*" data-state="(\d+)"', svg)
    assert rows == [str(i) for i in range(61)]


def test_untrusted_text_is_escaped():
    evil = '</svg><script>alert("x")</script>'
    m = VariantValue("M", (("src", "a"), ("dst", "b"), ("note", evil)))
    trace = hand_trace([bag(), bag(m)], [Step(evil, (("p", "a"),))])
    svg = render_svg(build_chart(trace, addressing_from_values(trace)), evil)
    assert "<script" not in svg and svg.count("</svg>") == 1


@pytest.mark.parametrize("name", ["vote_bug.spec", "dup_bug.spec"])
def test_one_arrow_per_message_and_one_lifeline_per_process(name: str):
    model, trace = violation_trace(name)
    chart = build_chart(trace, addressing_from_model(model))
    svg = render_svg(chart)
    assert svg.count('<g class="lifeline"') == len(chart.processes)
    assert svg.count('<g class="msg ') == len(chart.messages)


def test_declared_processes_win_and_give_lifelines_without_messages(tmp_path: Path):
    spec = tmp_path / "p.spec"
    # Two process types; messages are addressed by Client, but the spec declares Server.
    spec.write_text(
        "type Server = {a, b}\ntype Client = {c1, c2}\nprocesses Server\n"
        "type Msg = Req{src: Client, dst: Client}\nvar net: set[Msg] = {}\n"
        "var on: [Server -> bool] = {s: false for s in Server}\n"
        "action Start(s: Server) { require not on[s]; on[s] = true }\n"
        "invariant NotBoth: not (on[a] and on[b])\n"
    )
    model = load(spec)
    addressing = addressing_from_model(model)
    assert addressing == Addressing(("a", "b"), (), "declared: processes Server")
    result = check(model, CheckOptions(check_deadlock=False))
    chart = build_chart(result.violation.trace, addressing)
    # Start a, Start b: no messages, one mark per acting server.
    assert chart.messages == [] and [(m.step, m.process) for m in chart.marks] == [(1, "a"), (2, "b")]


def test_processes_whose_state_a_step_changes_are_marked():
    # Elect(s=a) makes a leader with b's vote: a acts, b's entries change too.
    term0 = MapValue((("a", 1), ("b", 1), ("c", 1)))
    term1 = MapValue((("a", 2), ("b", 2), ("c", 1)))
    trace = Trace(("term",), ({"term": term0}, {"term": term1}), (Step("Elect", (("s", "a"), ("q", frozenset({"a", "b"})))),))
    chart = build_chart(trace, Addressing(("a", "b", "c"), ()))
    assert [(m.process, m.kind) for m in chart.marks] == [("a", "act"), ("b", "state")]
    assert render_svg(chart).count('<circle class="state"') == 1


def test_a_duplicate_goes_where_the_original_goes():
    # Req{id} names one process and no sender field: the sender is the acting
    # process; the duplicate step has no actor, so its copy takes the original's ends.
    req = VariantValue("Req", (("id", "a"),))
    trace = hand_trace(
        [bag(), bag(req), bag(req, req)],
        [Step("Send", (("r", "a"),)), Step("duplicate net", (("msg", req),), fault=True)],
    )
    chart = build_chart(trace, Addressing(("a", "b"), ("net",)))
    assert [(m.src, m.dst, m.duplicate) for m in chart.messages] == [("a", OTHER, False), ("a", OTHER, True)]
