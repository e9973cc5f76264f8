------------------------------ MODULE Raft3 ------------------------------
\* Exported by specpy from ../specs/raft3.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxTerm, MaxLogLen, MaxInFlight, MaxFaults

CONSTANTS s1, s2, s3, v1, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Min(SS) == CHOOSE mm \in SS : \A xx \in SS : mm =< xx
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
SeqOf(SS, nn) == UNION {[1..kk -> SS] : kk \in 0..nn}
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Server == {s1, s2, s3}
Value == {v1}
Term == 1..MaxTerm
Index == 0..MaxLogLen
Role == {"Follower", "Candidate", "Leader"}
Entry == [term : Term, value : Value]
Committed == [index : 1..MaxLogLen, entry : Entry, term : Term]
Msg == [tag : {"RequestVote"}, term : Term, src : Server, dst : Server, lastLogTerm : 0..MaxTerm, lastLogIndex : Index] \cup [tag : {"Vote"}, term : Term, src : Server, dst : Server, granted : BOOLEAN] \cup [tag : {"AppendEntries"}, term : Term, src : Server, dst : Server, prevIndex : Index, prevTerm : 0..MaxTerm, entries : SeqOf(Entry, 1), commit : Index] \cup [tag : {"Appended"}, term : Term, src : Server, dst : Server, success : BOOLEAN, match : Index]

VARIABLE currentTerm
VARIABLE votedFor
VARIABLE log
VARIABLE role
VARIABLE commitIndex
VARIABLE votesGranted
VARIABLE nextIndex
VARIABLE matchIndex
VARIABLE net
\* History, for LeaderCompleteness only (the protocol never reads it): every
\* entry a leader has committed, with its index and the leader's term.
VARIABLE committed
VARIABLE faults
vars == <<currentTerm, votedFor, log, role, commitIndex, votesGranted, nextIndex, matchIndex, net, committed, faults>>

Init ==
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Entry, MaxLogLen), "specs/raft3.spec:54:1")
    /\ currentTerm = [s \in Server |-> 1]
    /\ votedFor = [s \in Server |-> None]
    /\ log = [s \in Server |-> <<>>]
    /\ role = [s \in Server |-> "Follower"]
    /\ commitIndex = [s \in Server |-> 0]
    /\ votesGranted = [s \in Server |-> {}]
    /\ nextIndex = [s \in Server |-> [t \in Server |-> 1]]
    /\ matchIndex = [s \in Server |-> [t \in Server |-> 0]]
    /\ net = EmptyBag
    /\ committed = {}
    /\ faults = 0

\* A follower or candidate hears nothing and starts an election for a new term.
Timeout(s) ==
    /\ role[s] # "Leader"
    /\ currentTerm[s] < MaxTerm
    /\ LET stored_1 == currentTerm[s] + 1
       IN  /\ Stored(stored_1 \in Term, "specs/raft3.spec:74:5")
           /\ currentTerm' = [currentTerm EXCEPT ![s] = stored_1]
           /\ votedFor' = [votedFor EXCEPT ![s] = s]
           /\ role' = [role EXCEPT ![s] = "Candidate"]
           /\ votesGranted' = [votesGranted EXCEPT ![s] = {s}]
           /\ UNCHANGED <<log, commitIndex, nextIndex, matchIndex, net, committed, faults>>

RequestVoteReq(s, t) ==
    /\ role[s] = "Candidate"
    /\ s # t
    /\ t \notin votesGranted[s]
    /\ BagCardinality(net) < MaxInFlight
    /\ LET m == [tag |-> "RequestVote", term |-> currentTerm[s], src |-> s, dst |-> t, lastLogTerm |-> Checked(LET l == log[s] IN IF Len(l) = 0 THEN 0 ELSE l[Len(l)].term, 0..MaxTerm), lastLogIndex |-> Checked(Len(log[s]), Index)]
       IN  /\ Evaluated(m)
           /\ ~BagIn(m, net)
           /\ LET net_1 == net (+) SetToBag({m})
              IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:84:5")
                  /\ net' = net_1
                  /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, votesGranted, nextIndex, matchIndex, committed, faults>>

