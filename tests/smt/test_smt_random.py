"""Random small well-typed specs: the explicit checker and BMC agree.

Each generated spec goes through the whole pipeline (text → parse → IR).
Agreement: the same verdict; for a violation, BMC's trace has the minimal
length (the explicit BFS reports the minimal length L, or L + 1 when a
state at level L deadlocks or fails in an action after an earlier state of
that level had a successor breaking an invariant — a bounded explicit run
to L settles which), and the BMC trace replays through the explicit step
function to the violation it reports. A third of the specs have a network
and a `faults` block (fault steps are in the traces replayed). 200 examples
per run, derandomized
so CI is reproducible; bench/fuzz_agreement.py runs more.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from random_specs import specs
from smt_replay import replay

from specpy.diagnostics import SourceFile
from specpy.explicit import check as explicit_check
from specpy.options import CheckOptions
from specpy.pipeline import load_text
from specpy.result import ResultKind
from specpy.smt import check as smt_check


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_random_specs_agree(text: str) -> None:
    model = load_text(SourceFile("gen.spec", text))
    explicit = explicit_check(model, CheckOptions())
    if explicit.violation is None:
        bmc = smt_check(model, CheckOptions(max_depth=explicit.stats.depth - 1))
        assert bmc.kind is ResultKind.OK, (text, bmc.violation)
        return
    found = len(explicit.violation.trace)
    shortest = found
    if found >= 2 and explicit_check(model, CheckOptions(max_depth=found - 1)).violation is not None:
        shortest = found - 1
    bmc = smt_check(model, CheckOptions(max_depth=max(shortest - 1, 0)))
    assert bmc.violation is not None, text
    assert len(bmc.violation.trace) == shortest, text
    # The kind may differ when two states of one BFS level fail differently
    # (explicit reports the first in its order, BMC the first kind in its
    # priority): the BMC violation is then checked by replaying it instead.
    replay(model, bmc.violation)
