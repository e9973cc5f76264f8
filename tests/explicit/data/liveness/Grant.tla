---- MODULE Grant ----
EXTENDS Naturals
VARIABLES req, turn
vars == <<req, turn>>
Init == req = FALSE /\ turn = 0
Request == ~req /\ req' = TRUE /\ UNCHANGED turn
Tick == turn' = 1 - turn /\ UNCHANGED req
Grant == req /\ turn = 1 /\ req' = FALSE /\ UNCHANGED turn
Next == Request \/ Tick \/ Grant
SpecWeak == Init /\ [][Next]_vars /\ WF_vars(Request) /\ WF_vars(Tick) /\ WF_vars(Grant)
SpecStrong == Init /\ [][Next]_vars /\ WF_vars(Request) /\ WF_vars(Tick) /\ SF_vars(Grant)
Served == req ~> ~req
====
