------------------------------ MODULE LamportMutexBugNoTiebreak ------------------------------
\* Exported by specpy from ../specs/lamport_mutex_bug_no_tiebreak.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS N, MaxClock

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

Proc == 1..N
Clock == 0..(MaxClock + 1)
Msg == [tag : {"Request"}, ts : Clock] \cup [tag : {"Ack"}] \cup [tag : {"Release"}]

\* clock[p]: p's Lamport clock. req[p][q]: the timestamp of q's request in p's
\* queue. acks[p]: who has acknowledged p's current request. chan[p][q]: the
\* FIFO channel from p to q. crit: the processes in their critical section.
VARIABLE clock
VARIABLE req
VARIABLE acks
VARIABLE chan
VARIABLE crit
vars == <<clock, req, acks, chan, crit>>

Init ==
    /\ Stored(DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]] = Proc /\ \A ii \in DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]] : DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]][ii] = Proc /\ \A iii \in DOMAIN [p \in Proc |-> [q \in Proc |-> <<>>]][ii] : IsSeqOf([p \in Proc |-> [q \in Proc |-> <<>>]][ii][iii], Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:28:1")
    /\ clock = [p \in Proc |-> 0]
    /\ req = [p \in Proc |-> [q \in Proc |-> None]]
    /\ acks = [p \in Proc |-> {}]
    /\ chan = [p \in Proc |-> [q \in Proc |-> <<>>]]
    /\ crit = {}

\* Step 1: p timestamps a request and broadcasts it.
RequestCS(p) ==
    /\ req[p][p] = None
    /\ LET stored_1 == clock[p] + 1
       IN  /\ Stored(stored_1 \in Clock, "specs/lamport_mutex_bug_no_tiebreak.spec:48:5")
           /\ LET m == [tag |-> "Request", ts |-> [clock EXCEPT ![p] = stored_1][p]]
              IN  /\ Evaluated(m)
                  /\ \A q \in {q_2 \in Proc : q_2 # p} : Stored(IsSeqOf(Append(chan[p][q], m), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:34:26")
                  /\ clock' = [clock EXCEPT ![p] = stored_1]
                  /\ req' = [req EXCEPT ![p][p] = [clock EXCEPT ![p] = stored_1][p]]
                  /\ acks' = [acks EXCEPT ![p] = {p}]
                  /\ chan' = [chan EXCEPT ![p] = [q \in Proc |-> IF q \in {q_2 \in Proc : q_2 # p} THEN Append(chan[p][q], m) ELSE chan[p][q]]]
                  /\ UNCHANGED <<crit>>

\* Step 2: p queues q's request, moves its clock past it, and acknowledges.
ReceiveRequest(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ LET m == chan[q][p][1]
       IN  /\ Evaluated(m)
           /\ m.tag = "Request"
           /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:38:5")
           /\ LET ts == m.ts
              IN  /\ Evaluated(ts)
                  /\ LET stored_1 == Max({clock[p], ts}) + 1
                     IN  /\ Stored(stored_1 \in Clock, "specs/lamport_mutex_bug_no_tiebreak.spec:62:5")
                         /\ Stored(IsSeqOf(Append([chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))][p][q], [tag |-> "Ack"]), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:63:5")
                         /\ clock' = [clock EXCEPT ![p] = stored_1]
                         /\ req' = [req EXCEPT ![p][q] = ts]
                         /\ chan' = [[chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))] EXCEPT ![p][q] = Append([chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))][p][q], [tag |-> "Ack"])]
                         /\ UNCHANGED <<acks, crit>>

ReceiveAck(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ chan[q][p][1].tag = "Ack"
    /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:38:5")
    /\ acks' = [acks EXCEPT ![p] = acks[p] \cup {q}]
    /\ chan' = [chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))]
    /\ UNCHANGED <<clock, req, crit>>

\* Step 4 at a receiver: p drops q's released request.
ReceiveRelease(p, q) ==
    /\ p # q
    /\ Len(chan[q][p]) > 0
    /\ chan[q][p][1].tag = "Release"
    /\ Stored(IsSeqOf(Slice(chan[q][p], 2, Len(chan[q][p])), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:38:5")
    /\ req' = [req EXCEPT ![p][q] = None]
    /\ chan' = [chan EXCEPT ![q][p] = Slice(chan[q][p], 2, Len(chan[q][p]))]
    /\ UNCHANGED <<clock, acks, crit>>

\* Step 3: every other process has acknowledged and p's request is first.
Enter(p) ==
    /\ req[p][p] # None
    /\ p \notin crit
    /\ acks[p] = Proc
    /\ Holds(\A q \in {q \in Proc : q # p} : (req[p][q] = None) \/ (Unwrap(req[p][p]) =< Unwrap(req[p][q])))
    /\ crit' = crit \cup {p}
    /\ UNCHANGED <<clock, req, acks, chan>>

\* Step 4: p leaves and tells every other process.
Exit(p) ==
    /\ p \in crit
    /\ \A q \in {q_2 \in Proc : q_2 # p} : Stored(IsSeqOf(Append(chan[p][q], [tag |-> "Release"]), Msg, 3), "specs/lamport_mutex_bug_no_tiebreak.spec:34:26")
    /\ req' = [req EXCEPT ![p][p] = None]
    /\ acks' = [acks EXCEPT ![p] = {}]
    /\ chan' = [chan EXCEPT ![p] = [q \in Proc |-> IF q \in {q_2 \in Proc : q_2 # p} THEN Append(chan[p][q], [tag |-> "Release"]) ELSE chan[p][q]]]
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
    (\A p \in Proc : clock[p] =< MaxClock)
=============================================================================
