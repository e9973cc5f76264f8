"""Symmetry reduction: one canonical representative per orbit of states.

A `symmetric type` declares its atoms interchangeable: renaming them by any
permutation maps behaviours to behaviours and keeps every invariant's truth.
The search then stores, for each state s, a canonical representative
`canonical(s)` of its orbit {π(s) : π a permutation of every symmetric type's
atoms}, so it counts orbits; that is the number TLC reports with
`SYMMETRY Permutations(T)` (TLC keeps the smallest fingerprint of the orbit).

The canonical form is the smallest state of a *candidate set* of permuted
states, under a fixed total order (hash, then value order on a tie):

- Each atom a of a symmetric type gets a signature: what the state says about
  a alone — `m[a]` for every map `[T -> V]` whose values mention no symmetric
  atom, membership of a in a set over T, and for a set whose elements mention
  at most one symmetric atom (`Prepared{rm: r}`) which such elements about a
  it holds. The signature of π(a) in π(s) is the signature of a in s.
- The candidates are the permutations that put the atoms in order of their
  signatures (atoms with equal signatures may go in any order among
  themselves). Because signatures move with the atoms, π(s) has the same
  candidate images as s, so the smallest one is an orbit invariant: exact, not
  a heuristic, and the count equals TLC's.
- When the signatures describe every place a symmetric atom can occur in the
  state (twophase: rmState, tmPrepared, msgs), atoms with equal signatures are
  indistinguishable and one candidate suffices.

Cost per state: signatures O(state size); then Π(k_i!) permuted copies of the
state for the classes k_i of equal signatures (1 when the signatures describe
the whole state). Without any usable signature a type of n atoms costs n!
copies per state (n = 5: 120, n = 7: 5,040).

Traces stay real: `concrete_path` replays the stored canonical path from a
concrete initial state, choosing at each step the concrete successor whose
canonical form is the next stored state.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import NONE
from specpy.explicit.state import BitSetCodec, codec
from specpy.ir.model import Model
from specpy.ir.types import (
    AtomT,
    BagT,
    MapT,
    OptionT,
    RecordT,
    SeqT,
    SetT,
    Type,
    VariantT,
    universe,
)
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue

#: A permutation of one symmetric type: perm[i] is the new index of atom i.
Perm = tuple[int, ...]
#: One permutation per symmetric type, in `Symmetry.types` order.
Perms = tuple[Perm, ...]
Permuter = Callable[[Any], Any]


def symmetry_for(cm: CompiledModel, enabled: bool) -> Symmetry | None:
    """The reduction to use, or None when it is off or nothing is symmetric."""
    types = tuple(t for t in cm.model.symmetric_types() if len(t.members) > 1)
    if not enabled or not types:
        return None
    return Symmetry(cm, types)


def mentions(t: Type, types: tuple[AtomT, ...]) -> bool:
    """Can a value of type t contain an atom of one of `types`?"""
    match t:
        case AtomT():
            return t in types
        case SetT(e) | SeqT(e, _) | BagT(e, _) | OptionT(e):
            return mentions(e, types)
        case MapT(k, v):
            return mentions(k, types) or mentions(v, types)
        case RecordT(fields=fs):
            return any(mentions(ft, types) for _, ft in fs)
        case VariantT(cases=cs):
            return any(mentions(ft, types) for c in cs for _, ft in c.fields)
    return False


def _occurrences(t: Type, v: Value, types: tuple[AtomT, ...]) -> list[tuple[AtomT, int]]:
    """The symmetric atoms inside the generic value v, as (type, member index)."""
    match t:
        case AtomT():
            return [(t, t.members.index(v))] if t in types else []
        case SetT(e) | SeqT(e, _):
            return [o for x in v for o in _occurrences(e, x, types)]
        case BagT(e, _):
            return [o for x, _ in v.items for o in _occurrences(e, x, types)]
        case OptionT(e):
            return [] if v is None else _occurrences(e, v, types)
        case MapT(k, val):
            return [o for x, y in v.items for o in _occurrences(k, x, types) + _occurrences(val, y, types)]
        case RecordT(fields=fs):
            return [o for (_, ft), (_, x) in zip(fs, v.fields) for o in _occurrences(ft, x, types)]
        case VariantT():
            case = t.case(v.tag)
            return [o for (_, ft), (_, x) in zip(case.fields, v.fields) for o in _occurrences(ft, x, types)]
    return []


def _shape(t: Type, v: Value, types: tuple[AtomT, ...], focus: tuple[AtomT, int]) -> str:
    """v as text with the focus atom written "@" and every other symmetric atom "*".

    Renaming atoms never changes it (collections are listed in sorted text
    order), so it is a valid part of the focus atom's signature.
    """
    match t:
        case AtomT():
            if t not in types:
                return str(v)
            return "@" if (t, t.members.index(v)) == focus else "*"
        case SetT(e):
            return "{" + ",".join(sorted(_shape(e, x, types, focus) for x in v)) + "}"
        case SeqT(e, _):
            return "[" + ",".join(_shape(e, x, types, focus) for x in v) + "]"
        case BagT(e, _):
            return "{|" + ",".join(sorted(f"{_shape(e, x, types, focus)}*{c}" for x, c in v.items)) + "|}"
        case OptionT(e):
            return "none" if v is None else _shape(e, v, types, focus)
        case MapT(k, val):
            items = (f"{_shape(k, x, types, focus)}:{_shape(val, y, types, focus)}" for x, y in v.items)
            return "(" + ",".join(sorted(items)) + ")"
        case RecordT(fields=fs):
            return "{" + ",".join(_shape(ft, x, types, focus) for (_, ft), (_, x) in zip(fs, v.fields)) + "}"
        case VariantT():
            case = t.case(v.tag)
            inner = ",".join(_shape(ft, x, types, focus) for (_, ft), (_, x) in zip(case.fields, v.fields))
            return f"{v.tag}{{{inner}}}"
    return repr(v)


def _permute_generic(t: Type, v: Value, perms: dict[AtomT, Perm]) -> Value:
    """The generic value v with every symmetric atom renamed by perms."""
    match t:
        case AtomT():
            p = perms.get(t)
            return v if p is None else t.members[p[t.members.index(v)]]
        case SetT(e):
            return frozenset(_permute_generic(e, x, perms) for x in v)
        case SeqT(e, _):
            return tuple(_permute_generic(e, x, perms) for x in v)
        case BagT(e, _):
            items = [(_permute_generic(e, x, perms), c) for x, c in v.items]
            order = {x: i for i, x in enumerate(universe(e))}
            return BagValue(tuple(sorted(items, key=lambda xc: order[xc[0]])))
        case OptionT(e):
            return None if v is None else _permute_generic(e, v, perms)
        case MapT(k, val):
            moved = {_permute_generic(k, x, perms): _permute_generic(val, y, perms) for x, y in v.items}
            return MapValue(tuple((x, moved[x]) for x, _ in v.items))
        case RecordT(fields=fs):
            return RecordValue(tuple((n, _permute_generic(ft, x, perms)) for (n, ft), (_, x) in zip(fs, v.fields)), v.name)
        case VariantT():
            case = t.case(v.tag)
            return VariantValue(
                v.tag, tuple((n, _permute_generic(ft, x, perms)) for (n, ft), (_, x) in zip(case.fields, v.fields))
            )
    return v


class Symmetry:
    """Canonical representatives of states under the symmetric types' permutations."""

    def __init__(self, cm: CompiledModel, types: tuple[AtomT, ...]):
        self.cm = cm
        self.types = types
        model: Model = cm.model
        self.var_types = tuple(v.type for v in model.vars)
        self.codecs = cm.states.codecs
        self._permuters: dict[Perms, Callable[[tuple], tuple]] = {}
        # Signature views per symmetric type; `complete` when they describe
        # every place a symmetric atom occurs in a state.
        self.views: list[list[Callable[[tuple, int], Any]]] = [[] for _ in types]
        self.complete = True
        for i, t in enumerate(self.var_types):
            if mentions(t, types):
                self.complete &= self._add_views(i, t)

    # ------------------------------------------------------------ signatures

    def _add_views(self, var: int, t: Type) -> bool:
        """Add the signature views of variable `var`; True if they capture it whole."""
        if isinstance(t, MapT) and isinstance(t.key, AtomT) and t.key in self.types:
            ti = self.types.index(t.key)
            if mentions(t.value, self.types):  # votedFor[a]: its shape, a itself written "@"
                self.views[ti].append(self._shape_view(var, t.value, t.key))
                return False
            sort_key = codec(t.value).sort_key
            self.views[ti].append(lambda s, a, v=var, k=sort_key: k(s[v][a]))
            return True
        if isinstance(t, SetT) and isinstance(codec(t), BitSetCodec):
            return self._add_set_views(var, t.elem)
        atom = t.inner if isinstance(t, OptionT) else t
        if isinstance(atom, AtomT):  # `leader: Server?`: is it a?
            self.views[self.types.index(atom)].append(lambda s, a, v=var: s[v] == a)
            return True
        return False

    def _shape_view(self, var: int, value_type: Type, key: AtomT) -> Callable[[tuple, int], str]:
        """m[a] with a written "@" and every other symmetric atom "*" (cached per value)."""
        value_codec = codec(value_type)
        cache: dict[tuple[Any, int], str] = {}

        def view(s: tuple, a: int) -> str:
            x = s[var][a]
            shape = cache.get((x, a))
            if shape is None:
                shape = cache[(x, a)] = _shape(value_type, value_codec.decode(x), self.types, (key, a))
            return shape

        return view

    def _add_set_views(self, var: int, elem: Type) -> bool:
        """Views of a bitmask set; they capture it whole if no element mentions two atoms.

        For atom a, the view is the set of shapes of the elements that mention
        a: the element with a written "@" and other symmetric atoms "*".
        """
        per_atom: dict[tuple[int, int], list[tuple[int, int]]] = {}
        shapes: dict[str, int] = {}
        whole = True
        for bit, v in enumerate(universe(elem)):
            occ = set(_occurrences(elem, v, self.types))
            whole &= len(occ) <= 1
            for t, a in occ:
                shape = shapes.setdefault(_shape(elem, v, self.types, (t, a)), len(shapes))
                per_atom.setdefault((self.types.index(t), a), []).append((bit, shape))
        for ti, t in enumerate(self.types):
            if not any(k[0] == ti for k in per_atom):
                continue
            rows = tuple(tuple(per_atom.get((ti, a), ())) for a in range(len(t.members)))

            def view(s: tuple, a: int, v: int = var, rows: tuple = rows) -> int:
                mask, out = s[v], 0
                for bit, template in rows[a]:
                    if mask >> bit & 1:
                        out |= 1 << template
                return out

            self.views[ti].append(view)
        return whole

    def _candidates(self, s: tuple) -> list[Perms]:
        """The permutations that order each type's atoms by signature."""
        per_type: list[list[Perm]] = []
        for t, views in zip(self.types, self.views):
            n = len(t.members)
            sigs = [tuple(view(s, a) for view in views) for a in range(n)]
            order = sorted(range(n), key=sigs.__getitem__)
            classes = [list(g) for _, g in itertools.groupby(order, key=sigs.__getitem__)]
            if self.complete:
                classes = [[a] for c in classes for a in c]  # equal signatures: indistinguishable atoms
            options: list[Perm] = []
            for arrangement in itertools.product(*(itertools.permutations(c) for c in classes)):
                perm = [0] * n
                for pos, a in enumerate(a for block in arrangement for a in block):
                    perm[a] = pos
                options.append(tuple(perm))
            per_type.append(options)
        return list(itertools.product(*per_type))

    # ------------------------------------------------------------ permuting states

    def permuter(self, perms: Perms) -> Callable[[tuple], tuple]:
        """The function renaming every symmetric atom of a state by perms (cached)."""
        fn = self._permuters.get(perms)
        if fn is None:
            by_type = dict(zip(self.types, perms))
            parts = [_internal_permuter(t, by_type, self.types) for t in self.var_types]

            def fn(s: tuple, parts: list = parts) -> tuple:
                return tuple(x if f is None else f(x) for f, x in zip(parts, s))

            self._permuters[perms] = fn
        return fn

    def canonical_with(self, s: tuple) -> tuple[tuple, Perms]:
        """The canonical representative of s's orbit, and the permutation giving it."""
        candidates = self._candidates(s)
        if len(candidates) == 1:
            return self.permuter(candidates[0])(s), candidates[0]
        best: tuple | None = None
        best_perms: Perms = ()
        best_hash = 0
        for perms in candidates:
            t = self.permuter(perms)(s)
            h = hash(t)
            if best is None or h < best_hash or (h == best_hash and t != best and self._before(t, best)):
                best, best_hash, best_perms = t, h, perms
        assert best is not None
        return best, best_perms

    def canonical(self, s: tuple) -> tuple:
        return self.canonical_with(s)[0]

    def _before(self, a: tuple, b: tuple) -> bool:
        """Value order between two states (only needed on a hash tie)."""
        key = [c.sort_key for c in self.codecs]
        return [k(x) for k, x in zip(key, a)] < [k(x) for k, x in zip(key, b)]

    def inverse(self, perms: Perms) -> Perms:
        out = []
        for p in perms:
            inv = [0] * len(p)
            for i, j in enumerate(p):
                inv[j] = i
            out.append(tuple(inv))
        return tuple(out)

    # ------------------------------------------------------------ real traces

    def concrete_path(self, canonical_states: list[tuple], actions: list[int]) -> list[tuple]:
        """Concrete states along a stored canonical path.

        actions[j] is the action that led from canonical state j to j + 1.
        Starts from an initial state whose canonical form is the first one;
        each next state is a real successor by the recorded action whose
        canonical form is the next stored state (one exists, by symmetry).
        """
        out: list[tuple] = []
        self.cm.init(out)
        current = next(s for s in out if self.canonical(s) == canonical_states[0])
        path = [current]
        for k, target in zip(actions, canonical_states[1:]):
            succ: list[tuple] = []
            self.cm.actions[k].run(current, succ)
            current = next(t for t in succ if self.canonical(t) == target)
            path.append(current)
        return path

    def carry(self, canonical_state: tuple, concrete_state: tuple, t: tuple) -> tuple:
        """t, a successor of canonical_state, moved to the matching successor of concrete_state."""
        _, perms = self.canonical_with(concrete_state)
        if self.permuter(perms)(concrete_state) != canonical_state:
            raise AssertionError("the concrete state is not in the canonical state's orbit")
        return self.permuter(self.inverse(perms))(t)


