"""Expression and statement semantics of the compiled code, on small states.

Each expression is evaluated twice: over state variables (code that runs per
state) and over the same values as literals (folded while compiling); both
must give the expected generic value.
"""

import pytest
from explicit_ir import BOOL, INT, action, assign, lit, local, model, ref, var

from specpy.explicit.compile import CompiledModel
from specpy.explicit.state import codec
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir import types as T
from specpy.ir.values import BagValue, MapValue, VariantValue

RM = T.AtomT("RM", ("r1", "r2", "r3"))
N = T.RangeT(0, 3)
SRM = T.SetT(RM)
BIG = T.SetT(T.RangeT(0, 2000))  # too many elements for a bitmask: a frozenset
SN = T.SetT(N)
SEQ = T.SeqT(N, 3)
BAG = T.BagT(RM, 3)
OPT = T.OptionT(N)
MAP = T.MapT(T.RangeT(0, 2), N)
MSG = T.VariantT("Msg", (T.Case("A", (("f", N), ("g", BOOL))), T.Case("B", (("f", N),)), T.Case("C", ())))
MSGS = T.SetT(MSG)
MSGMAP = T.MapT(MSG, BOOL)

WORLD = {
    "xs": (SRM, frozenset({"r1", "r3"})),
    "big": (BIG, frozenset({5, 7})),
    "sn": (SN, frozenset({1, 2})),
    "q": (SEQ, (2, 1)),
    "bg": (BAG, BagValue((("r1", 2), ("r2", 1)))),
    "o": (OPT, None),
    "o2": (OPT, 2),
    "n": (N, 2),
    "mm": (MAP, MapValue(((0, 1), (1, 2), (2, 3)))),
    "msg": (MSG, VariantValue("B", (("f", 2),))),
    "ms": (MSGS, frozenset({VariantValue("C"), VariantValue("B", (("f", 1),))})),
}


def v(name: str) -> E.VarRef:
    return var(name, WORLD[name][0])


def c(name: str) -> E.Lit:
    return lit(WORLD[name][1], WORLD[name][0])


def world_model():
    return model(
        "World",
        [(n, t) for n, (t, _) in WORLD.items()],
        [assign(n, lit(x, t), t) for n, (t, x) in WORLD.items()],
        [],
    )


def evaluate(e: E.Expr):
    cm = CompiledModel(world_model())
    s = cm.states.encode({n: x for n, (_, x) in WORLD.items()})
    return codec(e.type).decode(cm.state_function(e, {})(s))


def both(build):
    """The expression over variables, and over the same values as literals."""
    return [build(v), build(c)]


def num(i: int) -> E.Lit:
    return lit(i, INT)


def b(op, left, right):
    return E.Compare(BOOL, op, left, right)


