---- MODULE Deadlock ----
EXTENDS Naturals
VARIABLE x
vars == <<x>>
Init == x = 0
Commit == x = 0 /\ x' = 1
Abort == x = 0 /\ x' = 2
Next == Commit \/ Abort
Spec == Init /\ [][Next]_vars /\ WF_vars(Commit) /\ WF_vars(Abort)
Committed == <>(x = 1)
====
