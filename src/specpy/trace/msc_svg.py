"""Draw a Chart (msc.py) as an inline SVG message sequence chart.

Time runs down: row 0 is the initial state, row i the step into state i.
Every row has the same height, so a 60-step trace is 60 rows (about 1,700
pixels) and labels never collide vertically; the step number and action
label sit in a gutter on the left, one column per process to the right.
An arrow starts on its sender's lifeline in the row that sent it and ends on
its receiver's lifeline in the row that received it; a lost message ends in
a cross half-way, in the row that lost it; a message still in flight at the
end is dashed and ends below the last row. Long texts are shortened, with the
whole text in a <title> (the browser's tooltip).

Elements carry classes and data attributes (`lifeline` + data-process,
`msg` + data-msg/data-src/data-dst/data-kind, `row` + data-state) that the
report's script and the browser test use. Every text from the trace is
escaped; the SVG references nothing outside itself.
"""

from __future__ import annotations

from html import escape

from specpy.ir.values import RecordValue, VariantValue, format_value
from specpy.trace.msc import Chart, Message

GUTTER = 240  # step numbers and action labels
COLUMN = 150  # one lifeline
HEADER = 44
ROW = 26
FOOTER = 30
LABEL_CHARS = 22  # message labels
STEP_CHARS = 28  # action labels in the gutter
VIOLATION_CHARS = 14  # the violated property's name, after the last step's label


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_label(m: Message) -> str:
    """The message without the fields its arrow already shows (sender and receiver)."""
    v = m.value
    if isinstance(v, (VariantValue, RecordValue)):
        rest = [(n, x) for n, x in v.fields if not (isinstance(x, str) and x in (m.src, m.dst))]
        head = v.tag if isinstance(v, VariantValue) else ""
        if not rest:
            return head or "{}"
        return head + "{" + ", ".join(f"{n}: {format_value(x)}" for n, x in rest) + "}"
    return format_value(v)


def render_svg(chart: Chart, violation: str | None = None, loop: int | None = None) -> str:
    """The chart as one <svg> element; `violation` labels the last row as the violating step."""
    rows = len(chart.labels) + 1
    width = GUTTER + COLUMN * max(len(chart.processes), 1)
    height = HEADER + ROW * rows + FOOTER
    x = {p: GUTTER + COLUMN * k + COLUMN // 2 for k, p in enumerate(chart.processes)}

    def y(row: int) -> int:
        return HEADER + ROW * row + ROW // 2

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="msc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="message sequence chart">',
        _DEFS,
    ]
    # Rows first, so that everything else is drawn over them.
    for row in range(rows):
        cls = "row"
        if violation is not None and row == rows - 1:
            cls += " violating"
        elif row in chart.faults:
            cls += " fault"
        out.append(
            f'<g class="{cls}" data-state="{row}">'
            f'<rect x="0" y="{HEADER + ROW * row}" width="{width}" height="{ROW}"/>'
            f'<text class="num" x="6" y="{y(row) + 4}">{row + 1}</text>'
            + _step_text(chart, row, violation, rows, y(row) + 4)
            + "</g>"
        )
    if loop is not None:
        out.append(
            f'<line class="loop" x1="0" x2="{width}" y1="{HEADER + ROW * loop}" y2="{HEADER + ROW * loop}"/>'
            f'<text class="loop" x="{width - 6}" y="{HEADER + ROW * loop - 3}" text-anchor="end">'
            f"loop starts here (the last state steps back to state {loop + 1})</text>"
        )
    bottom = HEADER + ROW * rows + FOOTER // 2
    for p in chart.processes:
        out.append(
            f'<g class="lifeline" data-process="{escape(p)}">'
            f'<rect class="head" x="{x[p] - COLUMN // 2 + 12}" y="8" width="{COLUMN - 24}" height="26" rx="4"/>'
            f'<text class="head" x="{x[p]}" y="26" text-anchor="middle">{escape(shorten(p, 18))}</text>'
            f'<line x1="{x[p]}" x2="{x[p]}" y1="34" y2="{bottom}"/></g>'
        )
    for mark in chart.marks:
        if mark.kind == "crash":
            cx, cy = x[mark.process], y(mark.step)
            out.append(
                f'<g class="crash" data-state="{mark.step}" data-process="{escape(mark.process)}">'
                f'<rect x="{cx - 26}" y="{cy - 9}" width="52" height="18" rx="3"/>'
                f'<text x="{cx}" y="{cy + 4}" text-anchor="middle">crash</text></g>'
            )
        else:
            out.append(f'<circle class="{mark.kind}" cx="{x[mark.process]}" cy="{y(mark.step)}" r="4"/>')
    same_start: dict[tuple[int, str], int] = {}
    for m in chart.messages:
        k = same_start.get((m.sent, m.src), 0)
        same_start[(m.sent, m.src)] = k + 1
        out.append(_arrow(m, x, y, bottom, min(0.1 + 0.25 * k, 0.85)))
    out.append("</svg>")
    return "\n".join(out)


