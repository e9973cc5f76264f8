"""One history against one model: read, prepare the operations, decide, time it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from specpy.diagnostics import Diagnostic, Span
from specpy.linearizability.history import History, HistoryError, read_history
from specpy.linearizability.models import Model, OpError
from specpy.linearizability.search import MAX_CONFIGURATIONS, Decision, Item, SearchLimit, SearchTimeout, decide

LINEARIZABLE = "linearizable"
NOT_LINEARIZABLE = "not-linearizable"
UNKNOWN = "unknown"
MALFORMED = "malformed"


@dataclass
class Verdict:
    """What one history got: a status, and what the report shows about it."""

    path: str
    status: str
    seconds: float = 0.0
    history: History | None = None
    items: list[Item] | None = None
    decision: Decision | None = None
    error: HistoryError | None = None
    reason: str | None = None  # why the status is unknown: "timeout", "interrupted" or "configuration-limit"


def prepare(model: Model, history: History) -> list[Item]:
    """Each operation's payload; an operation the model cannot read is a located HistoryError."""
    items = []
    for op in history.ops:
        try:
            payload = model.prepare(op)
        except OpError as exc:
            line = exc.op.line
            text = history.source.line(line) if history.source else ""
            span = Span(history.path, line, 1, line, max(len(text), 1) + 1)
            raise HistoryError(Diagnostic("E-history-op", exc.message, span), history.source) from None
        if payload is not None:
            items.append(Item(op, payload))
    return items


def check_history(
    model: Model,
    path: str | Path,
    fmt: str = "auto",
    deadline: float | None = None,
    max_configurations: int = MAX_CONFIGURATIONS,
) -> Verdict:
    """Decide one history file; a timeout or an interrupt makes the verdict unknown."""
    start = time.monotonic()
    verdict = Verdict(str(path), UNKNOWN)
    try:
        verdict.history = read_history(path, fmt)
        verdict.items = prepare(model, verdict.history)
        verdict.decision = decide(model, verdict.items, deadline, max_configurations)
    except HistoryError as exc:
        verdict.status, verdict.error = MALFORMED, exc
    except SearchTimeout:
        verdict.status, verdict.reason = UNKNOWN, "timeout"
    except SearchLimit:
        verdict.status, verdict.reason = UNKNOWN, "configuration-limit"
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (cli.output.guarded): the caller stops the run
        verdict.status, verdict.reason = UNKNOWN, "interrupted"
    else:
        verdict.status = LINEARIZABLE if verdict.decision.linearizable else NOT_LINEARIZABLE
    verdict.seconds = time.monotonic() - start
    return verdict
