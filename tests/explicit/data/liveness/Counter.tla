---- MODULE Counter ----
EXTENDS Naturals
VARIABLE x
vars == <<x>>
Init == x = 0
Step == x < 2 /\ x' = x + 1
Next == Step
SpecFair == Init /\ [][Next]_vars /\ WF_vars(Step)
SpecUnfair == Init /\ [][Next]_vars
Reaches == <>(x = 2)
====
