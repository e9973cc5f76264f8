"""The parser's contextual lexer (syntax/lexer.py) gives Lark's tokens.

specpy's lexer (syntax/lexer.py) makes a parser state's lexer on first use and matches with
scanners shared by every state instead of compiling one per state (issue
#15's start-up); Lark's stock contextual lexer on the same tables is the
reference. Compared token by token (type, text, position) as the parser sees
them, up to and including the error, on every spec in the repository and on
random token soups, which put terminals where their state does not accept
them (a block `{` where a value's `{` is expected, a newline inside an
expression, a keyword as a name).
"""

from __future__ import annotations

import random
from pathlib import Path

import lark
import pytest

from specpy.syntax import tables
from specpy.syntax.lexer import LazyContextualLexer
from specpy.syntax.parser import BracketTracker

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted([*ROOT.glob("specs/*.spec"), *ROOT.glob("examples/**/*.spec"), *ROOT.glob("tests/**/*.spec")])

#: Pieces of spec text; soups of them reach many parser states, mostly ending in an error.
PIECES = (
    "spec S", "\n", "\n\n", " ", "var", "x", "y1", "_z", ":", "0..3", "0", "42", "=", "==", "!=", "<=", ">=", "<", ">",
    "+", "-", "*", "//", "%", "..", "->", "=>", "+=", "-=", "{", "}", "(", ")", "[", "]", ",", ";", ".", "|", "&",
    "action", "init", "def", "const", "type", "enum", "set", "seq", "bag", "if", "else", "require", "let", "in",
    "is", "and", "or", "not", "implies", "forall", "exists", "true", "false", "none", "choose", "either", "for",
    "send", "receive", "to", "crash", "lose", "match", "measure", "invariant", "assert", "where", "# note\n", "@", "$",
)  # fmt: skip


def _stock() -> lark.Lark:
    data, memo = tables.shipped_tables(tables.GRAMMAR.read_text(encoding="utf-8")) or pytest.skip("no shipped tables")
    return lark.Lark._load_from_dict(data, memo, postlex=BracketTracker())


def _tokens(parser: lark.Lark, text: str) -> list[object]:
    """The tokens the parser is fed, then how it ended (its error's kind and place)."""
    out: list[object] = []
    try:
        interactive = parser.parse_interactive(text)
        for t in interactive.iter_parse():
            out.append((t.type, str(t), t.line, t.column, t.end_line, t.end_column, t.start_pos, t.end_pos))
        interactive.feed_eof()
        out.append("ok")
    except lark.exceptions.UnexpectedInput as exc:
        out.append((type(exc).__name__, exc.line, exc.column, sorted(getattr(exc, "expected", ()) or ())))
    except Exception as exc:  # the post-lexer's nesting limit, say: the same in both
        out.append(type(exc).__name__)
    return out


def test_the_parser_uses_the_shared_scanner_lexer() -> None:
    parser = tables.load_parser(BracketTracker())
    if tables.shipped_tables(tables.GRAMMAR.read_text(encoding="utf-8")) is None:
        pytest.skip("grammar.json does not fit the installed Lark: the parser is built from the grammar")
    assert isinstance(parser.parser.lexer.lexer, LazyContextualLexer)


def test_tokens_of_every_spec_are_lark_s() -> None:
    ours, stock = tables.load_parser(BracketTracker()), _stock()
    assert len(SPECS) > 20
    for path in SPECS:
        text = path.read_text(encoding="utf-8")
        assert _tokens(ours, text) == _tokens(stock, text), path


def test_tokens_of_random_soups_are_lark_s() -> None:
    ours, stock = tables.load_parser(BracketTracker()), _stock()
    rng = random.Random(15)
    prefixes = ("", "spec S\n", "spec S\nvar x: 0..3 = 0\naction A {\n", "spec S\ninvariant I: ")
    differ = []
    for _ in range(1500):
        text = rng.choice(prefixes) + " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        if _tokens(ours, text) != _tokens(stock, text):
            differ.append(text)
    assert differ == []
