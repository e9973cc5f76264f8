"""The canonical layout: indentation, spacing, long lines, comments.

The rules, in the order a reader meets them:

* **Line breaks are the author's**, as in gofmt: every statement and every
  continuation line stays on its own line; blank lines are kept, at most two
  between declarations and one inside a block; none at the start of a block
  or of the file. A line longer than `WIDTH` columns is broken: before a
  top-level `and`/`or`/`implies`/`|`, else after a `,` in the outermost
  bracket that has one — the rightmost such place that leaves the first part
  within `WIDTH`.
* **Indentation**: four spaces per block; a continuation line is indented
  four spaces past its statement, or, inside a bracket, aligned just after
  the bracket when something followed it on its line (`Msg{term: t,` /
  `    src: s}` lines up `src` under `term`), else four spaces past the
  bracket's line. A continuation that starts with `|` (the cases of a
  variant type) is indented two spaces, so the case names line up.
* **Spacing**: one space around binary operators, `=`, `->`, `=>`, after `,`,
  `:` and `;`; none inside `()`, `[]` and value braces (`{a, b}`), around `.`
  and `..`, after a unary `-`, before `(` of a call, `[` of an index or type,
  `{` of a construction, `'` and `?`. Block braces have a space inside when
  the block is on one line (`{ require p }`), and so do enum braces
  (`enum { red, green }`).
* **Comments** stay on their line. A whole-line comment is indented like the
  code it precedes; a trailing comment keeps its column when the code still
  fits before it (two spaces at least), and a run of trailing comments that
  were aligned stays aligned.
"""

from __future__ import annotations

from dataclasses import dataclass

from specpy.fmt.tokens import Line, Tok

WIDTH = 100
INDENT = 4
#: Past this column, lines inside a bracket are not aligned with it but indented.
_MAX_ALIGN = WIDTH // 2

_OPENERS = frozenset({"LPAR", "LSQB", "_LBRACE", "_BLOCK_LBRACE"})
_CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
_NO_SPACE_BEFORE = frozenset({"COMMA", "RPAR", "RSQB", "DOT", "COLON", "QUOTE", "QMARK", "_SEP"})
_NO_SPACE_AFTER = frozenset({"LPAR", "LSQB", "DOT"})
_OPERAND_END = frozenset({"NAME", "INT", "TRUE", "FALSE", "NONE", "RPAR", "RSQB", "QUOTE", "QMARK"})
_TYPE_HEADS = frozenset({"SET", "SEQ", "BAG"})
#: Where a newline may always go before the token (grammar.lark's `_SEP` lookahead).
_BREAK_BEFORE = frozenset({"AND", "OR", "IMPLIES", "VBAR"})
#: Where else a newline may go inside a bracket of an expression (it is whitespace there).
_VALUE_BREAK_BEFORE = frozenset({"FOR", "IF", "ELSE"})


@dataclass(frozen=True)
class _Open:
    """A bracket still open: how lines inside it and its closer are indented."""

    block: bool
    line_indent: int  # indentation of the line the bracket is on
    column: int  # output column just after it
    hanging: bool  # nothing followed it on its line
    spaced: bool  # `enum { a, b }`: a space inside


@dataclass
class _Out:
    """One output line: its code, and the trailing comment with its source column."""

    code: str
    comment: str | None = None
    comment_column: int = 0


