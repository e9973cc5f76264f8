---- MODULE Mix ----
EXTENDS Integers, Sequences, FiniteSets, Bags
Server == {"s1", "s2", "s3"}
MaxTerm == 2
NONE == "none"
VARIABLES role, term, voted, votes, net, log
vars == <<role, term, voted, votes, net, log>>

Init == /\ role = [s \in Server |-> "Follower"]
        /\ term = [s \in Server |-> 0]
        /\ voted = [s \in Server |-> NONE]
        /\ votes = [s \in Server |-> {}]
        /\ net = EmptyBag
        /\ log = [s \in Server |-> <<>>]

Timeout(s) == /\ role[s] # "Leader" /\ term[s] < MaxTerm
              /\ term' = [term EXCEPT ![s] = @ + 1]
              /\ role' = [role EXCEPT ![s] = "Candidate"]
              /\ voted' = [voted EXCEPT ![s] = s]
              /\ votes' = [votes EXCEPT ![s] = {s}]
              /\ net' = net (+) SetToBag({[type |-> "Ask", from |-> s, term |-> term[s] + 1]})
              /\ UNCHANGED log

Grant(s) == \E m \in BagToSet(net) :
    /\ m.type = "Ask"
    /\ m.term >= term[s] /\ m.from # s
    /\ LET up == m.term > term[s]
           v1 == IF up THEN [voted EXCEPT ![s] = NONE] ELSE voted
       IN /\ (v1[s] = NONE \/ v1[s] = m.from)
          /\ voted' = [v1 EXCEPT ![s] = m.from]
          /\ term' = IF up THEN [term EXCEPT ![s] = m.term] ELSE term
          /\ role' = IF up THEN [role EXCEPT ![s] = "Follower"] ELSE role
          /\ net' = (net (-) SetToBag({m})) (+) SetToBag({[type |-> "Vote", from |-> s, to |-> m.from, term |-> m.term]})
          /\ UNCHANGED <<votes, log>>

Count(s) == \E m \in BagToSet(net) :
    /\ m.type = "Vote" /\ m.to = s /\ m.term = term[s]
    /\ net' = net (-) SetToBag({m})
    /\ votes' = [votes EXCEPT ![s] = @ \cup {m.from}]
    /\ UNCHANGED <<role, term, voted, log>>

Win(s) == /\ role[s] = "Candidate" /\ 2 * Cardinality(votes[s]) > 3
          /\ role' = [role EXCEPT ![s] = "Leader"]
          /\ UNCHANGED <<term, voted, votes, net, log>>

Append1(s, v) ==
    /\ role[s] = "Leader" /\ Len(log[s]) < 2
    /\ LET l1 == [log EXCEPT ![s] = Append(@, [term |-> term[s], val |-> v])]
       IN log' = [t \in Server |-> IF t # s /\ Len(l1[t]) < Len(l1[s]) THEN l1[s] ELSE l1[t]]
    /\ UNCHANGED <<role, term, voted, votes, net>>

Next == \E s \in Server : Timeout(s) \/ Grant(s) \/ Count(s) \/ Win(s) \/ \E v \in 0..1 : Append1(s, v)
Spec == Init /\ [][Next]_vars
====
