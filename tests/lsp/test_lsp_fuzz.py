"""The language server survives any sequence of edits and requests (issue 24, bad input).

Random incremental edits — characters, tokens and whole lines from a real
spec inserted, deleted and replaced anywhere, so most versions do not parse
— each followed by a random request at a random position. Every request
must be answered (a result or an LSP error, within the timeout), and at the
end the server still publishes diagnostics for the last version and exits
cleanly on shutdown.
"""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from client import TIMEOUT, run, session  # noqa: E402

pytest.importorskip("pygls")

ROOT = Path(__file__).resolve().parent.parent.parent
URI = "file:///tmp/fuzz.spec"
PIECES = ["{", "}", "(", ")", "[", "]", "\n", " ", ":", "=", "==", "..", "'", "#", "\"", "é", "😀", "\t",
          "action", "forall", "in", "if", "else", "match", "x", "Server", "0", "-", "|", "and", "let", ";"]


def random_edit(rng: random.Random, text: str, lines_pool: list[str]) -> tuple[lsp.Range, str, str]:
    """A random change as an LSP range and its new text, and the document after it."""
    lines = text.split("\n")
    def point() -> tuple[int, int]:
        line = rng.randrange(len(lines))
        return line, rng.randint(0, len(lines[line]))
    a, b = sorted([point(), point()]) if rng.random() < 0.3 else [point()] * 2
    if rng.random() < 0.2:
        b = (a[0], min(a[1] + rng.randint(0, 3), len(lines[a[0]])))
    new = rng.choice([rng.choice(PIECES), rng.choice(lines_pool) + "\n", "", rng.choice(PIECES) * 2])
    start = sum(len(x) + 1 for x in lines[: a[0]]) + a[1]
    end = sum(len(x) + 1 for x in lines[: b[0]]) + b[1]
    # LSP columns count UTF-16 units; the pool's non-BMP character counts 2
    def units(line: int, col: int) -> int:
        return len(lines[line][:col].encode("utf-16-le")) // 2
    rng_ = lsp.Range(start=lsp.Position(line=a[0], character=units(*a)), end=lsp.Position(line=b[0], character=units(*b)))
    return rng_, new, text[:start] + new + text[end:]


def test_random_edits_and_requests() -> None:
    rng = random.Random(24)
    base = (ROOT / "specs" / "twophase.spec").read_text(encoding="utf-8")
    pool = [line for line in (ROOT / "specs" / "raft.spec").read_text(encoding="utf-8").split("\n") if line.strip()]

    async def main() -> None:
        async with session() as s:
            s.open(URI, base)
            text = base
            answered = 0
            for _ in range(150):
                change, new, text = random_edit(rng, text, pool)
                s.change(URI, new, change)
                lines = text.split("\n")
                line = rng.randrange(len(lines))
                p = lsp.Position(line=line, character=rng.randint(0, len(lines[line]) + 2))
                doc = s.doc(URI)
                ask = rng.choice([
                    lambda: s.client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=p)),
                    lambda: s.client.text_document_definition_async(lsp.DefinitionParams(text_document=doc, position=p)),
                    lambda: s.client.text_document_references_async(lsp.ReferenceParams(
                        text_document=doc, position=p, context=lsp.ReferenceContext(include_declaration=True))),
                    lambda: s.client.text_document_completion_async(lsp.CompletionParams(text_document=doc, position=p)),
                    lambda: s.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc)),
                    lambda: s.client.text_document_rename_async(lsp.RenameParams(text_document=doc, position=p, new_name="zz")),
                    lambda: s.client.text_document_formatting_async(lsp.DocumentFormattingParams(
                        text_document=doc, options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))),
                ])
                try:
                    await asyncio.wait_for(ask(), TIMEOUT)
                except asyncio.TimeoutError:
                    raise AssertionError(f"no answer after the edit {change} {new!r}") from None
                except Exception:  # an LSP error response (e.g. a refused rename) is an answer
                    pass
                answered += 1
            assert answered == 150
            assert s.logs == []  # no handler failed on the way
            # the server still works: the last version's diagnostics, and a fixed text is clean
            await s.wait_diagnostics(URI)
            s.change(URI, base)
            assert await s.wait_diagnostics(URI) == []

    run(main())
