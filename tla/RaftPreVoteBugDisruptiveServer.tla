------------------------------ MODULE RaftPreVoteBugDisruptiveServer ------------------------------
\* Exported by specpy from ../specs/raft_prevote_bug_disruptive_server.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* The spec's constants, assigned in the .cfg.
CONSTANTS PreVote, CheckQuorum, MaxTerm

CONSTANTS s1, s2, s3, None   \* model values (see the .cfg)

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Checked(vv, SS) == IF vv \in SS THEN vv ELSE EvalError("a value outside its type")
Holds(PP) == PP = TRUE  \* PP evaluated as one Boolean (TLC would explore \/ and \E in an action as alternatives)
Min(SS) == CHOOSE mm \in SS : \A xx \in SS : mm =< xx
IsBagOf(bb, SS, nn) == DOMAIN bb \subseteq SS /\ \A ee \in DOMAIN bb : bb[ee] =< nn

Server == {s1, s2, s3}
Term == 1..MaxTerm
Role == {"Follower", "PreCandidate", "Candidate", "Leader"}
Msg == [tag : {"PreVoteReq"}, src : Server, dst : Server, term : Term] \cup [tag : {"PreVoteResp"}, src : Server, dst : Server, term : Term, granted : BOOLEAN] \cup [tag : {"VoteReq"}, src : Server, dst : Server, term : Term] \cup [tag : {"VoteResp"}, src : Server, dst : Server, term : Term, granted : BOOLEAN] \cup [tag : {"Heartbeat"}, src : Server, dst : Server, term : Term] \cup [tag : {"HeartbeatResp"}, src : Server, dst : Server, term : Term]

VARIABLE currentTerm
VARIABLE role
VARIABLE votedFor
VARIABLE votes
\* The links that are down (at most one), each as the set of its two ends.
VARIABLE down
VARIABLE net
vars == <<currentTerm, role, votedFor, votes, down, net>>

Init ==
    /\ currentTerm = [s \in Server |-> 1]
    /\ role = [s \in Server |-> "Follower"]
    /\ votedFor = [s \in Server |-> None]
    /\ votes = [s \in Server |-> {}]
    /\ down = {}
    /\ net = EmptyBag

\* The partial partition: one link fails, for good (between two messages:
\* none is on it when it fails, and none is sent over it afterwards).
Partition(a, b) ==
    /\ a # b
    /\ down = {}
    /\ ~(\E m \in BagToSet(net) : {m.src, m.dst} = {a, b})
    /\ down' = {{a, b}}
    /\ UNCHANGED <<currentTerm, role, votedFor, votes, net>>

