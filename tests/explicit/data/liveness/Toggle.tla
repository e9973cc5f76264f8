---- MODULE Toggle ----
EXTENDS Naturals
VARIABLES x, hit
vars == <<x, hit>>
Init == x = 0 /\ hit = FALSE
Toggle == x' = 1 - x /\ UNCHANGED hit
Hit == x = 1 /\ ~hit /\ hit' = TRUE /\ UNCHANGED x
Next == Toggle \/ Hit
SpecStrong == Init /\ [][Next]_vars /\ WF_vars(Toggle) /\ SF_vars(Hit)
SpecWeak == Init /\ [][Next]_vars /\ WF_vars(Toggle) /\ WF_vars(Hit)
EventuallyHit == <>hit
====
