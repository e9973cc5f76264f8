"""Python vs native on every spec of specs/, examples/ and the tests' corpora:
the same counts, depth, verdict, shortest trace, coverage and exit code.

A spec the native core cannot run yet falls back to the Python backend with
a reason; NATIVE pins which specs run natively, so that losing one fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from native_compare import both, summary

from specpy.diagnostics import SpecError
from specpy.options import CheckOptions
from specpy.pipeline import load

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    p for p in [*ROOT.glob("specs/*.spec"), *ROOT.glob("examples/**/*.spec"), *ROOT.glob("tests/**/*.spec")]
    if "errors" not in p.parts
)
#: As a user runs them (symmetry reduction on: both backends keep the same
#: representative of each orbit, test_native_symmetry.py); the cap keeps the big ones short.
OPTIONS = CheckOptions(max_states=30_000)

#: Specs that must run natively (the others fall back, saying why: no
#: variables, types too big to lay out).
NATIVE = {
    "examples/kvstore/kvstore.spec",
    "examples/linearizable/cas_register.spec",
    "examples/linearizable/queue.spec",
    "specs/btree_wal.spec",
    "specs/btree_wal_bug_split_not_atomic.spec",
    "specs/causal_broadcast.spec",
    "specs/causal_broadcast_bug_lamport_clock.spec",
    "specs/diehard.spec",
    "specs/idempotent_delivery.spec",
    "specs/idempotent_delivery_bug_no_dedup.spec",
    "specs/idempotent_delivery_bug_unfair_retry.spec",
    "specs/language_tour.spec",
    "specs/lamport_mutex.spec",
    "specs/lamport_mutex_bug_no_tiebreak.spec",
    "specs/lsm.spec",
    "specs/lsm_bug_early_tombstone_drop.spec",
    "specs/lsm_bug_older_wins.spec",
    "specs/paxos.spec",
    "specs/paxos_bug_accept_lower_ballot.spec",
    "specs/quorum_register.spec",
    "specs/quorum_register_bug_small_quorums.spec",
    "specs/raft.spec",
    "specs/raft3.spec",
    "specs/raft_abstract.spec",
    "specs/raft_bug_double_vote.spec",
    "specs/raft_figure8.spec",
    "specs/raft_liveness_bug_split_vote.spec",
    "specs/raft_prevote.spec",
    "specs/raft_prevote_bug_disruptive_server.spec",
    "specs/tcommit.spec",
    "specs/twophase.spec",
    "specs/zab.spec",
    "specs/zab_bug_skip_sync.spec",
    "tests/cli/data/assert.spec",
    "tests/cli/data/deadlock.spec",
    "tests/cli/data/evalerror.spec",
    "tests/cli/data/invariant.spec",
    "tests/cli/data/ok.spec",
    "tests/cli/data/params.spec",
    "tests/data/faults/crash.spec",
    "tests/data/faults/net_budget.spec",
    "tests/data/faults/net_duplicate.spec",
    "tests/data/faults/net_lose.spec",
    "tests/explicit/data/liveness/counter.spec",
    "tests/explicit/data/liveness/deadlock.spec",
    "tests/explicit/data/liveness/eval_error.spec",
    "tests/explicit/data/liveness/grant.spec",
    "tests/explicit/data/liveness/phases.spec",
    "tests/explicit/data/liveness/stutter.spec",
    "tests/explicit/data/liveness/toggle.spec",
    "tests/explicit/data/liveness/workers.spec",
    "tests/explicit/data/mix.spec",
    "tests/explicit/data/quorum.spec",
    "tests/explicit/data/symmetry/links.spec",
    "tests/native/data/stamps.spec",
    "tests/robustness/data/bom_crlf.spec",
    "tests/robustness/data/counter.spec",
    "tests/robustness/data/cr_only.spec",
    "tests/robustness/data/init_assert.spec",
    "tests/robustness/data/init_div_zero.spec",
    "tests/robustness/data/init_out_of_range.spec",
    "tests/robustness/data/named_naturals.spec",
    "tests/tla/data/faults.spec",
    "tests/tla/data/features.spec",
    "tests/tla/data/initbad.spec",
    "tests/tla/data/letfail.spec",
    "tests/tla/data/live.spec",
    "tests/tla/data/stutter.spec",
    "tests/trace/data/dup_bug.spec",
    "tests/trace/data/vote_bug.spec",
}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_and_native_agree(path: Path) -> None:
    try:
        model = load(path)
    except SpecError:
        pytest.skip("a spec error (tests/errors-style input)")
    python, native = both(model, OPTIONS)
    assert python.backend == "python"
    name = str(path.relative_to(ROOT))
    if name in NATIVE:
        assert native.backend == "native", native.backend_note
    else:
        assert native.backend == "native" or native.backend_note
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    "options",
    [
        CheckOptions(max_states=1000),  # stops at the limit
        CheckOptions(max_depth=6),  # bounded
        CheckOptions(workers=2),  # two partitions in worker processes
        CheckOptions(check_deadlock=False),
    ],
    ids=["max-states", "depth", "workers", "no-deadlock"],
)
def test_limits_and_workers_agree(options: CheckOptions) -> None:
    from specpy.options import Overrides

    model = load(ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4")}))
    python, native = both(model, options)
    assert native.backend == "native"
    assert summary(native) == summary(python)


def test_dump_code_writes_the_c_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from specpy.cli import main
    from specpy.explicit.compile import DUMP_ENV

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(DUMP_ENV, raising=False)
    res = CliRunner().invoke(main, ["--dump-code", str(tmp_path), "check", "specs/diehard.spec", "--quiet", "--json"])
    monkeypatch.delenv(DUMP_ENV, raising=False)
    assert res.exit_code == 12 and '"backend": "native"' in res.stdout
    c = (tmp_path / "DieHard" / "model.c").read_text()
    assert "int64_t sp_expand(" in c and "static void act0(SpCtx *cx, const S *s)" in c


#: A spec the native core refuses: sets of sets of more than 12 values are not laid out.
SET_OF_SETS = "tests/robustness/data/huge_type_set_of_range.spec"


def test_backend_native_refuses_with_a_location() -> None:
    from click.testing import CliRunner

    from specpy.cli import main

    res = CliRunner().invoke(main, ["check", "--backend", "native", str(ROOT / SET_OF_SETS)])
    assert res.exit_code == 150
    assert "huge_type_set_of_range.spec:" in res.stderr
    assert "--backend native: set elements of type set[set[0..40]] are not native yet" in res.stderr


def test_default_falls_back_with_one_note(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from specpy.cli import main

    res = CliRunner().invoke(main, ["check", "--max-states", "50", "--json", str(ROOT / SET_OF_SETS)])
    notes = [line for line in res.stderr.splitlines() if line.startswith("note: checked with the Python backend: ")]
    assert len(notes) == 1 and "set elements of type set[set[0..40]] are not native yet" in notes[0]
    assert '"backend": "python"' in res.stdout


def test_a_missing_compiler_is_exit_151(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from specpy.cli import main
    from specpy.native import build

    build.compiler.cache_clear()
    monkeypatch.setenv("CC", "/nonexistent/cc")
    try:
        res = CliRunner().invoke(main, ["check", "--backend", "native", str(ROOT / "specs/diehard.spec")])
    finally:
        build.compiler.cache_clear()
    assert res.exit_code == 151 and "no C compiler found" in res.stderr


def test_ctrl_c_while_the_c_compiles_is_an_interrupted_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped before the search starts: exit 152, `limit: interrupted`, no traceback."""
    from click.testing import CliRunner

    import specpy.native
    from specpy.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(specpy.native, "native_model", interrupted)
    res = CliRunner().invoke(main, ["check", "--backend", "native", "--json", str(ROOT / "specs/diehard.spec")])
    assert res.exit_code == 152, res.output
    assert '"limit": "interrupted"' in res.stdout and "Traceback" not in res.output


#: A measure undefined in some states (a division by zero, an index past the end).
MEASURED = """
spec Measured
var x: 0..4 = 0
var log: seq[0..4, 3] = []
action Step {
    require x < 4
    x += 1
    if len(log) < 3 { log = log + [x] }
}
measure Ratio: 12 // (x - 2)
measure Third: log[3]
measure Size: len(log) + x
"""


def test_measures_agree_with_python_where_undefined_too() -> None:
    from specpy.diagnostics import SourceFile
    from specpy.pipeline import load_text

    python, native = both(load_text(SourceFile("measured.spec", MEASURED)), CheckOptions())
    assert native.backend == "native"
    assert summary(native) == summary(python)
    # x = 0..4: Ratio is -6, -12, undefined, 12, 6; Third exists for x >= 3 (2 states of 5).
    assert [(m.name, m.min, m.max, m.undefined) for m in native.stats.measures] == [
        ("Ratio", -12, 12, 1), ("Third", 3, 3, 3), ("Size", 0, 7, 0)
    ]
