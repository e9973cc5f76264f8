"""A Model -> one C source file: the state struct, the actions, the checks and
the chunk kernel the search calls (its Python side is kernel.py).

The exported functions (`CDEF`) take states as byte vectors of the layout in
c_types.py:

    sp_context(), sp_context_free(cx)
                        a caller's buffers (SpCtx): the successors, the new
                        states of sp_run and their scratch. Every function
                        that expands states takes one, so that threads
                        (explicit/threads.py) expand in parallel, one
                        context each; where an evaluation error unwinds to is
                        per thread (`__thread`), as is symmetry's scratch.
    sp_expand(cx, chunk, count, ends, failed)
        every action of each of `count` consecutive states, in the Python
        backend's order; successors and their fingerprints go to the
        context's buffers (sp_out, sp_fps), ends[i * actions + k] is the number of
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
    sp_rehash(old, n, table, bits)
                        the fingerprints of a slice of a table into a larger
                        one (threads may move slices at once)
    sp_many(what, states, count, out)
                        the invariants' (what 0) or the constraints' (1) verdict
                        for a batch of states, up to the first that raises
    sp_measure(k, s, out)  the value of the k-th `measure` in *out: 0, or -2 (error)
    sp_fingerprint(s)   the 64-bit fingerprint (never 0)
    sp_canonical(s)     s replaced, in place, by its orbit's representative
                        (symmetry reduction; c_symmetry.py), else unchanged
    sp_overflowed()     after a failure: 1 + the index (Layout.arrays) of a
                        sorted array that needed more than its capacity, else 0
    sp_run(cx, states, nchunks, sizes, table, bits, room, mark, deadlock, coverage, result)
                        partition.py's work for many chunks in one call (the
                        chunks are `sizes[c]` consecutive states each): expand,
                        drop the known (in `table`), check the constraints and
                        invariants, and store the new states (into the table,
                        add to `coverage`, output in sp_new_states /
                        sp_new_links), chunk by chunk. A chunk with anything to
                        report (an evaluation error, a deadlock candidate, a
                        failing invariant, an error in a constraint) is left
                        untouched and the call returns before it, so the search
                        runs that chunk through its one-chunk path and the
                        results stay those of chunk by chunk; so is a chunk
                        whose new states would pass *room (the slots every
                        caller may still fill; the table grows first). `mark`:
                        -1 when one thread stores, else the segment of a level
                        that threads expand at once (explicit/threads.py; the
                        table's marks are explained above sp_holds). result:
                        chunks done, status (0 all done, 1 stopped at a chunk
                        to report, 2 table full), successors generated, new
                        states needed, slots filled; returns the number of new
                        states.
    sp_unmark(table, fps, slots, n, mark, held)
                        the end of a segment's level: which of its claims stand
                        (held[i] = 1, the slot unmarked), the others taken over
                        by an earlier segment
    sp_remark(table, bits, fps, slots, n, mark, held)
                        the standing claims marked again after the table grew

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
typedef struct SpCtx SpCtx;
SpCtx *sp_context(void);
void sp_context_free(SpCtx *cx);
int64_t sp_expand(SpCtx *cx, const char *chunk, int64_t count, int64_t *ends, int64_t *failed);
char *sp_out(SpCtx *cx);
int64_t *sp_fps(SpCtx *cx);
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
void sp_rehash(const int64_t *old, int64_t n, int64_t *table, int bits);
int64_t sp_many(int what, const char *states, int64_t count, int64_t *out);
int sp_measure(int k, const char *s, int64_t *out);
int64_t sp_run(SpCtx *cx, const char *states, int64_t nchunks, const int64_t *sizes, int64_t *table, int bits,
               int64_t *room, int mark, int deadlock, int64_t *coverage, int64_t *result);
char *sp_new_states(SpCtx *cx);
int64_t *sp_new_links(SpCtx *cx);
void sp_unmark(int64_t *table, const int64_t *fps, int64_t *slots, int64_t n, int mark, uint8_t *held);
void sp_remark(int64_t *table, int bits, const int64_t *fps, int64_t *slots, int64_t n, int mark, const uint8_t *held);
"""

