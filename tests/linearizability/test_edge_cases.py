"""Hand-made histories whose verdicts follow from Jepsen's semantics (worked out by hand)."""

from __future__ import annotations

import pytest

from lin_helpers import decide_events, event as e


def seq(process, f, value=None, result=None, kind="ok", **extra):
    """An operation with nothing concurrent: its invocation then its completion."""
    return [e(process, "invoke", f, value, **extra), e(process, kind, f, result if f in ("read", "get", "dequeue") else value, **extra)]


def test_an_info_write_that_must_have_happened():
    # p0's write of 1 timed out; a later read sees 1, so it took effect.
    events = [e(0, "invoke", "write", 1), e(0, "info", "write", 1), *seq(1, "read", result=1)]
    assert decide_events("register", events).linearizable


def test_the_same_write_failed_so_the_read_is_impossible():
    events = [e(0, "invoke", "write", 1), e(0, "fail", "write", 1), *seq(1, "read", result=1)]
    assert not decide_events("register", events).linearizable


def test_an_info_write_that_must_not_have_happened_yet():
    # The write of 1 never completed: reads of nil after it are fine (it took
    # effect later, or never), but once 1 was read, nil cannot come back.
    events = [e(0, "invoke", "write", 1), *seq(1, "read", result=None), *seq(1, "read", result=None)]
    assert decide_events("register", events).linearizable
    events += seq(1, "read", result=1) + seq(1, "read", result=None)
    d = decide_events("register", events)
    assert not d.linearizable
    assert d.violation.blocked.op.line == 8 and d.violation.blocked.payload == ("read", None)


def test_an_info_write_cannot_take_effect_twice():
    # write(1) info, then write(2) ok, read 1 then read 2 then read 1: one effect only.
    events = [e(0, "invoke", "write", 1), e(0, "info", "write", 1), *seq(1, "write", 2),
              *seq(1, "read", result=1), *seq(1, "read", result=2)]
    assert not decide_events("register", events).linearizable
    events = [e(0, "invoke", "write", 1), e(0, "info", "write", 1), *seq(1, "write", 2),
              *seq(1, "read", result=2), *seq(1, "read", result=1)]
    assert decide_events("register", events).linearizable


def test_a_failed_cas_did_not_take_effect():
    base = seq(0, "write", 1)
    assert decide_events("cas-register", base + seq(1, "cas", [1, 2], kind="fail") + seq(0, "read", result=1)).linearizable
    assert not decide_events("cas-register", base + seq(1, "cas", [1, 2], kind="fail") + seq(0, "read", result=2)).linearizable


def test_a_cas_that_returned_false_saw_another_value():
    base = seq(0, "write", 1)
    returned_false = [e(1, "invoke", "cas", [1, 2]), e(1, "ok", "cas", [1, 2], output=False)]
    assert not decide_events("cas-register", base + returned_false).linearizable
    returned_false = [e(1, "invoke", "cas", [3, 2]), e(1, "ok", "cas", [3, 2], output=False)]
    assert decide_events("cas-register", base + returned_false + seq(0, "read", result=1)).linearizable


def test_an_unknown_cas_may_or_may_not_have_applied():
    cas = [e(1, "invoke", "cas", [1, 2]), e(1, "info", "cas", [1, 2])]
    for read in (1, 2):
        assert decide_events("cas-register", seq(0, "write", 1) + cas + seq(0, "read", result=read)).linearizable
    assert not decide_events("cas-register", seq(0, "write", 1) + cas + seq(0, "read", result=3)).linearizable


def test_concurrent_reads_see_a_write_in_either_order():
    # r1 and r2 overlap the write: either may see old or new, but not new then old in real time.
    events = [e(0, "invoke", "write", 1), e(1, "invoke", "read"), e(1, "ok", "read", 1),
              e(2, "invoke", "read"), e(2, "ok", "read", None), e(0, "ok", "write", 1)]
    assert not decide_events("register", events).linearizable
    events = [e(0, "invoke", "write", 1), e(1, "invoke", "read"), e(2, "invoke", "read"),
              e(1, "ok", "read", 1), e(2, "ok", "read", None), e(0, "ok", "write", 1)]
    assert decide_events("register", events).linearizable


def test_kv_keys_are_independent_and_the_report_names_the_key():
    events = (seq(0, "put", "a", key="x") + seq(0, "put", "b", key="y") + seq(1, "get", result="a", key="x")
              + seq(1, "get", result="a", key="y"))
    d = decide_events("kv", events)
    assert not d.linearizable and d.violation.key == "y" and d.keys == 2
    d = decide_events("kv", events[:-2] + seq(1, "get", result="b", key="y"))
    assert d.linearizable and [p.key for p in d.partitions] == ["x", "y"]


def test_kv_independent_tuples_and_append():
    events = seq(0, "append", ["k", "ab"]) + seq(1, "append", ["k", "c"]) + seq(0, "get", ["k", None], result=["k", "abc"])
    assert decide_events("kv", events).linearizable
    events[-1]["value"] = ["k", "cab"]
    assert not decide_events("kv", events).linearizable


def test_kv_initial_value_like_porcupine():
    # Porcupine's kv histories read "" from a key never written.
    assert decide_events("kv", seq(0, "get", result="", key="k"), initial="").linearizable
    assert not decide_events("kv", seq(0, "get", result="", key="k")).linearizable


def test_set_and_queue():
    adds = seq(0, "add", 1) + seq(1, "add", 2)
    assert decide_events("set", adds + seq(0, "read", result=[2, 1])).linearizable
    assert not decide_events("set", adds + seq(0, "read", result=[1])).linearizable
    q = seq(0, "enqueue", 1) + seq(0, "enqueue", 2)
    assert decide_events("queue", q + seq(1, "dequeue", result=1) + seq(1, "dequeue", result=2)
                         + seq(1, "dequeue", result=None)).linearizable
    assert not decide_events("queue", q + seq(1, "dequeue", result=2)).linearizable


@pytest.mark.parametrize("model", ["register", "cas-register", "kv", "set", "queue"])
def test_an_empty_history_is_linearizable(model):
    assert decide_events(model, []).linearizable


def test_the_longest_prefix_and_the_states_seen():
    # write 1; write 2; read 1 — the prefix is both writes, the read saw 2.
    events = seq(0, "write", 1) + seq(0, "write", 2) + seq(1, "read", result=1)
    v = decide_events("register", events).violation
    assert [it.payload for it in v.prefix] == [("write", 1), ("write", 2)]
    assert v.states == [2] and v.events_before == 5 and v.open_items == []
