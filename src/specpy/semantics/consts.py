"""Constant expressions: `const` values, type bounds, the fault budget.

They are evaluated during analysis (after `--const` overrides), over integer
and boolean literals and other constants only; a state variable or anything
else that varies is an error here.
"""

from __future__ import annotations

from collections.abc import Callable

from specpy.ir.const_terms import ConstTerm
from specpy.ir.values import parse_integer
from specpy.semantics.errors import ErrorSink
from specpy.syntax import ast

ConstValue = int | bool


class ConstEvaluator:
    """Evaluates constant expressions; `lookup` resolves a constant's name."""

    def __init__(self, errors: ErrorSink, lookup: Callable[[ast.Name], ConstValue]):
        self.errors = errors
        self.lookup = lookup

    def int_value(self, e: ast.Expr, what: str) -> int:
        v = self.value(e)
        if isinstance(v, bool):
            self.errors.fail("E-const-type", f"{what} must be an integer, found a boolean", e.span)
        return v

    def value(self, e: ast.Expr) -> ConstValue:
        match e:
            case ast.IntLit(value=v):
                return v
            case ast.BoolLit(value=v):
                return v
            case ast.Name():
                return self.lookup(e)
            case ast.Unary(op="-", operand=x):
                return -self.int_value(x, "the operand of `-`")
            case ast.Unary(op="not", operand=x):
                return not self.bool_value(x)
            case ast.Binary(op=op, left=l, right=r) if op in ("+", "-", "*", "//", "%"):
                a = self.int_value(l, f"the left side of `{op}`")
                b = self.int_value(r, f"the right side of `{op}`")
                if op in ("//", "%") and b == 0:
                    self.errors.fail("E-const-div-zero", "division by zero in a constant expression", e.span)
                return {"+": a + b, "-": a - b, "*": a * b, "//": a // b if b else 0, "%": a % b if b else 0}[op]
            case ast.Binary(op=op, left=l, right=r) if op in ("<", "<=", ">", ">="):
                a = self.int_value(l, f"the left side of `{op}`")
                b = self.int_value(r, f"the right side of `{op}`")
                return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
            case ast.Binary(op=op, left=l, right=r) if op in ("==", "!="):
                return (self.value(l) == self.value(r)) == (op == "==")
            case ast.Binary(op=op, left=l, right=r) if op in ("and", "or", "implies"):
                a = self.bool_value(l)
                if op == "and":
                    return a and self.bool_value(r)
                if op == "or":
                    return a or self.bool_value(r)
                return (not a) or self.bool_value(r)
            case ast.IfExpr(cond=c, then=t, other=o):
                return self.value(t) if self.bool_value(c) else self.value(o)
            case ast.Call(func=f, args=args) if f.name in ("min", "max") and len(args) == 2:
                a = self.int_value(args[0], f"an argument of {f.name}")
                b = self.int_value(args[1], f"an argument of {f.name}")
                return min(a, b) if f.name == "min" else max(a, b)
        self.errors.fail(
            "E-not-constant",
            "expected a constant expression (integer or boolean literals, constants and arithmetic)",
            e.span,
        )

    def term(self, e: ast.Expr) -> ConstTerm | None:
        """How e, a constant expression `value` accepted, was written; None when it
        names no constant (a literal is then the best spelling of its value)."""
        t = _term(e)
        return t if t.names() else None

    def bool_value(self, e: ast.Expr) -> bool:
        v = self.value(e)
        if not isinstance(v, bool):
            self.errors.fail("E-const-type", "expected a boolean constant, found an integer", e.span)
        return v


def parse_const_override(text: str) -> ConstValue | None:
    """`--const N=V` values: an integer or true/false; None if neither."""
    t = text.strip()
    if t in ("true", "TRUE", "True"):
        return True
    if t in ("false", "FALSE", "False"):
        return False
    try:
        return parse_integer(t)
    except ValueError:
        return None


def _term(e: ast.Expr) -> ConstTerm:
    match e:
        case ast.IntLit(value=v):
            return ConstTerm("int", (v,))
        case ast.BoolLit(value=v):
            return ConstTerm("bool", (v,))
        case ast.Name(name=n):
            return ConstTerm.name(n)
        case ast.Unary(op="-", operand=x):
            return ConstTerm("neg", (_term(x),))
        case ast.Unary(op="not", operand=x):
            return ConstTerm("not", (_term(x),))
        case ast.Binary(op=op, left=l, right=r):
            return ConstTerm(op, (_term(l), _term(r)))
        case ast.IfExpr(cond=c, then=t, other=o):
            return ConstTerm("if", (_term(c), _term(t), _term(o)))
        case ast.Call(func=f, args=args):
            return ConstTerm(f.name, tuple(_term(a) for a in args))
    raise AssertionError(f"not a constant expression: {type(e).__name__}")  # value() refused it first
