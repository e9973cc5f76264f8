------------------------------ MODULE LanguageTour ------------------------------
\* Exported by specpy from ../specs/language_tour.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS MaxVersion

CONSTANTS r1, r2, k1, None   \* model values (see the .cfg)

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
Range(ss) == {ss[ii] : ii \in DOMAIN ss}
SumOver(SS, FF(_)) ==
    LET sum[TT \in SUBSET SS] == IF TT = {} THEN 0 ELSE LET xx == CHOOSE xx \in TT : TRUE IN FF(xx) + sum[TT \ {xx}]
    IN  sum[SS]
ChooseLeast(SS, Rank(_)) == CHOOSE xx \in SS : \A yy \in SS : Rank(xx) =< Rank(yy)
FoldSet(FF(_, _), init, SS, Rank(_)) ==  \* in canonical order: the greatest element is folded in last
    LET ff[TT \in SUBSET SS] == IF TT = {} THEN init ELSE LET xx == CHOOSE xx \in TT : \A yy \in TT : Rank(yy) =< Rank(xx) IN FF(ff[TT \ {xx}], xx)
    IN  ff[SS]
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS

Replica == {r1, r2}
Key == {k1}
Version == 0..MaxVersion
\* A write carries a version, a read asks whether the key exists: one field
\* name with two types, readable only after narrowing.
Msg == [tag : {"Write"}, key : Key, ver : Version] \cup [tag : {"Read"}, key : Key, ver : BOOLEAN]

\* store[r]: the version replica r holds of each key, a partial map (none:
\* never written there). log: the last two writes applied, newest last.
VARIABLE store
VARIABLE net
VARIABLE log
VARIABLE acked
vars == <<store, net, log, acked>>

Init ==
    /\ store = [r \in Replica |-> [k \in {k1} |-> None]]
    /\ net = {}
    /\ log = <<>>
    /\ acked = {}

ClientWrite(k) ==
    LET v == IF \E r \in Replica : k \in {key \in {k1} : store[r][key] # None} THEN Max(UNION {IF k \in {key \in {k1} : store[r][key] # None} THEN {Unwrap(store[r][k])} ELSE {} : r \in Replica}) + 1 ELSE 0
    IN  /\ Evaluated(v)
        /\ v =< MaxVersion
        /\ LET m == [tag |-> "Write", key |-> k, ver |-> Checked(v, Version)]
           IN  /\ net' = net \cup {m}
               /\ UNCHANGED <<store, log, acked>>

ClientRead(k) ==
    LET m == [tag |-> "Read", key |-> k, ver |-> \E r \in Replica : k \in {key \in {k1} : store[r][key] # None}]
    IN  /\ Evaluated(m)
        /\ net' = net \cup {m}
        /\ UNCHANGED <<store, log, acked>>

\* A replica applies a write newer than its copy and acknowledges it.
Apply(r) ==
    \E m \in net :
        /\ m.tag = "Write"
        /\ Holds((store[r][m.key] = None) \/ (m.ver > Unwrap(store[r][m.key])))
        /\ LET k == m.key
           IN  /\ Evaluated(k)
               /\ LET v == m.ver
                  IN  /\ Evaluated(v)
                      /\ LET log_1 == IF Len(log) = 2 THEN Append(Slice(log, 2, Len(log)), <<k, v>>) ELSE Append(log, <<k, v>>)
                         IN  /\ Stored(IsSeqOf(log_1, Key \X Version, 2), "specs/language_tour.spec:40:5")
                             /\ store' = [store EXCEPT ![r][m.key] = m.ver]
                             /\ log' = log_1
                             /\ acked' = acked \cup {<<r, m.key>>}
                             /\ UNCHANGED <<net>>

\* A read of a key that exists is answered by the first replica holding it.
Answer(m) ==
    /\ m \in net
    /\ IF m.tag = "Read"
       THEN /\ m.ver
            /\ Holds(LET k == m.key IN \E r \in Replica : k \in {key \in {k1} : store[r][key] # None})
            /\ LET r == ChooseLeast({r \in Replica : m.key \in {key \in {k1} : store[r][key] # None}}, LAMBDA vv : (r1 :> 0 @@ r2 :> 1)[vv])
               IN  /\ Evaluated(r)
                   /\ net' = net \ {m}
                   /\ acked' = acked \cup {<<r, m.key>>}
                   /\ UNCHANGED <<store, log>>
       ELSE /\ FALSE
            /\ net' = net \ {m}
            /\ UNCHANGED <<store, log, acked>>

\* A write a majority acknowledged leaves the network.
Forget(m) ==
    /\ m \in net
    /\ m.tag = "Write"
    /\ Holds(\E q \in {q \in (SUBSET Replica) : (2 * Cardinality(q)) > Cardinality(Replica)} : \A r \in q : <<r, m.key>> \in acked)
    /\ net' = net \ {m}
    /\ UNCHANGED <<store, log, acked>>

Next ==
    \/ \E k \in Key : ClientWrite(k)
    \/ \E k \in Key : ClientRead(k)
    \/ \E r \in Replica : Apply(r)
    \/ \E m \in Msg : Answer(m)
    \/ \E m \in Msg : Forget(m)

Logged ==
    \A tup \in Range(log) : LET k == tup[1] IN LET v == tup[2] IN (\E r \in Replica : k \in {key \in {k1} : store[r][key] # None}) /\ (v =< Max(UNION {IF k \in {key \in {k1} : store[r][key] # None} THEN {Unwrap(store[r][k])} ELSE {} : r \in Replica}))

LastIsNewest ==
    (Len(log) = 0) \/ (LET tup == log[1] IN LET k == tup[1] IN LET v == tup[2] IN v =< Max(UNION {IF k \in {key \in {k1} : store[r][key] # None} THEN {Unwrap(store[r][k])} ELSE {} : r \in Replica}))

Counted ==
    SumOver(Replica, LAMBDA r : Cardinality({key \in {k1} : store[r][key] # None})) = FoldSet(LAMBDA n, r : n + Cardinality({key \in {k1} : store[r][key] # None}), 0, Replica, LAMBDA vv : (r1 :> 0 @@ r2 :> 1)[vv])

AckedHold ==
    \A tup \in acked : LET r == tup[1] IN LET k == tup[2] IN k \in {key \in {k1} : store[r][key] # None}

Replicas ==
    (UNION {{LET r == tup[1] IN LET k == tup[2] IN r : tup \in acked}, {}}) \subseteq Replica

Oldest ==
    \A k \in {k1} : (\E r \in Replica : k \in {key \in {k1} : store[r][key] # None}) => (Min(UNION {IF k \in {key \in {k1} : store[r][key] # None} THEN {Unwrap(store[r][k])} ELSE {} : r \in Replica}) >= 0)

ReadsMatch ==
    \A m \in net : IF m.tag = "Write" THEN m.ver =< MaxVersion ELSE m.ver => (LET k == m.key IN \E r \in Replica : k \in {key \in {k1} : store[r][key] # None})
=============================================================================
