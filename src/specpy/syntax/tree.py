"""The parse tree: tokens, tree nodes and their positions (what syntax/lalr.py builds).

The same shapes as Lark's `Token`, `Tree` and `Meta`, which built the tree
before issue #15 and still generate the tables (syntax/tables.py); the
tests compare trees built by both, position by position. Only what specpy
uses is here: a token is a string with its type and where it stands; a node
is its rule's name, its children and the span they cover.
"""

from __future__ import annotations

from typing import Any


class Token(str):
    """A piece of the text as the lexer typed it; 1-based lines and columns, 0-based offsets.

    `end_column` is the column just after the token. Equal to a string with
    the same text, unequal to a token of another type (as Lark's tokens).
    """

    __slots__ = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __new__(
        cls, type: str, value: str, start_pos: int = 0, line: int = 1, column: int = 1,
        end_line: int = 1, end_column: int = 1, end_pos: int = 0,
    ) -> Token:  # fmt: skip
        token = str.__new__(cls, value)
        token.type = type
        token.value = value
        token.start_pos = start_pos
        token.line = line
        token.column = column
        token.end_line = end_line
        token.end_column = end_column
        token.end_pos = end_pos
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Token) and self.type != other.type:
            return False
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class Meta:
    """Where a node stands: from its first to its last token, filtered-out ones included.

    `empty` until a token is found under the node (a rule that matched
    nothing). The `container_` positions also cover the tokens of the rules
    inlined into this node (a `?rule`'s parentheses): a parent starts and ends
    where its first and last child's container does (Lark's propagate_positions).
    """

    __slots__ = (
        "empty", "line", "column", "start_pos", "end_line", "end_column", "end_pos",
        "container_line", "container_column", "container_start_pos",
        "container_end_line", "container_end_column", "container_end_pos",
    )  # fmt: skip

    def __init__(self) -> None:
        self.empty = True
        self.line: int | None = None
        self.end_line: int | None = None


class Tree:
    """A node of the parse tree: the rule (or alias) that made it, its children, its Meta."""

    __slots__ = ("data", "children", "meta")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children
        self.meta = Meta()

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


def transform(tree: Tree, handlers: Any) -> Any:
    """Rebuild `tree` bottom-up, without recursion: each node becomes
    `handlers.<node.data>(node.meta, children)`, its children already rebuilt
    (tokens and placeholders stay as they are); a node whose name has no
    handler goes to `handlers.__default__(data, children, meta)`."""
    postorder: list[Any] = []
    pending: list[Any] = [tree]
    while pending:
        node = pending.pop()
        postorder.append(node)
        if node.__class__ is Tree:
            pending += node.children
    stack: list[Any] = []
    for node in reversed(postorder):
        if node.__class__ is Tree:
            size = len(node.children)
            if size:
                args = stack[-size:]
                del stack[-size:]
            else:
                args = []
            handler = getattr(handlers, node.data, None)
            if handler is None:
                stack.append(handlers.__default__(node.data, args, node.meta))
            else:
                stack.append(handler(node.meta, args))
        else:
            stack.append(node)
    (result,) = stack
    return result
