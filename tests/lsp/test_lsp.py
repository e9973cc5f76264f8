"""`specpy lsp` driven by a real LSP client (pygls's) over stdio: every feature of issue 24.

Positions in LSP are 0-based lines and UTF-16 columns; the spec below is
ASCII except where a test says otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from client import run, session  # noqa: E402

pytest.importorskip("pygls")

URI = "file:///tmp/demo.spec"
SPEC = """\
# How many tokens there are.
const N = 3
type Color = enum { red, green }
var count: 0..N = 0  # tokens taken
var color: Color = Color.red

# Take one token.
action Take(k: 1..2) {
    require count + k <= N
    count = count + k
    color = green
}

invariant Bounded: count <= N
"""


def pos(line: int, character: int) -> lsp.Position:
    return lsp.Position(line=line, character=character)


def test_diagnostics_as_you_type() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            assert await s.wait_diagnostics(URI) == []
            # a type error: located, with its registered code
            s.change(URI, SPEC.replace("count = count + k", "count = color"))
            [d] = await s.wait_diagnostics(URI)
            assert d.code == "E-type-mismatch" and d.source == "specpy"
            assert d.range.start == pos(9, 12)
            # a syntax error
            s.change(URI, SPEC.replace("require count + k <= N", "require count +"))
            [d] = await s.wait_diagnostics(URI)
            assert d.code == "E-syntax-unexpected-token"
            assert d.range.start.line == 9
            # fixed again
            s.change(URI, SPEC)
            assert await s.wait_diagnostics(URI) == []

    run(main())


def test_hover_shows_type_value_and_comment() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            await s.wait_diagnostics(URI)
            # the constant N where it is used in `require count + k <= N`
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(8, 25)))
            assert "const N = 3" in h.contents.value
            assert "value `3`" in h.contents.value
            assert "How many tokens there are." in h.contents.value
            # a state variable: its type and its trailing comment
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(9, 5)))
            assert "state variable of type `0..3`" in h.contents.value
            assert "tokens taken" in h.contents.value
            # a parameter: its type
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(9, 20)))
            assert "k: 1..2" in h.contents.value
            # nothing under the cursor
            assert await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(5, 0))) is None

    run(main())


def test_definition_and_references() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            await s.wait_diagnostics(URI)
            loc = await s.client.text_document_definition_async(lsp.DefinitionParams(text_document=s.doc(URI), position=pos(13, 20)))
            assert loc.range == lsp.Range(start=pos(3, 4), end=pos(3, 9))  # `count` in `var count`
            refs = await s.client.text_document_references_async(
                lsp.ReferenceParams(text_document=s.doc(URI), position=pos(3, 5), context=lsp.ReferenceContext(include_declaration=True))
            )
            assert sorted(r.range.start.line for r in refs) == [3, 8, 9, 9, 13]
            # the enum member, written bare and qualified
            refs = await s.client.text_document_references_async(
                lsp.ReferenceParams(text_document=s.doc(URI), position=pos(2, 20), context=lsp.ReferenceContext(include_declaration=False))
            )
            assert [(r.range.start.line, r.range.start.character) for r in refs] == [(4, 25)]
            # a parameter: its uses, not another action's
            refs = await s.client.text_document_references_async(
                lsp.ReferenceParams(text_document=s.doc(URI), position=pos(7, 12), context=lsp.ReferenceContext(include_declaration=True))
            )
            assert [(r.range.start.line, r.range.start.character) for r in refs] == [(7, 12), (8, 20), (9, 20)]

    run(main())


def test_rename() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            await s.wait_diagnostics(URI)
            r = await s.client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=s.doc(URI), position=pos(9, 5)))
            assert r == lsp.Range(start=pos(9, 4), end=pos(9, 9))
            edit = await s.client.text_document_rename_async(lsp.RenameParams(text_document=s.doc(URI), position=pos(9, 5), new_name="taken"))
            edits = edit.changes[URI]
            assert len(edits) == 5 and {e.new_text for e in edits} == {"taken"}
            with pytest.raises(Exception, match="reserved word"):
                await s.client.text_document_rename_async(lsp.RenameParams(text_document=s.doc(URI), position=pos(9, 5), new_name="require"))
            with pytest.raises(Exception, match="already the const"):
                await s.client.text_document_rename_async(lsp.RenameParams(text_document=s.doc(URI), position=pos(9, 5), new_name="N"))

    run(main())


def test_outline_completion_and_formatting() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            await s.wait_diagnostics(URI)
            symbols = await s.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=s.doc(URI)))
            assert [x.name for x in symbols] == ["N", "Color", "count", "color", "Take", "Bounded"]
            assert [c.name for c in symbols[1].children] == ["red", "green"]
            assert symbols[4].kind == lsp.SymbolKind.Event
            items = await s.client.text_document_completion_async(lsp.CompletionParams(text_document=s.doc(URI), position=pos(10, 12)))
            labels = {i.label for i in items}
            assert {"k", "count", "green", "Bounded", "require", "forall"} <= labels
            edits = await s.client.text_document_formatting_async(
                lsp.DocumentFormattingParams(text_document=s.doc(URI), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))
            )
            assert list(edits) == []  # already formatted
            s.change(URI, SPEC.replace("const N = 3", "const   N=3"))
            edits = await s.client.text_document_formatting_async(
                lsp.DocumentFormattingParams(text_document=s.doc(URI), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))
            )
            assert [e.new_text for e in edits] == [SPEC]

    run(main())


def test_a_spec_that_does_not_parse_still_gets_hover() -> None:
    async def main() -> None:
        async with session() as s:
            s.open(URI, SPEC)
            await s.wait_diagnostics(URI)
            broken = SPEC.replace("invariant Bounded: count <= N", "invariant Bounded: count <=")
            s.change(URI, broken)
            [d] = await s.wait_diagnostics(URI)
            assert d.code == "E-syntax-eof"
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(8, 25)))
            assert "const N = 3" in h.contents.value

    run(main())


def test_positions_count_utf16() -> None:
    # The end-of-file error is placed after the last character, here an emoji in a comment:
    # 18 code points before it (specpy's column 19), 19 UTF-16 units (LSP's character).
    text = "var x: 0..1 =  # \U0001F600\n"
    async def main() -> None:
        async with session() as s:
            s.open(URI, text)
            [d] = await s.wait_diagnostics(URI)
            assert d.code == "E-syntax-eof"
            assert d.range.start == pos(0, 19)
            # a request at a UTF-16 position past the emoji is answered
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(URI), position=pos(0, 19)))
            assert h is None

    run(main())


def test_fields_hover_and_definition() -> None:
    text = """\
type Msg = Req{term: 0..2, src: 0..1} | Ack{term: 0..2}
var net: set[Msg] = {}
action Handle {
    choose m in net {
        require m.term > 0
    }
}
"""
    uri = "file:///tmp/fields.spec"
    async def main() -> None:
        async with session() as s:
            s.open(uri, text)
            assert await s.wait_diagnostics(uri) == []
            h = await s.client.text_document_hover_async(lsp.HoverParams(text_document=s.doc(uri), position=pos(4, 19)))
            assert "term: 0..2  (field of Req)" in h.contents.value
            loc = await s.client.text_document_definition_async(lsp.DefinitionParams(text_document=s.doc(uri), position=pos(4, 19)))
            assert loc.range == lsp.Range(start=pos(0, 15), end=pos(0, 19))
            symbols = await s.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=s.doc(uri)))
            assert [c.name for c in symbols[0].children] == ["Req", "Ack"]
            assert [f.name for f in symbols[0].children[0].children] == ["term", "src"]
            with pytest.raises(Exception, match="renaming a field"):
                await s.client.text_document_rename_async(
                    lsp.RenameParams(text_document=s.doc(uri), position=pos(4, 19), new_name="t"))

    run(main())
