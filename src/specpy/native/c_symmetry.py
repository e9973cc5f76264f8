"""Symmetry reduction in C: `sp_canon(S *s)` replaces a state by the
canonical representative of its orbit, before it is fingerprinted.

The construction is explicit/symmetry.py's: every atom of a symmetric type
gets a signature (what the state says about it alone), the candidate
permutations are those that put the atoms in signature order (atoms with
equal signatures in every order among themselves, or in one order when the
signatures describe every place an atom can occur), and the representative
is the smallest permuted state among the candidates. Signatures move with
the atoms, so the candidates of π(s) have the same images as those of s and
the smallest is an orbit invariant: exact, with the Python backend's counts
(distinct states are orbits). The order among candidates is the bytes'
(memcmp), not the Python backend's (hash, then value), so the representative
may be another member of the orbit: counts, depth and verdicts are the same,
while which shortest trace is found first (and the per-action `new` column
of the coverage) may differ.

Signature views, per atom a of a symmetric type T (the Python backend's):
`m[a]` of a map [T -> V] whose values mention no symmetric atom (its bytes);
`x == a` for a variable of type T or T?; for a bitmask set whose elements
mention at most one symmetric atom, which elements about a it holds (as a
bitmask over their shapes: the element with a written "@" and other atoms
"*", ids computed here by symmetry.py's `_shape`).

Permuting a state renames every symmetric atom in it (generated `perm_N`
functions per type; map entries and set bits move to the renamed key's or
element's universe index; sorted arrays are re-sorted).
"""

from __future__ import annotations

from specpy.explicit.symmetry import _occurrences, _shape, mentions
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

    def _views(self, ti: int) -> tuple[list[tuple[str, int]], bool]:
        """(C statements appending atom `a`'s view bytes at `p`, their byte count), and whether they are complete."""
        t = self.types[ti]
        ex = self.ex
        views: list[tuple[str, int]] = []
        complete = True
        for i, v in enumerate(self.model.vars):
            vt = v.type
            if not mentions(vt, self.types):
                continue
            if isinstance(vt, MapT) and vt.key == t and not mentions(vt.value, self.types):
                size = ex.ct(vt.value).size
                views.append((f"memcpy(p, &s->v{i}.v[a], {size}); p += {size};", size))
            elif isinstance(vt, MapT) and isinstance(vt.key, AtomT) and vt.key in self.types:
                complete = False  # votedFor[a] mentions atoms: not in the signature
            elif vt == t:
                views.append((f"*p++ = s->v{i} == a;", 1))
            elif isinstance(vt, OptionT) and vt.inner == t:
                views.append((f"*p++ = s->v{i}.some && s->v{i}.v == a;", 1))
            elif isinstance(vt, SetT) and isinstance(ex.ct(vt), BitsC):
                view, whole = self._set_view(i, vt, ti)
                complete &= whole
                if view is not None:
                    views.append(view)
            else:
                complete = False
        return views, complete

    def _set_view(self, var: int, t: SetT, ti: int) -> tuple[tuple[str, int] | None, bool]:
        """The shapes of the elements about atom a that set variable `var` holds (symmetry.py's set views)."""
        c = self.ex.ct(t)
        assert isinstance(c, BitsC)
        sym = self.types[ti]
        rows: dict[int, list[tuple[int, int]]] = {}
        shapes: dict[str, int] = {}
        whole = True
        for bit, v in enumerate(universe(t.elem)):
            occ = set(_occurrences(t.elem, v, self.types))
            whole &= len(occ) <= 1
            for at, a in occ:
                if at == sym:
                    shape = shapes.setdefault(_shape(t.elem, v, self.types, (at, a)), len(shapes))
                    rows.setdefault(a, []).append((bit, shape))
        if not shapes:
            return None, whole
        nbytes = (len(shapes) + 7) // 8
        table = f"sp_rows_{var}_{ti}"
        flat = [(a, bit, shape) for a in range(len(sym.members)) for bit, shape in rows.get(a, [])]
        starts = [0] * (len(sym.members) + 1)
        for a, _, _ in flat:
            starts[a + 1] += 1
        for a in range(len(sym.members)):
            starts[a + 1] += starts[a]
        self.ex.prototypes.insert(0, f"static const int {table}_at[] = {{{', '.join(map(str, starts))}}};")
        self.ex.prototypes.insert(0, f"static const int {table}[] = {{{', '.join(f'{b}, {s}' for _, b, s in flat) or '0'}}};")
        word = "(uint64_t)s->v{var}".format(var=var) if c.words == 0 else None
        has = f"(({word} >> b) & 1)" if word else f"((s->v{var}.w[b >> 6] >> (b & 63)) & 1)"
        code = (
            f"memset(p, 0, {nbytes}); for (int r = {table}_at[a]; r < {table}_at[a + 1]; r++) {{ int b = {table}[2 * r], h = {table}[2 * r + 1]; "
            f"if {has} p[h >> 3] |= (uint8_t)(1u << (h & 7)); }} p += {nbytes};"
        )
        return (code, nbytes), whole

    # ------------------------------------------------------------ the canonical form

    def functions(self) -> list[str]:
        """sp_canon and what it needs (after the permute helpers are made)."""
        out = []
        nmax = self.nmax
        perm_state = []
        for i, v in enumerate(self.model.vars):
            if mentions(v.type, self.types):
                perm_state.append(f"t->v{i} = {self.permute(v.type, f's->v{i}')};")
        out.append(f"static void sp_permute(const S *s, S *t) {{ *t = *s; {' '.join(perm_state)} }}")
        # Per type: atoms sorted by signature, tie classes, and whether one order suffices.
        steps = []
        longest = 1
        for ti, t in enumerate(self.types):
            views, complete = self._views(ti)
            n = len(t.members)
            size = sum(s for _, s in views)
            longest = max(longest, size)
            fill = " ".join(code for code, _ in views)
            steps.append(
                f"static int sp_sig_{ti}(const S *s, uint8_t *sig) {{ int len = {size}; "
                f"for (int a = 0; a < {n}; a++) {{ uint8_t *p = sig + a * len; {fill} (void)p; }} return len; }}"
            )
            steps.append(f"#define SP_COMPLETE_{ti} {int(complete)}")
        out += steps
        sig_fns = ", ".join(f"sp_sig_{ti}" for ti in range(len(self.types)))
        sizes = ", ".join(str(len(t.members)) for t in self.types)
        complete = ", ".join(f"SP_COMPLETE_{ti}" for ti in range(len(self.types)))
        out.append(CANON.replace("NT_", str(len(self.types))).replace("NMAX_", str(nmax)).replace("SIGMAX_", str(longest))
                   .replace("SIGFNS_", sig_fns).replace("SIZES_", sizes).replace("COMPLETE_", complete))
        return out


