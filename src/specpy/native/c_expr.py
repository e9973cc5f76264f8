"""IR expressions -> C expressions over the native layout (c_types.py).

Every IR expression becomes one C expression of its type's C type (ints of
type `int` are int64_t, bools are 0/1); loops, temporaries and checks live in
GCC statement expressions `({ ... })`, so the compiler needs no statement
context. The evaluation order and short-circuits are the Python backend's
(explicit/compile_expr.py): both sides of `and`/`or`/`if-else` are evaluated
only when needed, so an evaluation error happens natively exactly where it
happens in Python. The native side does not render errors: `sp_fail()`
abandons the whole (state, action) and the search re-executes that step in
the Python backend, which renders today's message (kernel.py).

Security: generated C never contains spec text. State variables are `v<i>`
members, locals `l<uid>`, types `t<n>`, fields `f<i>`, cases `c<i>`, and
every constant is an integer literal or the hex bytes of its packed layout.
"""

from __future__ import annotations

import itertools
from dataclasses import field

from specpy.explicit.state import codec
from specpy.ir import expr as E
from specpy.ir.backend import Handlers
from specpy.ir.ranges import RangeFacts
from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
    EnumT,
    IntT,
    MapT,
    OptionT,
    RangeT,
    RecordT,
    SeqT,
    SetT,
    Type,
    VariantT,
    type_name,
    universe_size,
    within,
)
from specpy.native.c_types import ArrC, BitsC, CType, Layout, NotNative, OptionC, SeqC, VariantC
from specpy.nodeclass import nodeclass

#: The backend contract (ir/backend.py): what the native core compiles, and what not yet.
EXPRESSIONS = (
    Handlers("native", "expression", "the native core cannot compile")
)


@nodeclass(frozen=False)
class Scope:
    """What names mean at one point of the generated C."""

    state: str  # the C expression of the working state (a struct S lvalue)
    env: dict[int, str] = field(default_factory=dict)  # local uid -> C expression
    next_state: str | None = None  # primed reads (transition invariants)

    def copy(self, state: str | None = None) -> Scope:
        return Scope(state or self.state, dict(self.env), self.next_state)


def is_int(t: Type) -> bool:
    return isinstance(t, (IntT, RangeT))


def c_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'


