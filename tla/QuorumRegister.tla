------------------------------ MODULE QuorumRegister ------------------------------
\* Exported by specpy from ../specs/quorum_register.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS W, R, MaxVer, MaxReads, ReadRepair, MaxFaults

CONSTANTS n1, n2, n3, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Evaluated(vv) == vv = vv  \* forces vv's evaluation here (specpy evaluates a `let` where it stands)
Unwrap(vv) == IF vv = None THEN EvalError("none used as a value") ELSE vv
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Replica == {n1, n2, n3}
Ver == 0..MaxVer
Phase == {"idle", "waiting"}
Msg == [tag : {"WriteReq"}, dst : Replica, ver : Ver] \cup [tag : {"WriteAck"}, src : Replica, ver : Ver] \cup [tag : {"ReadReq"}, dst : Replica, read : 1..MaxReads] \cup [tag : {"ReadResp"}, src : Replica, read : 1..MaxReads, ver : Ver] \cup [tag : {"Repair"}, dst : Replica, ver : Ver]

\* The replicas: the version each stores.
VARIABLE store
\* The writer: the version of its latest write, who acknowledged it, and the
\* latest version whose write completed (what the client was told).
VARIABLE writing
VARIABLE acked
VARIABLE completed
\* The reader: the reads started so far, the replicas asked in the current
\* one, who answered and what, the floor (the completed version when the read
\* started: the least it may return) and the last result.
VARIABLE reads
VARIABLE asked
VARIABLE answered
VARIABLE answers
VARIABLE reader
VARIABLE floor
VARIABLE result
VARIABLE net
VARIABLE faults
vars == <<store, writing, acked, completed, reads, asked, answered, answers, reader, floor, result, net, faults>>

Init ==
    /\ store = [r \in Replica |-> 0]
    /\ writing = 0
    /\ acked = {}
    /\ completed = 0
    /\ reads = 0
    /\ asked = {}
    /\ answered = {}
    /\ answers = [r \in Replica |-> 0]
    /\ reader = "idle"
    /\ floor = 0
    /\ result = None
    /\ net = EmptyBag
    /\ faults = 0

\* The next write, once the previous one completed: sent to every replica.
StartWrite ==
    /\ writing = completed
    /\ writing < MaxVer
    /\ LET writing_1 == writing + 1
       IN  /\ Stored(writing_1 \in Ver, "specs/quorum_register.spec:92:5")
           /\ LET net_1 == net (+) SetToBag({[tag |-> "WriteReq", dst |-> n1, ver |-> writing_1]})
              IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:94:24")
                  /\ LET net_2 == net_1 (+) SetToBag({[tag |-> "WriteReq", dst |-> n2, ver |-> writing_1]})
                     IN  /\ Stored(IsBagOf(net_2, Msg, 1), "specs/quorum_register.spec:94:24")
                         /\ LET net_3 == net_2 (+) SetToBag({[tag |-> "WriteReq", dst |-> n3, ver |-> writing_1]})
                            IN  /\ Stored(IsBagOf(net_3, Msg, 1), "specs/quorum_register.spec:94:24")
                                /\ writing' = writing_1
                                /\ acked' = {}
                                /\ net' = net_3
                                /\ UNCHANGED <<store, completed, reads, asked, answered, answers, reader, floor, result, faults>>

\* A replica keeps the newer version (last writer wins) and acknowledges.
ReplicaWrite(r) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "WriteReq"
        /\ m.dst = r
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:99:5")
               /\ Stored(Max({store[r], m.ver}) \in Ver, "specs/quorum_register.spec:100:9")
               /\ LET net_2 == net_1 (+) SetToBag({[tag |-> "WriteAck", src |-> r, ver |-> m.ver]})
                  IN  /\ Stored(IsBagOf(net_2, Msg, 1), "specs/quorum_register.spec:101:9")
                      /\ store' = [store EXCEPT ![r] = Max({store[r], m.ver})]
                      /\ net' = net_2
                      /\ UNCHANGED <<writing, acked, completed, reads, asked, answered, answers, reader, floor, result, faults>>

