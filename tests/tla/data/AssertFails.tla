---- MODULE AssertFails ----
EXTENDS Naturals, TLC
VARIABLE x
Init == x = 0
Err(msg) == CHOOSE e \in {} : msg = msg
Next == x' = IF x + 1 \in 0..3 THEN x + 1 ELSE Assert(FALSE, "x out of 0..3")
====
