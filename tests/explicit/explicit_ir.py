"""Terse builders for hand-made IR, and the hand-built models the tests share.

Until the front end produces Models from .spec files, the explicit checker's
tests build their IR here. Spans are left at NO_SPAN unless a test needs one.
"""

from __future__ import annotations

import itertools
from functools import reduce

from specpy.diagnostics import SourceFile
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir import types as T
from specpy.ir.model import Action, Model, NamedExpr, StateVar
from specpy.ir.values import MapValue

BOOL = T.BoolT()
INT = T.IntT()
_uids = itertools.count(1)


def local(name: str, t: T.Type) -> E.Local:
    return E.Local(name, next(_uids), t)


def lit(value, t: T.Type) -> E.Lit:
    return E.Lit(t, value)


def true() -> E.Lit:
    return lit(True, BOOL)


def var(name: str, t: T.Type, primed: bool = False) -> E.VarRef:
    return E.VarRef(t, name, primed)


def ref(name: E.Local) -> E.LocalRef:
    return E.LocalRef(name.type, name)


def cmp(op: str, a: E.Expr, b: E.Expr) -> E.Compare:
    return E.Compare(BOOL, op, a, b)


def eq(a: E.Expr, b: E.Expr) -> E.Compare:
    return cmp("==", a, b)


def and_(*xs: E.Expr) -> E.Expr:
    return reduce(lambda a, b: E.BoolOp(BOOL, "and", a, b), xs)


def or_(*xs: E.Expr) -> E.Expr:
    return reduce(lambda a, b: E.BoolOp(BOOL, "or", a, b), xs)


def not_(x: E.Expr) -> E.Not:
    return E.Not(BOOL, x)


def arith(op: str, a: E.Expr, b: E.Expr) -> E.Arith:
    return E.Arith(INT, op, a, b)


def setlit(t: T.SetT, *elems: E.Expr) -> E.SetLit:
    return E.SetLit(t, tuple(elems))


def union(a: E.Expr, b: E.Expr) -> E.SetOp:
    return E.SetOp(a.type, "|", a, b)


def member(x: E.Expr, coll: E.Expr, negated: bool = False) -> E.Member:
    return E.Member(BOOL, x, coll, negated)


def index(m: E.Expr, k: E.Expr) -> E.Index:
    t = m.type.value if isinstance(m.type, T.MapT) else m.type.elem
    return E.Index(t, m, k)


def forall(bindings: list[tuple[E.Local, E.Expr]], body: E.Expr, cond: E.Expr | None = None) -> E.Quant:
    return E.Quant(BOOL, "forall", tuple(bindings), cond, body)


def universe_lit(t: T.Type) -> E.Lit:
    return lit(frozenset(T.universe(t)), T.SetT(t))


def assign(name: str, value: E.Expr, target: T.Type, path: tuple = ()) -> S.Assign:
    return S.Assign(name, path, value, target)


def require(c: E.Expr) -> S.Require:
    return S.Require(c)


def action(name: str, params: tuple[E.Local, ...], *body: S.Stmt) -> Action:
    return Action(name, params, tuple(body))


def model(
    name: str,
    vars: list[tuple[str, T.Type]],
    init: list[S.Stmt],
    actions: list[Action],
    invariants: list[tuple[str, E.Expr]] = (),
    transitions: list[tuple[str, E.Expr]] = (),
    constraints: list[E.Expr] = (),
    terminals: list[E.Expr] = (),
    source: str = "",
) -> Model:
    return Model(
        name=name,
        source=SourceFile(f"{name}.spec", source),
        constants={},
        types={},
        vars=tuple(StateVar(n, t, i) for i, (n, t) in enumerate(vars)),
        init=tuple(init),
        actions=tuple(actions),
        invariants=tuple(NamedExpr(n, e) for n, e in invariants),
        transitions=tuple(NamedExpr(n, e) for n, e in transitions),
        constraints=tuple(constraints),
        terminals=tuple(terminals),
    )


# ---------------------------------------------------------------- shared models


