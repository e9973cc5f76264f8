"""What a check and a trace validation return, whatever the backend, and the exit-code table.

Exit codes follow TLC's so that CI scripts written for TLC carry over.
A run cut short by a limit is never "ok"; a bounded run says it is bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from enum import Enum
from typing import TYPE_CHECKING, Any

from specpy.diagnostics import Span
from specpy.ir.values import Value
from specpy.nodeclass import nodeclass
from specpy.trace.trace import Trace

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.ir.types import Type


class ResultKind(str, Enum):
    OK = "ok"
    INVARIANT = "invariant"
    DEADLOCK = "deadlock"
    LIVENESS = "liveness"
    ASSERT = "assert"
    EVAL_ERROR = "eval-error"
    LIMIT = "limit"
    SPEC_ERROR = "spec-error"


EXIT_OK = 0
EXIT_DISAGREE = 1
EXIT_WOULD_REFORMAT = EXIT_DISAGREE  # `fmt --check`: 1, as black's and ruff's
EXIT_USAGE = 2
EXIT_DEADLOCK = 11
EXIT_INVARIANT = 12
EXIT_LIVENESS = 13
EXIT_ASSERT = 14
EXIT_NOT_INDUCTIVE = 20
EXIT_EVAL_ERROR = 75
EXIT_SPEC_ERROR = 150
EXIT_BAD_OPTION = 151
EXIT_LIMIT = 152
EXIT_INTERRUPTED = EXIT_LIMIT  # Ctrl-C and SIGTERM, in every command
EXIT_SYSTEM_ERROR = 153


@nodeclass
class ExitCode:
    """One exit code: what it means, and the commands that use it (none listed: every command)."""

    code: int
    meaning: str
    commands: tuple[str, ...] = ()


#: Every exit code specpy uses, in the order README's table lists them. The
#: README table and `specpy --help` are tested against (or generated from)
#: this list; tests/test_exit_codes.py.
EXITS: tuple[ExitCode, ...] = (
    ExitCode(EXIT_OK, "no violation (for `--depth`: none up to that depth — a bounded check)"),
    ExitCode(EXIT_DEADLOCK, "deadlock"),
    ExitCode(EXIT_INVARIANT, "invariant or transition-invariant violation; for `linearizable`, a history that is not"),
    ExitCode(EXIT_LIVENESS, "liveness violation"),
    ExitCode(EXIT_ASSERT, "assertion failure"),
    ExitCode(EXIT_EVAL_ERROR, "evaluation error (a value left its type, wrong variant field, division by zero, ...)"),
    ExitCode(EXIT_SPEC_ERROR, "the spec does not parse or typecheck (every error is `file:line:col` with a caret)"),
    ExitCode(
        EXIT_BAD_OPTION,
        "a bad `--const`/`--type`/option value; a `--resume` checkpoint of another spec or options, or damaged; "
        "a malformed log (`validate`) or history (`linearizable`), at its file:line",
    ),
    ExitCode(
        EXIT_LIMIT,
        "a limit (`--max-states`, `--timeout`, `--memory-limit` or the memory guard, a full spill disk, a lost "
        "cluster node) or an interruption (Ctrl-C, SIGTERM) stopped the run before it finished; the statistics "
        "so far are printed",
    ),
    ExitCode(EXIT_SYSTEM_ERROR, "internal or system error (a bug in specpy says so, with how to report it)"),
    ExitCode(EXIT_USAGE, "command-line usage error"),
    ExitCode(EXIT_NOT_INDUCTIVE, "not inductive at K: a counterexample to induction is printed", ("prove",)),
    ExitCode(
        EXIT_DISAGREE, "crosscheck: specpy and TLC disagree on some spec; fmt --check: a file would be reformatted",
        ("crosscheck", "fmt"),
    ),
)


def exit_table(markdown: bool = False) -> str:
    """The exit codes every command shares, as README's markdown table or as `--help` text."""
    rows = [e for e in EXITS if not e.commands]
    if markdown:
        return "\n".join(["| code | meaning |", "|---|---|"] + [f"| {e.code} | {e.meaning} |" for e in rows])
    return "\n".join(f"{e.code:>3}  {e.meaning.replace('`', '')}" for e in rows)


