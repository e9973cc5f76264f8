"""Properties of the search, checked on generated histories (hypothesis).

1. Operations run one at a time on the sequential model, each given an
   interval around the instant it ran, always make a linearizable history.
2. In a one-process history (a total order), changing one read's value to one
   it did not read makes the history not linearizable.
3. On small histories the search agrees with brute force: every order of the
   operations that respects real time, tried on the model.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from lin_helpers import decide_events, event
from specpy.linearizability.checker import prepare
from specpy.linearizability.history import parse_history
from specpy.linearizability.models import BUILTIN, REJECT
from lin_helpers import jsonl

VALUES = st.integers(0, 3)
OP = st.one_of(
    st.tuples(st.just("read"), st.none()),
    st.tuples(st.just("write"), VALUES),
    st.tuples(st.just("cas"), st.tuples(VALUES, VALUES)),
)


def run_sequentially(ops):
    """Run cas-register operations one at a time: each with what it returned."""
    state, done = None, []
    for f, value in ops:
        if f == "read":
            done.append((f, value, state, None))
        elif f == "write":
            state = value
            done.append((f, value, value, None))
        else:
            ok = state == value[0]
            state = value[1] if ok else state
            done.append((f, list(value), list(value), ok))
    return done


def to_events(done, calls, returns, processes):
    """Events for operations that ran at instants 0, 1, 2, ... with the given interval slack."""
    timed = []
    for i, (f, value, result, ok) in enumerate(done):
        extra = {} if ok is None else {"output": ok}
        timed.append((i - calls[i], 0, i, event(processes[i], "invoke", f, value if f != "read" else None)))
        timed.append((i + returns[i], 1, i, event(processes[i], "ok", f, result, **extra)))
    return [e for *_, e in sorted(timed, key=lambda t: t[:3])]


@st.composite
def sequential_histories(draw):
    ops = draw(st.lists(OP, max_size=40))
    n = len(ops)
    slack = st.floats(0.01, 3.0, allow_nan=False)
    calls = draw(st.lists(slack, min_size=n, max_size=n))
    returns = draw(st.lists(slack, min_size=n, max_size=n))
    return run_sequentially(ops), calls, returns


@settings(max_examples=150, deadline=None)
@given(sequential_histories())
def test_operations_run_one_at_a_time_are_linearizable(history):
    done, calls, returns = history
    # One process per operation: intervals may overlap freely.
    events = to_events(done, calls, returns, list(range(len(done))))
    assert decide_events("cas-register", events).linearizable


@settings(max_examples=150, deadline=None)
@given(st.lists(OP, min_size=1, max_size=30), st.data())
def test_changing_one_read_in_a_single_process_history_is_caught(ops, data):
    done = run_sequentially(ops)
    reads = [i for i, d in enumerate(done) if d[0] == "read"]
    if not reads:
        done.append(("read", None, run_sequentially(ops + [("read", None)])[-1][2], None))
        reads = [len(done) - 1]
    i = data.draw(st.sampled_from(reads))
    f, value, result, ok = done[i]
    done[i] = (f, value, data.draw(VALUES.filter(lambda v: v != result)), ok)
    zero = [0.1] * len(done)
    events = to_events(done, zero, zero, [0] * len(done))
    d = decide_events("cas-register", events)
    assert not d.linearizable
    assert d.violation.blocked.op.id == i


def brute_force(model, items):
    """Some permutation respects real time (a before b when a returned before b was called)
    and the model accepts it."""
    for order in itertools.permutations(items):
        ok = all(
            not (b.op.ret is not None and b.op.ret < a.op.call)
            for x, a in enumerate(order) for b in order[x + 1:]
        )
        if not ok:
            continue
        state = model.init()
        for it in order:
            state = model.step(state, it.payload)
            if state is REJECT:
                break
        else:
            return True
    return False


@st.composite
def concurrent_histories(draw):
    """Up to 3 processes, each with up to 2 operations, completed (ok or info) or left open."""
    events, open_ = [], {}
    budget = {p: draw(st.integers(0, 2)) for p in range(3)}
    while any(budget.values()) or open_:
        p = draw(st.sampled_from(sorted(set(p for p, b in budget.items() if b) | set(open_))))
        if p in open_:
            f, value = open_.pop(p)
            kind = draw(st.sampled_from(["ok", "ok", "ok", "info", "fail", "open"]))
            if kind == "open":
                budget[p] = 0
                continue
            if f == "read":
                result = draw(st.one_of(st.none(), VALUES))
                events.append(event(p, kind, f, result if kind == "ok" else None))
            elif f == "cas" and kind == "ok":
                events.append(event(p, kind, f, value, output=draw(st.booleans())))
            else:
                events.append(event(p, kind, f, value))
        else:
            f, value = draw(OP)
            value = list(value) if isinstance(value, tuple) else value
            open_[p] = (f, value)
            budget[p] -= 1
            events.append(event(p, "invoke", f, value))
    return events


@settings(max_examples=300, deadline=None)
@given(concurrent_histories())
def test_the_search_agrees_with_brute_force(events):
    model = BUILTIN["cas-register"]()
    items = prepare(model, parse_history(jsonl(events), "h.jsonl", "jsonl"))
    assert decide_events("cas-register", events).linearizable == brute_force(model, items)
