------------------------------ MODULE ZabBugSkipSync ------------------------------
\* Exported by specpy from ../specs/zab_bug_skip_sync.spec; do not edit.
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
Max(SS) == CHOOSE mm \in SS : \A xx \in SS : mm >= xx
Slice(ss, ii, jj) == IF jj < ii THEN <<>> ELSE SubSeq(ss, IF ii < 1 THEN 1 ELSE ii, IF jj > Len(ss) THEN Len(ss) ELSE jj)
Range(ss) == {ss[ii] : ii \in DOMAIN ss}
SeqOf(SS, nn) == UNION {[1..kk -> SS] : kk \in 0..nn}
IsSeqOf(ss, SS, nn) == Len(ss) =< nn /\ \A ii \in DOMAIN ss : ss[ii] \in SS
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

MaxHist == MaxEpoch * MaxTxn

Server == {s1, s2, s3}
Epoch == 0..MaxEpoch
Txn == [epoch : 1..MaxEpoch, counter : 1..MaxTxn]
Role == {"Looking", "Following", "Leading"}
Msg == [tag : {"NewEpoch"}, src : Server, dst : Server, epoch : Epoch] \cup [tag : {"AckEpoch"}, src : Server, dst : Server, epoch : Epoch, lastEpoch : Epoch, hist : SeqOf(Txn, MaxHist)] \cup [tag : {"NewLeader"}, src : Server, dst : Server, epoch : Epoch, hist : SeqOf(Txn, MaxHist)] \cup [tag : {"AckLeader"}, src : Server, dst : Server, epoch : Epoch, upto : Epoch] \cup [tag : {"Propose"}, src : Server, dst : Server, epoch : Epoch, txn : Txn] \cup [tag : {"Ack"}, src : Server, dst : Server, epoch : Epoch, txn : Txn] \cup [tag : {"Commit"}, src : Server, dst : Server, epoch : Epoch, txn : Txn]

\* On disk: the last epoch accepted (NEWEPOCH), the epoch of the last
\* NEWLEADER adopted, the history, what the server has delivered.
VARIABLE acceptedEpoch
VARIABLE currentEpoch
VARIABLE history
VARIABLE delivered
\* In memory: role, leader and the epoch of the election's outcome; a
\* leader's followers that acknowledged its epoch (joined) and its history
\* (synced), whether it is established, and the last position of its history
\* each server acknowledged.
VARIABLE role
VARIABLE leader
VARIABLE epochOf
VARIABLE joined
VARIABLE synced
VARIABLE established
VARIABLE acked
VARIABLE net
\* Ghost: every transaction a leader has broadcast.
VARIABLE proposed
VARIABLE faults
vars == <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, net, proposed, faults>>

Init ==
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Txn, MaxHist), "specs/zab_bug_skip_sync.spec:49:1")
    /\ Stored(DOMAIN [s \in Server |-> <<>>] = Server /\ \A ii \in DOMAIN [s \in Server |-> <<>>] : IsSeqOf([s \in Server |-> <<>>][ii], Txn, MaxHist), "specs/zab_bug_skip_sync.spec:50:1")
    /\ acceptedEpoch = [s \in Server |-> 0]
    /\ currentEpoch = [s \in Server |-> 0]
    /\ history = [s \in Server |-> <<>>]
    /\ delivered = [s \in Server |-> <<>>]
    /\ role = [s \in Server |-> "Looking"]
    /\ leader = [s \in Server |-> None]
    /\ epochOf = [s \in Server |-> 0]
    /\ joined = [s \in Server |-> {}]
    /\ synced = [s \in Server |-> {}]
    /\ established = [s \in Server |-> FALSE]
    /\ acked = [s \in Server |-> [t \in Server |-> 0]]
    /\ net = EmptyBag
    /\ proposed = {}
    /\ faults = 0

