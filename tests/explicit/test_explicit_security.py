"""Spec names are untrusted: none may reach generated code as code."""

from explicit_ir import INT, action, and_, assign, cmp, index, lit, local, model, ref, require, var

from specpy.explicit import check
from specpy.explicit.compile import CompiledModel
from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir import types as T
from specpy.ir.values import MapValue, RecordValue
from specpy.options import CheckOptions
from specpy.result import ResultKind

EVIL = [
    "__import__('os').system('echo pwned')",
    'os.system("x")',
    "__builtins__",
    "exec",
    "s",
    "out",
    "v0",
    "_fail",
    "k1",
    "lambda: 1",
    "x\n    import os",
]


def evil_model():
    Atom = T.AtomT('os.system("x")', (EVIL[0], EVIL[1], EVIL[9]))
    Enum = T.EnumT("__builtins__", (EVIL[2], EVIL[10]))
    Rec = T.RecordT("exec", ((EVIL[3], Enum), (EVIL[6], T.RangeT(0, 2))))
    M = T.MapT(Atom, Rec)
    v = var(EVIL[4], M)
    count = var(EVIL[5], T.RangeT(0, 9))
    p = local(EVIL[7], Atom)
    key = local(EVIL[8], Atom)
    start = lit(RecordValue(((EVIL[3], EVIL[2]), (EVIL[6], 0))), Rec)
    field = E.GetField(T.RangeT(0, 2), index(v, ref(p)), EVIL[6])
    bump = assign(
        EVIL[4],
        E.Construct(Rec, None, ((EVIL[3], lit(EVIL[10], Enum)), (EVIL[6], E.Arith(INT, "+", field, lit(1, INT))))),
        Rec,
        (S.IndexStep(ref(p)),),
    )
    return model(
        EVIL[0],
        [(EVIL[4], M), (EVIL[5], T.RangeT(0, 9))],
        [
            assign(EVIL[4], E.MapComp(M, key, lit(frozenset(Atom.members), T.SetT(Atom)), start), M),
            assign(EVIL[5], lit(0, T.RangeT(0, 9)), T.RangeT(0, 9)),
        ],
        [
            action(
                EVIL[1],
                (p,),
                require(and_(cmp("<", field, lit(2, INT)), cmp("<", count, lit(9, INT)))),
                bump,
                assign(EVIL[5], E.Arith(INT, "+", count, lit(1, INT)), T.RangeT(0, 9)),
            )
        ],
        invariants=[(EVIL[0], cmp("<", count, lit(5, INT)))],
    )


def test_generated_code_contains_no_spec_text():
    cm = CompiledModel(evil_model())
    assert cm.expand  # the search's chunk function is compiled on first use
    source = "\n".join(cm.sources)
    for name in EVIL[:3] + EVIL[9:]:
        assert name not in source
    for word in ("import", "system", "pwned", "__builtins__", "exec", "lambda"):
        assert word not in source


def test_hostile_names_are_data_in_results_and_traces():
    r = check(evil_model(), CheckOptions())
    assert r.kind is ResultKind.INVARIANT and r.violation.name == EVIL[0]
    trace = r.violation.trace
    assert len(trace) == 6
    assert trace.var_names == (EVIL[4], EVIL[5])
    assert trace.steps[0].action == EVIL[1] and trace.steps[0].args == ((EVIL[7], EVIL[0]),)
    first = trace.states[0][EVIL[4]]
    assert isinstance(first, MapValue) and first.get(EVIL[0]).get(EVIL[3]) == EVIL[2]
    assert r.stats.coverage[0].name == EVIL[1]


def test_generated_c_contains_no_spec_text():
    """The native core's C (native/): identifiers are generated, constants are numbers or hex bytes."""
    from specpy.native.c_module import generate

    source = generate(evil_model())
    for name in EVIL[:4] + EVIL[9:]:
        assert name not in source
    for word in ("system", "pwned", "__builtins__", "lambda", "os.", "import"):
        assert word not in source
    # Every string literal is hex bytes (a constant's packed layout).
    import re

    for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', source):
        assert re.fullmatch(r"(\\x[0-9a-f]{2})*", literal), literal


def test_hostile_names_native_result_is_the_python_one():
    r = check(evil_model(), CheckOptions(backend="native"))
    assert r.backend == "native"
    assert r.kind is ResultKind.INVARIANT and r.violation.name == EVIL[0]
    assert r.violation.trace == check(evil_model(), CheckOptions()).violation.trace
