"""`specpy fmt`: one canonical layout for .spec files (the rules: layout.py).

`format_text` parses the spec, lays out its tokens and comments
(tokens.py, layout.py), and then checks its own work as black does: the
result must parse to the same syntax tree (spans aside) and hold the same
comments, else it raises FormatterBug and the file is left alone. A spec
that does not parse gets the parser's SpecError; nothing is formatted.
"""

from __future__ import annotations

import re

from specpy.diagnostics import SourceFile
from specpy.fmt.layout import WIDTH, layout
from specpy.fmt.tokens import lines_of
from specpy.syntax.parser import parse_with_tokens

__all__ = ["WIDTH", "FormatterBug", "format_text"]


class FormatterBug(Exception):
    """The formatted text would not mean what the source means (a bug in specpy)."""


def format_text(source: SourceFile) -> str:
    """The canonical layout of a spec's text; raises SpecError if it does not parse."""
    before, found = parse_with_tokens(source)
    lines = lines_of(source, found)
    text = layout(lines)
    after_source = SourceFile(source.path, text)
    try:
        after, after_found = parse_with_tokens(after_source)
    except Exception as exc:  # noqa: BLE001 - any failure here is the formatter's bug
        raise FormatterBug(f"{source.path}: the formatted text does not parse: {exc}") from None
    if after != before:
        raise FormatterBug(f"{source.path}: formatting would change the meaning of the spec")
    if _comments(lines_of(after_source, after_found)) != _comments(lines):
        raise FormatterBug(f"{source.path}: formatting would lose or change a comment")
    return text


def _comments(lines) -> list[str]:
    return [re.sub(r"\s+$", "", line.comment) for line in lines if line.comment is not None]
