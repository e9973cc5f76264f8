"""Golden tests for the text rendering of traces (trace/text.py)."""

from __future__ import annotations

from specpy.ir.values import BagValue, MapValue, RecordValue, VariantValue
from specpy.trace.text import diff_value, render_trace
from specpy.trace.trace import Step, Trace

RMS = ("r1", "r2", "r3")


def rm_state(**changed: str) -> MapValue:
    return MapValue(tuple((r, changed.get(r, "working")) for r in RMS))


def prepared(r: str) -> VariantValue:
    return VariantValue("Prepared", (("rm", r),))


COMMIT = VariantValue("Commit")
ABORT = VariantValue("Abort")


def twophase_trace() -> Trace:
    """A two-phase-commit run of a buggy TM that commits after one Prepared."""
    states = [
        {"rmState": rm_state(), "tmState": "undecided", "tmPrepared": frozenset(), "msgs": frozenset()},
        {
            "rmState": rm_state(r1="prepared"),
            "tmState": "undecided",
            "tmPrepared": frozenset(),
            "msgs": frozenset({prepared("r1")}),
        },
        {
            "rmState": rm_state(r1="prepared"),
            "tmState": "undecided",
            "tmPrepared": frozenset({"r1"}),
            "msgs": frozenset({prepared("r1")}),
        },
        {
            "rmState": rm_state(r1="prepared", r2="aborted"),
            "tmState": "undecided",
            "tmPrepared": frozenset({"r1"}),
            "msgs": frozenset({prepared("r1")}),
        },
        {
            "rmState": rm_state(r1="prepared", r2="aborted"),
            "tmState": "done",
            "tmPrepared": frozenset({"r1"}),
            "msgs": frozenset({prepared("r1"), COMMIT}),
        },
        {
            "rmState": rm_state(r1="committed", r2="aborted"),
            "tmState": "done",
            "tmPrepared": frozenset({"r1"}),
            "msgs": frozenset({prepared("r1"), COMMIT}),
        },
    ]
    steps = [
        Step("RMPrepare", (("r", "r1"),)),
        Step("TMRcvPrepared", (("r", "r1"),)),
        Step("RMChooseToAbort", (("r", "r2"),)),
        Step("TMCommit"),
        Step("RMRcvCommit", (("r", "r1"),)),
    ]
    return Trace(("rmState", "tmState", "tmPrepared", "msgs"), tuple(states), tuple(steps))


def entry(term: int, value: str) -> RecordValue:
    return RecordValue((("term", term), ("value", value)))


def raft_lasso() -> Trace:
    """Nested structure, a bag, an option, a fault step and a cycle."""
    servers = ("s1", "s2")

    def per_server(a, b) -> MapValue:
        return MapValue(tuple(zip(servers, (a, b))))

    vote = VariantValue("Vote", (("src", "s1"), ("term", 1)))
    states = [
        {
            "log": per_server((), ()),
            "votedFor": per_server(None, None),
            "net": BagValue(()),
            "leader": RecordValue((("id", None), ("term", 0))),
        },
        {
            "log": per_server((entry(1, "v1"),), ()),
            "votedFor": per_server("s1", None),
            "net": BagValue(((vote, 2),)),
            "leader": RecordValue((("id", "s1"), ("term", 1))),
        },
        {
            "log": per_server((entry(1, "v2"),), (entry(1, "v1"),)),
            "votedFor": per_server("s1", "s1"),
            "net": BagValue(((vote, 1),)),
            "leader": RecordValue((("id", "s1"), ("term", 1))),
        },
        {
            "log": per_server((entry(1, "v2"),), (entry(1, "v1"),)),
            "votedFor": per_server("s1", "s1"),
            "net": BagValue(((vote, 1),)),
            "leader": RecordValue((("id", "s1"), ("term", 1))),
        },
    ]
    steps = [
        Step("Elect", (("s", "s1"), ("q", frozenset(servers)))),
        Step("lose net", (("m", vote),), fault=True),
        Step("Stutter"),
    ]
    return Trace(("log", "votedFor", "net", "leader"), tuple(states), tuple(steps), loop=1)


def test_twophase_changes(golden) -> None:
    golden("twophase_changes", render_trace(twophase_trace()))


def test_twophase_full(golden) -> None:
    golden("twophase_full", render_trace(twophase_trace(), full=True))


def test_lasso_with_nested_values(golden) -> None:
    golden("lasso_nested", render_trace(raft_lasso()))


