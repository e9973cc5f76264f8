"""Verdicts as text and as JSON (docs/linearizability.md shows both)."""

from __future__ import annotations

from typing import Any

from specpy.diagnostics import render
from specpy.linearizability.checker import LINEARIZABLE, MALFORMED, NOT_LINEARIZABLE, UNKNOWN, Verdict
from specpy.linearizability.history import MISSING, Operation
from specpy.linearizability.models import Model, show
from specpy.linearizability.search import Item, Violation

_HEADLINE = {
    LINEARIZABLE: "linearizable",
    NOT_LINEARIZABLE: "NOT linearizable",
    UNKNOWN: "unknown",
    MALFORMED: "malformed history",
}


def replay(model: Model, prefix: list[Item]) -> list[Any]:
    """The state after each operation of a linearization."""
    states, state = [], model.init()
    for item in prefix:
        state = model.step(state, item.payload)
        states.append(state)
    return states


def _where(op: Operation) -> str:
    end = op.ret_line if op.ret is not None else None
    lines = f"lines {op.line}–{end}" if end is not None else f"line {op.line}, {_outcome(op)}"
    return f"process {op.process}, {lines}"


def _outcome(op: Operation) -> str:
    return "info: outcome unknown" if op.status == "info" else "never completed"


#: What stopped an undecided history, as the headline says it.
_STOPPED_BY = {"timeout": "--timeout", "configuration-limit": "--max-configurations"}


def render_verdict(model: Model, verdict: Verdict, quiet: bool = False) -> str:
    """One history's verdict: a headline, and for a violation the prefix and what cannot be placed."""
    if verdict.status == MALFORMED:
        err = verdict.error
        sources = {err.source.path: err.source} if err.source else {}
        return render(err.diagnostic, sources) + "\n"
    head = f"{verdict.path}: {_HEADLINE[verdict.status]} ({model.name}"
    if verdict.items is not None:
        head += f", {len(verdict.items)} operations"
        keys = verdict.decision.keys if verdict.decision else 0
        if model.partitioned and keys:
            head += f", {keys} key{'s' if keys != 1 else ''}"
    head += f", {verdict.seconds:.2f} s)"
    if verdict.status == UNKNOWN:
        head += f": stopped by {_STOPPED_BY.get(verdict.reason or '', 'an interrupt')} before a verdict"
    lines = [head]
    violation = verdict.decision.violation if verdict.decision else None
    if violation is not None and not quiet:
        lines += _violation_lines(model, violation)
    return "\n".join(lines) + "\n"


def _violation_lines(model: Model, v: Violation) -> list[str]:
    blocked = v.blocked.op
    where = f" for key {show(v.key)}" if v.key is not None else ""
    if v.events_before is None:
        reach = "every operation that completed"
    else:
        reach = f"the first {v.events_before} events (everything before line {blocked.ret_line})"
    lines = [f"  Longest linearizable prefix{where}: {reach}; linearized as"]
    descriptions = [model.describe_op(it.payload) for it in v.prefix]
    width = max((len(d) for d in descriptions), default=0)
    for n, (item, text, state) in enumerate(zip(v.prefix, descriptions, replay(model, v.prefix)), start=1):
        lines.append(f"    {n:>3}. {text:<{width}}  {_where(item.op)}  → {model.describe_state(state)}")
    if not v.prefix:
        lines.append("    (nothing: no operation can be placed first)")
    lines.append(f"  Cannot be placed: {model.describe_op(v.blocked.payload)}  {_where(blocked)}")
    if len(v.states) == 1:
        lines.append(f"    when it returned, {model.describe_state(v.states[0])}")
    else:
        lines.append("    when it returned, the state was one of: " + "; ".join(model.describe_state(s) for s in v.states))
    if v.open_items:
        lines.append("  Open then (each may take effect before or after it):")
        for item in v.open_items:
            lines.append(f"    {model.describe_op(item.payload)}  {_where(item.op)}")
    return lines


def render_summary(verdicts: list[Verdict]) -> str:
    counts = {s: sum(v.status == s for v in verdicts) for s in _HEADLINE}
    return (
        f"{len(verdicts)} histories: {counts[LINEARIZABLE]} linearizable, {counts[NOT_LINEARIZABLE]} not linearizable, "
        f"{counts[UNKNOWN]} unknown, {counts[MALFORMED]} malformed\n"
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, frozenset):
        return sorted((jsonable(v) for v in value), key=repr)
    if value is MISSING:
        return None
    return value


def _op_json(model: Model, item: Item) -> dict[str, Any]:
    op = item.op
    return {
        "id": op.id, "process": op.process, "f": op.f, "value": jsonable(op.value), "status": op.status,
        "description": model.describe_op(item.payload), "line": op.line, "return_line": op.ret_line,
    }


def verdict_json(model: Model, verdict: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"history": verdict.path, "result": verdict.status, "seconds": round(verdict.seconds, 4)}
    if verdict.error is not None:
        d = verdict.error.diagnostic
        out["error"] = {"code": d.code, "message": d.message, "file": d.span.file, "line": d.span.line,
                        "column": d.span.column}
    if verdict.reason is not None:
        out["reason"] = verdict.reason
    if verdict.history is not None:
        out["events"] = verdict.history.events
        out["failed"] = verdict.history.failed
        out["processes"] = len(verdict.history.processes)
    if verdict.items is not None:
        out["operations"] = len(verdict.items)
    if verdict.decision is not None:
        out["partitions"] = verdict.decision.keys
        out["configurations"] = sum(p.configurations for p in verdict.decision.partitions)
    violation = verdict.decision.violation if verdict.decision else None
    if violation is not None:
        states = replay(model, violation.prefix)
        out["violation"] = {
            "key": jsonable(violation.key),
            "prefix": [dict(_op_json(model, it), state=jsonable(model.state_json(s)))
                       for it, s in zip(violation.prefix, states)],
            "prefix_events": violation.events_before,
            "blocked": _op_json(model, violation.blocked),
            "states": [jsonable(model.state_json(s)) for s in violation.states],
            "open": [_op_json(model, it) for it in violation.open_items],
        }
    return out