class ExprC:
    """Compiles IR expressions of one model; collects the helper functions they need."""

    def __init__(self, layout: Layout, var_index: dict[str, int], ranges: RangeFacts | None = None) -> None:
        self.layout = layout
        # What the range analysis proves (ir/ranges.py): the checks it makes needless are left out.
        self.ranges = ranges
        self.var_index = var_index
        self._dispatch = EXPRESSIONS.bind(self)
        self.helpers: dict[str, str] = {}  # name -> definition, in creation order
        self.prototypes: list[str] = []  # of the helper functions (they may call each other), and tables
        self._type_ids: dict[Type, int] = {}  # names helpers per IR type (scalar C types are shared)
        self._count = 0

    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"_{prefix}{self._count}"

    def ct(self, t: Type) -> CType:
        return self.layout.of(t)

    # ------------------------------------------------------------ values and conversions

    def const(self, value, t: Type) -> str:
        """A constant generic value of type t as C."""
        c = self.ct(t)
        if isinstance(t, IntT):
            if not -(1 << 62) <= value < (1 << 62):
                raise NotNative(f"the constant {value} does not fit a 64-bit int")
            return f"((int64_t){value})"
        x = codec(t).encode(value)
        if c.scalar:
            return f"(({c.name}){int.from_bytes(c.pack(x), 'little', signed=c.name.startswith('int'))}LL)" if not isinstance(c, BitsC) else f"(({c.name}){int.from_bytes(c.pack(x), 'little')}ULL)"
        v = self.fresh("k")
        return f"({{ {c.name} {v}; memcpy(&{v}, {c_bytes(c.pack(x))}, sizeof {v}); {v}; }})"

    def zero(self, c: CType, name: str) -> str:
        """Declare `name` of C type c, all bytes zero."""
        return f"{c.name} {name}; memset(&{name}, 0, sizeof {name});"

    def coerce(self, text: str, src: Type, dst: Type, node: E.Expr | None = None, proven: bool = False) -> str:
        """A value of type src as one of type dst; a range left is an
        evaluation error, unless the range analysis proves that the value
        (the expression `node`) fits dst, or the caller did (`proven`)."""
        if src == dst:
            return text
        if is_int(src) and isinstance(dst, IntT):
            return f"((int64_t)({text}))"
        if is_int(src) and isinstance(dst, RangeT):
            proven = proven or (node is not None and self.ranges is not None and self.ranges.fits(node, dst))
            if within(src, dst) or proven:
                return f"(({self.ct(dst).name})({text}))"
            x = self.fresh("x")
            return f"({{ int64_t {x} = {text}; if ({x} < {dst.lo}LL || {x} > {dst.hi}LL) sp_fail(); ({self.ct(dst).name}){x}; }})"
        if isinstance(dst, OptionT) and not isinstance(src, OptionT):
            o = self.fresh("o")
            c = self.ct(dst)
            return f"({{ {self.zero(c, o)} {o}.some = 1; {o}.v = {self.coerce(text, src, dst.inner)}; {o}; }})"
        if isinstance(dst, OptionT) and isinstance(src, OptionT) and self.ct(src) is self.ct(dst):
            return text
        if isinstance(src, SeqT) and isinstance(dst, SeqT) and src.elem == dst.elem:
            # Another bound: the elements as they are, an error if they do not fit.
            a, r, i = self.fresh("a"), self.fresh("r"), self.fresh("i")
            check = "" if proven else f"if ({a}.n > {dst.max_len}) sp_fail(); "
            return (
                f"({{ {self.ct(src).name} {a} = {text}; {check}{self.zero(self.ct(dst), r)} "
                f"{r}.n = {a}.n; for (int {i} = 0; {i} < {a}.n; {i}++) {r}.v[{i}] = {a}.v[{i}]; {r}; }})"
            )
        if isinstance(src, (SetT, BagT)) and type(src) is type(dst) and self.ct(src) is not self.ct(dst):
            return self._convert(text, src, dst)
        if isinstance(src, (SetT, BagT)) and self.ct(src) is self.ct(dst):
            return text
        raise NotNative(f"a value of type {type_name(src)} used as {type_name(dst)} is not native yet")

    def _convert(self, text: str, src: SetT | BagT, dst: SetT | BagT) -> str:
        """A set (bag) as one of another element type: element by element."""
        if isinstance(src, BagT):
            raise NotNative(f"a {type_name(src)} used as {type_name(dst)} is not native yet")
        acc, x = self.fresh("acc"), self.fresh("x")
        add = self.add_elem(acc, self.coerce(x, src.elem, dst.elem), dst)
        return f"({{ {self.zero(self.ct(dst), acc)} {self.each(text, src, x, add)} {acc}; }})"

    def eq(self, a: str, b: str, t: Type) -> str:
        """C truth of a == b, two values of type t."""
        c = self.ct(t)
        if c.scalar or is_int(t):
            return f"(({a}) == ({b}))"
        x, y = self.fresh("a"), self.fresh("b")
        return f"({{ {c.name} {x} = {a}, {y} = {b}; memcmp(&{x}, &{y}, sizeof {x}) == 0; }})"

    def common(self, a: Type, b: Type) -> Type:
        """The type two compared values are converted to."""
        if is_int(a) and is_int(b):
            return a if a == b else IntT()
        if isinstance(a, OptionT) and not isinstance(b, OptionT):
            return a
        if isinstance(b, OptionT) and not isinstance(a, OptionT):
            return b
        return a

    # ------------------------------------------------------------ ordinals

    def ordinal(self, text: str, t: Type) -> str:
        """The universe index of a value of type t (an int)."""
        match t:
            case BoolT():
                return f"((int)({text}))"
            case RangeT(lo, _):
                return f"((int)({text}) - ({lo}))"
            case AtomT() | EnumT():
                return f"((int)({text}))"  # the member index
        return f"{self._ord_fn(t)}({text})"

    def value_at(self, index: str, t: Type) -> str:
        """The value of type t at universe index `index`."""
        match t:
            case BoolT():
                return f"((uint8_t)({index}))"
            case RangeT(lo, _):
                return f"(({self.ct(t).name})(({index}) + ({lo})))"
        c = self.ct(t)
        if c.scalar:
            return f"(({c.name})({index}))"
        return f"{self._val_fn(t)}({index})"

    def _tid(self, t: Type) -> int:
        return self._type_ids.setdefault(t, len(self._type_ids))

    def _ord_fn(self, t: Type) -> str:
        c = self.ct(t)
        name = f"ord_{self._tid(t)}"
        if name in self.helpers:
            return name
        self.helpers[name] = ""  # reserve (recursion)
        self.prototypes.append(f"static inline int {name}({c.name} x);")
        body = [f"static inline int {name}({c.name} x) {{"]
        match t:
            case RecordT(fields=fs):
                body.append("    int i = 0;")
                for i, (_, ft) in enumerate(fs):
                    body.append(f"    i = i * {universe_size(ft)} + {self.ordinal(f'x.f{i}', ft)};")
                body.append("    return i;")
            case VariantT(cases=cs):
                base = 0
                for ci, case in enumerate(cs):
                    body.append(f"    if (x.tag == {ci}) {{ int i = 0;")
                    for i, (_, ft) in enumerate(case.fields):
                        body.append(f"        i = i * {universe_size(ft)} + {self.ordinal(f'x.u.c{ci}.f{i}', ft)};")
                    body.append(f"        return {base} + i; }}")
                    base += _case_size(case.fields)
                body.append("    return 0;")
            case OptionT(inner):
                body.append(f"    return x.some ? 1 + {self.ordinal('x.v', inner)} : 0;")
            case SetT() if isinstance(c, BitsC) and c.words == 0:
                body.append(f"    return {self._set_table(t)[1]}[(uint64_t)x];")
            case MapT(k, v):  # the first key's value is the most significant digit
                body.append("    int i = 0;")
                body.append(f"    for (int j = 0; j < {universe_size(k)}; j++) i = i * {universe_size(v)} + {self.ordinal('x.v[j]', v)};")
                body.append("    return i;")
            case SeqT(elem, most):  # shorter sequences first, then digits
                m = universe_size(elem)
                starts = [sum(m**i for i in range(n)) for n in range(most + 1)]
                body.append(f"    static const int start[] = {{{', '.join(map(str, starts))}}};")
                body.append(f"    int i = 0; for (int j = 0; j < x.n; j++) i = i * {m} + {self.ordinal('x.v[j]', elem)};")
                body.append("    return start[x.n] + i;")
            case _:
                raise NotNative(f"values of type {type_name(t)} cannot be numbered natively")
        body.append("}")
        self.helpers[name] = "\n".join(body)
        return name

    def _val_fn(self, t: Type) -> str:
        c = self.ct(t)
        name = f"val_{self._tid(t)}"
        if name in self.helpers:
            return name
        self.helpers[name] = ""
        self.prototypes.append(f"static inline {c.name} {name}(int i);")
        body = [f"static inline {c.name} {name}(int i) {{", f"    {self.zero(c, 'x')}"]
        match t:
            case RecordT(fields=fs):
                for i, (_, ft) in reversed(list(enumerate(fs))):
                    n = universe_size(ft)
                    body.append(f"    x.f{i} = {self.value_at(f'(i % {n})', ft)}; i /= {n};")
            case VariantT(cases=cs):
                base = 0
                for ci, case in enumerate(cs):
                    size = _case_size(case.fields)
                    body.append(f"    if (i < {base + size}) {{ int j = i - {base}; x.tag = {ci};")
                    for i, (_, ft) in reversed(list(enumerate(case.fields))):
                        n = universe_size(ft)
                        body.append(f"        x.u.c{ci}.f{i} = {self.value_at(f'(j % {n})', ft)}; j /= {n};")
                    body.append("        return x; }")
                    base += size
            case OptionT(inner):
                body.append(f"    if (i > 0) {{ x.some = 1; x.v = {self.value_at('(i - 1)', inner)}; }}")
            case SetT():
                body.append(f"    x = ({c.name}){self._set_table(t)[0]}[i];")
            case _:
                raise NotNative(f"values of type {type_name(t)} cannot be enumerated natively")
        body += ["    return x;", "}"]
        self.helpers[name] = "\n".join(body)
        return name

    def _set_table(self, t: SetT) -> tuple[str, str]:
        """Tables between the universe index of a small set (by size, then
        combinations: ir/types.py) and its bitmask: (masks, indices)."""
        masks_name, index_name = f"sp_masks_{self._tid(t)}", f"sp_index_{self._tid(t)}"
        if masks_name not in self.helpers:
            n = universe_size(t.elem)
            masks = [sum(1 << i for i in combo) for r in range(n + 1) for combo in itertools.combinations(range(n), r)]
            index = [0] * len(masks)
            for i, m in enumerate(masks):
                index[m] = i
            self.helpers[masks_name] = ""  # defined with the prototypes, before any function uses it
            self.prototypes.insert(0, f"static const uint64_t {masks_name}[] = {{{', '.join(map(str, masks))}}};")
            self.prototypes.insert(0, f"static const uint32_t {index_name}[] = {{{', '.join(map(str, index))}}};")
        return masks_name, index_name

    # ------------------------------------------------------------ sorted arrays (c_types.ArrC)

    def compare(self, t: Type, a: str, b: str) -> str:
        """-1, 0 or 1: two values of type t (lvalues) in the Python backend's
        order (its codecs' `sort_key`: the order in which it iterates a
        frozenset or a bag)."""
        c = self.ct(t)
        if c.scalar and not (isinstance(c, BitsC) and not c.py_mask):
            cast = "uint64_t" if isinstance(c, BitsC) else "int64_t"
            return f"((({cast})({a}) > ({cast})({b})) - (({cast})({a}) < ({cast})({b})))"
        return f"{self._cmp_fn(t)}(&({a}), &({b}))"

    def _cmp_fn(self, t: Type) -> str:
        c = self.ct(t)
        name = f"cmp_{self._tid(t)}"
        if name in self.helpers:
            return name
        self.helpers[name] = ""
        self.prototypes.append(f"static int {name}(const {c.name} *a, const {c.name} *b);")
        steps: list[str] = []

        def by(ft: Type, x: str, y: str) -> str:
            return f"{{ int r = {self.compare(ft, x, y)}; if (r) return r; }}"

        match t:
            case RecordT(fields=fs):
                steps += [by(ft, f"a->f{i}", f"b->f{i}") for i, (_, ft) in enumerate(fs)]
            case VariantT(cases=cs):
                steps.append("if (a->tag != b->tag) return a->tag < b->tag ? -1 : 1;")
                for ci, case in enumerate(cs):
                    inner = "".join(by(ft, f"a->u.c{ci}.f{i}", f"b->u.c{ci}.f{i}") for i, (_, ft) in enumerate(case.fields))
                    steps.append(f"if (a->tag == {ci}) {{ {inner} }}")
            case OptionT(inner):
                steps.append("if (a->some != b->some) return a->some < b->some ? -1 : 1;")
                steps.append(f"if (a->some) {by(inner, 'a->v', 'b->v')}")
            case MapT(_, v):
                steps.append(f"for (int i = 0; i < {universe_size(t.key)}; i++) {by(v, 'a->v[i]', 'b->v[i]')}")
            case SeqT(elem, _):
                steps.append(f"for (int i = 0; i < a->n && i < b->n; i++) {by(elem, 'a->v[i]', 'b->v[i]')}")
                steps.append("if (a->n != b->n) return a->n < b->n ? -1 : 1;")
            case SetT() if isinstance(c, BitsC) and c.py_mask:
                steps.append(f"for (int i = {c.words} - 1; i >= 0; i--) if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;")
            case SetT(elem) if isinstance(c, BitsC) and not c.py_mask and _universe_in_order(elem):
                # A frozenset in Python, sort_key (size, sorted elements): the
                # larger set is after; of two as large, the one holding the
                # lowest element where they differ is before.
                words = ["(uint64_t)*a", "(uint64_t)*b"] if c.words == 0 else ["a->w[i]", "b->w[i]"]
                loop = "for (int i = 0; i < 1; i++)" if c.words == 0 else f"for (int i = 0; i < {c.words}; i++)"
                steps.append(f"int na = 0, nb = 0; {loop} {{ na += __builtin_popcountll({words[0]}); nb += __builtin_popcountll({words[1]}); }}")
                steps.append("if (na != nb) return na < nb ? -1 : 1;")
                steps.append(
                    f"{loop} {{ uint64_t d = {words[0]} ^ {words[1]}; if (d) return ({words[0]} >> __builtin_ctzll(d)) & 1 ? -1 : 1; }}"
                )
            case SetT(elem) if isinstance(c, ArrC) and not c.py_mask:  # sort_key (size, sorted elements)
                steps.append("if (a->n != b->n) return a->n < b->n ? -1 : 1;")
                steps.append(f"for (int i = 0; i < a->n; i++) {by(elem, 'a->v[i].e', 'b->v[i].e')}")
            case BagT(elem, _) if isinstance(c, ArrC):  # sort_key: the sorted (element, count) list
                steps.append(
                    f"for (int i = 0; i < a->n && i < b->n; i++) {{ {by(elem, 'a->v[i].e', 'b->v[i].e')} "
                    "if (a->v[i].c != b->v[i].c) return a->v[i].c < b->v[i].c ? -1 : 1; }"
                )
                steps.append("if (a->n != b->n) return a->n < b->n ? -1 : 1;")
            case _:
                raise NotNative(f"values of type {type_name(t)} cannot be ordered natively")
        self.helpers[name] = f"static int {name}(const {c.name} *a, const {c.name} *b) {{ {' '.join(steps)} return 0; }}"
        return name

    def array_fns(self, t: SetT | BagT) -> tuple[str, str, str]:
        """(find, add, remove) for the sorted array of type t:
        find_N(&a, &x, &pos) is x there (pos: where, or where it would go);
        add_N(&a, x) inserts x, or one more copy of it in a bag (an
        evaluation error past the bag's bound, sp_overflow past the
        capacity); del_N(&a, x) removes x, or one copy of it."""
        c = self.ct(t)
        assert isinstance(c, ArrC)
        k = self._tid(t)
        find, add, rm = f"find_{k}", f"add_{k}", f"del_{k}"
        if find in self.helpers:
            return find, add, rm
        e = c.elem.name
        self.helpers[find] = ""
        self.prototypes.append(f"static int {find}(const {c.name} *a, const {e} *x, int *pos);")
        self.prototypes.append(f"static void {add}({c.name} *a, {e} x);")
        self.prototypes.append(f"static void {rm}({c.name} *a, {e} x);")
        cmp = self.compare(t.elem, "a->v[mid].e", "(*x)")
        self.helpers[find] = (
            f"static int {find}(const {c.name} *a, const {e} *x, int *pos) {{\n"
            f"    int lo = 0, hi = a->n;\n"
            f"    while (lo < hi) {{ int mid = (lo + hi) / 2; int r = {cmp}; if (!r) {{ *pos = mid; return 1; }} if (r < 0) lo = mid + 1; else hi = mid; }}\n"
            f"    *pos = lo; return 0;\n}}"
        )
        more = f"if (a->v[p].c >= {t.max_count}) sp_fail(); a->v[p].c++; " if c.bag else ""
        one = " a->v[p].c = 1;" if c.bag else ""
        self.helpers[add] = (
            f"static void {add}({c.name} *a, {e} x) {{\n"
            f"    int p; if ({find}(a, &x, &p)) {{ {more}return; }}\n"
            f"    if (a->n >= {c.cap}) sp_overflow({c.index});\n"
            f"    memmove(&a->v[p + 1], &a->v[p], (size_t)(a->n - p) * sizeof a->v[0]);\n"
            f"    memset(&a->v[p], 0, sizeof a->v[0]); a->v[p].e = x;{one} a->n++;\n}}"
        )
        fewer = "if (a->v[p].c > 1) { a->v[p].c--; return; } " if c.bag else ""
        self.helpers[rm] = (
            f"static void {rm}({c.name} *a, {e} x) {{\n"
            f"    int p; if (!{find}(a, &x, &p)) return;\n"
            f"    {fewer}memmove(&a->v[p], &a->v[p + 1], (size_t)(a->n - p - 1) * sizeof a->v[0]);\n"
            f"    a->n--; memset(&a->v[a->n], 0, sizeof a->v[0]);\n}}"
        )
        return find, add, rm

    def add_elem(self, acc: str, elem: str, t: SetT | BagT) -> str:
        """C statement adding `elem` (of t's element type) to the set or bag lvalue `acc`."""
        c = self.ct(t)
        if isinstance(c, ArrC):
            return f"{self.array_fns(t)[1]}(&{acc}, {elem});"
        assert isinstance(c, BitsC) and isinstance(t, SetT)
        return self.set_bit(acc, self.ordinal(elem, t.elem), c)

    def contains(self, coll: str, elem: str, t: SetT | BagT) -> str:
        """C truth of `elem in coll` for a sorted array (elem of the element type)."""
        c = self.ct(t)
        assert isinstance(c, ArrC)
        a, x, p = self.fresh("a"), self.fresh("x"), self.fresh("p")
        return f"({{ {c.name} {a} = {coll}; {c.elem.name} {x} = {elem}; int {p}; {self.array_fns(t)[0]}(&{a}, &{x}, &{p}); }})"

    @EXPRESSIONS.handles(E.BagAdd, E.BagRemove)
    def _bag_step(self, e: E.BagAdd | E.BagRemove, sc: Scope) -> str:
        """A copy of the bag with one more (BagAdd) or one fewer (BagRemove) copy of the element."""
        t = e.type
        assert isinstance(t, BagT)
        a = self.fresh("a")
        elem = self.coerce(self.expr(e.elem, sc), e.elem.type, t.elem)
        step = self.add_elem(a, elem, t) if isinstance(e, E.BagAdd) else f"{self.array_fns(t)[2]}(&{a}, {elem});"
        return f"({{ {self.ct(t).name} {a} = {self.coerce(self.expr(e.bag, sc), e.bag.type, t)}; {step} {a}; }})"

    @EXPRESSIONS.handles(E.RangeSet)
    def _RangeSet(self, e: E.RangeSet, sc: Scope) -> str:
        t = e.type
        assert isinstance(t, SetT)
        acc, x, hi = self.fresh("acc"), self.fresh("x"), self.fresh("hi")
        c = self.ct(t)
        return (
            f"({{ {self.zero(c, acc)} int64_t {hi} = {self.num(e.hi, sc)}; "
            f"for (int64_t {x} = {self.num(e.lo, sc)}; {x} <= {hi}; {x}++) {self.add_elem(acc, self.coerce(x, IntT(), t.elem), t)} {acc}; }})"
        )

    # ------------------------------------------------------------ loops over domains

    def loop(self, local: E.Local, dom: E.Expr, sc: Scope, inner: Scope, make_body) -> str:
        """C statements running the body once per element of `dom` (canonical
        order); the local is bound in `inner`'s env, then `make_body()` gives the body."""
        name = f"l{local.uid}_{self.count()}".replace("-", "m")  # helpers bind negative uids
        inner.env[local.uid] = name
        body = make_body()
        if isinstance(dom, E.RangeSet):
            lo, hi = self.num(dom.lo, sc), self.num(dom.hi, sc)
            end = self.fresh("hi")
            return f"{{ int64_t {end} = {hi}; for (int64_t {name} = {lo}; {name} <= {end}; {name}++) {{ {body} }} }}"
        return self.each(self.expr(dom, sc), dom.type, name, body)

    def each(self, d: str, t: Type, name: str, body: str) -> str:
        """C running `body` once per element of the collection value `d` of
        type t (distinct elements, in canonical order), bound to `name`."""
        c = self.ct(t)
        if isinstance(c, ArrC):
            s, i = self.fresh("s"), self.fresh("i")
            return (
                f"{{ {c.name} {s} = {d}; for (int {i} = 0; {i} < {s}.n; {i}++) {{ "
                f"{c.elem.name} {name} = {s}.v[{i}].e; {body} }} }}"
            )
        if isinstance(t, SetT):
            c = self.ct(t)
            assert isinstance(c, BitsC)
            et = self.ct(t.elem)
            i = self.fresh("i")
            bind = f"{et.name} {name} = {self.value_at(i, t.elem)};"
            if c.words == 0:
                m = self.fresh("m")
                return (
                    f"{{ uint64_t {m} = (uint64_t)({d}); while ({m}) {{ int {i} = __builtin_ctzll({m}); "
                    f"{m} &= {m} - 1; {bind} {body} }} }}"
                )
            s, w, m = self.fresh("s"), self.fresh("w"), self.fresh("m")
            return (
                f"{{ {c.name} {s} = {d}; for (int {w} = 0; {w} < {c.words}; {w}++) {{ uint64_t {m} = {s}.w[{w}]; "
                f"while ({m}) {{ int {i} = {w} * 64 + __builtin_ctzll({m}); {m} &= {m} - 1; {bind} {body} }} }} }}"
            )
        if isinstance(t, SeqT):
            c = self.ct(t)
            s, i = self.fresh("s"), self.fresh("i")
            et = self.ct(t.elem)
            return (
                f"{{ {c.name} {s} = {d}; for (int {i} = 0; {i} < {s}.n; {i}++) {{ "
                f"{et.name} {name} = {s}.v[{i}]; {body} }} }}"
            )
        raise NotNative(f"iterating over a {type_name(t)} is not native yet")

    def count(self) -> int:
        """A fresh number (for local names, which keep their uid for reading)."""
        self._count += 1
        return self._count

    def bindings(self, bindings: tuple, cond: E.Expr | None, sc: Scope, body_of) -> str:
        """Nested loops over bindings (a later domain may read an earlier local),
        `body_of(inner scope)` inside, under `cond` if any."""

        def nest(k: int, cur: Scope) -> str:
            if k == len(bindings):
                inner = body_of(cur)
                return f"if ({self.expr(cond, cur)}) {{ {inner} }}" if cond is not None else inner
            local, dom = bindings[k]
            inner = cur.copy()
            return self.loop(local, dom, cur, inner, lambda: nest(k + 1, inner))

        return nest(0, sc)

    # ------------------------------------------------------------ expressions

    def num(self, e: E.Expr, sc: Scope) -> str:
        """An int-typed expression as int64_t."""
        return f"((int64_t)({self.expr(e, sc)}))"

    def expr(self, e: E.Expr, sc: Scope) -> str:
        method = self._dispatch.get(type(e))
        try:
            if method is None:
                raise NotNative(EXPRESSIONS.refuse(e).diagnostics[0].message)
            return method(e, sc)
        except NotNative as exc:
            if exc.span is None:
                exc.span = getattr(e, "span", None)
            raise

    @EXPRESSIONS.handles(E.Lit)
    def _Lit(self, e: E.Lit, sc: Scope) -> str:
        return self.const(e.value, e.type)

    @EXPRESSIONS.handles(E.VarRef)
    def _VarRef(self, e: E.VarRef, sc: Scope) -> str:
        if e.primed:
            if sc.next_state is None:
                raise NotNative("primed variables are not native yet")
            return f"({sc.next_state}.v{self.var_index[e.name]})"
        return f"({sc.state}.v{self.var_index[e.name]})"

    @EXPRESSIONS.handles(E.LocalRef)
    def _LocalRef(self, e: E.LocalRef, sc: Scope) -> str:
        return sc.env[e.local.uid]

    @EXPRESSIONS.handles(E.Not)
    def _Not(self, e: E.Not, sc: Scope) -> str:
        return f"(!({self.expr(e.operand, sc)}))"

    @EXPRESSIONS.handles(E.Neg)
    def _Neg(self, e: E.Neg, sc: Scope) -> str:
        return f"(-{self.num(e.operand, sc)})"

    @EXPRESSIONS.handles(E.BoolOp)
    def _BoolOp(self, e: E.BoolOp, sc: Scope) -> str:
        a, b = self.expr(e.left, sc), self.expr(e.right, sc)
        if e.op == "and":
            return f"(({a}) && ({b}))"
        if e.op == "or":
            return f"(({a}) || ({b}))"
        return f"(!({a}) || ({b}))"  # implies

    @EXPRESSIONS.handles(E.Compare)
    def _Compare(self, e: E.Compare, sc: Scope) -> str:
        if e.op in ("==", "!="):
            t = self.common(e.left.type, e.right.type)
            a = self.coerce(self.expr(e.left, sc), e.left.type, t)
            b = self.coerce(self.expr(e.right, sc), e.right.type, t)
            r = self.eq(a, b, t)
            return r if e.op == "==" else f"(!{r})"
        return f"({self.num(e.left, sc)} {e.op} {self.num(e.right, sc)})"

    @EXPRESSIONS.handles(E.Arith)
    def _Arith(self, e: E.Arith, sc: Scope) -> str:
        a, b = self.num(e.left, sc), self.num(e.right, sc)
        if e.op == "//":
            return f"sp_div({a}, {b})"
        if e.op == "%":
            return f"sp_mod({a}, {b})"
        return f"({a} {e.op} {b})"

    def _set_operands(self, e: E.SetOp | E.SetCompare, sc: Scope) -> tuple[str, str, CType]:
        t = e.type if isinstance(e, E.SetOp) else e.left.type
        a = self.coerce(self.expr(e.left, sc), e.left.type, t)
        b = self.coerce(self.expr(e.right, sc), e.right.type, t)
        c = self.ct(t)
        if not isinstance(c, (BitsC, ArrC)) or (isinstance(c, ArrC) and c.bag):
            raise NotNative(f"{type_name(t)} operations are not native yet")
        return a, b, c

    def _array_setop(self, op: str, a: str, b: str, t: SetT) -> str:
        """Union, intersection or difference of two sorted-array sets."""
        c = self.ct(t)
        x, y, r, i, p = (self.fresh(n) for n in ("a", "b", "r", "i", "p"))
        find, add, _ = self.array_fns(t)
        if op == "|":
            return f"({{ {c.name} {x} = {a}, {y} = {b}; for (int {i} = 0; {i} < {y}.n; {i}++) {add}(&{x}, {y}.v[{i}].e); {x}; }})"
        keep = "" if op == "&" else "!"
        return (
            f"({{ {c.name} {x} = {a}, {y} = {b}; {self.zero(c, r)} for (int {i} = 0; {i} < {x}.n; {i}++) {{ int {p}; "
            f"if ({keep}{find}(&{y}, &{x}.v[{i}].e, &{p})) {r}.v[{r}.n++] = {x}.v[{i}]; }} {r}; }})"
        )

    @EXPRESSIONS.handles(E.SetOp)
    def _SetOp(self, e: E.SetOp, sc: Scope) -> str:
        a, b, c = self._set_operands(e, sc)
        if isinstance(c, ArrC):
            assert isinstance(e.type, SetT)
            return self._array_setop(e.op, a, b, e.type)
        assert isinstance(c, BitsC)
        op = {"|": "|", "&": "&", "-": "& ~"}[e.op]
        if c.words == 0:
            return f"(({c.name})(({a}) {op} ({b})))"
        x, y, w = self.fresh("a"), self.fresh("b"), self.fresh("w")
        return f"({{ {c.name} {x} = {a}, {y} = {b}; for (int {w} = 0; {w} < {c.words}; {w}++) {x}.w[{w}] = {x}.w[{w}] {op} {y}.w[{w}]; {x}; }})"

    @EXPRESSIONS.handles(E.SetCompare)
    def _SetCompare(self, e: E.SetCompare, sc: Scope) -> str:
        a, b, c = self._set_operands(e, sc)
        if e.op in (">=", ">"):
            a, b = b, a
        if isinstance(c, ArrC):
            x, y, i, r, p = (self.fresh(n) for n in ("a", "b", "i", "r", "p"))
            find = self.array_fns(e.left.type)[0]  # type: ignore[arg-type]
            proper = f" && {x}.n != {y}.n" if e.op in ("<", ">") else ""
            return (
                f"({{ {c.name} {x} = {a}, {y} = {b}; int {r} = 1; for (int {i} = 0; {i} < {x}.n && {r}; {i}++) {{ int {p}; "
                f"{r} = {find}(&{y}, &{x}.v[{i}].e, &{p}); }} {r}{proper}; }})"
            )
        assert isinstance(c, BitsC)
        if c.words == 0:
            x, y = self.fresh("a"), self.fresh("b")
            proper = f" && {x} != {y}" if e.op in ("<", ">") else ""
            return f"({{ uint64_t {x} = {a}, {y} = {b}; ({x} & ~{y}) == 0{proper}; }})"
        x, y, w, r = self.fresh("a"), self.fresh("b"), self.fresh("w"), self.fresh("r")
        proper = f" && memcmp(&{x}, &{y}, sizeof {x}) != 0" if e.op in ("<", ">") else ""
        return (
            f"({{ {c.name} {x} = {a}, {y} = {b}; int {r} = 1; for (int {w} = 0; {w} < {c.words}; {w}++) "
            f"if ({x}.w[{w}] & ~{y}.w[{w}]) {r} = 0; {r}{proper}; }})"
        )

    @EXPRESSIONS.handles(E.Member)
    def _Member(self, e: E.Member, sc: Scope) -> str:
        r = self._member(e, sc)
        return f"(!{r})" if e.negated else r

    def _member(self, e: E.Member, sc: Scope) -> str:
        ct = e.coll.type
        if isinstance(e.coll, E.RangeSet):
            x = self.fresh("x")
            return f"({{ int64_t {x} = {self.num(e.elem, sc)}; {self.num(e.coll.lo, sc)} <= {x} && {x} <= {self.num(e.coll.hi, sc)}; }})"
        if isinstance(ct, (SetT, BagT)) and isinstance(self.ct(ct), ArrC):
            if isinstance(ct.elem, RangeT) and is_int(e.elem.type) and not within(e.elem.type, ct.elem):
                x = self.fresh("x")
                inside = self.contains(self.expr(e.coll, sc), f"({self.ct(ct.elem).name}){x}", ct)
                return f"({{ int64_t {x} = {self.num(e.elem, sc)}; {x} >= {ct.elem.lo} && {x} <= {ct.elem.hi} && {inside}; }})"
            return self.contains(self.expr(e.coll, sc), self.coerce(self.expr(e.elem, sc), e.elem.type, ct.elem), ct)
        if isinstance(ct, SetT):
            c = self.ct(ct)
            assert isinstance(c, BitsC)
            coll = self.expr(e.coll, sc)
            if is_int(e.elem.type) and isinstance(ct.elem, RangeT):
                x, o = self.fresh("x"), self.fresh("o")
                lo, hi = ct.elem.lo, ct.elem.hi
                bit = self._bit(coll, o, c)
                return f"({{ int64_t {x} = {self.num(e.elem, sc)}; int {o} = (int)({x} - {lo}); {x} >= {lo} && {x} <= {hi} && {bit}; }})"
            elem = self.coerce(self.expr(e.elem, sc), e.elem.type, ct.elem)
            o = self.fresh("o")
            return f"({{ int {o} = {self.ordinal(elem, ct.elem)}; {self._bit(coll, o, c)}; }})"
        if isinstance(ct, SeqT):
            c = self.ct(ct)
            t = self.common(e.elem.type, ct.elem)
            x, s, i, r = self.fresh("x"), self.fresh("s"), self.fresh("i"), self.fresh("r")
            xt = self.ct(t)
            hit = self.eq(x, self.coerce(f"{s}.v[{i}]", ct.elem, t), t)
            return (
                f"({{ {xt.name} {x} = {self.coerce(self.expr(e.elem, sc), e.elem.type, t)}; {c.name} {s} = {self.expr(e.coll, sc)}; "
                f"int {r} = 0; for (int {i} = 0; {i} < {s}.n && !{r}; {i}++) {r} = {hit}; {r}; }})"
            )
        raise NotNative(f"membership in a {type_name(ct)} is not native yet")

    @staticmethod
    def _bit(coll: str, o: str, c: BitsC) -> str:
        if c.words == 0:
            return f"((((uint64_t)({coll})) >> {o}) & 1)"
        return f"((({coll}).w[{o} >> 6] >> ({o} & 63)) & 1)"

    @EXPRESSIONS.handles(E.Cond)
    def _Cond(self, e: E.Cond, sc: Scope) -> str:
        a = self.coerce(self.expr(e.then, sc), e.then.type, e.type)
        b = self.coerce(self.expr(e.other, sc), e.other.type, e.type)
        return f"(({self.expr(e.cond, sc)}) ? ({a}) : ({b}))"

    @EXPRESSIONS.handles(E.Quant)
    def _Quant(self, e: E.Quant, sc: Scope) -> str:
        r, done = self.fresh("r"), self.fresh("done")
        forall = e.kind == "forall"

        def body(inner: Scope) -> str:
            test = self.expr(e.body, inner)
            if forall:
                return f"if (!({test})) {{ {r} = 0; goto {done}; }}"
            return f"if ({test}) {{ {r} = 1; goto {done}; }}"

        loops = self.bindings(e.bindings, e.cond, sc, body)
        return f"({{ __label__ {done}; int {r} = {int(forall)}; {loops} {done}: ; {r}; }})"

    @EXPRESSIONS.handles(E.SetComp)
    def _SetComp(self, e: E.SetComp, sc: Scope) -> str:
        t = e.type
        c = self.ct(t)
        if not isinstance(t, (SetT, BagT)):
            raise NotNative(f"a comprehension of type {type_name(t)} is not native yet")
        acc = self.fresh("acc")

        def body(inner: Scope) -> str:
            return self.add_elem(acc, self.coerce(self.expr(e.elem, inner), e.elem.type, t.elem), t)

        return f"({{ {self.zero(c, acc)} {self.bindings(e.bindings, e.cond, sc, body)} {acc}; }})"

    def set_bit(self, acc: str, o: str, c: BitsC) -> str:
        if c.words == 0:
            return f"{acc} |= ({c.name})(1ULL << ({o}));"
        x = self.fresh("o")
        return f"{{ int {x} = {o}; {acc}.w[{x} >> 6] |= 1ULL << ({x} & 63); }}"

    @EXPRESSIONS.handles(E.MapComp)
    def _MapComp(self, e: E.MapComp, sc: Scope) -> str:
        t = e.type
        assert isinstance(t, MapT)
        c = self.ct(t)
        acc, i = self.fresh("acc"), self.fresh("i")
        key = f"l{e.key.uid}_{self.count()}"
        inner = sc.copy()
        inner.env[e.key.uid] = key
        value = self.coerce(self.expr(e.value, inner), e.value.type, t.value)
        n = universe_size(t.key)
        return (
            f"({{ {self.zero(c, acc)} for (int {i} = 0; {i} < {n}; {i}++) {{ "
            f"{self.ct(t.key).name} {key} = {self.value_at(i, t.key)}; {acc}.v[{i}] = {value}; }} {acc}; }})"
        )

    @EXPRESSIONS.handles(E.Sum)
    def _Sum(self, e: E.Sum, sc: Scope) -> str:
        acc = self.fresh("sum")
        loops = self.bindings(e.bindings, e.cond, sc, lambda inner: f"{acc} += {self.num(e.elem, inner)};")
        return f"({{ int64_t {acc} = 0; {loops} {acc}; }})"

    @EXPRESSIONS.handles(E.SetLit)
    def _SetLit(self, e: E.SetLit, sc: Scope) -> str:
        t = e.type
        if not isinstance(t, (SetT, BagT)):
            raise NotNative(f"{type_name(t)} literals are not native yet")
        c = self.ct(t)
        acc = self.fresh("acc")
        sets = "".join(self.add_elem(acc, self.coerce(self.expr(x, sc), x.type, t.elem), t) for x in e.elems)
        return f"({{ {self.zero(c, acc)} {sets} {acc}; }})"

    @EXPRESSIONS.handles(E.SeqLit)
    def _SeqLit(self, e: E.SeqLit, sc: Scope) -> str:
        t = e.type
        c = self.ct(t)
        assert isinstance(t, SeqT) and isinstance(c, SeqC)
        if len(e.elems) > t.max_len:
            raise NotNative("a sequence literal longer than its type")
        acc = self.fresh("acc")
        sets = "".join(f"{acc}.v[{i}] = {self.coerce(self.expr(x, sc), x.type, t.elem, x)};" for i, x in enumerate(e.elems))
        return f"({{ {self.zero(c, acc)} {acc}.n = {len(e.elems)}; {sets} {acc}; }})"

    @EXPRESSIONS.handles(E.Len)
    def _Len(self, e: E.Len, sc: Scope) -> str:
        t = e.operand.type
        if isinstance(e.operand, E.RangeSet):
            lo, hi = self.fresh("lo"), self.fresh("hi")
            return f"({{ int64_t {lo} = {self.num(e.operand.lo, sc)}, {hi} = {self.num(e.operand.hi, sc)}; {hi} < {lo} ? 0 : {hi} - {lo} + 1; }})"
        x = self.expr(e.operand, sc)
        if isinstance(t, SeqT):
            return f"((int64_t)({x}).n)"
        c = self.ct(t)
        if isinstance(c, ArrC) and not c.bag:
            return f"((int64_t)({x}).n)"
        if isinstance(c, ArrC):
            s, i, n = self.fresh("s"), self.fresh("i"), self.fresh("n")
            return f"({{ {c.name} {s} = {x}; int64_t {n} = 0; for (int {i} = 0; {i} < {s}.n; {i}++) {n} += {s}.v[{i}].c; {n}; }})"
        if isinstance(t, SetT):
            c = self.ct(t)
            assert isinstance(c, BitsC)
            if c.words == 0:
                return f"((int64_t)__builtin_popcountll((uint64_t)({x})))"
            s, w, n = self.fresh("s"), self.fresh("w"), self.fresh("n")
            return f"({{ {c.name} {s} = {x}; int64_t {n} = 0; for (int {w} = 0; {w} < {c.words}; {w}++) {n} += __builtin_popcountll({s}.w[{w}]); {n}; }})"
        raise NotNative(f"len of a {type_name(t)} is not native yet")

    @EXPRESSIONS.handles(E.MinMax)
    def _MinMax(self, e: E.MinMax, sc: Scope) -> str:
        op = e.operand
        better = "<" if e.op == "min" else ">"
        if isinstance(op, E.RangeSet):
            lo, hi = self.fresh("lo"), self.fresh("hi")
            pick = lo if e.op == "min" else hi
            return f"({{ int64_t {lo} = {self.num(op.lo, sc)}, {hi} = {self.num(op.hi, sc)}; if ({hi} < {lo}) sp_fail(); {pick}; }})"
        if isinstance(op, E.SetLit) and op.elems:
            acc = self.fresh("m")
            steps = "".join(f"{{ int64_t x = {self.num(x, sc)}; if (x {better} {acc}) {acc} = x; }}" for x in op.elems[1:])
            return f"({{ int64_t {acc} = {self.num(op.elems[0], sc)}; {steps} {acc}; }})"
        t = op.type
        if isinstance(t, SetT) and isinstance(t.elem, RangeT) and isinstance(self.ct(t), BitsC) and self.ct(t).words == 0:
            m = self.fresh("m")
            bit = f"__builtin_ctzll({m})" if e.op == "min" else f"(63 - __builtin_clzll({m}))"
            return f"({{ uint64_t {m} = (uint64_t)({self.expr(op, sc)}); if (!{m}) sp_fail(); (int64_t)({bit} + {t.elem.lo}); }})"
        acc, found = self.fresh("m"), self.fresh("f")
        if not isinstance(t, SetT) or not is_int(t.elem):
            raise NotNative(f"{e.op} of a {type_name(t)} is not native yet")
        holder = E.Local("_", -1, t.elem)
        inner_body = lambda inner: f"{{ int64_t x = (int64_t){inner.env[-1]}; if (!{found} || x {better} {acc}) {acc} = x; {found} = 1; }}"  # noqa: E731
        loops = self.bindings(((holder, op),), None, sc, inner_body)
        return f"({{ int64_t {acc} = 0; int {found} = 0; {loops} if (!{found}) sp_fail(); {acc}; }})"

    @EXPRESSIONS.handles(E.Construct)
    def _Construct(self, e: E.Construct, sc: Scope) -> str:
        t = e.type
        c = self.ct(t)
        acc = self.fresh("r")
        if isinstance(t, RecordT):
            sets = "".join(
                f"{acc}.f{i} = {self.coerce(self.expr(x, sc), x.type, ft, x)};"
                for i, ((_, x), (_, ft)) in enumerate(zip(e.fields, t.fields))
            )
            return f"({{ {self.zero(c, acc)} {sets} {acc}; }})"
        assert isinstance(t, VariantT) and isinstance(c, VariantC)
        ci = [k.name for k in t.cases].index(e.tag)
        case = t.cases[ci]
        sets = "".join(
            f"{acc}.u.c{ci}.f{i} = {self.coerce(self.expr(x, sc), x.type, ft, x)};"
            for i, ((_, x), (_, ft)) in enumerate(zip(e.fields, case.fields))
        )
        return f"({{ {self.zero(c, acc)} {acc}.tag = {ci}; {sets} {acc}; }})"

    @EXPRESSIONS.handles(E.IsCase)
    def _IsCase(self, e: E.IsCase, sc: Scope) -> str:
        t = e.operand.type
        assert isinstance(t, VariantT)
        ci = [k.name for k in t.cases].index(e.tag)
        return f"(({self.expr(e.operand, sc)}).tag == {ci})"

    @EXPRESSIONS.handles(E.GetField)
    def _GetField(self, e: E.GetField, sc: Scope) -> str:
        t = e.operand.type
        x = self.expr(e.operand, sc)
        if isinstance(t, RecordT):
            return f"(({x}).f{[n for n, _ in t.fields].index(e.field)})"
        assert isinstance(t, VariantT)
        v = self.fresh("v")
        having = [(ci, [n for n, _ in case.fields].index(e.field), dict(case.fields)[e.field]) for ci, case in enumerate(t.cases) if e.field in dict(case.fields)]
        if e.tag is not None:  # narrowed to one case (ir/expr.py GetField): only its field
            having = [h for h in having if t.cases[h[0]].name == e.tag]
        out = "(sp_fail(), " + self._zero_value(e.type) + ")"
        for ci, fi, ft in reversed(having):
            out = f"({v}.tag == {ci} ? {self.coerce(f'{v}.u.c{ci}.f{fi}', ft, e.type)} : {out})"
        return f"({{ {self.ct(t).name} {v} = {x}; {out}; }})"

    def _zero_value(self, t: Type) -> str:
        c = self.ct(t)
        if c.scalar:
            return f"(({c.name})0)"
        z = self.fresh("z")
        return f"({{ {self.zero(c, z)} {z}; }})"

    @EXPRESSIONS.handles(E.Index)
    def _Index(self, e: E.Index, sc: Scope) -> str:
        t = e.operand.type
        x = self.expr(e.operand, sc)
        inside = self.ranges is not None and self.ranges.index_ok(e)
        if isinstance(t, MapT):
            return f"(({x}).v[{self.key_position(e.index, t, sc, inside)}])"
        if isinstance(t, SeqT) and inside:
            s = self.fresh("s")
            return f"({{ {self.ct(t).name} {s} = {x}; {s}.v[{self.num(e.index, sc)} - 1]; }})"
        if isinstance(t, SeqT):
            s, i = self.fresh("s"), self.fresh("i")
            return (
                f"({{ {self.ct(t).name} {s} = {x}; int64_t {i} = {self.num(e.index, sc)}; "
                f"if ({i} < 1 || {i} > {s}.n) sp_fail(); {s}.v[{i} - 1]; }})"
            )
        raise NotNative(f"indexing a {type_name(t)} is not native yet")

    def key_position(self, key: E.Expr, t: MapT, sc: Scope, inside: bool = False) -> str:
        """The array position of a map key (an evaluation error outside a
        range key type, unless `inside`: proven by the range analysis)."""
        if isinstance(t.key, RangeT) and is_int(key.type) and inside:
            return f"((int)({self.num(key, sc)} - {t.key.lo}))"
        if isinstance(t.key, RangeT) and is_int(key.type) and not within(key.type, t.key):
            k = self.fresh("k")
            return f"({{ int64_t {k} = {self.num(key, sc)}; if ({k} < {t.key.lo} || {k} > {t.key.hi}) sp_fail(); (int)({k} - {t.key.lo}); }})"
        return self.ordinal(self.coerce(self.expr(key, sc), key.type, t.key), t.key)

    @EXPRESSIONS.handles(E.Slice)
    def _Slice(self, e: E.Slice, sc: Scope) -> str:
        t = e.type
        c = self.ct(t)
        src = self.ct(e.operand.type)
        s, r, lo, hi, i = (self.fresh(p) for p in ("s", "r", "lo", "hi", "i"))
        return (
            f"({{ {src.name} {s} = {self.expr(e.operand, sc)}; int64_t {lo} = {self.num(e.lo, sc)}, {hi} = {self.num(e.hi, sc)}; "
            f"{self.zero(c, r)} if ({lo} < 1) {lo} = 1; if ({hi} > {s}.n) {hi} = {s}.n; "
            f"for (int64_t {i} = {lo}; {i} <= {hi}; {i}++) {r}.v[{r}.n++] = {s}.v[{i} - 1]; {r}; }})"
        )

    @EXPRESSIONS.handles(E.Concat)
    def _Concat(self, e: E.Concat, sc: Scope) -> str:
        t = e.type
        assert isinstance(t, SeqT)
        c = self.ct(t)
        r, a, b, i = (self.fresh(p) for p in ("r", "a", "b", "i"))
        ca, cb = self.ct(e.left.type), self.ct(e.right.type)
        return (
            f"({{ {ca.name} {a} = {self.expr(e.left, sc)}; {cb.name} {b} = {self.expr(e.right, sc)}; "
            f"if ({a}.n + {b}.n > {t.max_len}) sp_fail(); {self.zero(c, r)} "
            f"for (int {i} = 0; {i} < {a}.n; {i}++) {r}.v[{r}.n++] = {a}.v[{i}]; "
            f"for (int {i} = 0; {i} < {b}.n; {i}++) {r}.v[{r}.n++] = {b}.v[{i}]; {r}; }})"
        )

    @EXPRESSIONS.handles(E.Append)
    def _Append(self, e: E.Append, sc: Scope) -> str:
        t = e.type
        assert isinstance(t, SeqT)
        c = self.ct(t)
        r, a, i = self.fresh("r"), self.fresh("a"), self.fresh("i")
        ca = self.ct(e.seq.type)
        elem = self.coerce(self.expr(e.elem, sc), e.elem.type, t.elem)
        return (
            f"({{ {ca.name} {a} = {self.expr(e.seq, sc)}; if ({a}.n >= {t.max_len}) sp_fail(); {self.zero(c, r)} "
            f"for (int {i} = 0; {i} < {a}.n; {i}++) {r}.v[{r}.n++] = {a}.v[{i}]; {r}.v[{r}.n++] = {elem}; {r}; }})"
        )

    @EXPRESSIONS.handles(E.Last)
    def _Last(self, e: E.Last, sc: Scope) -> str:
        s = self.fresh("s")
        check = "" if self.ranges is not None and self.ranges.nonempty(e.seq, self.ranges.facts_at(e)) else f"if (!{s}.n) sp_fail(); "
        return f"({{ {self.ct(e.seq.type).name} {s} = {self.expr(e.seq, sc)}; {check}{s}.v[{s}.n - 1]; }})"

    @EXPRESSIONS.handles(E.Unwrap)
    def _Unwrap(self, e: E.Unwrap, sc: Scope) -> str:
        c = self.ct(e.operand.type)
        assert isinstance(c, OptionC)
        o = self.fresh("o")
        return f"({{ {c.name} {o} = {self.expr(e.operand, sc)}; if (!{o}.some) sp_fail(); {o}.v; }})"

    @EXPRESSIONS.handles(E.ChooseExpr)
    def _ChooseExpr(self, e: E.ChooseExpr, sc: Scope) -> str:
        """The first element in canonical order that satisfies cond; an evaluation error if none does."""
        r, found, done = self.fresh("r"), self.fresh("f"), self.fresh("done")
        c = self.ct(e.type)

        def body(inner: Scope) -> str:
            return f"{r} = {self.coerce(inner.env[e.local.uid], e.local.type, e.type)}; {found} = 1; goto {done};"

        loops = self.bindings(((e.local, e.domain),), e.cond, sc, body)
        return f"({{ __label__ {done}; {self.zero(c, r)} int {found} = 0; {loops} {done}: ; if (!{found}) sp_fail(); {r}; }})"

    @EXPRESSIONS.handles(E.Fold)
    def _Fold(self, e: E.Fold, sc: Scope) -> str:
        """The accumulator through the body once per element, in canonical order."""
        acc = f"l{e.acc.uid}_{self.count()}"
        t = e.acc.type
        c = self.ct(t)
        init = self.coerce(self.expr(e.init, sc), e.init.type, t)

        def body(inner: Scope) -> str:
            inner.env[e.acc.uid] = acc
            return f"{acc} = {self.coerce(self.expr(e.body, inner), e.body.type, t)};"

        loops = self.bindings(((e.elem, e.domain),), None, sc, body)
        return f"({{ {c.name} {acc} = {init}; {loops} {acc}; }})"

    @EXPRESSIONS.handles(E.LetIn)
    def _LetIn(self, e: E.LetIn, sc: Scope) -> str:
        name = f"l{e.local.uid}_{self.count()}"
        inner = sc.copy()
        inner.env[e.local.uid] = name
        return f"({{ {self.declare(name, e.value, e.local.type, sc)} {self.expr(e.body, inner)}; }})"

    def declare(self, name: str, value: E.Expr, t: Type, sc: Scope) -> str:
        """`name = value` as a C declaration of a local of type t (ints stay
        as computed: the Python backend checks no range on a let)."""
        if is_int(value.type) and is_int(t):
            return f"int64_t {name} = {self.num(value, sc)};"
        return f"{self.ct(t).name} {name} = {self.coerce(self.expr(value, sc), value.type, t)};"


def _universe_in_order(t: Type) -> bool:
    """Is universe(t)'s order the Python backend's value order (sort_key) of t?"""
    match t:
        case BoolT() | RangeT() | AtomT() | EnumT():
            return True
        case OptionT(e):
            return _universe_in_order(e)
        case MapT(_, v):
            return _universe_in_order(v)
        case RecordT(fields=fs):
            return all(_universe_in_order(ft) for _, ft in fs)
        case VariantT(cases=cs):
            return all(_universe_in_order(ft) for c in cs for _, ft in c.fields)
    return False  # sets (bitmask ints), sequences (shorter first): another order


def _case_size(fields) -> int:
    n = 1
    for _, ft in fields:
        n *= universe_size(ft)
    return n
