"""Statement lists (an action body or `init`) as one TLA+ formula.

specpy's statements run top to bottom on a working copy of the state. Here
the working copy is `env`: for each variable, the TLA+ expression of its
current value in terms of the old state (substitution). A path through the
statements becomes a conjunction, in statement order, of the guards
(`require`), the checks (`assert`, a stored value's type) and, at its end,
`x' = <current value>` for every variable the path changed and
`UNCHANGED <<...>>` for the rest (in `init`: `x = <value>` for all).
Conjuncts keep statement order because TLC evaluates them left to right:
an evaluation error or a failed assert must happen exactly where specpy
raises it, not after a later `require` abandoned the path.

Forks: `either` is a disjunction, `choose` an `\\E`, and an `if` whose
branches can abandon or fork the path an IF/THEN/ELSE of the two paths (the
statements after it are written in both, as the explicit checker's
generated code does); an `if` that only assigns merges into IF/THEN/ELSE
values. `for` is unrolled: over a constant set in canonical order, over a
state-dependent set as a walk over the element type's values in canonical
order, each guarded by membership, so the iteration order is specpy's.
A variable whose new value is read again later is bound by LET, so values
are written once however often they are read.
"""

from __future__ import annotations

from dataclasses import dataclass

from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.backend import Handlers, unsupported
from specpy.ir.model import Model
from specpy.ir.types import MapT, RecordT, SeqT, SetT, contains, order_key, universe, universe_size
from specpy.tla.expr import ExprWriter, Tx, compound, needs_store_check
from specpy.tla.formula import Atom, Formula, Ite, Let, conj, disj
from specpy.tla.formula import Exists as ExistsF
from specpy.tla.names import LocalScope

#: A `for` over a state-dependent set is unrolled over its element type's
#: values; larger element types are refused rather than written unreadably.
FOR_UNROLL_MAX = 64


@dataclass(frozen=True)
class _Bind:
    """Bind a local to a TLA+ text from here on (an unrolled loop's value)."""

    uid: int
    text: Tx


@dataclass(frozen=True)
class _Guarded:
    """An unrolled loop iteration over a state-dependent set: run body if cond."""

    cond: Tx
    body: tuple


def _mentions(node: object, var: str) -> bool:
    """Does the IR node (statement, expression, list) read or write state variable `var`?"""
    if isinstance(node, E.VarRef):
        return node.name == var
    if isinstance(node, S.Assign) and node.var == var:
        return True
    if isinstance(node, (list, tuple)):
        return any(_mentions(x, var) for x in node)
    if isinstance(node, _Guarded):
        return _mentions(node.body, var)
    if isinstance(node, (E.Expr, S.Stmt, S.IndexStep)):
        return any(_mentions(getattr(node, f), var) for f in node.__dataclass_fields__ if f not in ("type", "span"))
    return False


def _reads_local(node: object, local: E.Local) -> bool:
    """Does the IR node read the local variable `local`?"""
    if isinstance(node, E.LocalRef):
        return node.local == local
    if isinstance(node, (list, tuple)):
        return any(_reads_local(x, local) for x in node)
    if isinstance(node, (E.Expr, S.IndexStep)):
        return any(_reads_local(getattr(node, f), local) for f in node.__dataclass_fields__ if f not in ("type", "span"))
    return False


def _reads_only_at(node: object, var: str, path: tuple) -> bool:
    """Does the expression read state variable `var` only as `var<path>` (an assignment's target)?"""
    steps: list = []
    at = node
    while isinstance(at, (E.Index, E.GetField)):
        steps.append(S.IndexStep(at.index) if isinstance(at, E.Index) else S.FieldStep(at.field))
        at = at.operand
    if isinstance(at, E.VarRef) and at.name == var and not at.primed and tuple(reversed(steps)) == path:
        return True
    if isinstance(node, E.VarRef):
        return node.name != var
    if isinstance(node, (list, tuple)):
        return all(_reads_only_at(x, var, path) for x in node)
    if isinstance(node, E.Expr):
        return all(_reads_only_at(getattr(node, f), var, path) for f in node.__dataclass_fields__ if f not in ("type", "span"))
    return True


