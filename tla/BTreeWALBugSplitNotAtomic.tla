------------------------------ MODULE BTreeWALBugSplitNotAtomic ------------------------------
\* Exported by specpy from ../specs/btree_wal_bug_split_not_atomic.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS K, Cap, NumPages, MaxCrashes

CONSTANTS db, None   \* model values (see the .cfg)

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

MaxLog == 3 * K

Key == 1..K
Page == 1..NumPages
Node == {db}
Rec == [tag : {"Put"}, page : Page, keys : SUBSET Key] \cup [tag : {"Link"}, page : Page, sep : Key]

\* On disk: the pages as last flushed, and the log.
VARIABLE diskRoot
VARIABLE diskLeaf
VARIABLE wal
\* In memory: the buffer pool, and whether the store is up (it starts by recovering).
VARIABLE memRoot
VARIABLE memLeaf
VARIABLE up
\* A split being logged: the records still to write, and the key being inserted.
VARIABLE pending
VARIABLE inserting
\* Ghost: the keys whose insert was acknowledged.
VARIABLE acked
VARIABLE faults
vars == <<diskRoot, diskLeaf, wal, memRoot, memLeaf, up, pending, inserting, acked, faults>>

Init ==
    /\ diskRoot = [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
    /\ diskLeaf = [p \in Page |-> {}]
    /\ wal = <<>>
    /\ memRoot = [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
    /\ memLeaf = [p \in Page |-> {}]
    /\ up = FALSE
    /\ pending = <<>>
    /\ inserting = None
    /\ acked = {}
    /\ faults = 0

\* Restart: the disk pages with the log redone over them.
Recover ==
    /\ ~up
    /\ memRoot' = [p \in Page |-> IF Max({i \in (1..MaxLog) : ((i =< Len(wal)) /\ (wal[i].tag = "Link")) /\ (wal[i].page = p)} \cup {0}) = 0 THEN diskRoot[p] ELSE wal[Max({i \in (1..MaxLog) : ((i =< Len(wal)) /\ (wal[i].tag = "Link")) /\ (wal[i].page = p)} \cup {0})].sep]
    /\ memLeaf' = [p \in Page |-> IF Max({i \in (1..MaxLog) : ((i =< Len(wal)) /\ (wal[i].tag = "Put")) /\ (wal[i].page = p)} \cup {0}) = 0 THEN diskLeaf[p] ELSE wal[Max({i \in (1..MaxLog) : ((i =< Len(wal)) /\ (wal[i].tag = "Put")) /\ (wal[i].page = p)} \cup {0})].keys]
    /\ up' = TRUE
    /\ UNCHANGED <<diskRoot, diskLeaf, wal, pending, inserting, acked, faults>>

Insert(k) ==
    /\ up
    /\ k \notin acked
    /\ inserting = None
    /\ \E p \in Page :
           /\ Holds(((memRoot[p] # None) /\ (Unwrap(memRoot[p]) =< k)) /\ (\A q \in Page : ((memRoot[q] # None) /\ (Unwrap(memRoot[q]) =< k)) => (Unwrap(memRoot[q]) =< Unwrap(memRoot[p]))))
           /\ LET keys == memLeaf[p] \cup {k}
              IN  /\ Evaluated(keys)
                  /\ IF Cardinality(keys) =< Cap
                     THEN /\ Stored(IsSeqOf(Append(wal, [tag |-> "Put", page |-> p, keys |-> keys]), Rec, MaxLog), "specs/btree_wal_bug_split_not_atomic.spec:81:13")
                          /\ wal' = Append(wal, [tag |-> "Put", page |-> p, keys |-> keys])
                          /\ memLeaf' = [memLeaf EXCEPT ![p] = keys]
                          /\ acked' = IF inserting = None THEN acked \cup {k} ELSE acked
                          /\ UNCHANGED <<diskRoot, diskLeaf, memRoot, up, pending, inserting, faults>>
                     ELSE /\ Holds(\E q \in Page : memRoot[q] = None)
                          /\ LET q == Min({x \in Page : memRoot[x] = None})
                             IN  /\ Evaluated(q)
                                 /\ LET sep == Min(keys \ {Checked(Min(keys), Key)})
                                    IN  /\ Evaluated(sep)
                                        /\ LET leftKeys == {x \in keys : x < sep}
                                           IN  LET rightKeys == {x \in keys : x >= sep}
                                               IN  /\ Stored(IsSeqOf(Append(wal, [tag |-> "Put", page |-> p, keys |-> leftKeys]), Rec, MaxLog), "specs/btree_wal_bug_split_not_atomic.spec:91:13")
                                                   /\ Stored(IsSeqOf(<<[tag |-> "Put", page |-> Checked(q, Page), keys |-> rightKeys], [tag |-> "Link", page |-> Checked(q, Page), sep |-> Checked(sep, Key)]>>, Rec, 2), "specs/btree_wal_bug_split_not_atomic.spec:92:13")
                                                   /\ wal' = Append(wal, [tag |-> "Put", page |-> p, keys |-> leftKeys])
                                                   /\ pending' = <<[tag |-> "Put", page |-> Checked(q, Page), keys |-> rightKeys], [tag |-> "Link", page |-> Checked(q, Page), sep |-> Checked(sep, Key)]>>
                                                   /\ inserting' = k
                                                   /\ acked' = IF k = None THEN acked \cup {k} ELSE acked
                                                   /\ UNCHANGED <<diskRoot, diskLeaf, memRoot, memLeaf, up, faults>>

\* The next record of the split; after the last, memory is updated and the
\* insert acknowledged.
LogSplit ==
    /\ up
    /\ Len(pending) > 0
    /\ Stored(IsSeqOf(Append(wal, pending[1]), Rec, MaxLog), "specs/btree_wal_bug_split_not_atomic.spec:105:5")
    /\ Stored(IsSeqOf(Slice(pending, 2, Len(pending)), Rec, 2), "specs/btree_wal_bug_split_not_atomic.spec:106:5")
    /\ wal' = Append(wal, pending[1])
    /\ memRoot' = IF Len(Slice(pending, 2, Len(pending))) = 0 THEN [memRoot EXCEPT ![Append(wal, pending[1])[Len(Append(wal, pending[1]))].page] = Append(wal, pending[1])[Len(Append(wal, pending[1]))].sep] ELSE memRoot
    /\ memLeaf' = IF Len(Slice(pending, 2, Len(pending))) = 0 THEN [[memLeaf EXCEPT ![Append(wal, pending[1])[Len(Append(wal, pending[1])) - 2].page] = Append(wal, pending[1])[Len(Append(wal, pending[1])) - 2].keys] EXCEPT ![Append(wal, pending[1])[Len(Append(wal, pending[1])) - 1].page] = Append(wal, pending[1])[Len(Append(wal, pending[1])) - 1].keys] ELSE memLeaf
    /\ pending' = Slice(pending, 2, Len(pending))
    /\ inserting' = IF Len(Slice(pending, 2, Len(pending))) = 0 THEN None ELSE inserting
    /\ acked' = IF Len(Slice(pending, 2, Len(pending))) = 0 THEN acked \cup {Unwrap(inserting)} ELSE acked
    /\ UNCHANGED <<diskRoot, diskLeaf, up, faults>>

\* Write a page back to disk, one page at a time, in any order.
FlushLeaf(p) ==
    /\ up
    /\ diskLeaf[p] # memLeaf[p]
    /\ diskLeaf' = [diskLeaf EXCEPT ![p] = memLeaf[p]]
    /\ UNCHANGED <<diskRoot, wal, memRoot, memLeaf, up, pending, inserting, acked, faults>>

FlushRoot ==
    /\ up
    /\ diskRoot # memRoot
    /\ diskRoot' = memRoot
    /\ UNCHANGED <<diskLeaf, wal, memRoot, memLeaf, up, pending, inserting, acked, faults>>

\* The initial values a crash restores.
Initial_memRoot == [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
Initial_memLeaf == [p \in Page |-> {}]
Initial_up == FALSE
Initial_pending == <<>>
Initial_inserting == None

\* Fault steps (the spec's `faults` block), at most 1 per behaviour, counted by `faults`.
Crash_Node(who) ==
    /\ faults < 1
    /\ memRoot' = Initial_memRoot
    /\ memLeaf' = Initial_memLeaf
    /\ up' = Initial_up
    /\ pending' = Initial_pending
    /\ inserting' = Initial_inserting
    /\ faults' = faults + 1
    /\ UNCHANGED <<diskRoot, diskLeaf, wal, acked>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ acked = Key
    /\ UNCHANGED vars

Next ==
    \/ Recover
    \/ \E k \in Key : Insert(k)
    \/ LogSplit
    \/ \E p \in Page : FlushLeaf(p)
    \/ FlushRoot
    \/ \E who \in Node : Crash_Node(who)
    \/ Terminated

AckedKeysFound ==
    up => (\A k \in acked : \E p \in Page : (((memRoot[p] # None) /\ (Unwrap(memRoot[p]) =< k)) /\ (\A q \in Page : ((memRoot[q] # None) /\ (Unwrap(memRoot[q]) =< k)) => (Unwrap(memRoot[q]) =< Unwrap(memRoot[p])))) /\ (k \in memLeaf[p]))

Ordered ==
    up => (\A p \in Page : \A k \in Key : (k \in memLeaf[p]) => (((memRoot[p] # None) /\ (Unwrap(memRoot[p]) =< k)) /\ (\A q \in Page : ((memRoot[q] # None) /\ (Unwrap(memRoot[q]) =< k)) => (Unwrap(memRoot[q]) =< Unwrap(memRoot[p])))))

LeavesFit ==
    \A p \in Page : Cardinality(memLeaf[p]) =< Cap
=============================================================================