BecomeLeader(s) ==
    /\ role[s] = "Candidate"
    /\ LET q == votesGranted[s] IN (2 * Cardinality(q)) > Cardinality(Server)
    /\ role' = [role EXCEPT ![s] = "Leader"]
    /\ nextIndex' = [nextIndex EXCEPT ![s] = [t \in Server |-> Checked(Len(log[s]) + 1, Term)]]
    /\ matchIndex' = [matchIndex EXCEPT ![s] = [t \in Server |-> 0]]
    /\ UNCHANGED <<currentTerm, votedFor, log, commitIndex, votesGranted, net, committed, faults>>

ClientRequest(s, v) ==
    /\ role[s] = "Leader"
    /\ Len(log[s]) < MaxLogLen
    /\ Stored(IsSeqOf(Append(log[s], [term |-> currentTerm[s], value |-> v]), Entry, MaxLogLen), "specs/raft3.spec:98:5")
    /\ log' = [log EXCEPT ![s] = Append(log[s], [term |-> currentTerm[s], value |-> v])]
    /\ UNCHANGED <<currentTerm, votedFor, role, commitIndex, votesGranted, nextIndex, matchIndex, net, committed, faults>>

\* The leader sends t the entry at nextIndex (if any) with the entry before it.
AppendEntriesReq(s, t) ==
    /\ role[s] = "Leader"
    /\ s # t
    /\ BagCardinality(net) < MaxInFlight
    /\ LET prev == nextIndex[s][t] - 1
       IN  /\ Evaluated(prev)
           /\ LET entries == Slice(log[s], nextIndex[s][t], Min({nextIndex[s][t], Len(log[s])}))
              IN  /\ Evaluated(entries)
                  /\ LET m == [tag |-> "AppendEntries", term |-> currentTerm[s], src |-> s, dst |-> t, prevIndex |-> Checked(prev, Index), prevTerm |-> Checked(IF prev = 0 THEN 0 ELSE log[s][prev].term, 0..MaxTerm), entries |-> Checked(entries, SeqOf(Entry, 1)), commit |-> Checked(Min({commitIndex[s], prev + Len(entries)}), Index)]
                     IN  /\ Evaluated(m)
                         /\ ~BagIn(m, net)
                         /\ LET net_1 == net (+) SetToBag({m})
                            IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:110:5")
                                /\ net' = net_1
                                /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, votesGranted, nextIndex, matchIndex, committed, faults>>

\* A leader commits the longest prefix a quorum holds, if its last entry is of the current term.
AdvanceCommitIndex(s) ==
    /\ role[s] = "Leader"
    /\ LET agreed == {n \in (1..Len(log[s])) : LET q == {t \in Server : (t = s) \/ (matchIndex[s][t] >= n)} IN (2 * Cardinality(q)) > Cardinality(Server)}
       IN  /\ Evaluated(agreed)
           /\ agreed # {}
           /\ Max(agreed) > commitIndex[s]
           /\ log[s][Max(agreed)].term = currentTerm[s]
           /\ Stored(Max(agreed) \in Index, "specs/raft3.spec:119:5")
           /\ commitIndex' = [commitIndex EXCEPT ![s] = Max(agreed)]
           /\ committed' = committed \cup {[index |-> Checked(n, 1..MaxLogLen), entry |-> log[s][n], term |-> currentTerm[s]] : n \in ((commitIndex[s] + 1)..Max(agreed))}
           /\ UNCHANGED <<currentTerm, votedFor, log, role, votesGranted, nextIndex, matchIndex, net, faults>>

\* A message from a newer term turns its receiver into a follower of that term
\* (the message stays in the network, to be handled next).
UpdateTerm(s) ==
    \E m \in BagToSet(net) :
        /\ m.dst = s
        /\ m.term > currentTerm[s]
        /\ currentTerm' = [currentTerm EXCEPT ![s] = m.term]
        /\ votedFor' = [votedFor EXCEPT ![s] = None]
        /\ role' = [role EXCEPT ![s] = "Follower"]
        /\ UNCHANGED <<log, commitIndex, votesGranted, nextIndex, matchIndex, net, committed, faults>>

