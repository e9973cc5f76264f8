------------------------------ MODULE LSMBugOlderWins ------------------------------
\* Exported by specpy from ../specs/lsm_bug_older_wins.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxRuns

CONSTANTS k1, k2, v1, v2, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

Key == {k1, k2}
Val == {v1, v2}
Cell == [tag : {"Put"}, val : Val] \cup [tag : {"Tombstone"}]

\* The store: memtable, level-0 runs (oldest first), level 1. Then the ghost.
VARIABLE memtable
VARIABLE level0
VARIABLE level1
VARIABLE latest
vars == <<memtable, level0, level1, latest>>

Init ==
    /\ memtable = [k \in Key |-> None]
    /\ level0 = <<>>
    /\ level1 = [k \in Key |-> None]
    /\ latest = [k \in Key |-> None]

Write(k, v) ==
    /\ memtable' = [memtable EXCEPT ![k] = [tag |-> "Put", val |-> v]]
    /\ latest' = [latest EXCEPT ![k] = v]
    /\ UNCHANGED <<level0, level1>>

Delete(k) ==
    /\ memtable' = [memtable EXCEPT ![k] = [tag |-> "Tombstone"]]
    /\ latest' = [latest EXCEPT ![k] = None]
    /\ UNCHANGED <<level0, level1>>

\* The memtable becomes the newest level-0 run.
Flush ==
    /\ Holds(\E k \in Key : memtable[k] # None)
    /\ Len(level0) < MaxRuns
    /\ Stored(IsSeqOf(Append(level0, memtable), [Key -> Cell \cup {None}], MaxRuns), "specs/lsm_bug_older_wins.spec:61:5")
    /\ memtable' = [k \in Key |-> None]
    /\ level0' = Append(level0, memtable)
    /\ UNCHANGED <<level1, latest>>

\* Merge the two oldest level-0 runs into one (not the last level: tombstones stay).
CompactLevel0 ==
    /\ Len(level0) >= 2
    /\ LET level0_1 == <<LET newRun == level0[2] IN LET oldRun == level0[1] IN [k \in Key |-> LET newEntry == newRun[k] IN LET oldEntry == oldRun[k] IN IF oldEntry # None THEN oldEntry ELSE newEntry]>> \o Slice(level0, 3, Len(level0))
       IN  /\ Stored(IsSeqOf(level0_1, [Key -> Cell \cup {None}], MaxRuns), "specs/lsm_bug_older_wins.spec:68:5")
           /\ level0' = level0_1
           /\ UNCHANGED <<memtable, level1, latest>>

\* Merge the oldest level-0 run into level 1, the last level.
CompactIntoLast ==
    /\ Len(level0) >= 1
    /\ Stored(IsSeqOf(Slice(level0, 2, Len(level0)), [Key -> Cell \cup {None}], MaxRuns), "specs/lsm_bug_older_wins.spec:75:5")
    /\ level0' = Slice(level0, 2, Len(level0))
    /\ level1' = LET newRun == level0[1] IN [k \in Key |-> LET c == LET newEntry == newRun[k] IN LET oldEntry == level1[k] IN IF oldEntry # None THEN oldEntry ELSE newEntry IN IF (c # None) /\ (Unwrap(c).tag = "Put") THEN c ELSE None]
    /\ UNCHANGED <<memtable, latest>>

Next ==
    \/ \E k \in Key, v \in Val : Write(k, v)
    \/ \E k \in Key : Delete(k)
    \/ Flush
    \/ CompactLevel0
    \/ CompactIntoLast

\* ReadYourLatestWrite: a read of any key returns the latest value written to
\* it, or nothing if it was deleted last or never written — however the
\* entries are spread across memtable and runs, before or after compactions.
ReadYourLatestWrite ==
    \A k \in Key : (IF ((IF memtable[k] # None THEN memtable[k] ELSE IF Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0}) > 0 THEN level0[Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0})][k] ELSE level1[k]) # None) /\ (Unwrap(IF memtable[k] # None THEN memtable[k] ELSE IF Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0}) > 0 THEN level0[Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0})][k] ELSE level1[k]).tag = "Put") THEN Unwrap(IF memtable[k] # None THEN memtable[k] ELSE IF Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0}) > 0 THEN level0[Max({i \in (1..Len(level0)) : level0[i][k] # None} \cup {0})][k] ELSE level1[k]).val ELSE None) = latest[k]
=============================================================================
