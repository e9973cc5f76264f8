"""The HTML report in a notebook: what `_repr_html_` of a CheckResult or a Trace returns.

Jupyter puts `_repr_html_` output into the notebook page itself, where the
report's stylesheet and script would restyle the notebook and meet each
other's ids when two reports are shown. So the report (trace/html.py,
message sequence chart included) goes into an <iframe srcdoc>: its own
document, sandboxed to run its script and nothing else (no same-origin
access to the notebook, no forms, no navigation of the notebook).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from specpy.trace.html import ReportInfo, info_from_result, render_html
from specpy.trace.msc import addressing_from_model, addressing_from_values
from specpy.trace.trace import Trace

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.result import CheckResult

#: The frame's height in pixels: the report scrolls inside it.
HEIGHT = 640


def framed(document: str, height: int = HEIGHT) -> str:
    """A whole HTML document as a sandboxed iframe element."""
    return (
        f'<iframe srcdoc="{escape(document, quote=True)}" sandbox="allow-scripts" '
        f'style="width:100%;height:{height}px;border:1px solid #d8dce3;border-radius:6px"></iframe>'
    )


def trace_html(trace: Trace, model: Model | None = None) -> str:
    n = len(trace)
    kind = "lasso of " if trace.loop is not None else ""
    info = ReportInfo(title="Trace", verdict=f"Trace: {kind}{n} state{'s' if n != 1 else ''}", kind="trace",
                      stats=(("trace", f"{n} states"),))
    addressing = addressing_from_model(model) if model is not None else addressing_from_values(trace)
    return framed(render_html(info, trace, addressing))


def result_html(result: CheckResult, model: Model | None) -> str:
    v = result.violation
    if v is not None:
        headline = f"{v.kind.value} violation: {v.name}" + (f" — {v.detail}" if v.detail else "")
    elif result.limit is not None:
        headline = f"stopped by the {result.limit} limit: the search is incomplete"
    else:
        headline = "no violation found" + (" (bounded)" if result.bounded else "")
    if model is not None:
        info = info_from_result(result, model, headline)
        addressing = addressing_from_model(model)
    else:
        s = result.stats
        info = ReportInfo(title="Check result", verdict=headline, kind=result.kind.value,
                          violation=v.name if v else None, detail=v.detail if v else "",
                          stats=(("distinct states", f"{s.distinct_states:,}"), ("depth", f"{s.depth:,}")))
        addressing = addressing_from_values(result.trace) if result.trace is not None else None
    return framed(render_html(info, result.trace, addressing))
