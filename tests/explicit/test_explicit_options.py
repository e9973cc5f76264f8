"""Limits, bounded search, progress, and what the checker refuses."""

import pytest
from explicit_ir import INT, action, arith, assign, cmp, counter, lit, model, require, twophase, var

from specpy.diagnostics import Span, SpecError
from specpy.explicit import check, search, store
from specpy.ir import types as T
from specpy.ir.model import TemporalProperty
from specpy.options import CheckOptions, OptionError
from specpy.result import ResultKind


def climb(hi: int = 10):
    X = T.RangeT(0, hi)
    x = var("x", X)
    return model(
        "Climb",
        [("x", X)],
        [assign("x", lit(0, X), X)],
        [action("Inc", (), require(cmp("<", x, lit(hi, INT))), assign("x", arith("+", x, lit(1, INT)), X))],
        terminals=[cmp("==", x, lit(hi, INT))],
    )


def test_max_states_stops_with_a_limit():
    r = check(twophase(3), CheckOptions(max_states=100))
    assert r.kind is ResultKind.LIMIT and r.limit == "max-states" and r.exit_code == 152
    assert r.stats.distinct_states == 100


def test_timeout_stops_with_a_limit():
    r = check(twophase(3), CheckOptions(timeout=0))
    assert r.kind is ResultKind.LIMIT and r.limit == "timeout"


def test_max_depth_bounds_the_search():
    r = check(climb(), CheckOptions(max_depth=3))
    assert r.kind is ResultKind.OK and r.bounded
    assert (r.stats.distinct_states, r.stats.depth) == (3, 3)
    whole = check(climb(), CheckOptions(max_depth=11))
    assert whole.kind is ResultKind.OK and not whole.bounded and whole.stats.distinct_states == 11


def test_a_bound_with_nothing_beyond_is_not_bounded():
    r = check(counter(bound=3), CheckOptions(max_depth=4))
    assert r.kind is ResultKind.OK and not r.bounded and r.stats.distinct_states == 4


def test_progress_is_reported(monkeypatch):
    monkeypatch.setattr(search, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(store, "BLOCK", 1)  # look at the clock after every state
    seen = []
    r = check(twophase(3), CheckOptions(), progress=seen.append)
    assert r.kind is ResultKind.OK
    assert seen and all(0 < s.distinct_states <= 288 for s in seen)


SPAN = Span("x.spec", 3, 1, 3, 10)


def test_temporal_properties_refuse_more_workers():
    m = climb()
    prop = TemporalProperty("Live", "eventually", cmp("==", var("x", T.RangeT(0, 10)), lit(10, INT)), span=SPAN)
    live = type(m)(**{**m.__dict__, "properties": (prop,)})
    with pytest.raises(OptionError, match="--workers 2: temporal properties are checked with one worker"):
        check(live, CheckOptions(workers=2))


def test_temporal_properties_refuse_a_depth_bound():
    m = climb()
    prop = TemporalProperty("Live", "eventually", cmp("==", var("x", T.RangeT(0, 10)), lit(10, INT)), span=SPAN)
    live = type(m)(**{**m.__dict__, "properties": (prop,)})
    with pytest.raises(OptionError, match="--depth cannot be used with temporal properties \\(Live\\)"):
        check(live, CheckOptions(max_depth=3))


def test_require_inside_a_state_dependent_for_is_refused_with_its_location():
    from specpy.ir import expr as E
    from specpy.ir import stmt as S

    N = T.RangeT(0, 3)
    SN = T.SetT(N)
    i = E.Local("i", 99, N)
    loop = S.For(i, var("sn", SN), None, (require(cmp(">", E.LocalRef(N, i), lit(0, INT))),), span=SPAN)
    m = model("Loop", [("sn", SN)], [assign("sn", lit(frozenset(), SN), SN)], [action("A", (), loop)])
    with pytest.raises(SpecError) as exc:
        check(m, CheckOptions())
    assert [(d.code, d.span) for d in exc.value.diagnostics] == [("E-unsupported", SPAN)]


def test_a_type_without_an_encoding_is_refused_at_its_variable():
    from specpy.ir.model import StateVar

    Huge = T.MapT(T.SeqT(T.RangeT(0, 9), 5), T.BoolT())  # keys: 111111 sequences
    m = climb()
    bad = type(m)(**{**m.__dict__, "vars": m.vars + (StateVar("h", Huge, 1, span=SPAN),)})
    with pytest.raises(SpecError) as exc:
        check(bad, CheckOptions())
    assert [(d.code, d.span) for d in exc.value.diagnostics] == [("E-unsupported", SPAN)]
