------------------------------ MODULE RaftFigure8 ------------------------------
\* Exported by specpy from ../specs/raft_figure8.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxTerm, MaxLogLen

CONSTANTS s1, s2, s3, v1, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Min(SS) == CHOOSE mm \in SS : \A xx \in SS : mm =< xx
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

Server == {s1, s2, s3}
Value == {v1}
Term == 1..MaxTerm
Role == {"Follower", "Leader"}
Entry == [term : Term, value : Value]
Committed == [index : 1..MaxLogLen, entry : Entry, term : Term]

VARIABLE currentTerm
VARIABLE votedFor
VARIABLE role
VARIABLE log
VARIABLE commitIndex
\* History, for LeaderCompleteness only: every entry a leader has committed,
\* with its index and the leader's term.
VARIABLE committed
vars == <<currentTerm, votedFor, role, log, commitIndex, committed>>

Init ==
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Entry, MaxLogLen), "specs/raft_figure8.spec:46:1")
    /\ currentTerm = [s \in Server |-> 1]
    /\ votedFor = [s \in Server |-> None]
    /\ role = [s \in Server |-> "Follower"]
    /\ log = [s \in Server |-> <<>>]
    /\ commitIndex = [s \in Server |-> 0]
    /\ committed = {}

\* s wins the election for term t with the votes of quorum q: each voter is in
\* an earlier term, or in t without having voted for anyone else, and finds s's
\* log at least as up to date as its own.
Elect(s, t, q) ==
    /\ s \in q
    /\ (2 * Cardinality(q)) > Cardinality(Server)
    /\ t > currentTerm[s]
    /\ Holds(\A v \in q : ((currentTerm[v] < t) \/ ((currentTerm[v] = t) /\ ((votedFor[v] = None) \/ (votedFor[v] = s)))) /\ (LET a == log[s] IN LET b == log[v] IN ((IF Len(a) = 0 THEN 0 ELSE a[Len(a)].term) > (IF Len(b) = 0 THEN 0 ELSE b[Len(b)].term)) \/ (((IF Len(a) = 0 THEN 0 ELSE a[Len(a)].term) = (IF Len(b) = 0 THEN 0 ELSE b[Len(b)].term)) /\ (Len(a) >= Len(b)))))
    /\ LET domain_1 == q
       IN  /\ currentTerm' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [currentTerm EXCEPT ![s1] = t] ELSE currentTerm) EXCEPT ![s2] = t] ELSE IF s1 \in domain_1 THEN [currentTerm EXCEPT ![s1] = t] ELSE currentTerm) EXCEPT ![s3] = t] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [currentTerm EXCEPT ![s1] = t] ELSE currentTerm) EXCEPT ![s2] = t] ELSE IF s1 \in domain_1 THEN [currentTerm EXCEPT ![s1] = t] ELSE currentTerm
           /\ votedFor' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [votedFor EXCEPT ![s1] = s] ELSE votedFor) EXCEPT ![s2] = s] ELSE IF s1 \in domain_1 THEN [votedFor EXCEPT ![s1] = s] ELSE votedFor) EXCEPT ![s3] = s] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [votedFor EXCEPT ![s1] = s] ELSE votedFor) EXCEPT ![s2] = s] ELSE IF s1 \in domain_1 THEN [votedFor EXCEPT ![s1] = s] ELSE votedFor
           /\ role' = [(IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Follower"] ELSE role) EXCEPT ![s2] = "Follower"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Follower"] ELSE role) EXCEPT ![s3] = "Follower"] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Follower"] ELSE role) EXCEPT ![s2] = "Follower"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Follower"] ELSE role) EXCEPT ![s] = "Leader"]
           /\ UNCHANGED <<log, commitIndex, committed>>

ClientRequest(s, v) ==
    /\ role[s] = "Leader"
    /\ Len(log[s]) < MaxLogLen
    /\ Stored(IsSeqOf(Append(log[s], [term |-> currentTerm[s], value |-> v]), Entry, MaxLogLen), "specs/raft_figure8.spec:76:5")
    /\ log' = [log EXCEPT ![s] = Append(log[s], [term |-> currentTerm[s], value |-> v])]
    /\ UNCHANGED <<currentTerm, votedFor, role, commitIndex, committed>>

