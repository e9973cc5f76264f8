"""A Model -> one C source file: the state struct, the actions, the checks and
the chunk kernel the search calls (its Python side is kernel.py).

The exported functions (`CDEF`) take states as byte vectors of the layout in
c_types.py:

    sp_expand(chunk, count, ends, failed)
        every action of each of `count` consecutive states, in the Python
        backend's order; successors and their fingerprints go to buffers the
        module owns (sp_out, sp_fps), ends[i * actions + k] is the number of
        successors after action k of state i. On an evaluation error or a
        false assert, *failed is the index into ends of the failing (state,
        action), the successors that action made are dropped, and the count
        so far is returned; *failed is -1 otherwise.
    sp_invariants(s)    index of the first false invariant, -1, or -2 (error)
    sp_constraint(s)    1 / 0 (all constraints hold), -2 (error)
    sp_terminal(s)      1 / 0 (some terminal condition holds), -2 (error)
    sp_transitions(s, t) index of the first false transition invariant, -1, -2
    sp_unseen(table, bits, fps, n, out)
                        the positions of the fingerprints not in `table` (store.py's
                        FingerprintSet: open addressing, Fibonacci hashing, linear
                        probing, 0 empty), each fingerprint once (its first);
                        the count written to out
    sp_insert(table, bits, fps, n)
                        add distinct new fingerprints to such a table (room reserved)
    sp_contains(table, bits, fps, n, out)
                        out[i] = 1 if fps[i] is in such a table, else 0
    sp_many(what, states, count, out)
                        the invariants' (what 0) or the constraints' (1) verdict
                        for a batch of states, up to the first that raises
    sp_measure(k, s, out)  the value of the k-th `measure` in *out: 0, or -2 (error)
    sp_fingerprint(s)   the 64-bit fingerprint (never 0)
    sp_canonical(s)     s replaced, in place, by its orbit's representative
                        (symmetry reduction; c_symmetry.py), else unchanged
    sp_overflowed()     after a failure: 1 + the index (Layout.arrays) of a
                        sorted array that needed more than its capacity, else 0
    sp_run(states, nchunks, sizes, table, bits, room, deadlock, coverage, result)
                        partition.py's work for many chunks in one call (the
                        chunks are `sizes[c]` consecutive states each): expand,
                        drop the known, check the constraints and invariants,
                        and store the new states (insert into the table, add to
                        `coverage`, output in sp_new_states / sp_new_links), chunk
                        by chunk. A chunk with anything to report (an evaluation
                        error, a deadlock candidate, a failing invariant, an
                        error in a constraint) is left untouched and the call
                        returns before it, so the search runs that chunk through
                        its one-chunk path and the results stay those of chunk
                        by chunk; so is a chunk whose new states would pass
                        `room` (the table grows first). result: chunks done,
                        status (0 all done, 1 stopped at a chunk to report, 2
                        table full), successors generated, new states needed;
                        returns the number of new states.

Errors unwind with longjmp to the exported function, which reports them; the
search then asks the Python backend to re-execute the step (kernel.py).
"""

from __future__ import annotations

from specpy.ir.expr import Expr
from specpy.ir.model import Action, Model, StateVar
from specpy.ir.ranges import analyze
from specpy.ir.types import AtomT, Type, universe_size
from specpy.native.c_faults import fault_functions
from specpy.native.c_symmetry import SymmetryC
from specpy.native.c_expr import ExprC, Scope
from specpy.native.c_stmt import StmtC
from specpy.native.c_types import CType, Layout, NotNative

