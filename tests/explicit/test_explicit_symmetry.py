"""Symmetry reduction, pinned to TLC's counts with SYMMETRY Permutations(T).

data/symmetry/ holds TwoPhaseSym.tla (TwoPhase.tla plus `Symmetry ==
Permutations(RM)`) and Links.tla, a model whose atoms signatures cannot tell
apart, with TLC 2.20's recorded runs (data/run_tlc.sh, -workers 1).
specs/twophase.spec keeps RM non-symmetric (its 288 states are the language
brief's headline figure); the symmetric variant is the same text with
`symmetric type RM`.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from specpy.diagnostics import SourceFile
from specpy.explicit import check
from specpy.explicit.compile import CompiledModel
from specpy.explicit.symmetry import Symmetry
from specpy.ir.model import Model
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load_text
from specpy.result import ResultKind

SPECS = Path(__file__).resolve().parents[2] / "specs"
SYM = Path(__file__).parent / "data" / "symmetry"


def twophase_symmetric(n: int, extra: str = "") -> Model:
    text = (SPECS / "twophase.spec").read_text().replace("\ntype RM =", "\nsymmetric type RM =") + extra
    assert "symmetric type RM" in text
    members = tuple(f"r{i}" for i in range(1, n + 1))
    return load_text(SourceFile("twophase_symmetric.spec", text), Overrides(types={"RM": members}))


def tlc_counts(out: str) -> tuple[int, int, int]:
    """(distinct, generated, depth) from a recorded TLC run."""
    text = (SYM / out).read_text()
    gen, distinct = map(int, re.search(r"^(\d+) states generated, (\d+) distinct states found, 0 states", text, re.M).groups())
    depth = int(re.search(r"depth of the complete state graph search is (\d+)", text).group(1))
    return distinct, gen, depth


@pytest.mark.parametrize(
    "n, distinct, generated, depth, unreduced",
    [
        # TLC 2.20 with SYMMETRY (TwoPhaseSym<n>.out); unreduced counts: TLC on TwoPhase.tla
        # (/work/tlcref SUMMARY.md) for 3..5, specpy --no-symmetry for 6 and 7.
        (3, 80, 318, 11, 288),
        (4, 166, 869, 14, 1568),
        (5, 314, 2048, 17, 8832),
        (6, 553, 4328, 20, None),
        (7, 920, 8410, 23, None),
    ],
)
def test_twophase_counts_equal_tlc_with_symmetry(n, distinct, generated, depth, unreduced):
    assert tlc_counts(f"TwoPhaseSym{n}.out") == (distinct, generated, depth)
    r = check(twophase_symmetric(n), CheckOptions())
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (distinct, generated, depth)
    if unreduced is not None:
        plain = check(twophase_symmetric(n), CheckOptions(symmetry=False))
        assert plain.stats.distinct_states == unreduced


def test_links_counts_equal_tlc_with_and_without_symmetry():
    # Links3.out (SYMMETRY) and Links3_nosym.out: TLC 2.20, -deadlock.
    model = load_text(SourceFile("links.spec", (SYM / "links.spec").read_text()))
    options = CheckOptions(check_deadlock=False)
    for out, opts in (("Links3.out", options), ("Links3_nosym.out", CheckOptions(check_deadlock=False, symmetry=False))):
        r = check(model, opts)
        assert r.kind is ResultKind.OK
        assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == tlc_counts(out)


@pytest.mark.parametrize("spec", ["twophase", "links"])
def test_canonical_form_is_the_same_for_every_state_of_an_orbit(spec):
    if spec == "twophase":
        model = twophase_symmetric(4)
    else:
        model = load_text(SourceFile("links.spec", (SYM / "links.spec").read_text()))
    cm = CompiledModel(model)
    sym = Symmetry(cm, model.symmetric_types())
    assert all(sym.plan.complete) is (spec == "twophase")
    everything = _reachable(cm)
    n = len(model.symmetric_types()[0].members)
    orbits = set()
    for s in everything[:: max(1, len(everything) // 300)]:
        forms = {sym.canonical(sym.permuter((p,))(s)) for p in itertools.permutations(range(n))}
        assert len(forms) == 1
        orbits.add(forms.pop())
    assert len(orbits) > 10


def test_a_counterexample_under_symmetry_is_a_real_trace():
    # "No RM commits" fails; the canonical states along the BFS path need not be
    # connected by real steps, the reported trace must be (and as short as without symmetry).
    model = twophase_symmetric(3, "\ninvariant NoCommit: forall r in RM: rmState[r] != committed\n")
    model = Model(**{**model.__dict__, "invariants": model.invariants[1:]})
    reduced = check(model, CheckOptions())
    plain = check(model, CheckOptions(symmetry=False))
    assert reduced.kind is plain.kind is ResultKind.INVARIANT
    trace = reduced.violation.trace
    # RMPrepare x3, TMRcvPrepared x3, TMCommit, RMRcvCommitMsg: 9 states (hand count)
    assert len(trace) == len(plain.violation.trace) == 9
    cm = CompiledModel(model)
    states = [cm.states.encode(s) for s in trace.states]
    for k, (s, t, step) in enumerate(zip(states, states[1:], trace.steps)):
        a = next(i for i, x in enumerate(cm.actions) if x.name == step.action)
        p = next(i for i in range(len(cm.actions[a].args)) if cm.actions[a].label_args(i) == step.args)
        assert t in cm.replay(a, p, s), f"step {k + 1} ({step.label()}) is not a real step"


def test_no_symmetry_option_turns_it_off():
    r = check(twophase_symmetric(3), CheckOptions(symmetry=False))
    assert r.stats.distinct_states == 288  # TLC, TwoPhase.tla, 3 RMs


def _reachable(cm: CompiledModel) -> list[tuple]:
    out: list[tuple] = []
    cm.init(out)
    seen = dict.fromkeys(out)
    frontier = list(seen)
    while frontier:
        nxt = []
        for s in frontier:
            for a in cm.actions:
                succ: list[tuple] = []
                a.run(s, succ)
                for t in succ:
                    if t not in seen:
                        seen[t] = None
                        nxt.append(t)
        frontier = nxt
    return list(seen)



def test_raft_abstract_with_symmetric_servers_matches_tlc():
    # RaftAbstractSym.tla: `specpy tla` of specs/raft_abstract.spec with `symmetric type Server`
    # (SYMMETRY Permutations(Server)); TLC 2.20: 15,216 distinct, depth 15, and 72,532 generated --
    # one more than specpy, the stutter step the export gives the terminal state (docs/tla.md).
    # Without symmetry: 90,280 (tla/tlc-results.json), a reduction of 5.9 with 3 servers.
    text = (SPECS / "raft_abstract.spec").read_text().replace("\ntype Server =", "\nsymmetric type Server =")
    r = check(load_text(SourceFile("raft_abstract_symmetric.spec", text)), CheckOptions())
    distinct, generated, depth = tlc_counts("RaftAbstractSym.out")
    assert r.kind is ResultKind.OK
    assert (r.stats.distinct_states, r.stats.depth) == (distinct, depth) == (15216, 15)
    assert r.stats.states_generated == generated - 1 == 72531
