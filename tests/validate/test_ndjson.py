"""Reading NDJSON implementation logs: plain-JSON and ITF values, and every bad line located."""

from __future__ import annotations

import json

import pytest

import specpy
from specpy.ir.values import BagValue, MapValue, RecordValue, VariantValue
from specpy.trace.ndjson import LogError

SPEC = """
spec Kinds
type Node = {n1, n2}
type Phase = enum { idle, busy }
type Msg = Ping{src: Node} | Stop
type Pair = {a: Node, b: 0..3}
var flag: bool = false
var count: 0..3 = 0
var phase: Phase = idle
var seen: set[Node] = {}
var owner: [Node -> Phase] = {n: idle for n in Node}
var byNum: [0..1 -> bool] = {i: false for i in 0..1}
var pair: Pair = Pair{a: n1, b: 0}
var msg: Msg = Stop
var log: seq[Node, 2] = []
var net: bag[Msg, 2] = {}
var leader: Node? = none
action Go(n: Node, k: 0..3) { require k == count
 count = k }
"""


@pytest.fixture(scope="module")
def spec() -> specpy.Spec:
    return specpy.loads(SPEC, name="kinds.spec")


def read(spec: specpy.Spec, *objs) -> list:
    return spec.read_log([json.dumps(o) if not isinstance(o, str) else o for o in objs])


def error(spec: specpy.Spec, *lines: str) -> LogError:
    with pytest.raises(LogError) as info:
        spec.read_log(list(lines))
    return info.value


def test_plain_json_values_follow_the_variables_types(spec):
    (e,) = read(
        spec,
        {
            "flag": True,
            "count": 2,
            "phase": "busy",
            "seen": ["n2", "n1"],
            "owner": {"n1": "busy", "n2": "idle"},
            "byNum": {"0": True, "1": False},
            "pair": {"a": "n2", "b": 3},
            "msg": {"tag": "Ping", "value": {"src": "n1"}},
            "log": ["n1", "n1"],
            "net": ["Stop", {"tag": "Ping", "value": {"src": "n2"}}, "Stop"],
            "leader": "n2",
        },
    )
    v = e.values
    assert v["flag"] is True and v["count"] == 2 and v["phase"] == "busy"
    assert v["seen"] == frozenset({"n1", "n2"})
    assert v["owner"] == MapValue((("n1", "busy"), ("n2", "idle")))
    assert v["byNum"] == MapValue(((0, True), (1, False)))
    assert v["pair"] == RecordValue((("a", "n2"), ("b", 3)))
    assert v["msg"] == VariantValue("Ping", (("src", "n1"),))
    assert v["log"] == ("n1", "n1")
    assert v["net"] == BagValue(((VariantValue("Ping", (("src", "n2"),)), 1), (VariantValue("Stop"), 2)))
    assert v["leader"] == "n2"
    assert e.line == 1 and e.action is None and e.args == {}


def test_itf_values_are_accepted_too(spec):
    (e,) = read(
        spec,
        {
            "count": {"#bigint": "3"},
            "seen": {"#set": ["n1"]},
            "owner": {"#map": [["n1", "idle"], ["n2", "busy"]]},
            "net": {"#map": [["Stop", {"#bigint": "2"}]]},
            "leader": {"tag": "None", "value": {}},
            "msg": "Stop",
        },
    )
    assert e.values["count"] == 3 and e.values["seen"] == frozenset({"n1"})
    assert e.values["net"] == BagValue(((VariantValue("Stop"), 2),))
    assert e.values["leader"] is None and e.values["msg"] == VariantValue("Stop")


def test_null_is_none_for_an_option(spec):
    (e,) = read(spec, {"leader": None})
    assert e.values == {"leader": None}


def test_action_and_args_are_decoded_by_parameter_type(spec):
    entries = read(spec, {"action": "init"}, {"action": "Go", "args": {"n": "n2"}, "count": 1})
    assert entries[0].action == "init" and entries[0].values == {}
    assert entries[1].action == "Go" and entries[1].args == {"n": "n2"} and entries[1].line == 2


