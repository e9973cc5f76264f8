"""Declarations → the Model: the entry point of the semantics stage.

`analyze(module, source, overrides)` binds constants (after `--const`),
resolves types (after `--type`), checks every declaration and builds the IR.
All independent errors are collected and raised together as one SpecError;
problems with the overrides themselves raise OptionError (exit 151).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import os
import re

from specpy.diagnostics import Note, SourceFile
from specpy.ir import expr as ir
from specpy.ir import stmt as irs
from specpy.ir.const_terms import ConstTerm
from specpy.ir.model import (
    Action, CrashFault, Faults, Model, NamedExpr, Operation, StateVar, TemporalProperty, with_fault_counter,
)
from specpy.ir.types import AtomT, BagT, EnumT, SetT, VariantT, describe_size, is_finite, type_name, universe_size
from specpy.options import OptionError, Overrides
from specpy.semantics.consts import ConstEvaluator, ConstValue, parse_const_override
from specpy.semantics.errors import Abort, ErrorSink
from specpy.semantics.index import NameIndex
from specpy.semantics.exprs import MAX_UNIVERSE, Context, ExprChecker, Scope
from specpy.semantics.stmts import StmtChecker
from specpy.semantics.symbols import DefInfo, Symbols
from specpy.semantics.types import TypeResolver
from specpy.syntax import ast

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: The parameter an operation's result becomes (ir.model.Operation); not a name a spec can write.
RESULT_PARAM = "result value"


def analyze(module: ast.Module, source: SourceFile, overrides: Overrides, index: NameIndex | None = None) -> Model:
    """The Model; `index`, if given, is filled with what the check learns about names
    (semantics/index.py), also when it raises SpecError."""
    return _Analyzer(module, source, overrides, index).run()


def analyze_with_questions(
    module: ast.Module, source: SourceFile, overrides: Overrides
) -> tuple[Model, Callable[[ast.Expr], ir.Expr]]:
    """The Model, and a function that typechecks a free expression over its
    state as an invariant's would be (any type; no primes): the explorer's
    question box (explore/). The function raises SpecError with the
    expression's located diagnostics."""
    analyzer = _Analyzer(module, source, overrides)
    model = analyzer.run()

    def check(e: ast.Expr) -> ir.Expr:
        analyzer.errors.diagnostics.clear()
        checked = analyzer.guarded(
            lambda: analyzer.exprs.value(analyzer.exprs.check(e, Scope(), Context("the expression"), None), e.span)
        )
        analyzer.errors.raise_if_any()
        return checked

    return model, check