\* The election's outcome: l leads a quorum q of servers that are looking.
\* The votes carry each server's acceptedEpoch (CEPOCH); l proposes an epoch
\* above all of them and sends NEWEPOCH to the others.
Elect(l, q) ==
    /\ l \in q
    /\ (2 * Cardinality(q)) > Cardinality(Server)
    /\ \A s \in q : role[s] = "Looking"
    /\ LET e == Max({acceptedEpoch[s] : s \in q}) + 1
       IN  /\ Evaluated(e)
           /\ e =< MaxEpoch
           /\ LET domain_1 == q
              IN  /\ IF s1 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_bug_skip_sync.spec:128:9") ELSE TRUE
                  /\ IF s2 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_bug_skip_sync.spec:128:9") ELSE TRUE
                  /\ IF s3 \in domain_1 THEN Stored(e \in Epoch, "specs/zab_bug_skip_sync.spec:128:9") ELSE TRUE
                  /\ Stored(e \in Epoch, "specs/zab_bug_skip_sync.spec:131:5")
                  /\ LET domain_2 == q
                     IN  /\ IF s1 \in domain_2 THEN IF s1 # l THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}), Msg, 2), "specs/zab_bug_skip_sync.spec:136:31") ELSE TRUE ELSE TRUE
                         /\ IF s2 \in domain_2 THEN IF s2 # l THEN Stored(IsBagOf((IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s2, epoch |-> Checked(e, Epoch)]}), Msg, 2), "specs/zab_bug_skip_sync.spec:136:31") ELSE TRUE ELSE TRUE
                         /\ IF s3 \in domain_2 THEN IF s3 # l THEN Stored(IsBagOf((IF s2 \in domain_2 THEN IF s2 # l THEN (IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s2, epoch |-> Checked(e, Epoch)]}) ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s3, epoch |-> Checked(e, Epoch)]}), Msg, 2), "specs/zab_bug_skip_sync.spec:136:31") ELSE TRUE ELSE TRUE
                         /\ acceptedEpoch' = [acceptedEpoch EXCEPT ![l] = e]
                         /\ role' = [(IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s2] = "Following"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s3] = "Following"] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![s2] = "Following"] ELSE IF s1 \in domain_1 THEN [role EXCEPT ![s1] = "Following"] ELSE role) EXCEPT ![l] = "Leading"]
                         /\ leader' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s2] = l] ELSE IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s3] = l] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader) EXCEPT ![s2] = l] ELSE IF s1 \in domain_1 THEN [leader EXCEPT ![s1] = l] ELSE leader
                         /\ epochOf' = IF s3 \in domain_1 THEN [(IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [epochOf EXCEPT ![s1] = e] ELSE epochOf) EXCEPT ![s2] = e] ELSE IF s1 \in domain_1 THEN [epochOf EXCEPT ![s1] = e] ELSE epochOf) EXCEPT ![s3] = e] ELSE IF s2 \in domain_1 THEN [(IF s1 \in domain_1 THEN [epochOf EXCEPT ![s1] = e] ELSE epochOf) EXCEPT ![s2] = e] ELSE IF s1 \in domain_1 THEN [epochOf EXCEPT ![s1] = e] ELSE epochOf
                         /\ joined' = [joined EXCEPT ![l] = {l}]
                         /\ synced' = [synced EXCEPT ![l] = {}]
                         /\ established' = [established EXCEPT ![l] = FALSE]
                         /\ acked' = [acked EXCEPT ![l] = [t \in Server |-> 0]]
                         /\ net' = IF s3 \in domain_2 THEN IF s3 # l THEN (IF s2 \in domain_2 THEN IF s2 # l THEN (IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s2, epoch |-> Checked(e, Epoch)]}) ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s3, epoch |-> Checked(e, Epoch)]}) ELSE IF s2 \in domain_2 THEN IF s2 # l THEN (IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s2, epoch |-> Checked(e, Epoch)]}) ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net ELSE IF s2 \in domain_2 THEN IF s2 # l THEN (IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s2, epoch |-> Checked(e, Epoch)]}) ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net ELSE IF s1 \in domain_2 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "NewEpoch", src |-> l, dst |-> s1, epoch |-> Checked(e, Epoch)]}) ELSE net ELSE net
                         /\ UNCHANGED <<currentEpoch, history, delivered, proposed, faults>>

