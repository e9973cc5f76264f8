"""Properties of the grammar itself: strict transformer, no conflicts, lexer invariants."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from lark import Lark
from lark.grammar import Rule

import specpy.syntax.parser as parser_module
from lark_reference import stock
from specpy.syntax import grammar_tables
from specpy.syntax.parser import RESERVED_WORDS
from specpy.syntax.transform import AstBuilder

GRAMMAR = Path(parser_module.__file__).with_name("grammar.lark")


def _kept_symbols(rule: Rule) -> int | None:
    """How many children the rule's expansion keeps, or None if an inlined rule makes it vary."""
    count = 0
    for sym in rule.expansion:
        if sym.name.startswith("_") and not sym.is_term:
            return None
        if not sym.is_term or not (sym.filter_out or sym.name.startswith("_")):
            count += 1
    return count


def _tree_node_names() -> set[str]:
    """Every `tree.data` the parser can produce."""
    names = set()
    for rule in stock().rules:
        if rule.alias:
            names.add(str(rule.alias))
            continue
        name = rule.origin.name
        if isinstance(name, str) and name.startswith("_"):
            continue
        if rule.options.expand1 and _kept_symbols(rule) == 1:
            continue
        names.add(str(name))
    return names


def _handlers() -> set[str]:
    return {name for name in vars(AstBuilder) if not name.startswith("_") and name != "build"}


def test_every_grammar_rule_has_a_handler() -> None:
    missing = _tree_node_names() - _handlers()
    assert not missing, f"grammar rules without an AstBuilder handler: {sorted(missing)}"


def test_every_handler_belongs_to_a_grammar_rule() -> None:
    stale = _handlers() - _tree_node_names()
    assert not stale, f"AstBuilder handlers no grammar rule produces: {sorted(stale)}"


def test_grammar_has_no_lalr_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    # Lark resolves shift/reduce conflicts silently unless debug is on.
    with caplog.at_level(logging.WARNING, logger="lark"):
        Lark(GRAMMAR.read_text(), parser="lalr", start="module", debug=True)
    assert "conflict" not in caplog.text.lower()


def test_no_parser_state_accepts_both_kinds_of_brace() -> None:
    # The contextual lexer tells block braces from expression braces by the
    # parser state; a state accepting both would make that choice arbitrary.
    both = [s for s, (symbols, _) in enumerate(grammar_tables.STATES) if {"_LBRACE", "_BLOCK_LBRACE"} <= set(symbols)]
    assert both == []


def test_reserved_words_match_the_grammar() -> None:
    match = re.search(r"NAME: /\(\?!\(\?:([a-z|]+)\)", GRAMMAR.read_text())
    assert match is not None
    assert set(match.group(1).split("|")) == set(RESERVED_WORDS)


def test_the_parser_is_built_once() -> None:
    assert parser_module._parser() is parser_module._parser()
