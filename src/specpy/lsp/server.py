"""`specpy lsp`: the language server (pygls 2, over stdio).

Every request is answered from an `Analysis` of the document's current text
(analysis.py), computed at most once per version. Diagnostics are published
DEBOUNCE seconds after the last edit (each keystroke cancels the pending
run). When the text does not parse, hover, definition, references and
completion fall back to the last version that did, wherever the name under
the cursor is still the one that version had there. A failure inside a
handler is logged to the client (window/logMessage) and answered with an
error or nothing: the server itself never stops.

Positions: LSP counts UTF-16 code units from 0; `Span`s count code points
from 1. `_position` and `_column` convert, line by line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Callable, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from specpy import __version__
from specpy.diagnostics import Diagnostic, SourceFile, SpecError, Span
from specpy.lsp.analysis import IDENTIFIER, Analysis, Occurrence, analyse

DEBOUNCE = 0.3

#: Words completion offers besides names (syntax/parser.py's reserved and contextual keywords).
def _keywords() -> tuple[str, ...]:
    from specpy.syntax.parser import CONTEXTUAL_KEYWORDS, RESERVED_WORDS

    return tuple(sorted(set(RESERVED_WORDS) | set(CONTEXTUAL_KEYWORDS) | {"operation", "bool", "int"}))


_SYMBOL_KINDS = {
    "spec": lsp.SymbolKind.Module,
    "const": lsp.SymbolKind.Constant,
    "type": lsp.SymbolKind.Class,
    "state variable": lsp.SymbolKind.Variable,
    "def": lsp.SymbolKind.Function,
    "proc": lsp.SymbolKind.Function,
    "action": lsp.SymbolKind.Event,
    "operation": lsp.SymbolKind.Method,
    "invariant": lsp.SymbolKind.Property,
    "transition invariant": lsp.SymbolKind.Property,
    "property": lsp.SymbolKind.Property,
    "measure": lsp.SymbolKind.Property,
    "atom": lsp.SymbolKind.EnumMember,
    "enum member": lsp.SymbolKind.EnumMember,
    "case": lsp.SymbolKind.Struct,
    "field": lsp.SymbolKind.Field,
}
_COMPLETION_KINDS = {
    "const": lsp.CompletionItemKind.Constant,
    "type": lsp.CompletionItemKind.Class,
    "state variable": lsp.CompletionItemKind.Variable,
    "def": lsp.CompletionItemKind.Function,
    "proc": lsp.CompletionItemKind.Function,
    "action": lsp.CompletionItemKind.Event,
    "atom": lsp.CompletionItemKind.EnumMember,
    "enum member": lsp.CompletionItemKind.EnumMember,
    "case": lsp.CompletionItemKind.Struct,
}

F = TypeVar("F", bound=Callable[..., Any])


class SpecServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("specpy", __version__)
        self.analyses: dict[str, tuple[int | None, Analysis]] = {}
        self.last_parsed: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    def analysis(self, uri: str) -> Analysis:
        doc = self.workspace.get_text_document(uri)
        cached = self.analyses.get(uri)
        if cached is not None and cached[0] == doc.version and cached[1].source.text == _normal(doc.source):
            return cached[1]
        result = analyse(doc.source, doc.path or uri)
        self.analyses[uri] = (doc.version, result)
        if result.parsed:
            self.last_parsed[uri] = result
        return result

    def name_at(self, uri: str, pos: lsp.Position) -> tuple[Analysis, Occurrence] | None:
        """The analysis and the name at a position: the current text's, or else the last
        parsed version's if the same word is there."""
        current = self.analysis(uri)
        line, column = _column(current.source, pos)
        occ = current.at(line, column)
        if occ is not None:
            return current, occ
        if current.parsed:
            return None
        old = self.last_parsed.get(uri)
        if old is None:
            return None
        occ = old.at(line, column)
        if occ is None or _word_at(current.source, line, column) != occ.name:
            return None
        return old, occ

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if uri not in self.workspace.text_documents:
            return
        try:
            result = self.analysis(uri)
            diagnostics = [_diagnostic(d, result.source, uri) for d in result.diagnostics]
        except Exception as exc:  # never let one document stop the server
            self.log(f"specpy lsp: could not analyse {uri}: {exc!r}")
            return
        version = self.workspace.get_text_document(uri).version
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def schedule(self, uri: str, delay: float) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(delay, self.publish, uri)

    def log(self, message: str) -> None:
        logging.getLogger(__name__).error(message)
        try:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=message))
        except Exception:  # noqa: BLE001 - the client may be gone
            pass