a_ = local("a", RM)
i_ = local("i", N)
CASES = [
    (
        "union bits",
        lambda x: E.SetOp(SRM, "|", x("xs"), E.SetLit(SRM, (lit("r2", RM),))),
        frozenset({"r1", "r2", "r3"}),
    ),
    ("diff bits", lambda x: E.SetOp(SRM, "-", x("xs"), E.SetLit(SRM, (lit("r1", RM),))), frozenset({"r3"})),
    ("inter fset", lambda x: E.SetOp(BIG, "&", x("big"), lit(frozenset({7, 9}), BIG)), frozenset({7})),
    ("diff fset", lambda x: E.SetOp(BIG, "-", x("big"), lit(frozenset({7}), BIG)), frozenset({5})),
    ("subset bits", lambda x: E.SetCompare(BOOL, "<", x("xs"), lit(frozenset(RM.members), SRM)), True),
    ("superset bits", lambda x: E.SetCompare(BOOL, ">=", x("xs"), lit(frozenset(RM.members), SRM)), False),
    ("subset fset", lambda x: E.SetCompare(BOOL, "<=", x("big"), lit(frozenset({5, 7}), BIG)), True),
    ("member bits", lambda x: E.Member(BOOL, lit("r2", RM), x("xs")), False),
    ("not in bits", lambda x: E.Member(BOOL, lit("r2", RM), x("xs"), negated=True), True),
    ("int member of range bits", lambda x: E.Member(BOOL, E.Arith(INT, "+", x("n"), num(7)), x("sn")), False),
    ("member fset", lambda x: E.Member(BOOL, num(7), x("big")), True),
    ("member seq", lambda x: E.Member(BOOL, num(1), x("q")), True),
    ("member bag", lambda x: E.Member(BOOL, lit("r2", RM), x("bg")), True),
    ("member variant set", lambda x: E.Member(BOOL, E.Construct(MSG, "B", (("f", num(1)),)), x("ms")), True),
    (
        "forall over state",
        lambda x: E.Quant(BOOL, "forall", ((a_, x("xs")),), None, b("!=", ref(a_), lit("r2", RM))),
        True,
    ),
    (
        "exists with cond",
        lambda x: E.Quant(
            BOOL, "exists", ((i_, lit(frozenset(range(4)), SN)),), b(">", ref(i_), x("n")), b("==", ref(i_), num(3))
        ),
        True,
    ),
    (
        "set comprehension to bits",
        lambda x: E.SetComp(SN, E.Arith(INT, "+", ref(i_), num(1)), ((i_, x("sn")),), None),
        frozenset({2, 3}),
    ),
    (
        "set comprehension const",
        lambda x: E.SetComp(SRM, ref(a_), ((a_, lit(frozenset(RM.members), SRM)),), E.Member(BOOL, ref(a_), x("xs"))),
        frozenset({"r1", "r3"}),
    ),
    (
        "set comprehension fset",
        lambda x: E.SetComp(T.SetT(INT), E.Arith(INT, "*", ref(i_), num(10)), ((i_, x("sn")),), None),
        frozenset({10, 20}),
    ),
    ("sum", lambda x: E.Sum(INT, ref(i_), ((i_, x("sn")),), None), 3),
    (
        "sum const domain",
        lambda x: E.Sum(INT, ref(i_), ((i_, lit(frozenset({1, 3}), SN)),), b("<", ref(i_), x("n"))),
        1,
    ),
    ("len bits", lambda x: E.Len(INT, x("xs")), 2),
    ("len fset", lambda x: E.Len(INT, x("big")), 2),
    ("len bag", lambda x: E.Len(INT, x("bg")), 3),
    ("len seq", lambda x: E.Len(INT, x("q")), 2),
    ("max bits", lambda x: E.MinMax(INT, "max", x("sn")), 2),
    ("min fset", lambda x: E.MinMax(INT, "min", x("big")), 5),
    ("variant field (several cases)", lambda x: E.GetField(N, x("msg"), "f"), 2),
    ("is case", lambda x: E.IsCase(BOOL, x("msg"), "B"), True),
    ("map index by int expression", lambda x: E.Index(N, x("mm"), E.Arith(INT, "-", x("n"), num(1))), 2),
    ("seq index", lambda x: E.Index(N, x("q"), num(2)), 1),
    ("slice clipped", lambda x: E.Slice(SEQ, x("q"), num(0), num(9)), (2, 1)),
    ("empty slice", lambda x: E.Slice(SEQ, x("q"), num(2), num(1)), ()),
    ("concat", lambda x: E.Concat(SEQ, x("q"), E.SeqLit(SEQ, (num(3),))), (2, 1, 3)),
    ("append", lambda x: E.Append(SEQ, x("q"), num(0)), (2, 1, 0)),
    ("last", lambda x: E.Last(N, x("q")), 1),
    ("bag add", lambda x: E.BagAdd(BAG, x("bg"), lit("r2", RM)), BagValue((("r1", 2), ("r2", 2)))),
    ("bag remove", lambda x: E.BagRemove(BAG, x("bg"), lit("r1", RM)), BagValue((("r1", 1), ("r2", 1)))),
    ("unwrap", lambda x: E.Unwrap(N, x("o2")), 2),
    ("option equals value", lambda x: b("==", x("o2"), x("n")), True),
    ("none is not a value", lambda x: b("==", x("o"), x("n")), False),
    (
        "let used twice",
        lambda x: E.LetIn(INT, i_, E.Arith(INT, "+", x("n"), num(1)), E.Arith(INT, "*", ref(i_), ref(i_))),
        9,
    ),
    ("cond", lambda x: E.Cond(N, b(">", x("n"), num(1)), x("n"), num(0)), 2),
    ("range set bits", lambda x: E.RangeSet(SN, num(1), x("n")), frozenset({1, 2})),
    ("range set fset", lambda x: E.RangeSet(T.SetT(INT), x("n"), num(4)), frozenset({2, 3, 4})),
    (
        "sets of different types compare by content",
        lambda x: b("==", x("sn"), E.RangeSet(T.SetT(INT), num(1), num(2))),
        True,
    ),
    (
        "map comprehension",
        lambda x: E.MapComp(MAP, local("k", T.RangeT(0, 2)), lit(frozenset(range(3)), T.SetT(T.RangeT(0, 2))), x("n")),
        MapValue(((0, 2), (1, 2), (2, 2))),
    ),
    ("floor division", lambda x: E.Arith(INT, "//", E.Neg(INT, x("n")), num(3)), -1),
    ("modulo", lambda x: E.Arith(INT, "%", E.Neg(INT, x("n")), num(3)), 1),
    ("implies", lambda x: E.BoolOp(BOOL, "implies", b("==", x("n"), num(0)), E.Last(N, E.SeqLit(SEQ, ()))), True),
]


