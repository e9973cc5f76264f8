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


def test_mutable_and_ordered_classes_match_dataclass() -> None:
    def body() -> dict:
        return {"__annotations__": {"a": "int", "b": "list", "n": "ClassVar[int]"}, "b": field(default_factory=list),
                "n": 3, "__module__": __name__}

    plain, node = dataclass(type("Plain", (), body())), nodeclass(frozen=False)(type("Node", (), body()))
    p, n = plain(1), node(1)
    n.a = 2
    p.a = 2
    assert (n.a, n.b) == (p.a, p.b) and n == node(2) and n != node(3)
    assert node.__hash__ is plain.__hash__ is None  # mutable and compared: unhashable
    assert [f.name for f in dataclasses.fields(node)] == ["a", "b"] and node.n == 3
    ordered = [nodeclass(order=True)(type(name, (), {"__annotations__": {"k": "int", "s": "str"}, "s": field(default="", compare=False)}))
               for name in ("O1", "O2")]
    o = ordered[0]
    assert sorted([o(3), o(1, "z"), o(2)]) == [o(1), o(2), o(3)] and o(1) <= o(1, "other") and not o(2) < o(1)
    with pytest.raises(TypeError):
        o(1) < ordered[1](2)  # noqa: B015 (instances of one class only, as dataclass)
    unhashed = nodeclass(eq=False, frozen=False)(type("U", (), {"__annotations__": {"a": "int"}}))
    assert unhashed(1) != unhashed(1) and hash(unhashed(1)) != 0


def test_init_false_fields_and_definition_errors() -> None:
    cls = nodeclass(frozen=False)(type("I", (), {"__annotations__": {"a": "int", "seen": "list", "late": "int"},
                                                  "seen": field(default_factory=list, init=False), "late": field(init=False)}))
    i = cls(1)
    assert i.seen == [] and not hasattr(i, "late") and cls.__match_args__ == ("a",)
    with pytest.raises(TypeError):
        cls(1, [])
    with pytest.raises(ValueError):
        nodeclass(type("M", (), {"__annotations__": {"a": "list"}, "a": []}))  # a mutable default
    with pytest.raises(TypeError):
        nodeclass(type("D", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 0}))  # b follows a default
    with pytest.raises(TypeError):
        nodeclass(frozen=False)(type("Sub", (E.Lit,), {"__annotations__": {}}))  # mutable from frozen


def test_init_is_compiled_on_first_use() -> None:
    """A run instantiates a fraction of the ~220 classes; `__init__` costs a compile only for those."""
    cls = nodeclass(type("Lazy", (), {"__annotations__": {"first": "int", "second": "int"}}))
    stub = cls.__dict__["__init__"]
    assert cls(1, second=2) == cls(1, 2) and cls.__dict__["__init__"] is not stub
    with pytest.raises(TypeError, match="second"):
        cls(1)
