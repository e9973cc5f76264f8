"""The protocol library (specs/): every spec's verdict and counts, pinned in
its `# expect:` header (the pytest plugin checks the spec against it).

Where the numbers come from (per spec: SOURCES below):
- Paxos: TLC 2.20 (-workers 1) on tests/data/paxos/PaxosByHand.tla, a TLA+
  model written by hand with the semantics of Lamport's Paxos.tla (TLA+
  Examples), independent of the exported tla/Paxos.tla. TLC's recorded output
  is in tests/data/paxos/*.out (run_tlc.sh there regenerates it), and
  test_recorded_tlc_runs_say_what_the_headers_pin reads those files, so a
  pinned number cannot drift from the record. (tests/tla/ also compares every spec
  with TLC's results on the exported models.)
- Lamport's mutex, idempotent delivery, LSM: specpy's own runs; no published
  TLA+ model exists for these, and TLC 2.20 on the models specpy exports
  (tla/, tla/tlc-results.json, compared in tests/tla/) reports the same
  verdicts, distinct states, depths and trace lengths. Their bug traces are
  also checked step by step below against the scenario each header describes.
- For a bug variant the pinned numbers are the trace length (states, initial
  included; the shortest, breadth-first search being exhaustive by level) and
  the depth reached. The distinct/generated counts at the moment the search
  stops are not pinned: they depend on the order the search expands a level
  (the level-synchronous search changed them without changing any verdict)
  and TLC's differ for the same reason; the headers leave them out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from specpy.explicit import check
from specpy.options import CheckOptions, Overrides
from specpy.diagnostics import SourceFile
from specpy.pipeline import load, load_text
from specpy.pytest_plugin import Expectation, parse_header
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
PAXOS_TLA = ROOT / "tests" / "data" / "paxos"

OK = ResultKind.OK
INV = ResultKind.INVARIANT

#: Every library spec, and where the numbers its `# expect:` header pins come
#: from. The header is the one place they are written: the pytest plugin
#: checks each spec against it, and the tests here and in tests/tla/ compare
#: the recorded TLC runs with it.
SOURCES = {
    "paxos": "TLC: tests/data/paxos/PaxosByHand.out",
    "paxos_bug_accept_lower_ballot": "trace length: TLC, tests/data/paxos/PaxosByHand_bug_accept_lower_ballot.out",
    "lamport_mutex": "specpy; TLC on tla/LamportMutex.tla agrees",
    "lamport_mutex_bug_no_tiebreak": "specpy; TLC: same length",
    "idempotent_delivery": "specpy; TLC: same distinct/depth (+4 terminal stutters generated)",
    "idempotent_delivery_bug_no_dedup": "specpy; TLC: same length",
    # specpy's lasso (7 states, stuttering once every request is lost); TLC: the same verdict with an
    # 11-state lasso (tla/tlc-results.json), same distinct states and depth
    "idempotent_delivery_bug_unfair_retry": "specpy; TLC: same verdict, distinct states and depth",
    "lsm": "specpy; TLC on tla/LSM.tla agrees",
    "lsm_bug_early_tombstone_drop": "specpy; TLC: same length",
    "lsm_bug_older_wins": "specpy; TLC: same length",
    # Part 2 (issue 21). specpy's runs; TLC 2.20 on the exported models (tla/tlc-results.json)
    # reports the same distinct states and depth (ok) or trace length (violations).
    "quorum_register": "specpy; TLC: +275 terminal stutters generated",
    "quorum_register_bug_small_quorums": "specpy; TLC: same length",
    "causal_broadcast": "specpy; TLC: +183 terminal stutters generated",
    "causal_broadcast_bug_lamport_clock": "specpy; TLC: same length",
    "btree_wal": "specpy; TLC: +3,048 terminal stutters generated",
    "btree_wal_bug_split_not_atomic": "specpy; TLC: same length",
    "raft_prevote": "specpy; TLC: same counts",
    "raft_prevote_bug_disruptive_server": "specpy; TLC: liveness StableLeader violated as well",
    "zab": "specpy; TLC: same distinct and depth, Committed holds too (+51,207 terminal stutters generated)",
    "zab_bug_skip_sync": "specpy; TLC: same length",
    "zab_abstract": "specpy; TLC: same distinct and depth, Committed holds too (+23,449 terminal stutters generated)",
    "raft3": "specpy; TLC on tla/Raft3.tla (SYMMETRY): same distinct states and depth (+4,758 terminal stutters generated)",
}


def header(name: str) -> Expectation:
    return parse_header((SPECS / f"{name}.spec").read_text(encoding="utf-8"))


def run(name: str, overrides: Overrides | None = None):
    return check(load(SPECS / f"{name}.spec", overrides or Overrides()), CheckOptions())


def labels(result) -> list[str]:
    return [step.label() for step in result.violation.trace.steps]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_library_spec_pins_its_numbers(name):
    # The plugin runs the spec against its header; here: the header pins what
    # a reader of the table above expects (a violation: the trace length and
    # depth; no violation: the three counts).
    e = header(name)
    wanted = {"trace", "depth"} if e.verdict != "ok" else {"distinct", "generated", "depth"}
    assert wanted <= set(e.pins), f"specs/{name}.spec: pin {sorted(wanted - set(e.pins))} in its `# expect:` header"


def test_every_library_spec_is_listed():
    # A spec added to specs/ by the library issues must say where its numbers come from.
    prefixes = (
        "paxos", "lamport_mutex", "idempotent_delivery", "lsm", "quorum_register", "causal_broadcast", "btree_wal",
        "raft_prevote", "zab", "raft3",
    )
    on_disk = {p.stem for p in SPECS.glob("*.spec") if p.stem.startswith(prefixes)}
    assert on_disk == set(SOURCES)


def tlc_counts(out: Path) -> tuple[int, int, int]:
    """(distinct, generated, depth) from a recorded TLC run."""
    text = out.read_text()
    generated, distinct = map(int, re.search(r"(\d+) states generated, (\d+) distinct states found", text).groups())
    depth = int(re.search(r"The depth of the complete state graph search is (\d+)\.", text).group(1))
    return distinct, generated, depth


def tlc_trace_length(out: Path) -> int:
    return len(re.findall(r"^State \d+: ", out.read_text(), re.MULTILINE))


def test_recorded_tlc_runs_say_what_the_headers_pin():
    pins = header("paxos").pins
    assert tlc_counts(PAXOS_TLA / "PaxosByHand.out") == (pins["distinct"], pins["generated"], pins["depth"])
    # --const MaxBallot=2: specpy needs ~35 s for it, too slow to re-check in the suite
    assert tlc_counts(PAXOS_TLA / "PaxosByHand_ballots3.out") == (185369, 1368130, 25)
    bug = (PAXOS_TLA / "PaxosByHand_bug_accept_lower_ballot.out").read_text()
    assert "Error: Invariant Agreement is violated." in bug
    bug_pins = header("paxos_bug_accept_lower_ballot").pins
    assert tlc_trace_length(PAXOS_TLA / "PaxosByHand_bug_accept_lower_ballot.out") == bug_pins["trace"]


@pytest.mark.tlc
@pytest.mark.parametrize("cfg", ["PaxosByHand", "PaxosByHand_bug_accept_lower_ballot"])
def test_tlc_reproduces_the_record(cfg, tmp_path):
    # Re-run TLC on the hand-written model and compare with the recorded output.
    for f in ("PaxosByHand.tla", f"{cfg}.cfg"):
        (tmp_path / f).write_text((PAXOS_TLA / f).read_text())
    out = subprocess.run(
        ["java", "-cp", os.environ["SPECPY_TLC_JAR"], "tlc2.TLC", "-workers", "1",
         "-metadir", str(tmp_path / "meta"), "-config", f"{cfg}.cfg", "PaxosByHand.tla"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )
    (tmp_path / "run.out").write_text(out.stdout)
    if cfg == "PaxosByHand":
        assert out.returncode == 0
        assert tlc_counts(tmp_path / "run.out") == tlc_counts(PAXOS_TLA / "PaxosByHand.out")
    else:
        assert out.returncode == 12
        assert tlc_trace_length(tmp_path / "run.out") == tlc_trace_length(PAXOS_TLA / f"{cfg}.out")


def test_paxos_bug_trace_breaks_a_promise():
    r = run("paxos_bug_accept_lower_ballot")
    steps = labels(r)
    # a1 promised ballot 1 (step 4) and still accepts ballot 0's proposal (step 9).
    assert steps[3] == "Phase1b(a=a1)" and r.violation.trace.states[4]["maxBal"].get("a1") == 1
    assert steps[8] == "Phase2b(a=a1)" and r.violation.trace.states[9]["maxVBal"].get("a1") == 0


def test_lamport_bug_trace_is_a_timestamp_tie():
    r = run("lamport_mutex_bug_no_tiebreak")
    steps = labels(r)
    assert steps[:2] == ["RequestCS(p=1)", "RequestCS(p=2)"]
    assert steps[-2:] == ["Enter(p=1)", "Enter(p=2)"]
    last = r.violation.trace.states[-1]
    assert last["req"].get(1).get(1) == last["req"].get(2).get(2) == 1


def test_lamport_with_two_processes():
    # specpy: N=2 keeps its verdict, and the tie still breaks the buggy variant
    # (4 requests/acks fewer: 9 states).
    assert run("lamport_mutex", Overrides(consts={"N": "2"})).stats.distinct_states == 248
    bug = run("lamport_mutex_bug_no_tiebreak", Overrides(consts={"N": "2"}))
    assert bug.kind is INV and len(bug.violation.trace) == 9


def test_no_dedup_trace_is_one_duplicated_request():
    r = run("idempotent_delivery_bug_no_dedup")
    assert labels(r) == ["Send(r=r1)", "~duplicate net Req{id: r1}", "Consume", "Consume"]


def test_dedup_holds_without_faults_too():
    # Budget 0: no fault step; retries alone never apply a request twice.
    r = run("idempotent_delivery", Overrides(consts={"MaxFaults": "0"}))
    assert r.kind is OK


def test_lsm_bug_traces():
    tomb = run("lsm_bug_early_tombstone_drop")
    assert labels(tomb)[-1] == "CompactLevel0"
    assert tomb.violation.trace.states[-2]["level1"].get("k1") is not None  # the value the tombstone hid
    older = run("lsm_bug_older_wins")
    assert labels(older) == ["Write(k=k1, v=v1)", "Flush", "Write(k=k1, v=v2)", "Flush", "CompactLevel0"]


def test_quorum_register_settings():
    # R + W > N holds with read repair too; every R + W <= N fails with a 10-state stale read.
    assert run("quorum_register", Overrides(consts={"ReadRepair": "true"})).kind is OK
    assert run("quorum_register", Overrides(consts={"W": "3", "R": "1"})).kind is OK
    for w, r in (("1", "2"), ("2", "1"), ("1", "1")):
        bug = run("quorum_register", Overrides(consts={"W": w, "R": r}))
        assert bug.kind is INV and len(bug.violation.trace) <= 10


def test_quorum_bug_trace_reads_the_replicas_the_write_missed():
    r = run("quorum_register_bug_small_quorums")
    steps = labels(r)
    assert steps[:4] == ["StartWrite", "ReplicaWrite(r=n1)", "WriterAck", "StartRead(q={n2, n3})"]
    last = r.violation.trace.states[-1]
    assert last["completed"] == 1 and last["floor"] == 1 and last["result"] == 0


def test_causal_bug_is_a_reordering_the_scalar_clock_misses():
    r = run("causal_broadcast_bug_lamport_clock")
    assert labels(r) == ["Broadcast(p=p1)", "Broadcast(p=p2)", "Broadcast(p=p1)", "Deliver(p=p2)"]
    # p2 delivered p1's second message while p1's first is still in flight to it
    in_flight = [m for m, _ in r.violation.trace.states[-1]["net"].items]
    assert any(m.get("src") == "p1" and m.get("dst") == "p2" and m.get("n") == 1 for m in in_flight)


def test_causal_broadcast_without_a_budget():
    # Every process broadcasting twice: still causal, and no message waits for ever.
    r = run("causal_broadcast", Overrides(consts={"MaxTotal": "6"}))
    assert r.kind is OK and r.stats.distinct_states == 30063


def test_btree_bug_needs_a_crash_inside_the_split():
    r = run("btree_wal_bug_split_not_atomic")
    assert labels(r) == ["Recover", "Insert(k=1)", "Insert(k=2)", "Insert(k=3)", "~crash db", "Recover"]
    last = r.violation.trace.states[-1]
    assert 2 in last["acked"] and all(2 not in leaf for _, leaf in last["memLeaf"].items)
    assert run("btree_wal_bug_split_not_atomic", Overrides(consts={"MaxCrashes": "0"})).kind is OK


def test_btree_survives_more_crashes_and_splits():
    assert run("btree_wal", Overrides(consts={"MaxCrashes": "2"})).stats.distinct_states == 7066
    # three splits: 59,278 states, about 5 s; specpy's count (TLC not run on it)
    assert run("btree_wal", Overrides(consts={"K": "5", "NumPages": "4"})).kind is OK


def test_prevote_needs_checkquorum_too():
    # PreVote alone: the same endless elections (the 2020 Cloudflare outage).
    alone = run("raft_prevote", Overrides(consts={"CheckQuorum": "false"}))
    assert alone.kind is ResultKind.LIVENESS and alone.violation.name == "StableLeader"
    # CheckQuorum alone keeps the leader while the link is down...
    assert run("raft_prevote", Overrides(consts={"PreVote": "false"})).kind is OK


def test_without_prevote_a_cut_off_server_runs_ahead():
    # ... but the cut-off server's term runs ahead of the leader's (what deposes
    # the leader when the link heals); with PreVote a server is at most one
    # term ahead of a leader (a candidacy that failed).
    text = (SPECS / "raft_prevote.spec").read_text(encoding="utf-8") + (
        "\ninvariant NoRunaway: forall l, s in Server: role[l] == Leader implies currentTerm[s] <= currentTerm[l] + 1\n"
    )
    spec = SourceFile("raft_prevote_close.spec", text)
    assert check(load_text(spec), CheckOptions()).kind is OK
    ahead = check(load_text(spec, Overrides(consts={"PreVote": "false"})), CheckOptions())
    assert ahead.kind is INV and ahead.violation.name == "NoRunaway"
    assert any(step.label().startswith("Partition(") for step in ahead.violation.trace.steps)


def test_disruptive_server_lasso_is_two_elections_through_the_middle_server():
    r = run("raft_prevote_bug_disruptive_server")
    steps = labels(r)
    loop = r.violation.trace.loop
    assert "Partition(a=s2, b=s3)" in steps[:loop]
    cycle = steps[loop - 1 :]  # from the step into the loop's first state (the cycle's closing step too)
    # On the cycle s2 and s3 (cut off from each other) each win an election
    # through s1, and each learns the other's higher term from s1's answer
    # to a heartbeat and steps down.
    assert [x for x in cycle if x.startswith("Timeout(")] == ["Timeout(c=s3)", "Timeout(c=s2)"]
    assert sum(x.startswith("RecvHeartbeatResp(") for x in cycle) == 3  # two step-downs and a plain answer
    assert sum(x.startswith("RecvVoteResp(") for x in cycle) == 2
    assert all("s1" in x for x in cycle if x.startswith("Recv"))


def test_zab_bug_delivers_past_a_committed_transaction():
    r = run("zab_bug_skip_sync")
    steps = labels(r)
    assert "~crash s1" in steps and steps[-1] == "RecvCommit(f=s3)"
    last = r.violation.trace.states[-1]
    # s1 delivered epoch 1's transaction and then epoch 2's; s3 only epoch 2's.
    assert [t.get("epoch") for t in last["delivered"].get("s1")] == [1, 2]
    assert [t.get("epoch") for t in last["delivered"].get("s3")] == [2]


def test_zab_leader_that_commits_without_a_quorum_is_caught():
    # A mutation of zab.spec: the leader delivers its proposal at once.
    text = (SPECS / "zab.spec").read_text(encoding="utf-8")
    marker = "    proposed = proposed | {t}\n"
    assert marker in text
    spec = SourceFile("zab_commit_alone.spec", text.replace(marker, marker + "    delivered[l] = history[l]\n"))
    r = check(load_text(spec), CheckOptions(backend="native"))
    assert r.kind is INV and r.violation.name == "PrimaryIntegrity" and len(r.violation.trace) == 13


def test_zab_abstract_without_the_history_exchange_loses_a_transaction():
    # The message-free model's bug: the new leader keeps its own history.
    text = (SPECS / "zab_abstract.spec").read_text(encoding="utf-8")
    adopt = """    choose b in q where forall s in q: upToDate(b, s) {
        history[l] = history[b]
    }
