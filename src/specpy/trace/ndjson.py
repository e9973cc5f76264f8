"""Implementation logs as NDJSON: one JSON object per line, the state after a step.

Each line gives the values of some or all of a spec's variables after one
step of the implementation, and may name the step:

    {"action": "Deliver", "args": {"r": {"client": "c1", "seq": 1, ...}}, "store": {"k1": "v1", "k2": null}}

Keys other than "action" and "args" are variable names. Values are ITF
values or the plain-JSON forms of `itf.decode_value(..., plain=True)`,
decoded against the variable's (or parameter's) type. "action" is an action
of the spec, or "init" on the first line for the initial state; "args" (only
with "action") gives some or all of the action's parameters.

Nothing is skipped: a line that is empty or not JSON, that is not an object,
repeats a key, names an unknown variable, action or parameter, or holds a
value outside its type is a LogError located at its line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specpy.diagnostics import MAX_DATA_BYTES, Diagnostic, SourceFile, Span, read_input
from specpy.ir.types import Type
from specpy.ir.values import Value
from specpy.trace import strict_json
from specpy.trace.itf import ItfError, ParamTypes, decode_value, encode_value
from specpy.trace.trace import Trace

ACTION_KEY = "action"
ARGS_KEY = "args"
#: The action name of a line that gives the initial state (line 1 only).
INIT_ACTION = "init"


@dataclass(frozen=True)
class LogEntry:
    """One log line: the logged variables (generic values) and the step, if named."""

    line: int
    values: dict[str, Value]
    action: str | None = None
    args: dict[str, Value] = field(default_factory=dict)


class LogError(Exception):
    """A log line that cannot be read as a step of the model (exit 151)."""

    def __init__(self, diagnostic: Diagnostic, source: SourceFile | None):
        super().__init__(f"{diagnostic.span}: {diagnostic.message}")
        self.diagnostic = diagnostic
        self.source = source


class LogReader:
    """Reads log lines against one model's variable and action types."""

    def __init__(self, var_types: Mapping[str, Type], param_types: ParamTypes):
        self.var_types = var_types
        self.param_types = param_types

    def read_file(self, path: str | Path) -> list[LogEntry]:
        """Every line of an NDJSON file; unreadable or non-UTF-8 files raise LogError or OSError."""
        data = read_input(path, MAX_DATA_BYTES)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            span = Span(str(path), line, 1, line, 2)
            raise LogError(Diagnostic("E-log-encoding", "the log is not valid UTF-8", span), None) from None
        return self.read_text(text, str(path))

    def read_text(self, text: str, name: str) -> list[LogEntry]:
        source = SourceFile(name, text)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the last line
        if not lines:
            raise LogError(Diagnostic("E-log-empty", "the log has no lines", Span(name, 1, 1, 1, 1)), source)
        return [self.read_line(n, line.removesuffix("\r"), source) for n, line in enumerate(lines, start=1)]

    def read_line(self, n: int, line: str, source: SourceFile) -> LogEntry:
        def fail(message: str, column: int = 1, width: int = 0) -> LogError:
            width = width or max(len(line) - column + 1, 1)
            span = Span(source.path, n, column, n, column + width)
            return LogError(Diagnostic("E-log-line", message, span), source)

        if not line.strip():
            raise fail("empty line (a log has one JSON object per line)")
        try:
            obj = strict_json.loads(line)
        except strict_json.StrictJsonError as exc:
            raise fail(exc.message, exc.column or 1, 1 if exc.column else 0) from None
        return self.read_object(n, obj, lambda message, key=None: fail(message, *_key_position(line, key)))

    def read_object(self, n: int, obj: Any, fail) -> LogEntry:
        """A parsed line as a LogEntry; `fail(message, key)` makes the LogError."""
        if not isinstance(obj, dict):
            raise fail(f"expected a JSON object, found {type(obj).__name__ if obj is not None else 'null'}")
        action = obj.get(ACTION_KEY)
        if ACTION_KEY in obj and not isinstance(action, str):
            raise fail('"action" must be a string naming an action', ACTION_KEY)
        if action is not None and action != INIT_ACTION and action not in self.param_types:
            known = ", ".join(self.param_types) or "none"
            raise fail(f"unknown action {action!r} (the spec has: {known}; \"init\" on line 1)", ACTION_KEY)
        if action == INIT_ACTION and n != 1:
            raise fail('"action": "init" can only be the first line (the initial state)', ACTION_KEY)
        args: dict[str, Value] = {}
        if ARGS_KEY in obj:
            if action is None or action == INIT_ACTION:
                raise fail('"args" needs an "action" with parameters', ARGS_KEY)
            args = self._args(action, obj[ARGS_KEY], fail)
        values: dict[str, Value] = {}
        for key, raw in obj.items():
            if key in (ACTION_KEY, ARGS_KEY):
                continue
            t = self.var_types.get(key)
            if t is None:
                known = ", ".join(self.var_types) or "none"
                raise fail(f"unknown variable {key!r} (the spec has: {known})", key)
            try:
                values[key] = decode_value(t, raw, key, plain=True)
            except ItfError as exc:
                raise fail(str(exc), key) from None
        return LogEntry(n, values, action, args)

    def _args(self, action: str, raw: Any, fail) -> dict[str, Value]:
        types = self.param_types[action]
        if not isinstance(raw, dict):
            raise fail('"args" must be an object from parameter name to value', ARGS_KEY)
        args: dict[str, Value] = {}
        for name, value in raw.items():
            t = types.get(name)
            if t is None:
                known = ", ".join(types) or "no parameters"
                raise fail(f"action {action} has no parameter {name!r} (it has: {known})", ARGS_KEY)
            try:
                args[name] = decode_value(t, value, f"args.{name}", plain=True)
            except ItfError as exc:
                raise fail(str(exc), ARGS_KEY) from None
        return args

    def read_objects(self, objects: Iterable[Any], name: str = "<log>") -> list[LogEntry]:
        """Entries from already-parsed JSON objects (the Python API); line n is the n-th object."""
        entries = []
        for n, obj in enumerate(objects, start=1):

            def fail(message: str, key: str | None = None, n: int = n) -> LogError:
                return LogError(Diagnostic("E-log-line", message, Span(name, n, 1, n, 1)), None)

            entries.append(self.read_object(n, obj, fail))
        if not entries:
            raise LogError(Diagnostic("E-log-empty", "the log has no lines", Span(name, 1, 1, 1, 1)), None)
        return entries


def _key_position(line: str, key: str | None) -> tuple[int, int]:
    """Column and width of `"key"` in the line (the whole line if not found)."""
    if key is None:
        return 1, 0
    quoted = json.dumps(key, ensure_ascii=False)
    at = line.find(quoted + ":")
    if at < 0:
        at = line.find(quoted)
    return (at + 1, len(quoted)) if at >= 0 else (1, 0)


def trace_to_lines(trace: Trace, var_types: Mapping[str, Type], param_types: ParamTypes) -> list[dict[str, Any]]:
    """A trace as log lines (ITF values): "init" and the whole state, then each
    step's action, arguments and whole state. The inverse of LogReader."""
    lines = []
    for i, state in enumerate(trace.states):
        line: dict[str, Any] = {ACTION_KEY: INIT_ACTION}
        if i > 0:
            step = trace.steps[i - 1]
            line[ACTION_KEY] = step.action
            types = param_types.get(step.action, {})
            if step.args:
                line[ARGS_KEY] = {name: encode_value(types.get(name), v) for name, v in step.args}
        line.update((name, encode_value(var_types[name], state[name])) for name in trace.var_names)
        lines.append(line)
    return lines
