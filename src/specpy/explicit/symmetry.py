"""Symmetry reduction: one canonical representative per orbit of states.

A `symmetric type` declares its atoms interchangeable: renaming them by any
permutation maps behaviours to behaviours and keeps every invariant's truth.
The search then stores, for each state s, a canonical representative
`canonical(s)` of its orbit {π(s) : π a permutation of every symmetric type's
atoms}, so it counts orbits; that is the number TLC reports with
`SYMMETRY Permutations(T)` (TLC keeps the smallest fingerprint of the orbit).

The canonical form is the smallest state of a *candidate set* of permuted
states in *value order*: the states compared variable by variable in
declaration order, each variable by its codec's `sort_key` (state.py; the
order in which the backend iterates sets and bags). Only variables that
mention a symmetric atom are compared: the others are equal in every
candidate.

- Each atom a of a symmetric type gets a signature (`plan`): what the state
  says about a alone — `m[a]` for every map `[T -> V]` whose values mention
  no symmetric atom (in value order), `m[a]` with a written "@" and every
  other symmetric atom "*" when they do (the shape text; kept only while the
  values' universe is small, SHAPE_TABLE_MAX), whether a variable of type T or
  T? holds a, and for a set whose elements mention at most one symmetric atom
  (`Prepared{rm: r}`) which such elements about a it holds (a bitmask over
  the elements' shapes, compared as a number). The signature of π(a) in π(s)
  is the signature of a in s.
- The candidates are the permutations that put each type's atoms in order
  of their signatures (atoms with equal signatures may go in any order among
  themselves). Because signatures move with the atoms, π(s) has the same
  candidate images as s, so the smallest one is an orbit invariant: exact,
  not a heuristic, and the count equals TLC's.
- When a type's signatures describe every place one of its atoms can occur
  in the state (twophase: rmState, tmPrepared, msgs), its atoms with equal
  signatures are indistinguishable and one order of them suffices.

The native core (native/c_symmetry.py) generates C from the same `plan` and
compares in the same orders (generated `cmp_N`, the C mirror of `sort_key`),
so both backends store the same member of every orbit: the same states, in
the same order, hence the same traces, counterexamples and coverage.

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
    BoolT,
    EnumT,
    MapT,
    OptionT,
    RangeT,
    RecordT,
    SeqT,
    SetT,
    Type,
    VariantT,
    universe,
    universe_size,
)
from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue
from specpy.nodeclass import nodeclass

#: A permutation of one symmetric type: perm[i] is the new index of atom i.
Perm = tuple[int, ...]
#: One permutation per symmetric type, in `Symmetry.types` order.
Perms = tuple[Perm, ...]
Permuter = Callable[[Any], Any]


def reduced_types(model: Model) -> tuple[AtomT, ...]:
    """The types symmetry reduction permutes: the symmetric types of more than one atom."""
    return tuple(t for t in model.symmetric_types() if len(t.members) > 1)


def symmetry_for(cm: CompiledModel, enabled: bool) -> Symmetry | None:
    """The reduction to use, or None when it is off or nothing is symmetric."""
    types = reduced_types(cm.model)
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


#: A shape view of `m[a]` (values mentioning symmetric atoms) is kept while
#: (values of m's value type) x (atoms) is at most this: the native core
#: looks the shape's rank up in a table of that size.
SHAPE_TABLE_MAX = 1 << 16


@nodeclass
class View:
    """One part of the signature of an atom a of a symmetric type, read from variable `var`.

    kind "value": m[a] (a map [T -> V], V without symmetric atoms), in value order;
    "shape": m[a] with a written "@" and the other symmetric atoms "*" (text order);
    "is": does the variable (of type T or T?) hold a (False before True);
    "set": which elements about a the bitmask set holds: rows[a] lists
    (bit, template), the signature has bit `template` set when the set has
    bit `bit` (compared as a number).
    """

    kind: str
    var: int
    type: Type  # the variable's
    rows: tuple[tuple[tuple[int, int], ...], ...] = ()
    templates: int = 0


@nodeclass
class Plan:
    """Per symmetric type: its atoms' signature views, and whether they are complete."""

    views: tuple[tuple[View, ...], ...]
    complete: tuple[bool, ...]


def plan(var_types: tuple[Type, ...], types: tuple[AtomT, ...]) -> Plan:
    """The signature views both backends compute (native/c_symmetry.py generates C from them).

    A type is complete when its views describe every place one of its atoms
    occurs: a map keyed by it with atom-free values, a variable of it or its
    option, a bitmask set whose elements mention at most one symmetric atom.
    """
    views: list[list[View]] = [[] for _ in types]
    incomplete: set[AtomT] = set()
    for var, t in enumerate(var_types):
        if not mentions(t, types):
            continue
        atom = t.inner if isinstance(t, OptionT) else t
        if isinstance(t, MapT) and isinstance(t.key, AtomT) and t.key in types:
            ti = types.index(t.key)
            if not mentions(t.value, types):
                views[ti].append(View("value", var, t))
                continue
            if shape_table_ok(t.value, len(t.key.members)):
                views[ti].append(View("shape", var, t))
        elif isinstance(atom, AtomT):
            views[types.index(atom)].append(View("is", var, t))
            continue
        elif isinstance(t, SetT) and isinstance(codec(t), BitSetCodec):
            whole = _add_set_views(views, var, t, types)
            if whole:
                continue
        incomplete.update(u for u in types if mentions(t, (u,)))
    return Plan(tuple(map(tuple, views)), tuple(u not in incomplete for u in types))


