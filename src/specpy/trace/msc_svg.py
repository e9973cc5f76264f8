"""Draw a Chart (msc.py) as an inline SVG message sequence chart.

Time runs down: row 0 is the initial state, row i the step into state i.
The step number and action label sit in a gutter on the left, one column per
process to the right. An arrow starts on its sender's lifeline in the row
that sent it and ends on its receiver's lifeline in the row that received
it; a lost message ends in a cross, in the row that lost it; a message still
in flight at the end is dashed and ends on its receiver's lifeline below the
last row, or, when the message names no receiver, is a short dashed stub.

**No text overlaps another, and none leaves the chart.** The layout is a
grid of text lines rather than free placement: a row is as many LINE-high
lines as it has texts to show — the wrapped action label (and the violated
property) in the gutter; in the body the loop marker, each crash box, each
message label sent in that step and each lost message's cross, each on its
own line — so two texts never share a line of a row, and rows never share
lines. Across a line a label runs from its sender's lifeline in the
arrow's direction when it fits in the chart, else the other way, else to
the right, the chart widened to hold it. Widths are estimated for the
monospaced font the report sets (CHAR per character, a little more than
the usual 0.6 em); tests/trace/test_chart_layout.py checks every box
against every other, from this estimate and, in headless Chromium, from the
browser's own text measurements. Long texts are shortened, with the whole
text in a <title> (the browser's tooltip).

Elements carry classes and data attributes (`lifeline` + data-process,
`msg` + data-msg/data-src/data-dst/data-kind, `row` + data-state) that the
report's script, the explorer (explore/) and the browser tests use. Every
text from the trace is escaped; the SVG references nothing outside itself.
`render_svg(chart, violation, loop)` is the entry point.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html import escape

from specpy.ir.values import RecordValue, VariantValue, format_value
from specpy.trace.msc import OTHER, Chart, Message

FONT = 12  # px, monospaced (the report's CSS: svg.msc)
CHAR = 7.4  # px per character at FONT, with a margin over the 0.6 em of common monospaced fonts
LINE = 20  # one text line of a row
PAD = 4  # above and below the lines of a row
HEADER = 44  # lifeline heads
FOOTER = 16  # below the last row, before in-flight arrows end
NUM_X = 6  # the step number
STEP_X = 34  # the action label
COLUMN = 150  # one lifeline
LABEL_CHARS = 48  # message labels are shortened past this
STEP_CHARS = 34  # an action label wraps at this width...
STEP_LINES = 3  # ...onto at most this many lines, the last shortened
STUB = 46  # length of the stub of an in-flight message that names no receiver
MARGIN = 8  # between a text and the chart's edge, or a lifeline it starts from

ROW = LINE + 2 * PAD  # a row of one line


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_width(text: str, size: int = FONT) -> float:
    """The estimated width of `text` in the chart's monospaced font at `size` px."""
    return len(text) * CHAR * size / FONT


def message_label(m: Message) -> str:
    """The message without the fields its arrow already shows (sender and receiver)."""
    v = m.value
    if isinstance(v, (VariantValue, RecordValue)):
        rest = [(n, x) for n, x in v.fields if not (isinstance(x, str) and x in (m.src, m.dst))]
        head = v.tag if isinstance(v, VariantValue) else v.name
        if not rest:
            return head or "{}"
        return head + "{" + ", ".join(f"{n}: {format_value(x)}" for n, x in rest) + "}"
    return format_value(v)


@dataclass
class _Row:
    """The text lines of one row: the gutter's and the body's, each on its own line."""

    gutter: list[str] = field(default_factory=list)
    body: list[tuple[str, object]] = field(default_factory=list)  # ("loop"|"crash"|"label"|"cross", what)
    top: int = 0

    @property
    def lines(self) -> int:
        return max(len(self.gutter), len(self.body), 1)

    @property
    def height(self) -> int:
        return self.lines * LINE + 2 * PAD

    def line_y(self, k: int) -> int:
        """The middle of line k (where arrows start and dots sit)."""
        return self.top + PAD + LINE * k + LINE // 2

    def baseline(self, k: int, size: int = FONT) -> int:
        return self.line_y(k) + round(size * 0.35)

    def body_line(self, kind: str, what: object) -> int:
        return next(k for k, (kd, w) in enumerate(self.body) if kd == kind and w is what)


def _step_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, STEP_CHARS, break_on_hyphens=False) or [""]
    if len(lines) > STEP_LINES:
        lines = lines[: STEP_LINES - 1] + [shorten(" ".join(lines[STEP_LINES - 1 :]), STEP_CHARS)]
    return [shorten(line, STEP_CHARS) for line in lines]


