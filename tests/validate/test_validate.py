"""Trace validation semantics: exact candidate sets, gaps, named steps, witnesses.

Every expected number here is a hand count on the tiny specs written out in
each test.
"""

from __future__ import annotations

import pytest

import specpy
from specpy.trace.ndjson import LogError
from specpy.result import ValidationKind

# `Split` sets x to 1 and a hidden bit either way; only hidden == 1 lets
# `Finish` go on to x = 2. A validator that committed to the first
# successor (hidden == 0) would reject the log x = 0, 1, 2.
HIDDEN = """
spec Hidden
var x: 0..3 = 0
var hidden: 0..1 = 0
action Split { require x == 0
 either { x = 1; hidden = 0 } or { x = 1; hidden = 1 } }
action Finish { require x == 1 and hidden == 1
 x = 2 }
"""

COUNTER = """
spec Counter
type Node = {n1, n2}
var x: 0..3 = 0
var last: Node? = none
action Inc(n: Node) { require x < 3
 x += 1
 last = n }
action Reset { require x == 3
 x = 0 }
"""


def test_all_candidates_are_kept_so_a_later_line_can_pick_the_right_one():
    r = specpy.loads(HIDDEN).validate([{"x": 0}, {"x": 1}, {"x": 2}])
    assert r.kind is ValidationKind.VALID and r.exit_code == 0
    assert r.stats.max_candidates == 2  # hidden = 0 and hidden = 1 after line 2
    # The witness goes through the branch that explains line 3.
    assert [s["hidden"] for s in r.trace.states] == [0, 1, 1]
    assert [s.action for s in r.trace.steps] == ["Split", "Finish"]
    assert r.line_states == (0, 1, 2)


def test_the_first_unexplained_line_is_reported_with_the_candidates():
    r = specpy.loads(HIDDEN).validate([{"x": 0}, {"x": 1, "hidden": 0}, {"x": 2}])
    assert r.kind is ValidationKind.NOT_A_BEHAVIOUR and r.exit_code == 12
    u = r.unexplained
    assert u.line == 3 and u.logged == {"x": 2}
    assert u.candidates == [{"x": 1}] and u.candidate_count == 1
    assert u.offers == [] and u.offer_count == 0  # hidden == 0: no step at all
    assert r.stats.explained == 2 and len(r.trace) == 2
    assert r.trace.states[-1] == {"x": 1, "hidden": 0}


def test_offers_list_what_one_step_could_have_logged():
    r = specpy.loads(COUNTER).validate([{"x": 0}, {"x": 2}])
    u = r.unexplained
    assert u.line == 2 and u.offers == [{"x": 1}] and u.offer_count == 1


def test_the_first_line_is_the_initial_state_unless_gaps_are_allowed():
    spec = specpy.loads(COUNTER)
    r = spec.validate([{"x": 1}])
    assert r.unexplained.line == 1 and r.unexplained.offers == [{"x": 0}]
    assert len(r.trace) == 0
    r = spec.validate([{"x": 1}], max_gap=1)
    assert r.ok and len(r.trace) == 2 and r.line_states == (1,)


def test_max_gap_lets_unlogged_steps_happen_between_lines():
    spec = specpy.loads(COUNTER)
    log = [{"x": 0}, {"x": 3}, {"x": 0}]
    assert spec.validate(log, max_gap=1).unexplained.line == 2
    r = spec.validate(log, max_gap=2)
    assert r.ok
    assert len(r.trace) == 5 and r.line_states == (0, 3, 4)  # 0 -> 1 -> 2 -> 3 -> 0


def test_a_named_action_must_be_the_step_taken():
    spec = specpy.loads(COUNTER)
    r = spec.validate([{"x": 0}, {"action": "Reset", "x": 1}])
    assert r.unexplained.line == 2 and r.unexplained.step == "Reset"
    assert r.unexplained.offer_count == 0  # Reset is not enabled at x = 0
    assert spec.validate([{"x": 0}, {"action": "Inc", "x": 1}]).ok


def test_args_narrow_the_step_to_matching_parameters():
    spec = specpy.loads(COUNTER)
    ok = spec.validate([{"action": "init"}, {"action": "Inc", "args": {"n": "n2"}}, {"last": "n2"}], max_gap=0)
    # Line 3 is any step after Inc(n2); last == n2 again needs Inc(n=n2).
    assert ok.ok and [s.label() for s in ok.trace.steps] == ["Inc(n=n2)", "Inc(n=n2)"]
    bad = spec.validate([{"action": "init"}, {"action": "Inc", "args": {"n": "n2"}, "last": "n1"}])
    assert bad.unexplained.line == 2 and bad.unexplained.offers == [{"last": "n2"}]


def test_unlogged_variables_are_unconstrained():
    spec = specpy.loads(COUNTER)
    r = spec.validate([{"x": 0}, {}, {}, {"x": 3}])
    assert r.ok and r.stats.max_candidates == 2  # after lines 2-4: last = n1 or n2


