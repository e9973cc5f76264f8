"""The LALR tables shipped as grammar.json: current, equivalent to a fresh build, never needed for correctness."""

from __future__ import annotations

import json
from pathlib import Path

import lark
import pytest

import specpy.syntax.parser as parser_module
from specpy.diagnostics import SourceFile, SpecError
from specpy.syntax import tables
from specpy.syntax.parser import BracketTracker

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted([*ROOT.glob("specs/*.spec"), *ROOT.glob("examples/**/*.spec"), *ROOT.glob("tests/**/*.spec")])
BROKEN = ["spec X\nvar x: 0..1 = 0\naction A { x = }\n", "spec X\ninit { x = (1 + }\n", "spec X\nvar if: bool\n"]


def test_grammar_json_is_built_from_the_current_grammar() -> None:
    """Fails after an edit of grammar.lark until `python -m specpy.syntax.tables` is run."""
    document = json.loads(tables.TABLES.read_text(encoding="utf-8"))
    assert document["grammar"] == tables.GRAMMAR.read_text(encoding="utf-8")


def test_the_installed_lark_uses_the_shipped_tables() -> None:
    document = json.loads(tables.TABLES.read_text(encoding="utf-8"))
    if document["lark"] != lark.__version__:
        pytest.skip(f"grammar.json is from Lark {document['lark']}, Lark {lark.__version__} is installed")
    assert tables.shipped_tables(tables.GRAMMAR.read_text(encoding="utf-8")) is not None


def test_shipped_tables_parse_as_a_fresh_build_does() -> None:
    shipped = tables.load_parser(BracketTracker())
    fresh = lark.Lark(tables.GRAMMAR.read_text(encoding="utf-8"), postlex=BracketTracker(), **tables.LARK_OPTIONS)
    assert len(SPECS) > 20
    for path in SPECS:
        text = path.read_text(encoding="utf-8")
        assert _outcome(shipped, text) == _outcome(fresh, text), path
    for text in BROKEN:
        assert _outcome(shipped, text) == _outcome(fresh, text)


def _outcome(parser: lark.Lark, text: str) -> object:
    try:
        return parser.parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        return type(exc).__name__, exc.line, exc.column, sorted(exc.expected if hasattr(exc, "expected") else ())


@pytest.mark.parametrize("content", [None, "not json", json.dumps({"lark": "0.0", "grammar": "", "data": {}, "memo": {}})])
def test_missing_corrupt_or_stale_tables_build_from_the_grammar(
    content: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grammar.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setattr(tables, "TABLES", path)
    assert tables.shipped_tables(tables.GRAMMAR.read_text(encoding="utf-8")) is None
    parser_module._lark.cache_clear()
    try:
        module = parser_module.parse(SourceFile("one.spec", "spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n"))
        assert module.decls[0].name.name == "One"
        with pytest.raises(SpecError):
            parser_module.parse(SourceFile("bad.spec", BROKEN[0]))
    finally:
        parser_module._lark.cache_clear()
