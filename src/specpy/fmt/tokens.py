"""A spec's text as the lines a formatter lays out: tokens, comments, breaks.

The tokens come from the real parser (`syntax.parser.tokens`: the
contextual lexer driven by the LALR parser), so each has the type the grammar gave it:
a block `{` (`_BLOCK_LBRACE`) is told from a set or record `{` (`_LBRACE`),
and a newline that ends a statement (`_SEP`) from one that only continues a
long expression. Comments, blank lines and continuation newlines are what
the lexer ignores; they are recovered from the text between two tokens,
which holds nothing else. So every comment of the source is in the result,
attached to the line it was on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specpy.diagnostics import SourceFile
from specpy.syntax.parser import tokens
from specpy.syntax.tree import Token

_GAP = re.compile(r"#[^\n]*|\n|[ \t\f\r]+")


@dataclass(frozen=True)
class Tok:
    """One token: its grammar type (`NAME`, `_LBRACE`, ...) and text."""

    type: str
    text: str


@dataclass
class Line:
    """One source line of code (or of comment only), as the formatter sees it.

    `continued` is True when the newline before it did not end a statement
    (the line continues an expression); `blank_before` counts the empty
    lines before it; `comment` is a trailing comment (or, with no tokens, the
    whole line) and `comment_column` where it stood in the source (0-based).
    """

    tokens: list[Tok] = field(default_factory=list)
    comment: str | None = None
    comment_column: int = 0
    continued: bool = False
    blank_before: int = 0


def lines_of(source: SourceFile, found: list[Token] | None = None) -> list[Line]:
    """The lines of a spec that parses, from its tokens (`syntax.parser.parse_with_tokens`;
    without them, `tokens` is called: parse the spec first, so that a syntax error is located)."""
    text = source.text
    lines: list[Line] = []
    current = Line()
    newlines = 0  # line breaks seen since the last token
    separated = True  # the last break ended a statement

    def comment_at(pos: int, comment: str) -> None:
        nonlocal current, newlines
        column = pos - (text.rfind("\n", 0, pos) + 1)
        if newlines or not (current.tokens or lines):
            start_line()
            current.comment, current.comment_column = comment, column
            lines.append(current)
            current = Line()
            newlines = 0
        else:
            current.comment, current.comment_column = comment, column

    def start_line() -> None:
        """Close the current line (if it has tokens) and start the next one."""
        nonlocal current
        if current.tokens:
            lines.append(current)
        last = next((line.tokens[-1] for line in reversed(lines) if line.tokens), None)
        opened_block = last is not None and last.type == "_BLOCK_LBRACE"
        current = Line(continued=not separated and not opened_block and last is not None, blank_before=max(newlines - 1, 0))

    def gap(start: int, end: int) -> None:
        nonlocal newlines
        for m in _GAP.finditer(text, start, end):
            piece = m.group()
            if piece == "\n":
                newlines += 1
            elif piece.startswith("#"):
                comment_at(m.start(), piece.rstrip())

    pos = 0
    for token in tokens(source) if found is None else found:
        gap(pos, token.start_pos)
        pos = token.end_pos
        if token.type == "_SEP" and token.value != ";":
            newlines += 1
            separated = True
            continue
        if newlines:
            start_line()
            newlines = 0
        current.tokens.append(Tok(token.type, str(token)))
        separated = token.type == "_SEP"  # `;`: what follows starts a statement
    gap(pos, len(text))
    if current.tokens:
        lines.append(current)
    # A comment line goes with the code after it. (Its own newline may not be the one the
    # parser made the statement separator: `_SEP` looks past comment lines.)
    following = False
    for line in reversed(lines):
        if line.tokens:
            following = line.continued
        else:
            line.continued = following
    return lines