def test_no_implicit_stuttering():
    r = specpy.loads(COUNTER).validate([{"x": 0}, {"x": 0}])
    assert r.unexplained.line == 2


def test_init_names_the_initial_state_only():
    r = specpy.loads(COUNTER).validate([{"action": "init", "x": 1}], max_gap=3)
    assert r.unexplained.line == 1 and r.unexplained.offers == [{"x": 0}]


def test_an_evaluation_error_on_the_way_is_the_specs_failure():
    spec = specpy.loads(
        """
spec Div
var x: 0..2 = 1
var y: 0..2 = 0
action Down { require x > 0
 x -= 1 }
action Split { y = 2 // x }
"""
    )
    r = spec.validate([{"x": 1}, {"x": 0}, {"y": 0}])
    assert r.kind is ValidationKind.EVAL_ERROR and r.exit_code == 75
    assert "action Split" in r.detail and "by zero" in r.detail
    assert r.trace.states[-1]["x"] == 0  # the trace ends where the failing step starts


# The producer may resend only while no request or ack for r is in flight,
# so a second Send needs the ack to be lost: a fault step, never logged.
LOSSY_ACKS = """
spec LossyAcks
type R = {r1}
type Msg = Req{id: R}
type AckMsg = Ack{id: R}
var net: bag[Msg, 1] = {}
var acks: bag[AckMsg, 2] = {}
var acked: set[R] = {}
var sends: 0..2 = 0
faults {
    lose acks
    budget 1
}
action Send(r: R) {
    require r not in acked and (Req{id: r}) not in net and (Ack{id: r}) not in acks
    send Req{id: r} to net
    sends += 1
}
action Consume { receive m in net { send Ack{id: m.id} to acks } }
action ReceiveAck { receive a in acks { acked = acked | {a.id} } }
"""
RESEND = [{"sends": 0}, {"action": "Send", "sends": 1}, {"action": "Consume"}, {"action": "Send", "sends": 2}]


def test_a_fault_step_explains_an_unlogged_change_within_the_gap():
    spec = specpy.loads(LOSSY_ACKS)
    assert spec.validate(RESEND).unexplained.line == 4  # the ack is still in flight
    r = spec.validate(RESEND, max_gap=1)
    assert r.ok and r.line_states == (0, 1, 2, 4)
    assert [s.label() for s in r.trace.steps] == ["Send(r=r1)", "Consume", "~lose acks Ack{id: r1}", "Send(r=r1)"]
    assert r.trace.states[-1]["faults"] == 1


def test_a_log_line_cannot_name_a_fault_step():
    with pytest.raises(LogError, match="unknown action '~lose acks'"):
        specpy.loads(LOSSY_ACKS).validate([{"sends": 0}, {"action": "~lose acks"}])


def test_a_negative_gap_is_an_option_error():
    with pytest.raises(specpy.api.OptionError):
        specpy.loads(COUNTER).validate([{}], max_gap=-1)


# Tick walks x up; Add grows a set of 4 atoms, so a gap of 6 unlogged steps
# holds hundreds of intermediate states for each line.
WIDE = """
spec Wide
type N = {a, b, c, d}
var seen: set[N] = {}
var x: 0..20 = 0
action Add(n: N) { seen = seen | {n} }
action Tick { require x < 20; x += 1 }
"""
WIDE_LOG = [{"x": 0}, {"x": 5}, {"x": 10}]


def test_max_states_stops_with_the_lines_explained_so_far():
    spec = specpy.loads(WIDE)
    assert spec.validate(WIDE_LOG, max_gap=6).ok
    r = spec.validate(WIDE_LOG, max_gap=6, max_states=500)
    assert r.ok  # 500 is enough
    r = spec.validate(WIDE_LOG, max_gap=6, max_states=50)
    assert r.kind is ValidationKind.LIMIT and r.exit_code == 152 and r.limit == "max-states"
    assert r.stats.explained == 0 and "more than 50 spec states" in r.detail


def test_timeout_stops_the_validation():
    r = specpy.loads(WIDE).validate(WIDE_LOG, max_gap=6, timeout=1e-9)  # checked every 1,024 successors
    assert (r.kind, r.limit) == (ValidationKind.LIMIT, "timeout")


def test_an_interrupt_stops_with_the_last_explained_line(monkeypatch):
    from specpy.explicit import validate as v

    explain = v._Run.explain

    def interrupted_at_line_3(self, line, frontier):
        if line.entry.line == 3:
            raise KeyboardInterrupt
        return explain(self, line, frontier)

    monkeypatch.setattr(v._Run, "explain", interrupted_at_line_3)
    r = specpy.loads(WIDE).validate(WIDE_LOG, max_gap=6)
    assert (r.kind, r.limit, r.stats.explained) == (ValidationKind.LIMIT, "interrupted", 2)
    assert r.trace.states[-1]["x"] == 5  # the witness up to line 2
