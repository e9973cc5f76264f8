"""The parser's contextual lexer (syntax/lexer.py) gives Lark's tokens.

specpy's lexer makes a parser state's lexer on first use and matches with
scanners shared by every state instead of compiling one per state (issue
#15's start-up); Lark's stock contextual lexer on the same grammar is the
reference (lark_reference.py). Compared token by token (type, text,
position) as the parser takes them, up to and including the error, on every
spec in the repository and on random token soups, which put terminals where
their state does not accept them (a block `{` where a value's `{` is
expected, a newline inside an expression, a keyword as a name).
"""

from __future__ import annotations

from lark_reference import SPECS, our_lex, our_outcome, soups, stock_lex, stock_outcome

from specpy.syntax import grammar_tables
from specpy.syntax.lalr import Parser
from specpy.syntax.parser import BracketTracker


def _tokens(outcome: tuple[object, ...]) -> tuple[object, ...]:
    """The tokens taken and how the parse ended (without the tree)."""
    return (outcome[-1], outcome[0], *outcome[1:-1]) if outcome[0] != "tree" else (outcome[-1], "tree")


def test_tokens_of_every_spec_are_lark_s() -> None:
    assert len(SPECS) > 100
    for path in SPECS:
        text = path.read_text(encoding="utf-8")
        assert _tokens(our_outcome(text)) == _tokens(stock_outcome(text)), path


def test_tokens_of_random_soups_are_lark_s() -> None:
    differ = [text for text in soups(1500, 15) if _tokens(our_outcome(text)) != _tokens(stock_outcome(text))]
    assert differ == []


def test_lexing_without_a_parser_is_lark_s() -> None:
    """`Parser.lex` (every terminal, post-lexed): the diagnostics find an unclosed bracket with it."""
    texts = [path.read_text(encoding="utf-8") for path in SPECS[:20]] + soups(500, 16)
    assert [t for t in texts if our_lex(t) != stock_lex(t)] == []


def test_a_parse_compiles_few_regular_expressions() -> None:
    """One shared alternation for every state, plus some regex terminals alone (never one per parser state)."""
    parser = Parser(grammar_tables, BracketTracker())
    for path in SPECS:
        our_outcome(path.read_text(encoding="utf-8"), parser)
    assert len(parser.lexer.by_terminals) > 50  # the distinct state lexers used
    assert parser.lexer.scanner is not None
    assert set(parser.lexer.patterns) <= {name for name, _ in grammar_tables.TERMINALS} - set(grammar_tables.STRINGS)
