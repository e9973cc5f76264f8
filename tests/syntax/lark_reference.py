"""Lark's own parser of grammar.lark, the reference specpy's parser runtime is compared with.

specpy parses with its own LALR driver and lexer over tables Lark generated
(syntax/lalr.py, syntax/lexer.py, syntax/tables.py). These helpers run stock
Lark on the same grammar with the same options and post-lexer, and reduce
both parsers' results to plain values: the whole tree (node names, children,
every position of every node and token), the tokens the parser took, and how
a parse failed (the error's kind, the offending token and the terminals the
parser really expected there, found by probing as the pre-#15 diagnostics did).
"""

from __future__ import annotations

import functools
import random
from copy import copy
from pathlib import Path
from typing import Any

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.parsers.lalr_parser_state import ParserState

from specpy.syntax import lalr, lexer, tables
from specpy.syntax.parser import BracketTracker, _NestingTooDeep, _parser

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted([*ROOT.glob("specs/*.spec"), *ROOT.glob("examples/**/*.spec"), *ROOT.glob("tests/**/*.spec")])

_META = (
    "empty", "line", "column", "start_pos", "end_line", "end_column", "end_pos",
    "container_line", "container_column", "container_start_pos",
    "container_end_line", "container_end_column", "container_end_pos",
)  # fmt: skip

#: Pieces of spec text; soups of them reach many parser states, mostly ending in an error.
PIECES = (
    "spec S", "\n", "\n\n", " ", "var", "x", "y1", "_z", ":", "0..3", "0", "42", "=", "==", "!=", "<=", ">=", "<", ">",
    "+", "-", "*", "//", "%", "..", "->", "=>", "+=", "-=", "{", "}", "(", ")", "[", "]", ",", ";", ".", "|", "&",
    "action", "init", "def", "const", "type", "enum", "set", "seq", "bag", "if", "else", "require", "let", "in",
    "is", "and", "or", "not", "implies", "forall", "exists", "true", "false", "none", "choose", "either", "for",
    "send", "receive", "to", "crash", "lose", "match", "measure", "invariant", "assert", "where", "# note\n", "@", "$",
    '"', "'", "?",
)  # fmt: skip
PREFIXES = ("", "spec S\n", "spec S\nvar x: 0..3 = 0\naction A {\n", "spec S\ninvariant I: ")


@functools.cache
def stock() -> lark.Lark:
    """Lark's parser of the grammar, built from grammar.lark as the tables were."""
    return lark.Lark(tables.GRAMMAR.read_text(encoding="utf-8"), postlex=BracketTracker(), **tables.LARK_OPTIONS)


def ours() -> lalr.Parser:
    return _parser()


def soups(count: int, seed: int) -> list[str]:
    """Random token soups after a few prefixes (seeded)."""
    rng = random.Random(seed)
    return [
        rng.choice(PREFIXES) + " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)
    ]


def broken(text: str, rng: random.Random, count: int) -> list[str]:
    """`count` damaged copies of a spec: truncated, a span deleted, a piece inserted or two lines swapped."""
    out = []
    for _ in range(count):
        cut = rng.randrange(len(text) + 1)
        kind = rng.randrange(4)
        if kind == 0:
            out.append(text[:cut])
        elif kind == 1:
            out.append(text[:cut] + text[cut + rng.randint(1, 12) :])
        elif kind == 2:
            out.append(text[:cut] + rng.choice(PIECES) + text[cut:])
        else:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            out.append("\n".join(lines))
    return out


def token_value(token: Any) -> tuple[Any, ...]:
    if token.type == "$END":  # no text, and placed differently by Lark's interactive parser; unused by the diagnostics
        return (token.type,)
    return (token.type, str(token), token.start_pos, token.line, token.column, token.end_line, token.end_column, token.end_pos)


def tree_value(tree: Any) -> Any:
    """A tree as nested tuples: (name, meta positions, children); tokens as token_value; None as None."""
    tree_types = (lark.Tree, lalr.Tree)
    out: list[Any] = []
    stack: list[tuple[Any, list[Any]]] = [(tree, out)]
    while stack:
        node, into = stack.pop()
        if isinstance(node, tree_types):
            children: list[Any] = []
            into.append((node.data, tuple(getattr(node.meta, a, None) for a in _META), children))
            stack.extend((child, children) for child in reversed(node.children))
        elif node is None:
            into.append(None)
        else:
            into.append(token_value(node))
    return out[0]


def stock_outcome(text: str) -> tuple[Any, ...]:
    """Lark's parse of `text`: ("tree", ...) or how it failed; with the tokens it took."""
    taken: list[Any] = []
    parser = stock().parse_interactive(text)
    try:
        for token in parser.iter_parse():
            taken.append(token_value(token))
        return ("tree", tree_value(parser.feed_eof()), taken)
    except UnexpectedCharacters as err:
        return ("characters", err.pos_in_stream, err.line, err.column, taken)
    except UnexpectedToken as err:
        return ("token", token_value(err.token), sorted(_stock_expected(err.state)), taken)
    except _NestingTooDeep as err:
        return ("too deep", token_value(err.token), taken)


def our_outcome(text: str, parser: lalr.Parser | None = None) -> tuple[Any, ...]:
    """specpy's parse of `text` (by `parser`, else the one specpy uses), in stock_outcome's terms."""
    taken: list[Any] = []
    parser = parser or ours()
    try:
        tree = parser.parse(text, lambda token: taken.append(token_value(token)))
        return ("tree", tree_value(tree), taken)
    except lexer.UnexpectedCharacters as err:
        return ("characters", err.pos_in_stream, err.line, err.column, taken)
    except lalr.UnexpectedToken as err:
        return ("token", token_value(err.token), sorted(parser.expected(err.stack)), taken)
    except _NestingTooDeep as err:
        return ("too deep", token_value(err.token), taken)


def _stock_expected(state: ParserState) -> set[str]:
    """The terminals a copy of Lark's parser state really shifts (the pre-#15 diagnostics' probe)."""
    conf = copy(state.parse_conf)
    conf.callbacks = {}

    def shifts(terminal: str) -> bool:
        probe = state.copy(deepcopy_values=False)
        probe.parse_conf = conf
        try:
            probe.feed_token(lark.Token(terminal, ""), is_end=terminal == "$END")
        except UnexpectedToken:
            return False
        return True

    return {name for name in state.parse_conf.states[state.position] if name.upper() == name and shifts(name)}


def stock_lex(text: str) -> list[Any]:
    """Lark's `lex` (every terminal, post-lexed), as the diagnostics use it to find an open bracket."""
    try:
        return [token_value(t) for t in stock().lex(text)]
    except UnexpectedCharacters as err:
        return ["characters", err.pos_in_stream]
    except _NestingTooDeep:
        return ["too deep"]


def our_lex(text: str) -> list[Any]:
    try:
        return [token_value(t) for t in ours().lex(text)]
    except lexer.UnexpectedCharacters as err:
        return ["characters", err.pos_in_stream]
    except _NestingTooDeep:
        return ["too deep"]
