---- MODULE Links ----
EXTENDS TLC
CONSTANT Node, None
VARIABLES succ, links, marked
vars == <<succ, links, marked>>
Symmetry == Permutations(Node)
Init == succ = [n \in Node |-> None] /\ links = {} /\ marked = {}
Point(a, b) == succ[a] = None /\ a # b /\ succ' = [succ EXCEPT ![a] = b] /\ UNCHANGED <<links, marked>>
Publish(a) == succ[a] # None /\ links' = links \cup {[src |-> a, dst |-> succ[a]]} /\ UNCHANGED <<succ, marked>>
Mark(a) == a \notin marked /\ a \in {l.dst : l \in links} /\ marked' = marked \cup {a} /\ UNCHANGED <<succ, links>>
Drop(a) == succ[a] # None /\ a \in marked /\ succ' = [succ EXCEPT ![a] = None] /\ UNCHANGED <<links, marked>>
Next == \E a \in Node : Publish(a) \/ Mark(a) \/ Drop(a) \/ \E b \in Node : Point(a, b)
NoSelfLink == \A l \in links : l.src # l.dst
====
