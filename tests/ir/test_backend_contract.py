"""The backend contract (ir/backend.py): every backend decides about every IR class.

Each backend declares a `Handlers` table for expressions and one for
statements. For every class in ir/expr.py and ir/stmt.py, each table must
either handle it or refuse it by name; adding an IR node without deciding
for every backend fails here, naming the backend and the class.

A new backend adds one line to BACKENDS: its name as its tables give it,
and the modules that create them.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from specpy.diagnostics import Span
from specpy.nodeclass import nodeclass
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.backend import TABLES, Handlers, unsupported
from specpy.cli.output import Output
from specpy.result import EXIT_SPEC_ERROR

#: backend name -> the modules declaring its expression and statement tables
BACKENDS: dict[str, tuple[str, ...]] = {
    "explicit": ("specpy.explicit.compile_expr", "specpy.explicit.compile_stmt"),
    "smt": ("specpy.smt.encode", "specpy.smt.paths"),
    "tla": ("specpy.tla.expr", "specpy.tla.action"),
    "native": ("specpy.native.c_expr", "specpy.native.c_stmt"),
}

#: kind of node -> the IR module and base class whose subclasses are that kind
KINDS = {"expression": (E, E.Expr), "statement": (S, S.Stmt)}


def ir_classes(kind: str) -> list[type]:
    module, base = KINDS[kind]
    return [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, base) and c is not base and c.__module__ == module.__name__
    ]


def table(backend: str, kind: str) -> Handlers:
    for name in BACKENDS[backend]:
        importlib.import_module(name)
    found = [t for t in TABLES if t.backend == backend and t.kind == kind]
    assert found, (
        f"backend {backend!r} declares no {kind} handlers: create a Handlers({backend!r}, {kind!r}, ...) "
        f"table in one of {BACKENDS[backend]} (ir/backend.py)"
    )
    assert len(found) == 1, f"backend {backend!r} declares {len(found)} {kind} tables; one is the contract"
    return found[0]


CASES = [(b, k, c) for b in BACKENDS for k in KINDS for c in ir_classes(k)]


@pytest.mark.parametrize(
    "backend, kind, cls", CASES, ids=[f"{b}-{c.__name__}" for b, _, c in CASES]
)
def test_every_backend_handles_or_refuses_every_ir_class(backend: str, kind: str, cls: type) -> None:
    t = table(backend, kind)
    assert cls in t.handled() or cls in t.refused, (
        f"backend {backend!r} forgot the IR {kind} class {cls.__name__} ({cls.__module__}): "
        f"handle it (@{kind.upper()}S.handles({cls.__name__}) on a method, or covers(...) for a `match`) "
        f"or refuse it by name (refuses({cls.__name__}, reason))"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_handler_methods_exist(backend: str) -> None:
    """A table names methods by name; each must be a method of one class in the backend's modules."""
    modules = [importlib.import_module(m) for m in BACKENDS[backend]]
    methods = {
        name for m in modules for _, c in inspect.getmembers(m, inspect.isclass) if c.__module__ == m.__name__
        for name in vars(c)
    }
    for kind in KINDS:
        missing = set(table(backend, kind).methods.values()) - methods
        assert not missing, f"backend {backend!r}: {kind} handlers {sorted(missing)} are not methods"


@nodeclass  # node classes' subclasses are nodeclasses too (specpy/nodeclass.py)
class Unknown(E.Expr):
    """An expression class no backend has heard of."""

    span: Span


SPAN = Span("t.spec", 3, 5, 3, 9)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unknown_class_is_a_located_unsupported_error(backend: str) -> None:
    err = table(backend, "expression").refuse(Unknown(None, SPAN))
    (d,) = err.diagnostics
    assert (d.code, d.span) == ("E-unsupported", SPAN)
    assert "Unknown expressions" in d.message


def test_a_refused_class_says_why() -> None:
    t = Handlers("demo", "expression", "the demo backend cannot compile").refuses(Unknown, "it has no encoding")
    TABLES.remove(t)
    (d,) = t.refuse(Unknown(None, SPAN)).diagnostics
    assert d.message == "the demo backend cannot compile Unknown expressions yet: it has no encoding"


def test_a_class_declared_handled_but_not_handled_is_a_bug() -> None:
    t = Handlers("demo", "expression", "the demo backend cannot compile").covers(Unknown)
    TABLES.remove(t)
    with pytest.raises(AssertionError, match="declares Unknown handled"):
        t.refuse(Unknown(None, SPAN))


def test_the_explicit_compiler_refuses_an_unknown_node_not_with_a_type_error() -> None:
    from specpy.explicit.compile_expr import ExprCompiler, Namespace, Scope, Sites

    ex = ExprCompiler(Namespace(), Sites())
    with pytest.raises(Exception) as info:
        ex.expr(Unknown(None, SPAN), Scope.__new__(Scope))
    assert [d.code for d in info.value.diagnostics] == ["E-unsupported"]


def test_unsupported_is_a_spec_error_exit_150(capsys: pytest.CaptureFixture[str]) -> None:
    assert Output(False).spec_errors(unsupported("no", SPAN).diagnostics, None) == EXIT_SPEC_ERROR == 150
    assert capsys.readouterr().err == "t.spec:3:5: error[E-unsupported]: no\n"