PRELUDE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

/* Where an evaluation error unwinds to: per thread, set by each exported function. */
static __thread jmp_buf sp_jb;
static void sp_fail(void) __attribute__((noreturn, cold));
static void sp_fail(void) { longjmp(sp_jb, 1); }
/* A sorted array (bag, set of ints...) past its capacity: the search starts over with more. */
static __thread volatile int sp_over = 0;
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
/* A caller's buffers: one per thread that expands states (native/kernel.py). */
struct SpCtx {
    char *buf; int64_t *fps; int64_t cap, n;   /* sp_emit: the successors, their fingerprints */
    volatile int64_t at, mark, i;              /* how far a call got when an error unwound it */
    char *nbuf; int64_t *nlinks; int64_t ncap; /* sp_run: the new states, their links */
    int64_t *ends, *cand, *fresh;              /* sp_run's scratch */
    int64_t ends_cap, cand_cap, fresh_cap;
};

SpCtx *sp_context(void) {
    SpCtx *cx = calloc(1, sizeof(SpCtx));
    if (!cx) abort();
    return cx;
}
void sp_context_free(SpCtx *cx) {
    if (!cx) return;
    free(cx->buf); free(cx->fps); free(cx->nbuf); free(cx->nlinks); free(cx->ends); free(cx->cand); free(cx->fresh);
    free(cx);
}

static void sp_emit(SpCtx *cx, const S *t) {
#ifdef SP_SYMMETRY
    S canon = *t;
    sp_canon(&canon);
    t = &canon;
#endif
    if (cx->n == cx->cap) {
        int64_t cap = cx->cap ? 2 * cx->cap : 4096;
        char *buf = realloc(cx->buf, cap * sizeof(S));
        int64_t *fps = realloc(cx->fps, cap * sizeof(int64_t));
        if (!buf || !fps) abort();
        cx->buf = buf; cx->fps = fps; cx->cap = cap;
    }
    memcpy(cx->buf + cx->n * sizeof(S), t, sizeof(S));
    cx->fps[cx->n] = sp_hash((const uint8_t *)t, sizeof(S));
    cx->n++;
}

char *sp_out(SpCtx *cx) { return cx->buf; }
int64_t *sp_fps(SpCtx *cx) { return cx->fps; }
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