@pytest.mark.parametrize("name, build, expected", CASES, ids=[c[0] for c in CASES])
def test_expression_values(name, build, expected):
    for e in both(build):
        assert evaluate(e) == expected


def test_map_keyed_by_variants():
    key = local("m", MSG)
    mc = E.MapComp(MSGMAP, key, lit(frozenset(T.universe(MSG)), MSGS), E.IsCase(BOOL, ref(key), "C"))
    e = E.Index(BOOL, mc, v("msg"))
    assert evaluate(e) is False
    assert evaluate(E.Index(BOOL, mc, lit(VariantValue("C"), MSG))) is True


# ---------------------------------------------------------------- statements

X = T.RangeT(0, 9)


def successors(body, vars_, init_values):
    """Every successor of the state `init_values` under one action `body`."""
    m = model(
        "Stmts", list(vars_), [assign(n, lit(init_values[n], t), t) for n, t in vars_], [action("Act", (), *body)]
    )
    cm = CompiledModel(m)
    out = []
    cm.actions[0].run(cm.states.encode(init_values), out)
    return [cm.states.decode(s) for s in out]


def test_sequential_assignments_see_earlier_ones():
    x = var("x", X)
    body = [assign("x", E.Arith(INT, "+", x, num(1)), X), assign("y", E.Arith(INT, "*", x, num(2)), X)]
    assert successors(body, [("x", X), ("y", X)], {"x": 1, "y": 0}) == [{"x": 2, "y": 4}]


def test_either_and_choose_fork_and_continue_with_the_rest():
    x = var("x", X)
    s = local("s", N)
    body = [
        S.Either(((assign("x", num(1), X),), (assign("x", num(2), X),))),
        S.Choose(s, v("sn"), b("!=", ref(s), x), (assign("y", ref(s), X),)),
        assign("x", E.Arith(INT, "+", x, num(5)), X),
    ]
    got = successors(body, [("x", X), ("y", X), ("sn", SN)], {"x": 0, "y": 0, "sn": frozenset({1, 2})})
    pairs = sorted((g["x"], g["y"]) for g in got)
    assert pairs == [(6, 2), (7, 1)]


def test_choose_over_a_constant_domain_with_a_failing_branch():
    s = local("s", N)
    body = [
        S.Choose(s, lit(frozenset({0, 1, 2, 3}), SN), None, (S.Require(b(">", ref(s), num(1))), assign("x", ref(s), X)))
    ]
    assert [g["x"] for g in successors(body, [("x", X)], {"x": 0})] == [2, 3]


