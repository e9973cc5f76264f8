"""Liveness of specs/raft.spec, and the split vote that defeats "eventually a leader".

Where the verdicts come from:
- raft.spec (ElectionProgress and LeaderCommits hold): its `# expect: ok`
  header (the pytest plugin) and TLC 2.20 on the exported tla/Raft.tla
  (`-workers 1`, no error, 146,003 distinct states, depth 39), recorded in
  tla/tlc-results.json and compared in tests/tla/test_tlc_results.py.
- raft_liveness_bug_split_vote.spec (LeaderElected fails): TLC reports the
  same temporal property violated (tla/tlc-results.json). Its lasso is
  specpy's, checked by hand (the spec's header): 10 states, the cycle from
  state 5 — four Timeouts to MaxTerm, then six steps of refused votes.
- Which fairness each property needs: the checker, with the lasso of each
  weakened spec checked independently (lasso_check.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lasso_check import assert_fair_counterexample

from specpy.diagnostics import SourceFile
from specpy.explicit import check
from specpy.ir.model import Model
from specpy.options import CheckOptions
from specpy.pipeline import load, load_text
from specpy.result import ResultKind

SPECS = Path(__file__).resolve().parents[2] / "specs"
RAFT = SPECS / "raft.spec"


def raft_without_fairness_of(action: str, keep: str) -> Model:
    """raft.spec with `action` not fair, checking only the property `keep`."""
    text = RAFT.read_text()
    assert text.count(f"\nfair action {action}(") == 1
    model = load_text(SourceFile(str(RAFT), text.replace(f"\nfair action {action}(", f"\naction {action}(")))
    return dataclasses.replace(model, properties=tuple(p for p in model.properties if p.name == keep))


def test_raft_fairness_and_properties_are_as_documented():
    model = load(RAFT)
    fairness = {a.name: a.fairness for a in model.actions}
    assert fairness.pop("ClientRequest") is None  # clients need not send anything
    assert set(fairness.values()) == {"weak"} and len(fairness) == 10
    assert [(p.name, p.kind) for p in model.properties] == [("ElectionProgress", "eventually"), ("LeaderCommits", "leadsto")]


def test_plain_eventually_a_leader_fails_with_a_split_vote_at_max_term():
    model = load(SPECS / "raft_liveness_bug_split_vote.spec")
    r = check(model, CheckOptions())
    assert r.kind is ResultKind.LIVENESS and r.violation.name == "LeaderElected"
    trace = r.violation.trace
    assert (len(trace), trace.loop) == (10, 4)  # hand count: the spec's header
    assert [s.label() for s in trace.steps[:4]] == ["Timeout(s=s1)", "Timeout(s=s1)", "Timeout(s=s2)", "Timeout(s=s2)"]
    split = trace.states[trace.loop]
    assert split["currentTerm"].items == (("s1", 3), ("s2", 3))
    assert split["votedFor"].items == (("s1", "s1"), ("s2", "s2"))
    votes = [m for s in trace.states[trace.loop :] for m, _ in s["net"].items if m.tag == "Vote"]
    assert votes and not any(m.get("granted") for m in votes)  # each refuses the other
    assert all(role != "Leader" for s in trace.states for _, role in s["role"].items)
    assert_fair_counterexample(model, "LeaderElected", trace)


def test_election_progress_needs_a_fair_timeout():
    # Without it nothing forces the first election: the behaviour stutters in
    # the initial state (a 1-state lasso, by hand: every other action needs a
    # candidate or a leader).
    model = raft_without_fairness_of("Timeout", keep="ElectionProgress")
    r = check(model, CheckOptions())
    assert r.kind is ResultKind.LIVENESS and r.violation.name == "ElectionProgress"
    assert (len(r.violation.trace), r.violation.trace.loop) == (1, 0)
    assert_fair_counterexample(model, "ElectionProgress", r.violation.trace)


def test_leader_commits_needs_fair_replication():
    # Without fairness of HandleAppendEntries the follower may never handle the
    # leader's entry: the lasso ends stuttering in a state where a leader
    # holds an uncommitted entry of its own term and an AppendEntries for
    # the follower waits in the network.
    model = raft_without_fairness_of("HandleAppendEntries", keep="LeaderCommits")
    r = check(model, CheckOptions())
    assert r.kind is ResultKind.LIVENESS and r.violation.name == "LeaderCommits"
    trace = r.violation.trace
    assert trace.loop == len(trace) - 1  # it stutters in the last state
    last = trace.states[-1]
    (leader,) = [s for s, role in last["role"].items if role == "Leader"]
    log = last["log"].get(leader)
    assert last["commitIndex"].get(leader) < len(log) and log[-1].get("term") == last["currentTerm"].get(leader)
    assert any(m.tag == "AppendEntries" and m.get("dst") != leader for m, _ in last["net"].items)
    assert_fair_counterexample(model, "LeaderCommits", trace)
