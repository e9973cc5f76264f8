"""The question box: any spec expression, evaluated in the explorer's current state.

The text goes through specpy's own front end, never through Python's: it is
parsed by the spec parser (as the body of a `def` on the line after a fixed
header, so that its errors keep the user's columns), typechecked against the
spec like an invariant's expression (pipeline.load_with_questions: any type,
no primes), and evaluated by the explicit backend from the typed IR, as an
invariant is. Python code typed into the box is a syntax or name error of
the spec language, reported with file:line:col and a caret in the box's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from specpy.diagnostics import Diagnostic, Note, SourceFile, SpecError, Span, render
from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.state import Unrepresentable, codec
from specpy.ir import expr as E
from specpy.ir.types import type_name
from specpy.ir.values import format_value
from specpy.syntax import ast
from specpy.syntax.parser import parse

#: The file name the box's text is reported under.
QUESTION_FILE = "<expression>"
#: What the text is parsed after: it starts on line 2, column 1 (its own columns).
HEADER = "def question =\n"
#: Longer questions are refused before parsing.
MAX_CHARS = 10_000
#: Compiled questions kept (by text).
CACHE = 256


@dataclass(frozen=True)
class Answer:
    """A value (formatted as traces show values, with its type) or an error.

    error: rendered diagnostics (`<expression>:1:5: error[E-...]: ...`, the
    line, a caret); line/column: where the first one points in the box.
    """

    text: str
    value: str | None = None
    type: str | None = None
    error: str | None = None
    line: int | None = None
    column: int | None = None

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("text", "value", "type", "error", "line", "column")}


class Questions:
    """Asks questions of one compiled model (`typecheck`: pipeline.load_with_questions's)."""

    def __init__(self, cm: CompiledModel, typecheck: Callable[[ast.Expr], E.Expr]) -> None:
        self.cm = cm
        self.typecheck = typecheck
        self._compiled: dict[str, tuple[E.Expr, Callable[[tuple], object]]] = {}

    def ask(self, text: str, state: tuple) -> Answer:
        source = SourceFile(QUESTION_FILE, text)
        if not text.strip():
            return self._error(text, source, [Diagnostic("E-question", "type an expression", Span(QUESTION_FILE, 1, 1, 1, 1))])
        if len(text) > MAX_CHARS:
            span = Span(QUESTION_FILE, 1, 1, 1, 2)
            return self._error(text, source, [Diagnostic("E-question", f"an expression of at most {MAX_CHARS:,} characters", span)])
        try:
            expr, fn = self._compile(text)
        except SpecError as exc:
            return self._error(text, source, [_in_box(d) for d in exc.diagnostics])
        try:
            value = codec(expr.type).decode(fn(state))
        except (EvalFailure, AssertFailure) as exc:
            site = self.cm.sites.items[exc.site]
            detail = getattr(exc, "detail", "") or site.kind
            d = Diagnostic("E-question", f"evaluation error: {detail}", _shift(site.span))
            return self._error(text, source, [d])
        return Answer(text, value=format_value(value), type=type_name(expr.type))

    def _compile(self, text: str) -> tuple[E.Expr, Callable[[tuple], object]]:
        hit = self._compiled.get(text)
        if hit is not None:
            return hit
        module = parse(SourceFile(QUESTION_FILE, HEADER + text))
        if len(module.decls) != 1 or not isinstance(module.decls[0], ast.DefDecl) or module.decls[0].params:
            extra = module.decls[1] if len(module.decls) > 1 else module.decls[0]
            raise SpecError([Diagnostic("E-question", "one expression only, not declarations", extra.span)])
        expr = self.typecheck(module.decls[0].body)
        try:
            fn = self.cm.state_function(expr, {})
        except Unrepresentable as exc:
            raise SpecError([Diagnostic("E-question", str(exc), expr.span)]) from None
        if len(self._compiled) >= CACHE:
            self._compiled.clear()
        self._compiled[text] = (expr, fn)
        return expr, fn

    def _error(self, text: str, source: SourceFile, diagnostics: list[Diagnostic]) -> Answer:
        sources = {QUESTION_FILE: source, self.cm.model.source.path: self.cm.model.source}
        first = diagnostics[0].span
        return Answer(
            text,
            error="\n".join(render(d, sources) for d in diagnostics),
            line=first.line if first.file == QUESTION_FILE else None,
            column=first.column if first.file == QUESTION_FILE else None,
        )


def _shift(span: Span) -> Span:
    """A span in HEADER + text as a span in the text (spans elsewhere unchanged)."""
    if span.file != QUESTION_FILE:
        return span
    line, end = max(span.line - 1, 1), max(span.end_line - 1, 1)
    column = span.column if span.line > 1 else 1
    end_column = span.end_column if span.end_line > 1 else 1
    return Span(span.file, line, column, end, end_column)


def _in_box(d: Diagnostic) -> Diagnostic:
    notes = tuple(Note(n.message, _shift(n.span)) if n.span is not None else n for n in d.notes)
    return replace(d, span=_shift(d.span), notes=notes)
