"""TLA+ identifiers for the names of a spec.

A spec name is a valid TLA+ identifier unless it is a TLA+ keyword, a
TLC/.cfg keyword, an operator of a module the export EXTENDS, or one of the
helper definitions the exporter writes itself; such a name gets a trailing
underscore (repeated until it is free). Locals are named per scope: a name
visible in an enclosing binder is never reused (SANY rejects a bound name
that hides another), so `def` arguments inlined inside a quantifier over the
same name get a numeric suffix.
"""

from __future__ import annotations

import re

TLA_KEYWORDS = frozenset(
    """ASSUME ASSUMPTION AXIOM BOOLEAN CASE CHOOSE CONSTANT CONSTANTS COROLLARY DOMAIN ELSE
    ENABLED EXCEPT EXTENDS FALSE IF IN INSTANCE LAMBDA LEMMA LET LOCAL MODULE OTHER
    PROPOSITION RECURSIVE STRING SUBSET THEN THEOREM TRUE UNCHANGED UNION VARIABLE
    VARIABLES WITH ACTION ACCEPT BY DEF DEFINE DEFS HAVE HIDE NEW OBVIOUS OMITTED ONLY
    PICK PROOF PROVE QED SUFFICES TAKE TEMPORAL USE WITNESS STATE""".split()
)

CFG_KEYWORDS = frozenset(
    """INIT NEXT SPECIFICATION CONSTANT CONSTANTS INVARIANT INVARIANTS PROPERTY PROPERTIES
    CONSTRAINT CONSTRAINTS ACTION_CONSTRAINT ACTION_CONSTRAINTS SYMMETRY VIEW ALIAS
    POSTCONDITION CHECK_DEADLOCK""".split()
)

#: Operators of Integers, Sequences, FiniteSets, Bags and TLC (the modules an export EXTENDS).
STANDARD_OPERATORS = frozenset(
    """Nat Int Real Seq Len Append Head Tail SubSeq SelectSeq Cardinality IsFiniteSet
    IsABag SetToBag BagToSet BagIn EmptyBag BagCup BagDiff BagUnion SubBag BagOfAll
    BagCardinality CopiesIn Print PrintT Assert JavaTime TLCGet TLCSet Permutations
    SortSeq RandomElement Any ToString TLCEval""".split()
)

#: Definitions every exported module may contain (export.py writes them).
HELPERS = frozenset(
    """Init Next vars Spec EvalError Evaluated Holds Stored IsBagOf IsSeqOf BagOf Checked Min Max Slice SumOver SeqOf Range None
    Symmetry Terminated Constraint Unwrap""".split()
)

#: Names bound inside the helper definitions (a spec name equal to one would
#: clash with them: SANY rejects a bound name that hides a global one).
HELPER_BOUND = frozenset("PP what ok err vv SS mm xx ss ii jj FF TT sum nn DD bb ee".split()) | {c * n for c in "ki" for n in range(2, 12)}

#: The standard modules: a module (and file) of one of these names would shadow it for TLC.
STANDARD_MODULES = frozenset("Naturals Integers Reals Sequences FiniteSets Bags TLC TLCExt Randomization".split())

RESERVED = TLA_KEYWORDS | CFG_KEYWORDS | STANDARD_OPERATORS | STANDARD_MODULES | HELPERS | HELPER_BOUND

_IDENT = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")


def safe(name: str, taken: frozenset[str] | set[str] = frozenset()) -> str:
    """`name` as a TLA+ identifier that is neither reserved nor in `taken`."""
    out = name if _IDENT.fullmatch(name) and not name.startswith(("WF_", "SF_")) else "x" + name
    while out in RESERVED or out in taken:
        out += "_"
    return out


class GlobalNames:
    """One TLA+ identifier per top-level spec name, stable and collision-free."""

    def __init__(self) -> None:
        self._map: dict[str, str] = {}
        self._used: set[str] = set()

    def add(self, name: str) -> str:
        if name in self._map:
            return self._map[name]
        out = safe(name, self._used)
        self._map[name] = out
        self._used.add(out)
        return out

    def __getitem__(self, name: str) -> str:
        return self._map[name]

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self._map)

    @property
    def used(self) -> frozenset[str]:
        return frozenset(self._used)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class LocalScope:
    """Names bound by enclosing binders (parameters, quantifiers, LETs).

    Copied at every fork, so sibling branches may reuse a name.
    """

    def __init__(self, globals_: frozenset[str], bound: dict[int, str] | None = None) -> None:
        self._globals = globals_
        self.bound: dict[int, str] = dict(bound or {})

    def copy(self) -> LocalScope:
        return LocalScope(self._globals, self.bound)

    def taken(self) -> set[str]:
        """Identifiers a new binder must not reuse: globals, bound names, and
        every identifier inside a `let` value inlined as text (`low` standing
        for `Min({t[s] : s \\in S})`: a binder named `s` around it would
        capture its `s`, which SANY rejects as a multiply-defined symbol)."""
        return set(self._globals) | {word for text in self.bound.values() for word in _IDENT.findall(text)}

    def bind(self, uid: int, name: str) -> str:
        """A fresh identifier for the local `uid`, based on `name`."""
        taken = self.taken()
        base = safe(name, self._globals)
        out, k = base, 1
        while out in taken or out in RESERVED:
            k += 1
            out = f"{base}_{k}"
        self.bound[uid] = out
        return out

    def fresh(self, name: str) -> str:
        """A fresh identifier not tied to a spec local (`x_1`, `x_2`: the export's SSA names)."""
        taken = self.taken()
        k = 1
        while f"{name}_{k}" in taken or f"{name}_{k}" in RESERVED:
            k += 1
        self.bound[-1 - len(self.bound)] = out = f"{name}_{k}"
        return out
