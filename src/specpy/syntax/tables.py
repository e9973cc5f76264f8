"""The parser of grammar.lark, from LALR tables shipped in the package (grammar.json).

Building Lark's LALR tables from the grammar takes about 0.5 s, most of a
short `specpy check`; loading them takes a few milliseconds. So the tables
are built once, by

    python -m specpy.syntax.tables

and committed as grammar.json beside the grammar: plain JSON (never a pickle,
and nothing is read from a user-writable cache), holding the grammar text and
the Lark version they were built from. At start-up they are used when both
match; otherwise (grammar.lark edited, another Lark installed) the parser is
built from the grammar in memory, which is correct, only slower.
tests/syntax/test_grammar_tables.py fails while grammar.json is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from specpy.syntax.lexer import LazyContextualLexer

GRAMMAR = Path(__file__).with_name("grammar.lark")
TABLES = Path(__file__).with_name("grammar.json")

#: How the parser is built; the shipped tables record these options too.
LARK_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": "module",
    "propagate_positions": True,
    "maybe_placeholders": True,
}


def load_parser(postlex: Any) -> Lark:
    """The parser, with `postlex` as its post-lexer: from grammar.json when it fits the grammar."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    tables = shipped_tables(grammar)
    if tables is None:
        return Lark(grammar, postlex=postlex, **LARK_OPTIONS)
    data, memo = tables
    # Lark.load() takes a pickle; _load_from_dict is its entry for the same data
    # as plain values (what Lark's standalone generator uses). The lexer is
    # Lark's contextual one made cheaper to start (lexer.py).
    return Lark._load_from_dict(data, memo, postlex=postlex, _plugins={"ContextualLexer": LazyContextualLexer})


def shipped_tables(grammar: str) -> tuple[dict[str, Any], dict[int, Any]] | None:
    """grammar.json's (data, memo) if it was built from `grammar` by the installed Lark."""
    try:
        document = json.loads(TABLES.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or unreadable: build from the grammar instead
        return None
    if document.get("grammar") != grammar or document.get("lark") != lark.__version__:
        return None
    data = document["data"]
    # JSON keys are strings; Lark keys its memo and parser states by int. A
    # state's actions are keyed by terminal numbers only to look them up in
    # `tokens` (number -> name) while Lark deserializes: both stay strings.
    table = data["parser"]["parser"]
    table["states"] = {int(s): acts for s, acts in table["states"].items()}
    return data, {int(k): v for k, v in document["memo"].items()}


def serialize(grammar: str, postlex: Any) -> dict[str, Any]:
    """The tables of `grammar` as the JSON document grammar.json holds.

    The post-lexer shapes the tables (its `always_accept` terminals are kept)
    but is code, so it is left out of the document and given again on loading.
    """
    parser = Lark(grammar, postlex=postlex, **LARK_OPTIONS)
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {name: value for name, value in data["options"].items() if name != "postlex"}
    return {"lark": lark.__version__, "grammar": grammar, "data": data, "memo": memo}


def write_tables(postlex: Any) -> None:
    """Rebuild grammar.json from grammar.lark with the installed Lark."""
    document = serialize(GRAMMAR.read_text(encoding="utf-8"), postlex)
    TABLES.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    from specpy.syntax.parser import BracketTracker

    write_tables(BracketTracker())
