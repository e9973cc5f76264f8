"""Symmetry reduction in C: `sp_canon(S *s)` replaces a state by the
canonical representative of its orbit, before it is fingerprinted.

The construction is explicit/symmetry.py's, generated from the same `plan`
and compared in the same orders, so the representative is the Python
backend's, byte for byte: every atom of a symmetric type gets a signature
(what the state says about it alone), the candidate permutations are those
that put the atoms in signature order (atoms with equal signatures in every
order among themselves, or in one order when the type's signatures describe
every place its atoms can occur), and the representative is the smallest
permuted state among the candidates in value order (`sp_cmp_state`: the
variables that mention symmetric atoms, in declaration order, each by the
generated `cmp_N`, the C mirror of the codecs' `sort_key`). Both backends
therefore store the same states in the same order: counts, depth, verdicts,
shortest traces and the coverage's `new` column are identical.

Signature comparison per view (`sp_sigcmp_T`, symmetry.py's `View`):
"value" m[a] by cmp_N; "is" 0/1; "set" the template bits of the elements
about a the set holds, compared as a number from the highest byte down;
"shape" the rank of m[a]'s shape text among all shapes of the value type
(a table indexed by m[a]'s universe index and a, made here from
symmetry.py's `_shape`, so ranks order as the Python backend's strings).

Permuting a state renames every symmetric atom in it (generated `perm_N`
functions per type; map entries and set bits move to the renamed key's or
element's universe index; sorted arrays are re-sorted).
"""

from __future__ import annotations

from specpy.explicit.symmetry import View, _shape, mentions
from specpy.explicit.symmetry import plan as symmetry_plan
from specpy.ir.model import Model
from specpy.ir.types import AtomT, BagT, MapT, OptionT, RecordT, SeqT, SetT, Type, VariantT, type_name, universe, universe_size
from specpy.native.c_expr import ExprC
from specpy.native.c_types import ArrC, BitsC, NotNative


