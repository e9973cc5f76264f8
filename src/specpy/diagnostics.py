"""Source files, spans and diagnostics: the leaf module every stage imports.

Spans use Lark's convention (1-based line and column, end exclusive) and are
never converted. A Diagnostic is data; `render` is the one place that turns it
into the text a user reads (`file:line:col: error[E-code]: message`, the source line and
a caret under the span).
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from specpy.nodeclass import nodeclass

MAX_SPEC_BYTES = 16 << 20
"""The largest spec file specpy reads (16 MiB; specs/raft.spec is 12 KB)."""

MAX_DATA_BYTES = 256 << 20
"""The largest log, trace or history file specpy reads (256 MiB): it is held
in memory as Python values, several times its size."""

_CHUNK = 1 << 20


class InputTooLarge(OSError):
    """An input file past its size limit (an OSError, so every reader reports it as it reports a
    file it cannot read)."""


def read_input(path: str | Path, limit: int) -> bytes:
    """The bytes of an input file, read in chunks so that a huge or endless
    one (`/dev/zero`) is refused at `limit` bytes and Ctrl-C is honoured
    between chunks."""
    chunks: list[bytes] = []
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputTooLarge(f"larger than the {limit >> 20} MiB specpy reads")
            chunks.append(chunk)
    return b"".join(chunks)


@nodeclass
class SourceFile:
    """A spec's text and the name it is reported under."""

    path: str
    text: str

    def line(self, lineno: int) -> str:
        lines = self.text.splitlines()
        if 1 <= lineno <= len(lines):
            return lines[lineno - 1]
        return ""


@nodeclass
class Span:
    """A region of a source file: 1-based, end exclusive (Lark's convention)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


#: A span for nodes made by hand (tests, desugaring) that have no source.
NO_SPAN = Span("<none>", 0, 0, 0, 0)


def span_field() -> Span:
    """A dataclass field for spans that equality and repr ignore.

    Trees built by hand in tests compare equal to trees from the parser.
    """
    return field(default=NO_SPAN, compare=False, repr=False)


@nodeclass
class Note:
    message: str
    span: Span | None = None


@nodeclass
class Diagnostic:
    """One error: a stable code (e.g. "E-unknown-name"), a message and a span."""

    code: str
    message: str
    span: Span
    notes: tuple[Note, ...] = ()
    severity: str = "error"


class SpecError(Exception):
    """Raised once by a stage with every diagnostic it collected."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _caret_line(src_line: str, span: Span) -> str:
    start = max(span.column, 1)
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    else:
        width = max(len(src_line) - start + 1, 1)
    # Keep tabs so the caret lines up under tab-indented source.
    pad = "".join("\t" if ch == "\t" else " " for ch in src_line[: start - 1])
    return pad + "^" + "~" * (width - 1)


def render(diag: Diagnostic, sources: dict[str, SourceFile]) -> str:
    """Render a diagnostic as `file:line:col: error[E-code]: message` + source + caret.

    The code (as rustc and Quint show theirs) is what docs/language.md lists
    under each section's checks, so an error can be looked up.
    """
    label = f"error[{diag.code}]" if diag.severity == "error" and diag.code else diag.severity
    out = [f"{diag.span}: {label}: {diag.message}"]
    src = sources.get(diag.span.file)
    if src is not None and diag.span.line > 0:
        line = src.line(diag.span.line)
        out.append(f"  {line}")
        out.append(f"  {_caret_line(line, diag.span)}")
    for note in diag.notes:
        if note.span is not None and note.span.line > 0:
            out.append(f"{note.span}: note: {note.message}")
        else:
            out.append(f"  note: {note.message}")
    return "\n".join(out)
