"""The self-contained HTML report of a check or a trace.

One file, no network fetches: the CSS, the script and the SVG chart are
inline, so the report can be attached to a bug or opened offline. It shows
the verdict and statistics, what broke (the invariant and the failing
conjunct), the message sequence chart (msc.py, msc_svg.py), the step list
with the changed variables, and a state panel: clicking a step (in the chart
or the list) shows that whole state, changed variables highlighted. The
trace's data is embedded as JSON in a non-executed <script> element (with
`<` escaped, so no value can close it); the page's script only reads it and
sets textContent, never HTML built from trace text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from specpy.ir.values import format_value
from specpy.trace.msc import Addressing, build_chart
from specpy.trace.msc_svg import render_svg
from specpy.trace.text import diff_value
from specpy.trace.trace import NOT_COMPUTED, Trace

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.result import CheckResult


@dataclass(frozen=True)
class ReportInfo:
    """What the report says around the trace.

    kind: a result kind ("ok", "invariant", ...; "trace" for a bare trace file),
    which colours the verdict. violation: the name of what broke, shown on the
    chart's last row. stats: (label, value) rows; checked: what the run
    checked, (label, text) rows (report/checked.py).
    """

    title: str
    verdict: str
    kind: str
    violation: str | None = None
    detail: str = ""
    location: str | None = None
    stats: tuple[tuple[str, str], ...] = ()
    checked: tuple[tuple[str, str], ...] = ()


def info_from_result(
    result: CheckResult, model: Model, verdict: str, checked: tuple[tuple[str, str], ...] = ()
) -> ReportInfo:
    """ReportInfo of a check run (`verdict` is report.verdict's line, `checked` its head's rows)."""
    s = result.stats
    v = result.violation
    return ReportInfo(
        title=f"{model.name} — {model.source.path}",
        verdict=verdict,
        kind=result.kind.value,
        violation=v.name if v is not None else None,
        detail=v.detail if v is not None else "",
        location=str(v.span) if v is not None and v.span is not None else None,
        stats=(
            ("distinct states", f"{s.distinct_states:,}"),
            ("states generated", f"{s.states_generated:,}"),
            ("depth", f"{s.depth:,}"),
            ("time", f"{s.seconds:.3f} s"),
            *((("trace", f"{len(v.trace)} states"),) if v is not None else ()),
        ),
        checked=checked,
    )


def info_from_itf_meta(meta: dict[str, Any], path: str, states: int) -> ReportInfo:
    """ReportInfo of a trace file, from what its top-level "#meta" says (specpy writes
    source, status and violation; other tools write less)."""
    status = meta.get("status") if isinstance(meta.get("status"), str) else None
    name = meta.get("violation") if isinstance(meta.get("violation"), str) else None
    source = meta.get("source") if isinstance(meta.get("source"), str) else None
    if status and name:
        verdict = f"{status}: {name} (from the trace file)"
    else:
        verdict = f"Trace of {states} state{'s' if states != 1 else ''}"
    return ReportInfo(
        title=path + (f" — {source}" if source else ""),
        verdict=verdict,
        kind=status or "trace",
        violation=name,
        stats=(("trace", f"{states} states"),),
    )


def render_html(info: ReportInfo, trace: Trace | None, addressing: Addressing | None) -> str:
    """The whole report as one HTML document."""
    body = [f"<header><h1>{escape(info.title)}</h1>", _verdict(info), _stats(info), _checked(info), "</header>"]
    if trace is not None:
        body.append(_chart_section(info, trace, addressing))
        body.append(_steps_section(trace))
        body.append(
            '<script type="application/json" id="trace-data">'
            + _script_safe(json.dumps(_trace_data(trace), ensure_ascii=False))
            + "</script>"
        )
        body.append(f"<script>{_SCRIPT}</script>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(info.verdict)} — specpy</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def stylesheet() -> str:
    """The report's CSS, chart included: the explorer (explore/page.py) draws the same chart."""
    return _CSS


def _verdict(info: ReportInfo) -> str:
    out = [f'<p class="verdict {escape(info.kind)}">{escape(info.verdict)}</p>']
    if info.location:
        out.append(f'<p class="where">{escape(info.location)}</p>')
    return "".join(out)


def _checked(info: ReportInfo) -> str:
    if not info.checked:
        return ""
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in info.checked)
    return f'<details class="checked" open><summary>What was checked</summary><table>{cells}</table></details>'


def _stats(info: ReportInfo) -> str:
    if not info.stats:
        return ""
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in info.stats)
    return f'<table class="stats">{cells}</table>'


