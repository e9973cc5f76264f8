---- MODULE Q ----
EXTENDS Integers, Sequences, FiniteSets
S == {"s1", "s2", "s3"}
NONE == "none"
VARIABLES msgs, maxBal, maxVBal, chosen, best
vars == <<msgs, maxBal, maxVBal, chosen, best>>
Max(X) == CHOOSE x \in X : \A y \in X : y <= x
Init == /\ msgs = {} /\ maxBal = [s \in S |-> -1] /\ maxVBal = [s \in S |-> -1]
        /\ chosen = <<>> /\ best = NONE
Phase1a(b) == /\ [type |-> "P1a", bal |-> b] \notin msgs
              /\ msgs' = msgs \cup {[type |-> "P1a", bal |-> b]}
              /\ UNCHANGED <<maxBal, maxVBal, chosen, best>>
Phase1b(s) == \E m \in msgs :
              /\ m.type = "P1a" /\ m.bal > maxBal[s]
              /\ maxBal' = [maxBal EXCEPT ![s] = m.bal]
              /\ msgs' = msgs \cup {[type |-> "P1b", acc |-> s, bal |-> m.bal, vbal |-> maxVBal[s]]}
              /\ UNCHANGED <<maxVBal, chosen, best>>
Phase2a(b, q) ==
  /\ 2 * Cardinality(q) > 3
  /\ ~ \E m \in msgs : m.type = "P2a" /\ m.bal = b
  \* IF ... THEN TRUE ELSE FALSE keeps TLC from branching on the guard's \/ and \E,
  \* which would count one generated state per true disjunct (147492 instead of 63932).
  /\ IF \A s \in q : \/ [type |-> "P1b", acc |-> s, bal |-> b, vbal |-> maxVBal[s]] \in msgs
                     \/ \E v \in -1..2 : [type |-> "P1b", acc |-> s, bal |-> b, vbal |-> v] \in msgs
     THEN TRUE ELSE FALSE
  /\ best' = Max({m.vbal : m \in {mm \in msgs : mm.type = "P1b" /\ mm.bal = b /\ mm.acc \in q}})
  /\ msgs' = msgs \cup {[type |-> "P2a", bal |-> b]}
  /\ chosen' = IF Len(chosen) < 3 THEN Append(chosen, b) ELSE chosen
  /\ maxVBal' = [s \in S |-> IF maxBal[s] <= b THEN b ELSE maxVBal[s]]
  /\ UNCHANGED maxBal
Next == \/ \E b \in 0..2 : Phase1a(b)
        \/ \E s \in S : Phase1b(s)
        \/ \E b \in 0..2, q \in SUBSET S : Phase2a(b, q)
====
