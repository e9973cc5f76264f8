---- MODULE KVStore ----
EXTENDS Naturals
CONSTANTS c1, c2, k1, k2, v1, v2
MaxReq == 2
Client == {c1, c2}
Key == {k1, k2}
Val == {v1, v2}
None == "none"
Req == [client: Client, seq: 1..MaxReq, key: Key, val: Val]
VARIABLES store, applied, issued, acked, net
vars == <<store, applied, issued, acked, net>>
Init == /\ store = [k \in Key |-> None]
        /\ applied = [c \in Client |-> 0]
        /\ issued = [c \in Client |-> 0]
        /\ acked = [c \in Client |-> 0]
        /\ net = {}
Put(c, k, v) == /\ acked[c] = issued[c] /\ issued[c] < MaxReq
                /\ issued' = [issued EXCEPT ![c] = issued[c] + 1]
                /\ net' = net \cup {[client |-> c, seq |-> issued[c] + 1, key |-> k, val |-> v]}
                /\ UNCHANGED <<store, applied, acked>>
Deliver(r) == /\ r \in net
              /\ IF r.seq > applied[r.client]
                 THEN /\ store' = [store EXCEPT ![r.key] = r.val]
                      /\ applied' = [applied EXCEPT ![r.client] = r.seq]
                 ELSE UNCHANGED <<store, applied>>
              /\ UNCHANGED <<issued, acked, net>>
Ack(c) == /\ acked[c] < issued[c] /\ applied[c] = issued[c]
          /\ acked' = [acked EXCEPT ![c] = issued[c]]
          /\ UNCHANGED <<store, applied, issued, net>>
Next == \/ \E c \in Client, k \in Key, v \in Val: Put(c, k, v)
        \/ \E r \in Req: Deliver(r)
        \/ \E c \in Client: Ack(c)
Spec == Init /\ [][Next]_vars
AppliedInOrder == \A c \in Client: acked[c] <= applied[c] /\ applied[c] <= issued[c]
====