int64_t sp_expand(SpCtx *cx, const char *chunk, int64_t count, int64_t *ends, int64_t *failed) {
    cx->n = 0;
    if (setjmp(sp_jb)) {
        cx->n = cx->mark;
        *failed = cx->at;
        return cx->n;
    }
    for (int64_t i = 0; i < count; i++) {
        S s;
        memcpy(&s, chunk + i * sizeof(S), sizeof(S));
        for (int k = 0; k < SP_ACTIONS; k++) {
            cx->at = i * SP_ACTIONS + k;
            cx->mark = cx->n;
            sp_actions[k](cx, &s);
            ends[cx->at] = cx->n;
        }
    }
    *failed = -1;
    return cx->n;
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

/* The fingerprint table (store.py's FingerprintSet: open addressing,
   Fibonacci hashing, linear probing, 0 empty) of 2^bits slots.

   Marks (explicit/threads.py). While threads expand the segments of a level
   at once, all storing into the one table, segment m > 0 stores a state it
   finds first as fp ^ (m << 56) (`sp_marked`): its claim. A segment that
   meets a claim of a later segment takes the state over (compare and swap),
   so that it ends with the first segment in rank order, as a one-thread
   search would have it; a claim of its own or of an earlier segment (or an
   unmarked fingerprint: an earlier level, or segment 0) means known. At the
   level's end every claim is unmarked (`sp_unmark`), which tells the
   segments which of their states stayed theirs. mark -1: one thread, no
   marks (plain loads and stores). Two fingerprints differing in the top
   byte only read as one marked: about 2^-56 per probe, far below the chance
   that two states share a fingerprint at all. */
static inline int64_t sp_slot(int64_t fp, int bits) { return (int64_t)(((uint64_t)fp * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); }
static inline int64_t sp_marked(int64_t fp, int mark) {
    return ((uint64_t)fp << 8) && mark > 0 ? (int64_t)((uint64_t)fp ^ ((uint64_t)mark << 56)) : fp;
}
/* The mark with which slot value v holds fp, or -1 if v is another fingerprint. */
static inline int sp_claim_of(int64_t v, int64_t fp) {
    uint64_t d = (uint64_t)v ^ (uint64_t)fp;
    return (d << 8) ? -1 : (int)(d >> 56);
}

/* Whether the table holds fp (with `mark` >= 0: unmarked or claimed by a segment up to mark). */
static inline int sp_holds(const int64_t *table, int bits, int64_t fp, int mark) {
    uint64_t mask = ((uint64_t)1 << bits) - 1, j = (uint64_t)sp_slot(fp, bits);
    for (;;) {
        int64_t v = __atomic_load_n(table + j, __ATOMIC_RELAXED);
        if (!v) return 0;
        if (mark < 0) {
            if (v == fp) return 1;
        } else {
            int m = sp_claim_of(v, fp);
            if (m >= 0) return m <= mark;
        }
        j = (j + 1) & mask;
    }
}

/* Store fp for segment `mark` (>= 0; other threads store meanwhile): 1 and
   its slot if it is now this segment's (a free slot taken, *filled counts
   it, or a later segment's claim taken over), 0 if known. */
static inline int sp_claim(int64_t *table, int bits, int64_t fp, int mark, int64_t *slot, int64_t *filled) {
    uint64_t mask = ((uint64_t)1 << bits) - 1, j = (uint64_t)sp_slot(fp, bits);
    int64_t mine = sp_marked(fp, mark);
    for (;;) {
        int64_t v = __atomic_load_n(table + j, __ATOMIC_RELAXED);
        if (!v) {
            if (__atomic_compare_exchange_n(table + j, &v, mine, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                *slot = (int64_t)j;
                (*filled)++;
                return 1;
            }
            continue;  /* taken meanwhile: look at it again */
        }
        int m = sp_claim_of(v, fp);
        if (m >= 0) {
            if (m <= mark) return 0;
            if (__atomic_compare_exchange_n(table + j, &v, mine, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                *slot = (int64_t)j;
                return 1;
            }
            continue;
        }
        j = (j + 1) & mask;
    }
}

/* Lookups SP_AHEAD fingerprints ahead ask for their slots' memory, so that the table's cache misses overlap. */
#define SP_AHEAD 8
static inline void sp_prefetch(const int64_t *table, int bits, int64_t fp) { __builtin_prefetch(table + sp_slot(fp, bits)); }

/* The size (log2) of a scratch table for n fingerprints: at most half full. */
static int sp_fresh_bits(int64_t n) {
    int fbits = 4;
    while (((int64_t)1 << fbits) < 2 * n + 2) fbits++;
    return fbits;
}

/* 1 if fp is new: `table` does not hold it (sp_holds, with `mark`), nor
   `fresh` (2^fbits slots: the ones taken so far), where it is then added. */
static inline int sp_new(const int64_t *table, int bits, int mark, int64_t fp, int64_t *fresh, int fbits) {
    if (sp_holds(table, bits, fp, mark)) return 0;
    uint64_t fmask = ((uint64_t)1 << fbits) - 1;
    uint64_t k = ((uint64_t)fp * 0x9E3779B97F4A7C15ULL) >> (64 - fbits);
    while (fresh[k] && fresh[k] != fp) k = (k + 1) & fmask;
    if (fresh[k]) return 0;
    fresh[k] = fp;
    return 1;
}

int64_t sp_unseen(const int64_t *table, int bits, const int64_t *fps, int64_t n, int64_t *out) {
    int fbits = sp_fresh_bits(n);
    int64_t *fresh = calloc((size_t)1 << fbits, sizeof(int64_t));
    if (!fresh) abort();
    int64_t found = 0;
    for (int64_t i = 0; i < n; i++)
        if (sp_new(table, bits, -1, fps[i], fresh, fbits)) out[found++] = i;
    free(fresh);
    return found;
}

void sp_insert(int64_t *table, int bits, const int64_t *fps, int64_t n) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < n; i++) {
        uint64_t j = (uint64_t)sp_slot(fps[i], bits);
        while (table[j]) j = (j + 1) & mask;
        table[j] = fps[i];
    }
}

void sp_contains(const int64_t *table, int bits, const int64_t *fps, int64_t n, uint8_t *out) {
    for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)sp_holds(table, bits, fps[i], -1);
}

/* The fingerprints of old[0..n) (0: an empty slot) into a larger table, with
   compare-and-swap: threads may move the old table's slices at once. */
void sp_rehash(const int64_t *old, int64_t n, int64_t *table, int bits) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t fp = old[i];
        if (!fp) continue;
        for (uint64_t j = (uint64_t)sp_slot(fp, bits);; j = (j + 1) & mask) {
            int64_t v = 0;
            if (__atomic_compare_exchange_n(table + j, &v, fp, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) break;
        }
    }
}

