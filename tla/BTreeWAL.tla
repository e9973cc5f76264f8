------------------------------ MODULE BTreeWAL ------------------------------
\* Exported by specpy from ../specs/btree_wal.spec; do not edit.
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
SumOver(SS, FF(_)) ==
    LET sum[TT \in SUBSET SS] == IF TT = {} THEN 0 ELSE LET xx == CHOOSE xx \in TT : TRUE IN FF(xx) + sum[TT \ {xx}]
    IN  sum[SS]
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

Key == 1..K
Page == 1..NumPages
Node == {db}
Rec == [tag : {"Put"}, page : Page, keys : SUBSET Key] \cup [tag : {"Split"}, left : Page, leftKeys : SUBSET Key, right : Page, rightKeys : SUBSET Key, sep : Key]

\* On disk: the pages as last flushed, and the log.
VARIABLE diskRoot
VARIABLE diskLeaf
VARIABLE wal
\* In memory: the buffer pool, and whether the store is up (it starts by recovering).
VARIABLE memRoot
VARIABLE memLeaf
VARIABLE up
\* Ghost: the keys whose insert was acknowledged.
VARIABLE acked
VARIABLE faults
vars == <<diskRoot, diskLeaf, wal, memRoot, memLeaf, up, acked, faults>>

Init ==
    /\ diskRoot = [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
    /\ diskLeaf = [p \in Page |-> {}]
    /\ wal = <<>>
    /\ memRoot = [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
    /\ memLeaf = [p \in Page |-> {}]
    /\ up = FALSE
    /\ acked = {}
    /\ faults = 0

\* Restart: the disk pages with the log redone over them.
Recover ==
    /\ ~up
    /\ memRoot' = [p \in Page |-> IF Max({i \in (1..K) : ((i =< Len(wal)) /\ (wal[i].tag = "Split")) /\ (wal[i].right = p)} \cup {0}) = 0 THEN diskRoot[p] ELSE wal[Max({i \in (1..K) : ((i =< Len(wal)) /\ (wal[i].tag = "Split")) /\ (wal[i].right = p)} \cup {0})].sep]
    /\ memLeaf' = [p \in Page |-> IF Max({i \in (1..K) : (i =< Len(wal)) /\ (LET r == wal[i] IN ((r.tag = "Put") /\ (r.page = p)) \/ ((r.tag = "Split") /\ ((r.left = p) \/ (r.right = p))))} \cup {0}) = 0 THEN diskLeaf[p] ELSE LET r == wal[Max({i \in (1..K) : (i =< Len(wal)) /\ (LET r == wal[i] IN ((r.tag = "Put") /\ (r.page = p)) \/ ((r.tag = "Split") /\ ((r.left = p) \/ (r.right = p))))} \cup {0})] IN IF r.tag = "Put" THEN r.keys ELSE IF r.left = p THEN r.leftKeys ELSE r.rightKeys]
    /\ up' = TRUE
    /\ UNCHANGED <<diskRoot, diskLeaf, wal, acked, faults>>

Insert(k) ==
    /\ up
    /\ k \notin acked
    /\ \E p \in Page :
           /\ Holds(((memRoot[p] # None) /\ (Unwrap(memRoot[p]) =< k)) /\ (\A q \in Page : ((memRoot[q] # None) /\ (Unwrap(memRoot[q]) =< k)) => (Unwrap(memRoot[q]) =< Unwrap(memRoot[p]))))
           /\ LET keys == memLeaf[p] \cup {k}
              IN  /\ Evaluated(keys)
                  /\ IF Cardinality(keys) =< Cap
                     THEN /\ Stored(IsSeqOf(Append(wal, [tag |-> "Put", page |-> p, keys |-> keys]), Rec, K), "specs/btree_wal.spec:100:13")
                          /\ wal' = Append(wal, [tag |-> "Put", page |-> p, keys |-> keys])
                          /\ memLeaf' = [memLeaf EXCEPT ![p] = keys]
                          /\ acked' = acked \cup {k}
                          /\ UNCHANGED <<diskRoot, diskLeaf, memRoot, up, faults>>
                     ELSE /\ Holds(\E q \in Page : memRoot[q] = None)
                          /\ LET q == Min({x \in Page : memRoot[x] = None})
                             IN  /\ Evaluated(q)
                                 /\ LET sep == Min(keys \ {Checked(Min(keys), Key)})
                                    IN  /\ Evaluated(sep)
                                        /\ LET leftKeys == {x \in keys : x < sep}
                                           IN  LET rightKeys == {x \in keys : x >= sep}
                                               IN  /\ Stored(IsSeqOf(Append(wal, [tag |-> "Split", left |-> p, leftKeys |-> leftKeys, right |-> Checked(q, Page), rightKeys |-> rightKeys, sep |-> Checked(sep, Key)]), Rec, K), "specs/btree_wal.spec:110:13")
                                                   /\ Stored(sep \in (Key \cup {None}), "specs/btree_wal.spec:113:13")
                                                   /\ wal' = Append(wal, [tag |-> "Split", left |-> p, leftKeys |-> leftKeys, right |-> Checked(q, Page), rightKeys |-> rightKeys, sep |-> Checked(sep, Key)])
                                                   /\ memRoot' = [memRoot EXCEPT ![q] = sep]
                                                   /\ memLeaf' = [[memLeaf EXCEPT ![p] = leftKeys] EXCEPT ![q] = rightKeys]
                                                   /\ acked' = acked \cup {k}
                                                   /\ UNCHANGED <<diskRoot, diskLeaf, up, faults>>

\* Write a page back to disk, one page at a time, in any order.
FlushLeaf(p) ==
    /\ up
    /\ diskLeaf[p] # memLeaf[p]
    /\ diskLeaf' = [diskLeaf EXCEPT ![p] = memLeaf[p]]
    /\ UNCHANGED <<diskRoot, wal, memRoot, memLeaf, up, acked, faults>>

FlushRoot ==
    /\ up
    /\ diskRoot # memRoot
    /\ diskRoot' = memRoot
    /\ UNCHANGED <<diskLeaf, wal, memRoot, memLeaf, up, acked, faults>>

\* The initial values a crash restores.
Initial_memRoot == [p \in Page |-> Checked(IF p = 1 THEN 1 ELSE None, Key \cup {None})]
Initial_memLeaf == [p \in Page |-> {}]
Initial_up == FALSE

\* Fault steps (the spec's `faults` block), at most 1 per behaviour, counted by `faults`.
Crash_Node(who) ==
    /\ faults < 1
    /\ memRoot' = Initial_memRoot
    /\ memLeaf' = Initial_memLeaf
    /\ up' = Initial_up
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

\* measure PageImagesLogged: specpy check reports its min and max over the reachable states;
\* TLC does not compute those (the .cfg does not name it). Evaluate it in a trace with ALIAS.
PageImagesLogged ==
    SumOver(1..K, LAMBDA i : IF i =< Len(wal) THEN IF wal[i].tag = "Put" THEN 1 ELSE 3 ELSE 0)

\* measure ExtraPageImages: specpy check reports its min and max over the reachable states;
\* TLC does not compute those (the .cfg does not name it). Evaluate it in a trace with ALIAS.
ExtraPageImages ==
    SumOver(1..K, LAMBDA i : IF i =< Len(wal) THEN IF wal[i].tag = "Put" THEN 1 ELSE 3 ELSE 0) - Cardinality(acked)
=============================================================================