CDEF = """
int64_t sp_expand(const char *chunk, int64_t count, int64_t *ends, int64_t *failed);
char *sp_out(void);
int64_t *sp_fps(void);
int sp_invariants(const char *s);
int sp_constraint(const char *s);
int sp_terminal(const char *s);
int sp_transitions(const char *s, const char *t);
int64_t sp_fingerprint(const char *s);
int sp_state_size(void);
int sp_overflowed(void);
void sp_canonical(char *s);
int64_t sp_unseen(const int64_t *table, int bits, const int64_t *fps, int64_t n, int64_t *out);
void sp_insert(int64_t *table, int bits, const int64_t *fps, int64_t n);
void sp_contains(const int64_t *table, int bits, const int64_t *fps, int64_t n, uint8_t *out);
int64_t sp_many(int what, const char *states, int64_t count, int64_t *out);
int sp_measure(int k, const char *s, int64_t *out);
int64_t sp_run(const char *states, int64_t nchunks, const int64_t *sizes, int64_t *table, int bits,
               int64_t room, int deadlock, int64_t *coverage, int64_t *result);
char *sp_new_states(void);
int64_t *sp_new_links(void);
"""

PRELUDE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

static jmp_buf sp_jb;
static void sp_fail(void) __attribute__((noreturn, cold));
static void sp_fail(void) { longjmp(sp_jb, 1); }
/* A sorted array (bag, set of ints...) past its capacity: the search starts over with more. */
static volatile int sp_over = 0;
static void sp_overflow(int k) __attribute__((noreturn, cold));
static void sp_overflow(int k) { sp_over = k + 1; longjmp(sp_jb, 1); }

