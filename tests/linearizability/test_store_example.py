"""examples/linearizable/store.py: client threads against a replicated store, recorded as
Jepsen histories. The correct store's histories are linearizable; with the bug switch (gets
served by a replica that applies updates two late) a stale read is found."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from specpy.linearizability.checker import LINEARIZABLE, NOT_LINEARIZABLE, check_history
from specpy.linearizability.models import KeyValue

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "linearizable"


def load_store():
    spec = importlib.util.spec_from_file_location("linearizable_store", EXAMPLE / "store.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(tmp_path: Path, seed: int, buggy: bool, jsonl: bool = False) -> Path:
    out = io.StringIO()
    load_store().run(out, clients=5, ops=40, seed=seed, buggy=buggy, jsonl=jsonl, info_rate=0.05)
    path = tmp_path / f"run-{seed}-{buggy}.{'jsonl' if jsonl else 'edn'}"
    path.write_text(out.getvalue())
    return path


def test_the_correct_store_records_linearizable_histories(tmp_path):
    for seed, jsonl in ((1, False), (2, True), (3, False)):
        path = record(tmp_path, seed, buggy=False, jsonl=jsonl)
        assert len(path.read_text().splitlines()) == 400
        assert check_history(KeyValue(), path).status == LINEARIZABLE


def test_the_buggy_store_serves_a_stale_read(tmp_path):
    # Threads interleave differently on every run; 200 operations on 3 keys with a replica
    # two updates behind have always held a stale read (never failed in 50 runs while writing this).
    verdict = check_history(KeyValue(), record(tmp_path, 7, buggy=True))
    assert verdict.status == NOT_LINEARIZABLE
    assert verdict.decision.violation.blocked.payload[0] == "get"


def test_the_recorded_buggy_history():
    # examples/linearizable/buggy.edn, recorded with --seed 1 --buggy: process 3's get of "y"
    # (lines 23-32) returned nil after process 3's own put of "3.0" to "y" had completed (lines 16-22)
    # — the replica had not applied it yet. Read off the file by hand.
    verdict = check_history(KeyValue(), EXAMPLE / "buggy.edn")
    v = verdict.decision.violation
    assert verdict.status == NOT_LINEARIZABLE and v.key == "y"
    assert (v.blocked.payload, v.blocked.op.process, v.blocked.op.line, v.blocked.op.ret_line) == (("get", "y", None), 3, 23, 32)
    assert v.states == ["3.0"] and v.events_before == 31
    assert [it.payload for it in v.prefix] == [("get", "y", None)] * 8 + [("put", "y", "3.0")]
    assert (v.prefix[-1].op.line, v.prefix[-1].op.ret_line) == (16, 22)
