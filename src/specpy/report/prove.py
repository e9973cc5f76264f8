"""The human report of a `specpy prove` run (ProofResult)."""

from __future__ import annotations

from specpy.diagnostics import SourceFile
from specpy.report.check import render_report
from specpy.smt.induction import Proof, ProofResult
from specpy.trace.text import render_trace

#: A counterexample to induction starts in any state, not an initial one.
ANYWHERE = "any state where the invariants hold"


def render_proof(proof: ProofResult, source: SourceFile, transition_names: frozenset[str], full_trace: bool, quiet: bool) -> str:
    names = ", ".join(proof.invariants)
    if proof.outcome is Proof.PROVED:
        return (
            f"Proved: {names} hold{'s' if len(proof.invariants) == 1 else ''} in every reachable state "
            f"(k-induction, k = {proof.k}).\n"
            + ("" if quiet else f"\nStatistics:\n  time:  {proof.seconds:.3f} s\n")
        )
    if proof.outcome is Proof.NOT_INDUCTIVE:
        verb = "holds" if len(proof.invariants) == 1 else "hold"
        head = (
            f"Not inductive at k = {proof.k}: {proof.k} step{'s' if proof.k != 1 else ''} from states where "
            f"{names} {verb} can reach a state where {proof.broken} fails."
        )
        if quiet:
            return head + "\n"
        n = len(proof.cti)
        return (
            f"{head}\n\n"
            f"Counterexample to induction ({n} states; the first need not be reachable):\n"
            + render_trace(proof.cti, full=full_trace, first=ANYWHERE).rstrip("\n")
            + f"\n\nFailing in State {n}:\n"
            + "".join(f"  {f.invariant}" + (f": {f.detail}" if f.detail else "") + "\n" for f in proof.failing)
            + f"\nThe base case holds: {_base(proof.k)}. If State 1 is unreachable, add an "
            "invariant that is false there and true in every reachable state (then prove again), "
            "or try a larger --k.\n"
            f"\nStatistics:\n  time:  {proof.seconds:.3f} s\n"
        )
    return render_report(proof.check, source, transition_names, full_trace, quiet)


def _base(k: int) -> str:
    if k == 1:
        return "every initial state satisfies the invariants"
    return f"no state within {k - 1} step{'s' if k != 2 else ''} of an initial state breaks them"