static inline int64_t sp_div(int64_t a, int64_t b) {
    if (b == 0) sp_fail();
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}
static inline int64_t sp_mod(int64_t a, int64_t b) {
    if (b == 0) sp_fail();
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

/* The fingerprint: 64-bit words mixed as in MurmurHash3's finaliser. */
static inline uint64_t sp_mix(uint64_t h) {
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL; h ^= h >> 33;
    return h;
}
static inline int64_t sp_hash(const uint8_t *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { uint64_t w; memcpy(&w, p + i, 8); h = sp_mix(h ^ w) + 0x9E3779B97F4A7C15ULL; }
    if (i < n) { uint64_t w = 0; memcpy(&w, p + i, n - i); h = sp_mix(h ^ w); }
    h = sp_mix(h);
    return h == 0 ? 1 : (int64_t)h;
}
"""

KERNEL = r"""
static char *sp_buf = 0;
static int64_t *sp_fp_buf = 0;
static int64_t sp_cap = 0, sp_n = 0;

static void sp_emit(const S *t) {
#ifdef SP_SYMMETRY
    S canon = *t;
    sp_canon(&canon);
    t = &canon;
#endif
    if (sp_n == sp_cap) {
        int64_t cap = sp_cap ? 2 * sp_cap : 4096;
        char *buf = realloc(sp_buf, cap * sizeof(S));
        int64_t *fps = realloc(sp_fp_buf, cap * sizeof(int64_t));
        if (!buf || !fps) abort();
        sp_buf = buf; sp_fp_buf = fps; sp_cap = cap;
    }
    memcpy(sp_buf + sp_n * sizeof(S), t, sizeof(S));
    sp_fp_buf[sp_n] = sp_hash((const uint8_t *)t, sizeof(S));
    sp_n++;
}

char *sp_out(void) { return sp_buf; }
int64_t *sp_fps(void) { return sp_fp_buf; }
int sp_state_size(void) { return (int)sizeof(S); }
int sp_overflowed(void) { return sp_over; }
void sp_canonical(char *p) {
#ifdef SP_SYMMETRY
    S s; memcpy(&s, p, sizeof(S)); sp_canon(&s); memcpy(p, &s, sizeof(S));
#else
    (void)p;
#endif
}
int64_t sp_fingerprint(const char *s) { return sp_hash((const uint8_t *)s, sizeof(S)); }

static volatile int64_t sp_at, sp_mark;

int64_t sp_expand(const char *chunk, int64_t count, int64_t *ends, int64_t *failed) {
    sp_n = 0;
    if (setjmp(sp_jb)) {
        sp_n = sp_mark;
        *failed = sp_at;
        return sp_n;
    }
    for (int64_t i = 0; i < count; i++) {
        S s;
        memcpy(&s, chunk + i * sizeof(S), sizeof(S));
        for (int k = 0; k < SP_ACTIONS; k++) {
            sp_at = i * SP_ACTIONS + k;
            sp_mark = sp_n;
            sp_actions[k](&s);
            ends[sp_at] = sp_n;
        }
    }
    *failed = -1;
    return sp_n;
}

int sp_invariants(const char *p) {
    S s; memcpy(&s, p, sizeof(S));
    if (setjmp(sp_jb)) return -2;
    return sp_inv(&s);
}
int sp_constraint(const char *p) {
    S s; memcpy(&s, p, sizeof(S));
    if (setjmp(sp_jb)) return -2;
    return sp_con(&s);
}
int sp_terminal(const char *p) {
    S s; memcpy(&s, p, sizeof(S));
    if (setjmp(sp_jb)) return -2;
    return sp_term(&s);
}
int sp_measure(int k, const char *p, int64_t *out) {
    S s; memcpy(&s, p, sizeof(S));
    if (setjmp(sp_jb)) return -2;
    *out = sp_meas(k, &s);
    return 0;
}
int sp_transitions(const char *p, const char *q) {
    S s, t; memcpy(&s, p, sizeof(S)); memcpy(&t, q, sizeof(S));
    if (memcmp(&s, &t, sizeof(S)) == 0) return -1;  /* a stutter step */
    if (setjmp(sp_jb)) return -2;
    return sp_trans(&s, &t);
}

/* The size (log2) of a scratch table for n fingerprints: at most half full. */
static int sp_fresh_bits(int64_t n) {
    int fbits = 4;
    while (((int64_t)1 << fbits) < 2 * n + 2) fbits++;
    return fbits;
}

/* The indexes i of fps[0..n) whose fingerprint `table` does not hold, each
   fingerprint once, in order; `fresh` (2^fbits zeroed slots) keeps the ones
   taken so far. Returns their count. */
static int64_t sp_filter_unseen(const int64_t *table, int bits, const int64_t *fps, int64_t n,
                                int64_t *fresh, int fbits, int64_t *out) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    uint64_t fmask = ((uint64_t)1 << fbits) - 1;
    int64_t found = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t fp = fps[i];
        uint64_t j = ((uint64_t)fp * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
        int seen = 0;
        while (table[j]) { if (table[j] == fp) { seen = 1; break; } j = (j + 1) & mask; }
        if (seen) continue;
        uint64_t k = ((uint64_t)fp * 0x9E3779B97F4A7C15ULL) >> (64 - fbits);
        while (fresh[k] && fresh[k] != fp) k = (k + 1) & fmask;
        if (fresh[k]) continue;
        fresh[k] = fp;
        out[found++] = i;
    }
    return found;
}

int64_t sp_unseen(const int64_t *table, int bits, const int64_t *fps, int64_t n, int64_t *out) {
    int fbits = sp_fresh_bits(n);
    int64_t *fresh = calloc((size_t)1 << fbits, sizeof(int64_t));
    if (!fresh) abort();
    int64_t found = sp_filter_unseen(table, bits, fps, n, fresh, fbits, out);
    free(fresh);
    return found;
}

