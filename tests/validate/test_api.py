"""The Python API: load with overrides, check, the result's trace."""

from __future__ import annotations

from pathlib import Path

import pytest

import specpy
from specpy.options import OptionError
from specpy.result import ResultKind

SPECS = Path(__file__).resolve().parents[2] / "specs"


def test_check_returns_the_result_with_its_trace():
    r = specpy.load(SPECS / "diehard.spec").check()
    assert r.kind is ResultKind.INVARIANT and r.exit_code == 12
    assert r.trace is r.violation.trace and len(r.trace) == 7  # TLC's 7-state counterexample


def test_overrides_and_settings():
    spec = specpy.load(SPECS / "twophase.spec", types={"RM": ["r1", "r2"]})
    r = spec.check(check_deadlock=False)
    assert r.kind is ResultKind.OK and r.trace is None
    # TLC 2.20 (-workers 1) on `specpy tla --type RM=r1,r2` of twophase.spec: 56 distinct, 154 generated, depth 8.
    assert (r.stats.distinct_states, r.stats.states_generated, r.stats.depth) == (56, 154, 8)


def test_bad_overrides_and_settings_are_option_errors():
    with pytest.raises(OptionError):
        specpy.load(SPECS / "twophase.spec", types={"Nope": ["a"]})
    with pytest.raises(OptionError):
        specpy.load(SPECS / "twophase.spec", types={"RM": "r1,r2"})
    with pytest.raises(OptionError):
        specpy.load(SPECS / "diehard.spec").check(no_such_setting=True)
