"""Hostile and broken specs end in a result or a located error, never a crash.

Mutates every spec in specs/ with each mutator (tests/robustness/fuzz_mutate.py),
with fixed seeds so a failure is reproducible: 2,000+ inputs per run. The
longer run is bench/fuzz/run.py.

Each test's body runs in a child interpreter under a 2 GB address-space
limit and a time limit (limited.run_limited): an input that makes specpy
allocate without bound fails the test instead of taking pytest and the
machine with it (an unbounded run once grew pytest to 20 GB).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_mutate import MUTATORS, python_identifiers
from fuzz_outcome import outcome
from limited import run_limited

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.spec"))
PER_MUTATOR_AND_SPEC = max(1, 2000 // (len(MUTATORS) * max(len(SPECS), 1)) + 1)


@pytest.mark.parametrize("mutator", MUTATORS, ids=lambda m: m.__name__)
def test_mutated_specs_never_crash(mutator) -> None:
    run_limited(mutated_specs_never_crash, mutator.__name__)


def mutated_specs_never_crash(mutator_name: str) -> None:
    mutator = next(m for m in MUTATORS if m.__name__ == mutator_name)
    seen: Counter[str] = Counter()
    for spec in SPECS:
        text = spec.read_text()
        for seed in range(PER_MUTATOR_AND_SPEC):
            rng = random.Random(f"{spec.name}:{mutator.__name__}:{seed}")
            data = mutator(text, rng)
            try:
                seen[outcome(data)] += 1
            except Exception as exc:  # noqa: BLE001 - the point is to catch anything
                pytest.fail(f"{mutator.__name__} seed {seed} on {spec.name} crashed: {exc!r}\ninput:\n{data[:2000]!r}")
    assert sum(seen.values()) == len(SPECS) * PER_MUTATOR_AND_SPEC


def test_the_ci_run_covers_at_least_2000_inputs() -> None:
    assert len(MUTATORS) * len(SPECS) * PER_MUTATOR_AND_SPEC >= 2000


def test_mutations_do_reach_the_checker() -> None:
    """Not every mutant is a syntax error: renaming with Python keywords and
    builtins (`exec`, `__import__`, `lambda`) keeps a spec valid, and those
    names must then flow through the checker's generated code harmlessly."""
    run_limited(mutations_do_reach_the_checker)


def mutations_do_reach_the_checker() -> None:
    kinds: Counter[str] = Counter()
    for spec in SPECS:
        for seed in range(10):
            rng = random.Random(seed)
            kinds[outcome(python_identifiers(spec.read_text(), rng)).split(":")[0]] += 1
    assert kinds["spec-error"] > 0
    assert kinds["ok"] + kinds["invariant"] + kinds["deadlock"] > 0


VOCAB = [
    "spec", "const", "type", "var", "init", "def", "action", "invariant", "transition",
    "property", "constraint", "terminal", "faults", "require", "let", "if", "else", "choose",
    "either", "or", "for", "send", "to", "receive", "assert", "where", "in", "is", "and", "not",
    "implies", "forall", "exists", "true", "false", "none", "enum", "set", "seq", "bag",
    "symmetric", "durable", "fair", "strong", "always", "eventually", "leadsto", "lose",
    "duplicate", "crash", "budget", "x", "y", "S", "T", "a", "b", "__import__", "exec",
    "0", "1", "3", "-1", "99999999999999999999", "{", "}", "(", ")", "[", "]", ":", ",", ";",
    ".", "..", "->", "=", "==", "!=", "<", "<=", "+", "-", "*", "//", "%", "|", "&", "?", "'",
    "\n", " ", "#c\n",
]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCAB), max_size=60))
def random_token_soup_never_crashes(toks: list[str]) -> None:
    outcome(" ".join(toks).encode())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def random_bytes_never_crash(data: bytes) -> None:
    outcome(data)


def test_random_token_soup_never_crashes() -> None:
    run_limited(random_token_soup_never_crashes)


def test_random_bytes_never_crash() -> None:
    run_limited(random_bytes_never_crash)


def test_an_unbounded_allocation_fails_the_test_not_the_machine() -> None:
    """The limit is real: a body that allocates 3 GB fails in its child (2 GB)."""
    with pytest.raises(AssertionError, match="MemoryError|died"):
        run_limited(allocate, 3_000_000_000, timeout=60)


def allocate(size: int) -> None:
    bytearray(size)
