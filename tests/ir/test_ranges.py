"""The range analysis's verdicts (ir/ranges.py): which assignments, built
values and indexes may leave their type, on small specs written out here.

Each "may leave" verdict below is a real possibility (the comment says with
which value), and each "stays inside" one is a proof a reader can redo; the
run-time side (the checks that remain do fire) is tests/explicit/test_range_checks.py.
"""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.ranges import analyze
from specpy.ir.types import RangeT, SeqT
from specpy.pipeline import load_text

HEAD = """spec R
type K = {k1, k2}
type M = {a, b}
const N = 3
var x: 0..N = 0
var y: 0..10 = 0
var s: seq[0..1, 2] = []
var net: bag[M, 2] = {}
var m: [K -> 0..N] = {k: 0 for k in K}
var ns: set[0..N] = {}
"""


def model_of(body: str):
    return load_text(SourceFile("r.spec", HEAD + body))


def the_assign(body: str, var: str = "x"):
    """The facts of a spec whose action A assigns `var` once (its last such assignment)."""
    model = model_of(body)
    facts = analyze(model)
    found = []

    def walk(stmts):
        for st in stmts:
            if isinstance(st, S.Assign) and st.var == var:
                found.append(st)
            for part in ("then", "orelse", "body"):
                walk(getattr(st, part, ()))
            for branch in getattr(st, "branches", ()):
                walk(branch)

    walk(next(a for a in model.actions if a.name == "A").body)
    return facts, found[-1]


@pytest.mark.parametrize(
    "body, var, leaves",
    [
        # arithmetic into a range
        ("action A { x = x + 1 }", "x", True),  # 3 + 1
        ("action A { require x < N\n x = x + 1 }", "x", False),  # x <= 2
        ("action A { require x + 1 <= N\n x = x + 1 }", "x", False),
        ("action A { require N > x\n x += 1 }", "x", False),
        ("action A { require x != N\n x = x + 1 }", "x", False),  # x != 3 and x <= 3
        ("action A { require x != 2\n x = x + 1 }", "x", True),  # 3 + 1
        ("action A { x = x - 1 }", "x", True),  # 0 - 1
        ("action A { require x > 0\n x = x - 1 }", "x", False),
        ("action A { x = (x + 1) % 4 }", "x", False),
        ("action A { x = (x + 1) % 5 }", "x", True),  # 4
        ("action A { x = x // 2 + 2 }", "x", False),  # 0..3
        ("action A { x = N // (x + 1) }", "x", False),  # 3 // 1..4: 0..3
        ("action A { y = 10 // (x + 1) }", "y", False),  # 2..10
        ("action A { x = 4 // (x + 1) }", "x", True),  # 4 // 1
        ("action A { x = -x // (x - 4) }", "x", False),  # -3..0 // -4..-1: 0..3
        ("action A { x = y % (x + 1) }", "x", False),  # 0..3
        ("action A { x = 3 % (x - 4) }", "x", True),  # in -3..0: 3 % -4 is -1
        ("action A { x = y // x }", "x", True),  # x may be 0: no interval
        ("action A { y = x * 3 + 1 }", "y", False),  # 1..10
        ("action A { y = x * 4 }", "y", True),  # 12
        ("action A { y = -x + 3 }", "y", False),
        ("action A { x = 0 if x == N else x + 1 }", "x", False),
        ("action A { x = max({x - 1, 0}) }", "x", False),
        ("action A { x = min({x + 1, N}) }", "x", False),
        ("action A { x = len(s) + 1 }", "x", False),  # 1..3
        ("action A { x = len(s) + 2 }", "x", True),  # 4
        ("action A { x = len(ns) }", "x", True),  # a set[0..3] has up to 4 elements
        ("action A { let d = x - 1\n require d >= 0\n x = d }", "x", False),
        ("action A { require x < N\n y = 0\n x = x + 1 }", "x", False),  # y is not x
        ("action A { require x < N\n x = 0\n x = x + 1 }", "x", False),  # 0 + 1, the fact is forgotten
        ("action A { require x < N\n either { x = N } or { y = 1 }\n x = x + 1 }", "x", True),
        ("action A { if x < N { x = x + 1 } }", "x", False),
        ("action A { if x < N { y = 1 } else { x = x + 1 } }", "x", True),
        ("action A { for k in K { x = x + 1 } }", "x", True),
        ("action A { choose v in 1..N { x = v } }", "x", False),
        ("action A { choose v in 1..N + 1 { x = v } }", "x", True),
        # a sequence appended or concatenated past its bound
        ("action A { s = append(s, 1) }", "s", True),  # length 3
        ("action A { require len(s) < 2\n s = append(s, 1) }", "s", False),
        ("action A { require len(s) <= 1\n s = append(s, 0) }", "s", False),
        ("action A { s = s + [1] }", "s", True),
        ("action A { s = s[1..1] + [1] }", "s", False),
        ("action A { s = s[2..2] + s[1..1] }", "s", False),
        ("action A { s = s[1..x] + [1] }", "s", True),  # s[1..3] may hold 2
        ("action A { require len(s) > 0\n s = s[1..len(s) - 1] }", "s", False),
        # a bag past its bound
        ("action A { send a to net }", "net", True),  # 3 copies of a
        ("action A { require len(net) < 2\n send a to net }", "net", False),
        ("action A { receive v in net { send v to net } }", "net", True),  # 2 copies of a, receive one b: 3 of a
        ("action A { receive v in net { y = 1 } }", "net", False),
        # a map built from a comprehension over wider values
        ("action A { m = {k: x + 1 for k in K} }", "m", False),  # checked per value (inner), not whole
        ("action A { m = {k: m[k] for k in K} }", "m", False),
        # copies, selections and unions of values of the target type
        ("action A { ns = ns | {x} }", "ns", False),
        ("action A { ns = {v for v in ns if v > 0} }", "ns", False),
        ("action A { net = net }", "net", False),
    ],
)
def test_assignment_verdicts(body, var, leaves):
    facts, st = the_assign(body, var)
    assert facts.needs_check(st) is leaves


