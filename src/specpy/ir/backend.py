"""The backend contract: which IR classes a backend handles, and one refusal.

Every backend (explicit/, smt/, tla/, native/) turns IR expressions and
statements into something else. For each kind of node it declares one
`Handlers` table, at module level next to the code that dispatches:

    EXPRESSIONS = Handlers("explicit", "expression", "the explicit checker cannot compile")

    class ExprCompiler:
        def __init__(self):
            self._dispatch = EXPRESSIONS.bind(self)

        @EXPRESSIONS.handles(E.Lit)
        def _lit(self, e, sc): ...

A backend that dispatches with `match` (the statement runners) lists its
cases with `covers(...)` instead and ends the `match` with
`case _: raise STATEMENTS.refuse(st)`. A class the backend cannot do is
declared with `refuses(cls, reason)`. Reaching a refused class, or one the
backend has never heard of, is a located `E-unsupported` diagnostic: the
spec is valid, this backend cannot check it (a spec error, exit 150) — never
a TypeError, which a user would see as a bug in specpy.

tests/ir/test_backend_contract.py enumerates every class in ir/expr.py and
ir/stmt.py and fails, naming the backend and the class, when a backend's
table neither handles nor refuses it: adding an IR node means deciding for
every backend (docs/architecture.md, "Adding a language construct").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from specpy.diagnostics import NO_SPAN, Diagnostic, SpecError, Span

F = TypeVar("F", bound=Callable[..., Any])

#: Every table created so far, in creation order (tables are created when
#: their backend module is imported).
TABLES: list[Handlers] = []


def unsupported(message: str, span: Span) -> SpecError:
    """A located E-unsupported: the spec is valid, but this backend cannot do this (exit 150)."""
    return SpecError([Diagnostic("E-unsupported", message, span)])


class Handlers:
    """One backend's handlers for one kind of IR node ("expression" or "statement").

    `cannot` starts the message a refused node gets, e.g. "the Z3 backend
    cannot encode" (the class name and "yet" follow).
    """

    def __init__(self, backend: str, kind: str, cannot: str):
        self.backend = backend
        self.kind = kind
        self.cannot = cannot
        self.methods: dict[type, str] = {}  # class -> name of the method handling it
        self.covered: set[type] = set()  # classes a `match` handles
        self.refused: dict[type, str] = {}  # class -> why not
        TABLES.append(self)

    def handles(self, *classes: type) -> Callable[[F], F]:
        """Decorator: the method handles nodes of these classes."""

        def register(method: F) -> F:
            for cls in classes:
                self._claim(cls)
                self.methods[cls] = method.__name__
            return method

        return register

    def covers(self, *classes: type) -> Handlers:
        """The classes a `match` statement handles (it ends with `raise self.refuse(node)`)."""
        for cls in classes:
            self._claim(cls)
            self.covered.add(cls)
        return self

    def refuses(self, cls: type, reason: str) -> Handlers:
        """Declare that this backend does not handle cls, and why (shown to the user)."""
        self._claim(cls)
        self.refused[cls] = reason
        return self

    def _claim(self, cls: type) -> None:
        if cls in self.methods or cls in self.covered or cls in self.refused:
            raise ValueError(f"{self.backend} {self.kind} handlers: {cls.__name__} is declared twice")

    def handled(self) -> frozenset[type]:
        return frozenset(self.methods) | frozenset(self.covered)

    def bind(self, obj: object) -> dict[type, Callable[..., Any]]:
        """class -> obj's bound handler method, for a dict lookup per node."""
        return {cls: getattr(obj, name) for cls, name in self.methods.items()}

    def refuse(self, node: object) -> SpecError:
        """The error for a node this backend does not handle, located at the node."""
        cls = type(node)
        if cls in self.methods or cls in self.covered:
            raise AssertionError(f"the {self.backend} backend declares {cls.__name__} handled but did not handle it")
        message = f"{self.cannot} {cls.__name__} {self.kind}s yet"
        if cls in self.refused:
            message += f": {self.refused[cls]}"
        return unsupported(message, getattr(node, "span", NO_SPAN))
