"""The language, part 2: narrowing, match, let/choose expressions, tuples,
procedures, fold, max/min generators, union/head/tail/subsets.

Each construct's meaning is pinned by invariants that state its value, checked
by the explicit checker and by the Z3 backend (a bounded check): an invariant
that the backend evaluated differently would be violated. TLC's agreement on
the same constructs is pinned in the corpus (specs/quorum_register.spec,
specs/causal_broadcast.spec; tla/tlc-results.json).
"""

from __future__ import annotations

import pytest

from specpy.diagnostics import SourceFile, SpecError
from specpy.explicit import check as explicit_check
from specpy.ir import expr as ir
from specpy.ir import stmt as irs
from specpy.ir.types import RangeT, TupleT
from specpy.ir.values import RecordValue, format_value, tuple_record
from specpy.options import CheckOptions
from specpy.pipeline import load_text
from specpy.smt import check as z3_check


def model(text: str):
    return load_text(SourceFile("t.spec", text))


def codes(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        model(text)
    return [d.code for d in info.value.diagnostics]


def verdicts(text: str, depth: int = 3) -> tuple[dict, dict]:
    """The explicit result (whole state space) and Z3's (bounded), as JSON."""
    m = model(text)
    ours = explicit_check(m, CheckOptions(check_deadlock=False)).to_json()
    bmc = z3_check(m, CheckOptions(max_depth=depth, check_deadlock=False)).to_json()
    return ours, bmc


def assert_holds(text: str, distinct: int) -> None:
    ours, bmc = verdicts(text)
    assert ours["result"] == "ok", ours.get("violation")
    assert ours["distinct_states"] == distinct
    assert bmc["result"] == "ok", bmc.get("violation")


# ------------------------------------------------------------------ narrowing


MSG = """
type Msg = WriteReq{ver: 0..2} | ReadReq{ver: bool}
var msgs: set[Msg] = {WriteReq{ver: 2}, ReadReq{ver: true}}
var last: 0..2 = 0
"""


@pytest.mark.parametrize(
    "body",
    [
        "require m is WriteReq\n last = m.ver",
        "if m is WriteReq { last = m.ver }",
        "last = (m.ver if m is WriteReq else 0)",
        "if m is ReadReq { require m.ver } else { last = m.ver }",
        "last = ((1 if m.ver else 0) if m is ReadReq else m.ver)",
        "require m is WriteReq and m.ver > 0\n last = m.ver",
        "match m { WriteReq => { last = m.ver } ReadReq => { require m.ver } }",
        "last = match m { WriteReq => m.ver, ReadReq => (1 if m.ver else 0) }",
    ],
)
def test_is_narrows_a_variant_so_its_fields_have_one_type(body: str) -> None:
    text = MSG + f"action Apply(m: Msg) {{\n require m in msgs\n {body}\n}}\ninvariant Small: last <= 2\n"
    ours, bmc = verdicts(text)
    assert ours["result"] == bmc["result"] == "ok"
    assert ours["distinct_states"] in (2, 3)


def test_narrowing_in_implies_and_quantifier_where() -> None:
    text = MSG + "invariant W: forall m in msgs where m is WriteReq: m.ver >= 0\n" \
        "invariant V: forall m in msgs: m is WriteReq implies m.ver <= 2\n"
    assert_holds(text, 1)


def test_narrowed_field_records_its_case_in_the_ir() -> None:
    m = model(MSG + "action A(m: Msg) {\n require m is WriteReq\n last = m.ver\n}\n")
    assign = m.actions[0].body[-1]
    assert isinstance(assign, irs.Assign)
    assert isinstance(assign.value, ir.GetField) and assign.value.tag == "WriteReq"
    assert assign.value.type == RangeT(0, 2)


def test_without_narrowing_a_field_of_two_types_is_an_error() -> None:
    assert codes(MSG + "action A(m: Msg) { last = m.ver }") == ["E-ambiguous-field"]


def test_an_assignment_ends_the_narrowing_of_a_variable() -> None:
    text = MSG + "var cur: Msg = WriteReq{ver: 0}\naction A {\n require cur is WriteReq\n cur = ReadReq{ver: true}\n last = cur.ver\n}"
    assert codes(text) == ["E-ambiguous-field"]


def test_narrowing_to_a_case_the_value_cannot_have_is_an_error() -> None:
    assert codes(MSG + "action A(m: Msg) {\n require m is WriteReq\n require m is ReadReq\n}") == ["E-impossible-case"]
    text = MSG + "action A(m: Msg) {\n require m is WriteReq\n match m { ReadReq => { } WriteReq => { } }\n}"
    assert codes(text) == ["E-impossible-case"]


PATHS = MSG + """
type P = {a1, a2}
const K = 1
var inbox: [P -> Msg] = {p: WriteReq{ver: 0} for p in P}
var box: [P -> [1..2 -> Msg]] = {p: {i: ReadReq{ver: false} for i in 1..2} for p in P}
"""


@pytest.mark.parametrize(
    "body",
    [
        "require inbox[p] is WriteReq\n last = inbox[p].ver",
        "require box[p][K] is WriteReq\n last = box[p][K].ver",
        "if not (inbox[p] is ReadReq) { last = inbox[p].ver }",
        "if inbox[p] is ReadReq or inbox[q] is ReadReq { } else { last = inbox[p].ver + 0 * inbox[q].ver }",
        "last = (0 if not (inbox[a1] is WriteReq) else inbox[a1].ver)",
    ],
)
def test_narrowing_follows_paths_into_maps_and_not_or(body: str) -> None:
    """`inbox[p]` narrows like a name when its indexes are bound names, constants,
    atoms or integers; `not` and a false `or` narrow (two-case variants)."""
    text = PATHS + f"action Apply(p: P, q: P) {{\n {body}\n}}\ninvariant Small: last <= 2\n"
    ours, bmc = verdicts(text)
    assert ours["result"] == bmc["result"] == "ok"


def test_assigning_a_variable_ends_the_narrowing_of_paths_into_it() -> None:
    text = PATHS + "action A(p: P) {\n require inbox[p] is WriteReq\n inbox[p] = ReadReq{ver: true}\n last = inbox[p].ver\n}"
    assert codes(text) == ["E-ambiguous-field"]
    # an index that is a state variable may change meaning: no narrowing through it
    text = PATHS + "var at: P = a1\naction B {\n require inbox[at] is WriteReq\n last = inbox[at].ver\n}"
    assert codes(text) == ["E-ambiguous-field"]


def test_narrowing_a_path_to_an_impossible_case_names_the_path() -> None:
    with pytest.raises(SpecError) as info:
        model(PATHS + "action A(p: P) {\n require inbox[p] is WriteReq\n require inbox[p] is ReadReq\n}")
    assert "`inbox[p]` is a WriteReq here" in str(info.value)


def test_match_is_exhaustive_and_arms_are_unique() -> None:
    head = "type M = A | B | C\nvar v: M = A\n"
    assert codes(head + "invariant I: match v { A => true, B => true }") == ["E-match-not-exhaustive"]
    assert codes(head + "invariant I: match v { A | B => true, B => true, C => false }") == ["E-match-duplicate"]
    assert codes(head + "invariant I: match v { _ => true, A => true }") == ["E-match-unreachable"]
    assert_holds(head + "invariant I: match v { A => true, _ => false }", 1)


ENUM_MATCH = """
type Role = enum { Follower, Candidate, Leader }
type S = {s1, s2}
var role: Role = Follower
var n: 0..3 = 0
action Step(s: S) {
    match role {
        Follower => { role = Candidate }
        Candidate | Leader => { role = Leader }
    }
    n = match s { s1 => 1, _ => 2 }
}
"""


def test_match_on_enums_and_atoms() -> None:
    """TLC 2.20 on the export: 5 distinct states, 11 generated, depth 3."""
    ours, bmc = verdicts(ENUM_MATCH, depth=4)
    assert (ours["result"], ours["distinct_states"], ours["states_generated"], ours["depth"]) == ("ok", 5, 11, 3)
    assert bmc["result"] == "ok"
    assert codes(ENUM_MATCH.replace("Candidate | Leader", "Candidate")) == ["E-match-not-exhaustive"]
    assert codes(ENUM_MATCH.replace("s1 => 1", "s3 => 1")) == ["E-unknown-case"]
    assert codes(ENUM_MATCH + "var k: 0..1 = 0\ninvariant I: match k { _ => true }") == ["E-not-variant"]


# ------------------------------------------------------------------ let, choose, tuples


def test_let_expression_and_tuple_patterns() -> None:
    text = """
var pair: (0..3, 0..3) = (1, 2)
action Swap {
    let (a, b) = pair
    pair = (b, a)
}
invariant Sum: let (a, b) = pair in a + b == 3
invariant Nested: let x = pair[1] in let y = pair[2] in x != y
invariant Each: forall (a, b) in {pair}: a < 3 and b < 3
"""
    assert_holds(text, 2)
    m = model(text)
    assert m.var("pair").type == TupleT("(0..3, 0..3)", (("1", RangeT(0, 3)), ("2", RangeT(0, 3))))


def test_tuple_values_print_as_tuples() -> None:
    assert format_value(tuple_record(["a", 1])) == "(a, 1)"
    assert format_value(RecordValue((("f", 1),))) == "{f: 1}"


def test_choose_is_the_least_value_in_canonical_order() -> None:
    text = """
type S = {c, a, b}
var x: 0..3 = 0
invariant LeastInt: (choose y in 0..3 where y > x) == x + 1
invariant LeastAtom: (choose s in {a, b} where true) == a
invariant DeclarationOrder: (choose s in S) == c
"""
    assert_holds(text, 1)


def test_choose_without_a_witness_is_an_evaluation_error_in_both_backends() -> None:
    text = "var x: 0..3 = 0\naction Step { x = choose y in 0..3 where y > x }\n"
    ours, bmc = verdicts(text, depth=4)
    assert ours["result"] == bmc["result"] == "eval-error"
    assert ours["violation"]["trace_length"] == bmc["violation"]["trace_length"] == 4


# ------------------------------------------------------------------ procedures


def test_procedures_are_inlined_with_their_arguments() -> None:
    text = """
type Server = {s1, s2}
var inbox: [Server -> 0..2] = {s: 0 for s in Server}
proc Broadcast(n: 0..2) {
    for s in Server { inbox[s] = n }
}
proc Both(n: 0..2) {
    require n > 0
    Broadcast(n)
}
action Go(n: 0..2) { Both(n) }
invariant Same: inbox[s1] == inbox[s2]
"""
    assert_holds(text, 3)
    m = model(text)
    body = m.actions[0].body
    assert [type(s).__name__ for s in body] == ["Let", "Require", "Let", "For"]


def test_procedure_misuse() -> None:
    head = "type S = {s1}\nvar x: 0..3 = 0\n"
    assert codes(head + "proc P(n: 0..3) { x = n }\naction A { P() }") == ["E-arity"]
    assert codes(head + "proc P { P() }\naction A { P() }") == ["E-recursive-proc"]
    assert codes(head + "proc P { x = 1 }\naction A { x = 2\n P() }") == ["E-overwritten"]
    assert codes(head + "proc P { x = 1 }\ninvariant I: P") == ["E-not-a-value"]
    assert codes(head + "def f = 1\naction A { f() }") == ["E-not-a-procedure"]


# ------------------------------------------------------------------ folds and builtins


def test_fold_max_min_and_sum_over_collections() -> None:
    text = """
type S = {c, a, b}
var m: [S -> 0..3] = {s: 1 for s in S}
var log: seq[0..3, 3] = [3, 1, 2]
invariant InOrder: fold(acc: seq[S, 3] = [], s in S: append(acc, s)) == [c, a, b]
invariant SeqOrder: fold(acc = 0, x in log: 10 * acc + x) == 312
invariant MaxOfValues: max(m[s] for s in S) == 1 and min(x for x in log) == 1
invariant Total: sum(m[s] for s in S) == 3
"""
    assert_holds(text, 1)


def test_union_head_tail_subsets() -> None:
    text = """
type S = {a, b, c}
var log: seq[S, 3] = [b, c]
invariant Union: union({{a}, {b, c}, {}}) == S
invariant Head: head(log) == b and tail(log) == [c] and tail(tail(log)) == []
invariant Subsets: len(subsets({a, b})) == 4 and exists q in subsets(S): len(q) == 2 and a in q
"""
    assert_holds(text, 1)


def test_fold_needs_a_type_for_an_empty_start() -> None:
    assert codes("type S = {a}\ninvariant I: fold(acc = {}, x in S: acc | {x}) == S") == ["E-fold-needs-type"]


def test_a_changed_tuple_component_is_shown_by_index() -> None:
    from specpy.trace.text import diff_value

    assert list(diff_value("x", tuple_record(["a", 0]), tuple_record(["a", 1]))) == ["x[2]: 0 → 1"]
