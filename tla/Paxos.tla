------------------------------ MODULE Paxos ------------------------------
\* Exported by specpy from ../specs/paxos.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxBallot

CONSTANTS a1, a2, a3, v1, v2, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx

Acceptor == {a1, a2, a3}
Value == {v1, v2}
Ballot == 0..MaxBallot
BallotOrNone == (-1)..MaxBallot
Msg == [tag : {"Prepare"}, bal : Ballot] \cup [tag : {"Promise"}, acc : Acceptor, bal : Ballot, mbal : BallotOrNone, mval : Value \cup {None}] \cup [tag : {"Accept"}, bal : Ballot, val : Value] \cup [tag : {"Accepted"}, acc : Acceptor, bal : Ballot, val : Value]

\* Per acceptor: the highest ballot promised (-1: none), the ballot and value it
\* last accepted (-1 and none: nothing yet); msgs holds every message ever sent.
VARIABLE maxBal
VARIABLE maxVBal
VARIABLE maxVal
VARIABLE msgs
vars == <<maxBal, maxVBal, maxVal, msgs>>

Init ==
    /\ maxBal = [a \in Acceptor |-> -1]
    /\ maxVBal = [a \in Acceptor |-> -1]
    /\ maxVal = [a \in Acceptor |-> None]
    /\ msgs = {}

\* 1a: the leader of ballot b asks for promises.
Phase1a(b) ==
    /\ msgs' = msgs \cup {[tag |-> "Prepare", bal |-> b]}
    /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

\* 1b: acceptor a promises a ballot higher than any it has promised.
Phase1b(a) ==
    \E m \in msgs :
        /\ m.tag = "Prepare"
        /\ m.bal > maxBal[a]
        /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
        /\ msgs' = msgs \cup {[tag |-> "Promise", acc |-> a, bal |-> m.bal, mbal |-> maxVBal[a], mval |-> maxVal[a]]}
        /\ UNCHANGED <<maxVBal, maxVal>>

\* 2a: with promises from quorum q, the leader of ballot b proposes a safe v.
Phase2a(b, v, q) ==
    /\ ~(\E m \in msgs : (m.tag = "Accept") /\ (m.bal = b))
    /\ (2 * Cardinality(q)) > Cardinality(Acceptor)
    /\ LET promises == {m \in msgs : ((m.tag = "Promise") /\ (m.bal = b)) /\ (m.acc \in q)}
       IN  /\ Evaluated(promises)
           /\ Holds(\A a \in q : \E m \in promises : m.acc = a)
           /\ LET voted == {m \in promises : m.mbal >= 0}
              IN  /\ Evaluated(voted)
                  /\ Holds((voted = {}) \/ (\E m \in voted : (m.mval = v) /\ (m.mbal = Max({n.mbal : n \in voted}))))
                  /\ msgs' = msgs \cup {[tag |-> "Accept", bal |-> b, val |-> v]}
                  /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

\* 2b: acceptor a accepts a proposal unless it promised a higher ballot.
Phase2b(a) ==
    \E m \in msgs :
        /\ m.tag = "Accept"
        /\ m.bal >= maxBal[a]
        /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
        /\ maxVBal' = [maxVBal EXCEPT ![a] = m.bal]
        /\ maxVal' = [maxVal EXCEPT ![a] = m.val]
        /\ msgs' = msgs \cup {[tag |-> "Accepted", acc |-> a, bal |-> m.bal, val |-> m.val]}

Next ==
    \/ \E b \in Ballot : Phase1a(b)
    \/ \E a \in Acceptor : Phase1b(a)
    \/ \E b \in Ballot, v \in Value, q \in (SUBSET Acceptor) : Phase2a(b, v, q)
    \/ \E a \in Acceptor : Phase2b(a)