class _Analyzer:
    def __init__(self, module: ast.Module, source: SourceFile, overrides: Overrides, index: NameIndex | None = None):
        self.module = module
        self.source = source
        self.overrides = overrides
        self.errors = ErrorSink()
        self.symbols = Symbols()
        self.const_decls: dict[str, ast.ConstDecl] = {}
        self.type_decls: dict[str, ast.TypeDecl] = {}
        self._evaluating: list[str] = []
        self.consts = ConstEvaluator(self.errors, self._const_lookup)
        self.types = TypeResolver(self.errors, self.symbols, self.consts, self.type_decls, dict(overrides.types))
        self.exprs = ExprChecker(self.errors, self.symbols, self.types)
        if index is not None:
            index.symbols = self.symbols
            self.exprs.index = index
        self.stmts = StmtChecker(self.exprs)

    def of(self, cls):
        return [d for d in self.module.decls if isinstance(d, cls)]

    def guarded(self, fn, *args):
        """Run one declaration's check; an error in it does not stop the others."""
        try:
            return fn(*args)
        except Abort:
            return None

    # ------------------------------------------------------------ driver

    def run(self) -> Model:
        self.declare_names()
        self.check_overrides()
        for d in self.of(ast.ConstDecl):
            self.guarded(self._const_value, d.name.name)
        for d in self.of(ast.TypeDecl):
            t = self.guarded(self.types.declared, d.name.name)
            if t is not None:
                self.guarded(self.register_members, d, t)
        state_vars = [v for v in (self.guarded(self.declare_var, d, i) for i, d in enumerate(self.of(ast.VarDecl))) if v]
        for d in self.of(ast.DefDecl):
            self.symbols.defs[d.name.name] = DefInfo(d)
        init = self.check_init()
        actions = [a for a in (self.guarded(self.check_action, d) for d in self.of(ast.ActionDecl)) if a]
        operations = [o for o in (self.guarded(self.check_operation, d) for d in self.of(ast.OperationDecl)) if o]
        for d in self.of(ast.DefDecl):  # defs no one calls are still checked
            self.guarded(self.exprs.def_body, d.name.name, Context(f"def {d.name.name}"))
        for d in self.of(ast.ProcDecl):  # and so are procedures
            self.guarded(self.stmts.check_proc, d)
        invariants = self.named(ast.InvariantDecl, "invariant", primes=False)
        transitions = self.named(ast.TransitionDecl, "transition invariant", primes=True)
        properties = [p for p in (self.guarded(self.check_property, d) for d in self.of(ast.PropertyDecl)) if p]
        constraints = self.predicates(ast.ConstraintDecl, "a constraint")
        terminals = self.predicates(ast.TerminalDecl, "a terminal condition")
        faults = self.guarded(self.check_faults)
        processes = self.guarded(self.check_processes)
        measures = self.measures()
        self.errors.raise_if_any()
        header = self.of(ast.SpecHeader)
        name = header[0].name.name if header else _module_name(self.source.path)
        model = Model(
            name=name,
            source=self.source,
            constants=dict(self.symbols.consts),
            constant_terms=self.constant_terms(),
            declared_at={d.name.name: d.span for d in self.of(ast.ConstDecl) + self.of(ast.TypeDecl)},
            types=dict(self.symbols.types),
            vars=tuple(state_vars),
            init=init,
            actions=tuple(actions),
            invariants=tuple(invariants),
            transitions=tuple(transitions),
            properties=tuple(properties),
            constraints=tuple(constraints),
            terminals=tuple(terminals),
            faults=faults,
            processes=processes,
            operations=tuple(operations),
            measures=tuple(measures),
        )
        return with_fault_counter(model)

    # ------------------------------------------------------------ names

    def declare(self, ident: ast.Ident, kind_ok_twice: bool = False) -> None:
        spans = self.symbols.spans
        if ident.name in spans and not kind_ok_twice:
            self.errors.report(
                "E-duplicate-decl",
                f"`{ident.name}` is declared twice",
                ident.span,
                (Note("first declared here", spans[ident.name]),),
            )
            return
        spans.setdefault(ident.name, ident.span)

    def declare_names(self) -> None:
        headers = self.of(ast.SpecHeader)
        for extra in headers[1:]:
            self.errors.report("E-duplicate-decl", "a spec has one `spec Name` header", extra.span)
        for kind in (ast.InitDecl, ast.FaultsDecl):
            blocks = self.of(kind)
            for extra in blocks[1:]:
                word = "init" if kind is ast.InitDecl else "faults"
                self.errors.report(
                    "E-duplicate-decl", f"a spec has at most one `{word}` block", extra.span,
                    (Note("the first one is here", blocks[0].span),),
                )
        for d in self.module.decls:
            match d:
                case ast.ConstDecl(name=n):
                    self.declare(n)
                    self.const_decls.setdefault(n.name, d)
                case ast.TypeDecl(name=n):
                    self.declare(n)
                    self.type_decls.setdefault(n.name, d)
                case ast.VarDecl(name=n) | ast.DefDecl(name=n) | ast.InvariantDecl(name=n) \
                        | ast.TransitionDecl(name=n) | ast.PropertyDecl(name=n) | ast.MeasureDecl(name=n):
                    self.declare(n)
                case ast.ActionDecl(name=n):
                    self.declare(n)
                    self.symbols.actions.add(n.name)
                case ast.OperationDecl(name=n):
                    self.declare(n)
                case ast.ProcDecl(name=n):
                    self.declare(n)
                    self.symbols.procs.setdefault(n.name, d)
        for d in self.of(ast.TypeDecl):
            body = d.body
            if isinstance(body, ast.AtomsBody) and d.name.name not in self.overrides.types:
                self._unique_members(body.members, d.name.name)
                for m in body.members:
                    self.declare(m)
            elif isinstance(body, ast.EnumBody):
                self._unique_members(body.members, d.name.name)
            elif isinstance(body, ast.VariantBody):
                for alt in body.alts:
                    self.declare(alt.name)

    def _unique_members(self, members: tuple[ast.Ident, ...], owner: str) -> None:
        seen: dict[str, ast.Ident] = {}
        for m in members:
            if m.name in seen:
                self.errors.report(
                    "E-duplicate-member", f"`{m.name}` appears twice in type {owner}", m.span,
                    (Note("first here", seen[m.name].span),),
                )
            seen[m.name] = m

    def register_members(self, d: ast.TypeDecl, t) -> None:
        if isinstance(t, AtomT) and isinstance(d.body, ast.AtomsBody):
            for m in t.members:
                if m in self.symbols.atoms:
                    self.errors.fail(
                        "E-duplicate-decl", f"atom `{m}` belongs to two types ({self.symbols.atoms[m].name} and {t.name})",
                        d.name.span,
                    )
                self.symbols.atoms[m] = t
        elif isinstance(t, EnumT) and isinstance(d.body, ast.EnumBody):
            for m in d.body.members:
                if m.name in self.symbols.spans:
                    self.errors.fail(
                        "E-duplicate-decl",
                        f"enum member `{m.name}` is also the name of a {self.symbols.kind_of(m.name) or 'declaration'}",
                        m.span, (Note("declared here", self.symbols.spans[m.name]),),
                    )
                self.symbols.enum_members.setdefault(m.name, []).append(t)
        elif isinstance(t, VariantT) and isinstance(d.body, ast.VariantBody):
            for c in t.cases:
                self.symbols.cases[c.name] = t

    # ------------------------------------------------------------ overrides

    def _member_owner(self, member: str, overridden: str) -> str | None:
        """The other type (enum, or atoms as declared or given by --type) that has `member`."""
        for name, d in self.type_decls.items():
            if name == overridden or not isinstance(d.body, (ast.EnumBody, ast.AtomsBody)):
                continue
            if name in self.overrides.types and isinstance(d.body, ast.AtomsBody):
                members = self.overrides.types[name]
            else:
                members = tuple(m.name for m in d.body.members)
            if member in members:
                return name
        return None

    def check_overrides(self) -> None:
        for name, text in self.overrides.consts.items():
            if name not in self.const_decls:
                raise OptionError(_unknown_override("--const", "constant", name, list(self.const_decls)))
            if parse_const_override(text) is None:
                raise OptionError(f"--const {name}={text}: expected an integer or true/false")
        for name, members in self.overrides.types.items():
            decl = self.type_decls.get(name)
            if decl is None:
                raise OptionError(_unknown_override("--type", "type", name, list(self.type_decls)))
            if not isinstance(decl.body, ast.AtomsBody):
                raise OptionError(f"--type {name}=...: only a type of atoms (`type {name} = {{a, b}}`) can be overridden")
            if not members:
                raise OptionError(f"--type {name}=: a type needs at least one member")
            for m in members:
                if not _IDENT.match(m) or m in _RESERVED:
                    raise OptionError(f"--type {name}: `{m}` is not a valid atom name")
            if len(set(members)) != len(members):
                raise OptionError(f"--type {name}: a member is listed twice")
            for m in members:
                if m in self.symbols.spans:
                    raise OptionError(f"--type {name}: `{m}` is already declared in the spec")
                owner = self._member_owner(m, name)
                if owner is not None:
                    raise OptionError(f"--type {name}: `{m}` is already a member of type {owner}")
                self.symbols.spans[m] = decl.name.span

    # ------------------------------------------------------------ constants

    def _const_lookup(self, n: ast.Name) -> ConstValue:
        if n.name in self.const_decls:
            return self._const_value(n.name, n)
        kind = self.symbols.kind_of(n.name)
        if n.name in {d.name.name for d in self.of(ast.VarDecl)}:
            kind = "state variable"
        if kind is not None:
            self.errors.fail(
                "E-not-constant", f"`{n.name}` is a {kind}; a constant expression can only use constants", n.span
            )
        import difflib  # only for a misspelled name: not on every run's start-up

        close = difflib.get_close_matches(n.name, list(self.const_decls), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.errors.fail("E-unknown-name", f"unknown constant `{n.name}`{hint}", n.span)

    def constant_terms(self) -> dict[str, ConstTerm]:
        """How each `const` defined from other constants was written (not overridden
        ones: `--const` gives a value). The TLA+ export writes these as definitions
        and the others as CONSTANTS."""
        out = {}
        for name, decl in self.const_decls.items():
            term = None if name in self.overrides.consts else self.consts.term(decl.value)
            if term is not None and name in self.symbols.consts:
                out[name] = term
        return out

    def _const_value(self, name: str, use: ast.Name | None = None) -> ConstValue:
        if name in self.symbols.consts:
            return self.symbols.consts[name]
        decl = self.const_decls[name]
        if name in self.overrides.consts:
            value = parse_const_override(self.overrides.consts[name])
            declared_bool = isinstance(decl.value, ast.BoolLit)
            if isinstance(value, bool) != declared_bool:
                raise OptionError(
                    f"--const {name}={self.overrides.consts[name]}: {name} is "
                    + ("a boolean" if declared_bool else "an integer")
                )
            self.symbols.consts[name] = value
            return value
        if name in self._evaluating:
            self.errors.fail(
                "E-recursive-const", f"constant {name} is defined in terms of itself", (use or decl.name).span
            )
        self._evaluating.append(name)
        try:
            value = self.consts.value(decl.value)
        finally:
            self._evaluating.pop()
        self.symbols.consts[name] = value
        return value

    # ------------------------------------------------------------ variables and init

    def declare_var(self, d: ast.VarDecl, index: int) -> StateVar | None:
        t = self.types.resolve(d.type)
        if not is_finite(t):
            self.errors.fail("E-unbounded-type", f"variable {d.name.name} has an unbounded type {type_name(t)}", d.type.span)
        v = StateVar(d.name.name, t, index, d.durable, span=d.name.span)
        self.symbols.vars[v.name] = v
        return v

    def check_init(self) -> tuple[irs.Stmt, ...]:
        ctx = Context("the initial state", assigned=set())
        out: list[irs.Stmt] = []
        for d in self.of(ast.VarDecl):
            if d.init is None or d.name.name not in self.symbols.vars:
                continue
            assign = ast.Assign(ast.Name(d.name.name, d.name.span), "=", d.init, span=d.span)
            s = self.guarded(self.stmts.stmt, assign, Scope(), ctx)
            ctx.assigned.add(d.name.name)
            if s is not None:
                out.append(s)
        for block in self.of(ast.InitDecl)[:1]:
            scope = Scope()
            for stmt in block.body:
                s = self.guarded(self.stmts.stmt, stmt, scope, ctx)
                if s is not None:
                    out.append(s)
                elif isinstance(stmt, ast.Assign) and isinstance(stmt.target, ast.Name):
                    ctx.assigned.add(stmt.target.name)  # reported already; no second error
        for d in self.of(ast.VarDecl):
            if d.name.name in self.symbols.vars and d.name.name not in ctx.assigned:
                self.errors.report(
                    "E-uninitialised",
                    f"variable {d.name.name} is never given an initial value"
                    " (add `= value` to its declaration, or assign it on every path of `init`)",
                    d.name.span,
                )
        return tuple(out)

    # ------------------------------------------------------------ actions

    def check_action(self, d: ast.ActionDecl) -> Action:
        scope = Scope()
        params = []
        for p in d.params:
            t = self.types.resolve(p.type)
            n = universe_size(t)
            if n > MAX_UNIVERSE:
                self.errors.fail(
                    "E-universe-too-large", f"parameter {p.name.name} ranges over {describe_size(n)} values of {type_name(t)}", p.type.span
                )
            params.append(self.exprs.new_local(scope, p.name, t))
        tuples = _product_size(universe_size(p.type) for p in params)
        if len(params) > 1 and tuples > MAX_UNIVERSE:
            self.errors.fail(
                "E-universe-too-large",
                f"action {d.name.name} has {describe_size(tuples)} parameter tuples, more than the "
                f"{MAX_UNIVERSE:,} specpy enumerates",
                d.name.span,
            )
        body = self.stmts.block(d.body, scope, Context(f"action {d.name.name}"))
        self.stmts.check_lost_writes(body)
        return Action(d.name.name, tuple(params), body, d.fairness, span=d.name.span)

    def check_operation(self, d: ast.OperationDecl) -> Operation:
        """An operation is checked as the action it means (ir.model.Operation): with a
        result `-> T = e`, one more parameter of type T that must equal e before the body."""
        params, body = d.params, d.body
        if d.result is not None:
            result_type, value = d.result
            scope = Scope()  # the result alone first, for a message about it rather than about `==`
            for p in d.params:
                self.exprs.new_local(scope, p.name, self.types.resolve(p.type))
            what = f"the result of operation {d.name.name}"
            self.exprs.check_as(value, scope, Context(f"operation {d.name.name}"), self.types.resolve(result_type), what)
            returned = ast.Name(RESULT_PARAM, span=value.span)
            params += (ast.Param(ast.Ident(RESULT_PARAM, span=result_type.span), result_type, span=result_type.span),)
            body = (ast.Require(ast.Binary("==", returned, value, span=value.span), span=value.span), *body)
        action = self.check_action(ast.ActionDecl(d.name, params, body, None, d.span))
        return Operation(action, d.result is not None, span=d.name.span)

    # ------------------------------------------------------------ properties

    def named(self, cls, what: str, primes: bool) -> list[NamedExpr]:
        out = []
        for d in self.of(cls):
            ctx = Context(f"{what} {d.name.name}", primes=primes)
            e = self.guarded(self.exprs.check_bool, d.expr, Scope(), ctx, f"{what} {d.name.name}")
            if e is not None:
                out.append(NamedExpr(d.name.name, e, span=d.name.span))
        return out

    def measures(self) -> list[NamedExpr]:
        """`measure NAME: expr`: an integer expression over one state (no primes)."""
        out = []
        for d in self.of(ast.MeasureDecl):
            what = f"measure {d.name.name}"
            e = self.guarded(self.exprs.check_int, d.expr, Scope(), Context(what), what)
            if e is not None:
                out.append(NamedExpr(d.name.name, e, span=d.name.span))
        return out

    def predicates(self, cls, what: str) -> list[ir.Expr]:
        out = []
        for d in self.of(cls):
            e = self.guarded(self.exprs.check_bool, d.expr, Scope(), Context(what), what)
            if e is not None:
                out.append(e)
        return out

    def check_property(self, d: ast.PropertyDecl) -> TemporalProperty:
        f = d.formula
        ctx = Context(f"property {d.name.name}")

        def state(e: ast.Expr) -> ir.Expr:
            return self.exprs.check_bool(e, Scope(), ctx, "a state predicate in a property")

        match f:
            case ast.Always(body=ast.Eventually(body=ast.StateFormula(expr=p))):
                return TemporalProperty(d.name.name, "always eventually", state(p), span=d.name.span)
            case ast.Eventually(body=ast.Always(body=ast.StateFormula(expr=p))):
                return TemporalProperty(d.name.name, "eventually always", state(p), span=d.name.span)
            case ast.Always(body=ast.StateFormula(expr=p)):
                return TemporalProperty(d.name.name, "always", state(p), span=d.name.span)
            case ast.Eventually(body=ast.StateFormula(expr=p)):
                return TemporalProperty(d.name.name, "eventually", state(p), span=d.name.span)
            case ast.LeadsTo(left=p, right=q):
                return TemporalProperty(d.name.name, "leadsto", state(p), state(q), span=d.name.span)
            case ast.StateFormula():
                self.errors.fail(
                    "E-not-temporal",
                    "a property needs a temporal operator (`always`, `eventually`, `leadsto`); "
                    "a plain state predicate is an `invariant`",
                    f.span,
                )
        self.errors.fail(
            "E-unsupported-temporal",
            "supported properties are `always P`, `eventually P`, `always eventually P`, "
            "`eventually always P` and `P leadsto Q` for state predicates P, Q",
            f.span,
        )

    # ------------------------------------------------------------ faults

    def check_processes(self) -> AtomT | None:
        """`processes T` (at most one): T must be a type of atoms."""
        decls = self.of(ast.ProcessesDecl)
        for extra in decls[1:]:
            self.errors.report(
                "E-duplicate-decl", "a spec has at most one `processes` declaration", extra.span,
                (Note("the first one is here", decls[0].span),),
            )
        if not decls:
            return None
        name = decls[0].type
        t = self.types.resolve(ast.NamedType(name.name, name.span))
        if not isinstance(t, AtomT):
            self.errors.fail(
                "E-processes-type", f"`processes` needs a type of atoms (servers, clients); {name.name} is not one", name.span
            )
        return t

    def check_faults(self) -> Faults | None:
        blocks = self.of(ast.FaultsDecl)
        if not blocks:
            return None
        lose, dup, crash, budget, budget_term = [], [], [], None, None
        for item in blocks[0].items:
            match item:
                case ast.LoseFault(net=n) | ast.DuplicateFault(net=n):
                    word = "lose" if isinstance(item, ast.LoseFault) else "duplicate"
                    v = self.symbols.vars.get(n.name)
                    if v is None or not isinstance(v.type, (SetT, BagT)):
                        self.errors.fail(
                            "E-not-a-network",
                            f"`{word}` needs a state variable of type set[...] or bag[...]; `{n.name}` is not one",
                            n.span,
                        )
                    if word == "duplicate" and not isinstance(v.type, BagT):
                        self.errors.fail(
                            "E-duplicate-needs-bag",
                            f"`duplicate {n.name}` needs a bag: a set cannot hold a second copy",
                            n.span, (Note("declared here", v.span),),
                        )
                    (lose if word == "lose" else dup).append(n.name)
                case ast.CrashFault(type=tn, resets=resets):
                    t = self.types.resolve(ast.NamedType(tn.name, tn.span))
                    if not isinstance(t, AtomT):
                        self.errors.fail("E-crash-type", f"`crash` needs a type of atoms (servers, processes); {tn.name} is not one", tn.span)
                    for r in resets:
                        if r.name not in self.symbols.vars:
                            self.errors.fail("E-unknown-name", f"`resets` lists `{r.name}`, which is not a state variable", r.span)
                    crash.append(CrashFault(t, tuple(r.name for r in resets), span=item.span))
                case ast.BudgetFault(value=e):
                    budget = self.consts.int_value(e, "the fault budget")
                    budget_term = self.consts.term(e)
                    if budget < 0:
                        self.errors.fail("E-negative-bound", "the fault budget must be at least 0", e.span)
        return Faults(tuple(lose), tuple(dup), tuple(crash), budget, budget_term, span=blocks[0].span)


def _unknown_override(flag: str, what: str, name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    listing = ", ".join(known) if known else "none"
    return f"{flag} {name}: the spec declares no {what} named {name}{hint} (declared: {listing})"


def _module_name(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", stem) if p) or "Spec"


_RESERVED = {"true", "false", "none", "and", "or", "not", "in", "if", "else"}


def _product_size(sizes: Iterable[int]) -> int:
    """The product of universe sizes, stopping as soon as it passes MAX_UNIVERSE."""
    n = 1
    for size in sizes:
        n *= size
        if n > MAX_UNIVERSE:
            break
    return n
