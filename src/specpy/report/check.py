"""The human report of a CheckResult: verdict, location, trace, statistics.

The verdict comes first and is one line, because it is what a user (and
`--quiet`) needs; a run cut short says the search is incomplete, and a
bounded run says it is not a proof, so neither can be mistaken for "ok".
The location of a violation is rendered with the spec line and a caret by
diagnostics.render, the same way spec errors are. Everything but the time
is deterministic, so reports built from fixed results are golden-tested.
"""

from __future__ import annotations

from specpy.diagnostics import Diagnostic, SourceFile, render
from specpy.report.checked import held
from specpy.result import CheckResult, ResultKind, Stats, Violation
from specpy.trace.text import render_trace


def verdict(result: CheckResult, transition_names: frozenset[str] = frozenset()) -> str:
    """The one-line verdict; `transition_names` tells transition invariants apart."""
    v = result.violation
    match result.kind:
        case ResultKind.OK:
            if result.backend == "simulate":
                head = (
                    f"No violation in {result.stats.states_generated:,} states checked by random walks "
                    f"(simulation, not a proof)"
                )
            elif result.bounded:
                head = f"No violation up to depth {result.stats.depth} (bounded check, not a proof)"
            else:
                head = "No violation found"
            return f"{head}: {held(result.checked)}." if result.checked is not None else f"{head}."
        case ResultKind.LIMIT:
            if result.limit == "interrupted":
                return "Stopped: interrupted — the search is incomplete."
            what = f"{result.limit} limit" if result.limit else "a limit"
            why = f" ({result.limit_detail})" if result.limit_detail else ""
            return f"Stopped: {what} reached{why} — the search is incomplete."
        case ResultKind.SPEC_ERROR:
            return "The spec has errors."
    name, detail = (v.name, v.detail) if v is not None else ("", "")
    match result.kind:
        case ResultKind.INVARIANT:
            what = "Transition invariant" if name in transition_names else "Invariant"
            head = f"{what} {name} violated"
        case ResultKind.LIVENESS:
            head = f"Temporal property {name} violated" if name else "Temporal property violated"
        case ResultKind.DEADLOCK:
            head = "Deadlock reached"
        case ResultKind.ASSERT:
            head = "Assertion failed"
        case _:
            head = "Evaluation error"
    return f"{head}: {detail}" if detail else f"{head}."


def render_report(
    result: CheckResult,
    source: SourceFile | None = None,
    transition_names: frozenset[str] = frozenset(),
    full_trace: bool = False,
    quiet: bool = False,
) -> str:
    """The whole report as text (ending in a newline); `quiet` keeps the verdict only."""
    parts = [verdict(result, transition_names)]
    if quiet:
        return parts[0] + "\n"
    v = result.violation
    if v is not None:
        location = _location(v, source)
        if location:
            parts.append(location)
        states = len(v.trace)
        kind = "lasso, " if v.trace.loop is not None else ""
        if states == 0:  # as TLC, which shows no trace for an error in Init either
            parts.append("No trace: the error is in the computation of the initial states.")
        else:
            parts.append(
                f"Trace ({kind}{states} state{'s' if states != 1 else ''}):\n"
                + render_trace(v.trace, full=full_trace).rstrip("\n")
            )
    if result.backend == "z3":
        parts.append(render_bmc_stats(result.stats))
    else:
        parts.append(render_stats(result.stats, simulation=result.backend == "simulate"))
    if result.stats.measures:
        parts.append(render_measures(result.stats))
    if result.stats.coverage:
        parts.append(render_coverage(result.stats))
    return "\n\n".join(parts) + "\n"


_LOCATION_NOTE = {
    ResultKind.INVARIANT: "{name} is defined here",
    ResultKind.LIVENESS: "{name} is defined here",
    ResultKind.ASSERT: "the assertion that failed",
    ResultKind.EVAL_ERROR: "while evaluating this",
    ResultKind.DEADLOCK: "deadlock",
}


def _location(v: Violation, source: SourceFile | None) -> str | None:
    if v.span is None:
        return None
    note = _LOCATION_NOTE.get(v.kind, "here").format(name=v.name)
    sources = {source.path: source} if source is not None else {}
    return render(Diagnostic("violation", note, v.span, severity="note"), sources)


#: The legends under the statistics and the coverage table (README, "Reading a report").
STATS_LEGEND = "  (generated: all successors, duplicates too, as TLC counts; depth: longest shortest path, in states)"
SIMULATION_LEGEND = "  (generated: every state the walks checked; depth: states in the longest walk)"
COVERAGE_LEGEND = "  (enabled in: states it could act in; generated: successors, duplicates too; new states: found first by it)"


def render_stats(stats: Stats, simulation: bool = False) -> str:
    rows = [
        ("distinct states", f"{stats.distinct_states:,}"),
        ("states generated", f"{stats.states_generated:,}"),
        ("depth", f"{stats.depth:,}"),
        ("time", f"{stats.seconds:.3f} s"),
        ("generated per second", f"{stats.states_per_second:,.0f}"),
    ]
    width = max(len(label) for label, _ in rows) + 1
    legend = SIMULATION_LEGEND if simulation else STATS_LEGEND
    return "Statistics:\n" + "\n".join(f"  {label + ':':<{width}}  {value}" for label, value in rows) + "\n" + legend


def render_bmc_stats(stats: Stats) -> str:
    """A Z3 run stores no states: it reports the steps it unrolled and the time."""
    return f"Statistics:\n  steps checked:  {stats.depth:,}\n  time:           {stats.seconds:.3f} s"


def render_measures(stats: Stats) -> str:
    """Each `measure`'s min and max over the states explored (all reachable ones, unless the run stopped early)."""
    undefined = any(m.undefined for m in stats.measures)
    header = ("measure", "min", "max") + (("undefined",) if undefined else ())
    rows = [
        (m.name, "-" if m.min is None else f"{m.min:,}", "-" if m.max is None else f"{m.max:,}")
        + ((f"{m.undefined:,}",) if undefined else ())
        for m in stats.measures
    ]
    return f"Measures (over the {stats.distinct_states:,} distinct states explored):\n" + _table(header, rows)


def render_coverage(stats: Stats) -> str:
    """Per-action coverage, in the backend's (canonical) action order, with its legend."""
    header = ("action", "enabled in", "generated", "new states")
    rows = [(a.name, f"{a.enabled:,}", f"{a.generated:,}", f"{a.new:,}") for a in stats.coverage]
    return "Coverage:\n" + _table(header, rows) + "\n" + COVERAGE_LEGEND


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Rows under a header: the first column left-aligned, the numbers right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "  " + "  ".join(cells).rstrip()

    return "\n".join(line(r) for r in [header, *rows])
