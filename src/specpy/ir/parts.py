"""The parts of an expression that failure explanations name: the conjuncts
of an `and` chain and the source text they came from (shared by the
explicit and Z3 backends' explanations)."""

from __future__ import annotations

from specpy.diagnostics import SourceFile, Span
from specpy.ir import expr as E


def conjuncts(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.BoolOp) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def span_text(source: SourceFile, span: Span) -> str | None:
    """The source text a span covers (None for nodes built without source)."""
    if span.line <= 0 or span.file != source.path:
        return None
    lines = source.text.splitlines()
    if span.end_line > len(lines):
        return None
    if span.line == span.end_line:
        text = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    else:
        chunk = [lines[span.line - 1][span.column - 1 :]]
        chunk += lines[span.line : span.end_line - 1]
        chunk.append(lines[span.end_line - 1][: span.end_column - 1])
        text = " ".join(part.strip() for part in chunk)
    return " ".join(text.split()) or None
