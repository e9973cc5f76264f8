------------------------------ MODULE ZabAbstract ------------------------------
\* Exported by specpy from ../specs/zab_abstract.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxEpoch, MaxTxn, MaxFaults

CONSTANTS s1, s2, s3, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv
Min(SS) == CHOOSE mm \in SS : \A xx \in SS : mm =< xx
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

MaxHist == MaxEpoch * MaxTxn

Server == {s1, s2, s3}
Epoch == 0..MaxEpoch
Txn == [epoch : 1..MaxEpoch, counter : 1..MaxTxn]
Role == {"Looking", "Following", "Leading"}

\* On disk: the last epoch accepted (NEWEPOCH) and the epoch of the last
\* NEWLEADER adopted; the history; what the server has delivered (applied).
VARIABLE acceptedEpoch
VARIABLE currentEpoch
VARIABLE history
VARIABLE delivered
\* In memory: role and leader; which followers a leader has synchronised,
\* whether it is established, and how far each follower acknowledged.
VARIABLE role
VARIABLE leader
VARIABLE synced
VARIABLE established
VARIABLE acked
\* Ghost: every transaction a leader has broadcast.
VARIABLE proposed
VARIABLE faults
vars == <<acceptedEpoch, currentEpoch, history, delivered, role, leader, synced, established, acked, proposed, faults>>

Init ==
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Txn, MaxHist), "specs/zab_abstract.spec:83:1")
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Txn, MaxHist), "specs/zab_abstract.spec:84:1")
    /\ acceptedEpoch = [s \in Server |-> 0]
    /\ currentEpoch = [s \in Server |-> 0]
    /\ history = [s \in Server |-> <<>>]
    /\ delivered = [s \in Server |-> <<>>]
    /\ role = [s \in Server |-> "Looking"]
    /\ leader = [s \in Server |-> None]
    /\ synced = [s \in Server |-> {}]
    /\ established = [s \in Server |-> FALSE]
    /\ acked = [s \in Server |-> [t \in Server |-> 0]]
    /\ proposed = {}
    /\ faults = 0

\* The election's outcome: l leads a quorum q of servers that are looking.
\* The new epoch is above every acceptedEpoch in q (CEPOCH), q accepts it
\* (NEWEPOCH/ACKEPOCH), and l adopts the most up-to-date history among q.
Discover(l, q) ==
    /\ l \in q
    /\ (2 * Cardinality(q)) > Cardinality(Server)
    /\ \A s \in q : role[s] = "Looking"
    /\ LET e == Max({acceptedEpoch[s] : s \in q}) + 1
       IN  /\ Evaluated(e)
           /\ e =< MaxEpoch
           /\ \E b \in q :
                  /\ Holds(\A s \in q : (currentEpoch[b] > currentEpoch[s]) \/ ((currentEpoch[b] = currentEpoch[s]) /\ (Len(history[b]) >= Len(history[s]))))
                  /\ Stored(IsSeqOf(history[b], Txn, MaxHist), "specs/zab_abstract.spec:118:9")
                  /\ LET domain_1 == q
                     IN  /\ IF s1 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_abstract.spec:121:9") ELSE TRUE
                         /\ IF s2 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_abstract.spec:121:9") ELSE TRUE
                         /\ IF s3 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_abstract.spec:121:9") ELSE TRUE
                         /\ acceptedEpoch' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [acceptedEpoch EXCEPT ![s1] = e] ELSE acceptedEpoch) EXCEPT ![s2] = e] ELSE IF s1 \in domain_1 THEN [acceptedEpoch EXCEPT ![s1] = e] ELSE acceptedEpoch) EXCEPT ![s3] = e] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [acceptedEpoch EXCEPT ![s1] = e] ELSE acceptedEpoch) EXCEPT ![s2] = e] ELSE IF s1 \in domain_1 THEN [acceptedEpoch EXCEPT ![s1] = e] ELSE acceptedEpoch
                         /\ history' = [history EXCEPT ![l] = history[b]]
                         /\ role' = [(IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s2] = "Following"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s3] = "Following"] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s2] = "Following"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![l] = "Leading"]
                         /\ leader' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s2] = l] ELSE IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s3] = l] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s2] = l] ELSE IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader
                         /\ synced' = [synced EXCEPT ![l] = {l}]
                         /\ established' = [established EXCEPT ![l] = FALSE]
                         /\ acked' = [acked EXCEPT ![l] = [t \in Server |-> 0]]
                         /\ UNCHANGED <<currentEpoch, delivered, proposed, faults>>

