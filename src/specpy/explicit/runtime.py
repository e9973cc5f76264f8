"""Helpers that generated successor code calls, and the failures it raises.

Generated code (compile_expr.py, compile_stmt.py) inlines the common cases
and calls these for the rare or multi-step ones. Every helper that can fail
takes the failure `site` (an index into the compiled model's site table, which
holds the IR span and the error class) and `p`, the parameter-tuple index of
the transition being run, so the search can name the action and its arguments.

Nothing here knows a spec identifier: helpers work on internal values only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, NoReturn


#: The encoding of `none`, the empty optional value (state.py, OptionCodec, says why a float).
NONE = -0.5


class EvalFailure(Exception):
    """An evaluation error in a spec expression (exit 75)."""

    def __init__(self, site: int, p: int, detail: str = "", kind: str | None = None):
        super().__init__(detail)
        self.site = site
        self.p = p
        self.detail = detail
        self.kind = kind


class AssertFailure(Exception):
    """An `assert` statement was false (exit 14)."""

    def __init__(self, site: int, p: int):
        super().__init__()
        self.site = site
        self.p = p


class NotInType(Exception):
    """A generic value does not belong to the type it is encoded as."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def fail(site: int, p: int, detail: str = "") -> NoReturn:
    raise EvalFailure(site, p, detail)


def assert_fail(site: int, p: int) -> NoReturn:
    raise AssertFailure(site, p)


def div(a: int, b: int, site: int, p: int) -> int:
    if b == 0:
        fail(site, p, f"division of {a} by zero")
    return a // b


def mod(a: int, b: int, site: int, p: int) -> int:
    if b == 0:
        fail(site, p, f"{a} % 0 (modulo by zero)")
    return a % b


def rng(v: int, lo: int, hi: int, site: int, p: int) -> int:
    """v, if it lies in lo..hi (a value stored into a range type)."""
    if lo <= v <= hi:
        return v
    fail(site, p, f"value {v} is not in {lo}..{hi}")


def checked(inside: Callable[[Any], bool], why: Callable[[Any], NotInType], v: Any, site: int, p: int) -> Any:
    """v, if `inside(v)`; else the evaluation error `why(v)` explains."""
    if inside(v):
        return v
    reason = why(v)
    raise EvalFailure(site, p, reason.message, reason.kind)


def seq_fit(v: tuple, n: int, why: Callable[[Any], NotInType], site: int, p: int) -> tuple:
    """v, if it has at most n elements (its elements are known to be inside)."""
    if len(v) <= n:
        return v
    reason = why(v)
    raise EvalFailure(site, p, reason.message, reason.kind)


def bag_fit(v: frozenset, n: int, why: Callable[[Any], NotInType], site: int, p: int) -> frozenset:
    """v, if no element has more than n copies (its elements are known to be inside)."""
    for _, c in v:
        if c > n:
            reason = why(v)
            raise EvalFailure(site, p, reason.message, reason.kind)
    return v


def convert(decode: Callable[[Any], Any], encode: Callable[[Any], Any], v: Any, site: int, p: int) -> Any:
    """Re-encode v from one type's representation into another's (rare: mixed types)."""
    try:
        return encode(decode(v))
    except NotInType as exc:
        raise EvalFailure(site, p, exc.message, exc.kind) from None


def key_pos(k: int, lo: int, size: int, site: int, p: int) -> int:
    """The position of range key k in a map of `size` entries starting at lo."""
    i = k - lo
    if 0 <= i < size:
        return i
    fail(site, p, f"key {k} is not in the map's domain {lo}..{lo + size - 1}")


def seq_index(s: tuple, i: int, site: int, p: int) -> Any:
    if 1 <= i <= len(s):
        return s[i - 1]
    fail(site, p, f"index {i} is out of range 1..{len(s)}")


def seq_set(s: tuple, i: int, v: Any, site: int, p: int) -> tuple:
    if 1 <= i <= len(s):
        return s[: i - 1] + (v,) + s[i:]
    fail(site, p, f"index {i} is out of range 1..{len(s)}")


def tuple_set(t: tuple, i: int, v: Any) -> tuple:
    return t[:i] + (v,) + t[i + 1 :]


def seq_slice(s: tuple, i: int, j: int) -> tuple:
    """s[i..j], 1-based and clipped; empty when j < i."""
    if j < i:
        return ()
    return s[max(i, 1) - 1 : max(j, 0)]


def last(s: tuple, site: int, p: int) -> Any:
    if s:
        return s[-1]
    fail(site, p, "last() of an empty sequence")


def unwrap(v: Any, site: int, p: int) -> Any:
    if v == NONE:
        fail(site, p, "the value is none")
    return v


def vfield(v: tuple, positions: tuple[int, ...], site: int, p: int) -> Any:
    """A variant field: positions[case] is its place in the tuple, 0 if absent."""
    pos = positions[v[0]]
    if pos:
        return v[pos]
    fail(site, p, "the variant value has no such field (wrong case)")


def vfield_set(v: tuple, positions: tuple[int, ...], x: Any, site: int, p: int) -> tuple:
    pos = positions[v[0]]
    if pos:
        return v[:pos] + (x,) + v[pos + 1 :]
    fail(site, p, "the variant value has no such field (wrong case)")


def mask(ordinals: Iterable[int]) -> int:
    m = 0
    for o in ordinals:
        m |= 1 << o
    return m


def range_mask(lo: int, hi: int, base: int, size: int, site: int, p: int) -> int:
    """The bitmask of lo..hi over a universe base..base+size-1."""
    if hi < lo:
        return 0
    if lo < base or hi >= base + size:
        fail(site, p, f"{lo}..{hi} is not within {base}..{base + size - 1}")
    return ((1 << (hi - lo + 1)) - 1) << (lo - base)


