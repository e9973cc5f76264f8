"""The generator of random small well-typed specs that the agreement tests share
(explicit vs BMC in tests/smt/test_smt_random.py, Python vs native in
tests/native/test_native_random.py).
"""

from __future__ import annotations

from hypothesis import strategies as st


def int_expr(names: list[str]) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(names + ["0", "1", "2", "3"])
    return st.recursive(
        leaf,
        lambda sub: st.tuples(sub, st.sampled_from(["+", "-", "//", "%"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        max_leaves=3,
    )


def bool_expr(names: list[str]) -> st.SearchStrategy[str]:
    ie = int_expr(names)
    atom = st.one_of(
        st.tuples(ie, st.sampled_from(["<", "<=", "==", "!="]), ie).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.sampled_from(["b", "not b"]),
    )
    return st.recursive(atom, lambda sub: st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"), max_leaves=2)


def statements(names: list[str], depth: int = 1) -> st.SearchStrategy[list[str]]:
    simple = st.one_of(
        st.tuples(st.sampled_from(["x", "y"]), int_expr(names)).map(lambda t: f"{t[0]} = {t[1]}"),
        bool_expr(names).map(lambda e: f"b = {e}"),
        bool_expr(names).map(lambda e: f"require {e}"),
        bool_expr(names).map(lambda e: f"assert {e}"),
    )
    if depth == 0:
        return st.lists(simple, min_size=1, max_size=2)
    block = statements(names, depth - 1).map(lambda ss: "{ " + "; ".join(ss) + " }")
    compound = st.one_of(
        st.tuples(bool_expr(names), block, block).map(lambda t: f"if {t[0]} {t[1]} else {t[2]}"),
        st.tuples(block, block).map(lambda t: f"either {t[0]} or {t[1]}"),
    )
    return st.lists(st.one_of(simple, simple, compound), min_size=1, max_size=3)


def network_with_faults(draw) -> list[str]:
    """A bag network, a volatile map of two processes, and a faults block
    with some of lose, duplicate, crash (with or without `resets`) and budget."""
    kinds = draw(st.lists(st.sampled_from(["lose n", "duplicate n", "crash P", "crash P resets y"]), min_size=1, max_size=3, unique=True))
    if "crash P" in kinds and "crash P resets y" in kinds:
        kinds.remove("crash P")
    budget = draw(st.sampled_from([None, 0, 1, 2]))
    block = [*kinds] + ([f"budget {budget}"] if budget is not None else [])
    return [
        "type P = {p1, p2}",
        "var n: bag[0..1, 2] = {}",
        "var w: [P -> 0..1] = {q: 0 for q in P}",
        "action Put(v: 0..1) {\n    require len(n) < 2\n    send v to n\n}",
        f"action Take {{\n    receive v in n {{\n        x = (x + v + {draw(st.integers(0, 1))}) % 4\n    }}\n}}",
        f"action Wake(q: P) {{\n    require w[q] == 0 and {draw(bool_expr(['x', 'y']))}\n    w[q] = 1\n}}",
        "faults {\n    " + "\n    ".join(block) + "\n}",
    ]


@st.composite
def specs(draw, faults: bool = True) -> str:
    """A random spec; `faults`: a third of them have a network and a faults block."""
    lines = [
        f"var x: 0..3 = {draw(st.integers(0, 3))}",
        f"var y: 0..3 = {draw(st.integers(0, 3))}",
        f"var b: bool = {draw(st.sampled_from(['true', 'false']))}",
    ]
    for i in range(draw(st.integers(1, 2))):
        param = draw(st.booleans())
        names = ["x", "y", "p"] if param else ["x", "y"]
        body = draw(statements(names))
        lines.append(f"action A{i}{'(p: 0..1)' if param else ''} {{\n    " + "\n    ".join(body) + "\n}")
    observed = ["x", "y"]
    if faults and draw(st.integers(0, 2)) == 0:
        lines += network_with_faults(draw)
        observed += ["len(n)", "w[p1]"]
    lines.append(f"invariant Inv: {draw(bool_expr(observed))}")
    if draw(st.booleans()):
        lines.append(f"terminal {draw(bool_expr(['x', 'y']))}")
    return "\n".join(lines) + "\n"


#: Actions over a symmetric type P of three atoms, one per kind of place an
#: atom can be in a state: a P? variable, maps keyed by P (to ints, to P?, to
#: sets of P), a bitmask set of P, a set of records naming two atoms (a
#: bitmask whose elements mention two atoms), a bag of such records (a sorted
#: array), a sequence of P, a set of variants over more than 60 values (a
#: frozenset in Python, words natively), a bitmask set of records with ten
#: shapes per atom (a set view of two bytes). `{k}` is a small int drawn per spec.
SYMMETRIC_ACTIONS = [
    "action Own(p: P) {{\n    require owner == none and x < {k}\n    owner = p\n}}",
    "action Free {{\n    require owner != none\n    owner = none\n    x = (x + 1) % 4\n}}",
    "action Step(p: P) {{\n    require st[p] < 2 and (owner == none or owner != p or x < {k})\n    st[p] = st[p] + 1\n}}",
    "action Vote(p: P) {{\n    require p not in votes\n    votes = votes | {{p}}\n}}",
    "action Unvote(p: P) {{\n    require p in votes and st[p] > 0\n    votes = votes - {{p}}\n}}",
    "action Prefer(p: P, q: P) {{\n    require pref[p] == none and p != q\n    pref[p] = q\n}}",
    "action Link(p: P) {{\n    require pref[p] != none\n    links = links | {{M{{src: p, dst: pref[p]}}}}\n    pref[p] = none\n}}",
    "action Send(p: P, q: P) {{\n    require len(net) < 2 and st[p] >= {k} % 3\n    send M{{src: p, dst: q}} to net\n}}",
    "action Recv {{\n    receive m in net {{\n        st[m.dst] = (st[m.dst] + 1) % 3\n        seen[m.dst] = seen[m.dst] | {{m.src}}\n    }}\n}}",
    "action Log(p: P) {{\n    require len(log) < 2 and p in votes\n    log = append(log, p)\n}}",
    "action Note(p: P) {{\n    require len(notes) < 2\n    notes = notes | {{Mark{{who: p, at: x}}}}\n    x = (x + {k}) % 4\n}}",
    "action Stamp(p: P, n: 0..9) {{\n    require len(ticks) < 3 and n >= {k}\n    ticks = ticks | {{Tick{{who: p, n: n}}}}\n}}",
    "action Unstamp(p: P) {{\n    require exists t in ticks: t.who == p\n    ticks = {{t for t in ticks if t.who != p}}\n    x = (x + 1) % 4\n}}",
    "action Retire(p: P) {{\n    require st[p] == 2\n    st[p] = 0\n    votes = votes - {{p}}\n    x = (x + 1) % 4\n}}",
]
SYMMETRIC_INVARIANTS = [
    "len(votes) <= {k}",
    "x < {k} + 1",
    "forall p in P: st[p] < 2 or p in votes",
    "len(links) < {k}",
    "owner == none or (exists p in votes: owner == p) or x < {k}",
    "forall m in links: m.src != m.dst",
    "len(log) < 2 or log[1] != log[2]",
    "len(net) < 2",
    "forall p in P: len(seen[p]) < {k}",
    "len(notes) < 2",
    "len(ticks) < {k} + 1",
]


@st.composite
def symmetric_specs(draw) -> str:
    """A random spec with `symmetric type P = {p1, p2, p3}` and some of
    SYMMETRIC_ACTIONS (every variable is declared, used or not)."""
    k = draw(st.integers(1, 3))
    lines = [
        "symmetric type P = {p1, p2, p3}",
        "type M = {src: P, dst: P}",
        "type Ev = Mark{who: P, at: 0..3} | Gap{n: 0..60}",
        "type Tick = {who: P, n: 0..9}",
        f"var x: 0..3 = {draw(st.integers(0, 3))}",
        "var owner: P? = none",
        "var st: [P -> 0..2] = {q: 0 for q in P}",
        "var votes: set[P] = {}",
        "var pref: [P -> P?] = {q: none for q in P}",
        "var seen: [P -> set[P]] = {q: {} for q in P}",
        "var links: set[M] = {}",
        "var net: bag[M, 2] = {}",
        "var log: seq[P, 2] = []",
        "var notes: set[Ev] = {}",
        "var ticks: set[Tick] = {}",
    ]
    chosen = draw(st.lists(st.sampled_from(SYMMETRIC_ACTIONS), min_size=2, max_size=7, unique=True))
    lines += [a.format(k=draw(st.integers(1, 3))) for a in chosen]
    for i, inv in enumerate(draw(st.lists(st.sampled_from(SYMMETRIC_INVARIANTS), min_size=1, max_size=2, unique=True))):
        lines.append(f"invariant Inv{i}: {inv.format(k=k)}")
    return "\n".join(lines) + "\n"