def _step_text(chart: Chart, row: int, violation: str | None, rows: int, baseline: int) -> str:
    label = "initial state" if row == 0 else chart.labels[row - 1]
    full, shown = label, shorten(label, STEP_CHARS)
    if violation is not None and row == rows - 1:
        # The violation's name is never cut off by a long action label.
        full += f"   ✗ {violation}"
        shown += f"  ✗ {shorten(violation, VIOLATION_CHARS)}"
    return (
        f'<text class="step" x="34" y="{baseline}"><title>{escape(full)}</title>'
        f"{escape(shown)}</text>"
    )


def _arrow(m: Message, x: dict[str, int], y, bottom: int, at: float) -> str:
    """One message. Its label starts at fraction `at` of the way and runs in the
    arrow's direction, so crossing arrows (sent in different rows) keep their
    labels apart, and several messages sent in one step get different `at`."""
    x1, y1 = x[m.src], y(m.sent)
    if m.received is not None:
        kind, x2, y2, head = "received", x[m.dst], y(m.received), "url(#arrow)"
    elif m.lost is not None:
        kind, x2, y2, head = "lost", (x[m.src] + x[m.dst]) // 2, y(m.lost), ""
    else:
        kind, x2, y2, head = "in-flight", x[m.dst], bottom, "url(#open)"
    if m.duplicate:
        kind += " duplicate"
    label = message_label(m)
    title = f"{m.text} — {m.src} → {m.dst}, sent in step {m.sent + 1}"
    if m.received is not None:
        title += f", received in step {m.received + 1}"
    elif m.lost is not None:
        title += f", lost in step {m.lost + 1}"
    else:
        title += ", still in flight at the end"
    if m.duplicate:
        title += " (a duplicate copy)"
    if x1 == x2 and kind.startswith("received"):
        # A message to itself: a loop to the right of the lifeline.
        path = f"M{x1},{y1} C{x1 + 50},{y1} {x1 + 50},{y2} {x1 + 4},{y2}"
        lx, ly, anchor = x1 + 40, (y1 + y2) // 2, "start"
    else:
        path = f"M{x1},{y1} L{x2},{y2}"
        lx, ly = round(x1 + (x2 - x1) * at), round(y1 + (y2 - y1) * at) - 4
        anchor = "start" if x2 >= x1 else "end"
    parts = [
        f'<g class="msg {kind}" data-msg="{m.id}" data-src="{escape(m.src)}" data-dst="{escape(m.dst)}" '
        f'data-kind="{kind.split()[0]}" data-sent="{m.sent}"><title>{escape(title)}</title>',
        f'<path d="{path}" marker-end="{head}"/>' if head else f'<path d="{path}"/>',
        f'<text x="{lx}" y="{ly}" text-anchor="{anchor}">{escape(shorten(label, LABEL_CHARS))}</text>',
    ]
    if m.lost is not None:
        parts.append(f'<text class="cross" x="{x2}" y="{y2 + 5}" text-anchor="middle">✕</text>')
    if m.duplicate:
        parts.append(f'<text class="badge" x="{x1 + (6 if x2 >= x1 else -6)}" y="{y1 - 5}" '
                     f'text-anchor="{"start" if x2 >= x1 else "end"}">dup</text>')
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