EXIT_CODES: dict[ResultKind, int] = {
    ResultKind.OK: EXIT_OK,
    ResultKind.DEADLOCK: EXIT_DEADLOCK,
    ResultKind.INVARIANT: EXIT_INVARIANT,
    ResultKind.LIVENESS: EXIT_LIVENESS,
    ResultKind.ASSERT: EXIT_ASSERT,
    ResultKind.EVAL_ERROR: EXIT_EVAL_ERROR,
    ResultKind.LIMIT: EXIT_LIMIT,
    ResultKind.SPEC_ERROR: EXIT_SPEC_ERROR,
}


@nodeclass(frozen=False)
class ActionStats:
    """Coverage of one action (or fault kind), as TLC reports it per action."""

    name: str
    enabled: int = 0  # states in which it produced at least one successor
    generated: int = 0  # successors it produced, duplicates included
    new: int = 0  # distinct states it found first


@nodeclass(frozen=False)
class MeasureStats:
    """A `measure`: its least and greatest value over the states explored
    (None: no state had a value), and in how many it could not be evaluated."""

    name: str
    min: int | None = None
    max: int | None = None
    undefined: int = 0


@nodeclass(frozen=False)
class Stats:
    distinct_states: int = 0
    # TLC's count: initial states plus every successor produced, duplicates
    # and self-loops included.
    states_generated: int = 0
    # TLC's count: states on the longest shortest path, the initial state being 1.
    depth: int = 0
    seconds: float = 0.0
    queue: int = 0
    coverage: list[ActionStats] = field(default_factory=list)
    measures: list[MeasureStats] = field(default_factory=list)

    @property
    def states_per_second(self) -> float:
        return self.states_generated / self.seconds if self.seconds > 0 else 0.0


@nodeclass(frozen=False)
class Violation:
    """What broke, where, and the shortest trace that reaches it.

    kind: a ResultKind value other than ok/limit/spec-error. name: the
    invariant/transition/property name, "deadlock", or "assert" / the error
    class for evaluation errors. detail: e.g. the failing conjunct and the
    quantified values, or the evaluation error's message.
    """

    kind: ResultKind
    name: str
    trace: Trace
    detail: str = ""
    span: Span | None = None


@nodeclass
class Checked:
    """What a run checks, said before the search and named again by the verdict.

    Built by the front door that knows the model and the options
    (report/checked.py `describe`), so that no backend needs to know about
    it; `None` fields and empty tuples are things the spec does not have.
    """

    spec: str
    constants: tuple[tuple[str, str], ...] = ()  # (name, value as the spec writes values)
    types: tuple[tuple[str, tuple[str, ...]], ...] = ()  # atom types and their members
    overridden: tuple[str, ...] = ()  # constants and types set by --const/--type
    invariants: tuple[str, ...] = ()
    transitions: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    weak_fair: tuple[str, ...] = ()  # actions under weak fairness (`fair action`)
    strong_fair: tuple[str, ...] = ()  # `strong fair action`
    properties_checked: bool = True  # simulation does not check temporal properties
    deadlock: bool = True
    symmetry: tuple[str, ...] = ()  # the symmetric types in force
    faults: tuple[str, ...] = ()  # "lose net", "crash Server", ...
    fault_budget: int | None = None
    constraints: int = 0
    backend: str = "python"  # python, native, auto (native if it can), z3, simulate
    workers: int = 1
    bounds: tuple[str, ...] = ()  # "depth 5", "timeout 60 s", "100 walks of up to 100 states, seed 0"

    def to_json(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "constants": dict(self.constants),
            "types": {name: list(members) for name, members in self.types},
            "overridden": list(self.overridden),
            "invariants": list(self.invariants),
            "transition_invariants": list(self.transitions),
            "properties": list(self.properties) if self.properties_checked else [],
            "fairness": {"weak": list(self.weak_fair), "strong": list(self.strong_fair)},
            "deadlock": self.deadlock,
            "symmetry": list(self.symmetry),
            "faults": list(self.faults),
            "fault_budget": self.fault_budget,
            "constraints": self.constraints,
            "backend": self.backend,
            "workers": self.workers,
            "bounds": list(self.bounds),
        }


