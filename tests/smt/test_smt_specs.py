"""Both backends on every spec in specs/ (bug variants included): the same
verdict and, for a violation, the same shortest counterexample length.

The list of specs is read from the folder, so a spec added later is checked
too. BMC cost grows quickly with depth, so each spec is checked to the
depth needed to settle it (the explicit counterexample's length, or the
explicit state space's diameter, beyond which no new state exists) but at
most to its cap below; a spec held to a cap is still checked — no violation
may appear up to the cap — and the cap is named in the test's id. The
explicit run is bounded two levels beyond the cap, which settles the same
question without exploring (say) all 146,003 states of raft.spec.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from smt_replay import replay

from specpy.diagnostics import SpecError
from specpy.explicit import check as explicit_check
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.result import ResultKind
from specpy.smt import check as smt_check

SPECS = sorted((Path(__file__).resolve().parents[2] / "specs").glob("*.spec"))

#: BMC steps checked in CI when a spec's depth to settle is larger. Measured
#: on the 2-core CI machine; each stays under ~10 s (bench/bmc_depth.py has
#: the per-depth times).
DEFAULT_CAP = 6
DEPTH_CAP = {
    "twophase.spec": 8,  # diameter 10 steps; depth 8 takes ~3 s
    "lamport_mutex.spec": 4,  # diameter 38 steps; each step ~x5 (depth 6: 25 s)
    "paxos.spec": 5,  # diameter 16 steps
    "raft_abstract.spec": 1,  # ~600 evaluation-error sites; depth 2: ~10 s, depth 4: ~38 s
    "raft_figure8.spec": 1,  # as raft_abstract
    # Message-level Raft with its faults block: 7,230 transitions over 1,968
    # message values; building the Z3 system takes ~30 s, depth 1 ~10 s more
    # (bench/results.md, BMC). The explicit run is bounded to the cap too.
    "raft.spec": 1,
    "raft_bug_double_vote.spec": 1,
    "raft_liveness_bug_split_vote.spec": 1,  # raft.spec with another property
    # Library part 2. raft3 at the default cap ran for minutes in CI (2 GB, Z3); the Zab
    # models have the same shape (quorums over 3 servers, histories). Not yet measured per
    # depth with bench/bmc_depth.py: these caps are set low to be safe (raft_prevote at the
    # default cap took over 3 CPU minutes).
    "raft3.spec": 1,
    "zab_abstract.spec": 2,
    # Message-level, as raft.spec: building the Z3 system dominates (~10-15 s each).
    "raft_prevote.spec": 1,
    "raft_prevote_bug_disruptive_server.spec": 1,
}

#: Specs whose Z3 system takes minutes to build, so CI does not run them
#: (explicit-state and TLC check them; the Z3 backend still accepts them).
TOO_SLOW = {
    # ~1,000 message values (histories in ACKEPOCH/NEWLEADER) times every
    # receive action, and guards quantifying over the network (a timeout when
    # nothing is in flight): 150 s to build the system for depth 1 under load,
    # almost all of it in smt/encode.py (measured with cProfile).
    "zab.spec": "the message-level Zab: building the Z3 system takes ~2.5 min",
    "zab_bug_skip_sync.spec": "zab.spec's bug variant: the same system, ~1.5-2.5 min",
}


def cap(path: Path) -> int:
    return DEPTH_CAP.get(path.name, DEFAULT_CAP)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: f"{p.name}-cap{cap(p)}")
def test_backends_agree(path: Path) -> None:
    if path.name in TOO_SLOW:
        pytest.skip(TOO_SLOW[path.name])
    # Temporal properties are the explicit checker's (BMC refuses them, see
    # test_smt_check.py): both backends check the safety part of the spec.
    model = replace(load(path), properties=())
    try:
        # Two levels past the cap: the explicit checker then also checks the
        # states BMC reaches last for deadlock and failing actions.
        explicit = explicit_check(model, CheckOptions(max_depth=cap(path) + 2))
    except SpecError as refused:
        # A construct neither backend supports yet: the Z3 backend must refuse
        # it too, with a located error, not check without it.
        with pytest.raises(SpecError) as z3_refused:
            smt_check(model, CheckOptions(max_depth=1))
        assert z3_refused.value.diagnostics[0].code == refused.diagnostics[0].code == "E-unsupported"
        return
    if explicit.violation is not None:
        needed = len(explicit.violation.trace) - 1
    elif explicit.bounded:
        needed = cap(path) + 1  # more states lie beyond: BMC checks to the cap
    else:
        needed = explicit.stats.depth - 1  # the diameter: nothing new beyond
    depth = min(needed, cap(path))
    bmc = smt_check(model, CheckOptions(max_depth=depth))
    if depth < needed or explicit.kind is ResultKind.OK:
        assert bmc.kind is ResultKind.OK and bmc.bounded, bmc.violation
        assert bmc.stats.depth == depth
        return
    assert bmc.kind is explicit.kind
    assert bmc.violation.name == explicit.violation.name
    assert len(bmc.violation.trace) == len(explicit.violation.trace)
    replay(model, bmc.violation)
