"""`@nodeclass` behaves as `@dataclass(frozen=True)` does (specpy/nodeclass.py).

Each test declares the same class both ways and compares what users of the
node classes rely on: construction, defaults, equality, hashing, repr,
frozenness and the dataclasses functions.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from specpy.ir import expr as E
from specpy.ir.types import IntT
from specpy.nodeclass import nodeclass
from specpy.syntax import ast as A


def pair() -> tuple[type, type]:
    """The same class as a frozen dataclass and as a nodeclass."""

    def body() -> dict:
        return {
            "__annotations__": {"a": "int", "b": "str", "tags": "list", "hidden": "int"},
            "b": "x",
            "tags": field(default_factory=list),
            "hidden": field(default=0, compare=False, repr=False),
            "__module__": __name__,
        }

    plain = dataclass(frozen=True)(type("Plain", (), body()))
    node = nodeclass(type("Node", (), body()))
    return plain, node


def test_construction_defaults_repr_and_fields_match_a_frozen_dataclass() -> None:
    plain, node = pair()
    p, n = plain(1, hidden=5), node(1, hidden=5)
    assert (n.a, n.b, n.tags, n.hidden) == (p.a, p.b, p.tags, p.hidden) == (1, "x", [], 5)
    assert node(1).tags is not node(1).tags  # a fresh default per instance
    assert repr(n) == repr(p).replace("Plain", "Node") == "Node(a=1, b='x', tags=[])"
    assert [f.name for f in dataclasses.fields(n)] == [f.name for f in dataclasses.fields(p)]
    assert node.__match_args__ == plain.__match_args__ == ("a", "b", "tags", "hidden")
    assert dataclasses.is_dataclass(n)
    assert dataclasses.asdict(n) == {"a": 1, "b": "x", "tags": [], "hidden": 5}
    assert dataclasses.replace(n, a=2) == node(2, hidden=5)
    with pytest.raises(TypeError):
        node()  # a is required


def test_equality_and_hash_ignore_compare_false_fields_and_other_classes() -> None:
    _, node = pair()
    assert node(1, hidden=1) == node(1, hidden=2)
    assert node(1) != node(2)
    assert node(1, "y") != node(1)
    other = nodeclass(type("Other", (), {"__annotations__": {"a": "int"}}))
    assert other(1) != node(1).a and other(1) != node(1)
    frozen = nodeclass(type("F", (), {"__annotations__": {"a": "int", "s": "str"}, "s": field(default="", compare=False)}))
    assert hash(frozen(1, "p")) == hash(frozen(1, "q"))
    assert len({frozen(1), frozen(1), frozen(2)}) == 2


def test_instances_are_frozen() -> None:
    _, node = pair()
    n = node(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        n.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del n.a
    assert pickle.loads(pickle.dumps(E.VarRef(IntT(), "x"))) == E.VarRef(IntT(), "x")
    assert copy.deepcopy(A.Ident("x")) == A.Ident("x")


def test_methods_written_in_the_class_and_post_init_are_kept() -> None:
    calls = []

    def __eq__(self, other: object) -> bool:  # noqa: N807
        return True

    def __post_init__(self) -> None:  # noqa: N807
        calls.append(self.a)

    cls = nodeclass(type("C", (), {"__annotations__": {"a": "int"}, "__eq__": __eq__, "__post_init__": __post_init__}))
    assert cls(1) == cls(2)
    assert hash(cls(1)) == hash(cls(1))  # dataclass adds __hash__ when __eq__ alone is written
    assert calls == [1, 2, 1, 1]


def test_subclasses_inherit_fields() -> None:
    assert [f.name for f in dataclasses.fields(E.BoolOp)] == ["type", "op", "left", "right", "span"]
    lit = E.Lit(IntT(), 3)
    assert E.Not(IntT(), lit) == E.Not(IntT(), E.Lit(IntT(), 3)) != E.Neg(IntT(), lit)
    match E.Not(IntT(), lit):
        case E.Not(_, operand):
            assert operand is lit
