"""Sorted arrays natively (c_types.ArrC: bags, sets of ints, sets of
unnumbered elements): the same results as the Python backend, also when a
value outgrows the first capacity and the run starts over with a larger one."""

from __future__ import annotations

import pytest
from native_compare import both, summary

from specpy.diagnostics import SourceFile
from specpy.explicit.compile import CompiledModel
from specpy.native.c_types import CAPACITY, CapacityExceeded
from specpy.native.kernel import NativeModel
from specpy.options import CheckOptions
from specpy.pipeline import load_text

#: Up to 5 distinct messages in flight, more than CAPACITY (4): the first run overflows.
GROWING_BAG = """
spec Grow
var net: bag[0..19, 2] = {}
var got: 0..20 = 0
action Send(v: 0..6) {
    require len(net) < 5 and v not in net
    send v to net
}
action Recv {
    receive m in net where m % 2 == 0 {
        got = min({got + m, 20})
    }
}
invariant Few: len(net) <= 6
faults {
    duplicate net
    lose net
    budget 2
}
"""

#: Sets of ints of up to 6 elements (an expression, never stored), and a
#: stored set of sequences (not numbered: a sorted array) with set operations.
INT_AND_SEQ_SETS = """
spec Sets
type Word = seq[0..2, 2]
var x: 0..6 = 0
var seen: set[Word] = {}
var best: 0..40 = 0
action Step(a: 0..2, b: 0..2) {
    require x < 6
    x += 1
    let squares = {n * n for n in 1..x if n != a}
    best = max(squares | {0})
    seen = (seen | {[a, b], [b]}) - {[a]}
}
action Drop {
    choose w in seen where len(seen) > 2 and not (seen <= {w}) and w in seen {
        seen = {v for v in seen if v != w}
    }
}
invariant Bounded: len(seen) <= 12 and best <= 36
"""


#: `fold` and `choose` expressions over a bag; the `choose` finds nothing
#: (an evaluation error) once the bag holds three small messages.
FOLD_CHOOSE = """
spec FoldChoose
var net: bag[0..5, 2] = {}
var total: 0..30 = 0
action Send(v: 0..5) {
    require len(net) < 3 and v not in net
    send v to net
}
action Sum {
    total = fold(acc = 0, m in net: acc + m)
}
action Pick {
    require len(net) == 3
    total = choose m in net where m >= 2
}
"""


@pytest.mark.parametrize("text", [GROWING_BAG, INT_AND_SEQ_SETS, FOLD_CHOOSE], ids=["bag", "sets", "fold-choose"])
@pytest.mark.parametrize("workers", [1, 2])
def test_arrays_agree_with_python(text: str, workers: int) -> None:
    model = load_text(SourceFile("arrays.spec", text))
    python, native = both(model, CheckOptions(workers=workers))
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python)
    assert python.stats.distinct_states > 100  # not a trivial model


def test_a_bag_past_the_capacity_is_reported_then_grown() -> None:
    model = load_text(SourceFile("grow.spec", GROWING_BAG))
    native = NativeModel(model, CompiledModel(model))
    bag = native.layout.arrays[0]
    assert bag.cap == CAPACITY == 4
    too_many = frozenset((v, 1) for v in range(5))
    with pytest.raises(CapacityExceeded) as exc:
        bag.pack(too_many)
    larger = native.grown(exc.value)
    assert larger[bag.ir] == 16
    assert NativeModel(model, CompiledModel(model), larger).layout.arrays[0].cap == 16
    assert CapacityExceeded.parse(f"Traceback ...\n{exc.value}") is not None  # from a worker process