def bsubset(a: int, b: int) -> bool:
    return a & ~b == 0


def bpsubset(a: int, b: int) -> bool:
    return a != b and a & ~b == 0


def bmin(m: int, lo: int, site: int, p: int) -> int:
    if not m:
        fail(site, p, "min() of an empty set")
    return lo + (m & -m).bit_length() - 1


def bmax(m: int, lo: int, site: int, p: int) -> int:
    if not m:
        fail(site, p, "max() of an empty set")
    return lo + m.bit_length() - 1


def smin(s: frozenset, site: int, p: int) -> int:
    if not s:
        fail(site, p, "min() of an empty set")
    return min(s)


def smax(s: frozenset, site: int, p: int) -> int:
    if not s:
        fail(site, p, "max() of an empty set")
    return max(s)


class BitElems(dict):
    """mask -> tuple of the internal elements it holds, in universe order (memoised)."""

    def __init__(self, elements: tuple):
        super().__init__()
        self.elements = elements

    def __missing__(self, key: int) -> tuple:
        out = []
        m = key
        while m:
            low = m & -m
            out.append(self.elements[low.bit_length() - 1])
            m ^= low
        result = tuple(out)
        if len(self) < 1 << 16:
            self[key] = result
        return result


# Bags are frozensets of (element, count >= 1) pairs: canonical whatever the
# order of construction, and usable as dict keys.


def bag_of(elems: Iterable[Any]) -> frozenset:
    counts: dict = {}
    for e in elems:
        counts[e] = counts.get(e, 0) + 1
    return frozenset(counts.items())


def bag_count(b: frozenset, e: Any) -> int:
    for x, c in b:
        if x == e:
            return c
    return 0


_second = itemgetter(1)

# bag_add and bag_remove scan for e themselves rather than call bag_count:
# they run for every send and receive of a message-passing spec.


def bag_add(b: frozenset, e: Any) -> frozenset:
    for x, c in b:
        if x == e:
            return (b - {(x, c)}) | {(x, c + 1)}
    return b | {(e, 1)}


def bag_remove(b: frozenset, e: Any) -> frozenset:
    for x, c in b:
        if x == e:
            if c == 1:
                return b - {(x, 1)}
            return (b - {(x, c)}) | {(x, c - 1)}
    return b


def bag_len(b: frozenset) -> int:
    return sum(map(_second, b))


def bag_elems(b: frozenset) -> tuple:
    """The distinct elements of a bag (in no particular order)."""
    return tuple(e for e, _ in b)


def bmember_int(m: int, v: int, lo: int, size: int) -> bool:
    """Is int v in a bitmask set over lo..lo+size-1 (false outside it)?"""
    i = v - lo
    return 0 <= i < size and (m >> i) & 1 == 1


def eq_generic(dl: Callable, left: Any, dr: Callable, right: Any) -> bool:
    """Equality of two values whose types are represented differently."""
    return dl(left) == dr(right)


def member_generic(de: Callable, e: Any, dc: Callable, coll: Any) -> bool:
    return de(e) in dc(coll)


def subset_generic(op: str, dl: Callable, left: Any, dr: Callable, right: Any) -> bool:
    a, b = dl(left), dr(right)
    return {"<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b}[op]


def choose_first(candidates: Iterable, site: int, p: int) -> Any:
    """The first candidate (`choose x in S where P`: S in canonical order, filtered by P)."""
    for x in candidates:
        return x
    fail(site, p, "no element satisfies the condition of `choose`")


def fold(step: Callable[[Any, Any], Any], init: Any, elements: Iterable) -> Any:
    """`fold(acc = init, x in S: body)`: step(acc, x) for each element in order."""
    acc = init
    for x in elements:
        acc = step(acc, x)
    return acc

#: The helpers that can raise EvalFailure or AssertFailure: generated code
#: calling none of them cannot fail (compile_expr.can_fail).
FAILING = (
    "_fail", "_assert_fail", "_div", "_mod", "_rng", "_checked", "_convert", "_key_pos", "_seq_index",
    "_seq_set", "_last", "_unwrap", "_seq_fit", "_bag_fit", "_vfield", "_vfield_set", "_range_mask",
    "_bmin", "_bmax", "_smin", "_smax", "_choose_first",
)

#: The names generated code may use for these helpers (fixed, never spec text).
HELPERS: dict[str, Any] = {
    "_fail": fail,
    "_choose_first": choose_first,
    "_fold": fold,
    "_assert_fail": assert_fail,
    "_div": div,
    "_mod": mod,
    "_rng": rng,
    "_checked": checked,
    "_seq_fit": seq_fit,
    "_bag_fit": bag_fit,
    "_convert": convert,
    "_key_pos": key_pos,
    "_seq_index": seq_index,
    "_seq_set": seq_set,
    "_tuple_set": tuple_set,
    "_seq_slice": seq_slice,
    "_last": last,
    "_unwrap": unwrap,
    "_vfield": vfield,
    "_vfield_set": vfield_set,
    "_mask": mask,
    "_range_mask": range_mask,
    "_bsubset": bsubset,
    "_bpsubset": bpsubset,
    "_bmin": bmin,
    "_bmax": bmax,
    "_smin": smin,
    "_smax": smax,
    "_bag_of": bag_of,
    "_bag_count": bag_count,
    "_bag_add": bag_add,
    "_bag_remove": bag_remove,
    "_bag_len": bag_len,
    "_bag_elems": bag_elems,
    "_bmember_int": bmember_int,
    "_eq_generic": eq_generic,
    "_member_generic": member_generic,
    "_subset_generic": subset_generic,
}
