"""What a trace validation returns, whatever the backend, and how it reads.

`specpy validate SPEC LOG` asks whether some behaviour of the spec matches
an implementation's log (see docs/validation.md). The answer is valid
(exit 0), not a behaviour (exit 12, with the first line no candidate state
explains), a failure of the spec itself met on the way (an evaluation
error, 75, or a false assert, 14), or stopped by a limit (--max-states,
--timeout, Ctrl-C: 152) with the lines explained so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from specpy.ir.types import Type
from specpy.ir.values import Value, format_value
from specpy.result import EXIT_ASSERT, EXIT_EVAL_ERROR, EXIT_INVARIANT, EXIT_LIMIT, EXIT_OK
from specpy.trace.trace import Trace

#: Candidate (and successor) valuations listed in a report; the rest are counted.
SHOWN = 10


class ValidationKind(str, Enum):
    VALID = "valid"
    NOT_A_BEHAVIOUR = "not-a-behaviour"
    EVAL_ERROR = "eval-error"
    ASSERT = "assert"
    LIMIT = "limit"


EXIT_CODES = {
    ValidationKind.VALID: EXIT_OK,
    ValidationKind.NOT_A_BEHAVIOUR: EXIT_INVARIANT,
    ValidationKind.EVAL_ERROR: EXIT_EVAL_ERROR,
    ValidationKind.ASSERT: EXIT_ASSERT,
    ValidationKind.LIMIT: EXIT_LIMIT,
}

#: Values of the variables a log line gives, by variable name.
Valuation = dict[str, Value]


@dataclass
class Unexplained:
    """The first log line that no candidate state explains.

    candidates: distinct valuations, over the line's logged variables, of the
    states consistent with every earlier line (empty before line 1);
    offers: distinct valuations the spec reaches from them within the allowed
    steps (by the named action, if the line names one).
    """

    line: int
    step: str  # what the line claims: "Put(c=c1)", "a step", "the initial state"
    logged: Valuation
    candidates: list[Valuation]
    candidate_count: int
    offers: list[Valuation]
    offer_count: int


@dataclass
class ValidationStats:
    lines: int = 0  # lines in the log
    explained: int = 0  # lines explained before the search stopped
    max_candidates: int = 0  # the largest candidate set after any line
    states_generated: int = 0  # successors computed, duplicates included
    seconds: float = 0.0


@dataclass
class ValidationResult:
    """The verdict; `trace` is one behaviour of the spec matching every explained
    line, and `line_states[i]` the index in it of the state after line i + 1."""

    kind: ValidationKind
    trace: Trace
    line_states: tuple[int, ...]
    stats: ValidationStats
    unexplained: Unexplained | None = None
    detail: str = ""  # for an evaluation error or assert: what failed where
    limit: str | None = None  # for LIMIT: "max-states", "timeout" or "interrupted"

    @property
    def ok(self) -> bool:
        return self.kind is ValidationKind.VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]

    def to_json(self, var_types: Mapping[str, Type]) -> dict[str, Any]:
        from specpy.trace.itf import encode_value

        def encode(vals: Valuation) -> dict[str, Any]:
            return {name: encode_value(var_types[name], v) for name, v in vals.items()}

        s = self.stats
        out: dict[str, Any] = {
            "result": self.kind.value,
            "lines": s.lines,
            "explained": s.explained,
            "max_candidates": s.max_candidates,
            "states_generated": s.states_generated,
            "seconds": round(s.seconds, 3),
            "trace_length": len(self.trace),
            "line_states": [i + 1 for i in self.line_states],
            "detail": self.detail,
            "limit": self.limit,
            "unexplained": None,
        }
        u = self.unexplained
        if u is not None:
            out["unexplained"] = {
                "line": u.line,
                "step": u.step,
                "logged": encode(u.logged),
                "candidates": [encode(c) for c in u.candidates],
                "candidate_count": u.candidate_count,
                "offers": [encode(o) for o in u.offers],
                "offer_count": u.offer_count,
            }
        return out


def render_validation(result: ValidationResult, log_name: str, max_gap: int, quiet: bool = False, full: bool = False) -> str:
    """The human report (ending in a newline); `quiet` keeps the verdict line only."""
    from specpy.trace.text import render_trace

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