\* NEWEPOCH: a follower accepts an epoch above any it accepted before and
\* answers with ACKEPOCH, its currentEpoch and its history.
RecvNewEpoch(f) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "NewEpoch"
        /\ m.dst = f
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:142:5")
               /\ IF m.epoch > acceptedEpoch[f] THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "AckEpoch", src |-> f, dst |-> m.src, epoch |-> m.epoch, lastEpoch |-> currentEpoch[f], hist |-> history[f]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:145:13") ELSE TRUE
               /\ acceptedEpoch' = IF m.epoch > acceptedEpoch[f] THEN [acceptedEpoch EXCEPT ![f] = m.epoch] ELSE acceptedEpoch
               /\ net' = IF m.epoch > acceptedEpoch[f] THEN net_1 (+) SetToBag({[tag |-> "AckEpoch", src |-> f, dst |-> m.src, epoch |-> m.epoch, lastEpoch |-> currentEpoch[f], hist |-> history[f]]}) ELSE net_1
               /\ UNCHANGED <<currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* ACKEPOCH: the leader adopts the follower's history if it is more up to
\* date than its own (a later currentEpoch, or the same and longer). With a
\* quorum joined, synchronisation starts: NEWLEADER with the leader's history
\* to each follower that joined (and later to any follower that joins late).
RecvAckEpoch(l) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "AckEpoch"
        /\ m.dst = l
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:155:5")
               /\ IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN Stored(IsSeqOf(m.hist, Txn, MaxHist), "specs/zab_bug_skip_sync.spec:160:17") ELSE TRUE /\ IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN Stored(Len((IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [history EXCEPT ![l] = m.hist] ELSE history)[l]) \in Epoch, "specs/zab_bug_skip_sync.spec:168:17") /\ Stored(IsSeqOf((IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [history EXCEPT ![l] = m.hist] ELSE history)[l], Txn, MaxHist), "specs/zab_bug_skip_sync.spec:171:17") ELSE TRUE ELSE TRUE
               /\ currentEpoch' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN [(IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [currentEpoch EXCEPT ![l] = m.lastEpoch] ELSE currentEpoch) EXCEPT ![l] = epochOf[l]] ELSE IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [currentEpoch EXCEPT ![l] = m.lastEpoch] ELSE currentEpoch ELSE currentEpoch
               /\ history' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [history EXCEPT ![l] = m.hist] ELSE history ELSE history
               /\ delivered' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN [delivered EXCEPT ![l] = (IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [history EXCEPT ![l] = m.hist] ELSE history)[l]] ELSE delivered ELSE delivered
               /\ joined' = IF m.src \notin joined[l] THEN [joined EXCEPT ![l] = joined[l] \cup {m.src}] ELSE joined
               /\ synced' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN [synced EXCEPT ![l] = [joined EXCEPT ![l] = joined[l] \cup {m.src}][l]] ELSE IF ~(~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) THEN [synced EXCEPT ![l] = synced[l] \cup {m.src}] ELSE synced ELSE synced
               /\ established' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN [established EXCEPT ![l] = TRUE] ELSE established ELSE established
               /\ acked' = IF m.src \notin joined[l] THEN IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ (LET q_2 == [joined EXCEPT ![l] = joined[l] \cup {m.src}][l] IN (2 * Cardinality(q_2)) > Cardinality(Server)) THEN [acked EXCEPT ![l][l] = Len((IF (~(LET q == joined[l] IN (2 * Cardinality(q)) > Cardinality(Server))) /\ ((m.lastEpoch > currentEpoch[l]) \/ ((m.lastEpoch = currentEpoch[l]) /\ (Len(m.hist) > Len(history[l])))) THEN [history EXCEPT ![l] = m.hist] ELSE history)[l])] ELSE acked ELSE acked
               /\ net' = net_1
               /\ UNCHANGED <<acceptedEpoch, role, leader, epochOf, proposed, faults>>

