---- MODULE Workers ----
CONSTANT W, w2
VARIABLE busy
vars == <<busy>>
Init == busy = [w \in W |-> FALSE]
Work(p) == busy' = [busy EXCEPT ![p] = ~busy[p]]
Next == \E p \in W : Work(p)
SpecPerTuple == Init /\ [][Next]_vars /\ \A p \in W : WF_vars(Work(p))
SpecWhole == Init /\ [][Next]_vars /\ WF_vars(Next)
W2Works == []<>busy[w2]
W2Rests == []<>~busy[w2]
====
