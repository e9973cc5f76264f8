"""JSON from files specpy did not write (ITF traces, NDJSON logs): one strict reader.

Python's `json` accepts more than JSON, and some of what it accepts breaks
later: `NaN` and `Infinity`; a key twice in one object (the last one wins,
silently); an integer of more than 4,300 digits (a ValueError suggesting
`sys.set_int_max_str_digits()`); nesting deep enough to exhaust the
recursion limit (RecursionError, here or in the code that walks the value);
and lone UTF-16 surrogates (`"\\ud800"`), which cannot be printed as UTF-8.
`loads` refuses each with a StrictJsonError that says where (line and
column, when the text tells) — the readers turn it into their own located
error (exit 151).

Integers follow `ir.values.parse_integer` (ASCII digits only, at most 4,000).
"""

from __future__ import annotations

import json
import re
from typing import Any

from specpy.ir.values import parse_integer

MAX_DEPTH = 100
"""Deepest nesting of arrays and objects accepted (specs nest types a few levels)."""

_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class StrictJsonError(ValueError):
    """Not JSON specpy reads; `line`/`column` (1-based) when the text tells where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def loads(text: str) -> Any:
    """The JSON value of `text` under the rules above; StrictJsonError otherwise."""
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise StrictJsonError(f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _too_deep(text) from None
    except _Refused as exc:
        raise StrictJsonError(str(exc)) from None
    _check_tree(value, text)
    return value


class _Refused(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _Refused(f"key {json.dumps(key, ensure_ascii=True)} appears twice in one object")
        obj[key] = value
    return obj


def _constant(name: str) -> Any:
    raise _Refused(f"not JSON: {name} is not a JSON number")


def _int(text: str) -> int:
    try:
        return parse_integer(text)
    except ValueError as exc:
        raise _Refused(str(exc)) from None


def _check_tree(value: Any, text: str) -> None:
    """Depth and lone surrogates, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict):
            if depth > MAX_DEPTH:
                raise _too_deep(text)
            for k, x in v.items():
                _check_string(k, text)
                stack.append((x, depth + 1))
        elif isinstance(v, list):
            if depth > MAX_DEPTH:
                raise _too_deep(text)
            stack.extend((x, depth + 1) for x in v)
        elif isinstance(v, str):
            _check_string(v, text)


def _check_string(s: str, text: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        m = _SURROGATE.search(text)
        line, column = _position(text, m.start()) if m else (None, None)
        raise StrictJsonError("a string holds a lone UTF-16 surrogate (not a character)", line, column) from None


def _too_deep(text: str) -> StrictJsonError:
    depth = 0
    for m in _BRACKET.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return StrictJsonError(f"nested more than {MAX_DEPTH} levels deep", *_position(text, m.start()))
        elif token in "]}":
            depth -= 1
    return StrictJsonError(f"nested more than {MAX_DEPTH} levels deep")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
