"""The checks the range analysis keeps do fire: in each construct where a
value really leaves its type, the check raises the located evaluation error
(exit 75) it raised before the analysis, and the guarded variant of the same
spec (where the analysis drops the check) runs clean with the same state
space. Removing a check the analysis must keep fails one of these tests."""

from __future__ import annotations

import pytest

from specpy.api import loads
from specpy.result import ResultKind

HEAD = """spec R
type M = {a, b}
type K = {k1, k2}
var x: 0..3 = 0
"""

CASES = {
    # construct: (spec body, the action and line it fails at, the detail's message)
    "arithmetic": ("action Inc { x = x + 1 }", "value 4 is not in 0..3"),
    "arithmetic-below": ("var y: 0..3 = 0\naction Dec { y = x - 1 }", "value -1 is not in 0..3"),
    "append": (
        "var s: seq[M, 2] = []\naction Push { s = append(s, a) }",
        "a sequence of length 3 does not fit seq[M, 2]",
    ),
    "concat": (
        "var s: seq[M, 2] = []\naction Push { s = s + [a, b] }",
        "a sequence of length 4 does not fit seq[M, 2]",
    ),
    "bag": ("var net: bag[M, 2] = {}\naction Send { send a to net }", "3 copies of a do not fit bag[M, 2]"),
    "bag-after-receive": (
        "var net: bag[M, 2] = {}\naction Send { send a to net }\n"
        "action Echo { receive m in net where m == a { send a to net\n send a to net } }",
        "3 copies of a do not fit bag[M, 2]",
    ),
    "map-comprehension": (
        "var m: [K -> 0..3] = {k: 0 for k in K}\naction Up { x = (x + 1) % 4\n m = {k: x + 1 for k in K} }",
        "value 4 is not in 0..3",
    ),
    "set-comprehension": (
        "var s: set[0..3] = {}\naction Up { x = (x + 1) % 4\n s = {n + x for n in 0..1} }",
        "value 4 is not in 0..3",
    ),
    "record-field": (
        "type P = {n: 0..3}\nvar p: P = P{n: 0}\naction Up { x = (x + 1) % 4\n p = P{n: x + 1} }",
        "value 4 is not in 0..3",
    ),
    "map-key": (
        "var m: [0..3 -> bool] = {k: false for k in 0..3}\naction Up { x = (x + 1) % 4\n m[x + 1] = true }",
        "key 4 is not in the map's domain 0..3",
    ),
    "sequence-index": (
        "var s: seq[M, 2] = [a]\ninvariant I: forall n in 1..len(s) + 1: s[n] == a",
        "index 2 is out of range 1..1",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_value_leaving_its_type_is_still_an_evaluation_error(case):
    body, message = CASES[case]
    r = loads(HEAD + body + "\n", name="r.spec").check(check_deadlock=False, max_states=10_000)
    assert r.kind is ResultKind.EVAL_ERROR and r.exit_code == 75, r.kind
    assert message in r.violation.detail


GUARDED = {
    # the same constructs kept inside their type: no check is needed, none fails
    "arithmetic": "action Inc { require x < 3\n x = x + 1 }",
    "append": "var s: seq[M, 2] = []\naction Push { require len(s) < 2\n s = append(s, a) }",
    "bag": "var net: bag[M, 2] = {}\naction Send { require len(net) < 2\n send a to net }",
    "map-comprehension": "var m: [K -> 0..3] = {k: 0 for k in K}\naction Up { x = (x + 1) % 3\n m = {k: x + 1 for k in K} }",
    "sequence-index": "var s: seq[M, 2] = [a]\ninvariant I: forall n in 1..len(s): s[n] == a",
}


@pytest.mark.parametrize("case", sorted(GUARDED))
def test_the_guarded_variants_run_clean(case):
    r = loads(HEAD + GUARDED[case] + "\n", name="r.spec").check(check_deadlock=False)
    assert r.kind is ResultKind.OK and r.exit_code == 0