\* NEWLEADER to follower f, and its ACK: f adopts the leader's history and epoch.
Sync(l, f) ==
    /\ role[l] = "Leading"
    /\ ~established[l]
    /\ f \notin synced[l]
    /\ role[f] = "Following"
    /\ leader[f] = l
    /\ acceptedEpoch[f] = acceptedEpoch[l]
    /\ Stored(IsSeqOf(history[l], Txn, MaxHist), "specs/zab_abstract.spec:138:5")
    /\ Stored(Len([history EXCEPT ![f] = history[l]][l]) \in Epoch, "specs/zab_abstract.spec:140:5")
    /\ currentEpoch' = [currentEpoch EXCEPT ![f] = acceptedEpoch[l]]
    /\ history' = [history EXCEPT ![f] = history[l]]
    /\ synced' = [synced EXCEPT ![l] = synced[l] \cup {f}]
    /\ acked' = [acked EXCEPT ![l][f] = Len([history EXCEPT ![f] = history[l]][l])]
    /\ UNCHANGED <<acceptedEpoch, delivered, role, leader, established, proposed, faults>>

\* With a quorum synchronised, the leader is established and commits its history.
Establish(l) ==
    /\ role[l] = "Leading"
    /\ ~established[l]
    /\ LET q == synced[l] IN (2 * Cardinality(q)) > Cardinality(Server)
    /\ LET stored_1 == LET upto == Len(history[l]) IN delivered[l] \o Slice(history[l], Len(delivered[l]) + 1, upto)
       IN  /\ Stored(IsSeqOf(stored_1, Txn, MaxHist), "specs/zab_abstract.spec:148:5")
           /\ currentEpoch' = [currentEpoch EXCEPT ![l] = acceptedEpoch[l]]
           /\ delivered' = [delivered EXCEPT ![l] = stored_1]
           /\ established' = [established EXCEPT ![l] = TRUE]
           /\ UNCHANGED <<acceptedEpoch, history, role, leader, synced, acked, proposed, faults>>

\* The leader proposes the next transaction of its epoch (appends it to its history).
Broadcast(l) ==
    /\ role[l] = "Leading"
    /\ established[l]
    /\ Len(history[l]) < MaxHist
    /\ LET e == currentEpoch[l]
       IN  /\ Evaluated(e)
           /\ Cardinality({i \in (1..MaxHist) : (i =< Len(history[l])) /\ (history[l][i].epoch = e)}) < MaxTxn
           /\ LET t == [epoch |-> Checked(e, 1..MaxEpoch), counter |-> Checked(1 + Cardinality({i \in (1..MaxHist) : (i =< Len(history[l])) /\ (history[l][i].epoch = e)}), 1..MaxTxn)]
              IN  /\ Evaluated(t)
                  /\ Stored(IsSeqOf(Append(history[l], t), Txn, MaxHist), "specs/zab_abstract.spec:159:5")
                  /\ Stored(Len([history EXCEPT ![l] = Append(history[l], t)][l]) \in Epoch, "specs/zab_abstract.spec:160:5")
                  /\ history' = [history EXCEPT ![l] = Append(history[l], t)]
                  /\ acked' = [acked EXCEPT ![l][l] = Len([history EXCEPT ![l] = Append(history[l], t)][l])]
                  /\ proposed' = proposed \cup {t}
                  /\ UNCHANGED <<acceptedEpoch, currentEpoch, delivered, role, leader, synced, established, faults>>

\* PROPOSE and ACK: a synchronised follower appends the next proposal and acknowledges it.
Replicate(l, f) ==
    /\ role[l] = "Leading"
    /\ established[l]
    /\ f \in synced[l]
    /\ f # l
    /\ role[f] = "Following"
    /\ leader[f] = l
    /\ currentEpoch[f] = currentEpoch[l]
    /\ Len(history[f]) < Len(history[l])
    /\ Stored(IsSeqOf(Append(history[f], history[l][Len(history[f]) + 1]), Txn, MaxHist), "specs/zab_abstract.spec:169:5")
    /\ Stored(Len([history EXCEPT ![f] = Append(history[f], history[l][Len(history[f]) + 1])][f]) \in Epoch, "specs/zab_abstract.spec:170:5")
    /\ history' = [history EXCEPT ![f] = Append(history[f], history[l][Len(history[f]) + 1])]
    /\ acked' = [acked EXCEPT ![l][f] = Len([history EXCEPT ![f] = Append(history[f], history[l][Len(history[f]) + 1])][f])]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, delivered, role, leader, synced, established, proposed, faults>>