\* Grant the vote if the candidate's log is at least as up to date as ours and
\* we have not voted for anyone else in this term.
HandleRequestVote(s) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "RequestVote"
        /\ m.dst = s
        /\ m.term =< currentTerm[s]
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:137:5")
               /\ LET logOk == (m.lastLogTerm > (LET l == log[s] IN IF Len(l) = 0 THEN 0 ELSE l[Len(l)].term)) \/ ((m.lastLogTerm = (LET l == log[s] IN IF Len(l) = 0 THEN 0 ELSE l[Len(l)].term)) /\ (m.lastLogIndex >= Len(log[s])))
                  IN  /\ Evaluated(logOk)
                      /\ LET grant == ((m.term = currentTerm[s]) /\ logOk) /\ ((votedFor[s] = None) \/ (votedFor[s] = m.src))
                         IN  /\ Evaluated(grant)
                             /\ LET net_2 == net_1 (+) SetToBag({[tag |-> "Vote", term |-> currentTerm[s], src |-> s, dst |-> m.src, granted |-> grant]})
                                IN  /\ Stored(IsBagOf(net_2, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:144:9")
                                    /\ votedFor' = IF grant THEN [votedFor EXCEPT ![s] = m.src] ELSE votedFor
                                    /\ net' = net_2
                                    /\ UNCHANGED <<currentTerm, log, role, commitIndex, votesGranted, nextIndex, matchIndex, committed, faults>>

HandleVote(s) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Vote"
        /\ m.dst = s
        /\ m.term =< currentTerm[s]
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:149:5")
               /\ votesGranted' = IF (m.granted /\ (m.term = currentTerm[s])) /\ (role[s] = "Candidate") THEN [votesGranted EXCEPT ![s] = votesGranted[s] \cup {m.src}] ELSE votesGranted
               /\ net' = net_1
               /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, nextIndex, matchIndex, committed, faults>>

\* The consistency check: accept only if our log has the leader's entry at
\* prevIndex; a conflicting entry (same index, other term) is cut off with
\* everything after it, and the leader's entry appended.
HandleAppendEntries(s) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "AppendEntries"
        /\ m.dst = s
        /\ m.term =< currentTerm[s]
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:160:5")
               /\ LET logOk == (m.prevIndex = 0) \/ ((m.prevIndex =< Len(log[s])) /\ (log[s][m.prevIndex].term = m.prevTerm))
                  IN  /\ Evaluated(logOk)
                      /\ IF (m.term < currentTerm[s]) \/ (~logOk) THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Appended", term |-> currentTerm[s], src |-> s, dst |-> m.src, success |-> FALSE, match |-> 0]}), Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:166:13") ELSE IF (Len(m.entries) > 0) /\ ((Len(log[s]) < (m.prevIndex + 1)) \/ (log[s][(m.prevIndex + 1)].term # m.entries[1].term)) THEN Stored(IsSeqOf(Slice(log[s], 1, m.prevIndex) \o m.entries, Entry, MaxLogLen), "specs/raft3.spec:171:17") ELSE TRUE /\ Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Appended", term |-> currentTerm[s], src |-> s, dst |-> m.src, success |-> TRUE, match |-> Checked(m.prevIndex + Len(m.entries), Index)]}), Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:176:13")
                      /\ log' = IF (m.term < currentTerm[s]) \/ (~logOk) THEN log ELSE IF (Len(m.entries) > 0) /\ ((Len(log[s]) < (m.prevIndex + 1)) \/ (log[s][(m.prevIndex + 1)].term # m.entries[1].term)) THEN [log EXCEPT ![s] = Slice(log[s], 1, m.prevIndex) \o m.entries] ELSE log
                      /\ role' = IF (m.term < currentTerm[s]) \/ (~logOk) THEN IF m.term = currentTerm[s] THEN [role EXCEPT ![s] = "Follower"] ELSE role ELSE [role EXCEPT ![s] = "Follower"]
                      /\ commitIndex' = IF (m.term < currentTerm[s]) \/ (~logOk) THEN commitIndex ELSE IF m.commit > commitIndex[s] THEN [commitIndex EXCEPT ![s] = m.commit] ELSE commitIndex
                      /\ net' = IF (m.term < currentTerm[s]) \/ (~logOk) THEN net_1 (+) SetToBag({[tag |-> "Appended", term |-> currentTerm[s], src |-> s, dst |-> m.src, success |-> FALSE, match |-> 0]}) ELSE net_1 (+) SetToBag({[tag |-> "Appended", term |-> currentTerm[s], src |-> s, dst |-> m.src, success |-> TRUE, match |-> Checked(m.prevIndex + Len(m.entries), Index)]})
                      /\ UNCHANGED <<currentTerm, votedFor, votesGranted, nextIndex, matchIndex, committed, faults>>

HandleAppended(s) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Appended"
        /\ m.dst = s
        /\ m.term =< currentTerm[s]
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, MaxInFlight + MaxFaults), "specs/raft3.spec:183:5")
               /\ IF (role[s] = "Leader") /\ (m.term = currentTerm[s]) THEN IF m.success THEN Stored((m.match + 1) \in Term, "specs/raft3.spec:186:17") ELSE Stored(Max({nextIndex[s][m.src] - 1, 1}) \in Term, "specs/raft3.spec:189:17") ELSE TRUE
               /\ nextIndex' = IF (role[s] = "Leader") /\ (m.term = currentTerm[s]) THEN IF m.success THEN [nextIndex EXCEPT ![s][m.src] = m.match + 1] ELSE [nextIndex EXCEPT ![s][m.src] = Max({nextIndex[s][m.src] - 1, 1})] ELSE nextIndex
               /\ matchIndex' = IF (role[s] = "Leader") /\ (m.term = currentTerm[s]) THEN IF m.success THEN [matchIndex EXCEPT ![s][m.src] = m.match] ELSE matchIndex ELSE matchIndex
               /\ net' = net_1
               /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, votesGranted, committed, faults>>

\* The initial values a crash restores.
Initial_role == [s \in Server |-> "Follower"]
Initial_commitIndex == [s \in Server |-> 0]
Initial_votesGranted == [s \in Server |-> {}]
Initial_nextIndex == [s \in Server |-> [t \in Server |-> 1]]
Initial_matchIndex == [s \in Server |-> [t \in Server |-> 0]]

\* Fault steps (the spec's `faults` block), at most 0 per behaviour, counted by `faults`.
Lose_net(msg) ==
    /\ faults < 0
    /\ net' = net (-) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, votesGranted, nextIndex, matchIndex, committed>>

Duplicate_net(msg) ==
    /\ faults < 0
    /\ CopiesIn(msg, net) < 1
    /\ net' = net (+) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<currentTerm, votedFor, log, role, commitIndex, votesGranted, nextIndex, matchIndex, committed>>

Crash_Server(who) ==
    /\ faults < 0
    /\ role' = [role EXCEPT ![who] = Initial_role[who]]
    /\ commitIndex' = [commitIndex EXCEPT ![who] = Initial_commitIndex[who]]
    /\ votesGranted' = [votesGranted EXCEPT ![who] = Initial_votesGranted[who]]
    /\ nextIndex' = [nextIndex EXCEPT ![who] = Initial_nextIndex[who]]
    /\ matchIndex' = [matchIndex EXCEPT ![who] = Initial_matchIndex[who]]
    /\ faults' = faults + 1
    /\ UNCHANGED <<currentTerm, votedFor, log, net, committed>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ \A s \in Server : (currentTerm[s] = MaxTerm) /\ (role[s] # "Leader")
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Server : Timeout(s)
    \/ \E s \in Server, t \in Server : RequestVoteReq(s, t)
    \/ \E s \in Server : BecomeLeader(s)
    \/ \E s \in Server, v \in Value : ClientRequest(s, v)
    \/ \E s \in Server, t \in Server : AppendEntriesReq(s, t)
    \/ \E s \in Server : AdvanceCommitIndex(s)
    \/ \E s \in Server : UpdateTerm(s)
    \/ \E s \in Server : HandleRequestVote(s)
    \/ \E s \in Server : HandleVote(s)
    \/ \E s \in Server : HandleAppendEntries(s)
    \/ \E s \in Server : HandleAppended(s)
    \/ \E msg \in BagToSet(net) : Lose_net(msg)
    \/ \E msg \in BagToSet(net) : Duplicate_net(msg)
    \/ \E who \in Server : Crash_Server(who)
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

Symmetry == Permutations(Server)
=============================================================================
