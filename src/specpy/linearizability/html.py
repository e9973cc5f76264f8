"""`specpy linearizable --html FILE`: every verdict as a self-contained timeline.

One file, no script and no network fetch: each history gets a section with
its verdict and an SVG timeline, one lane per process and one bar per
operation from its invocation to its completion (to the right edge, dashed,
when its outcome is unknown). For a violation the operations of the longest
linearizable prefix carry their place in the linearization (#1, #2, ...),
the operation that cannot be placed is red, and the operations still open
at that point are outlined; the text report is shown under the chart. For a
linearizable history every bar carries its place in the linearization
found. All text from the history is escaped.
"""

from __future__ import annotations

from html import escape
from specpy.linearizability.checker import LINEARIZABLE, MALFORMED, NOT_LINEARIZABLE, UNKNOWN, Verdict
from specpy.linearizability.models import Model, show
from specpy.linearizability.report import render_verdict
from specpy.linearizability.search import Item

#: Histories with more operations are shown as text only (the SVG would be unwieldy).
MAX_OPS_DRAWN = 5000
LANE = 30
BAR = 20
LEFT = 110
TOP = 30

_CSS = """
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 2em; }
.verdict { font-weight: 600; padding: 2px 8px; border-radius: 4px; }
.verdict.linearizable { background: #dff5e1; } .verdict.not-linearizable { background: #fde2e1; }
.verdict.unknown, .verdict.malformed { background: #fff3cd; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg.timeline text { font: 11px ui-monospace, monospace; }
svg.timeline .lane-label { font-weight: 600; }
svg.timeline line.lane { stroke: #eee; }
svg.timeline rect { fill: #cfe0f5; stroke: #6b8fbf; }
svg.timeline g.prefix rect { fill: #c8ecce; stroke: #4d9a5a; }
svg.timeline g.blocked rect { fill: #f7b9b5; stroke: #c62828; stroke-width: 2; }
svg.timeline g.open rect { fill: #fff; stroke: #c77d00; stroke-width: 2; }
svg.timeline g.unknown rect { fill-opacity: .45; stroke-dasharray: 4 3; }
svg.timeline g.other rect { fill: #f2f2f2; stroke: #bbb; }
svg.timeline line.cut { stroke: #c62828; stroke-width: 2; stroke-dasharray: 6 4; }
svg.timeline text.order { font-weight: 600; fill: #1b5e20; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 8px; border: 1px solid #999; }
pre { background: #f7f7f7; padding: .8em; overflow-x: auto; }
"""


def render_html(model: Model, verdicts: list[Verdict]) -> str:
    sections = "\n".join(_section(model, v) for v in verdicts)
    legend = (
        '<p class="legend"><span style="background:#c8ecce">#n: place in the linearization</span>'
        '<span style="background:#f7b9b5">cannot be placed</span>'
        '<span style="background:#fff;border-color:#c77d00">open then</span>'
        '<span style="background:#cfe0f5;opacity:.6;border-style:dashed">outcome unknown</span>'
        '<span style="border-color:#c62828;border-style:dashed">linearizable up to here</span></p>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>specpy linearizable — {escape(model.name)}</title><style>{_CSS}</style></head>\n<body>\n"
        f"<h1>Linearizability — model {escape(model.name)}</h1>\n{legend}\n{sections}\n</body></html>\n"
    )


def _section(model: Model, verdict: Verdict) -> str:
    status = verdict.status
    words = {LINEARIZABLE: "linearizable", NOT_LINEARIZABLE: "not linearizable", UNKNOWN: "unknown",
             MALFORMED: "malformed history"}[status]
    head = (f'<section class="history" data-result="{status}"><h2>{escape(verdict.path)} '
            f'<span class="verdict {status}">{words}</span></h2>')
    chart = ""
    if verdict.items is not None and 0 < len(verdict.items) <= MAX_OPS_DRAWN and verdict.history is not None:
        chart = f'<div class="scroll">{_timeline(model, verdict)}</div>'
    elif verdict.items is not None and len(verdict.items) > MAX_OPS_DRAWN:
        chart = f"<p>{len(verdict.items)} operations: too many to draw (at most {MAX_OPS_DRAWN}).</p>"
    text = render_verdict(model, verdict)
    return f"{head}\n{chart}\n<pre>{escape(text)}</pre></section>"


