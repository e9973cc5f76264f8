"""`specpy explore`: drive a spec in the browser (docs/explore.md).

    session.py    one exploration: the path, enabled steps, invariants, walks, traces
    questions.py  the question box: an expression through specpy's front end
    server.py     the local web server (127.0.0.1, a token) and its JSON API
    page.py       the page and its script
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specpy.diagnostics import SourceFile
    from specpy.explore.server import ExploreServer
    from specpy.options import Overrides


def open_server(source: SourceFile, overrides: Overrides, port: int = 0) -> ExploreServer:
    """A server (not yet serving) exploring the spec: front end, compiled model, session."""
    from specpy.explicit.compile import CompiledModel
    from specpy.explore.questions import Questions
    from specpy.explore.server import App, ExploreServer
    from specpy.explore.session import Session
    from specpy.pipeline import load_with_questions

    model, typecheck = load_with_questions(source, overrides)
    cm = CompiledModel(model)
    return ExploreServer(App(Session(cm), Questions(cm, typecheck)), port)