\* One successful AppendEntries from leader s to t: t adopts s's term, keeps the
\* prefix it shares with s, replaces what follows by s's next entry (if any),
\* and learns s's commit index up to what it now holds.
Replicate(s, t) ==
    /\ role[s] = "Leader"
    /\ s # t
    /\ currentTerm[t] =< currentTerm[s]
    /\ LET n == LET a == log[s] IN LET b == log[t] IN Max({0} \cup {n \in (1..Min({Len(a), Len(b)})) : Slice(a, 1, n) = Slice(b, 1, n)})
       IN  /\ Evaluated(n)
           /\ LET held == Min({n + 1, Len(log[s])})
              IN  /\ Evaluated(held)
                  /\ IF n < Len(log[s]) THEN Stored(IsSeqOf(Slice(log[t], 1, n) \o <<log[s][n + 1]>>, Entry, MaxLogLen), "specs/raft_figure8.spec:92:9") ELSE TRUE
                  /\ IF Min({commitIndex[s], held}) > commitIndex[t] THEN Stored(Min({commitIndex[s], held}) \in 0..MaxLogLen, "specs/raft_figure8.spec:95:9") ELSE TRUE
                  /\ currentTerm' = IF currentTerm[t] < currentTerm[s] THEN [currentTerm EXCEPT ![t] = currentTerm[s]] ELSE currentTerm
                  /\ votedFor' = IF currentTerm[t] < currentTerm[s] THEN [votedFor EXCEPT ![t] = None] ELSE votedFor
                  /\ role' = [role EXCEPT ![t] = "Follower"]
                  /\ log' = IF n < Len(log[s]) THEN [log EXCEPT ![t] = Slice(log[t], 1, n) \o <<log[s][n + 1]>>] ELSE log
                  /\ commitIndex' = IF Min({commitIndex[s], held}) > commitIndex[t] THEN [commitIndex EXCEPT ![t] = Min({commitIndex[s], held})] ELSE commitIndex
                  /\ UNCHANGED <<committed>>

\* A leader commits index n once a quorum holds its entry there — only for an
\* entry of its own term (earlier entries are committed with it).
Commit(s, n) ==
    /\ role[s] = "Leader"
    /\ commitIndex[s] < n
    /\ n =< Len(log[s])
    /\ Holds(\E q \in (SUBSET Server) : ((2 * Cardinality(q)) > Cardinality(Server)) /\ (\A v \in q : (n =< Len(log[v])) /\ (log[v][n] = log[s][n])))
    /\ commitIndex' = [commitIndex EXCEPT ![s] = n]
    /\ committed' = committed \cup {[index |-> Checked(i, 1..MaxLogLen), entry |-> log[s][i], term |-> currentTerm[s]] : i \in ((commitIndex[s] + 1)..n)}
    /\ UNCHANGED <<currentTerm, votedFor, role, log>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ \A s \in Server : role[s] # "Leader"
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Server, t \in Term, q \in (SUBSET Server) : Elect(s, t, q)
    \/ \E s \in Server, v \in Value : ClientRequest(s, v)
    \/ \E s \in Server, t \in Server : Replicate(s, t)
    \/ \E s \in Server, n \in 1..MaxLogLen : Commit(s, n)
    \/ Terminated

\* At most one leader per term.
ElectionSafety ==
    \A a \in Server : \A b \in Server : (((role[a] = "Leader") /\ (role[b] = "Leader")) /\ (currentTerm[a] = currentTerm[b])) => (a = b)

\* Two logs with an entry of the same term at the same index agree up to there.
LogMatching ==
    \A a \in Server : \A b \in Server : \A n \in (1..Min({Len(log[a]), Len(log[b])})) : (log[a][n].term = log[b][n].term) => (Slice(log[a], 1, n) = Slice(log[b], 1, n))

\* An entry committed in some term is in the log of every leader of a later term.
LeaderCompleteness ==
    \A c \in committed : \A l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] > c.term)) => ((c.index =< Len(log[l])) /\ (log[l][c.index] = c.entry))

\* No two servers commit different entries at the same index.
StateMachineSafety ==
    \A a \in Server : \A b \in Server : \A n \in (1..Min({commitIndex[a], commitIndex[b]})) : ((n =< Len(log[a])) /\ (n =< Len(log[b]))) /\ (log[a][n] = log[b][n])
=============================================================================