def _internal_permuter(t: Type, perms: dict[AtomT, Perm], types: tuple[AtomT, ...]) -> Permuter | None:
    """A function renaming atoms inside an internal value of type t; None if t has none."""
    if not mentions(t, types):
        return None
    match t:
        case AtomT():
            p = perms[t]
            return p.__getitem__
        case SetT(e) if isinstance(codec(t), BitSetCodec):
            return _bitset_permuter(e, perms)
        case SetT(e):
            f = _internal_permuter(e, perms, types)
            return lambda x: frozenset(map(f, x))
        case SeqT(e, _):
            f = _internal_permuter(e, perms, types)
            return lambda x: tuple(map(f, x))
        case BagT(e, _):
            f = _internal_permuter(e, perms, types)
            return lambda x: frozenset((f(y), c) for y, c in x)
        case OptionT(e):
            f = _internal_permuter(e, perms, types)
            return lambda x: x if x == NONE else f(x)
        case RecordT(fields=fs):
            parts = [_internal_permuter(ft, perms, types) for _, ft in fs]
            return lambda x: tuple(y if g is None else g(y) for g, y in zip(parts, x))
        case VariantT(cases=cs):
            per_case = [[_internal_permuter(ft, perms, types) for _, ft in c.fields] for c in cs]
            return lambda x: (x[0],) + tuple(y if g is None else g(y) for g, y in zip(per_case[x[0]], x[1:]))
        case MapT(k, v):
            f = _internal_permuter(v, perms, types)
            source = _index_permutation(k, perms, types)  # new position j holds old position source[j]
            if source is None:
                return lambda x: tuple(map(f, x))
            if f is None:
                return lambda x: tuple(x[i] for i in source)
            return lambda x: tuple(f(x[i]) for i in source)
    raise AssertionError(f"no permuter for {t}")