def counter(bound: int = 3, hi: int = 10, constraint: bool = True) -> Model:
    """x = 0; Next: x = x + 1; CONSTRAINT x <= bound."""
    X = T.RangeT(0, hi)
    x = var("x", X)
    return model(
        "Counter",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [action("Inc", (), assign("x", arith("+", x, lit(1, INT)), X))],
        constraints=[cmp("<=", x, lit(bound, INT))] if constraint else [],
    )


def twophase(n: int = 3) -> Model:
    """TwoPhase.tla (Lamport) as in LANGUAGE.md's example, with n resource managers."""
    RM = T.AtomT("RM", tuple(f"r{i}" for i in range(1, n + 1)))
    RMState = T.EnumT("RMState", ("working", "prepared", "committed", "aborted"))
    TMState = T.EnumT("TMState", ("undecided", "done", "abandoned"))
    Msg = T.VariantT("Msg", (T.Case("Prepared", (("rm", RM),)), T.Case("Commit", ()), T.Case("Abort", ())))
    RMMap, RMSet, MsgSet = T.MapT(RM, RMState), T.SetT(RM), T.SetT(Msg)
    rmState, tmState = var("rmState", RMMap), var("tmState", TMState)
    tmPrepared, msgs = var("tmPrepared", RMSet), var("msgs", MsgSet)

    def st(name: str) -> E.Lit:
        return lit(name, RMState)

    def tm(name: str) -> E.Lit:
        return lit(name, TMState)

    def prepared(r: E.Expr) -> E.Construct:
        return E.Construct(Msg, "Prepared", (("rm", r),))

    commit, abort = E.Construct(Msg, "Commit", ()), E.Construct(Msg, "Abort", ())
    key = local("r", RM)

    def rm_action(name: str, *body: S.Stmt) -> Action:
        r = local("r", RM)
        return action(name, (r,), *[b(ref(r)) for b in body])

    undecided = eq(tmState, tm("undecided"))
    init = [
        assign("rmState", E.MapComp(RMMap, key, universe_lit(RM), st("working")), RMMap),
        assign("tmState", tm("undecided"), TMState),
        assign("tmPrepared", setlit(RMSet), RMSet),
        assign("msgs", setlit(MsgSet), MsgSet),
    ]
    actions = [
        rm_action(
            "TMRcvPrepared",
            lambda r: require(and_(undecided, member(prepared(r), msgs))),
            lambda r: assign("tmPrepared", union(tmPrepared, setlit(RMSet, r)), RMSet),
        ),
        action(
            "TMCommit",
            (),
            require(and_(undecided, eq(tmPrepared, universe_lit(RM)))),
            assign("tmState", tm("done"), TMState),
            assign("msgs", union(msgs, setlit(MsgSet, commit)), MsgSet),
        ),
        action(
            "TMAbort",
            (),
            require(undecided),
            assign("tmState", tm("abandoned"), TMState),
            assign("msgs", union(msgs, setlit(MsgSet, abort)), MsgSet),
        ),
        rm_action(
            "RMPrepare",
            lambda r: require(eq(index(rmState, r), st("working"))),
            lambda r: assign("rmState", st("prepared"), RMState, (S.IndexStep(r),)),
            lambda r: assign("msgs", union(msgs, setlit(MsgSet, prepared(r))), MsgSet),
        ),
        rm_action(
            "RMChooseToAbort",
            lambda r: require(eq(index(rmState, r), st("working"))),
            lambda r: assign("rmState", st("aborted"), RMState, (S.IndexStep(r),)),
        ),
        rm_action(
            "RMRcvCommit",
            lambda r: require(member(commit, msgs)),
            lambda r: assign("rmState", st("committed"), RMState, (S.IndexStep(r),)),
        ),
        rm_action(
            "RMRcvAbort",
            lambda r: require(member(abort, msgs)),
            lambda r: assign("rmState", st("aborted"), RMState, (S.IndexStep(r),)),
        ),
    ]
    a, b = local("a", RM), local("b", RM)
    consistent = forall(
        [(a, universe_lit(RM)), (b, universe_lit(RM))],
        not_(and_(eq(index(rmState, ref(a)), st("aborted")), eq(index(rmState, ref(b)), st("committed")))),
    )
    return model(
        "TwoPhase",
        [("rmState", RMMap), ("tmState", TMState), ("tmPrepared", RMSet), ("msgs", MsgSet)],
        init,
        actions,
        invariants=[("Consistent", consistent)],
    )


