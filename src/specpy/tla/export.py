"""The Model as a TLA+ module and a TLC configuration (`specpy tla`).

The module mirrors specpy's semantics so that TLC explores the identical
state space (docs/tla.md has the full mapping and why):
- each action is one operator, parameters become `\\E` in Next;
- terminal states get the stuttering disjunct `Terminated` in Next, which
  keeps TLC from reporting them as deadlocks (TLC has no notion of a
  legitimate end state; its only per-state exemption is having a
  successor). Distinct states and depth are unchanged; TLC's count of
  states generated is higher by one per reachable terminal state;
- invariants are INVARIANTs in declaration order, transition invariants
  PROPERTYs `[][T]_vars`, `constraint` the CONSTRAINT, deadlock checking
  CHECK_DEADLOCK, symmetric atom types a SYMMETRY set (when symmetry is on);
- fairness becomes WF/SF conjuncts of Spec (per parameter tuple, as
  specpy), temporal properties PROPERTYs;
- the `faults` block becomes one action per fault line, with the budget
  counter `faults` (docs/language.md, Faults);
- a value leaving its type is an evaluation error in TLC too (`Stored`,
  `Checked`: a CHOOSE from the empty set, TLC exit 75), an `assert` a
  TLC Assert (exit 14).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from specpy.diagnostics import Span
from specpy.ir.backend import unsupported
from specpy.ir.expr import BoolOp
from specpy.ir.model import BUDGET_VAR, Action, Model
from specpy.ir.types import AtomT, BagT, BoolT, EnumT, IntT, MapT, OptionT, RangeT, RecordT, SeqT, SetT, Type, VariantT
from specpy.options import CheckOptions, Overrides
from specpy.tla.action import PathWriter, guard
from specpy.tla.expr import ExprWriter, Tx
from specpy.tla.formula import Atom, conj, disj, render
from specpy.tla.names import GlobalNames, LocalScope
from specpy.tla.tlc import model_info
from specpy.tla.tlc_output import ModelInfo

#: Helper definitions, written only when the module uses them (in this order).
HELPER_DEFS: tuple[tuple[str, str], ...] = (
    ("EvalError", 'EvalError(what) == CHOOSE err \\in {} : err = what'),
    ("Stored", "Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)"),
    ("Checked", 'Checked(vv, SS) == IF vv \\in SS THEN vv ELSE EvalError("a value outside its type")'),
    ("Holds", "Holds(PP) == PP = TRUE  \\* PP evaluated as one Boolean (TLC would explore \\/ and \\E in an action as alternatives)"),
    ("Evaluated", "Evaluated(vv) == vv = vv  \\* forces vv's evaluation here (specpy evaluates a `let` where it stands)"),
    ("Unwrap", 'Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv'),
    ("Min", "Min(SS) == CHOOSE mm \\in SS : \\A xx \\in SS : mm =< xx"),
    ("Max", "Max(SS) == CHOOSE mm \\in SS : \\A xx \\in SS : mm >= xx"),
    ("Slice", "Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)"),
    ("Range", "Range(ss) == {ss[ii] : ii \\in DOMAIN ss}"),
    ("SumOver", "SumOver(SS, FF(_)) ==\n    LET sum[TT \\in SUBSET SS] == IF TT = {} THEN 0 ELSE LET xx == CHOOSE xx \\in TT : TRUE IN FF(xx) + sum[TT \\ {xx}]\n    IN  sum[SS]"),
    ("ChooseLeast", "ChooseLeast(SS, Rank(_)) == CHOOSE xx \\in SS : \\A yy \\in SS : Rank(xx) =< Rank(yy)"),
    ("FoldSeq", "FoldSeq(FF(_, _), init, ss) ==\n    LET ff[ii \\in 0..Len(ss)] == IF ii = 0 THEN init ELSE FF(ff[ii - 1], ss[ii])\n    IN  ff[Len(ss)]"),
    ("FoldSet", "FoldSet(FF(_, _), init, SS, Rank(_)) ==  \\* in canonical order: the greatest element is folded in last\n    LET ff[TT \\in SUBSET SS] == IF TT = {} THEN init ELSE LET xx == CHOOSE xx \\in TT : \\A yy \\in TT : Rank(yy) =< Rank(xx) IN FF(ff[TT \\ {xx}], xx)\n    IN  ff[SS]"),
    ("SeqOf", "SeqOf(SS, nn) == UNION {[1..kk -> SS] : kk \\in 0..nn}"),
    ("BagOf", "BagOf(SS, nn) == UNION {[DD -> 1..nn] : DD \\in SUBSET SS}"),
    ("IsSeqOf", "IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\\ \\A ii \\in DOMAIN ss : ss[ii] \\in SS"),
    ("IsBagOf", "IsBagOf(bb, SS, nn) == DOMAIN bb \\subseteq SS /\\ \\A ee \\in DOMAIN bb : bb[ee] =< nn"),
)
HELPER_COMMENT = (
    "\\* specpy checks a value where it is stored: one outside its declared type is an\n"
    "\\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75)."
)
TEMPORAL = {
    "always": "[]({p})",
    "eventually": "<>({p})",
    "always eventually": "[]<>({p})",
    "eventually always": "<>[]({p})",
    "leadsto": "({p}) ~> ({q})",
}


@dataclass(frozen=True)
class Exported:
    module: str  # the TLA+ module name (file stem)
    tla: str
    cfg: str
    info: ModelInfo  # how to read TLC's output on it (names, types, fault steps)

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        tla, cfg = directory / f"{self.module}.tla", directory / f"{self.module}.cfg"
        tla.write_text(self.tla, encoding="utf-8")
        cfg.write_text(self.cfg, encoding="utf-8")
        return tla, cfg


def export(model: Model, options: CheckOptions, overrides: Overrides | None = None, source_ref: str | None = None) -> Exported:
    """The TLA+ module and .cfg of `model`; `source_ref` names the spec in the header."""
    return Exporter(model, options, overrides or Overrides(), source_ref or model.source.path).run()


#: The first comment line of an exported module (Exporter.header); `exported_from` reads it back.
HEADER_START, HEADER_END, WITH = "\\* Exported by specpy from ", "; do not edit.", " (with "


@dataclass(frozen=True)
class Provenance:
    """What an exported module says it was exported from."""

    spec: str  # the spec's path, relative to the module's folder
    overrides: Overrides


def exported_from(tla_text: str) -> Provenance | None:
    """The spec and overrides an exported module names in its header; None if
    specpy did not write it. The inverse of Exporter.header's first comment."""
    lines = tla_text.splitlines()
    line = lines[1] if len(lines) > 1 else ""
    if not (line.startswith(HEADER_START) and line.endswith(HEADER_END)):
        return None
    body = line[len(HEADER_START) : -len(HEADER_END)]
    spec, _, tail = body.partition(WITH)
    consts: dict[str, str] = {}
    types: dict[str, tuple[str, ...]] = {}
    words = tail.removesuffix(")").split()
    for flag, value in zip(words, words[1:]):
        name, eq, v = value.partition("=")
        if flag == "--const" and eq:
            consts[name] = v
        elif flag == "--type" and eq:
            types[name] = tuple(v.split(","))
    return Provenance(spec, Overrides(consts=consts, types=types))


