"""Every log of a real behaviour is accepted, however much of it is left out.

Random walks through a spec's compiled successors (seeded, so each case is
the same every run) are written as logs: whole, with variables and step
names dropped, and with lines deleted (then `--max-gap` must cover the
longest deleted run). Validation must accept every one of them, and with
whole states and step names its witness must be the walk itself.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import specpy
from specpy.explicit.compile import CompiledModel
from specpy.explicit.simulate import random_trace
from specpy.trace.ndjson import trace_to_lines
from specpy.trace.trace import Trace

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "specs" / "twophase.spec", ROOT / "specs" / "diehard.spec", ROOT / "examples" / "kvstore" / "kvstore.spec"]
STEPS = 25


@pytest.fixture(scope="module", params=SPECS, ids=lambda p: p.stem)
def spec(request) -> specpy.Spec:
    return specpy.load(request.param)


def walk(spec: specpy.Spec, seed: int) -> tuple[Trace, list[dict]]:
    trace = random_trace(CompiledModel(spec.model), STEPS, seed)
    return trace, trace_to_lines(trace, spec.var_types, spec.param_types)


def unnamed(line: dict) -> dict:
    return {k: v for k, v in line.items() if k not in ("action", "args")}


@pytest.mark.parametrize("seed", range(4))
def test_a_whole_log_is_accepted_and_its_witness_is_the_walk(spec, seed):
    trace, log = walk(spec, seed)
    assert len(log) > 5  # a walk long enough to say something
    r = spec.validate(log)
    assert r.ok, r.unexplained
    assert r.trace == trace and r.stats.max_candidates == 1


@pytest.mark.parametrize("seed", range(4))
def test_a_partial_log_without_step_names_is_accepted(spec, seed):
    rng = random.Random(1000 + seed)
    _, full = walk(spec, seed)
    log = [{k: v for k, v in unnamed(line).items() if rng.random() < 0.5} for line in full]
    r = spec.validate(log)
    assert r.ok and len(r.trace) == len(log)


@pytest.mark.parametrize("seed", range(4))
def test_a_log_with_lines_left_out_is_accepted_within_the_gap(spec, seed):
    rng = random.Random(2000 + seed)
    _, full = walk(spec, seed)
    keep = [0] + [i for i in range(1, len(full)) if rng.random() < 0.6]
    gap = max(b - a - 1 for a, b in zip(keep, [*keep[1:], len(full)]))
    r = spec.validate([unnamed(full[i]) for i in keep], max_gap=gap)
    assert r.ok and r.line_states[-1] <= keep[-1]


def test_walks_take_fault_steps_too() -> None:
    # raft.spec has a `faults` block (lose, duplicate, crash): a long walk
    # takes some fault steps, each labelled as one of the spec's fault kinds.
    cm = CompiledModel(specpy.load(ROOT / "specs" / "raft.spec").model)
    faults = {f.label for f in cm.actions if hasattr(f, "moves")}
    trace = random_trace(cm, 200, 3)
    taken = [step for step in trace.steps if step.fault]
    assert taken and all(step.action in faults for step in taken)