\* NEWLEADER: the follower adopts the leader's history and epoch, and acknowledges.
RecvNewLeader(f) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "NewLeader"
        /\ m.dst = f
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:183:5")
               /\ IF currentEpoch[f] # m.epoch THEN Stored(IsSeqOf(m.hist, Txn, MaxHist), "specs/zab_bug_skip_sync.spec:186:13") /\ Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "AckLeader", src |-> f, dst |-> m.src, epoch |-> m.epoch, upto |-> Checked(Len(m.hist), Epoch)]}), Msg, 2), "specs/zab_bug_skip_sync.spec:187:13") ELSE TRUE
               /\ currentEpoch' = IF currentEpoch[f] # m.epoch THEN [currentEpoch EXCEPT ![f] = m.epoch] ELSE currentEpoch
               /\ history' = IF currentEpoch[f] # m.epoch THEN [history EXCEPT ![f] = m.hist] ELSE history
               /\ net' = IF currentEpoch[f] # m.epoch THEN net_1 (+) SetToBag({[tag |-> "AckLeader", src |-> f, dst |-> m.src, epoch |-> m.epoch, upto |-> Checked(Len(m.hist), Epoch)]}) ELSE net_1
               /\ UNCHANGED <<acceptedEpoch, delivered, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* The ACK of NEWLEADER. With a quorum synchronised the leader is established:
\* it commits its whole history (COMMIT of its last transaction). A follower
\* synchronised later gets the proposals made since its NEWLEADER, and the
\* last commit.
RecvAckLeader(l) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "AckLeader"
        /\ m.dst = l
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:197:5")
               /\ IF m.src \notin synced[l]
                  THEN IF (~established[l]) /\ (LET q == [synced EXCEPT ![l] = synced[l] \cup {m.src}][l] IN (2 * Cardinality(q)) > Cardinality(Server))
                       THEN /\ Stored(IsSeqOf(history[l], Txn, MaxHist), "specs/zab_bug_skip_sync.spec:204:17")
                            /\ IF Len(history[l]) > 0
                               THEN LET domain_1 == [synced EXCEPT ![l] = synced[l] \cup {m.src}][l]
                                    IN  /\ IF s1 \in domain_1 THEN IF s1 # l THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:206:55") ELSE TRUE ELSE TRUE
                                        /\ IF s2 \in domain_1 THEN IF s2 # l THEN Stored(IsBagOf((IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:206:55") ELSE TRUE ELSE TRUE
                                        /\ IF s3 \in domain_1 THEN IF s3 # l THEN Stored(IsBagOf((IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:206:55") ELSE TRUE ELSE TRUE
                                        /\ currentEpoch' = [currentEpoch EXCEPT ![l] = epochOf[l]]
                                        /\ delivered' = [delivered EXCEPT ![l] = history[l]]
                                        /\ synced' = [synced EXCEPT ![l] = synced[l] \cup {m.src}]
                                        /\ established' = [established EXCEPT ![l] = TRUE]
                                        /\ acked' = [acked EXCEPT ![l][m.src] = m.upto]
                                        /\ net' = IF s3 \in domain_1 THEN IF s3 # l THEN (IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1 ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][Len(history[l])]]}) ELSE net_1 ELSE net_1
                                        /\ UNCHANGED <<acceptedEpoch, history, role, leader, epochOf, joined, proposed, faults>>
                               ELSE /\ currentEpoch' = [currentEpoch EXCEPT ![l] = epochOf[l]]
                                    /\ delivered' = [delivered EXCEPT ![l] = history[l]]
                                    /\ synced' = [synced EXCEPT ![l] = synced[l] \cup {m.src}]
                                    /\ established' = [established EXCEPT ![l] = TRUE]
                                    /\ acked' = [acked EXCEPT ![l][m.src] = m.upto]
                                    /\ net' = net_1
                                    /\ UNCHANGED <<acceptedEpoch, history, role, leader, epochOf, joined, proposed, faults>>
                       ELSE IF established[l]
                            THEN /\ IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:210:21") ELSE TRUE
                                 /\ IF (m.upto < 2) /\ (2 =< Len(history[l])) THEN Stored(IsBagOf((IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][2]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:210:21") ELSE TRUE
                                 /\ IF Len(delivered[l]) > 0 THEN Stored(IsBagOf((IF (m.upto < 2) /\ (2 =< Len(history[l])) THEN (IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][2]]}) ELSE IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> delivered[l][Len(delivered[l])]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:213:21") ELSE TRUE
                                 /\ synced' = [synced EXCEPT ![l] = synced[l] \cup {m.src}]
                                 /\ acked' = [acked EXCEPT ![l][m.src] = m.upto]
                                 /\ net' = IF Len(delivered[l]) > 0 THEN (IF (m.upto < 2) /\ (2 =< Len(history[l])) THEN (IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][2]]}) ELSE IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> delivered[l][Len(delivered[l])]]}) ELSE IF (m.upto < 2) /\ (2 =< Len(history[l])) THEN (IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][2]]}) ELSE IF (m.upto < 1) /\ (1 =< Len(history[l])) THEN net_1 (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> m.src, epoch |-> epochOf[l], txn |-> history[l][1]]}) ELSE net_1
                                 /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, established, proposed, faults>>
                            ELSE /\ synced' = [synced EXCEPT ![l] = synced[l] \cup {m.src}]
                                 /\ acked' = [acked EXCEPT ![l][m.src] = m.upto]
                                 /\ net' = net_1
                                 /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, established, proposed, faults>>
                  ELSE /\ net' = net_1
                       /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* A client's request: the leader proposes the next transaction of its epoch.
Broadcast(l) ==
    /\ role[l] = "Leading"
    /\ established[l]
    /\ LET n == Cardinality({i \in (1..MaxHist) : (i =< Len(history[l])) /\ (history[l][i].epoch = epochOf[l])})
       IN  /\ Evaluated(n)
           /\ n < MaxTxn
           /\ LET t == [epoch |-> Checked(epochOf[l], 1..MaxEpoch), counter |-> Checked(n + 1, 1..MaxTxn)]
              IN  /\ Evaluated(t)
                  /\ Stored(IsSeqOf(Append(history[l], t), Txn, MaxHist), "specs/zab_bug_skip_sync.spec:228:5")
                  /\ Stored(Len([history EXCEPT ![l] = Append(history[l], t)][l]) \in Epoch, "specs/zab_bug_skip_sync.spec:229:5")
                  /\ LET domain_1 == synced[l]
                     IN  /\ IF s1 \in domain_1 THEN IF s1 # l THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}), Msg, 2), "specs/zab_bug_skip_sync.spec:231:39") ELSE TRUE ELSE TRUE
                         /\ IF s2 \in domain_1 THEN IF s2 # l THEN Stored(IsBagOf((IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> t]}), Msg, 2), "specs/zab_bug_skip_sync.spec:231:39") ELSE TRUE ELSE TRUE
                         /\ IF s3 \in domain_1 THEN IF s3 # l THEN Stored(IsBagOf((IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> t]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> t]}), Msg, 2), "specs/zab_bug_skip_sync.spec:231:39") ELSE TRUE ELSE TRUE
                         /\ history' = [history EXCEPT ![l] = Append(history[l], t)]
                         /\ acked' = [acked EXCEPT ![l][l] = Len([history EXCEPT ![l] = Append(history[l], t)][l])]
                         /\ net' = IF s3 \in domain_1 THEN IF s3 # l THEN (IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> t]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> t]}) ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> t]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net) (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> t]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net (+) SetToBag({[tag |-> "Propose", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> t]}) ELSE net ELSE net
                         /\ proposed' = proposed \cup {t}
                         /\ UNCHANGED <<acceptedEpoch, currentEpoch, delivered, role, leader, epochOf, joined, synced, established, faults>>

\* PROPOSE: the follower appends the transaction and acknowledges it.
RecvPropose(f) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Propose"
        /\ m.dst = f
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:236:5")
               /\ IF m.txn \notin Range(history[f]) THEN Stored(IsSeqOf(Append(history[f], m.txn), Txn, MaxHist), "specs/zab_bug_skip_sync.spec:238:13") /\ Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Ack", src |-> f, dst |-> m.src, epoch |-> m.epoch, txn |-> m.txn]}), Msg, 2), "specs/zab_bug_skip_sync.spec:239:13") ELSE TRUE
               /\ history' = IF m.txn \notin Range(history[f]) THEN [history EXCEPT ![f] = Append(history[f], m.txn)] ELSE history
               /\ net' = IF m.txn \notin Range(history[f]) THEN net_1 (+) SetToBag({[tag |-> "Ack", src |-> f, dst |-> m.src, epoch |-> m.epoch, txn |-> m.txn]}) ELSE net_1
               /\ UNCHANGED <<acceptedEpoch, currentEpoch, delivered, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* ACK: what a quorum has acknowledged is committed: the leader delivers it
\* and sends COMMIT to its synchronised followers.
RecvAck(l) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Ack"
        /\ m.dst = l
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:247:5")
               /\ LET stored_1 == LET t == m.txn IN Max({0} \cup {i \in (1..MaxHist) : (i =< Len(history[l])) /\ (history[l][i] = t)})
                  IN  /\ Stored(stored_1 \in Epoch, "specs/zab_bug_skip_sync.spec:248:9")
                      /\ LET n == Max({i \in (0..MaxHist) : (i =< Len(history[l])) /\ (LET q == {s \in synced[l] : [acked EXCEPT ![l][m.src] = stored_1][l][s] >= i} IN (2 * Cardinality(q)) > Cardinality(Server))})
                         IN  /\ Evaluated(n)
                             /\ IF n > Len(delivered[l])
                                THEN /\ Stored(IsSeqOf(Slice(history[l], 1, n), Txn, MaxHist), "specs/zab_bug_skip_sync.spec:251:13")
                                     /\ LET domain_1 == synced[l]
                                        IN  /\ IF s1 \in domain_1 THEN IF s1 # l THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:252:47") ELSE TRUE ELSE TRUE
                                            /\ IF s2 \in domain_1 THEN IF s2 # l THEN Stored(IsBagOf((IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][n]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:252:47") ELSE TRUE ELSE TRUE
                                            /\ IF s3 \in domain_1 THEN IF s3 # l THEN Stored(IsBagOf((IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> history[l][n]]}), Msg, 2), "specs/zab_bug_skip_sync.spec:252:47") ELSE TRUE ELSE TRUE
                                            /\ delivered' = [delivered EXCEPT ![l] = Slice(history[l], 1, n)]
                                            /\ acked' = [acked EXCEPT ![l][m.src] = stored_1]
                                            /\ net' = IF s3 \in domain_1 THEN IF s3 # l THEN (IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s3, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1 ELSE IF s2 \in domain_1 THEN IF s2 # l THEN (IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1) (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s2, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1 ELSE IF s1 \in domain_1 THEN IF s1 # l THEN net_1 (+) SetToBag({[tag |-> "Commit", src |-> l, dst |-> s1, epoch |-> epochOf[l], txn |-> history[l][n]]}) ELSE net_1 ELSE net_1
                                            /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, role, leader, epochOf, joined, synced, established, proposed, faults>>
                                ELSE /\ acked' = [acked EXCEPT ![l][m.src] = stored_1]
                                     /\ net' = net_1
                                     /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, proposed, faults>>

\* COMMIT: the follower delivers its history up to the committed transaction.
RecvCommit(f) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Commit"
        /\ m.dst = f
        /\ Holds((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:259:5")
               /\ LET n == LET t == m.txn IN Max({0} \cup {i \in (1..MaxHist) : (i =< Len(history[f])) /\ (history[f][i] = t)})
                  IN  /\ Evaluated(n)
                      /\ IF n > Len(delivered[f]) THEN Stored(IsSeqOf(Slice(history[f], 1, n), Txn, MaxHist), "specs/zab_bug_skip_sync.spec:262:13") ELSE TRUE
                      /\ delivered' = IF n > Len(delivered[f]) THEN [delivered EXCEPT ![f] = Slice(history[f], 1, n)] ELSE delivered
                      /\ net' = net_1
                      /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* A message its receiver no longer expects (sent for an epoch or a role it
\* has left) is dropped.
Drop(s) ==
    \E m \in BagToSet(net) :
        /\ m.dst = s
        /\ ~(IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch))
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 2), "specs/zab_bug_skip_sync.spec:272:5")
               /\ net' = net_1
               /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, proposed, faults>>

\* A leader that waits and hears nothing (a message was lost, or a follower
\* crashed) times out and looks for a new leader.
LeaderTimeout(l) ==
    /\ role[l] = "Leading"
    /\ Holds((~established[l]) \/ (Len(delivered[l]) < Len(history[l])))
    /\ ~(\E m \in BagToSet(net) : ((m.src = l) \/ (m.dst = l)) /\ ((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE)))
    /\ role' = [role EXCEPT ![l] = "Looking"]
    /\ leader' = [leader EXCEPT ![l] = None]
    /\ epochOf' = [epochOf EXCEPT ![l] = 0]
    /\ joined' = [joined EXCEPT ![l] = {}]
    /\ synced' = [synced EXCEPT ![l] = {}]
    /\ established' = [established EXCEPT ![l] = FALSE]
    /\ acked' = [acked EXCEPT ![l] = [t \in Server |-> 0]]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, net, proposed, faults>>

\* A follower whose leader is gone (crashed, timed out, or leads another
\* epoch now) times out.
FollowerTimeout(f) ==
    /\ role[f] = "Following"
    /\ ~((role[Unwrap(leader[f])] = "Leading") /\ (epochOf[Unwrap(leader[f])] = epochOf[f]))
    /\ ~(\E m \in BagToSet(net) : (m.dst = f) /\ ((IF ((m.tag = "AckEpoch") \/ (m.tag = "AckLeader")) \/ (m.tag = "Ack") THEN (role[m.dst] = "Leading") /\ (epochOf[m.dst] = m.epoch) ELSE ((role[m.dst] = "Following") /\ (leader[m.dst] = m.src)) /\ (epochOf[m.dst] = m.epoch)) /\ (IF m.tag = "Propose" THEN (m.txn.counter = 1) \/ ([epoch |-> m.txn.epoch, counter |-> Checked(m.txn.counter - 1, 1..MaxTxn)] \in Range(history[m.dst])) ELSE IF m.tag = "Commit" THEN m.txn \in Range(history[m.dst]) ELSE TRUE)))
    /\ role' = [role EXCEPT ![f] = "Looking"]
    /\ leader' = [leader EXCEPT ![f] = None]
    /\ epochOf' = [epochOf EXCEPT ![f] = 0]
    /\ joined' = [joined EXCEPT ![f] = {}]
    /\ synced' = [synced EXCEPT ![f] = {}]
    /\ established' = [established EXCEPT ![f] = FALSE]
    /\ acked' = [acked EXCEPT ![f] = [t \in Server |-> 0]]
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, net, proposed, faults>>

\* The initial values a crash restores.
Initial_role == [s \in Server |-> "Looking"]
Initial_leader == [s \in Server |-> None]
Initial_epochOf == [s \in Server |-> 0]
Initial_joined == [s \in Server |-> {}]
Initial_synced == [s \in Server |-> {}]
Initial_established == [s \in Server |-> FALSE]
Initial_acked == [s \in Server |-> [t \in Server |-> 0]]

\* Fault steps (the spec's `faults` block), at most 1 per behaviour, counted by `faults`.
Lose_net(msg) ==
    /\ faults < 1
    /\ net' = net (-) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, proposed>>

Duplicate_net(msg) ==
    /\ faults < 1
    /\ CopiesIn(msg, net) < 2
    /\ net' = net (+) SetToBag({msg})
    /\ faults' = faults + 1
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, role, leader, epochOf, joined, synced, established, acked, proposed>>

Crash_Server(who) ==
    /\ faults < 1
    /\ role' = [role EXCEPT ![who] = Initial_role[who]]
    /\ leader' = [leader EXCEPT ![who] = Initial_leader[who]]
    /\ epochOf' = [epochOf EXCEPT ![who] = Initial_epochOf[who]]
    /\ joined' = [joined EXCEPT ![who] = Initial_joined[who]]
    /\ synced' = [synced EXCEPT ![who] = Initial_synced[who]]
    /\ established' = [established EXCEPT ![who] = Initial_established[who]]
    /\ acked' = [acked EXCEPT ![who] = Initial_acked[who]]
    /\ faults' = faults + 1
    /\ UNCHANGED <<acceptedEpoch, currentEpoch, history, delivered, net, proposed>>

\* A terminal state is a legitimate end: a stuttering step keeps TLC from
\* reporting it as a deadlock (specpy: no deadlock where `terminal` holds).
Terminated ==
    /\ \A s \in Server : ~((role[s] = "Leading") /\ ((~established[s]) \/ (Len(delivered[s]) < Len(history[s]))))
    /\ UNCHANGED vars

Next ==
    \/ \E l \in Server, q \in (SUBSET Server) : Elect(l, q)
    \/ \E f \in Server : RecvNewEpoch(f)
    \/ \E l \in Server : RecvAckEpoch(l)
    \/ \E f \in Server : RecvNewLeader(f)
    \/ \E l \in Server : RecvAckLeader(l)
    \/ \E l \in Server : Broadcast(l)
    \/ \E f \in Server : RecvPropose(f)
    \/ \E l \in Server : RecvAck(l)
    \/ \E f \in Server : RecvCommit(f)
    \/ \E s \in Server : Drop(s)
    \/ \E l \in Server : LeaderTimeout(l)
    \/ \E f \in Server : FollowerTimeout(f)
    \/ \E msg \in BagToSet(net) : Lose_net(msg)
    \/ \E msg \in BagToSet(net) : Duplicate_net(msg)
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
    Init /\ [][Next]_vars /\ (\A l \in Server, q \in (SUBSET Server) : WF_vars(Elect(l, q))) /\ (\A f \in Server : WF_vars(RecvNewEpoch(f))) /\ (\A l \in Server : WF_vars(RecvAckEpoch(l))) /\ (\A f \in Server : WF_vars(RecvNewLeader(f))) /\ (\A l \in Server : WF_vars(RecvAckLeader(l))) /\ (\A f \in Server : WF_vars(RecvPropose(f))) /\ (\A l \in Server : WF_vars(RecvAck(l))) /\ (\A f \in Server : WF_vars(RecvCommit(f))) /\ (\A s \in Server : WF_vars(Drop(s))) /\ (\A l \in Server : WF_vars(LeaderTimeout(l))) /\ (\A f \in Server : WF_vars(FollowerTimeout(f)))
=============================================================================