def _roles(verdict: Verdict) -> tuple[dict[int, str], dict[int, str], set[int]]:
    """Each operation's role (prefix, blocked, open, other), its place in the linearization
    ("#3", or "x#3" for key x of a partitioned model), and the operations of the partition
    the verdict is about."""
    roles: dict[int, str] = {}
    order: dict[int, str] = {}
    decision = verdict.decision
    if decision is None:
        return roles, order, set()
    violation = decision.violation
    if violation is not None:
        tag = "" if violation.key is None else show(violation.key)
        for n, item in enumerate(violation.prefix, start=1):
            roles[item.op.id], order[item.op.id] = "prefix", f"{tag}#{n}"
        roles[violation.blocked.op.id] = "blocked"
        for item in violation.open_items:
            roles[item.op.id] = "open"
        involved = set(roles)
        return roles, order, involved
    for part in decision.partitions:
        tag = "" if part.key is None else show(part.key)
        for n, item in enumerate(part.linearization or [], start=1):
            order[item.op.id] = f"{tag}#{n}"
    return roles, order, set(order)


def _timeline(model: Model, verdict: Verdict) -> str:
    items: list[Item] = verdict.items or []
    history = verdict.history
    end = history.events
    lanes = {p: n for n, p in enumerate(history.processes)}
    dx = max(6.0, min(70.0, 2400.0 / max(end, 1)))
    width = LEFT + (end + 1) * dx + 20
    height = TOP + len(lanes) * LANE + 10
    roles, order, involved = _roles(verdict)
    violation = verdict.decision.violation if verdict.decision else None
    parts = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
             f'viewBox="0 0 {width:.0f} {height}">']
    for process, n in lanes.items():
        y = TOP + n * LANE + LANE / 2
        parts.append(f'<g class="lane" data-process="{escape(str(process))}">'
                     f'<text class="lane-label" x="8" y="{y + 4:.0f}">process {escape(str(process))}</text>'
                     f'<line class="lane" x1="{LEFT}" x2="{width - 10:.0f}" y1="{y:.0f}" y2="{y:.0f}"/></g>')
    for item in items:
        op = item.op
        role = roles.get(op.id, "other" if violation is not None and op.id not in involved else "")
        classes = " ".join(c for c in ("op", role, "unknown" if op.unknown else "") if c)
        x1 = LEFT + op.call * dx
        x2 = LEFT + (op.ret if op.ret is not None else end) * dx + dx * 0.8
        y = TOP + lanes[op.process] * LANE + (LANE - BAR) / 2
        label = model.describe_op(item.payload)
        tip = f"{label}\nprocess {op.process}, line {op.line}" + (
            f"–{op.ret_line}" if op.ret is not None else f" ({op.status}: outcome unknown)")
        if op.id in order:
            tip += f"\n{order[op.id]} in the linearization"
        parts.append(
            f'<g class="{classes}" data-op="{op.id}" data-process="{escape(str(op.process))}" '
            f'data-order="{escape(order.get(op.id, ""))}"><title>{escape(tip)}</title>'
            f'<rect x="{x1:.1f}" y="{y:.1f}" width="{max(x2 - x1, 3):.1f}" height="{BAR}" rx="3"/>'
            f'<text x="{x1 + 3:.1f}" y="{y + 14:.1f}">{_clip(label, x2 - x1)}</text>'
            + (f'<text class="order" x="{x1:.1f}" y="{y - 1:.1f}">{escape(order[op.id])}</text>' if op.id in order else "")
            + "</g>"
        )
    if violation is not None and violation.events_before is not None:
        x = LEFT + violation.events_before * dx - dx * 0.1
        parts.append(f'<line class="cut" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 14}" y2="{height - 4}">'
                     "<title>the history is linearizable up to here</title></line>")
    parts.append("</svg>")
    return "".join(parts)


def _clip(label: str, width: float) -> str:
    """As much of the label as fits in the bar (7 px a character); the tooltip has all of it."""
    fits = int((width - 6) // 7)
    if fits >= len(label):
        return escape(label)
    return escape(label[: max(fits - 1, 0)] + "…") if fits > 1 else ""