class SymmetryC:
    """The C of sp_canon for one model and its symmetric types."""

    def __init__(self, ex: ExprC, model: Model, types: tuple[AtomT, ...]) -> None:
        self.ex = ex
        self.model = model
        self.types = types
        self.fns: dict[Type, str] = {}
        for t in types:
            if len(t.members) > 255:
                raise NotNative(f"symmetric type {t.name} has more than 255 members")
        self.nmax = max(len(t.members) for t in types)
        ex.prototypes.insert(0, f"static __thread uint8_t sp_perm[{len(types)}][{self.nmax}];")

    # ------------------------------------------------------------ permuting values

    def permute(self, t: Type, x: str) -> str:
        """The value x of type t with every symmetric atom renamed by sp_perm."""
        if not mentions(t, self.types):
            return x
        if isinstance(t, AtomT):
            return f"(({self.ex.ct(t).name})sp_perm[{self.types.index(t)}][{x}])"
        return f"{self._fn(t)}({x})"

    def _moved(self, t: Type, i: str) -> str:
        """The universe index that index i of type t has after renaming."""
        if isinstance(t, AtomT):
            return f"sp_perm[{self.types.index(t)}][{i}]" if t in self.types else i
        if not mentions(t, self.types):
            return i
        return self.ex.ordinal(self.permute(t, self.ex.value_at(i, t)), t)

    def _fn(self, t: Type) -> str:
        found = self.fns.get(t)
        if found is not None:
            return found
        ex = self.ex
        c = ex.ct(t)
        name = self.fns[t] = f"perm_{len(self.fns)}"
        ex.prototypes.append(f"static {c.name} {name}({c.name} x);")
        body = [f"{c.name} r = x;"]
        match t:
            case RecordT(fields=fs):
                body += [f"r.f{i} = {self.permute(ft, f'x.f{i}')};" for i, (_, ft) in enumerate(fs) if mentions(ft, self.types)]
            case VariantT(cases=cs):
                for ci, case in enumerate(cs):
                    moves = [f"r.u.c{ci}.f{i} = {self.permute(ft, f'x.u.c{ci}.f{i}')};" for i, (_, ft) in enumerate(case.fields) if mentions(ft, self.types)]
                    if moves:
                        body.append(f"if (x.tag == {ci}) {{ {' '.join(moves)} }}")
            case OptionT(inner):
                body.append(f"if (x.some) r.v = {self.permute(inner, 'x.v')};")
            case SeqT(elem, _):
                body.append(f"for (int i = 0; i < x.n; i++) r.v[i] = {self.permute(elem, 'x.v[i]')};")
            case MapT(k, v):
                body.append(f"for (int i = 0; i < {universe_size(k)}; i++) r.v[{self._moved(k, 'i')}] = {self.permute(v, 'x.v[i]')};")
            case SetT(elem) if isinstance(c, BitsC):
                body.append("memset(&r, 0, sizeof r);")
                bit = ex.set_bit("r", "j", c)
                if c.words == 0:
                    body.append(f"uint64_t m = (uint64_t)x; while (m) {{ int i = __builtin_ctzll(m); m &= m - 1; int j = {self._moved(elem, 'i')}; {bit} }}")
                else:
                    body.append(
                        f"for (int w = 0; w < {c.words}; w++) {{ uint64_t m = x.w[w]; while (m) {{ int i = w * 64 + __builtin_ctzll(m); "
                        f"m &= m - 1; int j = {self._moved(elem, 'i')}; {bit} }} }}"
                    )
            case SetT(elem) | BagT(elem, _) if isinstance(c, ArrC):
                # Rename each element, then sort again (insertion sort: arrays are short).
                order = ex.compare(elem, "r.v[j - 1].e", "r.v[j].e")
                body.append(f"for (int i = 0; i < x.n; i++) r.v[i].e = {self.permute(elem, 'x.v[i].e')};")
                body.append(
                    f"for (int i = 1; i < r.n; i++) for (int j = i; j > 0 && {order} > 0; j--) "
                    f"{{ {c.entry} y = r.v[j]; r.v[j] = r.v[j - 1]; r.v[j - 1] = y; }}"
                )
            case _:
                raise NotNative(f"symmetry over values of type {type_name(t)} is not native yet")
        ex.helpers[name] = f"static {c.name} {name}({c.name} x) {{ {' '.join(body)} return r; }}"
        return name

    # ------------------------------------------------------------ signatures

    def _signature(self, ti: int, views: tuple[View, ...]) -> list[str]:
        """sp_sigprep_T (per-atom keys of the set and shape views) and sp_sigcmp_T (two atoms' signatures)."""
        ex = self.ex
        n = len(self.types[ti].members)
        prep: list[str] = []
        steps: list[str] = []
        out: list[str] = []
        for k, view in enumerate(views):
            var, t = view.var, view.type
            if view.kind == "value":
                assert isinstance(t, MapT)
                steps.append(f"{{ int r = {ex.compare(t.value, f's->v{var}.v[a]', f's->v{var}.v[b]')}; if (r) return r; }}")
            elif view.kind == "is":
                held = f"s->v{var}.some && s->v{var}.v == " if isinstance(t, OptionT) else f"s->v{var} == "
                steps.append(f"{{ int x = {held}a, y = {held}b; if (x != y) return x - y; }}")
            elif view.kind == "shape":
                assert isinstance(t, MapT)
                table = f"sp_shape_{ti}_{k}"
                out.append(self._shape_table(table, t.value, t.key))
                out.append(f"static __thread uint16_t {table}_of[{n}];")  # scratch: per thread (threads.py)
                prep.append(f"for (int a = 0; a < {n}; a++) {table}_of[a] = {table}[{ex.ordinal(f's->v{var}.v[a]', t.value)} * {n} + a];")
                steps.append(f"if ({table}_of[a] != {table}_of[b]) return {table}_of[a] < {table}_of[b] ? -1 : 1;")
            else:
                rows = f"sp_rows_{ti}_{k}"
                nbytes = (view.templates + 7) // 8
                flat = [(bit, tpl) for a in range(n) for bit, tpl in view.rows[a]]
                starts = [0]
                for a in range(n):
                    starts.append(starts[-1] + len(view.rows[a]))
                out.append(f"static const int {rows}_at[] = {{{', '.join(map(str, starts))}}};")
                out.append(f"static const int {rows}[] = {{{', '.join(f'{b}, {h}' for b, h in flat) or '0'}}};")
                out.append(f"static __thread uint8_t {rows}_of[{n}][{nbytes}];")
                c = ex.ct(t)
                if not isinstance(c, BitsC):
                    raise NotNative(f"symmetry over a {type_name(t)} held as a sorted array is not native yet")
                has = f"(((uint64_t)s->v{var} >> b) & 1)" if c.words == 0 else f"((s->v{var}.w[b >> 6] >> (b & 63)) & 1)"
                prep.append(
                    f"memset({rows}_of, 0, sizeof {rows}_of); for (int a = 0; a < {n}; a++) "
                    f"for (int r = {rows}_at[a]; r < {rows}_at[a + 1]; r++) {{ int b = {rows}[2 * r], h = {rows}[2 * r + 1]; "
                    f"if {has} {rows}_of[a][h >> 3] |= (uint8_t)(1u << (h & 7)); }}"
                )
                steps.append(
                    f"for (int i = {nbytes} - 1; i >= 0; i--) if ({rows}_of[a][i] != {rows}_of[b][i]) "
                    f"return {rows}_of[a][i] < {rows}_of[b][i] ? -1 : 1;"
                )
        out.append(f"static void sp_sigprep_{ti}(const S *s) {{ {' '.join(prep)} (void)s; }}")
        out.append(f"static int sp_sigcmp_{ti}(const S *s, int a, int b) {{ {' '.join(steps)} (void)s; (void)a; (void)b; return 0; }}")
        return out

    def _shape_table(self, name: str, value: Type, key: AtomT) -> str:
        """The rank of each (value, atom) shape among all of them, indexed by universe index * atoms + atom."""
        n = len(key.members)
        shapes = [_shape(value, v, self.types, (key, a)) for v in universe(value) for a in range(n)]
        rank = {x: i for i, x in enumerate(sorted(set(shapes)))}
        return f"static const uint16_t {name}[] = {{{', '.join(str(rank[x]) for x in shapes)}}};"

    # ------------------------------------------------------------ the canonical form

    def functions(self) -> list[str]:
        """sp_canon and what it needs (after the permute helpers are made)."""
        out = []
        perm_state = []
        order = []
        for i, v in enumerate(self.model.vars):
            if mentions(v.type, self.types):
                perm_state.append(f"t->v{i} = {self.permute(v.type, f's->v{i}')};")
                order.append(f"{{ int r = {self.ex.compare(v.type, f'a->v{i}', f'b->v{i}')}; if (r) return r; }}")
        out.append(f"static void sp_permute(const S *s, S *t) {{ *t = *s; {' '.join(perm_state)} }}")
        out.append(f"static int sp_cmp_state(const S *a, const S *b) {{ {' '.join(order)} return 0; }}")
        plan = symmetry_plan(tuple(v.type for v in self.model.vars), self.types)
        for ti, views in enumerate(plan.views):
            out += self._signature(ti, views)
        nt = str(len(self.types))
        fill = {
            "NT_": nt,
            "NMAX_": str(self.nmax),
            "PREPS_": ", ".join(f"sp_sigprep_{ti}" for ti in range(len(self.types))),
            "CMPS_": ", ".join(f"sp_sigcmp_{ti}" for ti in range(len(self.types))),
            "SIZES_": ", ".join(str(len(t.members)) for t in self.types),
            "COMPLETE_": ", ".join(str(int(c)) for c in plan.complete),
        }
        canon = CANON
        for k, v in fill.items():
            canon = canon.replace(k, v)
        out.append(canon)
        return out


