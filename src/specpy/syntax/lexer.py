"""The parser's contextual lexer: in each parser state, only the terminals the state can shift.

A parser state's lexer tries the terminals of the state's table (and the
ignored ones, and the post-lexer's `always_accept`), in Lark's fixed order
(priority, then width, then name): its match is the first of them that
matches at the position. A keyword that a regex terminal of the same priority
matches whole (`set` is also a NAME) is not tried on its own: a NAME whose
whole text is a keyword the state tries becomes that keyword (Lark's
`_create_unless`, here a dictionary lookup).

Instead of one regular expression per state (~200 distinct, each compiled on
first use, most of a short check's start-up before issue #15), every state
matches with one scanner shared by all: the alternation of every terminal in
the same order, compiled once. When its match is a terminal the state tries,
that is the state's match too: the state's alternatives are a subsequence of
the shared ones, and every one before the match failed. When it is one the
state does not try (a block's `{` where a value's `{` is expected, a newline
where no statement can end), the state's match is the first terminal it
tries after that one which matches on its own: a string by comparison, a
regex terminal (six of them) by its own pattern, compiled on first use. When
nothing matches, nothing of the state's does. So a parse compiles one
alternation and a few small patterns.

The terminals, their order and the keyword relation come from the generated
tables (tables.py), which Lark computed. tests/syntax/test_lexer.py compares
the tokens with Lark's stock lexer on every spec and on random token soups.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

from specpy.syntax.tree import Token


class UnexpectedCharacters(Exception):
    """No terminal the parser state tries matches at `pos` (line and column 1-based)."""

    def __init__(self, pos: int, line: int, column: int) -> None:
        super().__init__(f"no terminal matches at line {line}, column {column}")
        self.pos_in_stream = pos
        self.line = line
        self.column = column


class StateLexer:
    """One parser state's lexer: the terminals it tries and its keyword lookup."""

    __slots__ = ("tried", "keywords")

    def __init__(self, terminals: Collection[str], unless: dict[str, tuple[str, ...]], strings: dict[str, str]) -> None:
        embedded = {s for r in terminals for s in unless.get(r, ()) if s in terminals}
        self.tried = frozenset(terminals) - embedded
        #: per regex terminal: the text of each keyword it matches whole -> that keyword (the first wins)
        self.keywords: dict[str, dict[str, str]] = {}
        for r in terminals:
            found = self.keywords.setdefault(r, {})
            for s in unless.get(r, ()):
                if s in terminals:
                    found.setdefault(strings[s], s)
            if not found:
                del self.keywords[r]


class ContextualLexer:
    """Tokens of a text, each lexed in the parser state the parser is in when it asks for it."""

    def __init__(self, tables: Any, always_accept: Collection[str]) -> None:
        names = [name for name, _ in tables.TERMINALS]
        self.regexps = dict(tables.TERMINALS)
        self.order = names
        self.rank = {name: i for i, name in enumerate(names)}
        self.unless: dict[str, tuple[str, ...]] = tables.UNLESS
        self.strings: dict[str, str] = tables.STRINGS
        self.ignore = frozenset(tables.IGNORE)
        extra = self.ignore | set(always_accept)
        known = set(names)
        self.extra = extra & known
        self.known = known
        self.root = StateLexer(names, self.unless, self.strings)
        self.by_terminals: dict[frozenset[str], StateLexer] = {}
        self.lexers: list[StateLexer | None] = [None] * len(tables.STATES)
        self.scanner: re.Pattern[str] | None = None
        #: the regex terminals compiled one by one, for the terminals after one a state does not try
        self.patterns: dict[str, re.Pattern[str]] = {}

    def state_lexer(self, state: int, row: dict[str, int]) -> StateLexer:
        """The lexer of a parser state (its `row` of the parse table), made the first time the
        parser is in it; states with the same symbols share one."""
        lexer = self.lexers[state]
        if lexer is None:
            key = frozenset(row)
            lexer = self.by_terminals.get(key)
            if lexer is None:
                lexer = self.by_terminals[key] = StateLexer((key & self.known) | self.extra, self.unless, self.strings)
            self.lexers[state] = lexer
        return lexer

    def shared(self) -> re.Pattern[str]:
        """The alternation of every terminal, in Lark's order, compiled on first use."""
        if self.scanner is None:
            self.scanner = re.compile("|".join(f"(?P<{n}>{self.regexps[n]})" for n in self.order))
        return self.scanner

    def match(self, lexer: StateLexer, text: str, pos: int) -> tuple[str, str] | None:
        """The state's match at `pos`: (text, terminal), the terminal not yet turned into a keyword."""
        found = self.shared().match(text, pos)
        if found is None:
            return None
        name = found.lastgroup
        if name in lexer.tried:
            return found.group(), name  # type: ignore[return-value]
        # The state does not try `name`, and every terminal before it failed: its match is
        # the first terminal it tries after `name` that matches here.
        for other in self.order[self.rank[name] + 1 :]:  # type: ignore[index]
            if other not in lexer.tried:
                continue
            literal = self.strings.get(other)
            if literal is not None:
                if text.startswith(literal, pos):
                    return literal, other
                continue
            pattern = self.patterns.get(other)
            if pattern is None:
                pattern = self.patterns[other] = re.compile(self.regexps[other])
            alone = pattern.match(text, pos)
            if alone is not None:
                return alone.group(), other
        return None

    def lex(self, text: str, stack: list[int] | None, row: Callable[[int], dict[str, int]]) -> Iterator[Token]:
        """The tokens of `text`, each lexed in the state on top of the parser's `stack` (a list
        the parser changes as it goes; `row` gives a state's row of the parse table); with no
        stack, as the root lexer (every terminal) reads them."""
        ignore = self.ignore
        lexers = self.lexers
        everything = self.shared()
        pos, line, line_start = 0, 1, 0
        end = len(text)
        while pos < end:
            lexer = self.root if stack is None else lexers[stack[-1]] or self.state_lexer(stack[-1], row(stack[-1]))
            found = everything.match(text, pos)  # the common case: a terminal the state tries
            if found is not None and found.lastgroup in lexer.tried:
                value, name = found.group(), found.lastgroup
            else:
                match = self.match(lexer, text, pos)
                if match is None:
                    raise UnexpectedCharacters(pos, line, pos - line_start + 1)
                value, name = match
            start, start_line, column = pos, line, pos - line_start + 1
            newlines = value.count("\n")
            if newlines:
                line += newlines
                line_start = pos + value.rindex("\n") + 1
            pos += len(value)
            if name in ignore:
                continue
            keywords = lexer.keywords.get(name)
            if keywords is not None:
                name = keywords.get(value, name)
            yield Token(name, value, start, start_line, column, line, pos - line_start + 1, pos)

    def root_token(self, text: str, error: UnexpectedCharacters) -> Token | None:
        """The token any state would lex where a state's lexer failed (Lark's contextual lexer
        reports it as an unexpected token), or None when no terminal matches there."""
        found = self.match(self.root, text, error.pos_in_stream)
        if found is None:
            return None
        value, name = found
        name = self.root.keywords.get(name, {}).get(value, name)
        pos = error.pos_in_stream
        end_line = error.line + value.count("\n")
        end_column = len(value) - value.rindex("\n") if "\n" in value else error.column + len(value)
        return Token(name, value, pos, error.line, error.column, end_line, end_column, pos + len(value))
