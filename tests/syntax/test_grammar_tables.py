"""The generated tables (grammar_tables.py): current, data only, and never needed for correctness."""

from __future__ import annotations

import ast
import types

import lark
import pytest

import specpy.syntax.parser as parser_module
from specpy.diagnostics import SourceFile, SpecError
from specpy.syntax import grammar_tables, tables


def test_tables_are_made_from_the_current_grammar() -> None:
    """Fails after an edit of grammar.lark until `python -m specpy.syntax.tables` is run."""
    assert grammar_tables.GRAMMAR == tables.GRAMMAR.read_text(encoding="utf-8")


def test_tables_are_what_the_generator_makes_now() -> None:
    """Fails when grammar_tables.py was edited by hand or the generator changed since it was run."""
    if grammar_tables.LARK != lark.__version__:
        pytest.skip(f"grammar_tables.py is from Lark {grammar_tables.LARK}, Lark {lark.__version__} is installed")
    assert tables.TABLES.read_text(encoding="utf-8") == tables.render(tables.analyse(grammar_tables.GRAMMAR))


def test_tables_are_literals_only() -> None:
    """The module runs nothing but constants: each statement assigns a literal (or is the docstring)."""
    module = ast.parse(tables.TABLES.read_text(encoding="utf-8"))
    for i, statement in enumerate(module.body):
        if i == 0 and isinstance(statement, ast.Expr):
            continue
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1, ast.dump(statement)[:80]
        ast.literal_eval(statement.value)


def test_stale_tables_are_made_from_the_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar_tables, "GRAMMAR", "an older grammar")
    grammar = tables.GRAMMAR.read_text(encoding="utf-8")
    made = tables.runtime_tables(grammar)
    assert isinstance(made, types.SimpleNamespace) and made.STATES == grammar_tables.STATES
    parser_module._parser.cache_clear()
    try:
        module = parser_module.parse(SourceFile("one.spec", "spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n"))
        assert module.decls[0].name.name == "One"
        with pytest.raises(SpecError, match="expected an expression"):
            parser_module.parse(SourceFile("bad.spec", "spec X\nvar x: 0..1 = 0\naction A { x = }\n"))
    finally:
        parser_module._parser.cache_clear()
