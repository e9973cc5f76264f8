---- MODULE Crash ----
\* Hand-written TLA+ equivalent of crash.spec: Crash(s) resets the volatile
\* entry up[s] and the `resets` variable cache; term (durable) and ticks
\* (not keyed by Server) are kept.
EXTENDS Naturals
Server == {"s1", "s2"}
VARIABLES term, up, ticks, cache
Init == term = [s \in Server |-> 0] /\ up = [s \in Server |-> FALSE] /\ ticks = 0 /\ cache = 0
Start(s) == ~up[s] /\ up' = [up EXCEPT ![s] = TRUE] /\ cache' = 1 /\ UNCHANGED <<term, ticks>>
Advance(s) == up[s] /\ term[s] = 0 /\ term' = [term EXCEPT ![s] = 1] /\ UNCHANGED <<up, ticks, cache>>
Tick == ticks < 2 /\ ticks' = ticks + 1 /\ UNCHANGED <<term, up, cache>>
Crash(s) == up' = [up EXCEPT ![s] = FALSE] /\ cache' = 0 /\ UNCHANGED <<term, ticks>>
Next == Tick \/ \E s \in Server: Start(s) \/ Advance(s) \/ Crash(s)
Spec == Init /\ [][Next]_<<term, up, ticks, cache>>
====
