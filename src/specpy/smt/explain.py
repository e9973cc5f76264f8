"""Say which part of an invariant is false in one state of a Z3 model.

The symbolic twin of explicit/explain.py, used on the last state of a
counterexample to induction: for an `and` chain the first false conjunct
("conjunct 2 of 3: `...`"), for a `forall` the first binding whose body is
false ("forall a=r1, b=r2"), through inlined `def` calls, recursively. Each
part is encoded over that state's Z3 constants and evaluated in the model.
"""

from __future__ import annotations

import z3

from specpy.diagnostics import SourceFile
from specpy.ir import expr as E
from specpy.ir.parts import conjuncts, span_text
from specpy.ir.values import format_value
from specpy.smt.encode import Env, ExprEncoder
from specpy.smt.values import TRUE, Sym, conj, decode


def explain(e: E.Expr, state: dict[str, Sym], model: z3.ModelRef, source: SourceFile) -> str:
    """A description of the false part of boolean expression e in `state`
    (the Z3 values of one state's variables) under `model`."""
    parts: list[str] = []
    _Explainer(model, source).why(e, Env(state), parts)
    return "; ".join(parts)


class _Explainer:
    def __init__(self, model: z3.ModelRef, source: SourceFile):
        self.model = model
        self.source = source
        self.ex = ExprEncoder()

    def true(self, term: z3.BoolRef) -> bool:
        return z3.is_true(self.model.eval(term, model_completion=True))

    def why(self, e: E.Expr, env: Env, parts: list[str]) -> None:
        if isinstance(e, E.LetIn):
            self.why(e.body, self.ex.let_env(e, env), parts)
            return
        cs = conjuncts(e)
        if len(cs) > 1:
            for n, c in enumerate(cs, 1):
                if not self.true(self.ex.expr(c, env)):
                    text = span_text(self.source, c.span)
                    parts.append(f"conjunct {n} of {len(cs)}" + (f": `{text}`" if text else ""))
                    self.why(c, env, parts)
                    return
        elif isinstance(e, E.Quant) and e.kind == "forall":
            self.why_forall(e, env, parts)

    def why_forall(self, e: E.Quant, env: Env, parts: list[str]) -> None:
        combos: list[tuple[Env, z3.BoolRef]] = []
        self.ex.bind_all(e.bindings, env, lambda inner, guard: combos.append((inner, guard)))
        for inner, guard in combos:
            cond = self.ex.expr(e.cond, inner) if e.cond is not None else TRUE
            if self.true(conj([guard, cond])) and not self.true(self.ex.expr(e.body, inner)):
                shown = ", ".join(
                    f"{local.name}={format_value(decode(self.model, local.type, inner.locals[local.uid]))}"
                    for local, _ in e.bindings
                )
                parts.append(f"forall {shown}")
                self.why(e.body, inner, parts)
                return
