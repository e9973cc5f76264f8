"""Range analysis: where a value can never leave the type it is stored in.

A backend checks a value against its declared type where it is stored
(`Assign.target_type`) or built into a typed container (a record field, a
sequence or set element, a map value), and checks indexes against sequence
lengths and map domains. This module decides statically where such a check
can never fail, so that every backend (the explicit checker's generated
Python, the native core, the Z3 encoder) may leave it out. Leaving out a check
the analysis proves is always safe; the analysis is sound, not complete.

    facts = analyze(model)
    facts.needs_check(assign)    the value of an Assign may leave target_type
    facts.fits(expr, type)       every value expr takes lies in type
    facts.index_ok(index)        an `Index` never fails (1..len, map domain)
    facts.field_ok(getfield)     a variant's `.f` never fails (the case is known)
    facts.nonempty(seq)          a sequence is never empty there (`last` never fails)
    facts.slice_plain(slice)     a `Slice` needs no clipping at its lower end
    facts.interval(expr)         (lo, hi) of an int expression, or None
    facts.narrow(expr)           a type holding every value expr takes

Queries take nodes of the model that was analysed (they are found by
identity, because what is known about a node depends on where it is: the
`require`s before it, the left side of the `and` it is the right side of).
A node that was not visited (built by a backend) is judged without those
path facts, which is still sound.

The rules (docs/architecture.md, "Range analysis"):
- Intervals: literals; a `lo..hi` type gives its bounds; `+ - *` and unary
  `-` by interval arithmetic; `//` and `%` by a positive constant; `len` of a
  sequence, set or bag by its type's bound; `min`/`max`, `if`, `let` and
  bound variables by the hull of what they can be.
- Path facts: `require`, `assert`, the left side of `and`/`or`/`implies`,
  the condition of `if` (statement or expression) and `where` filters add
  facts `a - b <= k` and bounds on int expressions (from `<`, `<=`, `==`,
  `!=` and their negations); a variable bound by `for/choose/forall/exists
  x in lo..hi` adds `lo <= x <= hi`. An assignment forgets the facts that
  read the variable it writes.
- Sizes: `append` adds one to its sequence's bound, `+` adds the bounds, a
  slice `s[i..j]` has at most `j - i + 1` elements, a bag gains at most one
  copy per `send`, and no bag holds more copies of an element than its
  length (so `require len(net) < N` bounds the copies after a send).
- Everything else has its static type: values read from the state, built
  by a constructor or an operation whose parts were checked, lie in it.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Collection
from typing import Any

from specpy.ir import expr as E
from specpy.ir import stmt as S
from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
    EnumT,
    IntT,
    MapT,
    RangeT,
    SeqT,
    SetT,
    Type,
    VariantT,
    contains,
    is_int,
    universe_size,
    within,
)
from specpy.nodeclass import nodeclass

Interval = tuple[int, int]
#: A bound no value reaches (a bag built by a comprehension: copies unknown).
UNBOUNDED = sys.maxsize
#: How many facts `a - b <= k` are chained to bound a difference.
DIFF_DEPTH = 3


@nodeclass
class Facts:
    """What holds where an expression is evaluated.

    `bounds`: int expressions with an interval; `diffs`: triples (a, b, k)
    meaning a - b <= k; `cases`: variant expressions known to be of a case
    (`m is Vote`). Few of each, so tuples scanned with `==`.
    """

    bounds: tuple[tuple[E.Expr, Interval], ...] = ()
    diffs: tuple[tuple[E.Expr, E.Expr, int], ...] = ()
    cases: tuple[tuple[E.Expr, str], ...] = ()

    def bound(self, e: E.Expr, iv: Interval) -> Facts:
        return Facts(self.bounds + ((e, iv),), self.diffs, self.cases)

    def diff(self, a: E.Expr, b: E.Expr, k: int) -> Facts:
        return Facts(self.bounds, self.diffs + ((a, b, k),), self.cases)

    def case(self, e: E.Expr, tag: str) -> Facts:
        return Facts(self.bounds, self.diffs, self.cases + ((e, tag),))

    def meet(self, other: Facts) -> Facts:
        """What holds in both places (a node reached twice, e.g. a shared def body)."""
        if self == other:
            return self
        return Facts(
            tuple(b for b in self.bounds if b in other.bounds),
            tuple(d for d in self.diffs if d in other.diffs),
            tuple(c for c in self.cases if c in other.cases),
        )

    def forget(self, names: set[str]) -> Facts:
        """The facts that read none of the state variables `names` (just assigned)."""
        if not names:
            return self
        return Facts(
            tuple(b for b in self.bounds if not reads(b[0], names)),
            tuple(d for d in self.diffs if not (reads(d[0], names) or reads(d[1], names))),
            tuple(c for c in self.cases if not reads(c[0], names)),
        )


NO_FACTS = Facts()


def reads(node: Any, names: Collection[str], uids: Collection[int] = (), primed: bool = False) -> bool:
    """Does an IR subtree read one of the state variables `names` (unprimed,
    or primed too with `primed`) or one of the locals `uids`?"""
    if isinstance(node, E.VarRef):
        return node.name in names and (primed or not node.primed)
    if isinstance(node, E.LocalRef):
        return node.local.uid in uids
    if isinstance(node, tuple):
        return any(reads(x, names, uids, primed) for x in node)
    if isinstance(node, (E.Expr, S.IndexStep)):
        return any(reads(x, names, uids, primed) for x in _children(node))
    return False


def _children(node: Any) -> list[Any]:
    return [getattr(node, f.name) for f in dataclasses.fields(node) if f.name not in ("type", "span")]




def _hull(a: Interval | None, b: Interval | None) -> Interval | None:
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), max(a[1], b[1]))


def _meet(a: Interval | None, b: Interval | None) -> Interval | None:
    if a is None:
        return b
    if b is None:
        return a
    return (max(a[0], b[0]), min(a[1], b[1]))


def join(a: Type, b: Type) -> Type | None:
    """The narrowest type here holding every value of a and of b, or None."""
    if a == b:
        return a
    if within(a, b):
        return b
    if within(b, a):
        return a
    match a, b:
        case RangeT(x, y), RangeT(u, v):
            return RangeT(min(x, u), max(y, v))
        case SeqT(x, n), SeqT(y, m):
            j = join(x, y)
            return SeqT(j, max(n, m)) if j is not None else None
        case BagT(x, n), BagT(y, m):
            j = join(x, y)
            return BagT(j, max(n, m)) if j is not None else None
        case SetT(x), SetT(y):
            j = join(x, y)
            return SetT(j) if j is not None else None
    if is_int(a) and is_int(b):
        return IntT()
    return None


def _seq_len(t: Type) -> int:
    return t.max_len if isinstance(t, SeqT) else UNBOUNDED


def _size(t: Type) -> int | None:
    """How many values a finite type has, if it is small enough to matter."""
    if isinstance(t, RangeT):
        return max(t.hi - t.lo + 1, 0)
    if isinstance(t, (BoolT, AtomT, EnumT)):
        return universe_size(t)
    try:
        n = universe_size(t)
    except ValueError:
        return None
    return n if n < UNBOUNDED else None


class RangeFacts:
    """The verdicts of the analysis on one model (see the module docstring)."""

    def __init__(self) -> None:
        self._at: dict[int, Facts] = {}  # id(node) -> facts where it is evaluated
        self._nodes: list[Any] = []  # keeps visited nodes alive, so ids stay theirs
        # local uid -> how it is bound: ("value", expr, facts), ("elem", domain, facts), ("type", None, _)
        self._binds: dict[int, list[tuple[str, Any, Facts]]] = {}
        # Memos of a local's interval and type, kept once the walk has seen every binding.
        self._local_iv: dict[int, Interval | None] = {}
        self._local_t: dict[int, Type] = {}
        self._complete = False

    # ------------------------------------------------------------ queries

    def facts_at(self, node: Any) -> Facts:
        return self._at.get(id(node), NO_FACTS)

    def needs_check(self, st: S.Assign) -> bool:
        """May the value of st leave st.target_type (so that a backend must check it)?"""
        return not self.fits(st.value, st.target_type, self.facts_at(st))

    def fits(self, e: E.Expr, t: Type, f: Facts | None = None) -> bool:
        """Does every value of e (where it is evaluated) lie in t?"""
        f = self.facts_at(e) if f is None else f
        if isinstance(e, E.Lit):
            try:
                return contains(t, e.value)
            except (TypeError, ValueError, AttributeError):
                return False
        return within(self.narrow(e, f), t)

    def index_ok(self, e: E.Index, f: Facts | None = None) -> bool:
        """Is the index of e always inside: 1..len(s) of a sequence, the domain of a map?"""
        f = self.facts_at(e) if f is None else f
        t = e.operand.type
        if isinstance(t, MapT):
            return not isinstance(t.key, RangeT) or self.fits(e.index, t.key, f)
        if isinstance(t, SeqT):
            iv = self.interval(e.index, f)
            if iv is None or iv[0] < 1:
                return False
            d = self.upper_diff(e.index, E.Len(IntT(), e.operand), f)
            return d is not None and d <= 0
        return False

    def field_ok(self, e: E.GetField, f: Facts | None = None) -> bool:
        """Does `e.f` never fail: a record, a field every case has, or a case known here?"""
        t = e.operand.type
        if not isinstance(t, VariantT):
            return True
        if e.tag is not None:  # narrowed to one case: only that case's field counts
            having = {e.tag}
        else:
            having = {c.name for c in t.cases if any(n == e.field for n, _ in c.fields)}
        if len(having) == len(t.cases):
            return True
        f = self.facts_at(e) if f is None else f
        return any(x == e.operand and tag in having for x, tag in f.cases)

    def nonempty(self, seq: E.Expr, f: Facts | None = None) -> bool:
        """Is the sequence seq never empty where it is evaluated (so `last(seq)` never fails)?"""
        f = self.facts_at(seq) if f is None else f
        iv = self.interval(E.Len(IntT(), seq), f)
        return iv is not None and iv[0] >= 1

    def slice_plain(self, e: E.Slice, f: Facts | None = None) -> bool:
        """`s[i..j]` with i >= 1 and j >= 0: Python's s[i-1:j] without clipping."""
        f = self.facts_at(e) if f is None else f
        lo, hi = self.interval(e.lo, f), self.interval(e.hi, f)
        return lo is not None and hi is not None and lo[0] >= 1 and hi[0] >= 0

    # ------------------------------------------------------------ intervals

    def interval(self, e: E.Expr, f: Facts | None = None) -> Interval | None:
        """Bounds of an int expression where it is evaluated (None: unknown or not an int)."""
        f = self.facts_at(e) if f is None else f
        if not is_int(e.type):
            return None
        iv = self._interval(e, f)
        if isinstance(e.type, RangeT) and not isinstance(e, (E.LocalRef, E.LetIn)):
            iv = _meet(iv, (e.type.lo, e.type.hi))
        for x, b in f.bounds:
            if x == e:
                iv = _meet(iv, b)
        return iv

    def _interval(self, e: E.Expr, f: Facts) -> Interval | None:
        match e:
            case E.Lit(value=v):
                return (v, v) if isinstance(v, int) and not isinstance(v, bool) else None
            case E.Arith(op=op, left=a, right=b):
                x, y = self.interval(a, f), self.interval(b, f)
                if x is None or y is None or x[0] > x[1] or y[0] > y[1]:
                    return None  # unknown, or empty: no value reaches here (say nothing of it)
                if op == "+":
                    return (x[0] + y[0], x[1] + y[1])
                if op == "-":
                    return (x[0] - y[1], x[1] - y[0])
                if op == "*":
                    ps = [p * q for p in x for q in y]
                    return (min(ps), max(ps))
                if y[0] > 0 or y[1] < 0:  # a divisor that is never 0; division floors, as Python's
                    if op == "//":  # monotone in each operand where the divisor keeps its sign
                        qs = [p // q for p in x for q in y]
                        return (min(qs), max(qs))
                    if y[0] > 0:
                        return x if 0 <= x[0] and x[1] < y[0] else (0, y[1] - 1)
                    return (y[0] + 1, 0)
                return None
            case E.Neg(operand=a):
                x = self.interval(a, f)
                return (-x[1], -x[0]) if x is not None else None
            case E.Len(operand=a):
                t = self.narrow(a, f)
                if isinstance(t, SeqT):
                    return (0, t.max_len)
                if isinstance(t, SetT):
                    n = _size(t.elem)
                    return (0, n) if n is not None else None
                if isinstance(t, BagT):
                    n = _size(t.elem)
                    return (0, n * t.max_count) if n is not None and t.max_count < UNBOUNDED else None
                return None
            case E.MinMax(op=op, operand=E.SetLit(elems=elems)) if elems and not isinstance(e.operand.type, BagT):
                ivs = [self.interval(x, f) for x in elems]
                if any(iv is None for iv in ivs):
                    return None
                pick = min if op == "min" else max
                return (pick(iv[0] for iv in ivs), pick(iv[1] for iv in ivs))
            case E.MinMax(operand=a):
                t = self.narrow(a, f)
                if isinstance(t, SetT) and isinstance(t.elem, RangeT):
                    return (t.elem.lo, t.elem.hi)
                return None
            case E.Cond(cond=c, then=a, other=b):
                return _hull(self.interval(a, self.assume(c, True, f)), self.interval(b, self.assume(c, False, f)))
            case E.LetIn(body=body):
                return self.interval(body, f)
            case E.LocalRef(local=local):
                return self._local_interval(local)
        if isinstance(e.type, RangeT):
            return (e.type.lo, e.type.hi)
        return None

    def _local_interval(self, local: E.Local) -> Interval | None:
        uid = local.uid
        if uid not in self._local_iv or not self._complete:
            iv: Interval | None = None
            binds = self._binds.get(uid, [])
            typed = (local.type.lo, local.type.hi) if isinstance(local.type, RangeT) else None
            for k, (kind, x, f) in enumerate(binds):
                if kind == "value":
                    b = self.interval(x, f)
                else:
                    b = typed if kind == "type" else self._elem_interval(x, f)
                    b = b if b is not None else typed  # an element of a domain of its type
                iv = b if k == 0 else _hull(iv, b)
            if not binds:
                iv = typed
            self._local_iv[uid] = iv
        return self._local_iv[uid]

    def _elem_interval(self, domain: E.Expr, f: Facts) -> Interval | None:
        if isinstance(domain, E.RangeSet):
            lo, hi = self.interval(domain.lo, f), self.interval(domain.hi, f)
            return (lo[0], hi[1]) if lo is not None and hi is not None else None
        if isinstance(domain, E.Lit) and isinstance(domain.value, (frozenset, tuple)):
            ints = [v for v in domain.value if isinstance(v, int) and not isinstance(v, bool)]
            return (min(ints), max(ints)) if ints and len(ints) == len(domain.value) else None
        t = self.narrow(domain, f)
        elem = t.elem if isinstance(t, (SetT, SeqT, BagT)) else None
        return (elem.lo, elem.hi) if isinstance(elem, RangeT) else None

    def upper_diff(self, a: E.Expr, b: E.Expr, f: Facts, depth: int = DIFF_DEPTH) -> int | None:
        """An upper bound of a - b (two int expressions evaluated at one place), or None."""
        if a == b:
            return 0
        best: int | None = None

        def offer(k: int | None) -> None:
            nonlocal best
            if k is not None and (best is None or k < best):
                best = k

        for x, y, k in f.diffs:
            if x == a:
                if y == b:
                    offer(k)
                elif depth > 0:
                    d = self.upper_diff(y, b, f, depth - 1)
                    offer(None if d is None else d + k)
        if depth > 0:
            match a:
                case E.Arith(op="+", left=x, right=y):
                    for p, q in ((x, y), (y, x)):
                        d, iv = self.upper_diff(p, b, f, depth - 1), self.interval(q, f)
                        offer(None if d is None or iv is None else d + iv[1])
                case E.Arith(op="-", left=x, right=y):
                    d, iv = self.upper_diff(x, b, f, depth - 1), self.interval(y, f)
                    offer(None if d is None or iv is None else d - iv[0])
                case E.MinMax(op="min", operand=E.SetLit(elems=elems)):
                    for x in elems:
                        offer(self.upper_diff(x, b, f, depth - 1))
            match b:
                case E.MinMax(op="max", operand=E.SetLit(elems=elems)):
                    for y in elems:
                        offer(self.upper_diff(a, y, f, depth - 1))
        x, y = self.interval(a, f), self.interval(b, f)
        if x is not None and y is not None:
            offer(x[1] - y[0])
        return best

    # ------------------------------------------------------------ types

    def narrow(self, e: E.Expr, f: Facts | None = None) -> Type:
        """A type (maybe narrower than e.type, or wider where e.type is not
        kept, as for a bag after a send) holding every value of e."""
        f = self.facts_at(e) if f is None else f
        t = e.type
        if is_int(t):
            iv = self.interval(e, f)
            return RangeT(*iv) if iv is not None else IntT()
        match e:
            case E.Lit(value=v) if isinstance(t, SeqT) and isinstance(v, tuple):
                return SeqT(t.elem, len(v))
            case E.SeqLit(elems=elems):
                return SeqT(t.elem, len(elems))
            case E.Append(seq=s):
                return SeqT(t.elem, self._length(s, f) + 1)
            case E.Concat(left=a, right=b):
                return SeqT(t.elem, self._length(a, f) + self._length(b, f))
            case E.Slice(operand=s, lo=lo, hi=hi):
                n = self._length(s, f)
                lo_iv = self.interval(lo, f)
                if lo_iv is not None and lo_iv[0] >= 1:
                    d = self.upper_diff(hi, lo, f)
                    if d is not None:
                        n = min(n, max(d + 1, 0))
                else:
                    hi_iv = self.interval(hi, f)
                    if hi_iv is not None:
                        n = min(n, max(hi_iv[1], 0))
                return SeqT(t.elem, n) if isinstance(t, SeqT) else t
            case E.BagAdd(bag=b):
                bt = self.narrow(b, f)
                copies = bt.max_count if isinstance(bt, BagT) else UNBOUNDED
                size = self.interval(E.Len(IntT(), b), f)
                if size is not None:
                    copies = min(copies, size[1])
                return BagT(t.elem, copies + 1 if copies < UNBOUNDED else UNBOUNDED)
            case E.BagRemove(bag=b):
                return self.narrow(b, f)
            case E.SetLit(elems=elems) if isinstance(t, BagT):
                return BagT(t.elem, len(elems))
            case E.SetComp() if isinstance(t, BagT):
                return BagT(t.elem, UNBOUNDED)
            case E.SetComp(elem=x) if isinstance(t, SetT):
                ne = self.narrow(x, self.facts_at(x))
                return SetT(ne) if within(ne, t.elem) else t
            case E.MapComp(value=v) if isinstance(t, MapT):
                nv = self.narrow(v, self.facts_at(v))
                return MapT(t.key, nv) if within(nv, t.value) else t
            case E.RangeSet(lo=lo, hi=hi):
                a, b = self.interval(lo, f), self.interval(hi, f)
                return SetT(RangeT(a[0], b[1])) if a is not None and b is not None else t
            case E.SetOp(op=op, left=a, right=b) if isinstance(t, SetT):
                na, nb = self.narrow(a, f), self.narrow(b, f)
                j = join(na, nb) if op == "|" else na
                return j if j is not None and within(j, t) else t
            case E.Cond(cond=c, then=a, other=b):
                j = join(self.narrow(a, self.assume(c, True, f)), self.narrow(b, self.assume(c, False, f)))
                return j if j is not None else t
            case E.LetIn(body=body):
                return self.narrow(body, f)
            case E.LocalRef(local=local):
                return self._local_type(local)
        return t

    def _length(self, s: E.Expr, f: Facts) -> int:
        """A bound on the length of the sequence s."""
        n = _seq_len(self.narrow(s, f))
        iv = self.interval(E.Len(IntT(), s), f)
        return min(n, iv[1]) if iv is not None else n

    def _local_type(self, local: E.Local) -> Type:
        uid = local.uid
        if uid not in self._local_t or not self._complete:
            binds = self._binds.get(uid, [])
            t: Type | None = None
            if binds and all(kind == "value" for kind, _, _ in binds):
                for k, (_, x, f) in enumerate(binds):
                    n = self.narrow(x, f)
                    t = n if k == 0 else (join(t, n) if t is not None else None)
            self._local_t[uid] = t if t is not None else local.type
        return self._local_t[uid]

    # ------------------------------------------------------------ conditions

    def assume(self, c: E.Expr, truth: bool, f: Facts) -> Facts:
        """f plus what c being `truth` tells."""
        match c:
            case E.Lit():
                return f
            case E.Not(operand=x):
                return self.assume(x, not truth, f)
            case E.BoolOp(op="and", left=a, right=b) if truth:
                return self.assume(b, True, self.assume(a, True, f))
            case E.BoolOp(op="or", left=a, right=b) if not truth:
                return self.assume(b, False, self.assume(a, False, f))
            case E.BoolOp(op="implies", left=a, right=b) if not truth:
                return self.assume(b, False, self.assume(a, True, f))
            case E.IsCase(operand=x, tag=tag) if truth:
                return f.case(x, tag)
            case E.Compare(op=op, left=a, right=b) if is_int(a.type) and is_int(b.type):
                if not truth:
                    op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}[op]
                return self._compare(op, a, b, f)
        return f

    def _compare(self, op: str, a: E.Expr, b: E.Expr, f: Facts) -> Facts:
        if op in (">", ">="):
            op, a, b = {">": "<", ">=": "<="}[op], b, a
        if op == "!=":
            for x, y in ((a, b), (b, a)):
                c, iv = self.interval(y, f), self.interval(x, f)
                if c is not None and c[0] == c[1] and iv is not None and not isinstance(x, E.Lit):
                    if iv[0] == c[0]:
                        f = f.bound(x, (iv[0] + 1, iv[1]))
                    elif iv[1] == c[0]:
                        f = f.bound(x, (iv[0], iv[1] - 1))
            return f
        k = -1 if op == "<" else 0
        pairs = [(a, b, k)] + ([(b, a, 0)] if op == "==" else [])
        for x, y, k in pairs:  # x - y <= k
            ix, iy = self.interval(x, f), self.interval(y, f)
            f = f.diff(x, y, k)
            if iy is not None and ix is not None and not isinstance(x, E.Lit) and iy[1] + k < ix[1]:
                f = f.bound(x, (ix[0], iy[1] + k))
            if ix is not None and iy is not None and not isinstance(y, E.Lit) and ix[0] - k > iy[0]:
                f = f.bound(y, (ix[0] - k, iy[1]))
        return f

    # ------------------------------------------------------------ the walk

    def _record(self, node: Any, f: Facts) -> None:
        key = id(node)
        old = self._at.get(key)
        if old is None:
            self._nodes.append(node)
            self._at[key] = f
        else:
            self._at[key] = old.meet(f)

    def _bind(self, local: E.Local, kind: str, x: Any, f: Facts) -> None:
        self._binds.setdefault(local.uid, []).append((kind, x, f))

    def _bind_domain(self, local: E.Local, domain: E.Expr, f: Facts) -> Facts:
        """Bind local to the elements of domain; inside, f plus lo <= local <= hi for a range."""
        self._bind(local, "elem", domain, f)
        if isinstance(domain, E.RangeSet):
            ref = E.LocalRef(local.type, local)
            f = f.diff(ref, domain.hi, 0).diff(domain.lo, ref, 0)
        return f

    def _bind_value(self, local: E.Local, value: E.Expr, f: Facts) -> Facts:
        self._bind(local, "value", value, f)
        if is_int(value.type):
            ref = E.LocalRef(local.type, local)
            f = f.diff(ref, value, 0).diff(value, ref, 0)
        return f

    def visit(self, e: E.Expr, f: Facts) -> None:
        self._record(e, f)
        match e:
            case E.BoolOp(op="and" | "or" as op, left=E.BoolOp(op=inner)) if inner == op:
                # A chain `t1 and t2 and ... and tn`, nested to the left: walked once,
                # each term under what the terms before it tell (recursing would
                # assume the whole left part again at every level: quadratic).
                spine, terms = e, [e.right]
                while isinstance(spine.left, E.BoolOp) and spine.left.op == op:
                    spine = spine.left
                    self._record(spine, f)
                    terms.append(spine.right)
                terms.append(spine.left)
                for k, term in enumerate(reversed(terms)):
                    self.visit(term, f)
                    if k < len(terms) - 1:
                        f = self.assume(term, op == "and", f)
            case E.BoolOp(op=op, left=a, right=b):
                self.visit(a, f)
                self.visit(b, self.assume(a, op != "or", f))
            case E.Cond(cond=c, then=a, other=b):
                self.visit(c, f)
                self.visit(a, self.assume(c, True, f))
                self.visit(b, self.assume(c, False, f))
            case E.Quant(bindings=bs, cond=c, body=body) | E.SetComp(elem=body, bindings=bs, cond=c) | E.Sum(
                elem=body, bindings=bs, cond=c
            ):
                for local, dom in bs:
                    self.visit(dom, f)
                    f = self._bind_domain(local, dom, f)
                if c is not None:
                    self.visit(c, f)
                    f = self.assume(c, True, f)
                self.visit(body, f)
            case E.MapComp(key=k, domain=dom, value=v):
                self.visit(dom, f)
                self.visit(v, self._bind_domain(k, dom, f))
            case E.LetIn(local=local, value=v, body=body):
                self.visit(v, f)
                self.visit(body, self._bind_value(local, v, f))
            case _:
                for x in _children(e):
                    for y in x if isinstance(x, tuple) else (x,):
                        if isinstance(y, E.Expr):
                            self.visit(y, f)
                        elif isinstance(y, tuple):  # Construct fields: (name, expr)
                            for z in y:
                                if isinstance(z, E.Expr):
                                    self.visit(z, f)

    def walk(self, stmts: tuple | list, f: Facts) -> Facts:
        """Visit a statement list run in order; the facts that hold after it."""
        for st in stmts:
            match st:
                case S.Require(cond=c) | S.Assert(cond=c):
                    self.visit(c, f)
                    f = self.assume(c, True, f)
                case S.Let(local=local, value=v):
                    self.visit(v, f)
                    f = self._bind_value(local, v, f)
                case S.Assign(var=var, path=path, value=v):
                    for step in path:
                        if isinstance(step, S.IndexStep):
                            self.visit(step.key, f)
                    self.visit(v, f)
                    self._record(st, f)
                    iv = self.interval(v, f) if not path and is_int(st.target_type) else None
                    f = f.forget({var})
                    if iv is not None:  # x = e: x now lies in e's interval
                        f = f.bound(E.VarRef(st.target_type, var), iv)
                case S.If(cond=c, then=a, orelse=b):
                    self.visit(c, f)
                    self.walk(a, self.assume(c, True, f))
                    self.walk(b, self.assume(c, False, f))
                    f = f.forget(S.assigned_vars((st,)))
                case S.Either(branches=bs):
                    for b in bs:
                        self.walk(b, f)
                    f = f.forget(S.assigned_vars((st,)))
                case S.Choose(local=local, domain=dom, cond=c, body=body) | S.For(
                    local=local, domain=dom, cond=c, body=body
                ):
                    self.visit(dom, f)
                    inner = self._bind_domain(local, dom, f)
                    if isinstance(st, S.For):  # every iteration starts after the previous ones
                        inner = inner.forget(S.assigned_vars(body))
                    if c is not None:
                        self.visit(c, inner)
                        inner = self.assume(c, True, inner)
                    self.walk(body, inner)
                    f = f.forget(S.assigned_vars((st,)))
        return f


def analyze(model: Any) -> RangeFacts:
    """The range facts of every statement and expression of a Model."""
    facts = RangeFacts()
    facts.walk(model.init, NO_FACTS)
    for a in model.actions:
        for p in a.params:
            facts._bind(p, "type", None, NO_FACTS)
        facts.walk(a.body, NO_FACTS)
    for named in tuple(model.invariants) + tuple(model.transitions):
        facts.visit(named.expr, NO_FACTS)
    for e in tuple(model.constraints) + tuple(model.terminals):
        facts.visit(e, NO_FACTS)
    for p in model.properties:
        facts.visit(p.p, NO_FACTS)
        if p.q is not None:
            facts.visit(p.q, NO_FACTS)
    facts._complete = True
    return facts