def _chart_section(info: ReportInfo, trace: Trace, addressing: Addressing | None) -> str:
    panel = (
        '<aside id="state"><h2 id="state-title">State</h2>'
        '<p class="hint">Click a step in the chart or the list (or use ↑ ↓) to see the whole state; '
        "variables the step changed are highlighted.</p>"
        '<dl id="state-vars"></dl></aside>'
    )
    if addressing is None or not addressing.processes:
        why = addressing.source if addressing is not None else "no addressing"
        chart = f'<p class="nochart">No message sequence chart: {escape(why)}.</p>'
    else:
        graph = build_chart(trace, addressing)
        svg = render_svg(graph, info.violation, trace.loop)
        nets = ", ".join(addressing.networks)
        network = f"network{'s' if len(addressing.networks) != 1 else ''}: {nets}" if nets else "no message network"
        legend = (
            f'<p class="legend">Lifelines: {escape(", ".join(graph.processes))} ({escape(addressing.source)}); '
            f"{escape(network)}; "
            f"{len(graph.messages)} message{'s' if len(graph.messages) != 1 else ''}. "
            '<span class="k received">received</span> <span class="k in-flight">in flight at the end</span> '
            '<span class="k lost">lost ✕</span> <span class="k duplicate">duplicate</span> '
            '<span class="k crash">crash</span> <span class="k violating">violating step</span></p>'
        )
        chart = legend + f'<div class="chart">{svg}</div>'
    return f'<section id="trace"><h2>Message sequence chart</h2><div class="split"><div class="left">{chart}</div>{panel}</div></section>'


def _shown(state: dict[str, Any], name: str) -> str:
    return format_value(state[name]) if name in state else NOT_COMPUTED