#: Candidate enumeration: per type, atoms sorted by signature; the tie classes
#: are permuted among themselves (odometer of next_permutation), unless the
#: signatures are complete; every combination over the types is tried, and
#: the smallest in value order (sp_cmp_state) is kept.
CANON = r"""
static void (*const sp_sigpreps[NT_])(const S *) = { PREPS_ };
static int (*const sp_sigcmps[NT_])(const S *, int, int) = { CMPS_ };
static const int sp_sizes[NT_] = { SIZES_ };
static const int sp_complete[NT_] = { COMPLETE_ };
static __thread int sp_order[NT_][NMAX_], sp_class[NT_][NMAX_];  /* scratch: per thread (threads.py) */
static __thread S sp_best;
static __thread int sp_have;

static int sp_next_perm(int *a, int n) {
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1]) i--;
    if (i < 0) { for (int l = 0, r = n - 1; l < r; l++, r--) { int x = a[l]; a[l] = a[r]; a[r] = x; } return 0; }
    int j = n - 1;
    while (a[j] <= a[i]) j--;
    int x = a[i]; a[i] = a[j]; a[j] = x;
    for (int l = i + 1, r = n - 1; l < r; l++, r--) { x = a[l]; a[l] = a[r]; a[r] = x; }
    return 1;
}

/* The next arrangement of the tie classes of type ti (0 when back at the first). */
static int sp_next_arrangement(int ti) {
    int n = sp_sizes[ti], *o = sp_order[ti], *c = sp_class[ti];
    int end = n;
    while (end > 0) {
        int start = end - 1;
        while (start > 0 && c[start - 1] == c[end - 1]) start--;
        if (end - start > 1 && sp_next_perm(o + start, end - start)) return 1;
        end = start;
    }
    return 0;
}

static void sp_candidates(const S *s, int ti) {
    if (ti == NT_) {
        S t;
        sp_permute(s, &t);
        if (!sp_have || sp_cmp_state(&t, &sp_best) < 0) { sp_best = t; sp_have = 1; }
        return;
    }
    do {
        for (int pos = 0; pos < sp_sizes[ti]; pos++) sp_perm[ti][sp_order[ti][pos]] = (uint8_t)pos;
        sp_candidates(s, ti + 1);
    } while (!sp_complete[ti] && sp_next_arrangement(ti));
}

static void sp_canon(S *s) {
    for (int ti = 0; ti < NT_; ti++) {
        int n = sp_sizes[ti], *o = sp_order[ti], *c = sp_class[ti];
        int (*by_sig)(const S *, int, int) = sp_sigcmps[ti];
        sp_sigpreps[ti](s);
        for (int a = 0; a < n; a++) o[a] = a;
        /* a stable sort by signature, as Python's sorted */
        for (int i = 1; i < n; i++) for (int j = i; j > 0 && by_sig(s, o[j - 1], o[j]) > 0; j--) { int x = o[j]; o[j] = o[j - 1]; o[j - 1] = x; }
        c[0] = 0;
        for (int i = 1; i < n; i++) c[i] = c[i - 1] + (by_sig(s, o[i - 1], o[i]) != 0);
    }
    sp_have = 0;
    sp_candidates(s, 0);
    *s = sp_best;
}
"""
