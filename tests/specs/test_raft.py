"""The Raft bug variants show the bug they are about.

Each Raft spec's verdict, distinct states and (for a bug) counterexample
length are pinned in its `# expect:` header, which the pytest plugin checks
(src/specpy/pytest_plugin.py). Where those numbers come from:

each spec is exported to tla/, and TLC's results on the exported models
(tla/tlc-results.json, `-workers 1`) are compared with specpy's in
tests/tla/test_tlc_results.py: raft.spec 146,003 distinct states and depth
39, raft_abstract.spec 90,280 and 15, a 9-state LeaderCompleteness
counterexample for raft_figure8.spec and an 11-state ElectionSafety one for
raft_bug_double_vote.spec, all equal to specpy's. The tests here check that
each bug trace (BFS-shortest) shows the bug, not just any violation.
"""

from pathlib import Path

from specpy.explicit import check
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.result import ResultKind

SPECS = Path(__file__).resolve().parents[2] / "specs"


def run(name: str):
    return check(load(SPECS / name), CheckOptions())


def test_raft_figure8_commits_an_old_entry_that_a_later_leader_lacks():
    r = run("raft_figure8.spec")
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "LeaderCompleteness"
    trace = r.violation.trace
    assert len(trace) == 9
    # The bug itself: the last step commits an entry of an earlier term than the committing leader's.
    last = trace.steps[-1]
    assert last.action == "Commit"
    (new,) = trace.states[-1]["committed"] - trace.states[-2]["committed"]
    assert new.get("entry").get("term") < new.get("term")


def test_raft_double_vote_elects_two_leaders_in_one_term():
    r = run("raft_bug_double_vote.spec")
    assert r.kind is ResultKind.INVARIANT and r.violation.name == "ElectionSafety"
    trace = r.violation.trace
    assert len(trace) == 11
    final = trace.states[-1]
    assert set(final["role"].items) == {("s1", "Leader"), ("s2", "Leader")}
    assert final["currentTerm"].items == (("s1", 2), ("s2", 2))
    # Both servers voted for themselves first, then granted the other's request.
    grants = [s for s in trace.steps if s.action == "HandleRequestVote"]
    assert len(grants) == 2