def render_svg(chart: Chart, violation: str | None = None, loop: int | None = None) -> str:
    """The chart as one <svg> element; `violation` labels the last row as the violating step."""
    nrows = len(chart.labels) + 1
    stubs = {m.id for m in chart.messages if m.dst == OTHER and m.received is None and m.lost is None}
    # (other) is drawn only when a message really comes from it or reaches it.
    used_other = any(
        OTHER in (m.src, m.dst) and m.id not in stubs or m.src == OTHER for m in chart.messages
    )
    processes = tuple(p for p in chart.processes if p != OTHER or used_other)
    if not processes and chart.processes:
        processes = chart.processes

    rows = [_Row() for _ in range(nrows)]
    for r, row in enumerate(rows):
        row.gutter = _step_lines("initial state" if r == 0 else chart.labels[r - 1])
        if violation is not None and r == nrows - 1:
            row.gutter.append(shorten(f"✗ {violation}", STEP_CHARS))
        if loop is not None and r == loop:
            row.body.append(("loop", None))
    for mark in chart.marks:
        if mark.kind == "crash":
            rows[mark.step].body.append(("crash", mark))
    for m in chart.messages:
        rows[m.sent].body.append(("label", m))
    for m in chart.messages:  # last in a row: a cross is taller than a label
        if m.lost is not None:
            rows[m.lost].body.append(("cross", m))
    top = HEADER
    for row in rows:
        row.top, top = top, top + row.height
    bottom_rows = top
    in_flight = [m for m in chart.messages if m.received is None and m.lost is None and m.id not in stubs]
    ends = {m.id: bottom_rows + FOOTER + LINE * k for k, m in enumerate(in_flight)}
    height = bottom_rows + FOOTER + LINE * len(in_flight) + (FOOTER if in_flight else 0)

    gutter_chars = max(len(line) for row in rows for line in row.gutter)
    gutter = STEP_X + round(max(gutter_chars, 10) * CHAR) + 14
    labels = {m.id: shorten(message_label(m) + (" (dup)" if m.duplicate else ""), LABEL_CHARS) for m in chart.messages}
    column = COLUMN  # labels may cross other lifelines; the chart widens on the right for them
    x = {p: gutter + column * k + column // 2 for k, p in enumerate(processes)}
    base_width = gutter + column * max(len(processes), 1)

    # Where each message's label goes: from its sender in the arrow's
    # direction when it fits in the chart, else the other way when that fits,
    # else to the right, widening the chart.
    placed: dict[int, tuple[float, str]] = {}
    right_edge = float(base_width)
    for m in chart.messages:
        x1 = x.get(m.src, gutter)
        w = text_width(labels[m.id])
        left_fits = x1 - MARGIN - w >= gutter + MARGIN
        right_fits = x1 + MARGIN + w + MARGIN <= base_width
        leftwards = _end_x(m, x, x1, stubs) < x1
        if left_fits and (leftwards or not right_fits):
            placed[m.id] = (x1 - MARGIN, "end")
        else:
            placed[m.id] = (x1 + MARGIN, "start")
            right_edge = max(right_edge, x1 + MARGIN + w + MARGIN)
    loop_text = f"loop starts here (the last state steps back to state {loop + 1})" if loop is not None else ""
    right_edge = max(right_edge, gutter + MARGIN + text_width(loop_text) + MARGIN)
    width = int(right_edge + 0.999)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="msc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="message sequence chart">',
        _DEFS,
    ]
    # Rows first, so that everything else is drawn over them.
    for r, row in enumerate(rows):
        cls = "row"
        if violation is not None and r == nrows - 1:
            cls += " violating"
        elif r in chart.faults:
            cls += " fault"
        full = "initial state" if r == 0 else chart.labels[r - 1]
        if violation is not None and r == nrows - 1:
            full += f"   ✗ {violation}"
        texts = "".join(
            f'<text class="{"violation" if violation is not None and r == nrows - 1 and k == len(row.gutter) - 1 else "step"}" '
            f'x="{STEP_X}" y="{row.baseline(k)}">{escape(line)}</text>'
            for k, line in enumerate(row.gutter)
        )
        out.append(
            f'<g class="{cls}" data-state="{r}"><title>{escape(full)}</title>'
            f'<rect x="0" y="{row.top}" width="{width}" height="{row.height}"/>'
            f'<text class="num" x="{NUM_X}" y="{row.baseline(0)}">{r + 1}</text>{texts}</g>'
        )
    if loop is not None:
        row = rows[loop]
        out.append(
            f'<line class="loop" x1="0" x2="{width}" y1="{row.top}" y2="{row.top}"/>'
            f'<text class="loop" x="{gutter + MARGIN}" y="{row.baseline(row.body_line("loop", None))}">'
            f"{escape(loop_text)}</text>"
        )
    bottom = height - FOOTER // 2
    head_chars = max(1, int((column - 24) / CHAR))
    for p in processes:
        out.append(
            f'<g class="lifeline" data-process="{escape(p)}"><title>{escape(p)}</title>'
            f'<rect class="head" x="{x[p] - column // 2 + 12}" y="8" width="{column - 24}" height="26" rx="4"/>'
            f'<text class="head" x="{x[p]}" y="26" text-anchor="middle">{escape(shorten(p, head_chars))}</text>'
            f'<line x1="{x[p]}" x2="{x[p]}" y1="34" y2="{bottom}"/></g>'
        )
    for mark in chart.marks:
        if mark.process not in x:
            continue
        row = rows[mark.step]
        if mark.kind == "crash":
            k = row.body_line("crash", mark)
            cx, cy = x[mark.process], row.line_y(k)
            out.append(
                f'<g class="crash" data-state="{mark.step}" data-process="{escape(mark.process)}">'
                f'<rect x="{cx - 26}" y="{cy - 9}" width="52" height="18" rx="3"/>'
                f'<text x="{cx}" y="{row.baseline(k, 11)}" text-anchor="middle">crash</text></g>'
            )
        else:
            out.append(f'<circle class="{mark.kind}" cx="{x[mark.process]}" cy="{row.line_y(0)}" r="4"/>')
    for m in chart.messages:
        out.append(_arrow(m, x, rows, ends, stubs, labels[m.id], placed[m.id], gutter))
    out.append("</svg>")
    return "\n".join(out)


