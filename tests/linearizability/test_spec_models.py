"""User models written in the spec language (`operation` declarations)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from lin_helpers import jsonl
from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError, render
from specpy.linearizability.checker import prepare
from specpy.linearizability.history import HistoryError, parse_history
from specpy.linearizability.models import BUILTIN
from specpy.linearizability.search import decide
from specpy.linearizability.spec_model import SpecModel
from specpy.pipeline import load_text
from test_properties import concurrent_histories

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "linearizable"

# The built-in cas-register, as a spec: a cas that returned false found another value.
CAS_WITH_RESULT = """\
spec cas_result
type Val = 0..4
var value: Val? = none
operation write(v: Val) { value = v }
operation read() -> Val? = value
operation cas(from: Val, to: Val) -> bool = value == from {
    if value == from { value = to }
}
"""


@functools.lru_cache(maxsize=None)
def spec_model(text: str, name: str = "m.spec") -> SpecModel:
    """Compiled once per text: a SpecModel keeps nothing from one history to the next."""
    return SpecModel(load_text(SourceFile(name, text)))


def decide_with(model, events):
    return decide(model, prepare(model, parse_history(jsonl(events), "h.jsonl", "jsonl")))


@settings(max_examples=200, deadline=None)
@given(concurrent_histories())
def test_a_spec_cas_register_agrees_with_the_built_in(events):
    spec = spec_model(CAS_WITH_RESULT)
    assert decide_with(spec, events).linearizable == decide_with(BUILTIN["cas-register"](), events).linearizable


def e(process, kind, f, value=None, **extra):
    return {"process": process, "type": kind, "f": f, "value": value, **extra}


def test_the_example_queue_spec():
    queue = SpecModel(load_text(SourceFile(str(EXAMPLES / "queue.spec"), (EXAMPLES / "queue.spec").read_text())))
    fifo = [e(0, "invoke", "enqueue", 1), e(0, "ok", "enqueue", 1), e(0, "invoke", "enqueue", 2), e(0, "ok", "enqueue", 2),
            e(1, "invoke", "dequeue"), e(1, "ok", "dequeue", 1), e(1, "invoke", "dequeue"), e(1, "ok", "dequeue", 2),
            e(1, "invoke", "dequeue"), e(1, "ok", "dequeue", None)]
    assert decide_with(queue, fifo).linearizable
    lifo = fifo[:4] + [e(1, "invoke", "dequeue"), e(1, "ok", "dequeue", 2)]
    v = decide_with(queue, lifo).violation
    assert v is not None and queue.describe_op(v.blocked.payload) == "dequeue() → 2"
    assert queue.describe_state(v.states[0]) == "q = [1, 2]"
    # Capacity 4: a fifth enqueue that completed cannot be placed (the spec's require).
    five = [ev for x in range(5) for ev in (e(0, "invoke", "enqueue", x % 4), e(0, "ok", "enqueue", x % 4))]
    assert not decide_with(queue, five).linearizable
    # ...unless it timed out: then it may not have happened.
    five[-1]["type"] = "info"
    assert decide_with(queue, five).linearizable


def test_nondeterministic_operations_and_initial_states():
    # A coin that is either side initially; flip may or may not turn it (either).
    spec = spec_model("""
type Side = {heads, tails}
var up: Side
init { choose s in Side { up = s } }
operation look() -> Side = up
operation flip() { either { up = heads } or { up = tails } }
""")
    looks = lambda *sides: [ev for s in sides for ev in (e(0, "invoke", "look"), e(0, "ok", "look", s))]
    assert decide_with(spec, looks("tails", "tails")).linearizable
    assert not decide_with(spec, looks("tails", "heads")).linearizable
    flip = [e(0, "invoke", "flip"), e(0, "ok", "flip")]
    assert decide_with(spec, looks("tails") + flip + looks("heads")).linearizable
    assert spec.describe_state(spec.init()) == "one of up = heads | up = tails"


@pytest.mark.parametrize("history, message", [
    ('{"process": 0, "type": "invoke", "f": "write", "value": 9}', "write's argument v must be a 0..4, found 9"),
    ('{"process": 0, "type": "invoke", "f": "write", "value": true}', "write's argument v must be a 0..4, found true"),
    ('{"process": 0, "type": "invoke", "f": "cas", "value": 1}', "cas takes [from to], found 1"),
    ('{"process": 0, "type": "invoke", "f": "incr", "value": 1}',
     "the spec cas_result has no operation 'incr' (it has: write, read, cas)"),
    ('{"process": 0, "type": "invoke", "f": "read"}\n{"process": 0, "type": "ok", "f": "read", "value": "x"}',
     'the value read returned must be a 0..4?, found "x"'),
])
def test_history_values_are_checked_against_the_spec_types(history, message):
    spec = spec_model(CAS_WITH_RESULT)
    with pytest.raises(HistoryError) as info:
        prepare(spec, parse_history(history, "h.jsonl", "jsonl"))
    assert info.value.diagnostic.message == message and info.value.diagnostic.span.line == 1


@pytest.mark.parametrize("text, expected", [
    ("var x: 0..3 = 0\noperation read() -> bool = x\n",
     "m.spec:2:28: error[E-type-mismatch]: the result of operation read must be a boolean, found an integer in 0..3\n"),
    ("var x: 0..3 = 0\noperation write(v: 0..3) { y = v }\n",
     "m.spec:2:28: error[E-assign-to-undeclared]: cannot assign to `y`: no state variable has that name\n"),
    ("var x: 0..3 = 0\noperation x() { }\n", "m.spec:2:11: error[E-duplicate-decl]: `x` is declared twice"),
])
def test_spec_errors_in_operations_are_located(text, expected):
    with pytest.raises(SpecError) as info:
        load_text(SourceFile("m.spec", text))
    assert render(info.value.diagnostics[0], {"m.spec": SourceFile("m.spec", text)}).startswith(expected)


def test_cli_with_a_spec_model(tmp_path):
    history = tmp_path / "h.edn"
    history.write_text("{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n"
                       "{:process 1, :type :invoke, :f :cas, :value [2 3]}\n{:process 1, :type :ok, :f :cas, :value [2 3]}\n")
    result = CliRunner().invoke(main, ["linearizable", str(EXAMPLES / "cas_register.spec"), str(history)])
    assert result.exit_code == 12
    assert "Cannot be placed: cas(2, 3)  process 1, lines 3–4" in result.output
    assert "when it returned, value = 1" in result.output
    bad = tmp_path / "bad.spec"
    bad.write_text("var x: 0..3 = 0\naction a { x = 1 }\n")
    result = CliRunner().invoke(main, ["linearizable", str(bad), str(history)])
    assert result.exit_code == 150 and "bad.spec:1:1: error[E-no-operations]: the spec declares no operation" in result.stderr
    result = CliRunner().invoke(main, ["linearizable", str(bad), str(history), "--json"])
    assert result.exit_code == 150 and json.loads(result.stdout)["errors"][0]["code"] == "E-no-operations"
    bad.write_text("var x: 0..3 = 0\noperation write(v: 0..3) { x = v + 1 }\n")  # 3 + 1 is out of range
    history.write_text('{"process": 0, "type": "invoke", "f": "write", "value": 3}\n')
    result = CliRunner().invoke(main, ["linearizable", str(bad), str(history), "--format", "jsonl"])
    assert result.exit_code == 75 and "bad.spec:2:" in result.stderr
