"""Say which part of a failed invariant is false, on the violating state only.

The compiled invariant check only answers "which invariant"; this slow path
re-evaluates the invariant's parts: for an `and` chain the first false
conjunct ("conjunct 2 of 3: `...`"), for a `forall` the first binding whose
body is false ("forall a=r1, b=r2"), recursively.
"""

from __future__ import annotations

from typing import Any

from specpy.diagnostics import Span
from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import EvalFailure
from specpy.explicit.state import codec
from specpy.ir import expr as E
from specpy.ir.parts import conjuncts, span_text
from specpy.ir.values import format_value


def explain(cm: CompiledModel, e: E.Expr, state: tuple) -> tuple[str, Span | None]:
    """A description of the false part of e in state, and its span."""
    parts: list[str] = []
    span = _why(cm, e, state, {}, parts)
    return "; ".join(parts), span


def _value(cm: CompiledModel, e: E.Expr, state: tuple, bindings: dict[E.Local, Any]) -> Any:
    return cm.state_function(e, bindings)(state)


def _why(cm: CompiledModel, e: E.Expr, state: tuple, bindings: dict[E.Local, Any], parts: list[str]) -> Span | None:
    try:
        cs = conjuncts(e)
        if len(cs) > 1:
            for n, c in enumerate(cs, 1):
                if not _value(cm, c, state, bindings):
                    text = span_text(cm.model.source, c.span)
                    parts.append(f"conjunct {n} of {len(cs)}" + (f": `{text}`" if text else ""))
                    return _why(cm, c, state, bindings, parts) or c.span
            return None
        if isinstance(e, E.Quant) and e.kind == "forall":
            return _why_forall(cm, e, state, bindings, parts)
    except EvalFailure:
        return None  # the invariant's name and trace still stand; the detail stays partial
    return None


def _why_forall(
    cm: CompiledModel, e: E.Quant, state: tuple, bindings: dict[E.Local, Any], parts: list[str]
) -> Span | None:
    for combo in _bindings(cm, e.bindings, state, bindings):
        if e.cond is not None and not _value(cm, e.cond, state, combo):
            continue
        if not _value(cm, e.body, state, combo):
            shown = ", ".join(
                f"{local.name}={format_value(codec(local.type).decode(combo[local]))}" for local, _ in e.bindings
            )
            parts.append(f"forall {shown}")
            return _why(cm, e.body, state, combo, parts) or e.body.span
    return None


def _bindings(cm: CompiledModel, bindings: tuple, state: tuple, bound: dict[E.Local, Any]):
    if not bindings:
        yield bound
        return
    (local, dom), rest = bindings[0], bindings[1:]
    coll = _value(cm, dom, state, bound)
    for v in codec(dom.type).members(coll):
        yield from _bindings(cm, rest, state, {**bound, local: v})
