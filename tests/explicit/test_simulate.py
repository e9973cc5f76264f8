"""`specpy simulate`: random walks that check what the search checks, reproducibly."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from explicit_ir import diehard, twophase

from specpy.cli import main
from specpy.explicit.simulate import SimulationOptions, simulate
from specpy.options import CheckOptions
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]


def test_same_seed_same_walks_and_trace() -> None:
    sim = SimulationOptions(runs=500, depth=40, seed=11)
    a, b = simulate(diehard(), CheckOptions(), sim), simulate(diehard(), CheckOptions(), sim)
    assert a.kind is ResultKind.INVARIANT and a.violation is not None and b.violation is not None
    assert a.violation.trace == b.violation.trace
    assert a.stats.states_generated == b.stats.states_generated
    assert a.violation.trace.states[-1]["big"] == 4  # DieHard's invariant: big != 4


def test_a_walk_is_a_real_trace_at_least_as_long_as_the_shortest() -> None:
    r = simulate(diehard(), CheckOptions(), SimulationOptions(runs=500, depth=40, seed=2))
    assert r.violation is not None
    assert len(r.violation.trace) >= 7  # BFS's shortest DieHard counterexample has 7 states (TLC)
    assert len(r.violation.trace.steps) == len(r.violation.trace) - 1


def test_no_violation_counts_every_checked_state() -> None:
    r = simulate(twophase(3), CheckOptions(), SimulationOptions(runs=20, depth=15, seed=0))
    assert r.kind is ResultKind.OK and r.bounded
    # A walk has at most 15 states (fewer only if it reaches a terminal state).
    assert r.stats.states_generated <= 20 * 15 and r.stats.depth <= 15
    assert 0 < r.stats.distinct_states <= 288  # TwoPhase with 3 RMs has 288 states (TLC)


def test_coverage_counts_the_new_states_each_action_found() -> None:
    r = simulate(twophase(3), CheckOptions(), SimulationOptions(runs=20, depth=15, seed=0))
    new = {a.name: a.new for a in r.stats.coverage}
    # Every distinct state but the one initial state was first reached by some action's step.
    assert sum(new.values()) == r.stats.distinct_states - 1
    assert new["TMCommit"] + new["TMAbort"] > 0 and all(n <= a.generated for n, a in zip(new.values(), r.stats.coverage))


def test_deadlock_is_found_and_can_be_switched_off() -> None:
    runner = CliRunner()
    spec = str(ROOT / "tests/cli/data/deadlock.spec")
    found = runner.invoke(main, ["simulate", spec, "--runs", "3", "--depth", "10", "--json"])
    assert found.exit_code == 11
    out = json.loads(found.stdout)
    assert out["result"] == "deadlock" and out["violation"]["trace_length"] == 4  # x = 0, 1, 2, 3
    off = runner.invoke(main, ["simulate", spec, "--runs", "3", "--depth", "10", "--no-deadlock", "--json"])
    assert off.exit_code == 0 and json.loads(off.stdout)["states_generated"] == 12  # 3 walks of 4 states


def test_trace_out_writes_the_walk_as_itf(tmp_path: Path) -> None:
    out = tmp_path / "walk.itf.json"
    r = CliRunner().invoke(
        main, ["simulate", str(ROOT / "specs/diehard.spec"), "--runs", "500", "--depth", "40", "--seed", "2",
               "--trace-out", str(out), "--quiet"]
    )
    assert r.exit_code == 12
    itf = json.loads(out.read_text())
    assert itf["states"][-1]["big"] == {"#bigint": "4"}


def test_bad_runs_is_an_option_error() -> None:
    r = CliRunner().invoke(main, ["simulate", str(ROOT / "specs/diehard.spec"), "--runs", "0"])
    assert r.exit_code == 151 and "--runs 0" in r.output