def source_reference(spec: Path, out_dir: Path) -> str:
    """The spec's path as the exported header records it: relative to the output directory."""
    return Path(os.path.relpath(spec.resolve(), out_dir.resolve())).as_posix()


class Exporter:
    """Writes one model; `names` maps the spec's names to TLA+ identifiers."""

    def __init__(self, model: Model, options: CheckOptions, overrides: Overrides, source_ref: str):
        self.model = model
        self.options = options
        self.overrides = overrides
        self.source_ref = source_ref
        self.names = GlobalNames()
        self._register_names()
        self.type_names = self._type_names()
        tag = "tag"
        while any(f == tag for t in model.types.values() if isinstance(t, VariantT) for c in t.cases for f, _ in c.fields):
            tag += "_"
        self.ex = ExprWriter(self._type_name, lambda a: self.names[a], tag)
        self.env = {v.name: Tx(self.names[v.name]) for v in model.vars}
        self.initial_defs: list[str] = []  # what a crash restores (written before the fault steps)

    def _register_names(self) -> None:
        m = self.model
        for v in m.vars:
            self.names.add(v.name)
        for name in m.constants:
            self.names.add(name)
        for name, t in m.types.items():
            self.names.add(name)
            if isinstance(t, AtomT):
                for a in t.members:
                    self.names.add(a)
        for group in (m.actions, m.invariants, m.transitions, m.properties, m.measures):
            for item in group:
                self.names.add(item.name)
        if m.faults is not None:  # the fault steps' operators (see faults())
            for kind, nets in (("Lose", m.faults.lose), ("Duplicate", m.faults.duplicate)):
                for net in nets:
                    self.names.add(f"{kind}_{net}")
            for c in m.faults.crash:
                self.names.add(f"Crash_{self.names[c.type.name]}")
        self.module = self.names.add(m.name)

    def _type_names(self) -> dict[Type, str]:
        """Each named type's TLA+ name (and, in `type_decls`, the spec's name of its declaration)."""
        out: dict[Type, str] = {}
        self.type_decls: dict[Type, str] = {}
        for name, t in self.model.types.items():
            if isinstance(t, (AtomT, EnumT, RecordT, VariantT)) and getattr(t, "name", None) == name or isinstance(t, RangeT):
                out.setdefault(t, self.names[name])
                self.type_decls.setdefault(t, name)
        return out

    def _type_name(self, t: Type) -> str | None:
        return self.type_names.get(t)

    def scope(self) -> LocalScope:
        return LocalScope(self.names.used)

    # ------------------------------------------------------------ module

    def run(self) -> Exported:
        m = self.model
        body: list[str] = []
        body += self.constant_defs() + self.type_defs()
        var_list = ", ".join(self.names[v.name] for v in m.vars)
        body += self.declarations("VARIABLE", [(self.names[v.name], v.span) for v in m.vars])
        body += [f"vars == <<{var_list}>>", ""]
        body += self.definition("Init", PathWriter(m, self.ex, primed=False, idents=self.env).formula(m.init, self.scope(), self.env))
        for a in m.actions:
            body += self.action(a)
        fault_lines, fault_arms = self.faults()
        if self.initial_defs:
            body += ["\\* The initial values a crash restores."] + self.initial_defs + [""]
        body += fault_lines
        body += self.next(fault_arms)
        for inv in m.invariants:
            body += self.comment_above(inv.span)
            body += [f"{self.names[inv.name]} ==", "    " + self.ex.expr(inv.expr, self.scope(), self.env).text, ""]
        for tr in m.transitions:
            text = self.ex.expr(tr.expr, self.scope(), self.env).op()
            body += [f"{self.names[tr.name]} == [][{text}]_vars", ""]
        if m.constraints:
            parts = [self.ex.expr(c, self.scope(), self.env).op() for c in m.constraints]
            body += ["Constraint ==", "    " + " /\\ ".join(parts), ""]
        for ms in m.measures:
            body += [
                f"\\* measure {ms.name}: specpy check reports its min and max over the reachable states;",
                "\\* TLC does not compute those (the .cfg does not name it). Evaluate it in a trace with ALIAS.",
                f"{self.names[ms.name]} ==", "    " + self.ex.expr(ms.expr, self.scope(), self.env).text, "",
            ]
        body += self.symmetry()
        body += self.liveness()
        text = "\n".join(body)
        helpers = [d for name, d in HELPER_DEFS if _uses(text, name) or name == "EvalError" and _uses(text, "Stored|Checked|Unwrap")]
        head = self.header(uses_none=_uses(text, "None"))
        if helpers:
            head += [HELPER_COMMENT if any(_uses(h, "EvalError") for h in helpers) else ""] + helpers + [""]
        tla = "\n".join(head + body).rstrip() + "\n" + "=" * 77 + "\n"
        return Exported(self.module, tla, self.cfg(text), model_info(m, self.names.mapping, self.ex.tag, tla))

    def header(self, uses_none: bool) -> list[str]:
        m = self.model
        out = [f"{'-' * 30} MODULE {self.module} {'-' * 30}"]
        out.append(f"{HEADER_START}{self.source_ref}{self.command_tail()}{HEADER_END}")
        out.append("\\* The .cfg beside this file binds the model values and says what TLC checks.")
        out += ["EXTENDS Integers, Sequences, FiniteSets, Bags, TLC", ""]
        if self.parameters():
            out += ["\\* The spec's constants, assigned in the .cfg."]
            out += self.declarations("CONSTANT", [(self.names[c], m.declared_at.get(c)) for c in self.parameters()]) + [""]
        consts = [self.names[a] for t in m.types.values() if isinstance(t, AtomT) for a in t.members]
        consts = list(dict.fromkeys(consts))
        if uses_none:
            consts.append("None")
        if consts:
            out += ["CONSTANTS " + ", ".join(consts) + "   \\* model values (see the .cfg)", ""]
        return out

    def command_tail(self) -> str:
        o = self.overrides
        parts = [f" --const {k}={v}" for k, v in o.consts.items()]
        parts += [f" --type {k}={','.join(v)}" for k, v in o.types.items()]
        if not self.options.check_deadlock:
            parts.append(" --no-deadlock")
        if not self.options.symmetry and self.model.symmetric_types():
            parts.append(" --no-symmetry")
        return f"{WITH.rstrip()}{''.join(parts)})" if parts else ""

    def type_defs(self) -> list[str]:
        out: list[str] = []
        done: set[Type] = set()

        def emit(t: Type) -> None:
            for part in _components(t):
                emit(part)
            name = self.type_names.get(t)
            if name is None or t in done:
                return
            done.add(t)
            declared = self.model.declared_at.get(self.type_decls.get(t, ""))
            out.extend(self.comment_above(declared) if declared is not None else [])
            out.append(f"{name} == {self.ex.type_set(t, named=False)}")

        for t in self.model.types.values():
            emit(t)
        return out + [""] if out else []

    def definition(self, head: str, formula) -> list[str]:
        return [f"{head} =="] + ["    " + line for line in render(formula)] + [""]

    def action(self, a: Action) -> list[str]:
        sc = self.scope()
        params = [sc.bind(p.uid, p.name) for p in a.params]
        head = self.names[a.name] + (f"({', '.join(params)})" if params else "")
        formula = PathWriter(self.model, self.ex, primed=True, idents=self.env).formula(a.body, sc, self.env)
        return self.comment_above(a.span) + self.definition(head, formula)

    def declarations(self, keyword: str, items: list[tuple[str, Span | None]]) -> list[str]:
        """`VARIABLES a, b` (or CONSTANTS), or one `VARIABLE a` per name when the
        spec has comments above them, so that each comment stays with its name."""
        comments = [self.comment_above(span) if span is not None else [] for _, span in items]
        if not any(comments):
            return [f"{keyword}S " + ", ".join(name for name, _ in items)]
        out: list[str] = []
        for (name, _), comment in zip(items, comments):
            out += comment + [f"{keyword} {name}"]
        return out

    def comment_above(self, span) -> list[str]:
        """The spec's `#` comment lines just above a declaration, as TLA+ `\\*` lines
        (each stays one line comment: nothing in it can end the comment)."""
        lines = self.model.source.text.splitlines()
        i, out = span.line - 2, []
        while 0 <= i < len(lines) and lines[i].lstrip().startswith("#"):
            text = lines[i].lstrip()[1:].rstrip()
            out.append("\\*" + text if text else "\\*")
            i -= 1
        return out[::-1]

    def call(self, a: Action) -> str:
        """`\\E p \\in P : A(p)`: the action for every parameter tuple."""
        sc = self.scope()
        binds = [f"{sc.bind(p.uid, p.name)} \\in {self.ex.type_set(p.type).op()}" for p in a.params]
        name = self.names[a.name]
        if not binds:
            return name
        args = ", ".join(sc.bound[p.uid] for p in a.params)
        return f"\\E {', '.join(binds)} : {name}({args})"

    def next(self, fault_arms: list[str]) -> list[str]:
        m = self.model
        arms = [Atom(self.call(a)) for a in m.actions] + [Atom(f) for f in fault_arms]
        out: list[str] = []
        if m.terminals:
            terminal = m.terminals[0]
            for t in m.terminals[1:]:
                terminal = BoolOp(terminal.type, "or", terminal, t)
            cond = guard(self.ex, terminal, self.scope(), self.env)
            out += [
                "\\* A terminal state is a legitimate end: a stuttering step keeps TLC from",
                "\\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).",
                "Terminated ==",
                f"    /\\ {cond}",
                "    /\\ UNCHANGED vars",
                "",
            ]
            arms.append(Atom("Terminated"))
        if not arms:
            arms = [Atom("FALSE")]
        return out + self.definition("Next", disj(arms))

    # ------------------------------------------------------------ faults

    def faults(self) -> tuple[list[str], list[str]]:
        """The fault steps as actions (docs/language.md, Faults), and their arms of Next.

        Same steps, order and budget as the explicit checker: `lose` (one step
        per distinct element), `duplicate` (per distinct element below the bag's
        bound), `crash` (per atom: volatile map entries and `resets` variables
        back to their initial values), each needing `faults < budget` and
        adding 1 when there is a budget.
        """
        f = self.model.faults
        if f is None:
            return [], []
        lines = ["\\* Fault steps (the spec's `faults` block)" + (f", at most {f.budget} per behaviour, counted by `faults`." if f.budget is not None else ".")]
        arms: list[str] = []
        budget = [Atom(f"{self.names[BUDGET_VAR]} < {f.budget}")] if f.budget is not None else []
        count = {BUDGET_VAR: Tx(f"{self.names[BUDGET_VAR]} + 1", atomic=False)} if f.budget is not None else {}
        for kind, nets in (("lose", f.lose), ("duplicate", f.duplicate)):
            for net in nets:
                v = self.model.var(net)
                name = self.names.add(f"{kind.capitalize()}_{net}")
                ident = self.names[net]
                msg = "msg" if "msg" not in self.names.used else "msg_"
                if isinstance(v.type, BagT):
                    op = "(-)" if kind == "lose" else "(+)"
                    new = Tx(f"{ident} {op} SetToBag({{{msg}}})", atomic=False)
                    domain = f"BagToSet({ident})"
                else:
                    new, domain = Tx(f"{ident} \\ {{{msg}}}", atomic=False), ident
                guard = [Atom(f"CopiesIn({msg}, {ident}) < {v.type.max_count}")] if kind == "duplicate" else []
                lines += self.definition(f"{name}({msg})", conj(budget + guard + [self.finish({net: new, **count})]))
                arms.append(f"\\E {msg} \\in {domain} : {name}({msg})")
        if f.crash:
            initial = self.initial_values(f)
            for c in f.crash:
                type_name = self.type_names[c.type]
                name = self.names.add(f"Crash_{type_name}")
                who = "who" if "who" not in self.names.used else "who_"
                changes: dict[str, Tx] = dict(count)
                for v in self.model.vars:
                    if not v.durable and isinstance(v.type, MapT) and v.type.key == c.type:
                        changes[v.name] = Tx(f"[{self.names[v.name]} EXCEPT ![{who}] = {initial[v.name]}[{who}]]")
                for r in c.resets:
                    changes[r] = Tx(initial[r])
                lines += self.definition(f"{name}({who})", conj(budget + [self.finish(changes)]))
                arms.append(f"\\E {who} \\in {type_name} : {name}({who})")
        return lines, arms

    def finish(self, changes: dict[str, Tx]):
        """`x' = ...` for the changed variables, UNCHANGED for the others."""
        env = dict(self.env)
        env.update(changes)
        return PathWriter(self.model, self.ex, primed=True, idents=self.env).finish(env)

    def initial_values(self, f) -> dict[str, str]:
        """Definitions `Initial_x == <x's initial value>` for what a crash restores.

        Read off `init` by substitution; specpy rejects a crash whose restored
        values differ between initial states, and this export needs `init` to
        be straight-line where a crash reads it.
        """
        from specpy.tla.action import straight_env

        env = straight_env(self.model, self.ex, self.scope(), self.env)
        if env is None:
            raise unsupported(
                "the TLA+ export of `crash` needs an `init` without require, choose, either or for", f.span
            )
        out: dict[str, str] = {}
        restored = {r for c in f.crash for r in c.resets} | {
            v.name for c in f.crash for v in self.model.vars
            if not v.durable and isinstance(v.type, MapT) and v.type.key == c.type
        }
        for v in self.model.vars:
            if v.name not in restored:
                continue
            name = self.names.add(f"Initial_{v.name}")
            out[v.name] = name
            self.initial_defs.append(f"{name} == {env[v.name]}")
        return out

    def symmetry(self) -> list[str]:
        sym = self.model.symmetric_types()
        if not (sym and self.options.symmetry):
            return []
        return ["Symmetry == " + " \\cup ".join(f"Permutations({self.type_names[t]})" for t in sym), ""]

    def fairness(self) -> list[str]:
        """WF/SF of every parameter tuple separately (`\\A p \\in P : WF_vars(A(p))`), as specpy."""
        out = []
        for a in self.model.actions:
            if a.fairness is None:
                continue
            kind = "WF" if a.fairness == "weak" else "SF"
            sc = self.scope()
            binds = [f"{sc.bind(p.uid, p.name)} \\in {self.ex.type_set(p.type).op()}" for p in a.params]
            name = self.names[a.name]
            if not binds:
                out.append(f"{kind}_vars({name})")
                continue
            args = ", ".join(sc.bound[p.uid] for p in a.params)
            out.append(f"(\\A {', '.join(binds)} : {kind}_vars({name}({args})))")
        return out

    def parameters(self) -> list[str]:
        """The spec's constants that are TLA+ CONSTANTS: those not defined from other constants."""
        return [c for c in self.model.constants if c not in self.model.constant_terms]

    def constant_defs(self) -> list[str]:
        """`Q == N \\div 2 + 1` for each constant defined from others, each after those it reads."""
        m = self.model
        out: list[str] = []
        done = set(self.parameters())
        pending = dict(m.constant_terms)
        while pending:
            ready = [n for n, t in pending.items() if t.names() <= done]
            name = ready[0] if ready else next(iter(pending))  # a cycle is refused by the front end
            term = pending[name]
            out += self.comment_above(m.declared_at[name]) if name in m.declared_at else []
            out.append(f"{self.names[name]} == {self.ex.const(term)}")
            done.add(name)
            del pending[name]
        return out + [""] if out else []

    def liveness(self) -> list[str]:
        m = self.model
        out: list[str] = []
        for p in m.properties:
            sc = self.scope()
            form = TEMPORAL[p.kind].format(
                p=self.ex.expr(p.p, sc, self.env).text, q=self.ex.expr(p.q, sc, self.env).text if p.q is not None else ""
            )
            out += [f"{self.names[p.name]} == {form}", ""]
        if m.properties or self.fairness():
            spec = ["Init", "[][Next]_vars"] + self.fairness()
            out += ["Spec ==", "    " + " /\\ ".join(spec), ""]
        return out

    # ------------------------------------------------------------ cfg

    def cfg(self, body: str) -> str:
        m = self.model
        out = [f"\\* TLC configuration for {self.module}.tla, exported by specpy from {self.source_ref}{self.command_tail()}."]
        consts = [self.names[a] for t in m.types.values() if isinstance(t, AtomT) for a in t.members]
        consts = list(dict.fromkeys(consts)) + (["None"] if _uses(body, "None") else [])
        values = [f"    {self.names[c]} = {self.ex.value(BoolT() if isinstance(v, bool) else IntT(), v)}" for c, v in m.constants.items() if c in self.parameters()]
        if consts or values:
            out.append("CONSTANTS")
            out += values
            out += [f"    {c} = {c}" for c in consts]
        if m.properties or self.fairness():
            out.append("SPECIFICATION Spec")
        else:
            out += ["INIT Init", "NEXT Next"]
        for inv in m.invariants:
            out.append(f"INVARIANT {self.names[inv.name]}")
        for tr in m.transitions:
            out.append(f"PROPERTY {self.names[tr.name]}")
        for p in m.properties:
            out.append(f"PROPERTY {self.names[p.name]}")
        if m.constraints:
            out.append("CONSTRAINT Constraint")
        if "Symmetry ==" in body:
            out.append("SYMMETRY Symmetry")
        out.append(f"CHECK_DEADLOCK {'TRUE' if self.options.check_deadlock else 'FALSE'}")
        return "\n".join(out) + "\n"


def _uses(text: str, names: str) -> bool:
    import re

    return re.search(rf"\b({names})\b", text) is not None


def _components(t: Type) -> list[Type]:
    match t:
        case RecordT(fields=fs):
            return [ft for _, ft in fs]
        case VariantT(cases=cs):
            return [ft for c in cs for _, ft in c.fields]
        case SetT(e) | SeqT(e, _) | BagT(e, _) | OptionT(e):
            return [e]
        case MapT(k, v):
            return [k, v]
    return []