@nodeclass(frozen=False)
class CheckResult:
    kind: ResultKind
    stats: Stats
    violation: Violation | None = None
    limit: str | None = None  # which limit stopped the run, for kind == LIMIT
    limit_detail: str | None = None  # how it was exceeded, when that needs saying (memory)
    bounded: bool = False  # a bounded (BMC / --depth) run with no violation
    backend: str = "explicit"
    # Why the explicit search ran on the Python backend when native was the default (one line).
    backend_note: str | None = None
    # What was checked (the CLI sets it; the verdict then names what held).
    checked: Checked | None = None
    # Memory ran short but the checker was not the cause, so it went on (explicit/memory.py).
    memory_note: str | None = None
    # Why `--workers N` did not share the work (explicit/threads.py), if it did not.
    workers_note: str | None = None
    # The checked model, when the Python API ran the check (`Spec.check`): the
    # notebook report (`_repr_html_`) takes its title and lifelines from it.
    model: Model | None = field(default=None, repr=False, compare=False)

    def _repr_html_(self) -> str:
        """The HTML report, message sequence chart included, for Jupyter (trace/notebook.py)."""
        from specpy.trace.notebook import result_html

        return result_html(self, self.model)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]

    @property
    def trace(self) -> Trace | None:
        """The counterexample, if the check found a violation."""
        return self.violation.trace if self.violation is not None else None

    def to_json(self) -> dict[str, Any]:
        s = self.stats
        out: dict[str, Any] = {
            "result": self.kind.value,
            "backend": self.backend,
            "backend_note": self.backend_note,
            "distinct_states": s.distinct_states,
            "states_generated": s.states_generated,
            "depth": s.depth,
            "seconds": round(s.seconds, 3),
            "states_per_second": round(s.states_per_second, 1),
            "bounded": self.bounded,
            "limit": self.limit,
            "limit_detail": self.limit_detail,
            "coverage": [
                {"action": a.name, "enabled": a.enabled, "generated": a.generated, "new": a.new}
                for a in s.coverage
            ],
            "violation": None,
        }
        if self.checked is not None:
            out["checked"] = self.checked.to_json()
        if self.memory_note is not None:
            out["memory_note"] = self.memory_note
        if self.workers_note is not None:
            out["workers_note"] = self.workers_note
        if s.measures:
            out["measures"] = {m.name: {"min": m.min, "max": m.max, "undefined": m.undefined} for m in s.measures}
        if self.violation is not None:
            v = self.violation
            out["violation"] = {
                "kind": v.kind.value,
                "name": v.name,
                "detail": v.detail,
                "trace_length": len(v.trace),
                "location": str(v.span) if v.span else None,
            }
        return out


# ---------------------------------------------------------------- trace validation
#
# `specpy validate SPEC LOG` asks whether some behaviour of the spec matches
# an implementation's log (see docs/validation.md). The answer is valid
# (exit 0), not a behaviour (exit 12, with the first line no candidate state
# explains), a failure of the spec itself met on the way (an evaluation
# error, 75, or a false assert, 14), or stopped by a limit (--max-states,
# --timeout, Ctrl-C: 152) with the lines explained so far. The algorithm is
# explicit/validate.py, the log format trace/ndjson.py, the text report
# report/validate.py.

#: Candidate (and successor) valuations listed in a report; the rest are counted.
SHOWN = 10


class ValidationKind(str, Enum):
    VALID = "valid"
    NOT_A_BEHAVIOUR = "not-a-behaviour"
    EVAL_ERROR = "eval-error"
    ASSERT = "assert"
    LIMIT = "limit"


VALIDATION_EXIT_CODES = {
    ValidationKind.VALID: EXIT_OK,
    ValidationKind.NOT_A_BEHAVIOUR: EXIT_INVARIANT,
    ValidationKind.EVAL_ERROR: EXIT_EVAL_ERROR,
    ValidationKind.ASSERT: EXIT_ASSERT,
    ValidationKind.LIMIT: EXIT_LIMIT,
}

#: Values of the variables a log line gives, by variable name.
Valuation = dict[str, Value]


@nodeclass(frozen=False)
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


@nodeclass(frozen=False)
class ValidationStats:
    lines: int = 0  # lines in the log
    explained: int = 0  # lines explained before the search stopped
    max_candidates: int = 0  # the largest candidate set after any line
    states_generated: int = 0  # successors computed, duplicates included
    seconds: float = 0.0


@nodeclass(frozen=False)
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
        return VALIDATION_EXIT_CODES[self.kind]

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
