"""Which Z3 encoding is fastest: ranges as Int vs bit-vectors, collections as
per-element terms vs arrays (issue #4, part 1). A bench-only prototype.

The product (src/specpy/smt/values.py) encodes a `lo..hi` value as an Int
term with range constraints and a set/bag/map as one term per element of
its finite universe. The two alternatives are produced here by rewriting
the formulas the product hands to its solver, so that every variant solves
the *same* queries (same unrolling, same checks, same order) and differs
only in the theory Z3 sees:

  bv     every Int term becomes a bit-vector just wide enough for its static
         interval (state components from their types, `stepK` selectors from
         the number of transitions, + - * by interval arithmetic; operands are
         sign-extended to a common width, so no operation can overflow);
  array  the components of every set, bag and map state variable live in
         Z3 arrays indexed by the component's position (one Bool and one
         Int array per variable and state): `x!17` becomes `Select(A, 4)`.

Measured per spec: BMC to depth K (`specpy check --backend z3 --depth K`)
and, where the spec's invariants are inductive, `specpy prove` with k = 1
(base and step case). Reported: CPU seconds of the whole run and of the Z3
`check` calls alone (the rewriting itself is Python and not part of what an
encoding would cost), medians of --runs; the verdicts of the variants must
agree. Output: a markdown table (bench/results.md, "SMT encodings").

    python bench/smt_encodings.py              # twophase (7 RMs), paxos, raft_abstract
    python bench/smt_encodings.py --runs 1 --only paxos
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import z3

from specpy.ir.model import Model
from specpy.options import Overrides
from specpy.pipeline import load
from specpy.smt.bmc import Bmc, Solver
from specpy.smt.induction import step_case
from specpy.smt.system import StateVars, System
from specpy.smt.values import BagV, MapV, Num, OptV, RecordV, SeqV, SetV, VariantV

ROOT = Path(__file__).resolve().parents[1]
SEVEN_RMS = Overrides(types={"RM": tuple(f"r{i}" for i in range(1, 8))})


@dataclass(frozen=True)
class Case:
    label: str
    spec: str
    overrides: Overrides
    depth: int  # BMC depth K
    prove: bool  # the spec's invariants are inductive at k = 1


CASES = [
    Case("twophase, 7 RMs", "twophase.spec", SEVEN_RMS, 10, True),
    Case("paxos", "paxos.spec", Overrides(), 8, True),
    Case("raft_abstract", "raft_abstract.spec", Overrides(), 4, False),
]


# ---------------------------------------------------------------- what a state's constants are


def parts(v) -> list:
    """The scalar components of a symbolic value (Num or Bool), in Fresh's creation order."""
    match v:
        case Num():
            return [v]
        case RecordV():
            return [c for f in v.fields for c in parts(f)]
        case VariantV():
            return [v.tag] + [c for case in v.cases for f in case for c in parts(f)]
        case OptV():
            return [v.some] + parts(v.value)
        case SetV():
            return list(v.bits)
        case BagV():
            return list(v.counts)
        case MapV():
            return [c for x in v.values for c in parts(x)]
        case SeqV():
            return [v.length] + [c for e in v.elems for c in parts(e)]
    return [v]  # a Bool


class Layout:
    """For one model: each state constant's position (`!n`), its interval
    if it is an Int, and its array slot if it belongs to a collection."""

    def __init__(self, model: Model):
        probe = StateVars(model, "probe")
        position = {c.get_id(): n for n, c in enumerate(probe.consts)}
        self.bounds: dict[int, tuple[int, int]] = {}
        self.slot: dict[int, tuple[str, int]] = {}  # n -> (array name suffix, index)
        for var in model.vars:
            value = probe.values[var.name]
            sizes = {"bool": 0, "int": 0}
            for c in parts(value):
                term = c.term if isinstance(c, Num) else c
                n = position[term.get_id()]
                if isinstance(c, Num):
                    self.bounds[n] = (c.lo, c.hi)
                if isinstance(value, (SetV, BagV, MapV)):
                    sort = "int" if isinstance(c, Num) else "bool"
                    self.slot[n] = (f"{var.name}.{sort}", sizes[sort])
                    sizes[sort] += 1


def state_const(e: z3.ExprRef) -> tuple[str, int] | None:
    """('s3', 17) for the constant `s3!17`."""
    name = e.decl().name()
    prefix, bang, n = name.partition("!")
    return (prefix, int(n)) if bang and n.isdigit() else None


# ---------------------------------------------------------------- the rewritings


