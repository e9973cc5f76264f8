"""Universes and canonical order: every stage relies on them agreeing."""

from __future__ import annotations

import pytest

from specpy.ir.types import (
    AtomT, BagT, BoolT, Case, EnumT, MapT, OptionT, RangeT, RecordT, SeqT, SetT,
    VariantT, canonical, contains, order_key, universe, universe_size,
)

ATOMS = AtomT("S", ("s2", "s1"))  # declaration order, not alphabetical
TYPES = [
    BoolT(), RangeT(-1, 2), ATOMS, EnumT("E", ("b", "a")),
    RecordT("R", (("x", BoolT()), ("y", RangeT(0, 1)))),
    VariantT("V", (Case("P", (("s", ATOMS),)), Case("Q", ()))),
    SetT(ATOMS), SetT(RangeT(0, 2)), MapT(ATOMS, BoolT()), SeqT(BoolT(), 2),
    BagT(BoolT(), 2), BagT(OptionT(BagT(BoolT(), 1)), 1), OptionT(SetT(BoolT())),
    SetT(BagT(ATOMS, 1)), MapT(BoolT(), BagT(BoolT(), 1)),
]


@pytest.mark.parametrize("t", TYPES, ids=str)
def test_universe_is_sorted_by_order_key_and_complete(t) -> None:
    u = universe(t)
    keys = [order_key(t, v) for v in u]
    assert keys == sorted(keys)
    assert len(set(map(repr, keys))) == len(u) == universe_size(t)
    assert all(contains(t, v) and canonical(t, v) == v for v in u)


def test_atoms_keep_declaration_order() -> None:
    assert universe(ATOMS) == ("s2", "s1")
    assert sorted(universe(SetT(ATOMS)), key=lambda v: order_key(SetT(ATOMS), v))[1] == frozenset({"s2"})


def test_contains_rejects_values_outside_the_type() -> None:
    assert not contains(RangeT(0, 3), 4)
    assert not contains(SeqT(BoolT(), 1), (True, False))
    assert not contains(BagT(BoolT(), 1), universe(BagT(BoolT(), 2))[-1])
