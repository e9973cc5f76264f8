----------------------------- MODULE PaxosByHand -----------------------------
(***************************************************************************)
(* A hand-written TLA+ model of specs/paxos.spec (and, with BuggyAccept, *)
(* of specs/paxos_bug_accept_lower_ballot.spec), independent of the model *)
(* specpy exports to tla/Paxos.tla, so that TLC's counts on it check both *)
(* the explicit checker and the exporter.  Single-decree Paxos with one   *)
(* message set: a leader per ballot sends prepare (1a), acceptors promise *)
(* (1b), the leader asks to accept a safe value (2a), acceptors accept    *)
(* (2b).  The semantics follow Lamport's Paxos.tla in the TLA+ Examples;  *)
(* the text is specpy's own.  Recorded runs: *.out beside this file       *)
(* (run_tlc.sh).                                                           *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS Acceptor, Value, MaxBallot, NoValue,
          BuggyAccept  \* TRUE: an acceptor ignores its promise (the bug variant)

Ballot == 0 .. MaxBallot
Quorum == {q \in SUBSET Acceptor : 2 * Cardinality(q) > Cardinality(Acceptor)}

VARIABLES maxBal, maxVBal, maxVal, msgs
vars == <<maxBal, maxVBal, maxVal, msgs>>

TypeOK ==
  /\ maxBal \in [Acceptor -> -1 .. MaxBallot]
  /\ maxVBal \in [Acceptor -> -1 .. MaxBallot]
  /\ maxVal \in [Acceptor -> Value \cup {NoValue}]

Init ==
  /\ maxBal = [a \in Acceptor |-> -1]
  /\ maxVBal = [a \in Acceptor |-> -1]
  /\ maxVal = [a \in Acceptor |-> NoValue]
  /\ msgs = {}

Prepare(b) ==
  /\ msgs' = msgs \cup {[kind |-> "prepare", bal |-> b]}
  /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

Promise(a) ==
  \E m \in msgs :
     /\ m.kind = "prepare"
     /\ m.bal > maxBal[a]
     /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
     /\ msgs' = msgs \cup {[kind |-> "promise", acc |-> a, bal |-> m.bal,
                            mbal |-> maxVBal[a], mval |-> maxVal[a]]}
     /\ UNCHANGED <<maxVBal, maxVal>>

\* The values ballot b's leader may propose once quorum q has promised:
\* any value if no member of q has accepted anything, else the value
\* accepted in the highest ballot among them.  (Written as a set so that
\* TLC evaluates it as a predicate and counts one successor per quorum, as
\* specpy does; an \E over witnesses would make TLC count one per witness.)
Promises(b, q) == {m \in msgs : m.kind = "promise" /\ m.bal = b /\ m.acc \in q}

AllPromised(b, q) == \A a \in q : \E m \in Promises(b, q) : m.acc = a

SafeValues(b, q) ==
  LET voted == {m \in Promises(b, q) : m.mbal >= 0}
      highest == {m \in voted : \A n \in voted : m.mbal >= n.mbal}
  IN  IF voted = {} THEN Value ELSE {m.mval : m \in highest}

Propose(b, v) ==
  /\ ~ \E m \in msgs : m.kind = "accept" /\ m.bal = b
  /\ \E q \in Quorum : AllPromised(b, q) /\ v \in SafeValues(b, q)
  /\ msgs' = msgs \cup {[kind |-> "accept", bal |-> b, val |-> v]}
  /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

AcceptOk(a, m) == IF BuggyAccept THEN TRUE ELSE m.bal >= maxBal[a]

Accept(a) ==
  \E m \in msgs :
     /\ m.kind = "accept"
     /\ AcceptOk(a, m)
     /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
     /\ maxVBal' = [maxVBal EXCEPT ![a] = m.bal]
     /\ maxVal' = [maxVal EXCEPT ![a] = m.val]
     /\ msgs' = msgs \cup {[kind |-> "accepted", acc |-> a, bal |-> m.bal, val |-> m.val]}

Next ==
  \/ \E b \in Ballot : Prepare(b) \/ \E v \in Value : Propose(b, v)
  \/ \E a \in Acceptor : Promise(a) \/ Accept(a)

Spec == Init /\ [][Next]_vars

Chosen(v) ==
  \E b \in Ballot, q \in Quorum :
     \A a \in q : [kind |-> "accepted", acc |-> a, bal |-> b, val |-> v] \in msgs

Agreement == \A v, w \in Value : Chosen(v) /\ Chosen(w) => v = w
Validity == \A v \in Value : Chosen(v) => \E b \in Ballot : [kind |-> "accept", bal |-> b, val |-> v] \in msgs
=============================================================================