def initial_map(keys: T.Type, value) -> MapValue:
    return MapValue(tuple((k, value) for k in T.universe(keys)))


def tcommit(n: int = 3) -> Model:
    """TCommit.tla (Lamport's transaction commit), n resource managers."""
    RM = T.AtomT("RM", tuple(f"r{i}" for i in range(1, n + 1)))
    RMState = T.EnumT("RMState", ("working", "prepared", "committed", "aborted"))
    RMMap = T.MapT(RM, RMState)
    rmState = var("rmState", RMMap)

    def st(name: str) -> E.Lit:
        return lit(name, RMState)

    def all_rm(pred) -> E.Quant:
        x = local("x", RM)
        return forall([(x, universe_lit(RM))], pred(index(rmState, ref(x))))

    can_commit = all_rm(lambda v: member(v, lit(frozenset({"prepared", "committed"}), T.SetT(RMState))))
    not_committed = all_rm(lambda v: cmp("!=", v, st("committed")))
    key = local("r", RM)
    r1, r2 = local("r", RM), local("r", RM)
    return model(
        "TCommit",
        [("rmState", RMMap)],
        [assign("rmState", E.MapComp(RMMap, key, universe_lit(RM), st("working")), RMMap)],
        [
            action(
                "Prepare",
                (r1,),
                require(eq(index(rmState, ref(r1)), st("working"))),
                assign("rmState", st("prepared"), RMState, (S.IndexStep(ref(r1)),)),
            ),
            action(
                "Decide",
                (r2,),
                S.Either(
                    (
                        (
                            require(and_(eq(index(rmState, ref(r2)), st("prepared")), can_commit)),
                            assign("rmState", st("committed"), RMState, (S.IndexStep(ref(r2)),)),
                        ),
                        (
                            require(
                                and_(
                                    member(
                                        index(rmState, ref(r2)),
                                        lit(frozenset({"working", "prepared"}), T.SetT(RMState)),
                                    ),
                                    not_committed,
                                )
                            ),
                            assign("rmState", st("aborted"), RMState, (S.IndexStep(ref(r2)),)),
                        ),
                    )
                ),
            ),
        ],
    )


def diehard() -> Model:
    """DieHard.tla: the 3- and 5-gallon jugs; invariant big != 4."""
    Big, Small = T.RangeT(0, 5), T.RangeT(0, 3)
    big, small = var("big", Big), var("small", Small)
    old = local("old", Big)
    n = lambda v: lit(v, INT)  # noqa: E731
    pour_into_big = (
        S.Let(old, big),
        assign("big", E.MinMax(INT, "min", setlit(T.SetT(INT), arith("+", big, small), n(5))), Big),
        assign("small", arith("-", small, arith("-", big, ref(old))), Small),
    )
    old2 = local("old", Small)
    pour_into_small = (
        S.Let(old2, small),
        assign("small", E.MinMax(INT, "min", setlit(T.SetT(INT), arith("+", big, small), n(3))), Small),
        assign("big", arith("-", big, arith("-", small, ref(old2))), Big),
    )
    return model(
        "DieHard",
        [("big", Big), ("small", Small)],
        [assign("big", lit(0, Big), Big), assign("small", lit(0, Small), Small)],
        [
            action("FillSmallJug", (), assign("small", n(3), Small)),
            action("FillBigJug", (), assign("big", n(5), Big)),
            action("EmptySmallJug", (), assign("small", n(0), Small)),
            action("EmptyBigJug", (), assign("big", n(0), Big)),
            action("SmallToBig", (), *pour_into_big),
            action("BigToSmall", (), *pour_into_small),
        ],
        invariants=[("NotSolved", cmp("!=", big, n(4)))],
    )