class _Layout:
    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.out: list[_Out] = []
        self.statement = 0  # indentation of the current statement's first line
        self.continuation = INDENT  # of its next continuation line outside brackets
        self.in_type = False  # the statement is a type declaration (its `|` lines)
        self.after_colon = False  # the last line outside brackets ended with `:`

    # ------------------------------------------------------------ indentation

    def statement_indent(self) -> int:
        for o in reversed(self.stack):
            if o.block:
                return o.line_indent + INDENT
        return 0

    def indent(self, first: Tok | None, continued: bool) -> int:
        top = self.stack[-1] if self.stack else None
        if first is not None and first.type in _CLOSERS and top is not None:
            visual = not top.block and not top.hanging and top.column <= _MAX_ALIGN
            return top.column - 1 if visual else top.line_indent
        if not continued:
            return self.statement_indent()
        if top is not None and not top.block:
            visual = not top.hanging and top.column <= _MAX_ALIGN
            return top.column if visual else top.line_indent + INDENT
        if first is not None and first.type == "VBAR" and self.in_type:
            return self.continuation - 2
        return self.continuation

    # ------------------------------------------------------------ one line

    def line(self, line: Line) -> None:
        if not line.tokens:
            self.blank_lines(line.blank_before, None)
            self.out.append(_Out(" " * self.indent(None, line.continued) + line.comment))  # type: ignore[operator]
            return
        self.blank_lines(line.blank_before, line.tokens[0])
        self.code(line.tokens, line.continued, line.comment, line.comment_column)

    def blank_lines(self, count: int, first: Tok | None) -> None:
        if not self.out or (first is not None and first.type in _CLOSERS):
            return
        if self.stack and self.stack[-1].block and self.out[-1].code.rstrip().endswith("{") and self.out[-1].comment is None:
            return  # no blank line at the start of a block
        self.out.extend(_Out("") for _ in range(min(count, 1 if self.stack else 2)))

    def code(self, tokens: list[Tok], continued: bool, comment: str | None, comment_column: int) -> None:
        """Lay out tokens as one line, or as several when it is too long."""
        while True:
            indent = self.indent(tokens[0], continued)
            top = self.stack[-1] if self.stack else None
            outer = top is None or top.block
            closes_block = tokens[0].type == "RBRACE" and top is not None and top.block
            if not continued or closes_block:
                self.statement, self.continuation = indent, indent + INDENT
                if not continued:
                    self.in_type = tokens[0].type in ("TYPE", "SYMMETRIC")
            text, rest, stack = self.render(tokens, indent)
            last = (rest and tokens[len(tokens) - len(rest) - 1] or tokens[-1]).type
            if outer and continued and self.after_colon:
                self.continuation = indent + INDENT  # what continues a body goes past it
            self.after_colon = outer and last == "COLON"
            if self.after_colon:
                self.continuation = indent + INDENT
            self.stack = stack
            if not rest:
                self.out.append(_Out(text, comment, comment_column))
                return
            self.out.append(_Out(text))
            tokens, continued = rest, True

    def render(self, tokens: list[Tok], indent: int) -> tuple[str, list[Tok], list[_Open]]:
        """The line's text, the tokens left for the next line when it was too long and could
        be broken (else none), and the brackets open after the text."""
        stack = list(self.stack)
        parts = [" " * indent]
        column = indent
        breaks: list[tuple[int, int, int, list[_Open]]] = []  # (depth, token index, column, stack)
        prev: Tok | None = None
        prev_operand = prev_unary = False
        blocks_here = 0
        for i, tok in enumerate(tokens):
            top = stack[-1] if stack else None
            in_value = top is not None and not top.block
            breakable = i and not blocks_here  # never inside a block written on one line
            if breakable and (tok.type in _BREAK_BEFORE or in_value and (prev.type == "COMMA" or tok.type in _VALUE_BREAK_BEFORE)):
                breaks.append((len(stack), i, column, list(stack)))
            space = _space(prev, tok, prev_operand, prev_unary, top) if i else ""
            parts.append(space + tok.text)
            column += len(space) + len(tok.text)
            prev_unary = tok.type == "MINUS" and not prev_operand
            prev_operand = tok.type in _OPERAND_END
            if tok.type in _OPENERS:
                spaced = tok.type == "_LBRACE" and prev is not None and prev.type == "ENUM"
                hanging = i == len(tokens) - 1
                block = tok.type == "_BLOCK_LBRACE"
                blocks_here += block
                stack.append(_Open(block, self.statement if block else indent, column + spaced, hanging, spaced))
            elif tok.type in _CLOSERS and stack:
                closed = stack.pop()
                prev_operand = not closed.block
                blocks_here -= closed.block and blocks_here > 0
            prev = tok
        if column <= WIDTH or not breaks:
            return "".join(parts), [], stack
        fitting = [b for b in breaks if b[2] <= WIDTH]
        if fitting:  # the shallowest depth with a place that fits, its rightmost such place
            depth = min(b[0] for b in fitting)
            _, at, _, at_stack = [b for b in fitting if b[0] == depth][-1]
        else:  # nothing fits: the first place, so that what is left on this line has none
            _, at, _, at_stack = breaks[0]
        return "".join(parts[: at + 1]), tokens[at:], at_stack


def _space(prev: Tok | None, tok: Tok, prev_operand: bool, prev_unary: bool, top: _Open | None) -> str:
    """The space between two tokens on a line; `top` is the innermost bracket open before `tok`."""
    if prev is None:
        return ""
    t, p = tok.type, prev.type
    if t in _NO_SPACE_BEFORE or p in _NO_SPACE_AFTER:
        return ""
    if p in ("_LBRACE", "_BLOCK_LBRACE") and t == "RBRACE":
        return ""
    if p == "_LBRACE":
        return " " if top is not None and top.spaced else ""
    if t == "RBRACE":
        return " " if top is not None and (top.block or top.spaced) else ""
    if t == "DOT_DOT" or p == "DOT_DOT" or prev_unary:
        return ""
    if (t == "LPAR" or t == "_LBRACE") and p == "NAME":
        return ""
    if t == "LSQB" and (prev_operand or p in _TYPE_HEADS):
        return ""
    return " "


def layout(lines: list[Line]) -> str:
    """The formatted text of a spec's lines (tokens.lines_of)."""
    state = _Layout()
    for line in lines:
        state.line(line)
    return _align_comments(state.out)


def _align_comments(out: list[_Out]) -> str:
    """Place trailing comments: a run of lines whose comments shared a source column keeps one
    column, the source's when every line's code ends two columns before it, else just past the
    longest code."""
    text: list[str] = []
    i = 0
    while i < len(out):
        o = out[i]
        if o.comment is None:
            text.append(o.code.rstrip() if o.code.strip() else "")
            i += 1
            continue
        j = i
        while j < len(out) and out[j].comment is not None and out[j].comment_column == o.comment_column:
            j += 1
        column = max(o.comment_column, *(len(out[k].code) + 2 for k in range(i, j)))
        text.extend(out[k].code.ljust(column) + out[k].comment for k in range(i, j))  # type: ignore[operator]
        i = j
    while text and not text[-1]:
        text.pop()
    return "\n".join(text) + "\n" if text else ""
