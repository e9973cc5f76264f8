---- MODULE Bad2 ----
EXTENDS Integers
VARIABLE x
Init == x = y
Next == x' = x + 1
====
