"""A real LSP client (pygls's) talking to `python -m specpy lsp` over stdio, for the tests.

`session()` starts the server, initializes it, and yields a `Session`: the
client, the diagnostics the server published (per URI, latest first) and
helpers that open and edit documents and wait for diagnostics.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

TIMEOUT = 30.0


@dataclass
class Session:
    client: LanguageClient
    diagnostics: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    published: asyncio.Event = field(default_factory=asyncio.Event)
    logs: list[str] = field(default_factory=list)  # what the server logged: a handler that failed

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="specpy", version=1, text=text))
        )

    def change(self, uri: str, text: str, range_: lsp.Range | None = None) -> None:
        """Replace the text (or the range) with `text`."""
        self.versions[uri] += 1
        change: lsp.TextDocumentContentChangeEvent
        if range_ is None:
            change = lsp.TextDocumentContentChangeWholeDocument(text=text)
        else:
            change = lsp.TextDocumentContentChangePartial(range=range_, text=text)
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[change],
            )
        )

    async def wait_diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        """The diagnostics published for the document's current version."""
        async def wait() -> list[lsp.Diagnostic]:
            while uri not in self.diagnostics:
                self.published.clear()
                await self.published.wait()
            return list(self.diagnostics[uri])

        return await asyncio.wait_for(wait(), TIMEOUT)

    @staticmethod
    def doc(uri: str) -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(uri=uri)


@contextlib.asynccontextmanager
async def session() -> AsyncIterator[Session]:
    client = LanguageClient("specpy-tests", "1")
    s = Session(client)

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.version is None or params.version == s.versions.get(params.uri):
            s.diagnostics[params.uri] = params.diagnostics
            s.published.set()

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def on_log(params: lsp.LogMessageParams) -> None:
        s.logs.append(params.message)
        print("server log:", params.message, file=sys.stderr)

    await client.start_io(sys.executable, "-m", "specpy", "lsp")
    try:
        await asyncio.wait_for(
            client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), process_id=None)),
            TIMEOUT,
        )
        client.initialized(lsp.InitializedParams())
        yield s
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
    finally:
        server = client._server  # pygls keeps the process here; a failed test must not leave it running
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(server.wait()), 5)
        if server.returncode is None:
            server.kill()
        await asyncio.wait_for(client.stop(), TIMEOUT)


def run(coro) -> None:
    asyncio.run(coro)