def test_if_merges_and_if_with_require_forks():
    x, y = var("x", X), var("y", X)
    merged = [S.If(b(">", x, num(0)), (assign("y", num(1), X),), (assign("y", num(2), X),)), assign("x", y, X)]
    assert successors(merged, [("x", X), ("y", X)], {"x": 0, "y": 0}) == [{"x": 2, "y": 2}]
    forked = [
        S.If(b(">", x, num(0)), (S.Require(b(">", x, num(5))),), (assign("y", num(3), X),)),
        assign("x", num(4), X),
    ]
    assert successors(forked, [("x", X), ("y", X)], {"x": 1, "y": 0}) == []
    assert successors(forked, [("x", X), ("y", X)], {"x": 0, "y": 0}) == [{"x": 4, "y": 3}]


def test_for_loops_over_constant_and_state_dependent_domains():
    x = var("x", X)
    i = local("i", N)
    const_loop = [
        S.For(
            i, lit(frozenset({1, 2, 3}), SN), b("!=", ref(i), num(2)), (assign("x", E.Arith(INT, "+", x, ref(i)), X),)
        )
    ]
    assert successors(const_loop, [("x", X)], {"x": 0}) == [{"x": 4}]
    state_loop = [
        S.For(i, v("sn"), None, (S.If(b(">", ref(i), num(1)), (assign("x", E.Arith(INT, "+", x, ref(i)), X),), ()),))
    ]
    assert successors(state_loop, [("x", X), ("sn", SN)], {"x": 1, "sn": frozenset({1, 2, 3})}) == [
        {"x": 6, "sn": frozenset({1, 2, 3})}
    ]


def test_nested_assignment_targets():
    Rec = T.RecordT("Rec", (("a", N), ("log", SEQ)))
    M = T.MapT(RM, Rec)
    start = MapValue(tuple((r, codec(Rec).decode((0, (1, 2)))) for r in RM.members))
    body = [
        S.Assign("m", (S.IndexStep(lit("r2", RM)), S.FieldStep("a")), num(3), N),
        S.Assign("m", (S.IndexStep(lit("r3", RM)), S.FieldStep("log"), S.IndexStep(num(2))), num(0), N),
        S.Assign("msg", (S.FieldStep("f"),), num(1), N),
    ]
    (got,) = successors(body, [("m", M), ("msg", MSG)], {"m": start, "msg": VariantValue("B", (("f", 2),))})
    assert got["m"].get("r2").get("a") == 3 and got["m"].get("r1").get("a") == 0
    assert got["m"].get("r3").get("log") == (1, 0)
    assert got["msg"] == VariantValue("B", (("f", 1),))


def test_a_self_loop_reuses_the_state():
    x = var("x", X)
    m = model("Same", [("x", X)], [assign("x", num(0), X)], [action("Same", (), assign("x", x, X))])
    cm = CompiledModel(m)
    s = (0,)
    out = []
    cm.actions[0].run(s, out)
    assert out == [s] and out[0] is s


def test_generated_names_never_shadow_state_variables():
    # Twelve variables and branches that allocate fresh names: each variable must keep its own.
    vars_ = [(f"x{i}", X) for i in range(12)]
    body = [
        S.If(b(">", var(f"x{i}", X), num(0)), (assign(f"x{i}", num(i % 10), X),), (assign(f"x{i}", num(9), X),))
        for i in range(12)
    ]
    start = {f"x{i}": 1 if i % 2 else 0 for i in range(12)}
    (got,) = successors(body, vars_, start)
    assert got == {f"x{i}": (i % 10) if i % 2 else 9 for i in range(12)}


def test_a_model_without_variables():
    from specpy.explicit import check
    from specpy.options import CheckOptions

    r = check(model("Empty", [], [], [action("Tick", ())]), CheckOptions())
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (1, 2, 1)