def _universe_moves(t: Type, perms: dict[AtomT, Perm]) -> list[int]:
    """moves[i]: the universe index of the i-th value of t after renaming."""
    table = {v: i for i, v in enumerate(universe(t))}
    return [table[_permute_generic(t, v, perms)] for v in universe(t)]


def _index_permutation(t: Type, perms: dict[AtomT, Perm], types: tuple[AtomT, ...]) -> tuple[int, ...] | None:
    """For map keys of type t: source[j] = the old position now at j; None if keys do not move."""
    if not mentions(t, types):
        return None
    moves = _universe_moves(t, perms)
    source = [0] * len(moves)
    for i, j in enumerate(moves):
        source[j] = i
    return tuple(source)


def _bitset_permuter(elem: Type, perms: dict[AtomT, Perm]) -> Permuter:
    """Renaming inside a bitmask set, one byte of the mask at a time (table lookups)."""
    moves = _universe_moves(elem, perms)
    tables = []
    for lo in range(0, len(moves), 8):
        chunk = moves[lo : lo + 8]
        tables.append(
            (lo, tuple(sum(1 << chunk[b] for b in range(len(chunk)) if byte >> b & 1) for byte in range(256)))
        )

    def permute(mask: int) -> int:
        out = 0
        for lo, table in tables:
            byte = mask >> lo & 0xFF
            if byte:
                out |= table[byte]
        return out

    return permute
