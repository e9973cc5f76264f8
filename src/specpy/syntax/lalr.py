"""An LALR(1) parser over the generated tables: tokens in, Lark's parse tree out.

The tables (grammar_tables.py, made by tables.py with Lark's analysis) say,
for each parser state and each terminal or rule name, whether to shift (go
to a state) or to reduce by a rule. Reducing builds the tree as Lark does
for this grammar (its ParseTreeBuilder, with `propagate_positions` and
`maybe_placeholders`):

* tokens the grammar filters out (anonymous strings such as `"spec"`, and
  `_TERMINALS`) are dropped; `None` stands for each `[optional]` that matched
  nothing;
* the children of `_rules` are spliced into their parent;
* a `?rule` with one child left is that child; otherwise a node named by the
  rule's alias (`-> name`), its template or the rule;
* a new node spans from the start of its first child's container to the end
  of its last one's, filtered tokens included (tree.Meta).

Errors are the lexer's UnexpectedCharacters and UnexpectedToken, which keeps
the state stack where the parser stopped, so `expected` can tell which
terminals would really have been shifted there. tests/syntax/test_lalr.py
compares trees, tokens and errors with Lark's on every spec and on random
and broken inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from specpy.syntax.lexer import ContextualLexer, UnexpectedCharacters
from specpy.syntax.tree import Token, Tree

#: How a rule's reduction builds its value: (rule or alias name, expand single child,
#: children to keep as (index, splice, placeholders before) or None for all, placeholders after).
Builder = tuple[str, bool, "tuple[tuple[int, bool, int], ...] | None", int]


class UnexpectedToken(Exception):
    """The parser cannot take `token` in the state on top of `stack` (`$END`: the end of the text)."""

    def __init__(self, token: Token, stack: list[int]) -> None:
        super().__init__(f"unexpected {token.type} at line {token.line}, column {token.column}")
        self.token = token
        self.stack = stack


class Parser:
    """The LALR parser of the tables in `tables` (a module or namespace of generated_tables' names)."""

    def __init__(self, tables: Any, postlex: Any) -> None:
        self.table: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = tables.STATES
        #: per state: its row of the table as a dict (symbol -> action), made on first use
        self.rows: list[dict[str, int] | None] = [None] * len(self.table)
        #: per rule: (its name, the number of symbols it pops, how it builds its value)
        self.rules: list[tuple[str, int, Builder]] = [(origin, size, tuple(build)) for origin, size, *build in tables.RULES]  # type: ignore[misc]
        self.start: int = tables.START
        self.end: int = tables.END
        self.postlex = postlex
        self.lexer = ContextualLexer(tables, getattr(postlex, "always_accept", ()))
        #: The display of each terminal that is a fixed string (`+`), for messages.
        self.strings: dict[str, str] = tables.STRINGS

    def row(self, state: int) -> dict[str, int]:
        """A state's actions: symbol -> the state to shift to or go to (>= 0), or ~the rule to reduce by."""
        row = self.rows[state]
        if row is None:
            symbols, actions = self.table[state]
            row = self.rows[state] = dict(zip(symbols, actions))
        return row

    def parse(self, text: str, on_token: Callable[[Token], Any] | None = None) -> Any:
        """The parse tree of `text`; each token the parser takes goes to `on_token` first."""
        rows, row, rules = self.rows, self.row, self.rules
        stack = [self.start]
        values: list[Any] = []
        token = None
        try:
            for token in self.postlex.process(self.lexer.lex(text, stack, self.row)):
                if on_token is not None:
                    on_token(token)
                kind = token.type
                while True:
                    action = (rows[stack[-1]] or row(stack[-1])).get(kind)
                    if action is None:
                        raise UnexpectedToken(token, list(stack))
                    if action >= 0:
                        stack.append(action)
                        values.append(token)
                        break
                    origin, size, build = rules[~action]
                    _reduce(stack, values, size, build)
                    stack.append((rows[stack[-1]] or row(stack[-1]))[origin])
        except UnexpectedCharacters as err:
            found = self.lexer.root_token(text, err)
            if found is None:
                raise
            raise UnexpectedToken(found, list(stack)) from None
        end = Token("$END", "", *_position_of(token))
        while True:
            action = row(stack[-1]).get("$END")
            if action is None or action >= 0:
                raise UnexpectedToken(end, list(stack))
            origin, size, build = rules[~action]
            _reduce(stack, values, size, build)
            stack.append(row(stack[-1])[origin])
            if stack[-1] == self.end:
                return values[-1]

    def expected(self, stack: list[int]) -> set[str]:
        """The terminals that would be shifted (or end the parse) after the parser got to `stack`.

        LALR merges states, so a state's table lists terminals that only fit in
        other contexts: each is tried on a copy of the stack, reducing as it would.
        """
        return {name for name in self.row(stack[-1]) if name.upper() == name and self._shifts(stack, name)}

    def _shifts(self, stack: list[int], terminal: str) -> bool:
        probe = list(stack)
        while True:
            action = self.row(probe[-1]).get(terminal)
            if action is None:
                return False
            if action >= 0:
                return True
            origin, size, _ = self.rules[~action]
            if size:
                del probe[-size:]
            probe.append(self.row(probe[-1])[origin])
            if terminal == "$END" and probe[-1] == self.end:
                return True

    def lex(self, text: str) -> Iterator[Token]:
        """The tokens of `text` as a lexer of every terminal reads them (no parser state), post-lexed."""
        return self.postlex.process(self.lexer.lex(text, None, self.row))


def _position_of(token: Token | None) -> tuple[int, ...]:
    """The end token's position: the last token's (Lark's `new_borrow_pos`), or the start."""
    if token is None:
        return (0, 1, 1, 1, 1, 0)
    return (token.start_pos, token.line, token.column, token.end_line, token.end_column, token.end_pos)


def _reduce(stack: list[int], values: list[Any], size: int, build: Builder) -> None:
    """Pop a rule's `size` values and push what it builds of them (module docstring)."""
    if size:
        children = values[-size:]
        del stack[-size:]
        del values[-size:]
    else:
        children = []
    name, expand1, include, nones_after = build
    if include is None:
        kept = children
    else:
        kept = []
        for i, splice, nones in include:
            if nones:
                kept += [None] * nones
            if splice:
                if kept:
                    kept += children[i].children
                else:  # reuse the list: a left-recursive `_rule` grows in place
                    kept = children[i].children
            else:
                kept.append(children[i])
        if nones_after:
            kept += [None] * nones_after
    if expand1 and len(kept) == 1:
        value = kept[0]
        if value.__class__ is Tree:
            _place(value, children)
    else:
        value = Tree(name, kept)
        _place(value, children)
    values.append(value)


def _place(node: Tree, children: list[Any]) -> None:
    """Lark's propagate_positions: a node starts at its first child's container (a token,
    or a node that is not empty) and ends at its last's; `container_` also covers inlined rules."""
    for child in children:
        if child.__class__ is Tree:
            meta = child.meta
            if meta.empty:
                continue
            line, column, start = meta.container_line, meta.container_column, meta.container_start_pos
        elif child.__class__ is Token:
            line, column, start = child.line, child.column, child.start_pos
        else:
            continue
        break
    else:
        return  # nothing but empty nodes and placeholders: no position at all
    for child in reversed(children):
        if child.__class__ is Tree:
            meta = child.meta
            if meta.empty:
                continue
            end_line, end_column, end = meta.container_end_line, meta.container_end_column, meta.container_end_pos
        elif child.__class__ is Token:
            end_line, end_column, end = child.end_line, child.end_column, child.end_pos
        else:
            continue
        break
    meta = node.meta
    if meta.line is None:
        meta.line, meta.column, meta.start_pos = line, column, start
        meta.empty = False
    meta.container_line, meta.container_column, meta.container_start_pos = line, column, start
    if meta.end_line is None:
        meta.end_line, meta.end_column, meta.end_pos = end_line, end_column, end
        meta.empty = False
    meta.container_end_line, meta.container_end_column, meta.container_end_pos = end_line, end_column, end