/* Of the states segment `mark` claimed (fps[i] at slots[i]; -1: none), held[i]
   = whether the claim stands, which is then unmarked; the others were taken
   over by an earlier segment. */
void sp_unmark(int64_t *table, const int64_t *fps, int64_t *slots, int64_t n, int mark, uint8_t *held) {
    for (int64_t i = 0; i < n; i++) {
        if (i + SP_AHEAD < n && slots[i + SP_AHEAD] >= 0) __builtin_prefetch(table + slots[i + SP_AHEAD], 1);
        /* other threads read and claim meanwhile, but none writes a slot holding a finished segment's claim */
        int ok = slots[i] >= 0 && __atomic_load_n(table + slots[i], __ATOMIC_RELAXED) == sp_marked(fps[i], mark);
        if (ok) __atomic_store_n(table + slots[i], fps[i], __ATOMIC_RELAXED);
        held[i] = (uint8_t)ok;
    }
}

/* After the table grew: the claims sp_unmark found standing (held) marked
   again at their new slots, the others' slots -1. */
void sp_remark(int64_t *table, int bits, const int64_t *fps, int64_t *slots, int64_t n, int mark, const uint8_t *held) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < n; i++) {
        if (!held[i]) { slots[i] = -1; continue; }
        uint64_t j = (uint64_t)sp_slot(fps[i], bits);
        while (table[j] != fps[i]) j = (j + 1) & mask;
        table[j] = sp_marked(fps[i], mark);
        slots[i] = (int64_t)j;
    }
}

/* out[i] = sp_inv (what 0) or sp_con (what 1) of state i, up to the first
   that raises; returns the number evaluated (count if none raised). */
int64_t sp_many(int what, const char *states, int64_t count, int64_t *out) {
    volatile int64_t i = 0;
    if (setjmp(sp_jb)) return i;
    for (; i < count; i++) {
        S s; memcpy(&s, states + i * sizeof(S), sizeof(S));
        out[i] = what == 0 ? sp_inv(&s) : sp_con(&s);
    }
    return count;
}


/* sp_run: the new states of the call and, per new state, 5 numbers: position
   of its parent in `states`, action, position among the parent's successors,
   fingerprint, slot in the table. */
char *sp_new_states(SpCtx *cx) { return cx->nbuf; }
int64_t *sp_new_links(SpCtx *cx) { return cx->nlinks; }

static void *sp_grow(void *p, int64_t *cap, int64_t need, size_t item) {
    if (need <= *cap) return p;
    int64_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    p = realloc(p, (size_t)c * item);
    if (!p) abort();
    *cap = c;
    return p;
}