def _guard(default: Any = None) -> Callable[[F], F]:
    """Answer `default` (and log why) if a handler fails; a bad rename is the client's error."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(ls: SpecServer, params: Any) -> Any:
            try:
                return fn(ls, params)
            except JsonRpcInvalidParams:
                raise
            except Exception as exc:
                ls.log(f"specpy lsp: {fn.__name__} failed: {exc!r}")
                return default

        return run  # type: ignore[return-value]

    return wrap


def build() -> SpecServer:
    server = SpecServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SpecServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpecServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SpecServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpecServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.analyses.pop(uri, None)
        ls.last_parsed.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guard()
    def hover(ls: SpecServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.name_at(params.text_document.uri, params.position)
        if found is None:
            return None
        result, occ = found
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=result.hover(occ)),
            range=_range(occ.span, result.source),
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_guard()
    def definition(ls: SpecServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        found = ls.name_at(params.text_document.uri, params.position)
        if found is None:
            return None
        result, occ = found
        span = result.definition(occ)
        return None if span is None else lsp.Location(uri=params.text_document.uri, range=_range(span, result.source))

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @_guard([])
    def references(ls: SpecServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
        found = ls.name_at(params.text_document.uri, params.position)
        if found is None:
            return []
        result, occ = found
        uri = params.text_document.uri
        return [
            lsp.Location(uri=uri, range=_range(o.span, result.source))
            for o in result.references(occ, params.context.include_declaration)
        ]

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @_guard([])
    def highlight(ls: SpecServer, params: lsp.DocumentHighlightParams) -> list[lsp.DocumentHighlight]:
        found = ls.name_at(params.text_document.uri, params.position)
        if found is None:
            return []
        result, occ = found
        return [lsp.DocumentHighlight(range=_range(o.span, result.source)) for o in result.references(occ)]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @_guard()
    def prepare_rename(ls: SpecServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
        result = ls.analysis(params.text_document.uri)
        occ = result.at(*_column(result.source, params.position))
        if occ is None or (occ.decl is not None and occ.decl.kind == "field"):
            return None  # a field's uses are not all known (`{term: t}` in a construction)
        return _range(occ.span, result.source)

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    @_guard()
    def rename(ls: SpecServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        result = ls.analysis(params.text_document.uri)
        if not result.parsed:
            raise JsonRpcInvalidParams("the spec does not parse; fix the syntax error first")
        occ = result.at(*_column(result.source, params.position))
        if occ is None:
            return None
        _check_new_name(result, occ, params.new_name)
        edits = [lsp.TextEdit(range=_range(o.span, result.source), new_text=params.new_name) for o in result.references(occ)]
        return lsp.WorkspaceEdit(changes={params.text_document.uri: edits})

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_guard([])
    def document_symbols(ls: SpecServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        result = ls.analysis(params.text_document.uri)
        if not result.parsed:
            result = ls.last_parsed.get(params.text_document.uri, result)
        out: list[lsp.DocumentSymbol] = []
        by_name: dict[str, lsp.DocumentSymbol] = {}
        for d in result.decls:
            symbol = lsp.DocumentSymbol(
                name=d.name, detail=d.kind, kind=_SYMBOL_KINDS.get(d.kind, lsp.SymbolKind.Object),
                range=_range(d.full, result.source), selection_range=_range(d.span, result.source), children=[],
            )
            parent = by_name.get(d.parent) if d.parent is not None else None
            if parent is not None:
                parent.children.append(symbol)  # type: ignore[union-attr]
            else:
                out.append(symbol)
            by_name.setdefault(d.name, symbol)  # a case's fields go under the case
        return out

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
    @_guard([])
    def completion(ls: SpecServer, params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
        current = ls.analysis(params.text_document.uri)
        line, column = _column(current.source, params.position)
        result = current if current.parsed else ls.last_parsed.get(params.text_document.uri, current)
        items: dict[str, lsp.CompletionItem] = {}
        for local in result.locals_before(line, column):
            items[local.name] = lsp.CompletionItem(label=local.name, kind=lsp.CompletionItemKind.Variable,
                                                   detail=_type_text(local.type))
        for d in result.decls:
            if d.kind != "field" and d.name not in items:
                items[d.name] = lsp.CompletionItem(label=d.name, kind=_COMPLETION_KINDS.get(d.kind, lsp.CompletionItemKind.Reference),
                                                   detail=d.kind if d.parent is None else f"{d.kind} of {d.parent}")
        for word in _keywords():
            items.setdefault(word, lsp.CompletionItem(label=word, kind=lsp.CompletionItemKind.Keyword))
        return list(items.values())

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @_guard([])
    def formatting(ls: SpecServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
        from specpy.fmt import format_text

        doc = ls.workspace.get_text_document(params.text_document.uri)
        source = SourceFile(doc.path or doc.uri, doc.source)
        try:
            text = format_text(source)
        except SpecError:
            return []  # the diagnostics say why
        if text == doc.source:
            return []
        lines = doc.source.split("\n")
        end = lsp.Position(line=len(lines) - 1, character=_utf16(lines[-1], len(lines[-1])))
        return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=text)]

    return server


def _check_new_name(result: Analysis, occ: Occurrence, new: str) -> None:
    from specpy.syntax.parser import RESERVED_WORDS

    if occ.decl is not None and occ.decl.kind == "field":
        raise JsonRpcInvalidParams("renaming a field is not supported: its uses in constructions are not tracked")
    if not IDENTIFIER.match(new):
        raise JsonRpcInvalidParams(f"`{new}` is not a name (letters, digits and _, not starting with a digit)")
    if new in RESERVED_WORDS:
        raise JsonRpcInvalidParams(f"`{new}` is a reserved word")
    clash = result.global_named(new)
    if clash is not None and new != occ.name:
        raise JsonRpcInvalidParams(f"`{new}` is already the {clash.kind} declared at line {clash.span.line}")


def _type_text(t: Any) -> str:
    from specpy.ir.types import type_name

    return type_name(t)


# ---------------------------------------------------------------- positions


def _normal(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _utf16(line: str, codepoints: int) -> int:
    """UTF-16 units in the first `codepoints` characters of a line."""
    prefix = line[:codepoints]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def _column(source: SourceFile, pos: lsp.Position) -> tuple[int, int]:
    """An LSP position as (line, column), 1-based code points."""
    line = source.line(pos.line + 1)
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return pos.line + 1, i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return pos.line + 1, len(line) + 1


def _position(source: SourceFile, line: int, column: int) -> lsp.Position:
    lines = source.text.split("\n")
    if line < 1:
        return lsp.Position(line=0, character=0)
    if line > len(lines):
        return lsp.Position(line=len(lines) - 1, character=_utf16(lines[-1], len(lines[-1])))
    text = lines[line - 1]
    return lsp.Position(line=line - 1, character=_utf16(text, max(column - 1, 0)))


def _range(span: Span, source: SourceFile) -> lsp.Range:
    return lsp.Range(start=_position(source, span.line, span.column), end=_position(source, span.end_line, span.end_column))


def _diagnostic(d: Diagnostic, source: SourceFile, uri: str) -> lsp.Diagnostic:
    related = [
        lsp.DiagnosticRelatedInformation(location=lsp.Location(uri=uri, range=_range(n.span, source)), message=n.message)
        for n in d.notes
        if n.span is not None and n.span.line > 0
    ]
    hints = [n.message for n in d.notes if n.span is None or n.span.line == 0]
    return lsp.Diagnostic(
        range=_range(d.span, source),
        message=d.message + "".join(f"\nnote: {h}" for h in hints),
        severity=lsp.DiagnosticSeverity.Error if d.severity == "error" else lsp.DiagnosticSeverity.Warning,
        code=d.code or None,
        source="specpy",
        related_information=related or None,
    )


def _word_at(source: SourceFile, line: int, column: int) -> str:
    text = source.line(line)
    start = end = column - 1
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def main() -> None:
    build().start_io()
