"""Run the explicit checker and TLC on the same model and compare (`specpy crosscheck`).

The model is exported to a temporary directory with the same options the
explicit run uses, TLC runs on it with one worker, and the two CheckResults
are compared: verdict and violation name always; for a finished run
distinct states and depth (and states generated, except that TLC counts
one stuttering step per terminal state, see docs/tla.md); for a violation
the counterexample length (both searches are breadth-first, so both
counterexamples are shortest ones; the counts at the stop depend on the
order actions are tried and are shown but not compared).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from specpy.ir.model import Model
from specpy.options import CheckOptions, Overrides
from specpy.result import CheckResult, ResultKind


@dataclass
class Comparison:
    spec: Path
    explicit: CheckResult
    tlc: CheckResult
    problems: list[str]

    @property
    def agree(self) -> bool:
        return not self.problems


def compare(explicit: CheckResult, tlc: CheckResult, has_terminal: bool) -> list[str]:
    """What differs between the two results (empty when they agree)."""
    problems = []
    if explicit.kind != tlc.kind:
        return [f"verdict: specpy {explicit.kind.value}, TLC {tlc.kind.value}"]
    a, b = explicit.stats, tlc.stats
    if explicit.kind is ResultKind.OK:
        if a.distinct_states != b.distinct_states:
            problems.append(f"distinct states: specpy {a.distinct_states}, TLC {b.distinct_states}")
        if a.depth != b.depth:
            problems.append(f"depth: specpy {a.depth}, TLC {b.depth}")
        extra = b.states_generated - a.states_generated
        if not has_terminal and extra != 0 or has_terminal and not 0 < extra <= a.distinct_states:
            problems.append(f"states generated: specpy {a.states_generated}, TLC {b.states_generated}")
    elif explicit.violation is not None and tlc.violation is not None:
        named = explicit.kind is not ResultKind.EVAL_ERROR and tlc.violation.name  # TLC may not name a liveness property
        if named and explicit.violation.name != tlc.violation.name:
            problems.append(f"violation: specpy {explicit.violation.name}, TLC {tlc.violation.name}")
        # A liveness counterexample is a lasso that neither checker promises to
        # make shortest: its length is not compared.
        if explicit.kind is not ResultKind.LIVENESS and len(explicit.violation.trace) != len(tlc.violation.trace):
            problems.append(f"trace length: specpy {len(explicit.violation.trace)}, TLC {len(tlc.violation.trace)}")
    return problems


def crosscheck(spec: Path, model: Model, overrides: Overrides, options: CheckOptions, jar: Path) -> Comparison:
    from specpy.explicit import check
    from specpy.tla.export import export
    from specpy.tla.tlc import run_tlc

    explicit = check(model, options)
    exported = export(model, options, overrides, str(spec))
    with tempfile.TemporaryDirectory(prefix="specpy-crosscheck-") as tmp:
        tla, _ = exported.write(Path(tmp))
        tlc = run_tlc(tla, jar, workers=1, timeout=options.timeout, info=exported.info).result
    return Comparison(spec, explicit, tlc, compare(explicit, tlc, bool(model.terminals)))


def _cell(r: CheckResult) -> list[str]:
    v = r.violation
    verdict = r.kind.value if v is None or r.kind is ResultKind.SPEC_ERROR else f"{r.kind.value} {v.name}"
    return [
        verdict,
        f"{r.stats.distinct_states:,}",
        f"{r.stats.depth}",
        "-" if v is None else str(len(v.trace)),
        f"{r.stats.seconds:.2f}s",
    ]


def table(rows: list[Comparison]) -> str:
    """The comparison table: one line per backend per spec, then agree/DISAGREE."""
    head = ["spec", "checker", "verdict", "distinct", "depth", "trace", "time", ""]
    lines = [head]
    for c in rows:
        status = "agree" if c.agree else "DISAGREE: " + "; ".join(c.problems)
        lines.append([str(c.spec), "specpy"] + _cell(c.explicit) + [""])
        lines.append(["", "TLC"] + _cell(c.tlc) + [status])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + ("  " + row[-1] if row[-1] else "") for row in lines) + "\n"
