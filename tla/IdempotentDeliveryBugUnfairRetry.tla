------------------------------ MODULE IdempotentDeliveryBugUnfairRetry ------------------------------
\* Exported by specpy from ../specs/idempotent_delivery_bug_unfair_retry.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxFaults

CONSTANTS r1, r2, r3   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Request == {r1, r2, r3}
Msg == [tag : {"Req"}, id : Request]
AckMsg == [tag : {"Ack"}, id : Request]

\* Requests and acks in flight (bags: a duplicate is a second copy). acked: the
\* requests the producer has seen acknowledged. processed: the consumer's
\* idempotency keys. applied[r]: how often the consumer applied r (up to 2,
\* so that a double application can be seen).
VARIABLE net
VARIABLE acks
VARIABLE acked
VARIABLE processed
VARIABLE applied
\* sent: the requests the producer has sent at least once.
VARIABLE sent
\* The network loses and duplicates requests and loses acks.
VARIABLE faults
vars == <<net, acks, acked, processed, applied, sent, faults>>

Init ==
    /\ net = EmptyBag
    /\ acks = EmptyBag
    /\ acked = {}
    /\ processed = {}
    /\ applied = [r \in Request |-> 0]
    /\ sent = {}
    /\ faults = 0

\* The producer sends r for the first time (fair).
Send(r) ==
    /\ r \notin sent
    /\ LET net_1 == net (+) SetToBag({[tag |-> "Req", id |-> r]})
       IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/idempotent_delivery_bug_unfair_retry.spec:45:5")
           /\ net' = net_1
           /\ sent' = sent \cup {r}
           /\ UNCHANGED <<acks, acked, processed, applied, faults>>

\* The producer resends r after a timeout -- with no fairness: the bug.
Retry(r) ==
    /\ r \in sent
    /\ r \notin acked
    /\ ~BagIn([tag |-> "Req", id |-> r], net)
    /\ ~BagIn([tag |-> "Ack", id |-> r], acks)
    /\ LET net_1 == net (+) SetToBag({[tag |-> "Req", id |-> r]})
       IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/idempotent_delivery_bug_unfair_retry.spec:51:5")
           /\ net' = net_1
           /\ UNCHANGED <<acks, acked, processed, applied, sent, faults>>

\* The consumer takes a request, applies it unless its key was seen, and acks.
Consume ==
    \E m \in BagToSet(net) :
        LET net_1 == net (-) SetToBag({m})
        IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/idempotent_delivery_bug_unfair_retry.spec:56:5")
            /\ IF m.id \notin processed THEN Stored((applied[m.id] + 1) \in 0..2, "specs/idempotent_delivery_bug_unfair_retry.spec:58:13") ELSE TRUE
            /\ LET acks_1 == acks (+) SetToBag({[tag |-> "Ack", id |-> m.id]})
               IN  /\ Stored(IsBagOf(acks_1, AckMsg, MaxFaults + 1), "specs/idempotent_delivery_bug_unfair_retry.spec:61:9")
                   /\ net' = net_1
                   /\ acks' = acks_1
                   /\ processed' = IF m.id \notin processed THEN processed \cup {m.id} ELSE processed
                   /\ applied' = IF m.id \notin processed THEN [applied EXCEPT ![m.id] = applied[m.id] + 1] ELSE applied
                   /\ UNCHANGED <<acked, sent, faults>>

\* The producer learns that a request was applied.
ReceiveAck ==
    \E a \in BagToSet(acks) :
        LET acks_1 == acks (-) SetToBag({a})
        IN  /\ Stored(IsBagOf(acks_1, AckMsg, MaxFaults + 1), "specs/idempotent_delivery_bug_unfair_retry.spec:67:5")
            /\ acks' = acks_1
            /\ acked' = acked \cup {a.id}
            /\ UNCHANGED <<net, processed, applied, sent, faults>>

\* Fault steps (the spec's `faults` block), at most 3 per behaviour, counted by `faults`.
Lose_net(msg) ==
    /\ faults < 3
    /\ net' = net (-) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<acks, acked, processed, applied, sent>>

Lose_acks(msg) ==
    /\ faults < 3
    /\ acks' = acks (-) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<net, acked, processed, applied, sent>>

Duplicate_net(msg) ==
    /\ faults < 3
    /\ CopiesIn(msg, net) < 2
    /\ net' = net (+) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<acks, acked, processed, applied, sent>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ ((acked = Request) /\ (BagCardinality(net) = 0)) /\ (BagCardinality(acks) = 0)
    /\ UNCHANGED vars

Next ==
    \/ \E r \in Request : Send(r)
    \/ \E r \in Request : Retry(r)
    \/ Consume
    \/ ReceiveAck
    \/ \E msg \in BagToSet(net) : Lose_net(msg)
    \/ \E msg \in BagToSet(acks) : Lose_acks(msg)
    \/ \E msg \in BagToSet(net) : Duplicate_net(msg)
    \/ Terminated

\* AppliedAtMostOnce: no request takes effect twice, whatever the network does.
AppliedAtMostOnce ==
    \A r \in Request : applied[r] =< 1

\* AckedWasApplied: deduplication never swallows a request: an acknowledged
\* request has been applied.
AckedWasApplied ==
    \A r \in Request : (r \in acked) => (applied[r] >= 1)

EveryRequestApplied == <>(\A r \in Request : applied[r] >= 1)

Spec ==
    Init /\ [][Next]_vars /\ (\A r \in Request : WF_vars(Send(r))) /\ WF_vars(Consume) /\ WF_vars(ReceiveAck)
=============================================================================
