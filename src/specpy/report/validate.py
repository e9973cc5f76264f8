"""The human report of a `specpy validate` run (ValidationResult)."""

from __future__ import annotations

from specpy.ir.values import format_value
from specpy.trace.text import render_trace
from specpy.result import Unexplained, Valuation, ValidationKind, ValidationResult


def render_validation(result: ValidationResult, log_name: str, max_gap: int, quiet: bool = False, full: bool = False) -> str:
    """The human report (ending in a newline); `quiet` keeps the verdict line only."""
    s = result.stats
    u = result.unexplained
    if result.kind is ValidationKind.VALID:
        head = f"The log is a behaviour of the spec: all {_plural(s.lines, 'line')} explained."
    elif u is not None:
        head = f"Log line {u.line} is not a behaviour of the spec: no candidate state explains it."
    elif result.kind is ValidationKind.LIMIT:
        head = f"Stopped while validating line {s.explained + 1}: {result.detail}"
    else:
        head = f"The spec failed while validating line {s.explained + 1}: {result.detail}"
    if quiet:
        return head + "\n"
    parts = [head]
    if u is not None:
        parts.append(_render_unexplained(u, log_name, max_gap))
    if len(result.trace):
        n = len(result.trace)
        if result.kind is ValidationKind.VALID:
            title = "A behaviour of the spec that matches the log"
        elif u is not None or result.kind is ValidationKind.LIMIT:
            title = f"The spec's trace up to line {s.explained}" if s.explained else "The spec's trace"
        else:
            title = "The spec's trace up to the failing step"
        mapping = ", ".join(str(i + 1) for i in result.line_states)
        lines = f"; log lines 1-{s.explained} are states {mapping}" if s.explained else ""
        parts.append(f"{title} ({_plural(n, 'state')}{lines}):\n" + render_trace(result.trace, full=full).rstrip("\n"))
    parts.append(
        "Statistics:\n"
        f"  lines explained:   {s.explained:,} of {s.lines:,}\n"
        f"  max candidates:    {s.max_candidates:,}\n"
        f"  states generated:  {s.states_generated:,}\n"
        f"  time:              {s.seconds:.3f} s"
    )
    return "\n\n".join(parts) + "\n"


def _render_unexplained(u: Unexplained, log_name: str, max_gap: int) -> str:
    if u.step == "the initial state":
        out = [f"{log_name}:{u.line}: the initial state, logged as"]
    else:
        out = [f"{log_name}:{u.line}: after {u.step}, logged as"]
    out += _valuations([u.logged], 1) if u.logged else ["  (no variables)"]
    if u.line > 1:
        verb = "holds" if u.candidate_count == 1 else "hold"
        out.append(f"After line {u.line - 1}, {_plural(u.candidate_count, 'candidate state')} of the spec {verb}:")
        out += _valuations(u.candidates, u.candidate_count)
    if u.step == "the initial state":
        reach = "the initial states give"
    elif max_gap == 0:
        reach = "one step reaches" if u.step == "a step" else f"one {u.step} step reaches"
    else:
        ending = "" if u.step == "a step" else f" ending in {u.step}"
        reach = f"up to {max_gap + 1} steps{ending} reach"
    origin = "From there" if u.line > 1 else "From the start"
    if u.offer_count:
        out.append(f"{origin}, {reach} {_plural(u.offer_count, 'valuation')}:")
        out += _valuations(u.offers, u.offer_count)
    else:
        out.append(f"{origin}, {reach} nothing.")
    return "\n".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _valuations(vals: list[Valuation], total: int) -> list[str]:
    lines = ["  " + "; ".join(f"{name}: {format_value(v)}" for name, v in val.items()) for val in vals]
    if total > len(vals):
        lines.append(f"  ... and {total - len(vals):,} more")
    return lines
