"""The partitioned search: any number of partitions, in this process or in
worker processes, gives the result of one partition, trace included.

The partition count only changes which process expands which state; the keys
(partition.py) make the reported violation the one a one-state-at-a-time
BFS meets first. Every spec of specs/, tests/cli/data and tests/data/faults
is checked with 1, 2 and 3 in-process partitions and compared in full.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from explicit_ir import counter, diehard, twophase

from specpy.explicit.compile import CompiledModel
from specpy.explicit.search import Search
from specpy.explicit.symmetry import symmetry_for
from specpy.explicit import store
from specpy.explicit.store import BLOCK, FingerprintSet, Frontier, Links, fingerprints
from specpy.options import CheckOptions, Overrides
from specpy.diagnostics import SourceFile
from specpy.pipeline import load, load_text
from specpy.result import CheckResult, ResultKind

ROOT = Path(__file__).resolve().parents[2]
# The small specs (raft's take minutes, three times over).
SPECS = sorted(
    [
        *(ROOT / "specs" / name for name in ("diehard.spec", "tcommit.spec", "twophase.spec")),
        *(ROOT / "tests/cli/data").glob("*.spec"),
        *(ROOT / "tests/data/faults").glob("*.spec"),
    ]
)


def run(model, parts: int = 1, workers: int = 1, sharded: bool = False, **options) -> CheckResult:
    opts = CheckOptions(workers=workers, **options)
    cm = CompiledModel(model)
    return Search(cm, opts, None, symmetry_for(cm, opts.symmetry), parts=max(parts, workers), sharded=sharded).run()


def summary(r: CheckResult) -> tuple:
    """Everything that must not depend on the partition count (states_generated
    does only when a violation stops a level half-way, see search.py)."""
    v = r.violation
    trace = None if v is None else (v.kind, v.name, v.detail, v.trace.states, v.trace.steps)
    generated = r.stats.states_generated if v is None else None
    return r.kind, r.stats.distinct_states, generated, r.stats.depth, r.bounded, trace


def loaded(path: Path):
    try:
        return load(path)
    except Exception:  # noqa: BLE001 - specerror.spec and friends: nothing to search
        pytest.skip(f"{path.name} does not load")


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_partitions_agree_on_every_spec(path: Path) -> None:
    model = loaded(path)
    one = summary(run(model))
    assert summary(run(model, parts=2)) == one
    assert summary(run(model, parts=3)) == one


@pytest.mark.parametrize("options", [{}, {"max_depth": 5}, {"max_states": 100}, {"check_deadlock": False}])
def test_partitions_agree_under_limits(options) -> None:
    one = summary(run(twophase(3), **options))
    assert summary(run(twophase(3), parts=3, **options)) == one


def test_max_states_reports_exactly_the_limit() -> None:
    r = run(twophase(3), parts=2, max_states=100)
    assert r.kind is ResultKind.LIMIT and r.stats.distinct_states == 100


def test_worker_processes_give_the_same_result() -> None:
    # TwoPhase, 4 RMs: TLC 2.20 gives 1,568 distinct states, 8,258 generated, depth 14.
    r = run(twophase(4), workers=2)
    assert (r.kind, r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (ResultKind.OK, 1568, 8258, 14)
    assert summary(run(diehard(), workers=2)) == summary(run(diehard()))
    assert summary(run(counter(bound=3), workers=3)) == summary(run(counter(bound=3)))


def test_worker_processes_return_a_shortest_trace() -> None:
    path = ROOT / "tests/cli/data/deadlock.spec"
    one, two = run(load(path)), run(load(path), workers=2)
    assert summary(two) == summary(one) and one.violation is not None


def test_symmetry_reduction_agrees_across_partitions() -> None:
    # TLC 2.20 on TwoPhaseSym.tla (tests/explicit/data/symmetry): 80 distinct, 318 generated for 3 RMs.
    text = (ROOT / "specs/twophase.spec").read_text().replace("\ntype RM = ", "\nsymmetric type RM = ")
    model = load_text(SourceFile("twophase_sym.spec", text))
    one = run(model)
    assert (one.stats.distinct_states, one.stats.states_generated) == (80, 318)
    assert summary(run(model, parts=3)) == summary(one)
    assert summary(run(model, workers=2)) == summary(one)


def test_fingerprint_set_matches_a_python_set() -> None:
    rng = random.Random(7)
    fs, ref = FingerprintSet(), set()
    for _ in range(40):
        # Few distinct values, so that slots collide and probe sequences are long.
        batch = np.unique(np.array([rng.randrange(1, 5000) for _ in range(300)], dtype=np.int64))
        present = fs.contains(batch)
        assert present.tolist() == [int(x) in ref for x in batch]
        fresh = batch[~present]
        fs.add_new(fresh)
        ref.update(int(x) for x in fresh)
        assert len(fs) == len(ref)
    probe = np.arange(1, 6000, dtype=np.int64)
    assert fs.contains(probe).tolist() == [int(x) in ref for x in probe]


def test_fingerprints_are_never_the_empty_marker() -> None:
    assert hash(0) == 0 and fingerprints([0, 5]).tolist() == [1, 5]


@pytest.mark.parametrize("grow_slice", [64, 1 << 10])  # many slices, one of them partial; whole pages given back
@pytest.mark.parametrize("load", [0.5, 0.75])
def test_fingerprint_set_grows_a_slice_at_a_time(monkeypatch, grow_slice: int, load: float) -> None:
    monkeypatch.setattr(store, "GROW_SLICE", grow_slice)
    fs = FingerprintSet(load=load)
    values = np.arange(1, 5001, dtype=np.int64) * 7919
    for lo in range(0, len(values), 700):
        fs.add_new(values[lo : lo + 700])
        assert fs.used <= load * len(fs.table)
    assert len(fs) == 5000 and fs.contains(values).all()
    assert not fs.contains(values + 1).any()


def test_links_widen_when_a_value_needs_it() -> None:
    # 13 bytes a state: 32-bit parent ids and 8-bit actions until one does not fit.
    links = Links()
    links.extend(np.array([5, 6]), np.array([-1, 0]), np.array([-1, 2]))
    assert (links.parent.typecode, links.via.typecode) == ("i", "b")
    links.extend(np.array([7]), np.array([1 << 40]), np.array([300]))
    assert (links.parent.typecode, links.via.typecode) == ("q", "h")
    assert [links.get(i) for i in range(3)] == [(5, -1, -1), (6, 0, 2), (7, 1 << 40, 300)]
    fps, parents, via = links.snapshot(3)
    assert (fps.dtype, parents.dtype, via.dtype) == (np.int64, np.int64, np.int16)
    assert parents.tolist() == [-1, 0, 1 << 40] and via.tolist() == [-1, 2, 300]


@pytest.mark.parametrize("block", [1, 3, 128])
def test_frontier_blocks_give_back_the_states_in_order(monkeypatch, block: int) -> None:
    monkeypatch.setattr(store, "BLOCK", block)
    states = [((i % 4, None), frozenset({i, i + 1}), True, 1 << 70) for i in range(10)]
    f = Frontier()
    f.extend(states[:4])
    f.extend(states[4:])
    assert len(f) == 10 and [s for c in f.chunks() for s in c] == states
    assert all(len(c) <= block for c in f.chunks())


@pytest.mark.parametrize("block", [1, 4, 128])
@pytest.mark.parametrize("width", [0, 3])
def test_frontier_keeps_slices_and_joins_like_a_list(monkeypatch, block: int, width: int) -> None:
    # What `settle` does to a level: drop duplicates, cut it into runs, join
    # runs from several partitions; checked against plain list operations.
    # width 3: states of 3 bytes in raw blocks (the native engine's), part of
    # them appended as one buffer.
    monkeypatch.setattr(store, "BLOCK", block)
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randrange(0, 40)
        if width:
            states = [i.to_bytes(3, "little") for i in range(n)]
            f = Frontier(width=width)
            cut = rng.randrange(n + 1)
            f.extend(states[:cut])
            f.extend_raw(b"".join(states[cut:]))
            assert all(type(c) is list or c.width == width for c in f.chunks())
        else:
            states = [(i, (i % 3, None)) for i in range(n)]
            f = Frontier.of(states)
        keep = np.array([rng.random() < 0.7 for _ in states], dtype=bool)
        f.keep(keep)
        kept = [s for s, k in zip(states, keep) if k]
        assert f.states() == kept and len(f) == len(kept)
        lo = rng.randrange(len(kept) + 1)
        hi = rng.randrange(lo, len(kept) + 1)
        pieces = [f.slice(0, lo), f.slice(lo, hi), f.slice(hi, len(kept))]
        assert [p.states() for p in pieces] == [kept[:lo], kept[lo:hi], kept[hi:]]
        assert [len(p) for p in pieces] == [lo, hi - lo, len(kept) - hi]
        joined = Frontier.join(pieces)
        assert joined.states() == kept and len(joined) == len(kept)


def test_runs_are_balanced_and_duplicates_counted_once(monkeypatch) -> None:
    # twophase with 5 RMs: 8,832 distinct, 58,146 generated (TLC 2.20, as in
    # test_explicit_counts.py). With 3 partitions every level is cut into
    # runs of whole chunks (partition.cut) that differ by at most one chunk, and the "new" column of the
    # coverage (states first found by an action, duplicates between runs dropped) still sums to the
    # distinct count minus the one initial state.
    from specpy.explicit import partition

    sizes: list[list[int]] = []
    settle_in = partition.Partition.settle_in

    def recording(self, plan, pieces):
        settle_in(self, plan, pieces)
        if self.part == 0:
            sizes.append([])
        sizes[-1].append(len(self.frontier))

    monkeypatch.setattr(partition.Partition, "settle_in", recording)
    model = load(ROOT / "specs/twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3", "r4", "r5")}))
    r = run(model, parts=3)
    assert (r.stats.distinct_states, r.stats.states_generated) == (8832, 58146)
    assert sum(a.new for a in r.stats.coverage) == 8832 - 1
    # One settle after the initial states and one after each level (the last one empty).
    assert len(sizes) == r.stats.depth + 1 and all(max(s) - min(s) <= BLOCK for s in sizes)
    assert all(n % BLOCK == 0 for s in sizes for n in np.cumsum(s)[:-1]), "a run begins at a whole chunk"
    assert any(min(s) > 0 for s in sizes), "some level is cut in three"
    assert sum(map(sum, sizes)) == 8832


@pytest.mark.parametrize("block", [1, 2, 5])
def test_block_size_changes_nothing(monkeypatch, block: int) -> None:
    # One partition stores while it expands, block by block: results (violations
    # included) must not depend on where the blocks end.
    for path in (ROOT / "specs/twophase.spec", ROOT / "tests/cli/data/deadlock.spec"):
        model = load(path)
        monkeypatch.setattr(store, "BLOCK", 128)
        reference = summary(run(model))
        monkeypatch.setattr(store, "BLOCK", block)
        assert summary(run(model)) == reference
        assert summary(run(model, parts=2)) == reference


def test_sets_over_more_than_61_values_lose_no_state() -> None:
    # A fingerprint is hash(state), and hash(int) is the int modulo 2**61 - 1:
    # with {i} as bitmask 1 << i, {0} and {61} once had one fingerprint and
    # the search dropped one of them (62 distinct instead of 71 here; Paxos
    # with --const MaxBallot=2 lost 6,956 of TLC's 185,369). 71 = the empty
    # set and one singleton per value of 0..69, by hand.
    text = "spec Wide\nvar s: set[0..69] = {}\naction Add(i: 0..69) { require len(s) == 0; s = s | {i} }\n"
    model = load_text(SourceFile("wide.spec", text))
    result = run(model, check_deadlock=False)
    assert result.kind is ResultKind.OK and result.stats.distinct_states == 71


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_sharded_tables_agree_on_every_spec(path: Path) -> None:
    # Each partition remembers only the fingerprints it owns (as on a cluster,
    # cluster/): the lookups deferred to the end of a level change nothing.
    model = loaded(path)
    first = run(model)
    one = summary(first)
    assert summary(run(model, parts=2, sharded=True)) == one
    three = run(model, parts=3, sharded=True)
    assert summary(three) == one
    if first.violation is None:  # the "new" column counts the stale states dropped out again
        assert three.stats.coverage == first.stats.coverage


@pytest.mark.parametrize("options", [{}, {"max_depth": 5}, {"max_states": 100}, {"check_deadlock": False}])
def test_sharded_tables_agree_under_limits(options) -> None:
    one = summary(run(twophase(3), **options))
    assert summary(run(twophase(3), parts=3, sharded=True, **options)) == one