def shape_table_ok(t: Type, atoms: int) -> bool:
    """May a shape view read values of type t (the native core numbers them: no bags, no big sets)?"""
    def numbered(u: Type) -> bool:
        match u:
            case AtomT() | EnumT() | BoolT() | RangeT():
                return True
            case SetT(e):
                return isinstance(codec(u), BitSetCodec) and numbered(e)
            case SeqT(e, _) | OptionT(e):
                return numbered(e)
            case MapT(k, v):
                return numbered(k) and numbered(v)
            case RecordT(fields=fs):
                return all(numbered(ft) for _, ft in fs)
            case VariantT(cases=cs):
                return all(numbered(ft) for c in cs for _, ft in c.fields)
        return False

    return numbered(t) and universe_size(t) * atoms <= SHAPE_TABLE_MAX


def _add_set_views(views: list[list[View]], var: int, t: SetT, types: tuple[AtomT, ...]) -> bool:
    """Add the views of a bitmask set; True if no element mentions two atoms.

    For atom a, the view is the set of shapes of the elements that mention
    a: the element with a written "@" and other symmetric atoms "*" (template
    ids in order of first appearance over the universe, shared by the types).
    """
    per_atom: dict[tuple[int, int], list[tuple[int, int]]] = {}
    shapes: dict[str, int] = {}
    whole = True
    for bit, v in enumerate(universe(t.elem)):
        occ = sorted(set(_occurrences(t.elem, v, types)), key=lambda o: (types.index(o[0]), o[1]))
        whole &= len(occ) <= 1
        for u, a in occ:
            shape = shapes.setdefault(_shape(t.elem, v, types, (u, a)), len(shapes))
            per_atom.setdefault((types.index(u), a), []).append((bit, shape))
    for ti, u in enumerate(types):
        if any(k[0] == ti for k in per_atom):
            rows = tuple(tuple(per_atom.get((ti, a), ())) for a in range(len(u.members)))
            views[ti].append(View("set", var, t, rows, len(shapes)))
    return whole


class Symmetry:
    """Canonical representatives of states under the symmetric types' permutations."""

    def __init__(self, cm: CompiledModel, types: tuple[AtomT, ...]):
        self.cm = cm
        self.types = types
        model: Model = cm.model
        self.var_types = tuple(v.type for v in model.vars)
        self.codecs = cm.states.codecs
        self._permuters: dict[Perms, Callable[[tuple], tuple]] = {}
        self.plan = plan(self.var_types, types)
        self.views = [[self._view(v) for v in vs] for vs in self.plan.views]
        # Value order on the variables that can differ between candidates:
        # (position, sort_key or None where the internal values compare as they are).
        self._order = tuple(
            (i, None if c.orderable else c.sort_key)
            for i, (t, c) in enumerate(zip(self.var_types, self.codecs))
            if mentions(t, types)
        )

    # ------------------------------------------------------------ signatures

    def _view(self, view: View) -> Callable[[tuple, int], Any]:
        var, t = view.var, view.type
        match view.kind:
            case "value":
                assert isinstance(t, MapT)
                return lambda s, a, k=codec(t.value).sort_key: k(s[var][a])
            case "shape":
                assert isinstance(t, MapT) and isinstance(t.key, AtomT)
                return self._shape_view(var, t.value, t.key)
            case "is":
                return lambda s, a: s[var] == a
        rows = view.rows

        def held(s: tuple, a: int) -> int:
            mask, out = s[var], 0
            for bit, template in rows[a]:
                if mask >> bit & 1:
                    out |= 1 << template
            return out

        return held

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

    def _candidates(self, s: tuple) -> list[Perms]:
        """The permutations that order each type's atoms by signature."""
        per_type: list[list[Perm]] = []
        for t, views, complete in zip(self.types, self.views, self.plan.complete):
            n = len(t.members)
            sigs = [tuple(view(s, a) for view in views) for a in range(n)]
            order = sorted(range(n), key=sigs.__getitem__)
            if complete:  # equal signatures: indistinguishable atoms
                classes = [[a] for a in order]
            else:
                classes = [list(g) for _, g in itertools.groupby(order, key=sigs.__getitem__)]
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
        best = self.permuter(candidates[0])(s)
        best_perms = candidates[0]
        for perms in candidates[1:]:
            t = self.permuter(perms)(s)
            if self.before(t, best):
                best, best_perms = t, perms
        return best, best_perms

    def canonical(self, s: tuple) -> tuple:
        return self.canonical_with(s)[0]

    def before(self, a: tuple, b: tuple) -> bool:
        """Is state a before state b in value order (the first differing variable decides)?"""
        for i, key in self._order:
            x, y = a[i], b[i]
            if x != y:
                return x < y if key is None else key(x) < key(y)
        return False

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
