"""What the typechecker learned about names, kept for tools (the language server).

`analyze(..., index=NameIndex())` fills it as it checks, and it stays filled
when the spec has errors (up to where each declaration's check stopped):

* `bindings`: every local name a spec binds (action and operation
  parameters, `let`, `choose`, `for`, `receive`, quantifier, comprehension
  and `fold` variables, tuple patterns, def parameters), with the `ir.Local`
  it became — its type included;
* `uses`: every read of a local, with the same `ir.Local` (locals have unique
  ids, so the uses of one binding are those with its id);
* `symbols`: the global symbol table as far as it was built (constant
  values, state variables' types, declared types...).

Global names need no more: they share one namespace that no local may
shadow (`E-shadowing`), so a tool finds a global's uses among the spec's
NAME tokens (`syntax.parser.tokens`).
"""

from __future__ import annotations

from dataclasses import field

from specpy.diagnostics import Span
from specpy.ir import expr as ir
from specpy.nodeclass import nodeclass
from specpy.semantics.symbols import Symbols


@nodeclass(frozen=False)
class NameIndex:
    bindings: list[tuple[Span, ir.Local]] = field(default_factory=list)
    uses: list[tuple[Span, ir.Local]] = field(default_factory=list)
    symbols: Symbols | None = None

    def bind(self, span: Span, local: ir.Local) -> None:
        self.bindings.append((span, local))

    def use(self, span: Span, local: ir.Local) -> None:
        self.uses.append((span, local))