\* What a quorum has acknowledged is committed, and delivered by the leader.
CommitTxn(l) ==
    /\ role[l] = "Leading"
    /\ established[l]
    /\ LET n == Max({i \in (0..MaxHist) : (i =< Len(history[l])) /\ (LET q == {s \in synced[l] : acked[l][s] >= i} IN (2 * Cardinality(q)) > Cardinality(Server))})
       IN  /\ Evaluated(n)
           /\ n > Len(delivered[l])
           /\ LET stored_1 == delivered[l] \o Slice(history[l], Len(delivered[l]) + 1, n)
              IN  /\ Stored(IsSeqOf(stored_1, Txn, MaxHist), "specs/zab_abstract.spec:178:5")
                  /\ delivered' = [delivered EXCEPT ![l] = stored_1]
                  /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, role, leader, synced, established, acked, proposed, faults>>

\* COMMIT: a follower delivers what its leader has committed and it holds.
Deliver(l, f) ==
    /\ role[l] = "Leading"
    /\ f \in synced[l]
    /\ f # l
    /\ role[f] = "Following"
    /\ leader[f] = l
    /\ currentEpoch[f] = currentEpoch[l]
    /\ LET n == Min({Len(delivered[l]), Len(history[f])})
       IN  /\ Evaluated(n)
           /\ n > Len(delivered[f])
           /\ LET stored_1 == delivered[f] \o Slice(history[f], Len(delivered[f]) + 1, n)
              IN  /\ Stored(IsSeqOf(stored_1, Txn, MaxHist), "specs/zab_abstract.spec:187:5")
                  /\ delivered' = [delivered EXCEPT ![f] = stored_1]
                  /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, role, leader, synced, established, acked, proposed, faults>>

\* The leader fails or is cut off: it and its followers notice (a timeout)
\* and look for a new leader.
Abdicate(l) ==
    /\ role[l] = "Leading"
    /\ role' = IF (IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s3] = l THEN [(IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s2] = "Looking"] ELSE IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s3] = "Looking"] ELSE IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s2] = "Looking"] ELSE IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role
    /\ leader' = IF (IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s3] = l THEN [(IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s3] = None] ELSE IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader
    /\ established' = [established EXCEPT ![l] = FALSE]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, synced, acked, proposed, faults>>