def _type_at(t, path) -> object:
    """The type of the component `path` selects in a value of type t."""
    for step in path:
        match t, step:
            case MapT(), S.IndexStep():
                t = t.value
            case SeqT(), S.IndexStep():
                t = t.elem
            case RecordT(), S.FieldStep():
                t = dict(t.fields)[step.name]
            case _:
                return None
    return t


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    """`a and b and c` as [a, b, c] (each becomes one bullet of the action)."""
    if isinstance(e, E.BoolOp) and e.op == "and":
        return _conjuncts(e.left) + _conjuncts(e.right)
    return [e]


def _branches(e: E.Expr) -> bool:
    """Would TLC explore e as alternatives inside an action?

    TLC's next-state evaluation treats `\\/`, `\\E`, `\\A`, `=>`, IF and LET
    in an action as formulas to explore, not values: a guard `A \\/ B` with both
    true gives two (equal) successors, and B is evaluated even when A holds.
    """
    match e:
        case E.BoolOp(op="and"):
            return _branches(e.left) or _branches(e.right)
        case E.Quant(kind="forall"):  # each element's body is explored in turn
            return e.cond is not None or _branches(e.body)
        case E.Cond():  # the condition is a value, the chosen branch is explored
            return _branches(e.then) or _branches(e.other)
        case E.BoolOp() | E.Quant():  # or, implies, exists
            return True
        case E.LetIn():
            return _branches(e.body)
    return False


def guard(ex: ExprWriter, e: E.Expr, sc: LocalScope, env: dict[str, Tx]) -> str:
    """A Boolean conjunct of an action, evaluated by TLC as one value (as specpy does)."""
    text = ex.expr(e, sc, env).text
    return f"Holds({text})" if _branches(e) else text


def _fallible(e: object) -> bool:
    """Can evaluating e fail (an index, a variant's field, none, division, min/max, last)?"""
    if isinstance(e, E.MinMax) and isinstance(e.operand, E.SetLit) and e.operand.elems:
        return _fallible(e.operand)  # min/max of a non-empty literal set cannot fail itself
    if isinstance(e, (E.Index, E.Unwrap, E.MinMax, E.Last)):
        return True
    if isinstance(e, E.GetField) and not isinstance(e.operand.type, RecordT):
        return True
    if isinstance(e, E.Arith) and e.op in ("//", "%"):
        return True
    if isinstance(e, (list, tuple)):
        return any(_fallible(x) for x in e)
    if isinstance(e, E.Expr):
        return any(_fallible(getattr(e, f)) for f in e.__dataclass_fields__ if f not in ("type", "span"))
    return False


def _straight(stmts) -> bool:
    """No statement can abandon or fork the path (it only assigns and binds)."""
    for st in stmts:
        match st:
            case S.Require() | S.Choose() | S.Either() | S.Assert():
                return False
            case S.If(then=a, orelse=b):
                if not (_straight(a) and _straight(b)):
                    return False
            case S.For():
                return False
    return True


#: The statement classes `PathWriter.run` writes (ir/backend.py: the backend contract).
STATEMENTS = Handlers("tla", "statement", "the TLA+ export cannot write").covers(
    S.Require, S.Assert, S.Assign, S.Let, S.If, S.Either, S.Choose, S.For
)


