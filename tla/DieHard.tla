------------------------------ MODULE DieHard ------------------------------
\* Exported by specpy from ../specs/diehard.spec; do not edit.
\* The .cfg beside this file binds the model values and says what TLC checks.
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC

\* specpy checks a value where it is stored: one outside its declared type is an
\* evaluation error, here a CHOOSE from the empty set (TLC stops with exit code 75).
EvalError(what) == CHOOSE err \in {} : err = what
Stored(ok, what) == IF ok THEN TRUE ELSE EvalError(what)
Min(SS) == CHOOSE mm \in SS : \A xx \in SS : mm =< xx

Big == 0..5
Small == 0..3

VARIABLES big, small
vars == <<big, small>>

Init ==
    /\ big = 0
    /\ small = 0

FillSmall ==
    /\ small' = 3
    /\ UNCHANGED <<big>>

FillBig ==
    /\ big' = 5
    /\ UNCHANGED <<small>>

EmptySmall ==
    /\ small' = 0
    /\ UNCHANGED <<big>>

EmptyBig ==
    /\ big' = 0
    /\ UNCHANGED <<small>>

SmallToBig ==
    LET poured == Min({small, 5 - big})
    IN  LET big_1 == big + poured
        IN  /\ Stored(big_1 \in Big, "specs/diehard.spec:25:5")
            /\ LET small_1 == small - poured
               IN  /\ Stored(small_1 \in Small, "specs/diehard.spec:26:5")
                   /\ big' = big_1
                   /\ small' = small_1

BigToSmall ==
    LET poured == Min({big, 3 - small})
    IN  LET small_1 == small + poured
        IN  /\ Stored(small_1 \in Small, "specs/diehard.spec:31:5")
            /\ LET big_1 == big - poured
               IN  /\ Stored(big_1 \in Big, "specs/diehard.spec:32:5")
                   /\ big' = big_1
                   /\ small' = small_1

Next ==
    \/ FillSmall
    \/ FillBig
    \/ EmptySmall
    \/ EmptyBig
    \/ SmallToBig
    \/ BigToSmall

NotSolved ==
    big # 4
=============================================================================
