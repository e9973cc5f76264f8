"""How a constant value was written: `MaxBallot`, `N // 2 + 1`.

The checkers read values only. The TLA+ export writes a constant by the name
the spec gave it (the spec's `const`s become TLA+ CONSTANTS assigned in the
.cfg), so the front end keeps these small terms beside the values it
computed: on `Lit.const`, on `RangeT`/`SeqT`/`BagT` bounds, on the fault
budget and on `const` declarations defined from other constants. A term is
kept only when it names a constant; a bound written as a literal has none.
Terms never take part in equality or hashing, so two types or literals with
the same value are the same whatever their spelling.
"""

from __future__ import annotations

from specpy.nodeclass import nodeclass


@nodeclass
class ConstTerm:
    """`op` is "name", "int" or "bool" (a leaf: `args` holds the name or the value),
    or an operator of a constant expression (semantics/consts.py): `+ - * // %`,
    the comparisons, `and or implies`, "neg", "not", "if" (three operands), "min",
    "max"; `args` holds its operand terms."""

    op: str
    args: tuple

    @staticmethod
    def name(name: str) -> ConstTerm:
        return ConstTerm("name", (name,))

    def names(self) -> set[str]:
        """The constants this term reads."""
        if self.op == "name":
            return {self.args[0]}
        if self.op in ("int", "bool"):
            return set()
        return set().union(*(a.names() for a in self.args))