"""
    assert adopt in text
    r = check(load_text(SourceFile("zab_abstract_bug.spec", text.replace(adopt, ""))), CheckOptions())
    assert r.kind is INV and r.violation.name == "PrimaryIntegrity" and len(r.violation.trace) == 11
    steps = labels(r)
    assert steps[5] == "CommitTxn(l=s1)" and steps[-1] == "Establish(l=s3)"


GUIDE = ROOT / "docs" / "guide.md"
BUGS = [name for name in SOURCES if header(name).verdict != "ok"]


@pytest.mark.parametrize("name", BUGS)
def test_guide_shows_the_trace_specpy_prints(name):
    # docs/guide.md quotes each bug's trace verbatim (after a `...` for the
    # invariant's source note); a change in the spec or the trace renderer
    # must show up there too.
    command = f"$ specpy check specs/{name}.spec\n"
    guide = GUIDE.read_text()
    assert command in guide, f"docs/guide.md has no section running {name}.spec"
    block = guide[guide.index(command) + len(command):]
    block = block[: block.index("```")]
    out = subprocess.run(
        [sys.executable, "-m", "specpy", "check", f"specs/{name}.spec"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout
    first_line, quoted_trace = block.split("\n...\n")
    head, report = out.split("\n\n", 1)  # the guide cuts the head (what is checked)
    assert head.startswith(f"Checking specs/{name}.spec\n")
    assert report.splitlines()[0] == first_line
    printed_trace = out[out.index("Trace (") : out.index("\nStatistics")].rstrip()
    assert quoted_trace.rstrip() == printed_trace
