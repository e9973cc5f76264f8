"""What the exporter writes for the constructs whose translation decides agreement with TLC."""

from __future__ import annotations

from pathlib import Path

from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load, load_text
from specpy.diagnostics import SourceFile
from specpy.tla.export import export

ROOT = Path(__file__).resolve().parents[2]

DATA = Path(__file__).parent / "data"


def exported(text: str, **options) -> str:
    model = load_text(SourceFile("t.spec", text), Overrides())
    return export(model, CheckOptions(**options)).tla


def body(tla: str, name: str) -> str:
    """The lines of one definition."""
    lines = tla.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(name + " ==") or line.startswith(name + "("))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end])


def test_a_failing_let_is_evaluated_where_it_stands():
    tla = exported((DATA / "letfail.spec").read_text())
    peek = body(tla, "Peek")
    assert peek.index("Evaluated(e)") < peek.index("k < Len(log)")


def test_a_stored_value_is_checked_at_its_statement():
    tla = exported("var x: 0..3 = 0\nvar y: bool = false\naction A {\n    x += 1\n    require y\n}\n")
    a = body(tla, "A")
    assert a.index('Stored(x_1 \\in 0..3, "t.spec:4:5")') < a.index("/\\ y")
    assert "x' = x_1" in a


def test_sequential_assignments_substitute():
    tla = exported("var x: 0..9 = 0\naction A {\n    x = 2\n    x = x + 3\n}\n")
    assert "x' = x_1" in body(tla, "A") and "x_1 == 2 + 3" in body(tla, "A")


def test_terminal_states_stutter_and_deadlock_is_configured():
    model = "var x: 0..2 = 0\naction A { require x < 2; x += 1 }\nterminal x == 2\n"
    tla = exported(model)
    assert "Terminated ==" in tla and "\\/ Terminated" in tla
    cfg = export(load_text(SourceFile("t.spec", model), Overrides()), CheckOptions(check_deadlock=False)).cfg
    assert "CHECK_DEADLOCK FALSE" in cfg


def test_fairness_is_per_parameter_tuple():
    tla = exported("type P = {p1, p2}\nvar x: [P -> bool] = {p: false for p in P}\n"
                   "fair action A(p: P) { x[p] = true }\nproperty Done: eventually x[p1]\n")
    assert "(\\A p \\in P : WF_vars(A(p)))" in tla and "Done == <>(x[p1])" in tla


def test_spec_names_that_are_tla_keywords_or_helpers_are_renamed():
    tla = exported("type S = {b, SS}\nvar Init: S = b\naction Next { Init = SS }\n")
    assert "CONSTANTS b, SS_" in tla and "VARIABLES Init_" in tla and "Next_ ==" in tla


def test_symmetry_only_when_on():
    spec = "symmetric type N = {n1, n2}\nvar x: set[N] = {}\naction A(n: N) { x = x | {n} }\n"
    assert "Symmetry == Permutations(N)" in exported(spec)
    assert "Symmetry" not in exported(spec, symmetry=False)


def test_guards_tlc_would_explore_as_alternatives_are_one_boolean():
    tla = exported("var x: 0..1 = 0\nvar y: 0..1 = 0\naction A { require x == 0 and (y == 0 or x == 1); y = 1 }\n")
    a = body(tla, "A")
    assert "/\\ x = 0\n" in a and "/\\ Holds((y = 0) \\/ (x = 1))" in a


def test_the_header_names_what_the_module_was_exported_from():
    # tla/export.py writes the header and reads it back (`specpy tlc` re-loads
    # the spec it names to read TLC's output in the spec's terms).
    from specpy.tla.export import exported_from

    spec = ROOT / "specs" / "twophase.spec"
    overrides = Overrides(consts={}, types={"RM": ("p", "q")})
    e = export(load(spec, overrides), CheckOptions(check_deadlock=False), overrides, "../specs/twophase.spec")
    p = exported_from(e.tla)
    assert (p.spec, p.overrides.types, p.overrides.consts) == ("../specs/twophase.spec", {"RM": ("p", "q")}, {})
    assert exported_from((ROOT / "tla" / "Raft.tla").read_text()).spec == "../specs/raft.spec"
    assert exported_from("---- MODULE Hand ----\n\\* written by hand\n") is None


def test_the_comment_above_an_action_or_invariant_is_carried_over() -> None:
    tla = exported(
        "var x: 0..3 = 0\n\n# Count up,\n#\n# to 3 (*not a block*)\naction Inc { require x < 3; x += 1 }\n"
        "# x stays small\ninvariant Small: x <= 3\n"
    )
    assert "\\* Count up,\n\\*\n\\* to 3 (*not a block*)\nInc ==" in tla
    assert "\\* x stays small\nSmall ==" in tla


def test_tuples_choose_and_fold_read_as_tla() -> None:
    tla = exported(
        "type S = {a, b}\nvar p: (S, 0..3) = (a, 1)\n"
        "action Step { p = (choose s in S where s != p[1], fold(n = 0, i in 1..3: n + i) - 6) }\n"
        "invariant U: union({{a}, {b}}) == S and len(subsets(S)) == 4\n"
    )
    assert "p = <<a, 1>>" in tla
    assert "p' = <<ChooseLeast({s \\in S : s # p[1]}, LAMBDA vv : (a :> 0 @@ b :> 1)[vv]), " in tla
    assert "FoldSet(LAMBDA n, i : n + i, 0, 1..3, LAMBDA vv : vv)" in tla
    assert "UNION {{a}, {b}}" in tla and "Cardinality(SUBSET S) = 4" in tla
    assert "(S \\X (0..3))" in tla


def test_a_let_inlined_in_an_if_is_not_captured_by_a_binder_around_it():
    # Inside a merged `if` a `let` is inlined as text; the map's binder must
    # not reuse a name bound inside that text (SANY: "Multiply-defined symbol
    # 's'"). Found exporting specs/raft_prevote.spec's term shift.
    tla = exported(
        "type S = {a, b}\nvar t: [S -> 1..3] = {s: 2 for s in S}\nvar n: 0..2 = 0\n"
        "action Shift {\n    n = 0\n    if n == 0 {\n        let low = min({t[s] for s in S})\n"
        "        t = {s: t[s] - low + 1 for s in S}\n    }\n}\n"
    )
    shift = body(tla, "Shift")
    assert "[s_2 \\in S |-> Checked((t[s_2] - Min({t[s] : s \\in S})) + 1, 1..3)]" in shift
