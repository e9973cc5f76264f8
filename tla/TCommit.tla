------------------------------ MODULE TCommit ------------------------------
\* Exported by specpy from ../specs/tcommit.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

CONSTANTS r1, r2, r3   \* model values (see the .cfg)


Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)

RM == {r1, r2, r3}
RMState == {"working", "prepared", "committed", "aborted"}

VARIABLES rmState
vars == <<rmState>>

Init ==
    rmState = [r \in RM |-> "working"]

Prepare(r) ==
    /\ rmState[r] = "working"
    /\ rmState' = [rmState EXCEPT ![r] = "prepared"]

Decide(r) ==
    \/ /\ rmState[r] = "prepared"
       /\ Holds(\A r_2 \in RM : (rmState[r_2] = "prepared") \/ (rmState[r_2] = "committed"))
       /\ rmState' = [rmState EXCEPT ![r] = "committed"]
    \/ /\ Holds((rmState[r] = "working") \/ (rmState[r] = "prepared"))
       /\ \A r_2 \in RM : rmState[r_2] # "committed"
       /\ rmState' = [rmState EXCEPT ![r] = "aborted"]

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ Holds((\A r \in RM : rmState[r] = "committed") \/ (\A r \in RM : rmState[r] = "aborted"))
    /\ UNCHANGED vars

Next ==
    \/ \E r \in RM : Prepare(r)
    \/ \E r \in RM : Decide(r)
    \/ Terminated

\* An RM commits only if no RM has aborted.
Consistent ==
    \A a \in RM : \A b \in RM : ~((rmState[a] = "aborted") /\ (rmState[b] = "committed"))
=============================================================================
