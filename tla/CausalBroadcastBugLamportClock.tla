------------------------------ MODULE CausalBroadcastBugLamportClock ------------------------------
\* Exported by specpy from ../specs/causal_broadcast_bug_lamport_clock.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxMsgs, MaxTotal

CONSTANTS p1, p2, p3   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
SumOver(SS, FF(_)) ==
    LET sum[TT \in SUBSET SS] == IF TT = {} THEN 0 ELSE LET xx == CHOOSE xx \in TT : TRUE IN FF(xx) + sum[TT \ {xx}]
    IN  sum[SS]
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Proc == {p1, p2, p3}
Count == 0..MaxMsgs
Clock == 0..MaxTotal
MsgId == [src : Proc, n : 1..MaxMsgs]
Msg == [tag : {"Bcast"}, src : Proc, dst : Proc, n : 1..MaxMsgs, ts : Clock]

\* clock[p]: p's Lamport clock; sent[p]: how many messages p has broadcast.
VARIABLE clock
VARIABLE sent
VARIABLE net
\* Ghosts, for the property only.
VARIABLE delivered
VARIABLE past
vars == <<clock, sent, net, delivered, past>>

Init ==
    /\ clock = [p \in Proc |-> 0]
    /\ sent = [p \in Proc |-> 0]
    /\ net = EmptyBag
    /\ delivered = [p \in Proc |-> {}]
    /\ past = [m \in MsgId |-> {}]

Broadcast(p) ==
    /\ sent[p] < MaxMsgs
    /\ SumOver(Proc, LAMBDA q : sent[q]) < MaxTotal
    /\ LET id == [src |-> p, n |-> Checked(sent[p] + 1, 1..MaxMsgs)]
       IN  /\ Evaluated(id)
           /\ LET stored_1 == sent[p] + 1
              IN  /\ Stored(stored_1 \in Count, "specs/causal_broadcast_bug_lamport_clock.spec:57:5")
                  /\ LET stored_2 == clock[p] + 1
                     IN  /\ Stored(stored_2 \in Clock, "specs/causal_broadcast_bug_lamport_clock.spec:58:5")
                         /\ LET domain_1 == {q \in Proc : q # p}
                            IN  /\ IF p1 \in domain_1 THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}), Msg, 1), "specs/causal_broadcast_bug_lamport_clock.spec:60:26") ELSE TRUE
                                /\ IF p2 \in domain_1 THEN Stored(IsBagOf((IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}), Msg, 1), "specs/causal_broadcast_bug_lamport_clock.spec:60:26") ELSE TRUE
                                /\ IF p3 \in domain_1 THEN Stored(IsBagOf((IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p3, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}), Msg, 1), "specs/causal_broadcast_bug_lamport_clock.spec:60:26") ELSE TRUE
                                /\ clock' = [clock EXCEPT ![p] = stored_2]
                                /\ sent' = [sent EXCEPT ![p] = stored_1]
                                /\ net' = IF p3 \in domain_1 THEN (IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p3, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, n |-> Checked([sent EXCEPT ![p] = stored_1][p], 1..MaxMsgs), ts |-> [clock EXCEPT ![p] = stored_2][p]]}) ELSE net
                                /\ delivered' = [delivered EXCEPT ![p] = delivered[p] \cup {id}]
                                /\ past' = [past EXCEPT ![id] = {x \in MsgId : (x \in delivered[p]) \/ (\E d \in delivered[p] : x \in past[d])}]

Deliver(p) ==
    \E m \in BagToSet(net) :
        /\ m.dst = p
        /\ m.ts =< (clock[p] + 1)
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/causal_broadcast_bug_lamport_clock.spec:64:5")
               /\ Stored(Max({clock[p], m.ts}) \in Clock, "specs/causal_broadcast_bug_lamport_clock.spec:65:9")
               /\ clock' = [clock EXCEPT ![p] = Max({clock[p], m.ts})]
               /\ net' = net_1
               /\ delivered' = [delivered EXCEPT ![p] = delivered[p] \cup {[src |-> m.src, n |-> m.n]}]
               /\ UNCHANGED <<sent, past>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ Holds((BagCardinality(net) = 0) /\ (\A p \in Proc : (sent[p] = MaxMsgs) \/ (SumOver(Proc, LAMBDA q : sent[q]) = MaxTotal)))
    /\ UNCHANGED vars

Next ==
    \/ \E p \in Proc : Broadcast(p)
    \/ \E p \in Proc : Deliver(p)
    \/ Terminated

\* CausalDelivery: a process that delivered m has delivered everything that
\* happened before m.
CausalDelivery ==
    \A p \in Proc : \A m \in delivered[p] : past[m] \subseteq delivered[p]

Symmetry == Permutations(Proc)
=============================================================================