/* 1 if the chunk of `count` states can be expanded without anything to
   report: no action raises, no step fails a transition invariant, no deadlock. */
static int sp_quiet(SpCtx *cx, const char *chunk, int64_t count, int deadlock) {
    cx->n = 0;
    if (setjmp(sp_jb)) return 0;
    for (cx->i = 0; cx->i < count; cx->i++) {
        S s;
        memcpy(&s, chunk + cx->i * sizeof(S), sizeof(S));
        int64_t before = cx->n;
        for (int k = 0; k < SP_ACTIONS; k++) {
            sp_actions[k](cx, &s);
            cx->ends[cx->i * SP_ACTIONS + k] = cx->n;
        }
#ifdef SP_TRANSITIONS
        for (int64_t j = before; j < cx->n; j++) {  /* every step but a stutter against the transition invariants */
            const S *t = (const S *)(cx->buf + j * sizeof(S));
            if (memcmp(&s, t, sizeof(S)) != 0 && sp_trans(&s, t) >= 0) return 0;
        }
#endif
        if (deadlock && cx->n == before && !sp_term(&s)) return 0;
    }
    return 1;
}

/* The candidates (unseen, each once) among the cx->n successors of the
   chunk's `count` states: their count. A self-loop (a successor with its
   parent's fingerprint) is known without a look in the table. */
static int64_t sp_run_candidates(SpCtx *cx, const char *chunk, int64_t count, const int64_t *table, int bits, int mark) {
    int fbits = sp_fresh_bits(cx->n);
    cx->fresh = sp_grow(cx->fresh, &cx->fresh_cap, (int64_t)1 << fbits, sizeof(int64_t));
    memset(cx->fresh, 0, sizeof(int64_t) << fbits);
    int64_t found = 0, i = 0, n = cx->n;
    for (int64_t at = 0; at < count && i < n; at++) {
        int64_t end = cx->ends[at * SP_ACTIONS + SP_ACTIONS - 1];
        if (i == end) continue;
        int64_t parent = sp_hash((const uint8_t *)(chunk + at * sizeof(S)), sizeof(S));
        for (; i < end; i++) {
            if (i + SP_AHEAD < n) sp_prefetch(table, bits, cx->fps[i + SP_AHEAD]);
            int64_t fp = cx->fps[i];
            if (fp != parent && sp_new(table, bits, mark, fp, cx->fresh, fbits)) cx->cand[found++] = i;
        }
    }
    return found;
}

/* The candidates' verdicts: -1 if a constraint or invariant raises or an
   invariant fails (the chunk has something to report), else how many are in
   the model (cx->cand keeps those, in order). */
static int64_t sp_checked(SpCtx *cx, int64_t ncand) {
    if (setjmp(sp_jb)) return -1;
    int64_t kept = 0;
    for (cx->i = 0; cx->i < ncand; cx->i++) {
        const S *t = (const S *)(cx->buf + cx->cand[cx->i] * sizeof(S));
        if (sp_inv(t) >= 0) return -1;
        int in = sp_con(t);
        if (in) cx->cand[kept++] = cx->cand[cx->i];
    }
    return kept;
}