def _steps_section(trace: Trace) -> str:
    rows = []
    for i, state in enumerate(trace.states):
        if i == 0:
            label = "initial state"
            changes = [f"{n}: {_shown(state, n)}" for n in trace.var_names]
        else:
            label = trace.steps[i - 1].label()
            changes = [
                line for n in trace.var_names for line in diff_value(n, trace.states[i - 1][n], state[n])
            ] or ["(no change)"]
        cls = ' class="fault"' if i > 0 and trace.steps[i - 1].fault else ""
        cells = "".join(f"<div>{escape(c)}</div>" for c in changes)
        rows.append(
            f'<tr data-state="{i}"{cls}><td class="num">{i + 1}</td>'
            f'<td class="act">{escape(label)}</td><td class="chg">{cells}</td></tr>'
        )
    return (
        '<section id="steps"><h2>Steps</h2><table class="steps"><thead><tr><th>#</th><th>step</th>'
        "<th>changed variables</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def _trace_data(trace: Trace) -> dict[str, Any]:
    states = []
    for i, state in enumerate(trace.states):
        prev = trace.states[i - 1] if i > 0 else None
        states.append(
            {
                "label": "initial state" if i == 0 else trace.steps[i - 1].label(),
                "vars": [
                    [n, _shown(state, n), prev is not None and prev[n] != state[n]] for n in trace.var_names
                ],
            }
        )
    return {"states": states}


def _script_safe(text: str) -> str:
    """JSON that cannot end its <script> element early (`</script>`, `<!--`)."""
    return text.replace("<", "\\u003c")


_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 18px 40px;color:#1d2330;background:#fff}
h1{font-size:18px;margin:16px 0 6px}h2{font-size:15px;margin:18px 0 6px}
.verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:6px;background:#fdecec;color:#8b1a1a;margin:6px 0}
.verdict.ok{background:#e8f6ec;color:#1b5e2c}.verdict.limit,.verdict.trace{background:#fff5dc;color:#6b4d00}
.where{font-family:ui-monospace,Menlo,Consolas,monospace;color:#555;margin:2px 0 8px}
table.stats{border-collapse:collapse;margin:4px 0}table.stats th{text-align:left;font-weight:normal;color:#555;padding:1px 14px 1px 0}
table.stats td{font-variant-numeric:tabular-nums;text-align:right}
details.checked{font-size:13px;margin:4px 0 8px}details.checked summary{cursor:pointer;color:#555}
details.checked th{text-align:left;font-weight:normal;color:#555;padding:1px 14px 1px 0;vertical-align:top}
.split{display:flex;gap:16px;align-items:flex-start}.left{flex:1 1 auto;min-width:0}
.chart{overflow:auto;max-height:78vh;border:1px solid #d8dce3;border-radius:6px}
aside#state{flex:0 0 340px;position:sticky;top:8px;max-height:88vh;overflow:auto;border:1px solid #d8dce3;border-radius:6px;padding:0 12px 10px}
aside dl{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;margin:0}
aside dt{font-weight:600;margin-top:6px}aside dd{margin:0 0 0 10px;word-break:break-word}
aside .changed{background:#fff0b3}.hint{color:#666;font-size:12px}
.legend{font-size:12px;color:#444}.k{padding:0 6px;border-radius:3px;margin-right:4px;border:1px solid #ccc}
.k.received{border-color:#2b59c3;color:#2b59c3}.k.in-flight{border-style:dashed;color:#555}.k.lost{border-color:#c0392b;color:#c0392b}
.k.duplicate{border-color:#d97706;color:#d97706}.k.crash{background:#c0392b;color:#fff}.k.violating{background:#fde2e2}
svg.msc{font:12px ui-monospace,Menlo,Consolas,monospace;display:block}
svg.msc .row rect{fill:transparent;cursor:pointer}svg.msc .row:nth-child(odd) rect{fill:#f7f8fa}
svg.msc .row.fault rect{fill:#fff4e0}svg.msc .row.violating rect{fill:#fde2e2}
svg.msc .row.selected rect{fill:#dbe8ff}svg.msc .row:hover rect{fill:#eaf1ff}
svg.msc .row text{fill:#333;cursor:pointer}svg.msc .row .num{fill:#888}
svg.msc .row.violating .step{fill:#a11}svg.msc .row .violation{fill:#a11;font-weight:600}
svg.msc .lifeline line{stroke:#9aa3b2;stroke-width:1.5}svg.msc .lifeline rect.head{fill:#eef2f8;stroke:#7d8aa3}
svg.msc .lifeline text{font-weight:600;fill:#1d2330}
svg.msc circle.act{fill:#1d2330}svg.msc circle.state{fill:#fff;stroke:#1d2330;stroke-width:1.5}
svg.msc .msg path{fill:none;stroke:#2b59c3;stroke-width:1.6}svg.msc .msg text{fill:#1f3f8f;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg.msc .msg.in-flight path{stroke:#667;stroke-dasharray:5 4}svg.msc .msg.in-flight text{fill:#445}
svg.msc .msg.lost path{stroke:#c0392b;stroke-dasharray:3 3}svg.msc .msg.lost text{fill:#a11}
svg.msc .msg .cross{fill:#c0392b;font-size:16px;font-weight:700;stroke:none}
svg.msc .msg.duplicate path{stroke:#d97706}svg.msc .msg.duplicate text{fill:#b45309}
svg.msc .msg:hover path{stroke-width:3}
svg.msc marker .head{fill:#2b59c3}svg.msc marker .open{stroke:#667;stroke-width:1.5}
svg.msc .crash rect{fill:#c0392b}svg.msc .crash text{fill:#fff;font-weight:700;font-size:11px}
svg.msc line.loop{stroke:#7b2cbf;stroke-dasharray:6 3;stroke-width:1.5}svg.msc text.loop{fill:#7b2cbf}
.nochart{color:#555}
table.steps{border-collapse:collapse;width:100%;font-size:13px}
table.steps th{text-align:left;border-bottom:2px solid #d8dce3;padding:4px 8px}
table.steps td{border-bottom:1px solid #eceef2;padding:3px 8px;vertical-align:top;cursor:pointer}
table.steps td.num{color:#888;width:3em}table.steps td.act{white-space:nowrap;font-weight:600}
table.steps td.chg{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
table.steps td.chg div{background:#fff6cc;display:inline-block;margin:1px 4px 1px 0;padding:0 4px;border-radius:3px}
table.steps tr[data-state="0"] td.chg div{background:none}
table.steps tr.fault td.act{color:#b45309}table.steps tr.selected td{background:#dbe8ff}
"""

# Reads the embedded JSON and fills the state panel with textContent only.
_SCRIPT = """
(function(){
const data = JSON.parse(document.getElementById('trace-data').textContent);
const n = data.states.length;
let current = -1;
function select(i){
  if (i < 0 || i >= n) return;
  current = i;
  document.querySelectorAll('.selected').forEach(e => e.classList.remove('selected'));
  document.querySelectorAll('[data-state="' + i + '"]').forEach(e => {
    if (e.matches('g.row, tr')) e.classList.add('selected');
  });
  const s = data.states[i];
  document.getElementById('state-title').textContent = 'State ' + (i + 1) + ': ' + s.label;
  const dl = document.getElementById('state-vars');
  dl.replaceChildren();
  for (const [name, value, changed] of s.vars) {
    const dt = document.createElement('dt'), dd = document.createElement('dd');
    dt.textContent = name; dd.textContent = value;
    if (changed) { dt.className = 'changed'; dd.className = 'changed'; }
    dl.append(dt, dd);
  }
}
document.querySelectorAll('g.row, table.steps tr[data-state], g.crash').forEach(e =>
  e.addEventListener('click', () => select(Number(e.dataset.state))));
document.addEventListener('keydown', ev => {
  if (ev.key === 'ArrowDown') { select(current + 1); ev.preventDefault(); }
  if (ev.key === 'ArrowUp') { select(current - 1); ev.preventDefault(); }
});
select(n - 1);
})();
"""