#: Candidate enumeration: per type, atoms sorted by signature; the tie classes
#: are permuted among themselves (odometer of next_permutation), unless the
#: signatures are complete; every combination over the types is tried.
CANON = r"""
static int (*const sp_sigs[NT_])(const S *, uint8_t *) = { SIGFNS_ };
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
        if (!sp_have || memcmp(&t, &sp_best, sizeof(S)) < 0) { sp_best = t; sp_have = 1; }
        return;
    }
    do {
        for (int pos = 0; pos < sp_sizes[ti]; pos++) sp_perm[ti][sp_order[ti][pos]] = (uint8_t)pos;
        sp_candidates(s, ti + 1);
    } while (!sp_complete[ti] && sp_next_arrangement(ti));
}

static __thread uint8_t sp_sigbuf[NMAX_ * SIGMAX_];
static __thread int sp_siglen;

static int sp_by_sig(int a, int b) { return memcmp(sp_sigbuf + a * sp_siglen, sp_sigbuf + b * sp_siglen, sp_siglen); }

static void sp_canon(S *s) {
    for (int ti = 0; ti < NT_; ti++) {
        int n = sp_sizes[ti], *o = sp_order[ti], *c = sp_class[ti];
        sp_siglen = sp_sigs[ti](s, sp_sigbuf);
        for (int a = 0; a < n; a++) o[a] = a;
        for (int i = 1; i < n; i++) for (int j = i; j > 0 && sp_by_sig(o[j - 1], o[j]) > 0; j--) { int x = o[j]; o[j] = o[j - 1]; o[j - 1] = x; }
        c[0] = 0;
        for (int i = 1; i < n; i++) c[i] = c[i - 1] + (sp_by_sig(o[i - 1], o[i]) != 0);
        /* each class in ascending atom order, where next_permutation starts */
        for (int i = 0; i < n;) { int j = i; while (j < n && c[j] == c[i]) j++;
            for (int x = i + 1; x < j; x++) for (int y = x; y > i && o[y - 1] > o[y]; y--) { int z = o[y]; o[y] = o[y - 1]; o[y - 1] = z; }
            i = j; }
    }
    sp_have = 0;
    sp_candidates(s, 0);
    *s = sp_best;
}
"""
