"""What a trace validation returns, whatever the backend (its text report: report/validate.py).

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
from specpy.ir.values import Value
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
