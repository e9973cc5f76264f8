"""specpy's parser runtime (syntax/lalr.py over grammar_tables.py) builds Lark's trees and errors.

Lark generates the tables but is not imported to parse; stock Lark on the
same grammar is the reference (lark_reference.py). Compared: the whole tree
(node names, children, placeholders, every position of every node and token)
on every spec in the repository; on random token soups and on damaged copies
of every spec (truncated, a span deleted, a piece inserted, lines swapped),
the error: its kind, the offending token and the terminals really expected
there, which are all the diagnostics are made of (tests/errors pins the messages).
"""

from __future__ import annotations

import random
import subprocess
import sys

from lark_reference import SPECS, broken, our_lex, our_outcome, soups, stock_lex, stock_outcome


def test_trees_of_every_spec_are_lark_s() -> None:
    trees = 0
    for path in SPECS:
        text = path.read_text(encoding="utf-8")
        ours = our_outcome(text)
        assert ours == stock_outcome(text), path
        trees += ours[0] == "tree"
    assert trees > 100


def test_errors_on_random_soups_are_lark_s() -> None:
    outcomes = [(text, our_outcome(text), stock_outcome(text)) for text in soups(1500, 17)]
    assert {ours[0] for _, ours, _ in outcomes} >= {"tree", "token", "characters"}
    assert [text for text, ours, stock in outcomes if ours != stock] == []


def test_errors_on_damaged_specs_are_lark_s() -> None:
    rng = random.Random(15)
    differ = []
    for path in SPECS:
        for text in broken(path.read_text(encoding="utf-8"), rng, 2):
            if our_outcome(text) != stock_outcome(text) or our_lex(text) != stock_lex(text):
                differ.append((path.name, text))
    assert differ == []


def test_nesting_limits_are_lark_s() -> None:
    for text in ("spec S\ndef f = " + "(" * 101 + "1" + ")" * 101, "spec S\ndef f = " + "[" * 100 + "]" * 100):
        assert our_outcome(text) == stock_outcome(text)


def test_parsing_does_not_import_lark() -> None:
    """Lark only generates the tables: a check's parse, and a syntax error's diagnostic, run without it."""
    code = (
        "import sys\n"
        "from specpy.diagnostics import SourceFile, SpecError\n"
        "from specpy.syntax.parser import parse\n"
        "parse(SourceFile('a.spec', open(sys.argv[1]).read()))\n"
        "try:\n"
        "    parse(SourceFile('b.spec', 'spec B\\naction A { x = }\\n'))\n"
        "except SpecError as err:\n"
        "    print(err.diagnostics[0].code)\n"
        "print(sorted(m for m in sys.modules if m == 'lark' or m.startswith('lark.')))\n"
    )
    raft = next(p for p in SPECS if p.name == "raft.spec")
    proc = subprocess.run([sys.executable, "-c", code, str(raft)], capture_output=True, text=True, check=True)
    assert proc.stdout.split("\n")[:2] == ["E-syntax-unexpected-token", "[]"]
