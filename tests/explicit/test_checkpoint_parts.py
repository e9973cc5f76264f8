"""The pieces of checkpointing: the flat encoding of states, the memory watch,
the consistency checks of a resumed frontier, the API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from specpy import api
from specpy.explicit import flat_values, memory
from specpy.explicit.checkpoint import _check_frontiers
from specpy.explicit.memory import MemoryWatch
from specpy.explicit.partition import PartitionSnapshot
from specpy.explicit.store import fingerprints
from specpy.options import OptionError

ROOT = Path(__file__).resolve().parents[2]
STATES = [
    (0, -1, True, False, None),
    ((1, (2, None)), frozenset({3, (4, 5)}), frozenset()),
    ((1 << 1023) | 5, -(1 << 200), 1 << 59, -(1 << 59), (1 << 59) - 1),
    (),
]


def test_states_survive_the_flat_encoding_with_their_types_and_hashes() -> None:
    tokens, count = flat_values.encode(iter(STATES))
    assert count == len(STATES)
    back = flat_values.decode(tokens, count)
    assert back == STATES
    assert [hash(s) for s in back] == [hash(s) for s in STATES]
    assert type(back[0][2]) is bool and type(back[0][0]) is int


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


def test_the_memory_guard_stops_below_the_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    total = 24 * 10**9
    monkeypatch.setattr(memory, "available_room", lambda: (total, memory.margin(total) - 1))
    reason = MemoryWatch(None).exceeded()
    assert reason is not None and "safety margin 1,200 MB" in reason  # 5% of 24 GB
    monkeypatch.setattr(memory, "available_room", lambda: (total, memory.margin(total) + 1))
    assert MemoryWatch(None).exceeded() is None


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
