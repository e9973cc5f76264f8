"""Building histories in tests: events as JSON lines, decided through the public API."""

from __future__ import annotations

import json
from typing import Any

from specpy.linearizability.checker import prepare
from specpy.linearizability.history import parse_history
from specpy.linearizability.models import BUILTIN
from specpy.linearizability.search import Decision, decide


def event(process: Any, kind: str, f: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    return {"process": process, "type": kind, "f": f, "value": value, **extra}


def jsonl(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


def decide_events(model: str, events: list[dict[str, Any]], initial: Any = None) -> Decision:
    m = BUILTIN[model](initial)
    history = parse_history(jsonl(events), "h.jsonl", "jsonl")
    return decide(m, prepare(m, history))