int64_t sp_run(SpCtx *cx, const char *states, int64_t nchunks, const int64_t *sizes, int64_t *table, int bits,
               int64_t *room, int mark, int deadlock, int64_t *coverage, int64_t *result) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    int64_t stored = 0, generated = 0, filled = 0, lo = 0, c = 0;
    result[1] = 0;
    result[3] = 0;
    for (; c < nchunks; lo += sizes[c], c++) {
        const char *chunk = states + lo * sizeof(S);
        int64_t count = sizes[c];
        cx->ends = sp_grow(cx->ends, &cx->ends_cap, count * SP_ACTIONS + 1, sizeof(int64_t));
        if (!sp_quiet(cx, chunk, count, deadlock)) { result[1] = 1; break; }
        cx->cand = sp_grow(cx->cand, &cx->cand_cap, cx->n + 1, sizeof(int64_t));
        int64_t ncand = sp_run_candidates(cx, chunk, count, table, bits, mark);
        /* room for them all, taken from what every thread may still fill */
        if (__atomic_sub_fetch(room, ncand, __ATOMIC_RELAXED) < 0) {
            __atomic_add_fetch(room, ncand, __ATOMIC_RELAXED);
            result[1] = 2; result[3] = ncand;
            break;
        }
        int64_t kept = sp_checked(cx, ncand);
        if (kept < 0) { __atomic_add_fetch(room, ncand, __ATOMIC_RELAXED); result[1] = 1; break; }
        /* store: nothing in this chunk has to be reported */
        if (stored + kept > cx->ncap) {
            int64_t cap = cx->ncap ? cx->ncap : 4096;
            while (cap < stored + kept) cap *= 2;
            cx->nbuf = realloc(cx->nbuf, (size_t)cap * sizeof(S));
            cx->nlinks = realloc(cx->nlinks, (size_t)cap * 5 * sizeof(int64_t));
            if (!cx->nbuf || !cx->nlinks) abort();
            cx->ncap = cap;
        }
        const int64_t *ends = cx->ends;
        int64_t at = 0, was = filled;  /* the parent of the candidate (ascending) */
        for (int64_t q = 0; q < kept; q++) {
            int64_t i = cx->cand[q];
            int64_t fp = cx->fps[i], j;
            if (mark < 0) {
                j = sp_slot(fp, bits);
                while (table[j]) j = (j + 1) & mask;
                table[j] = fp;
                filled++;
            } else if (!sp_claim(table, bits, fp, mark, &j, &filled)) {
                continue;  /* stored by this or an earlier segment since the look */
            }
            while (ends[at * SP_ACTIONS + SP_ACTIONS - 1] <= i) at++;
            int k = 0;
            while (ends[at * SP_ACTIONS + k] <= i) k++;
            int64_t first = at ? ends[at * SP_ACTIONS - 1] : 0;
            memcpy(cx->nbuf + stored * sizeof(S), cx->buf + i * sizeof(S), sizeof(S));
            int64_t *link = cx->nlinks + 5 * stored;
            link[0] = lo + at; link[1] = k; link[2] = i - first; link[3] = fp; link[4] = j;
            coverage[3 * k + 2]++;
            stored++;
        }
        __atomic_add_fetch(room, ncand - (filled - was), __ATOMIC_RELAXED);
        int64_t prev = 0;
        for (int64_t i = 0; i < count * SP_ACTIONS; i++) {
            int64_t n = ends[i] - prev;
            prev = ends[i];
            int k = (int)(i % SP_ACTIONS);
            coverage[3 * k] += n > 0;
            coverage[3 * k + 1] += n;
        }
        generated += cx->n;
    }
    result[0] = c;
    result[2] = generated;
    result[4] = filled;
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
    if model.transitions:  # sp_run checks every step (not under symmetry: the steps' successors are canonical there)
        functions.append("#define SP_TRANSITIONS 1\n#ifdef SP_SYMMETRY\n#error transition invariants under symmetry run in Python\n#endif")
    functions.append(_measures(ex, [m.expr for m in model.measures]))
    table = ", ".join(f"act{k}" for k in range(nact)) or "0"
    parts = [
        PRELUDE,
        *layout.decls,
        f"typedef struct __attribute__((packed)) {{{members or ' uint8_t empty;'} }} S;",
        *ex.prototypes,
        *ex.helpers.values(),
        "typedef struct SpCtx SpCtx;",
        "static void sp_emit(SpCtx *cx, const S *t);",
        *functions,
        f"#define SP_ACTIONS {nact}",
        f"static void (*const sp_actions[])(SpCtx *, const S *) = {{ {table} }};",
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
    return f"static void act{k}(SpCtx *cx, const S *s) {{ {' '.join(loops)} {{ {body} }} {'}' * len(loops)} }}"


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
