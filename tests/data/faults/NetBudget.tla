---- MODULE NetBudget ----
\* Hand-written TLA+ equivalent of NetBudget.spec (bags as count functions),
\* used to pin specpy's fault semantics to TLC's state counts.
EXTENDS Naturals
Msg == {"a", "b"}
VARIABLES net, got, faults
Init == net = [m \in Msg |-> 0] /\ got = [m \in Msg |-> 0] /\ faults = 0
Send(m) == got[m] = 0 /\ net[m] = 0 /\ net' = [net EXCEPT ![m] = @ + 1] /\ UNCHANGED <<faults, got>>
Deliver(m) == net[m] > 0 /\ got[m] < 2 /\ net' = [net EXCEPT ![m] = @ - 1] /\ got' = [got EXCEPT ![m] = @ + 1] /\ UNCHANGED faults
Lose(m) == faults < 1 /\ net[m] > 0 /\ net' = [net EXCEPT ![m] = @ - 1] /\ UNCHANGED got /\ faults' = faults + 1
Duplicate(m) == faults < 1 /\ net[m] > 0 /\ net[m] < 2 /\ net' = [net EXCEPT ![m] = @ + 1] /\ UNCHANGED got /\ faults' = faults + 1
Next == \E m \in Msg: Send(m) \/ Deliver(m) \/ Lose(m) \/ Duplicate(m)
Spec == Init /\ [][Next]_<<net, got, faults>>
====