class PathWriter:
    """Writes the formula of one statement list of `model`."""

    def __init__(self, model: Model, ex: ExprWriter, primed: bool, idents: dict[str, Tx]):
        self.model = model
        self.ex = ex
        self.primed = primed  # False for `init`: assign unprimed variables
        self.idents = idents  # each state variable's TLA+ name

    def formula(self, stmts: tuple, sc: LocalScope, env: dict[str, Tx]) -> Formula:
        return self.run(list(stmts), sc, dict(env))

    # ------------------------------------------------------------ paths

    def run(self, items: list, sc: LocalScope, env: dict[str, Tx]) -> Formula:
        ex = self.ex
        parts: list[Formula] = []
        i = 0
        while i < len(items):
            st = items[i]
            i += 1
            rest = items[i:]
            match st:
                case _Bind(uid, text):
                    sc.bound[uid] = text.text
                case _LetText(name, text):
                    return conj(parts + [Let(((name, text),), self.run(rest, sc, env))])
                case _Guarded(cond, body) if _straight(body):
                    parts.extend(self.merge_if(cond, body, (), sc, env))
                case _Guarded(cond, body):
                    branches = (self.run(list(b) + rest, sc.copy(), dict(env)) for b in (body, ()))
                    return conj(parts + [Ite(cond.text, *branches)])
                case S.Require(cond):
                    parts.extend(Atom(guard(ex, c, sc, env)) for c in _conjuncts(cond))
                case S.Assert(cond):
                    c = ex.expr(cond, sc, env)
                    parts.append(Atom(f'Assert({c}, "assert at {st.span}")'))
                case S.Assign():
                    defs, checks = self.assign(st, sc, env, bind=_mentions(rest, st.var))
                    if defs:
                        return conj(parts + [Let(tuple(defs), conj(checks + [self.run(rest, sc, env)]))])
                    parts.extend(checks)
                case S.Let(local, value):
                    v = ex.expr(value, sc, env)
                    if isinstance(value, (E.Lit, E.LocalRef, E.VarRef)) and v.atomic:
                        sc.bound[local.uid] = v.text
                        continue
                    name = sc.bind(local.uid, local.name)
                    # specpy evaluates a `let` where it stands, TLA+'s LET only where
                    # it is used: a value that can fail is forced here, so the
                    # evaluation error happens at the same point of the path.
                    forced = [Atom(f"Evaluated({name})")] if _fallible(value) else []
                    return conj(parts + [Let(((name, v.text),), conj(forced + [self.run(rest, sc, env)]))])
                case S.If(cond, then, orelse):
                    c = ex.expr(cond, sc, env)
                    if _straight(then) and _straight(orelse):
                        parts.extend(self.merge_if(c, then, orelse, sc, env))
                        continue
                    branches = (self.run(list(b) + rest, sc.copy(), dict(env)) for b in (then, orelse))
                    return conj(parts + [Ite(c.text, *branches)])
                case S.Either(branches):
                    return conj(parts + [disj([self.run(list(b) + rest, sc.copy(), dict(env)) for b in branches])])
                case S.Choose(local, domain, cond, body):
                    inner = sc.copy()
                    dom = ex.domain(domain, sc, env)
                    name = inner.bind(local.uid, local.name)
                    where = [S.Require(cond)] if cond is not None else []
                    body_formula = self.run(where + list(body) + rest, inner, dict(env))
                    return conj(parts + [ExistsF(f"{name} \\in {dom.op()}", body_formula)])
                case S.For() if (update := self.loop_as_map(st, sc, env)) is not None:
                    var, value, checks = update
                    if _mentions(rest, var):
                        name = sc.fresh(var)
                        env[var] = Tx(name)
                        return conj(parts + [Let(((name, value.text),), conj(checks + [self.run(rest, sc, env)]))])
                    env[var] = value
                    parts.extend(checks)
                case S.For():
                    items = self.unroll(st, sc, env) + rest
                    i = 0
                case _:
                    raise STATEMENTS.refuse(st)
        return conj(parts + [self.finish(env)])

    def finish(self, env: dict[str, Tx]) -> Formula:
        names = [(self.idents[v.name].text, env[v.name]) for v in self.model.vars]
        if not self.primed:
            return conj([Atom(f"{name} = {value}") for name, value in names])
        changed: list[Formula] = [Atom(f"{name}' = {value}") for name, value in names if value.text != name]
        same = [name for name, value in names if value.text == name]
        if same:
            changed.append(Atom("UNCHANGED <<" + ", ".join(same) + ">>"))
        return conj(changed)

    # ------------------------------------------------------------ statements

    def assign(self, st: S.Assign, sc: LocalScope, env: dict[str, Tx], bind: bool, inline: bool = False) -> tuple[list, list[Formula]]:
        """Update env[st.var]; return the LET definitions and check conjuncts that go here.

        With `bind`, the new value is given a LET name (it is read again later);
        a value whose type must be checked is named too, so that the check,
        at this point of the path, and the use share one evaluation. With
        `inline` (inside a merged if) nothing is named.
        """
        ex = self.ex
        value = ex.expr(st.value, sc, env)
        defs: list[tuple[str, str]] = []
        checks: list[Formula] = []
        if needs_store_check(st.value.type, st.target_type) and not (
            isinstance(st.value, E.Lit) and contains(st.target_type, st.value.value)
        ):
            if not inline and not value.atomic:
                name = sc.fresh(st.var if not st.path else "stored")
                defs.append((name, value.text))
                value = Tx(name)
            checks.append(Atom(f'Stored({ex.member(value, st.target_type)}, "{st.span}")'))
        new = value
        if st.path:
            path = "".join(f"[{ex.expr(p.key, sc, env)}]" if isinstance(p, S.IndexStep) else f".{p.name}" for p in st.path)
            new = Tx(f"[{env[st.var].op()} EXCEPT !{path} = {value}]")
        if bind and not inline and not new.atomic:
            name = sc.fresh(st.var)
            defs.append((name, new.text))
            new = Tx(name)
        env[st.var] = new
        return defs, checks

    def merge_if(self, c: Tx, then: tuple, orelse: tuple, sc: LocalScope, env: dict[str, Tx]) -> list[Formula]:
        """An if whose branches only assign: IF/THEN/ELSE values, no fork.

        Returns the conjunct checking stored values, if any branch stores one
        that needs a check.
        """
        envs, checks = [], []
        for branch in (then, orelse):
            benv, bsc = dict(env), sc.copy()
            bchecks: list[str] = []
            for st in branch:
                bchecks.extend(self._straight_stmt(st, bsc, benv))
            envs.append(benv)
            checks.append(" /\\ ".join(bchecks) if bchecks else "TRUE")
        for v in self.model.vars:
            a, b = envs[0][v.name], envs[1][v.name]
            if a.text != env[v.name].text or b.text != env[v.name].text:
                env[v.name] = compound(f"IF {c} THEN {a} ELSE {b}")
        if checks == ["TRUE", "TRUE"]:
            return []
        return [Atom(f"IF {c} THEN {checks[0]} ELSE {checks[1]}")]

    def _straight_stmt(self, st, sc: LocalScope, env: dict[str, Tx]) -> list[str]:
        match st:
            case S.Assign():
                _, checks = self.assign(st, sc, env, bind=False, inline=True)
                return [f.text for f in checks]
            case S.Let(local, value):
                sc.bound[local.uid] = self.ex.expr(value, sc, env).op()
                return []
            case S.If(cond, then, orelse):
                return [f.text for f in self.merge_if(self.ex.expr(cond, sc, env), then, orelse, sc, env)]
        raise TypeError(f"not a straight statement: {type(st).__name__}")

    def loop_as_map(self, st: S.For, sc: LocalScope, env: dict[str, Tx]) -> tuple[str, Tx, list[Formula]] | None:
        """A loop whose iterations each write their own map entry, as one new map.

        `for q in D where c { v[a][q] = f }` over a set D, where f and c read v
        only at v[a][q] and a does not read v: no iteration sees another's
        write, so the loop is `[v EXCEPT ![a] = [q \\in K |-> IF q \\in D /\\ c
        THEN f ELSE v[a][q]]]` (K the map's key type) rather than one nested IF
        per element of q's type. Returns (v, its new value, the store checks), or
        None for any other loop, which `unroll` writes.
        """
        if len(st.body) != 1 or not isinstance(st.body[0], S.Assign) or not isinstance(st.domain.type, SetT):
            return None
        a = st.body[0]
        *prefix, last = a.path or (None,)
        if not (isinstance(last, S.IndexStep) and isinstance(last.key, E.LocalRef) and last.key.local == st.local):
            return None
        if any(_mentions(p, a.var) or _reads_local(p, st.local) for p in prefix):
            return None
        if not (_reads_only_at(a.value, a.var, a.path) and _reads_only_at(st.cond, a.var, a.path)):
            return None
        map_t = _type_at(self.model.var(a.var).type, prefix)
        if not isinstance(map_t, MapT):
            return None
        ex = self.ex
        old = env[a.var]
        inner = sc.copy()
        q = inner.bind(st.local.uid, st.local.name)
        at_prefix = old.op() + "".join(f"[{ex.expr(p.key, sc, env)}]" if isinstance(p, S.IndexStep) else f".{p.name}" for p in prefix)
        keys = ex.type_set(map_t.key)
        every = _constant_members(st.domain) == frozenset(universe(map_t.key))
        domain = None if every else ex.domain(st.domain, inner, env)  # inner: its binders must not reuse q
        tests = ([f"{q} \\in {domain.op()}"] if domain else []) + ([ex.expr(st.cond, inner, env).op()] if st.cond is not None else [])
        test = " /\\ ".join(tests)
        value = ex.expr(a.value, inner, env)
        entry = f"IF {test} THEN {value} ELSE {at_prefix}[{q}]" if tests else value.text
        whole = f"[{q} \\in {keys} |-> {entry}]"
        new = Tx(whole) if not prefix else Tx(f"[{old.op()} EXCEPT !{at_prefix[len(old.op()):]} = {whole}]")
        checks: list[Formula] = []
        if needs_store_check(a.value.type, a.target_type) and not (isinstance(a.value, E.Lit) and contains(a.target_type, a.value.value)):
            written = (domain or keys).text if st.cond is None else f"{{{q} \\in {(domain or keys).op()} : {tests[-1]}}}"
            checks.append(Atom(f'\\A {q} \\in {written} : Stored({ex.member(value, a.target_type)}, "{a.span}")'))
        return a.var, new, checks

    def unroll(self, st: S.For, sc: LocalScope, env: dict[str, Tx]) -> list:
        """The loop as a list of iterations, in specpy's canonical order."""
        body = [S.If(st.cond, st.body, ())] if st.cond is not None else list(st.body)
        elem = st.domain.type.elem
        members = _constant_members(st.domain)
        if members is not None:
            out: list = []
            for m in sorted(members, key=lambda v: order_key(elem, v)):
                out.append(_Bind(st.local.uid, self.ex.value(elem, m)))
                out.extend(body)
            return out
        if not isinstance(st.domain.type, SetT) or _universe_size(elem) > FOR_UNROLL_MAX:
            raise unsupported(
                "the TLA+ export writes a `for` over a state-dependent set only when its element "
                f"type has at most {FOR_UNROLL_MAX} values (over a range with a state-dependent "
                "bound, such as `1..len(s)`, write `for i in 1..N where i <= len(s)` with N constant)",
                st.span,
            )
        # The domain is evaluated once, before the loop, as in specpy.
        name = sc.fresh("domain")
        out = [_LetText(name, self.ex.expr(st.domain, sc, env).text)]
        for m in universe(elem):
            v = self.ex.value(elem, m)
            out.append(_Bind(st.local.uid, v))
            out.append(_Guarded(compound(f"{v.op()} \\in {name}"), tuple(body)))
        return out


def _constant_members(domain: E.Expr):
    """The elements of a constant loop domain (a folded set, or `lo..hi` with constant bounds); None otherwise."""
    if isinstance(domain, E.Lit) and isinstance(domain.value, frozenset):
        return domain.value
    if isinstance(domain, E.RangeSet) and isinstance(domain.lo, E.Lit) and isinstance(domain.hi, E.Lit):
        return frozenset(range(domain.lo.value, domain.hi.value + 1))
    return None


def _universe_size(t) -> float:
    """The number of values of t; an unbounded type (`int`, from `lo..hi` with a state-dependent bound) has infinitely many."""
    try:
        return universe_size(t)
    except ValueError:
        return float("inf")


@dataclass(frozen=True)
class _LetText:
    """A LET definition of the export's own (a loop's domain)."""

    name: str
    text: str


def straight_env(model: Model, ex: ExprWriter, sc: LocalScope, env: dict[str, Tx]) -> dict[str, Tx] | None:
    """Every variable's value at the end of `init`, if init only assigns and binds (else None)."""
    if not _straight(model.init):
        return None
    writer = PathWriter(model, ex, primed=False, idents=env)
    out = dict(env)
    for st in model.init:
        writer._straight_stmt(st, sc, out)
    return out
