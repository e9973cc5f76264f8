---- MODULE NetLose ----
\* Hand-written TLA+ equivalent of NetLose.spec (bags as count functions),
\* used to pin specpy's fault semantics to TLC's state counts.
EXTENDS Naturals
Msg == {"a", "b"}
VARIABLES net, got
Init == net = [m \in Msg |-> 0] /\ got = [m \in Msg |-> 0]
Send(m) == got[m] = 0 /\ net[m] = 0 /\ net' = [net EXCEPT ![m] = @ + 1] /\ UNCHANGED <<got>>
Deliver(m) == net[m] > 0 /\ got[m] < 2 /\ net' = [net EXCEPT ![m] = @ - 1] /\ got' = [got EXCEPT ![m] = @ + 1]
Lose(m) == net[m] > 0 /\ net' = [net EXCEPT ![m] = @ - 1] /\ UNCHANGED got
Duplicate(m) == net[m] > 0 /\ net[m] < 2 /\ net' = [net EXCEPT ![m] = @ + 1] /\ UNCHANGED got
Next == \E m \in Msg: Send(m) \/ Deliver(m) \/ Lose(m)
Spec == Init /\ [][Next]_<<net, got>>
====