\* The writer counts acknowledgements of its current write; W of them complete it.
WriterAck ==
    \E m \in BagToSet(net) :
        /\ m.tag = "WriteAck"
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:107:5")
               /\ acked' = IF (m.ver = writing) /\ (writing > completed) THEN acked \cup {m.src} ELSE acked
               /\ completed' = IF (m.ver = writing) /\ (writing > completed) THEN IF Cardinality(acked \cup {m.src}) >= W THEN writing ELSE completed ELSE completed
               /\ net' = net_1
               /\ UNCHANGED <<store, writing, reads, asked, answered, answers, reader, floor, result, faults>>

\* A read asks R replicas; it must return at least what had completed by now.
StartRead(q) ==
    /\ reader = "idle"
    /\ reads < MaxReads
    /\ Cardinality(q) = R
    /\ LET reads_1 == reads + 1
       IN  /\ Stored(reads_1 \in 0..MaxReads, "specs/quorum_register.spec:122:5")
           /\ LET domain_1 == q
              IN  /\ IF n1 \in domain_1 THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}), Msg, 1), "specs/quorum_register.spec:128:18") ELSE TRUE
                  /\ IF n2 \in domain_1 THEN Stored(IsBagOf((IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n2, read |-> Checked(reads_1, 1..MaxReads)]}), Msg, 1), "specs/quorum_register.spec:128:18") ELSE TRUE
                  /\ IF n3 \in domain_1 THEN Stored(IsBagOf((IF n2 \in domain_1 THEN (IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n2, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n3, read |-> Checked(reads_1, 1..MaxReads)]}), Msg, 1), "specs/quorum_register.spec:128:18") ELSE TRUE
                  /\ reads' = reads_1
                  /\ asked' = q
                  /\ answered' = {}
                  /\ answers' = [r \in Replica |-> 0]
                  /\ reader' = "waiting"
                  /\ floor' = completed
                  /\ net' = IF n3 \in domain_1 THEN (IF n2 \in domain_1 THEN (IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n2, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n3, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE IF n2 \in domain_1 THEN (IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net) (+) SetToBag({[tag |-> "ReadReq", dst |-> n2, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE IF n1 \in domain_1 THEN net (+) SetToBag({[tag |-> "ReadReq", dst |-> n1, read |-> Checked(reads_1, 1..MaxReads)]}) ELSE net
                  /\ UNCHANGED <<store, writing, acked, completed, result, faults>>

ReplicaRead(r) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "ReadReq"
        /\ m.dst = r
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:132:5")
               /\ LET net_2 == net_1 (+) SetToBag({[tag |-> "ReadResp", src |-> r, read |-> m.read, ver |-> store[r]]})
                  IN  /\ Stored(IsBagOf(net_2, Msg, 1), "specs/quorum_register.spec:133:9")
                      /\ net' = net_2
                      /\ UNCHANGED <<store, writing, acked, completed, reads, asked, answered, answers, reader, floor, result, faults>>

\* The reader collects the answers of the current read (a late answer to an
\* older read is dropped); with all R in, it returns the newest version.
ReaderAnswer ==
    \E m \in BagToSet(net) :
        /\ m.tag = "ReadResp"
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:140:5")
               /\ answered' = IF (reader = "waiting") /\ (m.read = reads) THEN answered \cup {m.src} ELSE answered
               /\ answers' = IF (reader = "waiting") /\ (m.read = reads) THEN [answers EXCEPT ![m.src] = m.ver] ELSE answers
               /\ net' = net_1
               /\ UNCHANGED <<store, writing, acked, completed, reads, asked, reader, floor, result, faults>>

