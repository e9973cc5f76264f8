"""Collecting diagnostics while analysing a spec.

Analysis goes on after an error where it can (one bad declaration does not
hide the next), so a user sees every independent mistake at once. An error
inside an expression aborts only the enclosing declaration: `fail` records the
diagnostic and raises `Abort`, which the declaration loop catches.
"""

from __future__ import annotations

from typing import NoReturn

from specpy.diagnostics import Diagnostic, Note, SpecError, Span


class Abort(Exception):
    """Unwinds to the enclosing declaration after an error was recorded."""


class ErrorSink:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, span: Span, notes: tuple[Note, ...] = ()) -> None:
        d = Diagnostic(code, message, span, notes)
        # A declaration checked from two places (a type used by two variables,
        # a def called twice) reports its error once.
        if d not in self.diagnostics:
            self.diagnostics.append(d)

    def fail(self, code: str, message: str, span: Span, notes: tuple[Note, ...] = ()) -> NoReturn:
        self.report(code, message, span, notes)
        raise Abort()

    def raise_if_any(self) -> None:
        if self.diagnostics:
            ordered = sorted(self.diagnostics, key=lambda d: (d.span.line, d.span.column))
            raise SpecError(ordered)