\* A leader whose synchronised followers no longer make a quorum with it
\* (one crashed or left) notices and steps down, as in Abdicate. (The body is
\* Abdicate's; a procedure would share it.)
StepDown(l) ==
    /\ role[l] = "Leading"
    /\ ~(LET q == {f \in synced[l] : (f = l) \/ ((role[f] = "Following") /\ (leader[f] = l))} IN (2 * Cardinality(q)) > Cardinality(Server))
    /\ role' = IF (IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s3] = l THEN [(IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s2] = "Looking"] ELSE IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s3] = "Looking"] ELSE IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role) EXCEPT ![s2] = "Looking"] ELSE IF leader[s1] = l THEN [role EXCEPT ![s1] = "Looking"] ELSE role
    /\ leader' = IF (IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s3] = l THEN [(IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s3] = None] ELSE IF (IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader)[s2] = l THEN [(IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader) EXCEPT ![s2] = None] ELSE IF leader[s1] = l THEN [leader EXCEPT ![s1] = None] ELSE leader
    /\ established' = [established EXCEPT ![l] = FALSE]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, synced, acked, proposed, faults>>

\* A follower whose leader is gone (it crashed, or stopped leading) times out.
FollowerTimeout(f) ==
    /\ role[f] = "Following"
    /\ role[Unwrap(leader[f])] # "Leading"
    /\ role' = [role EXCEPT ![f] = "Looking"]
    /\ leader' = [leader EXCEPT ![f] = None]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, synced, established, acked, proposed, faults>>

\* The initial values a crash restores.
Initial_role == [s \in Server |-> "Looking"]
Initial_leader == [s \in Server |-> None]
Initial_synced == [s \in Server |-> {}]
Initial_established == [s \in Server |-> FALSE]
Initial_acked == [s \in Server |-> [t \in Server |-> 0]]

\* Fault steps (the spec's `faults` block), at most 1 per behaviour, counted by `faults`.
Crash_Server(who) ==
    /\ faults < 1
    /\ role' = [role EXCEPT ![who] = Initial_role[who]]
    /\ leader' = [leader EXCEPT ![who] = Initial_leader[who]]
    /\ synced' = [synced EXCEPT ![who] = Initial_synced[who]]
    /\ established' = [established EXCEPT ![who] = Initial_established[who]]
    /\ acked' = [acked EXCEPT ![who] = Initial_acked[who]]
    /\ faults' = faults + 1
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, proposed>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ (\A s \in Server : role[s] = "Looking") /\ (~(LET q == {s \in Server : acceptedEpoch[s] < MaxEpoch} IN (2 * Cardinality(q)) > Cardinality(Server)))
    /\ UNCHANGED vars

Next ==
    \/ \E l \in Server, q \in (SUBSET Server) : Discover(l, q)
    \/ \E l \in Server, f \in Server : Sync(l, f)
    \/ \E l \in Server : Establish(l)
    \/ \E l \in Server : Broadcast(l)
    \/ \E l \in Server, f \in Server : Replicate(l, f)
    \/ \E l \in Server : CommitTxn(l)
    \/ \E l \in Server, f \in Server : Deliver(l, f)
    \/ \E l \in Server : Abdicate(l)
    \/ \E l \in Server : StepDown(l)
    \/ \E f \in Server : FollowerTimeout(f)
    \/ \E who \in Server : Crash_Server(who)
    \/ Terminated

Integrity ==
    \A s \in Server : \A i \in (1..MaxHist) : (i =< Len(delivered[s])) => (delivered[s][i] \in proposed)

Agreement ==
    \A a \in Server : \A b \in Server : (LET a_2 == delivered[a] IN LET b_2 == delivered[b] IN (Len(a_2) =< Len(b_2)) /\ (Slice(b_2, 1, Len(a_2)) = a_2)) \/ (LET a_2 == delivered[b] IN LET b_2 == delivered[a] IN (Len(a_2) =< Len(b_2)) /\ (Slice(b_2, 1, Len(a_2)) = a_2))

PrimaryOrder ==
    \A s \in Server : \A i \in (1..MaxHist) : (i < Len(delivered[s])) => (LET a == delivered[s][i] IN LET b == delivered[s][i + 1] IN (a.epoch < b.epoch) \/ ((a.epoch = b.epoch) /\ (a.counter < b.counter)))

PrimaryIntegrity ==
    \A l \in Server : \A s \in Server : \A i \in (1..MaxHist) : ((((role[l] = "Leading") /\ established[l]) /\ (i =< Len(delivered[s]))) /\ (delivered[s][i].epoch < currentEpoch[l])) => (\E j \in (1..MaxHist) : (j =< Len(history[l])) /\ (history[l][j] = delivered[s][i]))

Committed == (\E l \in Server : ((role[l] = "Leading") /\ established[l]) /\ (Len(delivered[l]) < Len(history[l]))) ~> (\A l \in Server : ((role[l] = "Leading") /\ established[l]) => (Len(delivered[l]) = Len(history[l])))

Spec ==
    Init /\ [][Next]_vars /\ (\A l \in Server, q \in (SUBSET Server) : WF_vars(Discover(l, q))) /\ (\A l \in Server, f \in Server : WF_vars(Sync(l, f))) /\ (\A l \in Server : WF_vars(Establish(l))) /\ (\A l \in Server, f \in Server : WF_vars(Replicate(l, f))) /\ (\A l \in Server : WF_vars(CommitTxn(l))) /\ (\A l \in Server, f \in Server : WF_vars(Deliver(l, f))) /\ (\A l \in Server : WF_vars(StepDown(l))) /\ (\A f \in Server : WF_vars(FollowerTimeout(f)))
=============================================================================