FinishRead ==
    /\ reader = "waiting"
    /\ answered = asked
    /\ LET newest == Max({answers[r] : r \in asked})
       IN  /\ Evaluated(newest)
           /\ Stored(newest \in (Ver \cup {None}), "specs/quorum_register.spec:151:5")
           /\ IF ReadRepair
              THEN LET domain_1 == asked
                   IN  /\ IF n1 \in domain_1 THEN IF answers[n1] < newest THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}), Msg, 1), "specs/quorum_register.spec:154:52") ELSE TRUE ELSE TRUE
                       /\ IF n2 \in domain_1 THEN IF answers[n2] < newest THEN Stored(IsBagOf((IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n2, ver |-> Checked(newest, Ver)]}), Msg, 1), "specs/quorum_register.spec:154:52") ELSE TRUE ELSE TRUE
                       /\ IF n3 \in domain_1 THEN IF answers[n3] < newest THEN Stored(IsBagOf((IF n2 \in domain_1 THEN IF answers[n2] < newest THEN (IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n2, ver |-> Checked(newest, Ver)]}) ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n3, ver |-> Checked(newest, Ver)]}), Msg, 1), "specs/quorum_register.spec:154:52") ELSE TRUE ELSE TRUE
                       /\ reader' = "idle"
                       /\ result' = newest
                       /\ net' = IF n3 \in domain_1 THEN IF answers[n3] < newest THEN (IF n2 \in domain_1 THEN IF answers[n2] < newest THEN (IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n2, ver |-> Checked(newest, Ver)]}) ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n3, ver |-> Checked(newest, Ver)]}) ELSE IF n2 \in domain_1 THEN IF answers[n2] < newest THEN (IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n2, ver |-> Checked(newest, Ver)]}) ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net ELSE IF n2 \in domain_1 THEN IF answers[n2] < newest THEN (IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Repair", dst |-> n2, ver |-> Checked(newest, Ver)]}) ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net ELSE IF n1 \in domain_1 THEN IF answers[n1] < newest THEN net (+) SetToBag({[tag |-> "Repair", dst |-> n1, ver |-> Checked(newest, Ver)]}) ELSE net ELSE net
                       /\ UNCHANGED <<store, writing, acked, completed, reads, asked, answered, answers, floor, faults>>
              ELSE /\ reader' = "idle"
                   /\ result' = newest
                   /\ UNCHANGED <<store, writing, acked, completed, reads, asked, answered, answers, floor, net, faults>>

ReplicaRepair(r) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Repair"
        /\ m.dst = r
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/quorum_register.spec:159:5")
               /\ Stored(Max({store[r], m.ver}) \in Ver, "specs/quorum_register.spec:160:9")
               /\ store' = [store EXCEPT ![r] = Max({store[r], m.ver})]
               /\ net' = net_1
               /\ UNCHANGED <<writing, acked, completed, reads, asked, answered, answers, reader, floor, result, faults>>

\* Fault steps (the spec's `faults` block), at most 1 per behaviour, counted by `faults`.
Lose_net(msg) ==
    /\ faults < 1
    /\ net' = net (-) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<store, writing, acked, completed, reads, asked, answered, answers, reader, floor, result>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ BagCardinality(net) = 0
    /\ UNCHANGED vars

Next ==
    \/ StartWrite
    \/ \E r \in Replica : ReplicaWrite(r)
    \/ WriterAck
    \/ \E q \in (SUBSET Replica) : StartRead(q)
    \/ \E r \in Replica : ReplicaRead(r)
    \/ ReaderAnswer
    \/ FinishRead
    \/ \E r \in Replica : ReplicaRepair(r)
    \/ \E msg \in BagToSet(net) : Lose_net(msg)
    \/ Terminated

\* A read that started after a write completed returns that write or a newer one.
ReadSeesCompletedWrite ==
    ((reader = "idle") /\ (result # None)) => (Unwrap(result) >= floor)

\* measure ReplicasAskedPerRead: specpy check reports its min and max over the reachable states;
\* TLC does not compute those (the .cfg does not name it). Evaluate it in a trace with ALIAS.
ReplicasAskedPerRead ==
    Cardinality(asked)

\* measure ReplicasBehindCompleted: specpy check reports its min and max over the reachable states;
\* TLC does not compute those (the .cfg does not name it). Evaluate it in a trace with ALIAS.
ReplicasBehindCompleted ==
    Cardinality({r \in Replica : store[r] < completed})

Symmetry == Permutations(Replica)
=============================================================================
