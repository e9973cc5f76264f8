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
