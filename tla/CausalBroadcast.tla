------------------------------ MODULE CausalBroadcast ------------------------------
\* Exported by specpy from ../specs/causal_broadcast.spec; do not edit.
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
SumOver(SS, FF(_)) ==
    LET sum[TT \in SUBSET SS] == IF TT = {} THEN 0 ELSE LET xx == CHOOSE xx \in TT : TRUE IN FF(xx) + sum[TT \ {xx}]
    IN  sum[SS]
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Proc == {p1, p2, p3}
Count == 0..MaxMsgs
MsgId == [src : Proc, n : 1..MaxMsgs]
Msg == [tag : {"Bcast"}, src : Proc, dst : Proc, vc : [Proc -> Count]]

VARIABLE vc
VARIABLE net
\* Ghosts, for the property only.
VARIABLE delivered
VARIABLE past
vars == <<vc, net, delivered, past>>

Init ==
    /\ vc = [p \in Proc |-> [q \in Proc |-> 0]]
    /\ net = EmptyBag
    /\ delivered = [p \in Proc |-> {}]
    /\ past = [m \in MsgId |-> {}]

Broadcast(p) ==
    /\ vc[p][p] < MaxMsgs
    /\ SumOver(Proc, LAMBDA q : vc[q][q]) < MaxTotal
    /\ LET id == [src |-> p, n |-> Checked(vc[p][p] + 1, 1..MaxMsgs)]
       IN  /\ Evaluated(id)
           /\ LET stored_1 == vc[p][p] + 1
              IN  /\ Stored(stored_1 \in Count, "specs/causal_broadcast.spec:73:5")
                  /\ LET domain_1 == {q \in Proc : q # p}
                     IN  /\ IF p1 \in domain_1 THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}), Msg, 1), "specs/causal_broadcast.spec:75:26") ELSE TRUE
                         /\ IF p2 \in domain_1 THEN Stored(IsBagOf((IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}), Msg, 1), "specs/causal_broadcast.spec:75:26") ELSE TRUE
                         /\ IF p3 \in domain_1 THEN Stored(IsBagOf((IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p3, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}), Msg, 1), "specs/causal_broadcast.spec:75:26") ELSE TRUE
                         /\ vc' = [vc EXCEPT ![p][p] = stored_1]
                         /\ net' = IF p3 \in domain_1 THEN (IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p3, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE IF p2 \in domain_1 THEN (IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net) (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p2, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE IF p1 \in domain_1 THEN net (+) SetToBag({[tag |-> "Bcast", src |-> p, dst |-> p1, vc |-> [vc EXCEPT ![p][p] = stored_1][p]]}) ELSE net
                         /\ delivered' = [delivered EXCEPT ![p] = delivered[p] \cup {id}]
                         /\ past' = [past EXCEPT ![id] = {x \in MsgId : (x \in delivered[p]) \/ (\E d \in delivered[p] : x \in past[d])}]

Deliver(p) ==
    \E m \in BagToSet(net) :
        /\ m.dst = p
        /\ (m.vc[m.src] = (vc[p][m.src] + 1)) /\ (\A k \in (LET p_2 == m.src IN {q \in Proc : q # p_2}) : m.vc[k] =< vc[p][k])
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/causal_broadcast.spec:79:5")
               /\ LET stored_1 == vc[p][m.src] + 1
                  IN  /\ Stored(stored_1 \in Count, "specs/causal_broadcast.spec:80:9")
                      /\ vc' = [vc EXCEPT ![p][m.src] = stored_1]
                      /\ net' = net_1
                      /\ delivered' = [delivered EXCEPT ![p] = delivered[p] \cup {[src |-> m.src, n |-> Checked(m.vc[m.src], 1..MaxMsgs)]}]
                      /\ UNCHANGED <<past>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ Holds((BagCardinality(net) = 0) /\ (\A p \in Proc : (vc[p][p] = MaxMsgs) \/ (SumOver(Proc, LAMBDA q : vc[q][q]) = MaxTotal)))
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
