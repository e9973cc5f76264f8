"""The internal encoding is canonical and decodes back to the generic value."""

import pytest

from specpy.explicit.runtime import NotInType
from specpy.explicit.state import BitSetCodec, FrozenSetCodec, codec
from specpy.ir import types as T
from specpy.ir.values import BagValue, MapValue, RecordValue

RM = T.AtomT("RM", ("r1", "r2"))
E3 = T.EnumT("E", ("a", "b", "c"))
REC = T.RecordT("R", (("x", T.RangeT(-1, 0)), ("who", RM)))
VAR = T.VariantT("V", (T.Case("P", (("who", RM),)), T.Case("Q", ())))

TYPES = [
    T.BoolT(),
    T.RangeT(-2, 2),
    RM,
    E3,
    REC,
    VAR,
    T.OptionT(REC),
    T.SetT(VAR),
    T.SetT(T.SetT(RM)),
    T.MapT(RM, T.OptionT(E3)),
    T.MapT(VAR, T.BoolT()),
    T.SeqT(RM, 2),
    T.BagT(RM, 2),
    T.SetT(T.OptionT(RM)),
]


@pytest.mark.parametrize("t", TYPES, ids=str)
def test_every_value_round_trips_and_distinct_values_stay_distinct(t):
    c = codec(t)
    values = T.universe(t)
    encoded = [c.encode(v) for v in values]
    assert [c.decode(x) for x in encoded] == [T.canonical(t, v) for v in values]
    assert len(set(encoded)) == len(values)
    assert all(c.inside(x) for x in encoded)


def test_equal_values_built_differently_encode_equally():
    t = T.MapT(RM, T.BagT(E3, 3))
    a = MapValue((("r1", BagValue((("a", 1), ("c", 2)))), ("r2", BagValue(()))))
    b = MapValue((("r2", BagValue(())), ("r1", BagValue((("c", 2), ("a", 1))))))
    assert codec(t).encode(a) == codec(t).encode(b)


def test_small_set_universes_are_bitmasks_large_ones_frozensets():
    assert isinstance(codec(T.SetT(VAR)), BitSetCodec)
    assert isinstance(codec(T.SetT(T.RangeT(0, 5000))), FrozenSetCodec)
    assert isinstance(codec(T.SetT(T.IntT())), FrozenSetCodec)


def test_values_outside_the_type_are_refused():
    with pytest.raises(NotInType):
        codec(T.RangeT(0, 3)).encode(4)
    with pytest.raises(NotInType):
        codec(RM).encode("r9")
    with pytest.raises(NotInType):
        codec(REC).encode(RecordValue((("who", "r1"), ("x", 0))))
    seq = codec(T.SeqT(RM, 1))
    assert not seq.inside((0, 1)) and seq.why_not((0, 1)).kind == "seq-overflow"




#: Prints the fingerprints of the first 300 states of a breadth-first walk of
#: raft.spec, and how many of their votedFor entries are `none` and how many not.
RAFT_FINGERPRINTS = """
import json, sys
from specpy import api
from specpy.explicit.compile import CompiledModel
from specpy.explicit.store import fingerprints
cm = CompiledModel(api.load(sys.argv[1]).model)
states = []
cm.init(states)
for s in states:  # the list grows while it is read
    if len(states) >= 300:
        break
    for a in cm.actions:
        a.run(s, states)
states = states[:300]
votes = [w for t in states for _, w in cm.states.decode(t)["votedFor"].items]
print(json.dumps({"fps": [int(fp) for fp in fingerprints(states)], "none": votes.count(None), "all": len(votes)}))
"""


def test_fingerprints_of_states_with_none_are_equal_in_every_process():
    """hash(None) is None's address, which ASLR moves from process to process: `none` must not be None."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    raft = str(Path(__file__).resolve().parents[2] / "specs/raft.spec")
    first, second = (
        json.loads(
            subprocess.run(
                [sys.executable, "-c", RAFT_FINGERPRINTS, raft], capture_output=True, text=True, check=True, timeout=300
            ).stdout
        )
        for _ in range(2)
    )
    assert len(first["fps"]) == 300 and first == second
    assert 0 < first["none"] < first["all"]  # the states hold `none` (votedFor: [Server -> Server?]) and votes
