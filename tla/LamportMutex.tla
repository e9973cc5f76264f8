------------------------------ MODULE LamportMutex ------------------------------
\* Exported by specpy from ../specs/lamport_mutex.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
\* Constants (their values are written into the definitions below): N = 3, MaxClock = 5
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

CONSTANTS None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

Proc == 1..3
Clock == 0..6
Msg == [tag : {"Request"}, ts : Clock] \cup [tag : {"Ack"}] \cup [tag : {"Release"}]

VARIABLES clock, req, acks, chan, crit
vars == <<clock, req, acks, chan, crit>>

Init ==
    /\ Stored(DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]] = Proc /\ \A ii \in DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]] : DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]][ii] = Proc /\ \A iii \in DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]][ii] : IsSeqOf([p \in Proc |-> [q \in Proc |-> <<>>]][ii][iii], Msg, 3), "specs/lamport_mutex.spec:50:1")
    /\ clock = [p \in Proc |-> 0]
    /\ req = [p \in Proc |-> [q \in Proc |-> None]]
    /\ acks = [p \in Proc |-> {}]
    /\ chan = [p \in Proc |-> [q \in Proc |-> <<>>]]
    /\ crit = {}

\* Step 1: p timestamps a request and broadcasts it.
RequestCS(p) ==
    /\ req[p][p] = None
    /\ LET stored_1 == clock[p] + 1
       IN  /\ Stored(stored_1 \in Clock, "specs/lamport_mutex.spec:73:5")
           /\ LET m == [tag |-> "Request", ts |-> [clock EXCEPT ![p] = stored_1][p]]
              IN  /\ Evaluated(m)
                  /\ LET domain_1 == UNION {IF q # p THEN {q} ELSE {} : q \in Proc}
                     IN  /\ IF 1 \in domain_1 THEN Stored(IsSeqOf(Append(chan[p][1], m), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
                         /\ IF 2 \in domain_1 THEN Stored(IsSeqOf(Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][2], m), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
                         /\ IF 3 \in domain_1 THEN Stored(IsSeqOf(Append((IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][2], m)] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][3], m), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
                         /\ clock' = [clock EXCEPT ![p] = stored_1]
                         /\ req' = [req EXCEPT ![p][p] = [clock EXCEPT ![p] = stored_1][p]]
                         /\ acks' = [acks EXCEPT ![p] = {p}]
                         /\ chan' = IF 3 \in domain_1 THEN [(IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][2], m)] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan) EXCEPT ![p][3] = Append((IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][2], m)] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][3], m)] ELSE IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan)[p][2], m)] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], m)] ELSE chan
                         /\ UNCHANGED <<crit>>

\* Step 2: p queues q's request, moves its clock past it, and acknowledges.
ReceiveRequest(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ LET m == chan[q][p][1]
       IN  /\ Evaluated(m)
           /\ m.tag = "Request"
           /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex.spec:63:5")
           /\ LET ts == m.ts
              IN  /\ Evaluated(ts)
                  /\ LET stored_1 == Max({clock[p], ts}) + 1
                     IN  /\ Stored(stored_1 \in Clock, "specs/lamport_mutex.spec:87:5")
                         /\ Stored(IsSeqOf(Append([chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))][p][q], [tag |-> "Ack"]), Msg, 3), "specs/lamport_mutex.spec:88:5")
                         /\ clock' = [clock EXCEPT ![p] = stored_1]
                         /\ req' = [req EXCEPT ![p][q] = ts]
                         /\ chan' = [[chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))] EXCEPT ![p][q] = Append([chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))][p][q], [tag |-> "Ack"])]
                         /\ UNCHANGED <<acks, crit>>

ReceiveAck(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ chan[q][p][1].tag = "Ack"
    /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex.spec:63:5")
    /\ acks' = [acks EXCEPT ![p] = acks[p] \cup {q}]
    /\ chan' = [chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))]
    /\ UNCHANGED <<clock, req, crit>>

\* Step 4 at a receiver: p drops q's released request.
ReceiveRelease(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ chan[q][p][1].tag = "Release"
    /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex.spec:63:5")
    /\ req' = [req EXCEPT ![p][q] = None]
    /\ chan' = [chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))]
    /\ UNCHANGED <<clock, acks, crit>>

\* Step 3: every other process has acknowledged and p's request is first.
Enter(p) ==
    /\ req[p][p] # None
    /\ p \notin crit
    /\ acks[p] = Proc
    /\ Holds(\A q \in (UNION {IF q # p THEN {q} ELSE {} : q \in Proc}) : ((req[p][q] = None) \/ (Unwrap(req[p][p]) < Unwrap(req[p][q]))) \/ ((req[p][p] = req[p][q]) /\ (p < q)))
    /\ crit' = crit \cup {p}
    /\ UNCHANGED <<clock, req, acks, chan>>

\* Step 4: p leaves and tells every other process.
Exit(p) ==
    /\ p \in crit
    /\ LET domain_1 == UNION {IF q # p THEN {q} ELSE {} : q \in Proc}
       IN  /\ IF 1 \in domain_1 THEN Stored(IsSeqOf(Append(chan[p][1], [tag |-> "Release"]), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
           /\ IF 2 \in domain_1 THEN Stored(IsSeqOf(Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][2], [tag |-> "Release"]), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
           /\ IF 3 \in domain_1 THEN Stored(IsSeqOf(Append((IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][2], [tag |-> "Release"])] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][3], [tag |-> "Release"]), Msg, 3), "specs/lamport_mutex.spec:57:26") ELSE TRUE
           /\ req' = [req EXCEPT ![p][p] = None]
           /\ acks' = [acks EXCEPT ![p] = {}]
           /\ chan' = IF 3 \in domain_1 THEN [(IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][2], [tag |-> "Release"])] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan) EXCEPT ![p][3] = Append((IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][2], [tag |-> "Release"])] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][3], [tag |-> "Release"])] ELSE IF 2 \in domain_1 THEN [(IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan) EXCEPT ![p][2] = Append((IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan)[p][2], [tag |-> "Release"])] ELSE IF 1 \in domain_1 THEN [chan EXCEPT ![p][1] = Append(chan[p][1], [tag |-> "Release"])] ELSE chan
           /\ crit' = crit \ {p}
           /\ UNCHANGED <<clock>>

Next ==
    \/ \E p \in Proc : RequestCS(p)
    \/ \E p \in Proc, q \in Proc : ReceiveRequest(p, q)
    \/ \E p \in Proc, q \in Proc : ReceiveAck(p, q)
    \/ \E p \in Proc, q \in Proc : ReceiveRelease(p, q)
    \/ \E p \in Proc : Enter(p)
    \/ \E p \in Proc : Exit(p)

\* MutualExclusion: no two processes are in their critical sections at once.
MutualExclusion ==
    \A p \in Proc : \A q \in Proc : ((p \in crit) /\ (q \in crit)) => (p = q)

Constraint ==
    (\A p \in Proc : clock[p] =< 5)
=============================================================================
