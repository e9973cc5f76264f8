"""Parse tree → AST (specpy.syntax.ast), one handler per grammar rule.

The builder is strict: a tree node without a handler is a programming error
(`__default__` raises), and tests/syntax enumerates the grammar's rules to prove
every one has a handler. It works without recursion (tree.transform),
so tree depth is limited only by parser.MAX_TREE_DEPTH.

Problems the grammar cannot express (a map comprehension whose key is not its
bound variable, a generator passed to something other than `sum`, an integer
literal too long to convert) are collected as diagnostics; `build` raises them
together once the whole tree is built.

Conventions chosen here: a minus sign applied to an integer literal folds into
the literal (`-1` is IntLit(-1), as the range type `-1..MaxBallot` expects);
`s[i..j]` is a Slice whenever the index is a range expression.
"""

from __future__ import annotations

import sys
from typing import Any

from specpy.diagnostics import Diagnostic, SpecError, Span
from specpy.syntax import ast
from specpy.syntax.tree import Meta, Token, Tree, transform

Children = list[Any]


def span_of(path: str, meta: Meta) -> Span:
    """The span of a tree node (its Meta's positions, unchanged)."""
    if getattr(meta, "empty", True):
        return Span(path, 1, 1, 1, 1)
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def token_span(path: str, token: Token) -> Span:
    """The span of a single token."""
    return Span(path, token.line, token.column, token.end_line, token.end_column)