void sp_insert(int64_t *table, int bits, const int64_t *fps, int64_t n) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < n; i++) {
        uint64_t j = ((uint64_t)fps[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
        while (table[j]) j = (j + 1) & mask;
        table[j] = fps[i];
    }
}

void sp_contains(const int64_t *table, int bits, const int64_t *fps, int64_t n, uint8_t *out) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < n; i++) {
        uint64_t j = ((uint64_t)fps[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
        uint8_t found = 0;
        while (table[j]) { if (table[j] == fps[i]) { found = 1; break; } j = (j + 1) & mask; }
        out[i] = found;
    }
}

/* out[i] = sp_inv (what 0) or sp_con (what 1) of state i, up to the first
   that raises; returns the number evaluated (count if none raised). */
int64_t sp_many(int what, const char *states, int64_t count, int64_t *out) {
    static volatile int64_t i;
    i = 0;
    if (setjmp(sp_jb)) return i;
    for (; i < count; i++) {
        S s; memcpy(&s, states + i * sizeof(S), sizeof(S));
        out[i] = what == 0 ? sp_inv(&s) : sp_con(&s);
    }
    return count;
}


/* sp_run: the new states of the call and, per new state, 4 numbers: position
   of its parent in `states`, action, position among the parent's successors,
   fingerprint. */
static char *sp_nbuf = 0;
static int64_t *sp_nlinks = 0;
static int64_t sp_ncap = 0;
static int64_t *sp_ends = 0, *sp_cand = 0, *sp_fresh = 0;
static int64_t sp_ends_cap = 0, sp_cand_cap = 0, sp_fresh_cap = 0;

char *sp_new_states(void) { return sp_nbuf; }
int64_t *sp_new_links(void) { return sp_nlinks; }

static void *sp_grow(void *p, int64_t *cap, int64_t need, size_t item) {
    if (need <= *cap) return p;
    int64_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    p = realloc(p, (size_t)c * item);
    if (!p) abort();
    *cap = c;
    return p;
}

static volatile int64_t sp_i;

/* 1 if the chunk of `count` states can be stored without anything to report. */
static int sp_quiet(const char *chunk, int64_t count, int deadlock) {
    sp_n = 0;
    if (setjmp(sp_jb)) return 0;
    for (sp_i = 0; sp_i < count; sp_i++) {
        S s;
        memcpy(&s, chunk + sp_i * sizeof(S), sizeof(S));
        int64_t before = sp_n;
        for (int k = 0; k < SP_ACTIONS; k++) {
            sp_actions[k](&s);
            sp_ends[sp_i * SP_ACTIONS + k] = sp_n;
        }
        if (deadlock && sp_n == before && !sp_term(&s)) return 0;
    }
    return 1;
}

/* The candidates (unseen, each once) among the sp_n successors: their count. */
static int64_t sp_run_candidates(const int64_t *table, int bits) {
    int fbits = sp_fresh_bits(sp_n);
    sp_fresh = sp_grow(sp_fresh, &sp_fresh_cap, (int64_t)1 << fbits, sizeof(int64_t));
    memset(sp_fresh, 0, sizeof(int64_t) << fbits);
    return sp_filter_unseen(table, bits, sp_fp_buf, sp_n, sp_fresh, fbits, sp_cand);
}

/* The candidates' verdicts: -1 if a constraint or invariant raises or an
   invariant fails (the chunk has something to report), else how many are in
   the model (sp_cand keeps those, in order). */
static int64_t sp_checked(int64_t ncand) {
    if (setjmp(sp_jb)) return -1;
    int64_t kept = 0;
    for (sp_i = 0; sp_i < ncand; sp_i++) {
        const S *t = (const S *)(sp_buf + sp_cand[sp_i] * sizeof(S));
        if (sp_inv(t) >= 0) return -1;
        int in = sp_con(t);
        if (in) sp_cand[kept++] = sp_cand[sp_i];
    }
    return kept;
}

int64_t sp_run(const char *states, int64_t nchunks, const int64_t *sizes, int64_t *table, int bits,
               int64_t room, int deadlock, int64_t *coverage, int64_t *result) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    int64_t stored = 0, generated = 0, lo = 0, c = 0;
    result[1] = 0;
    result[3] = 0;
    for (; c < nchunks; lo += sizes[c], c++) {
        const char *chunk = states + lo * sizeof(S);
        int64_t count = sizes[c];
        sp_ends = sp_grow(sp_ends, &sp_ends_cap, count * SP_ACTIONS + 1, sizeof(int64_t));
        if (!sp_quiet(chunk, count, deadlock)) { result[1] = 1; break; }
        sp_cand = sp_grow(sp_cand, &sp_cand_cap, sp_n + 1, sizeof(int64_t));
        int64_t ncand = sp_run_candidates(table, bits);
        if (ncand > room) { result[1] = 2; result[3] = ncand; break; }
        int64_t kept = sp_checked(ncand);
        if (kept < 0) { result[1] = 1; break; }
        /* store: nothing in this chunk has to be reported */
        if (stored + kept > sp_ncap) {
            int64_t cap = sp_ncap ? sp_ncap : 4096;
            while (cap < stored + kept) cap *= 2;
            sp_nbuf = realloc(sp_nbuf, (size_t)cap * sizeof(S));
            sp_nlinks = realloc(sp_nlinks, (size_t)cap * 4 * sizeof(int64_t));
            if (!sp_nbuf || !sp_nlinks) abort();
            sp_ncap = cap;
        }
        int64_t at = 0;  /* the parent of the candidate (ascending) */
        for (int64_t q = 0; q < kept; q++) {
            int64_t i = sp_cand[q];
            while (sp_ends[at * SP_ACTIONS + SP_ACTIONS - 1] <= i) at++;
            int k = 0;
            while (sp_ends[at * SP_ACTIONS + k] <= i) k++;
            int64_t first = at ? sp_ends[at * SP_ACTIONS - 1] : 0;
            int64_t fp = sp_fp_buf[i];
            uint64_t j = ((uint64_t)fp * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
            while (table[j]) j = (j + 1) & mask;
            table[j] = fp;
            memcpy(sp_nbuf + stored * sizeof(S), sp_buf + i * sizeof(S), sizeof(S));
            sp_nlinks[4 * stored] = lo + at;
            sp_nlinks[4 * stored + 1] = k;
            sp_nlinks[4 * stored + 2] = i - first;
            sp_nlinks[4 * stored + 3] = fp;
            coverage[3 * k + 2]++;
            stored++;
        }
        room -= kept;
        int64_t prev = 0;
        for (int64_t i = 0; i < count * SP_ACTIONS; i++) {
            int64_t n = sp_ends[i] - prev;
            prev = sp_ends[i];
            int k = (int)(i % SP_ACTIONS);
            coverage[3 * k] += n > 0;
            coverage[3 * k + 1] += n;
        }
        generated += sp_n;
    }
    result[0] = c;
    result[2] = generated;
    return stored;
}
"""


def generate(
    model: Model, capacities: dict[Type, int] | None = None, initial: tuple | None = None, symmetric: tuple[AtomT, ...] = ()
) -> str:
    """The C source of model (NotNative names the first construct it cannot
    compile); `capacities` of the sorted arrays (c_types.py), `initial`: an
    initial state (Python backend encoding), whose values a crash restores;
    `symmetric`: the types of symmetry reduction (c_symmetry.py), if on."""
    return generate_layout(model, capacities, initial, symmetric)[0]


def generate_layout(
    model: Model,
    capacities: dict[Type, int] | None = None,
    initial: tuple | None = None,
    symmetric: tuple[AtomT, ...] = (),
    ranges: bool = True,
) -> tuple[str, Layout]:
    """generate, and the layout it used; `ranges`: leave out the run-time
    checks the range analysis (ir/ranges.py) proves can never fail."""
    if len(model.invariants) > 120:
        raise NotNative("more than 120 invariants")
    layout = Layout(capacities)
    var_index = {v.name: i for i, v in enumerate(model.vars)}
    members = "".join(f" {_var_type(layout, v).name} v{i};" for i, v in enumerate(model.vars))
    ex = ExprC(layout, var_index, analyze(model) if ranges else None)
    st = StmtC(ex, {v.name: v.type for v in model.vars})
    functions: list[str] = []
    for k, a in enumerate(model.actions):
        functions.append(_action(ex, st, k, a))
    functions += fault_functions(ex, model, initial, len(model.actions))
    nact = len(functions)
    if symmetric:
        functions += SymmetryC(ex, model, symmetric).functions()
        functions.append("#define SP_SYMMETRY 1")
    functions.append(_checks(ex, "sp_inv", [i.expr for i in model.invariants], "-1", first_false=True))
    functions.append(_checks(ex, "sp_con", list(model.constraints), "1", first_false=False, op="&&"))
    functions.append(_checks(ex, "sp_term", list(model.terminals), "0", first_false=False, op="||"))
    functions.append(_transitions(ex, [t.expr for t in model.transitions]))
    functions.append(_measures(ex, [m.expr for m in model.measures]))
    table = ", ".join(f"act{k}" for k in range(nact)) or "0"
    parts = [
        PRELUDE,
        *layout.decls,
        f"typedef struct __attribute__((packed)) {{{members or ' uint8_t empty;'} }} S;",
        *ex.prototypes,
        *ex.helpers.values(),
        "static void sp_emit(const S *t);",
        *functions,
        f"#define SP_ACTIONS {nact}",
        f"static void (*const sp_actions[])(const S *) = {{ {table} }};",
        KERNEL,
    ]
    return "\n\n".join(parts) + "\n", layout


def _var_type(layout: Layout, v: StateVar) -> CType:
    """The C type of a state variable (NotNative located at its declaration)."""
    try:
        return layout.of(v.type)
    except NotNative as exc:
        exc.span = exc.span or v.span
        raise


def _action(ex: ExprC, st: StmtC, k: int, action: Action) -> str:
    """act<k>(s): the successors of every parameter tuple, in canonical order."""
    sc = Scope("n0")
    loops = []
    for local in action.params:
        ex.layout.element(local.type, "parameters")
        i, name = ex.fresh("p"), f"l{local.uid}_{ex.count()}"
        sc.env[local.uid] = name
        n = universe_size(local.type)
        loops.append(f"for (int {i} = 0; {i} < {n}; {i}++) {{ {ex.ct(local.type).name} {name} = {ex.value_at(i, local.type)};")
    body = f"S n0 = *s; {st.run(list(action.body), sc)}"
    return f"static void act{k}(const S *s) {{ {' '.join(loops)} {{ {body} }} {'}' * len(loops)} }}"


def _checks(ex: ExprC, name: str, exprs: list[Expr], none: str, first_false: bool, op: str = "") -> str:
    """A check over the state *s: the index of the first false expression
    (first_false), or the `op` chain of them; `none` when there are none."""
    sc = Scope("(*s)")
    if first_false:
        body = "".join(f"if (!({ex.expr(e, sc)})) return {i}; " for i, e in enumerate(exprs))
        return f"static int {name}(const S *s) {{ {body}return {none}; }}"
    chain = f" {op} ".join(f"({ex.expr(e, sc)})" for e in exprs) or none
    return f"static int {name}(const S *s) {{ return {chain}; }}"


def _measures(ex: ExprC, exprs: list[Expr]) -> str:
    """sp_meas(k, s): the value of the k-th measure (an integer expression) in *s."""
    sc = Scope("(*s)")
    cases = "".join(f"case {k}: return (int64_t)({ex.expr(e, sc)}); " for k, e in enumerate(exprs))
    return f"static int64_t sp_meas(int k, const S *s) {{ switch (k) {{ {cases}}} (void)s; return 0; }}"


def _transitions(ex: ExprC, exprs: list[Expr]) -> str:
    sc = Scope("(*s)", next_state="(*t)")
    body = "".join(f"if (!({ex.expr(e, sc)})) return {i}; " for i, e in enumerate(exprs))
    return f"static int sp_trans(const S *s, const S *t) {{ {body}return -1; }}"
