"""The pieces of checkpointing: the flat encoding of states, the memory watch,
the consistency checks of a resumed frontier, the API."""

from __future__ import annotations

import os

from pathlib import Path

import numpy as np
import pytest

from specpy import api
from specpy.explicit import flat_values, memory
from specpy.explicit.checkpoint import _check_frontiers
from specpy.explicit.memory import MemoryWatch
from specpy.explicit.partition import PartitionSnapshot
from specpy.explicit.runtime import NONE
from specpy.explicit.store import fingerprints
from specpy.options import OptionError

ROOT = Path(__file__).resolve().parents[2]
STATES = [
    (0, -1, True, False, NONE),
    ((1, (2, NONE)), frozenset({3, (4, 5), NONE}), frozenset()),
    ((1 << 1023) | 5, -(1 << 200), 1 << 59, -(1 << 59), (1 << 59) - 1),
    (),
]


def test_states_survive_the_flat_encoding_with_their_types_and_hashes() -> None:
    tokens, count = flat_values.encode(iter(STATES))
    assert count == len(STATES)
    back = flat_values.decode(tokens, count)
    assert back == STATES
    assert [hash(s) for s in back] == [hash(s) for s in STATES]
    assert type(back[0][2]) is bool and type(back[0][0]) is int and type(back[0][4]) is float


@pytest.mark.parametrize("value", [None, 0.25, float("nan")])
def test_only_internal_values_have_a_flat_encoding(value: object) -> None:
    with pytest.raises(TypeError):
        flat_values.encode([(1, value)])


def test_a_frontier_is_encoded_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flat_values, "PIECE", 3)
    tokens, count = flat_values.encode(STATES * 5)
    assert flat_values.decode(tokens, count) == STATES * 5


@pytest.mark.parametrize(
    "tokens, count",
    [
        ([flat_values.TUPLE | (5 << 3)], 1),  # a tuple longer than what follows
        ([flat_values.TUPLE, 7], 2),  # trailing garbage / too few states
        ([7], 1),  # an unknown tag
        ([flat_values.NONE], 1),  # a state that is not a tuple
        ([flat_values.TUPLE | (1 << 3)] * 100 + [flat_values.TUPLE], 1),  # nested too deep
        ([flat_values.TUPLE | (1 << 3), flat_values.BIG | (1 << 3), -1], 1),  # a negative limb
    ],
)
def test_malformed_flat_states_are_value_errors(tokens: list[int], count: int) -> None:
    with pytest.raises(ValueError):
        flat_values.decode(np.asarray(tokens, dtype=np.int64), count)


def guard(monkeypatch: pytest.MonkeyPatch, total: int, available: int, own: list[int], seconds: float = 10.0):
    """A MemoryWatch that has run `seconds`, on a machine with `available` of `total`
    bytes left, whose checker's resident memory is own[0], then own[1], ... at each look."""
    sizes = iter(own)
    monkeypatch.setattr(memory, "available_room", lambda: (total, available))
    monkeypatch.setattr(memory, "rss_bytes", lambda pid: next(sizes) if pid == os.getpid() else 0)
    monkeypatch.setattr(memory, "largest_process", lambda exclude: (4242, "java", 20 * 10**9))
    watch = MemoryWatch(None)
    watch.started -= seconds
    return watch


def test_the_memory_guard_stops_a_checker_that_fills_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    total = 24 * 10**9
    below = memory.margin(total) - 1
    # The checker holds most of the 22.8 GB in use and grows: it stops.
    watch = guard(monkeypatch, total, below, [20 * 10**9, 21 * 10**9])
    assert watch.exceeded(force=True) is None  # the first look has nothing to compare with
    reason = watch.exceeded(force=True)
    assert reason is not None and "safety margin 1,200 MB" in reason and "still growing" in reason  # 5% of 24 GB
    # Above the margin nothing stops, whatever the checker's size.
    watch = guard(monkeypatch, total, memory.margin(total) + 1, [20 * 10**9, 21 * 10**9])
    assert watch.exceeded(force=True) is None and watch.exceeded(force=True) is None and watch.note is None


def test_the_memory_guard_does_not_stop_for_another_programs_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # The report of issue 23: 180 MB of 25,325 MB left, a 60 MB checker stopped at its first state.
    total, available = 25_325 * 10**6, 180 * 10**6
    watch = guard(monkeypatch, total, available, [60 * 10**6, 70 * 10**6, 80 * 10**6])
    assert [watch.exceeded(force=True) for _ in range(3)] == [None, None, None]
    assert watch.note == (
        "memory is short: only 180 MB of 25,325 MB memory is left available (safety margin 1,266 MB); "
        "the largest other process is java (pid 4242, 20,000 MB); the checker uses 60 MB and went on"
    )


