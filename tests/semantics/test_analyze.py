"""The semantics stage: names, types, overrides and the IR it builds."""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile, SpecError
from specpy.ir import expr as ir
from specpy.ir import stmt as irs
from specpy.ir.types import AtomT, BagT, EnumT, IntT, MapT, OptionT, RangeT, SeqT, SetT, VariantT
from specpy.options import OptionError, Overrides
from specpy.pipeline import load_text


def model(text: str, **overrides):
    return load_text(SourceFile("t.spec", text), Overrides(**overrides))


def errors(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(SpecError) as info:
        model(text)
    return [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics]


TWO_PHASE_HEAD = """
type RM = {r1, r2, r3}
type St = enum { working, prepared }
type Msg = Prepared{rm: RM} | Commit
var rmState: [RM -> St] = {r: working for r in RM}
var msgs: set[Msg] = {}
"""


def test_types_resolve_to_ir_types() -> None:
    m = model(TWO_PHASE_HEAD)
    assert m.var("rmState").type == MapT(AtomT("RM", ("r1", "r2", "r3")), EnumT("St", ("working", "prepared")))
    msg = m.var("msgs").type
    assert isinstance(msg, SetT) and isinstance(msg.elem, VariantT)
    assert [c.name for c in msg.elem.cases] == ["Prepared", "Commit"]


def test_initialisers_become_init_assignments_in_order() -> None:
    m = model(TWO_PHASE_HEAD)
    assert [s.var for s in m.init] == ["rmState", "msgs"]
    assert isinstance(m.init[0].value, ir.MapComp)
    assert m.init[1].value == ir.Lit(m.var("msgs").type, frozenset())


def test_type_override_replaces_atoms_and_const_override_rebinds() -> None:
    m = model(
        "const N = 2\ntype RM = {r1}\nvar x: 0..N = 0\nvar s: set[RM] = {}",
        consts={"N": "5"},
        types={"RM": ("a", "b", "c")},
    )
    assert m.var("x").type == RangeT(0, 5)
    assert m.types["RM"] == AtomT("RM", ("a", "b", "c"))
    assert m.constants == {"N": 5}


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"consts": {"M": "1"}}, "no constant named M"),
        ({"consts": {"N": "x"}}, "expected an integer"),
        ({"consts": {"N": "true"}}, "N is an integer"),
        ({"types": {"Q": ("a",)}}, "no type named Q"),
        ({"types": {"RM": ()}}, "at least one member"),
        ({"types": {"St": ("a",)}}, "only a type of atoms"),
        ({"types": {"RM": ("a", "a")}}, "listed twice"),
        ({"types": {"RM": ("N",)}}, "already declared"),
    ],
)
def test_bad_overrides_are_option_errors_naming_the_problem(overrides, words) -> None:
    with pytest.raises(OptionError, match=words):
        model("const N = 2\ntype RM = {r1}\ntype St = enum {a1}\nvar x: 0..N = 0", **overrides)


def test_send_receive_desugar_to_bag_operations() -> None:
    m = model(
        "type M = Ping | Pong\nvar net: bag[M, 2] = {}\nvar got: 0..3 = 0\n"
        "action S { send Ping to net }\n"
        "action R { receive m in net where m is Ping { got += 1 } }\n"
    )
    send, recv = m.actions
    (assign,) = send.body
    assert isinstance(assign, irs.Assign) and isinstance(assign.value, ir.BagAdd)
    (choose,) = recv.body
    assert isinstance(choose, irs.Choose) and isinstance(choose.body[0].value, ir.BagRemove)
    assert isinstance(m.var("net").type, BagT)


def test_defs_are_inlined_with_let() -> None:
    m = model("var x: 0..3 = 0\ndef inc(v: 0..3) = v + 1\naction A { require x < 3; x = inc(x) }")
    assign = m.actions[0].body[1]
    assert isinstance(assign.value, ir.LetIn)
    assert assign.value.local.name == "v"


def test_qualified_enum_member_and_optional_unwrap() -> None:
    m = model(
        "type A = enum { red, off }\ntype B = enum { red, on }\nvar a: A = A.red\n"
        "var n: (0..3)? = none\nvar x: 0..3 = 0\naction T { require n != none; x = n }"
    )
    assert m.init[0].value == ir.Lit(EnumT("A", ("red", "off")), "red")
    assert m.var("n").type == OptionT(RangeT(0, 3))
    assign = m.actions[0].body[1]
    assert isinstance(assign.value, ir.Unwrap)


