"""The one place the front-end stages are chained: load → parse → analyze.

Every stage raises SpecError (a list of located diagnostics, exit 150), and
override problems raise OptionError (exit 151). Backends take the Model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from specpy.diagnostics import MAX_SPEC_BYTES, Diagnostic, SourceFile, SpecError, Span, read_input
from specpy.ir.model import Model
from specpy.options import OptionError, Overrides


def read_source(path: str | Path) -> SourceFile:
    """Read a spec file: unreadable is an OptionError, non-UTF-8 a located SpecError."""
    try:
        data = read_input(path, MAX_SPEC_BYTES)
    except OSError as exc:
        raise OptionError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        span = Span(str(path), line, col, line, col + 1)
        raise SpecError(
            [Diagnostic("E-encoding", f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})", span)]
        ) from None
    # A byte-order mark (Windows editors write one) is not part of the text, and
    # old Mac line ends (CR alone) end lines as CRLF and LF do.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(str(path), text)


def load_text(source: SourceFile, overrides: Overrides | None = None) -> Model:
    from specpy.semantics.analyze import analyze
    from specpy.syntax.parser import parse

    module = parse(source)
    return analyze(module, source, overrides or Overrides())


def load_with_questions(source: SourceFile, overrides: Overrides | None = None) -> tuple[Model, Callable]:
    """load_text, and a function typechecking a free expression (an ast.Expr) over the
    model's state: the explorer's question box (semantics.analyze.analyze_with_questions)."""
    from specpy.semantics.analyze import analyze_with_questions
    from specpy.syntax.parser import parse

    return analyze_with_questions(parse(source), source, overrides or Overrides())


def load(path: str | Path, overrides: Overrides | None = None) -> Model:
    return load_text(read_source(path), overrides)
