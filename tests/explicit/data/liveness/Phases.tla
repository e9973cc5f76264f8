---- MODULE Phases ----
EXTENDS Naturals
VARIABLE x
vars == <<x>>
Init == x = 0
Nxt == x < 3 /\ x' = (x + 1) % 3
Park == x = 2 /\ x' = 3
Next == Nxt \/ Park
Spec == Init /\ [][Next]_vars /\ WF_vars(Nxt)
Recurs == []<>(x = 0)
Settles == <>[](x # 0)
Positive == [](x <= 2)
====