def test_single_state(golden) -> None:
    trace = Trace(("x",), ({"x": 0},), ())
    golden("single_state", render_trace(trace))


def test_map_entry_change_shows_only_that_key() -> None:
    lines = list(diff_value("rmState", rm_state(), rm_state(r2="prepared")))
    assert lines == ["rmState[r2]: working → prepared"]


def test_set_diff_is_one_line_additions_then_removals_in_display_order() -> None:
    old = frozenset({"r10", "r2", "r3"})
    new = frozenset({"r3", "r1", "r11"})
    assert list(diff_value("s", old, new)) == ["s: +{r1, r11} -{r2, r10}"]
    assert list(diff_value("s", old, old - {"r2"})) == ["s: -{r2}"]


def test_a_long_set_diff_splits_by_sign_then_by_element() -> None:
    big = [f"Message{{from: p{i}, payload: {'x' * 14}}}" for i in range(3)]  # 37 characters each
    lines = list(diff_value("net", frozenset({big[0]}), frozenset(big[1:])))
    assert lines == [f"net: +{{{big[1]}, {big[2]}}}", f"net: -{{{big[0]}}}"]
    many = [f"{'y' * 40}{i}" for i in range(4)]
    assert list(diff_value("s", frozenset(), frozenset(many))) == [f"s: +{{{m}}}" for m in many]


def test_bag_diff_counts_copies() -> None:
    assert list(diff_value("net", BagValue((("a", 1),)), BagValue((("a", 3), ("b", 1))))) == ["net: +{a ×2, b}"]


def test_maps_with_different_keys_descend_into_the_common_ones() -> None:
    # A map from a trace file whose domain grows (Quint writes partial maps so).
    old = MapValue((("a", MapValue((("x", 1), ("y", 2)))),))
    new = MapValue((("a", MapValue((("x", 1), ("y", 3)))), ("b", MapValue((("x", 0),)))))
    assert list(diff_value("m", old, new)) == ["m[a][y]: 2 → 3", "m: +{b: {x: 0}}"]


def test_variant_case_change_is_shown_whole() -> None:
    assert list(diff_value("m", COMMIT, prepared("r1"))) == ["m: Commit → Prepared{rm: r1}"]


def test_a_sequence_change_is_an_edit() -> None:
    assert list(diff_value("log", (1,), (1, 2))) == ["log: [..., +2]"]  # appended
    assert list(diff_value("q", (1, 2, 3), (2, 3))) == ["q: [-1, ...]"]  # taken from the front
    assert list(diff_value("log", (1, 2, 3), (1, 4))) == ["log: [..., -2, -3, +4]"]  # cut and replaced
    assert list(diff_value("log", (1, 2, 3, 4), (1, 9, 4))) == ["log: [..., -2, -3, +9, ...]"]  # in the middle
    assert list(diff_value("log", (), (1,))) == ["log: [] → [1]"]  # nothing in common: whole
    assert list(diff_value("log", (1, 2), (3,))) == ["log: [1, 2] → [3]"]


def test_a_long_whole_change_puts_the_new_value_under_the_old() -> None:
    old, new = tuple(f"entry{i:02}" for i in range(12)), ("x",) * 13
    lines = list(diff_value("level0", old, new))
    assert lines == [f"level0: [{', '.join(old)}]", f"      → [{', '.join(new)}]"]


def test_records_print_with_their_type_name() -> None:
    msg_id = RecordValue((("src", "p1"), ("n", 1)), "MsgId")
    assert list(diff_value("dlog", (), (msg_id,))) == ["dlog: [] → [MsgId{src: p1, n: 1}]"]
    assert msg_id == RecordValue((("src", "p1"), ("n", 1)))  # the name takes no part in equality


def test_a_long_map_in_a_whole_state_gets_a_line_per_key() -> None:
    keys = [RecordValue((("src", f"p{i}"), ("n", 1)), "MsgId") for i in range(6)]
    past = MapValue(tuple((k, frozenset()) for k in keys))
    text = render_trace(Trace(("past", "x"), ({"past": past, "x": 0},), ()))
    assert text.splitlines()[1:] == [f"  past[MsgId{{src: p{i}, n: 1}}]: {{}}" for i in range(6)] + ["  x: 0"]


def test_rendering_is_deterministic() -> None:
    assert render_trace(twophase_trace()) == render_trace(twophase_trace())
