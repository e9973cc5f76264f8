------------------------------ MODULE TwoPhase ------------------------------
\* Exported by specpy from ../specs/twophase.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

CONSTANTS r1, r2, r3   \* model values (see the .cfg)

RM == {r1, r2, r3}
RMState == {"working", "prepared", "committed", "aborted"}
TMState == {"undecided", "done", "abandoned"}
Msg == [tag : {"Prepared"}, rm : RM] \cup [tag : {"Commit"}] \cup [tag : {"Abort"}]

VARIABLES rmState, tmState, tmPrepared, msgs
vars == <<rmState, tmState, tmPrepared, msgs>>

Init ==
    /\ rmState = [r \in RM |-> "working"]
    /\ tmState = "undecided"
    /\ tmPrepared = {}
    /\ msgs = {}

\* The TM learns that r has prepared.
TMRcvPrepared(r) ==
    /\ tmState = "undecided"
    /\ [tag |-> "Prepared", rm |-> r] \in msgs
    /\ tmPrepared' = tmPrepared \cup {r}
    /\ UNCHANGED <<rmState, tmState, msgs>>

\* The TM commits once every RM has prepared.
TMCommit ==
    /\ tmState = "undecided"
    /\ tmPrepared = RM
    /\ tmState' = "done"
    /\ msgs' = msgs \cup {[tag |-> "Commit"]}
    /\ UNCHANGED <<rmState, tmPrepared>>

\* The TM may give up at any time before deciding.
TMAbort ==
    /\ tmState = "undecided"
    /\ tmState' = "abandoned"
    /\ msgs' = msgs \cup {[tag |-> "Abort"]}
    /\ UNCHANGED <<rmState, tmPrepared>>

RMPrepare(r) ==
    /\ rmState[r] = "working"
    /\ rmState' = [rmState EXCEPT ![r] = "prepared"]
    /\ msgs' = msgs \cup {[tag |-> "Prepared", rm |-> r]}
    /\ UNCHANGED <<tmState, tmPrepared>>

RMChooseToAbort(r) ==
    /\ rmState[r] = "working"
    /\ rmState' = [rmState EXCEPT ![r] = "aborted"]
    /\ UNCHANGED <<tmState, tmPrepared, msgs>>

RMRcvCommitMsg(r) ==
    /\ [tag |-> "Commit"] \in msgs
    /\ rmState' = [rmState EXCEPT ![r] = "committed"]
    /\ UNCHANGED <<tmState, tmPrepared, msgs>>

RMRcvAbortMsg(r) ==
    /\ [tag |-> "Abort"] \in msgs
    /\ rmState' = [rmState EXCEPT ![r] = "aborted"]
    /\ UNCHANGED <<tmState, tmPrepared, msgs>>

Next ==
    \/ \E r \in RM : TMRcvPrepared(r)
    \/ TMCommit
    \/ TMAbort
    \/ \E r \in RM : RMPrepare(r)
    \/ \E r \in RM : RMChooseToAbort(r)
    \/ \E r \in RM : RMRcvCommitMsg(r)
    \/ \E r \in RM : RMRcvAbortMsg(r)

\* No RM has committed while another has aborted.
Consistent ==
    \A a \in RM : \A b \in RM : ~((rmState[a] = "aborted") /\ (rmState[b] = "committed"))

\* Strengthening invariants. Consistent alone is not inductive (a state where
\* an RM is prepared, another aborted and Commit was sent satisfies it, and one
\* step breaks it); together with these facts about reachable states it is, so
\* `specpy prove specs/twophase.spec` proves Consistent for every depth
\* (k-induction with k = 1; see docs/guide.md).
CommitMeansDone ==
    ([tag |-> "Commit"] \in msgs) = (tmState = "done")

AbortMeansAbandoned ==
    ([tag |-> "Abort"] \in msgs) = (tmState = "abandoned")

DoneMeansAllPrepared ==
    (tmState = "done") => (tmPrepared = RM)

PreparedWasSent ==
    \A r \in RM : (r \in tmPrepared) => ([tag |-> "Prepared", rm |-> r] \in msgs)

SentMeansNotWorking ==
    \A r \in RM : ([tag |-> "Prepared", rm |-> r] \in msgs) => (rmState[r] # "working")

AbortAfterPrepareNeedsAbort ==
    \A r \in RM : (([tag |-> "Prepared", rm |-> r] \in msgs) /\ (rmState[r] = "aborted")) => ([tag |-> "Abort"] \in msgs)

CommittedNeedsCommit ==
    \A r \in RM : (rmState[r] = "committed") => ([tag |-> "Commit"] \in msgs)

CommitMeansNoneAborted ==
    ([tag |-> "Commit"] \in msgs) => (\A r \in RM : rmState[r] # "aborted")
=============================================================================