class AstBuilder:
    """Builds AST nodes from a parse tree of one source file: `<rule>(meta, children)` per node."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def build(self, tree: Tree) -> ast.Module:
        module = transform(tree, self)
        if self.diagnostics:
            raise SpecError(self.diagnostics)
        return module

    def __default__(self, data: str, children: Children, meta: Meta) -> Any:
        raise NotImplementedError(f"grammar rule {data!r} has no AST handler")

    # ------------------------------------------------------------ helpers

    def _span(self, meta: Meta) -> Span:
        return span_of(self.path, meta)

    def _ident(self, token: Token) -> ast.Ident:
        return ast.Ident(str(token), token_span(self.path, token))

    def _error(self, code: str, message: str, span: Span) -> None:
        self.diagnostics.append(Diagnostic(code, message, span))

    # ------------------------------------------------------------ declarations

    def module(self, meta: Meta, c: Children) -> ast.Module:
        return ast.Module(tuple(c), self._span(meta))

    def spec_decl(self, meta: Meta, c: Children) -> ast.SpecHeader:
        return ast.SpecHeader(self._ident(c[0]), self._span(meta))

    def const_decl(self, meta: Meta, c: Children) -> ast.ConstDecl:
        return ast.ConstDecl(self._ident(c[0]), c[1], self._span(meta))

    def type_decl(self, meta: Meta, c: Children) -> ast.TypeDecl:
        symmetric, name, body = c
        return ast.TypeDecl(self._ident(name), body, symmetric is not None, self._span(meta))

    def var_decl(self, meta: Meta, c: Children) -> ast.VarDecl:
        durable, name, type_, init = c
        return ast.VarDecl(self._ident(name), type_, init, durable is not None, self._span(meta))

    def init_decl(self, meta: Meta, c: Children) -> ast.InitDecl:
        return ast.InitDecl(c[0], self._span(meta))

    def def_decl(self, meta: Meta, c: Children) -> ast.DefDecl:
        name, params, body = c
        return ast.DefDecl(self._ident(name), params or (), body, self._span(meta))

    def action_decl(self, meta: Meta, c: Children) -> ast.ActionDecl:
        fairness, name, params, body = c
        return ast.ActionDecl(self._ident(name), params or (), body, fairness, self._span(meta))

    def proc_decl(self, meta: Meta, c: Children) -> ast.ProcDecl:
        name, params, body = c
        return ast.ProcDecl(self._ident(name), params or (), body, self._span(meta))

    def operation_decl(self, meta: Meta, c: Children) -> ast.OperationDecl:
        name, params, result, body = c
        return ast.OperationDecl(self._ident(name), params or (), result, body or (), self._span(meta))

    def op_result(self, meta: Meta, c: Children) -> tuple[ast.TypeExpr, ast.Expr]:
        return c[0], c[1]

    def weak_fairness(self, meta: Meta, c: Children) -> str:
        return "weak"

    def strong_fairness(self, meta: Meta, c: Children) -> str:
        return "strong"

    def params(self, meta: Meta, c: Children) -> tuple[ast.Param, ...]:
        return tuple(c)

    def param(self, meta: Meta, c: Children) -> ast.Param:
        return ast.Param(self._ident(c[0]), c[1], self._span(meta))

    def invariant_decl(self, meta: Meta, c: Children) -> ast.InvariantDecl:
        return ast.InvariantDecl(self._ident(c[0]), c[1], self._span(meta))

    def transition_decl(self, meta: Meta, c: Children) -> ast.TransitionDecl:
        return ast.TransitionDecl(self._ident(c[0]), c[1], self._span(meta))

    def property_decl(self, meta: Meta, c: Children) -> ast.PropertyDecl:
        return ast.PropertyDecl(self._ident(c[0]), c[1], self._span(meta))

    def constraint_decl(self, meta: Meta, c: Children) -> ast.ConstraintDecl:
        return ast.ConstraintDecl(c[0], self._span(meta))

    def terminal_decl(self, meta: Meta, c: Children) -> ast.TerminalDecl:
        return ast.TerminalDecl(c[0], self._span(meta))

    def measure_decl(self, meta: Meta, c: Children) -> ast.MeasureDecl:
        return ast.MeasureDecl(self._ident(c[0]), c[1], self._span(meta))

    def processes_decl(self, meta: Meta, c: Children) -> ast.ProcessesDecl:
        return ast.ProcessesDecl(self._ident(c[0]), self._span(meta))

    # ------------------------------------------------------------ temporal formulas

    def always(self, meta: Meta, c: Children) -> ast.Always:
        return ast.Always(c[0], self._span(meta))

    def eventually(self, meta: Meta, c: Children) -> ast.Eventually:
        return ast.Eventually(c[0], self._span(meta))

    def leads_to(self, meta: Meta, c: Children) -> ast.LeadsTo:
        return ast.LeadsTo(c[0], c[1], self._span(meta))

    def state_formula(self, meta: Meta, c: Children) -> ast.StateFormula:
        return ast.StateFormula(c[0], self._span(meta))

    # ------------------------------------------------------------ faults

    def faults_decl(self, meta: Meta, c: Children) -> ast.FaultsDecl:
        return ast.FaultsDecl(tuple(c), self._span(meta))

    def lose_fault(self, meta: Meta, c: Children) -> ast.LoseFault:
        return ast.LoseFault(self._ident(c[0]), self._span(meta))

    def duplicate_fault(self, meta: Meta, c: Children) -> ast.DuplicateFault:
        return ast.DuplicateFault(self._ident(c[0]), self._span(meta))

    def crash_fault(self, meta: Meta, c: Children) -> ast.CrashFault:
        resets = tuple(self._ident(t) for t in c[1:])
        return ast.CrashFault(self._ident(c[0]), resets, self._span(meta))

    def budget_fault(self, meta: Meta, c: Children) -> ast.BudgetFault:
        return ast.BudgetFault(c[0], self._span(meta))

    # ------------------------------------------------------------ types

    def named_type(self, meta: Meta, c: Children) -> ast.NamedType:
        return ast.NamedType(str(c[0]), self._span(meta))

    def option_type(self, meta: Meta, c: Children) -> ast.OptionType:
        return ast.OptionType(c[0], self._span(meta))

    def set_type(self, meta: Meta, c: Children) -> ast.SetType:
        return ast.SetType(c[0], self._span(meta))

    def map_type(self, meta: Meta, c: Children) -> ast.MapType:
        return ast.MapType(c[0], c[1], self._span(meta))

    def seq_type(self, meta: Meta, c: Children) -> ast.SeqType:
        return ast.SeqType(c[0], c[1], self._span(meta))

    def bag_type(self, meta: Meta, c: Children) -> ast.BagType:
        return ast.BagType(c[0], c[1], self._span(meta))

    def unbounded_seq_type(self, meta: Meta, c: Children) -> ast.TypeExpr:
        return self._unbounded("seq", c[0], meta)

    def unbounded_bag_type(self, meta: Meta, c: Children) -> ast.TypeExpr:
        return self._unbounded("bag", c[0], meta)

    def _unbounded(self, kind: str, elem: ast.TypeExpr, meta: Meta) -> ast.TypeExpr:
        what = "sequence needs a maximum length" if kind == "seq" else "bag needs a maximum count of each element"
        self._error(
            "E-unbounded-type",
            f"a {what}, since every type is finite: write `{kind}[T, N]`",
            self._span(meta),
        )
        return elem

    def tuple_type(self, meta: Meta, c: Children) -> ast.TupleType:
        return ast.TupleType(tuple(c), self._span(meta))

    def range_type(self, meta: Meta, c: Children) -> ast.RangeType:
        return ast.RangeType(c[0], c[1], self._span(meta))

    def atoms_body(self, meta: Meta, c: Children) -> ast.AtomsBody:
        return ast.AtomsBody(tuple(self._ident(t) for t in c), self._span(meta))

    def enum_body(self, meta: Meta, c: Children) -> ast.EnumBody:
        return ast.EnumBody(tuple(self._ident(t) for t in c), self._span(meta))

    def record_body(self, meta: Meta, c: Children) -> ast.RecordBody:
        return ast.RecordBody(tuple(c), self._span(meta))

    def field_decl(self, meta: Meta, c: Children) -> ast.FieldDecl:
        return ast.FieldDecl(self._ident(c[0]), c[1], self._span(meta))

    def variant_body(self, meta: Meta, c: Children) -> ast.VariantBody:
        return ast.VariantBody(tuple(c), self._span(meta))

    def bare_alt(self, meta: Meta, c: Children) -> ast.VariantAlt:
        return ast.VariantAlt(self._ident(c[0]), (), self._span(meta))

    def braced_alt(self, meta: Meta, c: Children) -> ast.VariantAlt:
        return ast.VariantAlt(self._ident(c[0]), tuple(c[1:]), self._span(meta))

    # ------------------------------------------------------------ statements

    def block(self, meta: Meta, c: Children) -> tuple[ast.Stmt, ...]:
        return tuple(c)

    def require_stmt(self, meta: Meta, c: Children) -> ast.Require:
        return ast.Require(c[0], self._span(meta))

    def assign_stmt(self, meta: Meta, c: Children) -> ast.Assign:
        target, op, value = c
        return ast.Assign(target, str(op), value, self._span(meta))

    def let_stmt(self, meta: Meta, c: Children) -> ast.Let:
        return ast.Let(c[0], c[1], self._span(meta))

    def name_pattern(self, meta: Meta, c: Children) -> ast.Ident:
        return self._ident(c[0])

    def tuple_pattern(self, meta: Meta, c: Children) -> ast.TuplePattern:
        return ast.TuplePattern(tuple(c), self._span(meta))

    def call_stmt(self, meta: Meta, c: Children) -> ast.CallStmt:
        return ast.CallStmt(self._ident(c[0]), tuple(c[1:]), self._span(meta))

    def match_stmt(self, meta: Meta, c: Children) -> ast.MatchStmt:
        return ast.MatchStmt(c[0], tuple(c[1:]), self._span(meta))

    def match_stmt_arm(self, meta: Meta, c: Children) -> ast.MatchArm:
        *names, body = c
        return ast.MatchArm(tuple(self._ident(n) for n in names), body, self._span(meta))

    def match_arm(self, meta: Meta, c: Children) -> ast.MatchArm:
        return self.match_stmt_arm(meta, c)

    def match_expr(self, meta: Meta, c: Children) -> ast.MatchExpr:
        return ast.MatchExpr(c[0], tuple(c[1:]), self._span(meta))

    def if_stmt(self, meta: Meta, c: Children) -> ast.If:
        *pairs, orelse = c
        branches = tuple((pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))
        return ast.If(branches, orelse, self._span(meta))

    def choose_stmt(self, meta: Meta, c: Children) -> ast.Choose:
        binding, cond, body = c
        return ast.Choose(binding, cond, body, self._span(meta))

    def either_stmt(self, meta: Meta, c: Children) -> ast.Either:
        return ast.Either(tuple(c), self._span(meta))

    def for_stmt(self, meta: Meta, c: Children) -> ast.For:
        binding, cond, body = c
        return ast.For(binding, cond, body, self._span(meta))

    def send_stmt(self, meta: Meta, c: Children) -> ast.Send:
        return ast.Send(c[0], self._ident(c[1]), self._span(meta))

    def receive_stmt(self, meta: Meta, c: Children) -> ast.Receive:
        name, net, cond, body = c
        return ast.Receive(self._ident(name), self._ident(net), cond, body, self._span(meta))

    def assert_stmt(self, meta: Meta, c: Children) -> ast.Assert:
        return ast.Assert(c[0], self._span(meta))

    def binding(self, meta: Meta, c: Children) -> ast.Binding:
        return ast.Binding(c[0], c[1], self._span(meta))

    # ------------------------------------------------------------ expressions

    def if_expr(self, meta: Meta, c: Children) -> ast.IfExpr:
        then, cond, other = c
        return ast.IfExpr(cond, then, other, self._span(meta))

    def quantifier(self, meta: Meta, c: Children) -> ast.Quantifier:
        kind, *groups, cond, body = c
        bindings = tuple(b for group in groups for b in group)
        return ast.Quantifier(str(kind), bindings, cond, body, self._span(meta))

    def binding_group(self, meta: Meta, c: Children) -> tuple[ast.Binding, ...]:
        *names, domain = c
        end = self._span(meta)
        return tuple(
            ast.Binding(
                self._ident(n), domain, Span(self.path, n.line, n.column, end.end_line, end.end_column)
            )
            for n in names
        )

    def tuple_binding_group(self, meta: Meta, c: Children) -> tuple[ast.Binding, ...]:
        *elems, domain = c
        span = self._span(meta)
        return (ast.Binding(ast.TuplePattern(tuple(elems), span), domain, span),)

    def let_expr(self, meta: Meta, c: Children) -> ast.LetExpr:
        pattern, value, body = c
        return ast.LetExpr(pattern, value, body, self._span(meta))

    def choose_expr(self, meta: Meta, c: Children) -> ast.ChooseExpr:
        name, domain, cond = c
        return ast.ChooseExpr(self._ident(name), domain, cond, self._span(meta))

    def tuple_lit(self, meta: Meta, c: Children) -> ast.TupleLit:
        return ast.TupleLit(tuple(c), self._span(meta))

    def fold(self, meta: Meta, c: Children) -> ast.Fold:
        func, acc, acc_type, init, elem, domain, body = c
        if str(func) != "fold":
            self._error(
                "E-syntax-fold",
                f"only `fold` takes an accumulator (`fold(acc = init, x in S: body)`), not `{func}`",
                token_span(self.path, func),
            )
        return ast.Fold(self._ident(acc), acc_type, init, self._ident(elem), domain, body, self._span(meta))

    def binary(self, meta: Meta, c: Children) -> ast.Binary:
        op = " ".join(str(t) for t in c[1:-1])
        return ast.Binary(op, c[0], c[-1], self._span(meta))

    def unary(self, meta: Meta, c: Children) -> ast.Expr:
        op, operand = str(c[0]), c[1]
        span = self._span(meta)
        if op == "-" and isinstance(operand, ast.IntLit):
            return ast.IntLit(-operand.value, span)
        return ast.Unary(op, operand, span)

    def is_expr(self, meta: Meta, c: Children) -> ast.IsExpr:
        return ast.IsExpr(c[0], self._ident(c[1]), self._span(meta))

    def range_expr(self, meta: Meta, c: Children) -> ast.RangeExpr:
        return ast.RangeExpr(c[0], c[1], self._span(meta))

    def index(self, meta: Meta, c: Children) -> ast.Expr:
        operand, key = c
        if isinstance(key, ast.RangeExpr):
            return ast.Slice(operand, key.lo, key.hi, self._span(meta))
        return ast.Index(operand, key, self._span(meta))

    def field_access(self, meta: Meta, c: Children) -> ast.FieldAccess:
        return ast.FieldAccess(c[0], self._ident(c[1]), self._span(meta))

    def name(self, meta: Meta, c: Children) -> ast.Name:
        return ast.Name(str(c[0]), self._span(meta))

    def primed(self, meta: Meta, c: Children) -> ast.Primed:
        return ast.Primed(str(c[0]), self._span(meta))

    def int_lit(self, meta: Meta, c: Children) -> ast.IntLit:
        digits = str(c[0])
        span = self._span(meta)
        limit = sys.get_int_max_str_digits()
        if limit and len(digits) > limit:
            self._error(
                "E-syntax-int-too-long",
                f"integer literal has {len(digits)} digits; at most {limit} are supported",
                span,
            )
            return ast.IntLit(0, span)
        return ast.IntLit(int(digits), span)

    def true_lit(self, meta: Meta, c: Children) -> ast.BoolLit:
        return ast.BoolLit(True, self._span(meta))

    def false_lit(self, meta: Meta, c: Children) -> ast.BoolLit:
        return ast.BoolLit(False, self._span(meta))

    def none_lit(self, meta: Meta, c: Children) -> ast.NoneLit:
        return ast.NoneLit(self._span(meta))

    def call(self, meta: Meta, c: Children) -> ast.Call:
        return ast.Call(self._ident(c[0]), tuple(c[1:]), self._span(meta))

    def generator(self, meta: Meta, c: Children) -> ast.SumExpr | ast.Generator:
        func, elem, *groups, cond = c
        span = self._span(meta)
        bindings = tuple(b for group in groups for b in group)
        if str(func) in ("max", "min"):
            return ast.Generator(self._ident(func), elem, bindings, cond, span)
        if str(func) != "sum":
            self._error(
                "E-syntax-generator",
                f"only `sum`, `max` and `min` take a generator (`sum(e for x in S)`), not `{func}`",
                token_span(self.path, func),
            )
        return ast.SumExpr(elem, bindings, cond, span)

    def set_lit(self, meta: Meta, c: Children) -> ast.SetLit:
        return ast.SetLit(tuple(c), self._span(meta))

    def set_comp(self, meta: Meta, c: Children) -> ast.SetComp:
        elem, *groups, cond = c
        bindings = tuple(b for group in groups for b in group)
        return ast.SetComp(elem, bindings, cond, self._span(meta))

    def map_comp(self, meta: Meta, c: Children) -> ast.MapComp:
        key, value, bound, domain = c
        if str(key) != str(bound):
            self._error(
                "E-syntax-map-comprehension",
                f"a map comprehension's key must be its bound variable: "
                f"write `{{{bound}: ... for {bound} in ...}}`, not `{key}`",
                token_span(self.path, key),
            )
        return ast.MapComp(self._ident(bound), domain, value, self._span(meta))

    def seq_lit(self, meta: Meta, c: Children) -> ast.SeqLit:
        return ast.SeqLit(tuple(c), self._span(meta))

    def construct(self, meta: Meta, c: Children) -> ast.Construct:
        return ast.Construct(self._ident(c[0]), tuple(c[1:]), self._span(meta))

    def field_init(self, meta: Meta, c: Children) -> ast.FieldInit:
        return ast.FieldInit(self._ident(c[0]), c[1], self._span(meta))
