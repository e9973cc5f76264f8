"""Random small well-typed specs (the generator of the Z3 agreement test,
tests/random_specs.py; a third of them have a bag network and a faults
block): the Python and native backends give identical results, evaluation
errors, asserts and deadlocks included. 200 examples per run, derandomized."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from native_compare import both, summary
from random_specs import specs

from specpy.diagnostics import SourceFile
from specpy.pipeline import load_text


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_random_specs_agree(text: str) -> None:
    model = load_text(SourceFile("gen.spec", text))
    python, native = both(model)
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python), text