def _end_x(m: Message, x: dict[str, int], x1: float, stubs: set[int]) -> float:
    if m.id in stubs:
        return x1 + STUB
    if m.received is None and m.lost is not None:
        return (x1 + x.get(m.dst, x1 + 2 * STUB)) / 2 if m.dst != m.src else x1 + STUB
    return x.get(m.dst, x1 + STUB)


def _arrow(
    m: Message, x: dict[str, int], rows: list[_Row], ends: dict[int, int], stubs: set[int], label: str,
    place: tuple[float, str], gutter: int,
) -> str:
    """One message: its path, its label on its own line of the sending row, its tooltip."""
    sent = rows[m.sent]
    k = sent.body_line("label", m)
    x1, y1 = x.get(m.src, gutter), sent.line_y(k)
    x2 = _end_x(m, x, x1, stubs)
    if m.received is not None:
        kind, y2, head = "received", rows[m.received].line_y(0), "url(#arrow)"
    elif m.lost is not None:
        lost = rows[m.lost]
        kind, y2, head = "lost", lost.line_y(lost.body_line("cross", m)), ""
    elif m.id in stubs:
        kind, y2, head = "in-flight", y1, "url(#open)"
    else:
        kind, y2, head = "in-flight", ends[m.id], "url(#open)"
    if m.duplicate:
        kind += " duplicate"
    title = f"{m.text} — {m.src} → {m.dst}, sent in step {m.sent + 1}"
    if m.received is not None:
        title += f", received in step {m.received + 1}"
    elif m.lost is not None:
        title += f", lost in step {m.lost + 1}"
    else:
        title += ", still in flight at the end"
    if m.duplicate:
        title += " (a duplicate copy)"
    if x1 == x2 and m.received is not None:
        # A message to itself: a loop to the right of the lifeline.
        path = f"M{x1},{y1} C{x1 + 50},{y1} {x1 + 50},{y2} {x1 + 4},{y2}"
    else:
        path = f"M{x1},{y1} L{round(x2)},{y2}"
    lx, anchor = place
    parts = [
        f'<g class="msg {kind}" data-msg="{m.id}" data-src="{escape(m.src)}" data-dst="{escape(m.dst)}" '
        f'data-kind="{kind.split()[0]}" data-sent="{m.sent}"><title>{escape(title)}</title>',
        f'<path d="{path}" marker-end="{head}"/>' if head else f'<path d="{path}"/>',
        f'<text x="{round(lx, 1)}" y="{sent.baseline(k) - 6}" text-anchor="{anchor}">{escape(label)}</text>',
    ]
    if m.lost is not None:
        parts.append(f'<text class="cross" x="{round(x2)}" y="{y2 + 6}" text-anchor="middle">✕</text>')
    parts.append("</g>")
    return "".join(parts)


_DEFS = (
    "<defs>"
    '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
    '<path d="M0,0 L10,5 L0,10 z" class="head"/></marker>'
    '<marker id="open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
    '<path d="M0,0 L10,5 L0,10" fill="none" class="open"/></marker>'
    "</defs>"
)