class ToArrays:
    """Collection components of each state -> Select on that state's arrays."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.pairs: dict[str, list] = {}

    def prefix_pairs(self, prefix: str) -> list:
        if prefix not in self.pairs:
            out = []
            for n, (array, i) in self.layout.slot.items():
                name, sort = array.rsplit(".", 1)
                elem = z3.BoolSort() if sort == "bool" else z3.IntSort()
                a = z3.Array(f"{prefix}.{name}.{sort}", z3.IntSort(), elem)
                const = z3.Bool(f"{prefix}!{n}") if sort == "bool" else z3.Int(f"{prefix}!{n}")
                out.append((const, z3.Select(a, i)))
            self.pairs[prefix] = out
        return self.pairs[prefix]

    def __call__(self, f: z3.BoolRef, prefixes: list[str]) -> z3.BoolRef:
        pairs = [p for prefix in prefixes for p in self.prefix_pairs(prefix)]
        return z3.substitute(f, *pairs) if pairs else f


def width(lo: int, hi: int) -> int:
    """Bits of the smallest two's-complement bit-vector holding lo..hi."""
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w


class ToBitVectors:
    """Every Int term -> a bit-vector wide enough for its interval."""

    def __init__(self, layout: Layout, selectors: int):
        self.layout = layout
        self.selectors = selectors  # a `stepK`/`init` selector is in 0..selectors-1
        self.memo: dict[int, tuple] = {}  # AST id -> (the AST, kept alive so its id stays its own; result)

    def __call__(self, f: z3.BoolRef, prefixes: list[str]) -> z3.BoolRef:
        return self.boolean(f)

    def boolean(self, e: z3.ExprRef) -> z3.ExprRef:
        key = e.get_id()
        if key not in self.memo:
            self.memo[key] = (e, self._boolean(e))
        return self.memo[key][1]

    def _boolean(self, e: z3.ExprRef) -> z3.ExprRef:
        k = e.decl().kind() if z3.is_app(e) else None
        kids = e.children() if z3.is_app(e) else []
        if k in (z3.Z3_OP_EQ, z3.Z3_OP_LE, z3.Z3_OP_LT, z3.Z3_OP_GE, z3.Z3_OP_GT) and z3.is_int(kids[0]):
            (a, _, _), (b, _, _) = self.integer(kids[0]), self.integer(kids[1])
            a, b = self.common(a, b)
            op = {z3.Z3_OP_EQ: lambda x, y: x == y, z3.Z3_OP_LE: lambda x, y: x <= y, z3.Z3_OP_LT: lambda x, y: x < y,
                  z3.Z3_OP_GE: lambda x, y: x >= y, z3.Z3_OP_GT: lambda x, y: x > y}[k]
            return op(a, b)  # signed comparisons on bit-vectors
        if k == z3.Z3_OP_DISTINCT and z3.is_int(kids[0]):
            return z3.Not(self._boolean(kids[0] == kids[1]))
        if not kids:
            return e
        return e.decl()(*[self.boolean(c) if z3.is_bool(c) else self.integer(c)[0] for c in kids])

    def integer(self, e: z3.ExprRef) -> tuple[z3.BitVecRef, int, int]:
        key = e.get_id()
        if key not in self.memo:
            self.memo[key] = (e, self._integer(e))
        return self.memo[key][1]

    def _integer(self, e: z3.ExprRef) -> tuple[z3.BitVecRef, int, int]:
        if z3.is_int_value(e):
            v = e.as_long()
            return z3.BitVecVal(v, width(v, v)), v, v
        k = e.decl().kind()
        kids = e.children()
        if k == z3.Z3_OP_UNINTERPRETED and not kids:
            found = state_const(e)
            lo, hi = self.layout.bounds[found[1]] if found is not None else (0, self.selectors - 1)
            return z3.BitVec(e.decl().name(), width(lo, hi)), lo, hi
        if k == z3.Z3_OP_ITE:
            (a, alo, ahi), (b, blo, bhi) = self.integer(kids[1]), self.integer(kids[2])
            a, b = self.common(a, b)
            return z3.If(self.boolean(kids[0]), a, b), min(alo, blo), max(ahi, bhi)
        if k in (z3.Z3_OP_ADD, z3.Z3_OP_SUB, z3.Z3_OP_MUL):
            acc, lo, hi = self.integer(kids[0])
            for c in kids[1:]:
                x, xlo, xhi = self.integer(c)
                if k == z3.Z3_OP_ADD:
                    lo, hi = lo + xlo, hi + xhi
                elif k == z3.Z3_OP_SUB:
                    lo, hi = lo - xhi, hi - xlo
                else:
                    products = [lo * xlo, lo * xhi, hi * xlo, hi * xhi]
                    lo, hi = min(products), max(products)
                w = max(width(lo, hi), acc.size(), x.size())
                acc, x = self.extend(acc, w), self.extend(x, w)
                acc = acc + x if k == z3.Z3_OP_ADD else acc - x if k == z3.Z3_OP_SUB else acc * x
            return acc, lo, hi
        if k == z3.Z3_OP_UMINUS:
            a, lo, hi = self.integer(kids[0])
            w = max(width(-hi, -lo), a.size())
            return -self.extend(a, w), -hi, -lo
        raise NotImplementedError(f"bv prototype: no rule for {e.decl().name()}")

    @staticmethod
    def extend(a: z3.BitVecRef, w: int) -> z3.BitVecRef:
        return z3.SignExt(w - a.size(), a) if a.size() < w else a

    def common(self, a, b):
        w = max(a.size(), b.size())
        return self.extend(a, w), self.extend(b, w)