@pytest.mark.parametrize(
    "body, leaves",
    [
        ("action A { m = {k: x + 1 for k in K} }", True),  # 3 + 1
        ("action A { require x < N\n m = {k: x + 1 for k in K} }", False),
        ("action A { m = {k: x if k == k1 else 0 for k in K} }", False),
    ],
)
def test_map_comprehension_value(body, leaves):
    facts, st = the_assign(body, "m")
    comp = st.value
    assert isinstance(comp, E.MapComp)
    assert facts.fits(comp.value, comp.type.value) is not leaves


@pytest.mark.parametrize(
    "body, leaves",
    [
        ("action A { ns = {v + 1 for v in 0..N} }", True),  # 4
        ("action A { ns = {v + 1 for v in 0..N - 1} }", False),
        ("action A { ns = {v - 1 for v in ns if v > 0} }", False),
        ("action A { ns = {v - 1 for v in ns} }", True),  # -1
    ],
)
def test_set_comprehension_over_a_wider_type(body, leaves):
    facts, st = the_assign(body, "ns")
    comp = st.value
    assert isinstance(comp, E.SetComp)
    assert facts.fits(comp.elem, comp.type.elem) is not leaves


def indexes(model):
    """Every sequence Index and Slice of the model's invariants, by source column."""
    out = {}

    def walk(node):
        if isinstance(node, (E.Index, E.Slice)) and isinstance(node.operand.type, SeqT):
            out[(node.span.line, node.span.column)] = node
        if isinstance(node, tuple):
            for x in node:
                walk(x)
        elif isinstance(node, E.Expr):
            for name in node.__dataclass_fields__:
                if name not in ("type", "span"):
                    walk(getattr(node, name))

    for inv in model.invariants:
        walk(inv.expr)
    return out


@pytest.mark.parametrize(
    "inv, ok",
    [
        ("forall n in 1..len(s): s[n] >= 0", True),
        ("forall n in 1..min({len(s), x}): s[n] >= 0", True),
        ("forall n in 0..len(s): s[n] >= 0", False),  # s[0]
        ("forall n in 1..len(s) + 1: s[n] >= 0", False),  # past the end
        ("forall n in 1..x: n <= len(s) and s[n] >= 0", True),
        ("forall n in 1..x: n <= len(s) implies s[n] >= 0", True),
        ("forall n in 1..x: n > len(s) or s[n] >= 0", True),
        ("forall n in 1..x: n < len(s) or s[n] >= 0", False),  # n == len(s) + 1 is possible
        ("x == 0 or (x <= len(s) and s[x] >= 0)", True),
        ("x <= len(s) and s[x] >= 0", False),  # x == 0
        ("(s[x] if x >= 1 and x <= len(s) else 0) >= 0", True),
        ("len(s) > 0 implies s[len(s)] >= 0", True),
        ("len(s) > 0 implies s[1] >= 0", True),
        ("s[1] >= 0", False),
    ],
)
def test_sequence_index_verdicts(inv, ok):
    model = model_of(f"action A {{ x = 0 }}\ninvariant I:\n    {inv}\n")
    facts = analyze(model)
    (node,) = [n for n in indexes(model).values() if isinstance(n, E.Index)]
    assert facts.index_ok(node) is ok


def test_slices_inside_need_no_clipping():
    model = model_of("action A { x = 0 }\ninvariant I:\n    forall n in 1..len(s): s[1..n] == s[n..x] and s[x..2] == s\n")
    facts = analyze(model)
    plain = {col: facts.slice_plain(n) for (_, col), n in indexes(model).items() if isinstance(n, E.Slice)}
    # s[1..n] and s[n..x]: lo >= 1, hi >= 0; s[x..2]: x may be 0
    assert sorted(plain.values()) == [False, True, True]


def test_intervals_and_narrowed_types():
    model = model_of("action A {\n    let d = x * 2 - 1\n    y = d + 4\n}\n")
    facts = analyze(model)
    st = model.actions[0].body[-1]
    assert facts.interval(st.value) == (3, 9)
    assert facts.narrow(st.value) == RangeT(3, 9)
    assert not facts.needs_check(st)


def test_a_def_parameter_takes_the_hull_of_its_arguments():
    # def parameters are not checked against their declared type, so the
    # analysis uses what they are called with: 0..3 and 5..8 here.
    model = model_of(
        "def up(v: 0..1) = v + 1\n"
        "action A {\n    y = up(x)\n    y = up(x + 5)\n}\n"
    )
    facts = analyze(model)
    first, second = model.actions[0].body
    assert facts.interval(first.value) == (1, 9)
    assert not facts.needs_check(first) and not facts.needs_check(second)


def test_an_empty_interval_is_unknown_not_a_division_by_zero():
    """Found by tests/smt/test_smt_random.py: after `x = 0 - 1` the value of x met
    with its type 0..3 is the empty (0, -1); `x // x` then divided by its bound 0
    while analysing. Code only a value outside its type could reach gets no interval."""
    model = model_of("action A { x = 0 - 1; x = x // x }")
    facts = analyze(model)
    first, second = model.actions[0].body
    assert facts.needs_check(first) and facts.needs_check(second)
    assert facts.interval(second.value) is None
