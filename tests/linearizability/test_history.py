"""Reading histories: both formats, Jepsen's pairing rules, and located errors for bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from specpy.diagnostics import render
from specpy.linearizability import history as h
from specpy.linearizability.history import MISSING, HistoryError, parse_history, read_history

EDN = """\
{:process 0, :type :invoke, :f :write, :value 3, :time 10}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 1, :type :invoke, :f :read, :value nil}
; a comment
{:process 0, :type :ok, :f :write, :value 3}
{:process 1, :type :ok, :f :read, :value 3}
{:process 1, :type :invoke, :f :cas, :value [3 4]}
{:process 1, :type :fail, :f :cas, :value [3 4]}
{:process 2, :type :invoke, :f :write, :value "s"}
{:process 2, :type :info, :f :write, :value "s"}
{:process 0, :type :invoke, :f :add, :value #{1 2}}
"""


def test_edn_events_are_paired_per_process():
    hist = parse_history(EDN, "h.edn")
    assert hist.format == "edn" and hist.events == 9 and hist.failed == 1 and hist.processes == [0, 1, 2]
    write, read, info, add = hist.ops
    assert (write.f, write.value, write.result, write.line, write.ret_line, write.status) == ("write", 3, 3, 1, 5, "ok")
    assert (read.result, read.call, read.ret) == (3, 1, 3)  # nemesis events are not counted
    assert (info.value, info.status, info.unknown, info.ret_line) == ("s", "info", True, 10)
    assert (add.value, add.status, add.unknown) == (frozenset({1, 2}), "open", True)
    assert [op.id for op in hist.ops] == [0, 1, 2, 3]  # the failed cas is gone


def test_json_lines_are_the_same_events():
    text = "\n".join([
        '{"process": 0, "type": "invoke", "f": "cas", "value": [1, 2]}',
        '{"process": 0, "type": "ok", "f": "cas", "value": [1, 2], "output": false, "key": "k"}',
    ])
    (op,) = parse_history(text, "h.jsonl").ops
    assert (op.value, op.output, op.key) == ((1, 2), False, MISSING)  # the key is the invocation's
    assert parse_history(text, "no-extension").format == "jsonl"


def test_a_vector_of_maps_is_read_line_by_line():
    text = "[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 1}]\n"
    (op,) = parse_history(text, "knossos.edn").ops
    assert op.result == 1 and op.ret_line == 2


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("{:process 0, :type :invoke, :f :write, :value 3", 1, 1, "not EDN: the line ends inside a value"),
        ("{:process 0, :type :invoke, :f :write, :value #foo 3}", 1, 1, "not EDN: Don't know how to handle tag #foo"),
        ("{:process 0, :type :ok, :f :write, :value 1}", 1, 1, "ok for process 0, which has no open invocation"),
        ("{:process 0, :type :invoke, :f :write}\n{:process 0, :type :invoke, :f :read}", 2, 1,
         "process 0 invokes read while its write from line 1 is still open (one operation per process)"),
        ("{:process 0, :type :invoke, :f :write}\n{:process 0, :type :ok, :f :read}", 2, 1,
         "ok of read completes process 0's write from line 1"),
        ("{:process 0, :type :done, :f :write}", 1, 14, "the type must be one of invoke, ok, fail, info (found 'done')"),
        ("{:type :invoke, :f :write}", 1, 1, "the event has no process"),
        ("{:process 1.5, :type :invoke, :f :write}", 1, 2, "the process must be an integer (or a name)"),
        ("{:process 0, :type :invoke, :f 3}", 1, 29, "the operation name f must be a keyword or string"),
        ("{:process 0, :type :invoke, :f :w, :value {:a 1}}", 1, 36, "value: a map is not supported as an operation value"),
        ("[1 2]", 1, 1, "expected one map on the line, found 2 values"),
        ("{:process 0, :type :invoke, :f :w, :value " + "[" * 40 + "]" * 40 + "}", 1, 1, "values nested more than 32 deep"),
    ],
)
def test_bad_edn_is_located(text, line, column, message):
    with pytest.raises(HistoryError) as info:
        parse_history(text, "bad.edn")
    d = info.value.diagnostic
    assert (d.span.file, d.span.line, d.span.column, d.message) == ("bad.edn", line, column, message)
    assert render(d, {"bad.edn": info.value.source}).startswith(f"bad.edn:{line}:{column}: error[{d.code}]: {message}\n")


@pytest.mark.parametrize(
    "text, column, message",
    [
        ('{"process": 0, "type": "invoke", "f": "w"', 42, "not JSON: Expecting ',' delimiter"),
        ('{"process": 0, "type": "invoke", "f": "w", "value": NaN}', 1, "not JSON: NaN is not a JSON number"),
        ('[1]', 1, "expected a map (one event per line)"),
        ('{"process": true, "type": "invoke", "f": "w"}', 2, "the process must be an integer (or a name)"),
    ],
)
def test_bad_json_is_located(text, column, message):
    with pytest.raises(HistoryError) as info:
        parse_history(text, "bad.jsonl")
    d = info.value.diagnostic
    assert (d.span.line, d.span.column, d.message) == (1, column, message)


def test_files_too_large_or_not_utf8_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "h.edn"
    path.write_bytes(b'{:process 0, :type :invoke, :f :w, :value "\xff"}\n')
    with pytest.raises(HistoryError, match="not valid UTF-8") as info:
        read_history(path)
    assert (info.value.diagnostic.span.line, info.value.diagnostic.span.column) == (1, 44)
    monkeypatch.setattr(h, "MAX_BYTES", 10)
    with pytest.raises(HistoryError, match="larger than"):
        read_history(path)
    with pytest.raises(HistoryError, match="cannot read"):
        read_history(tmp_path / "missing.edn")


EDN_PIECES = ["{", "}", "[", "]", "#{", ":process", ":type", ":invoke", ":ok", ":fail", ":info", ":f", ":value",
              ":write", "0", "1", "-3", "nil", '"s"', "\\a", "#inst", "#uuid", "^", "@", ",", " ", "\n", ";", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDN_PIECES), max_size=40), st.text(max_size=20))
def test_any_text_is_read_or_refused_with_a_location(pieces, noise):
    for text, name in (("".join(pieces) + noise, "h.edn"), ("".join(pieces).replace(":", '"') + noise, "h.jsonl")):
        try:
            parse_history(text, name)
        except HistoryError as exc:
            d = exc.diagnostic
            assert d.span.file == name and 1 <= d.span.line <= text.count("\n") + 1 and d.span.column >= 1