\* Agreement: at most one value is ever chosen (the safety property of consensus).
Agreement ==
    \A v \in Value : \A w \in Value : ((\E b \in Ballot : \E q \in (SUBSET Acceptor) : ((2 * Cardinality(q)) > Cardinality(Acceptor)) /\ (\A a \in q : [tag |-> "Accepted", acc |-> a, bal |-> b, val |-> v] \in msgs)) /\ (\E b \in Ballot : \E q \in (SUBSET Acceptor) : ((2 * Cardinality(q)) > Cardinality(Acceptor)) /\ (\A a \in q : [tag |-> "Accepted", acc |-> a, bal |-> b, val |-> w] \in msgs))) => (v = w)

\* Validity: a chosen value was proposed by some ballot's leader in phase 2a;
\* acceptors never invent one.
Validity ==
    \A v \in Value : (\E b \in Ballot : \E q \in (SUBSET Acceptor) : ((2 * Cardinality(q)) > Cardinality(Acceptor)) /\ (\A a \in q : [tag |-> "Accepted", acc |-> a, bal |-> b, val |-> v] \in msgs)) => (\E b \in Ballot : [tag |-> "Accept", bal |-> b, val |-> v] \in msgs)

\* An acceptor's variables tell the truth: it accepted nothing above its
\* promise, maxVal is set exactly when maxVBal is, its last vote is recorded
\* in msgs, and it has not voted in any ballot above maxVBal.
AcceptorState ==
    \A a \in Acceptor : (((maxVBal[a] =< maxBal[a]) /\ ((maxVal[a] = None) = (maxVBal[a] = (-1)))) /\ ((maxVBal[a] >= 0) => (LET b == maxVBal[a] IN LET v == Unwrap(maxVal[a]) IN [tag |-> "Accepted", acc |-> a, bal |-> b, val |-> v] \in msgs))) /\ (\A c \in Ballot : (c > maxVBal[a]) => (~(\E v \in Value : [tag |-> "Accepted", acc |-> a, bal |-> c, val |-> v] \in msgs)))

\* A promise tells the truth, forever: its acceptor is still bound by it, its
\* (mbal, mval) is a vote the acceptor cast (or none), and the acceptor cast no
\* vote between mbal and the promised ballot — what 2a relies on to pick v.
PromiseIsTrue ==
    \A m \in msgs : (m.tag = "Promise") => ((((m.bal =< maxBal[m.acc]) /\ (m.mbal < m.bal)) /\ (((m.mbal = (-1)) /\ (m.mval = None)) \/ (((m.mbal >= 0) /\ (m.mval # None)) /\ (LET a == m.acc IN LET b == m.mbal IN LET v == Unwrap(m.mval) IN [tag |-> "Accepted", acc |-> a, bal |-> b, val |-> v] \in msgs)))) /\ (\A c \in Ballot : ((m.mbal < c) /\ (c < m.bal)) => (~(LET a == m.acc IN \E v \in Value : [tag |-> "Accepted", acc |-> a, bal |-> c, val |-> v] \in msgs))))

\* A ballot's leader proposes one value.
OneValuePerBallot ==
    \A m \in msgs : \A n \in msgs : (((m.tag = "Accept") /\ (n.tag = "Accept")) /\ (m.bal = n.bal)) => (m.val = n.val)

\* The heart of Paxos: every proposal is safe at its ballot.
ProposalIsSafe ==
    \A m \in msgs : (m.tag = "Accept") => (LET v == m.val IN LET b == m.bal IN \A c \in Ballot : (c < b) => (\E q \in (SUBSET Acceptor) : ((2 * Cardinality(q)) > Cardinality(Acceptor)) /\ (\A a \in q : ([tag |-> "Accepted", acc |-> a, bal |-> c, val |-> v] \in msgs) \/ ((maxBal[a] > c) /\ (~(\E v_2 \in Value : [tag |-> "Accepted", acc |-> a, bal |-> c, val |-> v_2] \in msgs))))))

\* An acceptor votes only for a value its ballot's leader proposed.
VoteWasProposed ==
    \A m \in msgs : (m.tag = "Accepted") => ([tag |-> "Accept", bal |-> m.bal, val |-> m.val] \in msgs)
=============================================================================