@pytest.mark.parametrize("body", ["x if x > 0 else none", "none if x == 0 else x"])
def test_conditional_with_none_on_one_side_is_optional(body) -> None:
    # Nothing outside a def body says what it must be: the side that is not
    # `none` decides, and the conditional is that type made optional.
    m = model(f"var x: 0..3 = 0\nvar y: (0..3)? = none\ndef pos = {body}\naction A {{ y = pos }}")
    value = m.actions[0].body[0].value
    assert isinstance(value, ir.Cond) and value.type == OptionT(RangeT(0, 3))


def test_conditional_with_none_still_needs_a_known_type() -> None:
    assert errors("def nothing = none if true else none") == [("E-none-needs-option", 1, 15)]


def test_sequences_are_one_based_with_bounded_append() -> None:
    m = model("var s: seq[0..2, 3] = []\naction A { require len(s) < 3; s = append(s, 1) }")
    value = m.actions[0].body[1].value
    assert isinstance(value, ir.Append) and value.type == SeqT(RangeT(0, 2), 4)


def test_arithmetic_has_int_type_and_is_checked_when_stored() -> None:
    m = model("var x: 0..3 = 0\naction A { x = x + 1 }")
    assign = m.actions[0].body[0]
    assert assign.value.type == IntT() and assign.target_type == RangeT(0, 3)


def test_independent_errors_are_all_reported_in_source_order() -> None:
    codes = errors("var x: 0..3 = 0\naction A { x = yy }\naction B { require 7 }\ninvariant C: x == true\n")
    assert [c for c, _, _ in codes] == ["E-unknown-name", "E-not-boolean", "E-incomparable"]
    assert [line for _, line, _ in codes] == [2, 3, 4]


def test_if_branches_both_assigning_counts_as_initialised() -> None:
    m = model("var x: 0..3\ninit { if true { x = 1 } else { x = 2 } }")
    assert isinstance(m.init[0], irs.If)
    assert errors("var x: 0..3\ninit { if true { x = 1 } }")[0][0] == "E-uninitialised"


def test_either_and_choose_in_init() -> None:
    m = model("var x: 0..3\nvar y: bool\ninit { choose v in 0..2 { x = v }; either { y = true } or { y = false } }")
    assert isinstance(m.init[0], irs.Choose) and isinstance(m.init[1], irs.Either)


def test_spec_header_names_the_model_else_the_file() -> None:
    assert model("spec Foo\nvar x: bool = true").name == "Foo"
    assert load_text(SourceFile("specs/two_phase.spec", "var x: bool = true")).name == "TwoPhase"


def test_properties_in_every_supported_form() -> None:
    m = model(
        "var x: 0..3 = 0\nfair action A { require x < 3; x += 1 }\n"
        "property P1: eventually x == 3\nproperty P2: always eventually x == 0\n"
        "property P3: eventually always x == 3\nproperty P4: x == 0 leadsto x == 3\n"
        "property P5: always x <= 3\n"
    )
    assert [p.kind for p in m.properties] == ["eventually", "always eventually", "eventually always", "leadsto", "always"]
    assert m.actions[0].fairness == "weak"


def test_faults_block() -> None:
    m = model(
        "type S = {s1, s2}\ntype M = Ping | Pong\nvar net: bag[M, 2] = {}\n"
        "durable var term: [S -> 0..2] = {s: 0 for s in S}\nvar up: [S -> bool] = {s: true for s in S}\n"
        "faults {\n lose net\n duplicate net\n crash S resets up\n budget 2\n}\n"
    )
    assert m.faults.lose == ("net",) and m.faults.duplicate == ("net",)
    assert m.faults.crash[0].type.name == "S" and m.faults.crash[0].resets == ("up",)
    assert m.faults.budget == 2
    assert m.var("term").durable and not m.var("up").durable


def test_a_constant_range_too_large_to_enumerate_is_located_before_anything_is_built() -> None:
    """The fuzzer's zab.spec with `const MaxEpoch = 99999999999999999999`: the explicit backend
    folded `1..MaxHist` into a frozenset while compiling and grew to 20 GB. Small ranges still load."""
    spec = "spec Big\nconst N = {n}\nvar x: 0..1 = 0\naction A {{ require forall i in 1..N: i > 0\n  x = 1 }}\n"
    assert errors(spec.format(n="99999999999999999999")) == [("E-universe-too-large", 4, 32)]
    assert errors(spec.format(n="1000001")) == [("E-universe-too-large", 4, 32)]
    model(spec.format(n="1000000"))