def test_the_memory_guard_waits_out_its_grace_period_and_a_checker_that_stopped_growing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    total = 24 * 10**9
    below = memory.margin(total) - 1
    young = guard(monkeypatch, total, below, [20 * 10**9, 21 * 10**9], seconds=0.0)
    assert young.exceeded(force=True) is None and young.exceeded(force=True) is None
    flat = guard(monkeypatch, total, below, [20 * 10**9, 20 * 10**9, 20 * 10**9])
    assert [flat.exceeded(force=True) for _ in range(3)] == [None, None, None]


def test_a_search_beside_a_memory_hog_finishes_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # 180 MB of 25,325 MB left (issue 23's report): the search used to stop at
    # its first level; now it finishes with TLC's counts and leaves a note.
    monkeypatch.setattr(memory, "available_room", lambda: (25_325 * 10**6, 180 * 10**6))
    result = api.load(ROOT / "specs/twophase.spec").check()
    assert result.kind.value == "ok" and result.stats.distinct_states == 288  # TLC: 288 distinct states
    assert result.memory_note is not None and result.memory_note.startswith("memory is short: only 180 MB")
    assert result.to_json()["memory_note"] == result.memory_note


def test_memory_limit_keeps_its_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    # --memory-limit counts the checker only, whatever the machine has left.
    monkeypatch.setattr(memory, "available_room", lambda: (24 * 10**9, 10**9))
    monkeypatch.setattr(memory, "rss_bytes", lambda pid: 101 * 10**6 if pid == os.getpid() else 0)
    assert MemoryWatch(100).exceeded(force=True) == "the checker uses 101 MB, more than --memory-limit 100 MB"
    assert MemoryWatch(102).exceeded(force=True) is None


def test_the_memory_guard_is_cheap_between_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(memory, "available_room", lambda: calls.append(1))
    watch = MemoryWatch(None)
    for _ in range(1000):
        watch.exceeded()
    assert len(calls) == 1  # once per CHECK_SECONDS, not once per call


def test_the_api_checkpoints_and_resumes(tmp_path) -> None:
    spec = api.load(ROOT / "specs/twophase.spec", types={"RM": ["r1", "r2", "r3", "r4"]})
    stopped = spec.check(max_states=700, checkpoint_dir=str(tmp_path))
    assert (stopped.kind.value, stopped.limit) == ("limit", "max-states")
    with pytest.raises(OptionError, match="the checkpoint holds"):
        spec.check(resume_dir=str(tmp_path), max_states=500)
    done = spec.check(resume_dir=str(tmp_path))
    # TLC (tlcref TwoPhase4.out): 1568 distinct, 8258 generated, depth 14
    assert (done.stats.distinct_states, done.stats.states_generated, done.stats.depth) == (1568, 8258, 14)


def test_temporal_properties_are_not_checkpointed(tmp_path) -> None:
    spec = api.load(ROOT / "specs/idempotent_delivery_bug_unfair_retry.spec")
    with pytest.raises(OptionError, match="temporal properties"):
        spec.check(checkpoint_dir=str(tmp_path))


def _ints(xs) -> np.ndarray:
    return np.asarray(list(xs), dtype=np.int64)


def _two_partitions() -> list[PartitionSnapshot]:
    """Partition 0 stored states a and b, partition 1 stored c; partition 1's
    run of the next level holds b (stored by partition 0) and c."""
    a, b, c = (0, 1), (1, 1), (2, 1)
    fa, fb, fc = (int(x) for x in fingerprints([a, b, c]))

    def snap(fps: list[int], frontier: list[tuple], ids: list[int]) -> PartitionSnapshot:
        n, k = len(fps), len(frontier)
        return PartitionSnapshot(
            2, _ints(fps), _ints([-1] * n), np.full(n, -1, np.int16), frontier, _ints(ids), _ints(range(k)), 0, np.zeros((1, 3), np.int64)
        )

    # ids: local index * 2 + partition
    return [snap([fa, fb], [], []), snap([fc], [b, c], [1 * 2 + 0, 0 * 2 + 1])]


def test_frontier_states_are_checked_against_the_partition_that_stored_them() -> None:
    snaps = _two_partitions()
    _check_frontiers(snaps)  # consistent: no error
    snaps[1].frontier_ids[0] = 2 * 2 + 0  # partition 0 stored only two states
    with pytest.raises(ValueError, match="frontier ids out of range"):
        _check_frontiers(snaps)
    snaps = _two_partitions()
    snaps[1].frontier_ids[0] = 0 * 2 + 0  # names a, but the state is b
    with pytest.raises(ValueError, match="do not have their recorded fingerprints"):
        _check_frontiers(snaps)
    snaps = _two_partitions()
    snaps[1].fps[0] = snaps[0].fps[0]
    with pytest.raises(ValueError, match="two partitions store the same fingerprint"):
        _check_frontiers(snaps)