\* c's election timer expires: no leader of its term reaches it. With PreVote
\* it asks the others whether they would vote for it in the next term,
\* without changing its term; without, it starts the election at once.
\* One election at a time (randomised timeouts make a split vote rare; see
\* raft_liveness_bug_split_vote.spec for what fairness cannot exclude).
Timeout(c) ==
    /\ role[c] # "Leader"
    /\ ~(\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[c])) /\ ((l # c) /\ ({l, c} \notin down)))
    /\ currentTerm[c] < MaxTerm
    /\ Holds(\A s \in Server : (s = c) \/ (~((role[s] = "PreCandidate") \/ (role[s] = "Candidate"))))
    /\ ~(\E m \in BagToSet(net) : (m.src = c) \/ (m.dst = c))
    /\ IF PreVote
       THEN /\ IF (c # s1) /\ ({c, s1} \notin down) THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:91:49") ELSE TRUE
            /\ IF (c # s2) /\ ({c, s2} \notin down) THEN Stored(IsBagOf((IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:91:49") ELSE TRUE
            /\ IF (c # s3) /\ ({c, s3} \notin down) THEN Stored(IsBagOf((IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s3, term |-> Checked(currentTerm[c] + 1, Term)]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:91:49") ELSE TRUE
            /\ currentTerm' = IF BagCardinality(IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s3, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) = 0 THEN [s \in Server |-> Checked((currentTerm[s] - Min({currentTerm[t] : t \in Server})) + 1, Term)] ELSE currentTerm
            /\ role' = [role EXCEPT ![c] = "PreCandidate"]
            /\ votes' = [votes EXCEPT ![c] = {c}]
            /\ net' = IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s3, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net) (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s2, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "PreVoteReq", src |-> c, dst |-> s1, term |-> Checked(currentTerm[c] + 1, Term)]}) ELSE net
            /\ UNCHANGED <<votedFor, down>>
       ELSE LET stored_1 == currentTerm[c] + 1
            IN  /\ Stored(stored_1 \in Term, "specs/raft_prevote_bug_disruptive_server.spec:93:9")
                /\ IF (c # s1) /\ ({c, s1} \notin down) THEN Stored(IsBagOf(net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:96:49") ELSE TRUE
                /\ IF (c # s2) /\ ({c, s2} \notin down) THEN Stored(IsBagOf((IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:96:49") ELSE TRUE
                /\ IF (c # s3) /\ ({c, s3} \notin down) THEN Stored(IsBagOf((IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:96:49") ELSE TRUE
                /\ currentTerm' = IF BagCardinality(IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) = 0 THEN [s \in Server |-> Checked(([currentTerm EXCEPT ![c] = stored_1][s] - Min({[currentTerm EXCEPT ![c] = stored_1][t] : t \in Server})) + 1, Term)] ELSE [currentTerm EXCEPT ![c] = stored_1]
                /\ role' = [role EXCEPT ![c] = "Candidate"]
                /\ votedFor' = [votedFor EXCEPT ![c] = c]
                /\ votes' = [votes EXCEPT ![c] = {c}]
                /\ net' = IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net
                /\ UNCHANGED <<down>>

\* A pre-vote is granted by a server that would vote in that term (no logs
\* here: any higher term) and is not in a lease; it changes no term.
RecvPreVoteReq(v, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "PreVoteReq"
        /\ m.dst = v
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:104:5")
               /\ IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "PreVoteResp", src |-> v, dst |-> m.src, term |-> m.term, granted |-> m.term > currentTerm[v]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:106:13") ELSE TRUE
               /\ currentTerm' = IF BagCardinality(IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN net_1 (+) SetToBag({[tag |-> "PreVoteResp", src |-> v, dst |-> m.src, term |-> m.term, granted |-> m.term > currentTerm[v]]}) ELSE net_1) = 0 THEN [s \in Server |-> Checked((currentTerm[s] - Min({currentTerm[t] : t \in Server})) + 1, Term)] ELSE currentTerm
               /\ net' = IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN net_1 (+) SetToBag({[tag |-> "PreVoteResp", src |-> v, dst |-> m.src, term |-> m.term, granted |-> m.term > currentTerm[v]]}) ELSE net_1
               /\ UNCHANGED <<role, votedFor, votes, down>>

\* With a majority of pre-votes the pre-candidate starts the real election.
RecvPreVoteResp(c, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "PreVoteResp"
        /\ m.dst = c
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:114:5")
               /\ IF ((role[c] = "PreCandidate") /\ (m.term = (currentTerm[c] + 1))) /\ m.granted
                  THEN IF LET q == [votes EXCEPT ![c] = votes[c] \cup {m.src}][c] IN (2 * Cardinality(q)) > Cardinality(Server)
                       THEN LET stored_1 == currentTerm[c] + 1
                            IN  /\ Stored(stored_1 \in Term, "specs/raft_prevote_bug_disruptive_server.spec:118:17")
                                /\ IF (c # s1) /\ ({c, s1} \notin down) THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:122:57") ELSE TRUE
                                /\ IF (c # s2) /\ ({c, s2} \notin down) THEN Stored(IsBagOf((IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:122:57") ELSE TRUE
                                /\ IF (c # s3) /\ ({c, s3} \notin down) THEN Stored(IsBagOf((IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:122:57") ELSE TRUE
                                /\ currentTerm' = IF BagCardinality(IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) = 0 THEN [s \in Server |-> Checked(([currentTerm EXCEPT ![c] = stored_1][s] - Min({[currentTerm EXCEPT ![c] = stored_1][t] : t \in Server})) + 1, Term)] ELSE [currentTerm EXCEPT ![c] = stored_1]
                                /\ role' = [role EXCEPT ![c] = "Candidate"]
                                /\ votedFor' = [votedFor EXCEPT ![c] = c]
                                /\ votes' = [[votes EXCEPT ![c] = votes[c] \cup {m.src}] EXCEPT ![c] = {c}]
                                /\ net' = IF (c # s3) /\ ({c, s3} \notin down) THEN (IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s3, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s2) /\ ({c, s2} \notin down) THEN (IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1) (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s2, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE IF (c # s1) /\ ({c, s1} \notin down) THEN net_1 (+) SetToBag({[tag |-> "VoteReq", src |-> c, dst |-> s1, term |-> [currentTerm EXCEPT ![c] = stored_1][c]]}) ELSE net_1
                                /\ UNCHANGED <<down>>
                       ELSE /\ currentTerm' = IF BagCardinality(net_1) = 0 THEN [s \in Server |-> Checked((currentTerm[s] - Min({currentTerm[t] : t \in Server})) + 1, Term)] ELSE currentTerm
                            /\ votes' = [votes EXCEPT ![c] = votes[c] \cup {m.src}]
                            /\ net' = net_1
                            /\ UNCHANGED <<role, votedFor, down>>
                  ELSE /\ currentTerm' = IF BagCardinality(net_1) = 0 THEN [s \in Server |-> Checked((currentTerm[s] - Min({currentTerm[t] : t \in Server})) + 1, Term)] ELSE currentTerm
                       /\ net' = net_1
                       /\ UNCHANGED <<role, votedFor, votes, down>>

\* A vote request: a higher term is adopted (unless in a lease: then the
\* request is ignored, its term too), and the vote granted once per term.
RecvVoteReq(v, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "VoteReq"
        /\ m.dst = v
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:132:5")
               /\ IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN Stored(IsBagOf(net_1 (+) SetToBag({[tag |-> "VoteResp", src |-> v, dst |-> m.src, term |-> (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v], granted |-> ((m.term = (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v]) /\ (((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = None) \/ ((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = m.src)))]}), Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:141:13") ELSE TRUE
               /\ currentTerm' = IF BagCardinality(IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN net_1 (+) SetToBag({[tag |-> "VoteResp", src |-> v, dst |-> m.src, term |-> (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v], granted |-> ((m.term = (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v]) /\ (((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = None) \/ ((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = m.src)))]}) ELSE net_1) = 0 THEN [s \in Server |-> Checked(((IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm ELSE currentTerm)[s] - Min({(IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm ELSE currentTerm)[t] : t \in Server})) + 1, Term)] ELSE IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm ELSE currentTerm
               /\ role' = IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF m.term > currentTerm[v] THEN [role EXCEPT ![v] = "Follower"] ELSE role ELSE role
               /\ votedFor' = IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF ((m.term = (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v]) /\ (((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = None) \/ ((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = m.src))) THEN [(IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor) EXCEPT ![v] = m.src] ELSE IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor ELSE votedFor
               /\ votes' = IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN IF m.term > currentTerm[v] THEN [votes EXCEPT ![v] = {}] ELSE votes ELSE votes
               /\ net' = IF ~((CheckQuorum /\ (role[v] = "Follower")) /\ (\E l \in Server : ((role[l] = "Leader") /\ (currentTerm[l] = currentTerm[v])) /\ ((l # v) /\ ({l, v} \notin down)))) THEN net_1 (+) SetToBag({[tag |-> "VoteResp", src |-> v, dst |-> m.src, term |-> (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v], granted |-> ((m.term = (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v]) /\ (((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = None) \/ ((IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor)[v] = m.src)))]}) ELSE net_1
               /\ UNCHANGED <<down>>

RecvVoteResp(c, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "VoteResp"
        /\ m.dst = c
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:148:5")
               /\ currentTerm' = IF BagCardinality(net_1) = 0 THEN [s \in Server |-> Checked(((IF m.term > currentTerm[c] THEN [currentTerm EXCEPT ![c] = m.term] ELSE currentTerm)[s] - Min({(IF m.term > currentTerm[c] THEN [currentTerm EXCEPT ![c] = m.term] ELSE currentTerm)[t] : t \in Server})) + 1, Term)] ELSE IF m.term > currentTerm[c] THEN [currentTerm EXCEPT ![c] = m.term] ELSE currentTerm
               /\ role' = IF m.term > currentTerm[c] THEN [role EXCEPT ![c] = "Follower"] ELSE IF ((role[c] = "Candidate") /\ (m.term = currentTerm[c])) /\ m.granted THEN IF LET q == [votes EXCEPT ![c] = votes[c] \cup {m.src}][c] IN (2 * Cardinality(q)) > Cardinality(Server) THEN [role EXCEPT ![c] = "Leader"] ELSE role ELSE role
               /\ votedFor' = IF m.term > currentTerm[c] THEN [votedFor EXCEPT ![c] = None] ELSE votedFor
               /\ votes' = IF m.term > currentTerm[c] THEN [votes EXCEPT ![c] = {}] ELSE IF ((role[c] = "Candidate") /\ (m.term = currentTerm[c])) /\ m.granted THEN [votes EXCEPT ![c] = votes[c] \cup {m.src}] ELSE votes
               /\ net' = net_1
               /\ UNCHANGED <<down>>

\* The leader's heartbeat (an empty AppendEntries), to each server it reaches,
\* one round trip at a time.
SendHeartbeat(l, f) ==
    /\ role[l] = "Leader"
    /\ (l # f) /\ ({l, f} \notin down)
    /\ ~(\E m \in BagToSet(net) : ((m.tag = "Heartbeat") \/ (m.tag = "HeartbeatResp")) /\ ({m.src, m.dst} = {l, f}))
    /\ LET net_1 == net (+) SetToBag({[tag |-> "Heartbeat", src |-> l, dst |-> f, term |-> currentTerm[l]]})
       IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:166:5")
           /\ net' = net_1
           /\ UNCHANGED <<currentTerm, role, votedFor, votes, down>>

\* A heartbeat of the current (or a higher) term makes its receiver a follower
\* of that term; one of a lower term is answered with the receiver's term, so
\* that a deposed leader learns it.
RecvHeartbeat(v, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "Heartbeat"
        /\ m.dst = v
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:173:5")
               /\ LET net_2 == net_1 (+) SetToBag({[tag |-> "HeartbeatResp", src |-> v, dst |-> m.src, term |-> (IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[v]]})
                  IN  /\ Stored(IsBagOf(net_2, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:179:9")
                      /\ currentTerm' = IF BagCardinality(net_2) = 0 THEN [s \in Server |-> Checked(((IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[s] - Min({(IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm)[t] : t \in Server})) + 1, Term)] ELSE IF m.term > currentTerm[v] THEN [currentTerm EXCEPT ![v] = m.term] ELSE currentTerm
                      /\ role' = IF m.term > currentTerm[v] THEN [role EXCEPT ![v] = "Follower"] ELSE IF m.term = currentTerm[v] THEN [role EXCEPT ![v] = "Follower"] ELSE role
                      /\ votedFor' = IF m.term > currentTerm[v] THEN [votedFor EXCEPT ![v] = None] ELSE votedFor
                      /\ votes' = IF m.term > currentTerm[v] THEN [votes EXCEPT ![v] = {}] ELSE votes
                      /\ net' = net_2
                      /\ UNCHANGED <<down>>

RecvHeartbeatResp(l, from) ==
    \E m \in BagToSet(net) :
        /\ m.tag = "HeartbeatResp"
        /\ m.dst = l
        /\ m.src = from
        /\ LET net_1 == net (-) SetToBag({m})
           IN  /\ Stored(IsBagOf(net_1, Msg, 1), "specs/raft_prevote_bug_disruptive_server.spec:185:5")
               /\ currentTerm' = IF BagCardinality(net_1) = 0 THEN [s \in Server |-> Checked(((IF m.term > currentTerm[l] THEN [currentTerm EXCEPT ![l] = m.term] ELSE currentTerm)[s] - Min({(IF m.term > currentTerm[l] THEN [currentTerm EXCEPT ![l] = m.term] ELSE currentTerm)[t] : t \in Server})) + 1, Term)] ELSE IF m.term > currentTerm[l] THEN [currentTerm EXCEPT ![l] = m.term] ELSE currentTerm
               /\ role' = IF m.term > currentTerm[l] THEN [role EXCEPT ![l] = "Follower"] ELSE role
               /\ votedFor' = IF m.term > currentTerm[l] THEN [votedFor EXCEPT ![l] = None] ELSE votedFor
               /\ votes' = IF m.term > currentTerm[l] THEN [votes EXCEPT ![l] = {}] ELSE votes
               /\ net' = net_1
               /\ UNCHANGED <<down>>

\* CheckQuorum, the leader's side: a leader that reaches no majority steps down.
StepDown(l) ==
    /\ CheckQuorum
    /\ role[l] = "Leader"
    /\ ~(LET q == {l} \cup {s \in Server : (l # s) /\ ({l, s} \notin down)} IN (2 * Cardinality(q)) > Cardinality(Server))
    /\ role' = [role EXCEPT ![l] = "Follower"]
    /\ UNCHANGED <<currentTerm, votedFor, votes, down, net>>

Next ==
    \/ \E a \in Server, b \in Server : Partition(a, b)
    \/ \E c \in Server : Timeout(c)
    \/ \E v \in Server, from \in Server : RecvPreVoteReq(v, from)
    \/ \E c \in Server, from \in Server : RecvPreVoteResp(c, from)
    \/ \E v \in Server, from \in Server : RecvVoteReq(v, from)
    \/ \E c \in Server, from \in Server : RecvVoteResp(c, from)
    \/ \E l \in Server, f \in Server : SendHeartbeat(l, f)
    \/ \E v \in Server, from \in Server : RecvHeartbeat(v, from)
    \/ \E l \in Server, from \in Server : RecvHeartbeatResp(l, from)
    \/ \E l \in Server : StepDown(l)

ElectionSafety ==
    \A a \in Server : \A b \in Server : (((role[a] = "Leader") /\ (role[b] = "Leader")) /\ (currentTerm[a] = currentTerm[b])) => (a = b)

StableLeader == <>[](\E l \in Server : (role[l] = "Leader") /\ (\A s \in Server : (role[s] = "Leader") => (s = l)))

Spec ==
    Init /\ [][Next]_vars /\ (\A c \in Server : WF_vars(Timeout(c))) /\ (\A v \in Server, from \in Server : WF_vars(RecvPreVoteReq(v, from))) /\ (\A c \in Server, from \in Server : WF_vars(RecvPreVoteResp(c, from))) /\ (\A v \in Server, from \in Server : WF_vars(RecvVoteReq(v, from))) /\ (\A c \in Server, from \in Server : WF_vars(RecvVoteResp(c, from))) /\ (\A l \in Server, f \in Server : WF_vars(SendHeartbeat(l, f))) /\ (\A v \in Server, from \in Server : WF_vars(RecvHeartbeat(v, from))) /\ (\A l \in Server, from \in Server : WF_vars(RecvHeartbeatResp(l, from))) /\ (\A l \in Server : WF_vars(StepDown(l)))
=============================================================================
