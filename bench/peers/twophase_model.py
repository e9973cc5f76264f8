"""TwoPhase.tla (Lamport) as a hand-written Python successor function.

The model a Python user would write by hand for a checker such as minicheck:
a state is (rmState tuple, tmState, tmPrepared frozenset, msgs frozenset),
with TwoPhase.tla's actions, in its order. Shared by the plain BFS baseline
(handwritten_bfs.py) and the minicheck model (minicheck_twophase.py), so
both explore exactly TLC's state space (TwoPhase, N = 3: 288 states).
"""

from __future__ import annotations

WORKING, PREPARED, COMMITTED, ABORTED = range(4)


def initial(n: int) -> tuple:
    return ((WORKING,) * n, "init", frozenset(), frozenset())


def successors(n: int):
    """A function state -> list of (label, successor), as minicheck expects."""
    rms = range(n)

    def next_states(s: tuple) -> list[tuple[str, tuple]]:
        rm, tm, prepared, msgs = s
        out = []
        for r in rms:  # TMRcvPrepared(r)
            if tm == "init" and ("Prepared", r) in msgs and r not in prepared:
                out.append(("TMRcvPrepared", (rm, tm, prepared | {r}, msgs)))
            elif tm == "init" and ("Prepared", r) in msgs:
                out.append(("TMRcvPrepared", s))
        if tm == "init" and len(prepared) == n:  # TMCommit
            out.append(("TMCommit", (rm, "committed", prepared, msgs | {("Commit",)})))
        if tm == "init":  # TMAbort
            out.append(("TMAbort", (rm, "aborted", prepared, msgs | {("Abort",)})))
        for r in rms:
            if rm[r] == WORKING:  # RMPrepare(r)
                out.append(("RMPrepare", (rm[:r] + (PREPARED,) + rm[r + 1 :], tm, prepared, msgs | {("Prepared", r)})))
        for r in rms:
            if rm[r] == WORKING:  # RMChooseToAbort(r)
                out.append(("RMChooseToAbort", (rm[:r] + (ABORTED,) + rm[r + 1 :], tm, prepared, msgs)))
        if ("Commit",) in msgs:  # RMRcvCommitMsg(r)
            for r in rms:
                out.append(("RMRcvCommitMsg", (rm[:r] + (COMMITTED,) + rm[r + 1 :], tm, prepared, msgs)))
        if ("Abort",) in msgs:  # RMRcvAbortMsg(r)
            for r in rms:
                out.append(("RMRcvAbortMsg", (rm[:r] + (ABORTED,) + rm[r + 1 :], tm, prepared, msgs)))
        return out

    return next_states


def consistent(rm: tuple) -> bool:
    """TCConsistent: no RM committed while another aborted."""
    return not (COMMITTED in rm and ABORTED in rm)
