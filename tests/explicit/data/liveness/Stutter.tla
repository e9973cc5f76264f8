---- MODULE Stutter ----
EXTENDS Naturals
VARIABLE x
vars == <<x>>
Init == x = 0
Start == x = 0 /\ x' = 1
Finish == x = 1 /\ x' = 2
Next == Start \/ Finish
Spec == Init /\ [][Next]_vars /\ WF_vars(Start)
SpecFinishFair == Init /\ [][Next]_vars /\ WF_vars(Start) /\ WF_vars(Finish)
Done == <>(x = 2)
====
