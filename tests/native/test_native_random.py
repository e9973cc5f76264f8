"""Random small well-typed specs (the generator of the Z3 agreement test,
tests/random_specs.py; a third of them have a bag network and a faults
block): the Python and native backends give identical results, evaluation
errors, asserts and deadlocks included. 200 examples per run, derandomized;
and 60 with a symmetric type (symmetric_specs)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from native_compare import both, same_representatives, summary
from random_specs import specs, symmetric_specs

from specpy.diagnostics import SourceFile
from specpy.options import CheckOptions
from specpy.pipeline import load_text


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_random_specs_agree(text: str) -> None:
    model = load_text(SourceFile("gen.spec", text))
    python, native = both(model)
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python), text


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(symmetric_specs())
def test_random_symmetric_specs_agree(text: str) -> None:
    """Under symmetry both backends store the same representative of every
    orbit: identical results, traces and where --max-states stops included."""
    model = load_text(SourceFile("gen.spec", text))
    python, native = both(model, CheckOptions(max_states=3000))
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python), text
    assert same_representatives(model, limit=100) >= 1