# ---------------------------------------------------------------- a solver that rewrites


class RewritingSolver(Solver):
    """The product's incremental solver, fed rewritten formulas; times Z3."""

    def __init__(self, rewrite, prefixes: list[str]):
        super().__init__(None)
        self.rewrite = rewrite
        self.prefixes = prefixes
        self.z3_seconds = 0.0

    def add(self, formula: z3.BoolRef) -> None:
        super().add(self.rewrite(formula, self.prefixes) if self.rewrite else formula)

    def sat(self, *assumed: z3.BoolRef) -> bool:
        assumed = tuple(self.rewrite(f, self.prefixes) if self.rewrite else f for f in assumed)
        t = time.process_time()
        try:
            return super().sat(*assumed)
        finally:
            self.z3_seconds += time.process_time() - t


def make_rewrite(encoding: str, model: Model, system: System):
    layout = Layout(model)
    if encoding == "int":
        return None
    if encoding == "array":
        return ToArrays(layout)
    return ToBitVectors(layout, max(len(system.transitions), len(system.init_paths)))


def run_bmc(model: Model, encoding: str, depth: int) -> tuple[str, float, float]:
    """(verdict, CPU seconds of the whole run, of Z3 alone)."""
    cpu = time.process_time()
    system = System(model)
    solver = RewritingSolver(make_rewrite(encoding, model, system), [f"s{i}" for i in range(depth + 1)])
    result = Bmc(system, depth, True, solver, time.monotonic()).run()
    verdict = result.kind.value + (f"@{len(result.violation.trace)}" if result.violation else f"@{result.stats.depth}")
    return verdict, time.process_time() - cpu, solver.z3_seconds


def run_prove(model: Model, encoding: str) -> tuple[str, float, float]:
    """k-induction with k = 1, as `specpy prove` runs it: base then step."""
    cpu = time.process_time()
    system = System(model)
    rewrite = make_rewrite(encoding, model, system)
    base = RewritingSolver(rewrite, ["s0"])
    result = Bmc(system, 0, False, base, time.monotonic(), invariants=system.invariants, transitions=False).run()
    step = RewritingSolver(rewrite, ["s0", "s1"])
    verdict = result.kind.value
    if verdict == "ok":
        verdict = "proved" if step_case(system, system.invariants, 1, step) is None else "not-inductive"
    return verdict, time.process_time() - cpu, base.z3_seconds + step.z3_seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=None, help="run only the case whose label contains this")
    ap.add_argument("--encodings", default="int,bv,array")
    args = ap.parse_args()
    sys.setrecursionlimit(100_000)
    encodings = args.encodings.split(",")
    print("| spec | query | encoding | verdict | CPU s (median) | Z3 check s (median) | ratio to int (Z3) |")
    print("|---|---|---|---|---:|---:|---:|")
    for case in CASES:
        if args.only and args.only not in case.label:
            continue
        model = load(ROOT / "specs" / case.spec, case.overrides)
        queries = [(f"BMC depth {case.depth}", lambda enc: run_bmc(model, enc, case.depth))]
        if case.prove:
            queries.append(("prove (k = 1)", lambda enc: run_prove(model, enc)))
        for query, run in queries:
            base_z3 = None
            verdicts = set()
            for enc in encodings:
                runs = [run(enc) for _ in range(args.runs)]
                verdicts |= {v for v, _, _ in runs}
                total = statistics.median(r[1] for r in runs)
                solver = statistics.median(r[2] for r in runs)
                base_z3 = solver if enc == "int" else base_z3
                ratio = f"{solver / base_z3:.2f}" if base_z3 else "–"
                print(f"| {case.label} | {query} | {enc} | {runs[0][0]} | {total:.2f} | {solver:.2f} | {ratio} |", flush=True)
            assert len(verdicts) == 1, f"{case.label} {query}: the encodings disagree: {verdicts}"


if __name__ == "__main__":
    main()