@pytest.mark.parametrize(
    "line, message, column",
    [
        ('{"count": 1,}', "not JSON: Expecting property name enclosed in double quotes", 13),
        ("[1, 2]", "expected a JSON object, found list", 1),
        ('{"count": 1, "count": 2}', 'key "count" appears twice', 1),
        ('{"count": NaN}', "not JSON: NaN is not a JSON number", 1),
        ('{"flag": false, "colour": 1}', "unknown variable 'colour' (the spec has: flag, count,", 17),
        ('{"count": 4}', "count: 4 is not a value of type 0..3", 2),
        ('{"count": 1.0}', 'count: expected {"#bigint": "n"} for type 0..3, found 1.0', 2),
        ('{"phase": "asleep"}', "phase: 'asleep' is not a member of Phase (idle, busy)", 2),
        ('{"seen": ["n1", "n1"]}', "seen: n1 appears twice in a set", 2),
        ('{"owner": {"n1": "idle"}}', "owner: {n1: idle} is not a value of type [Node -> Phase]", 2),
        ('{"owner": {"n3": "idle", "n1": "idle"}}', "owner key: 'n3' is not a member of Node (n1, n2)", 2),
        ('{"log": ["n1", "n2", "n1"]}', "log: [n1, n2, n1] is not a value of type seq[Node, 2]", 2),
        ('{"net": ["Stop", "Stop", "Stop"]}', "net: bag{Stop: 3} is not a value of type bag[Msg, 2]", 2),
        ('{"pair": {"a": "n1"}}', "pair: missing field(s) b", 2),
        ('{"action": "Run"}', "unknown action 'Run' (the spec has: Go;", 2),
        ('{"action": 3}', '"action" must be a string naming an action', 2),
        ('{"args": {"n": "n1"}}', '"args" needs an "action" with parameters', 2),
        ('{"action": "Go", "args": {"m": "n1"}}', "action Go has no parameter 'm' (it has: n, k)", 18),
        ('{"action": "Go", "args": {"n": "n9"}}', "args.n: 'n9' is not a member of Node (n1, n2)", 18),
        ('{"action": "Go", "args": ["n1"]}', '"args" must be an object from parameter name to value', 18),
    ],
)
def test_every_bad_line_is_an_error_at_its_line(spec, line, message, column):
    exc = error(spec, '{"action": "init"}', line)
    d = exc.diagnostic
    assert (d.span.line, d.span.column) == (2, column)
    assert message in d.message


def test_init_can_only_be_the_first_line(spec):
    exc = error(spec, "{}", '{"action": "init"}')
    assert exc.diagnostic.span.line == 2 and "can only be the first line" in exc.diagnostic.message


def test_an_empty_line_is_an_error_not_skipped(spec, tmp_path):
    log = tmp_path / "run.ndjson"
    log.write_text('{"count": 0}\n\n{"count": 1}\n')
    with pytest.raises(LogError) as info:
        spec.read_log(log)
    assert info.value.diagnostic.span.line == 2 and "empty line" in info.value.diagnostic.message


def test_an_empty_log_is_an_error(spec, tmp_path):
    log = tmp_path / "run.ndjson"
    log.write_text("")
    with pytest.raises(LogError, match="the log has no lines"):
        spec.read_log(log)


def test_crlf_line_ends_and_a_final_newline_are_line_ends(spec, tmp_path):
    log = tmp_path / "run.ndjson"
    log.write_bytes(b'{"count": 0}\r\n{"count": 1}\r\n')
    assert [e.values["count"] for e in spec.read_log(log)] == [0, 1]


def test_non_utf8_is_located(spec, tmp_path):
    log = tmp_path / "run.ndjson"
    log.write_bytes(b'{"count": 0}\n{"phase": "\xff"}\n')
    with pytest.raises(LogError) as info:
        spec.read_log(log)
    assert info.value.diagnostic.span.line == 2 and "UTF-8" in info.value.diagnostic.message


def test_dicts_from_python_are_numbered_from_one(spec):
    with pytest.raises(LogError) as info:
        spec.read_log([{"count": 0}, {"count": 1}, {"count": 9}])
    assert info.value.diagnostic.span.line == 3
