"""ITF (the Informal Trace Format of Apalache and Quint): write and read traces.

The format is Apalache's ADR-015 (https://apalache-mc.org/docs/adr/015adr-trace.html)
with Quint's model-based-testing additions, so that Quint's and Apalache's
tooling (and itf-py / itf-rs) can read what specpy writes. Encoding of values,
by type:

    bool               JSON true / false
    int, range         {"#bigint": "n"}            (plain JSON numbers accepted on read)
    atom, enum member  "name"
    set[T]             {"#set": [...]}             elements in canonical order (ir.types.order_key)
    [K -> V]           {"#map": [[k, v], ...]}     keys in canonical order
    record             {"f": v, ...}               fields in declaration order
    variant            {"tag": "V", "value": {"f": v, ...}}; a case without fields has
                       value {} (see below)
    seq[T, N]          [...]
    bag[T, N]          {"#map": [[elem, {"#bigint": "count"}], ...]}: a bag is a function
                       from element to copy count, as in TLA+'s Bags module, which is
                       how Apalache would print one; counts are >= 1
    T?                 {"tag": "Some", "value": v} / {"tag": "None", "value": {}}:
                       Quint's Option (quint/src/runtime/impl/VarStorage.ts, asRecord)

The unit payload of a field-less case (`None`, `Commit`): Quint before 2024
wrote `{}` (see the Quint-generated fixture tests/fixtures/SumTypes0.itf.json in
informalsystems/itf-rs), current Quint writes `{"#tup": []}` (quint/io-cli-tests.md,
"variants in itf"). specpy writes `{}`, which itf-rs decodes and which itf-py
0.5 turns into a field-less namedtuple (it cannot decode `{"#tup": []}` as a
variant payload); the reader accepts `{}`, `{"#tup": []}` and `null`.
Known limit of itf-py 0.5: a variant tagged `None` makes it build a namedtuple
named `None`, which Python rejects, so itf-py cannot read traces containing
`none` (Quint's own traces included).

Per state: `"#meta": {"index": i}`; the action taken into the state under
`mbt::actionTaken` ("init" for the first state, `~name` for a fault step);
its arguments under `mbt::nondetPicks` as a record of Options (`Some(v)` for
each argument), both also listed in "vars" as `quint run --mbt` does
(quint/src/itf.ts `toItf`). A lasso has `"loop": k`, the index of the state
the last one steps back to. The top-level "#meta" carries format,
format-description, description, varTypes (type names as the spec writes them)
and whatever the caller adds (source, status); no timestamp, so the same
trace always gives the same file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from specpy.diagnostics import MAX_DATA_BYTES, read_input
from specpy.ir.types import (
    AtomT,
    BagT,
    BoolT,
    EnumT,
    IntT,
    MapT,
    OptionT,
    RangeT,
    RecordT,
    SeqT,
    SetT,
    TupleT,
    Type,
    VariantT,
    canonical,
    contains,
    order_key,
    type_name,
)
from specpy.ir.values import (
    BagValue, MapValue, RecordValue, Value, VariantValue, format_value, is_tuple_value, parse_integer,
)
from specpy.trace import strict_json
from specpy.trace.text import display_sorted
from specpy.trace.trace import Step, Trace

ACTION_TAKEN = "mbt::actionTaken"
NONDET_PICKS = "mbt::nondetPicks"
FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
INIT_ACTION = "init"
#: actionTaken of a step whose action the file does not record (e.g. Apalache's traces).
UNKNOWN_ACTION = "?"

#: Per action, the types of its arguments, so they encode (and decode) exactly.
ParamTypes = Mapping[str, Mapping[str, Type]]


class ItfError(Exception):
    """A file or JSON value that is not an ITF trace of the expected model."""


# ---------------------------------------------------------------- writing


def encode_value(t: Type | None, v: Value) -> Any:
    """A generic value as ITF JSON; with t None the encoding follows the Python type.

    Untyped encoding exists for step arguments whose type the caller does not
    know; it cannot tell an option's present value from a plain one, so it
    writes it bare.
    """
    if t is None:
        return _encode_untyped(v)
    match t:
        case BoolT():
            return bool(v)
        case IntT() | RangeT():
            return {"#bigint": str(v)}
        case AtomT() | EnumT():
            return v
        case SetT(elem):
            return {"#set": [encode_value(elem, x) for x in sorted(v, key=lambda x: order_key(elem, x))]}
        case MapT(key, val):
            items = sorted(v.items, key=lambda kv: order_key(key, kv[0]))
            return {"#map": [[encode_value(key, k), encode_value(val, x)] for k, x in items]}
        case TupleT(fields=fields):
            return {"#tup": [encode_value(ft, v.get(name)) for name, ft in fields]}
        case RecordT(fields=fields):
            return {name: encode_value(ft, v.get(name)) for name, ft in fields}
        case VariantT():
            case = t.case(v.tag)
            if case is None:
                raise ValueError(f"{v.tag} is not a case of {t.name}")
            return {"tag": v.tag, "value": {name: encode_value(ft, v.get(name)) for name, ft in case.fields}}
        case SeqT(elem, _):
            return [encode_value(elem, x) for x in v]
        case BagT(elem, _):
            items = sorted(v.items, key=lambda kc: order_key(elem, kc[0]))
            return {"#map": [[encode_value(elem, x), {"#bigint": str(c)}] for x, c in items]}
        case OptionT(inner):
            if v is None:
                return {"tag": "None", "value": {}}
            return {"tag": "Some", "value": encode_value(inner, v)}
    raise ValueError(f"type {type_name(t)} has no ITF encoding")


def _encode_untyped(v: Value) -> Any:
    if v is None:
        return {"tag": "None", "value": {}}
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"#bigint": str(v)}
    if isinstance(v, frozenset):
        return {"#set": [_encode_untyped(x) for x in display_sorted(v)]}
    if isinstance(v, tuple):
        return [_encode_untyped(x) for x in v]
    if isinstance(v, MapValue):
        return {"#map": [[_encode_untyped(k), _encode_untyped(x)] for k, x in v.items]}
    if isinstance(v, BagValue):
        return {"#map": [[_encode_untyped(x), {"#bigint": str(c)}] for x, c in v.items]}
    if is_tuple_value(v):
        return {"#tup": [_encode_untyped(x) for _, x in v.fields]}
    if isinstance(v, RecordValue):
        return {name: _encode_untyped(x) for name, x in v.fields}
    if isinstance(v, VariantValue):
        return {"tag": v.tag, "value": {name: _encode_untyped(x) for name, x in v.fields}}
    raise ValueError(f"not a model value: {v!r}")


def trace_to_itf(
    trace: Trace,
    var_types: Mapping[str, Type],
    meta: Mapping[str, Any] | None = None,
    param_types: ParamTypes | None = None,
) -> dict[str, Any]:
    """The ITF JSON object of a trace; `meta` entries are added to the top "#meta"."""
    param_types = param_types or {}
    top_meta: dict[str, Any] = {
        "format": "ITF",
        "format-description": FORMAT_DESCRIPTION,
        "description": f"Created by specpy {_version()}",
        "varTypes": {name: type_name(var_types[name]) for name in trace.var_names if name in var_types},
    }
    top_meta.update(meta or {})
    states = []
    for i, state in enumerate(trace.states):
        obj: dict[str, Any] = {"#meta": {"index": i}}
        for name in trace.var_names:
            obj[name] = encode_value(var_types.get(name), state[name])  # untyped for a hand-written module
        if i == 0:
            obj[ACTION_TAKEN] = INIT_ACTION
            obj[NONDET_PICKS] = {}
        else:
            step = trace.steps[i - 1]
            types = param_types.get(step.action, {})
            obj[ACTION_TAKEN] = ("~" if step.fault else "") + step.action
            obj[NONDET_PICKS] = {
                name: {"tag": "Some", "value": encode_value(types.get(name), value)}
                for name, value in step.args
            }
        states.append(obj)
    out: dict[str, Any] = {
        "#meta": top_meta,
        "vars": [*trace.var_names, ACTION_TAKEN, NONDET_PICKS],
        "states": states,
    }
    if trace.loop is not None:
        out["loop"] = trace.loop
    return out


def itf_text(
    trace: Trace,
    var_types: Mapping[str, Type],
    meta: Mapping[str, Any] | None = None,
    param_types: ParamTypes | None = None,
) -> str:
    """The ITF file of a trace, as text (the CLI writes it: cli/files.py)."""
    return json.dumps(trace_to_itf(trace, var_types, meta, param_types), indent=2, ensure_ascii=False) + "\n"


def _version() -> str:
    from specpy import __version__

    return __version__


# ---------------------------------------------------------------- reading


def decode_value(t: Type | None, j: Any, where: str = "value", plain: bool = False) -> Value:
    """An ITF JSON value as a generic value of type t (untyped if t is None).

    Raises ItfError naming `where` and what was expected; a typed result is
    also checked against t (ranges, map domains, sequence bounds).

    With `plain` (typed only), the plain-JSON forms an implementation writes
    naturally are accepted too, at any depth, beside the ITF ones: a JSON
    array for a set (no repeated element) or a bag (an element once per
    copy), a JSON object for a map whose keys are atoms, enum members, ints
    or bools, a string for a variant case without fields, and `null` or the
    bare value for an option. NDJSON implementation logs use these (see
    trace/ndjson.py).
    """
    if t is None:
        return _decode_untyped(j, where)
    v = _decode_typed(t, j, where, plain)
    if not contains(t, v):
        raise ItfError(f"{where}: {format_value(v)} is not a value of type {type_name(t)}")
    return canonical(t, v)


def _decode_typed(t: Type, j: Any, where: str, plain: bool = False) -> Value:
    def fail(expected: str) -> ItfError:
        return ItfError(f"{where}: expected {expected} for type {type_name(t)}, found {_show(j)}")

    def sub(st: Type, x: Any, at: str) -> Value:
        return _decode_typed(st, x, at, plain)

    match t:
        case BoolT():
            if not isinstance(j, bool):
                raise fail("true or false")
            return j
        case IntT() | RangeT():
            n = _decode_int(j, where, fail)
            if isinstance(t, RangeT) and not t.lo <= n <= t.hi:
                raise ItfError(f"{where}: {n} is not a value of type {type_name(t)}")
            return n
        case AtomT(members=ms) | EnumT(members=ms):
            if not isinstance(j, str):
                raise fail("a string")
            if j not in ms:
                raise ItfError(f"{where}: {j!r} is not a member of {type_name(t)} ({', '.join(ms)})")
            return j
        case SetT(elem):
            if plain and isinstance(j, list):
                return _plain_set([sub(elem, x, f"{where} element") for x in j], where)
            items = _tagged_list(j, "#set", fail)
            return frozenset(sub(elem, x, f"{where} element") for x in items)
        case MapT(key, val):
            if plain and _is_plain_object(j):
                pairs = [(_plain_key(key, k, where), x) for k, x in j.items()]
                return MapValue(tuple((k, sub(val, x, f"{where}[{format_value(k)}]")) for k, x in pairs))
            pairs = _pairs(j, fail)
            return MapValue(
                tuple(
                    (sub(key, k, f"{where} key"), sub(val, x, f"{where}[{_show(k)}]"))
                    for k, x in pairs
                )
            )
        case TupleT(fields=fields):
            if not (isinstance(j, dict) and set(j) == {"#tup"} and isinstance(j["#tup"], list) and len(j["#tup"]) == len(fields)):
                raise fail(f"a tuple of {len(fields)} ({{\"#tup\": [...]}})")
            return RecordValue(tuple((n, sub(ft, x, f"{where}[{n}]")) for (n, ft), x in zip(fields, j["#tup"])))
        case RecordT(name=name, fields=fields):
            if not _is_plain_object(j):
                raise fail("a record object")
            _same_fields(j, [n for n, _ in fields], where)
            return RecordValue(tuple((n, sub(ft, j[n], f"{where}.{n}")) for n, ft in fields), name)
        case VariantT(cases=cases):
            if plain and isinstance(j, str):
                j = {"tag": j, "value": {}}
            tag, payload = _variant(j, fail)
            case = t.case(tag)
            if case is None:
                names = ", ".join(c.name for c in cases)
                raise ItfError(f"{where}: {tag!r} is not a case of {type_name(t)} ({names})")
            if not case.fields:
                if not _is_unit(payload):
                    raise ItfError(f"{where}: case {tag} has no fields, found value {_show(payload)}")
                return VariantValue(tag)
            if not _is_plain_object(payload):
                raise ItfError(f"{where}: case {tag} needs a record value, found {_show(payload)}")
            _same_fields(payload, [n for n, _ in case.fields], f"{where} ({tag})")
            return VariantValue(
                tag, tuple((n, sub(ft, payload[n], f"{where}.{n}")) for n, ft in case.fields)
            )
        case SeqT(elem, _):
            if not isinstance(j, list):
                raise fail("a JSON array")
            return tuple(sub(elem, x, f"{where}[{i}]") for i, x in enumerate(j, start=1))
        case BagT(elem, _):
            if plain and isinstance(j, list):
                copies: dict[Value, int] = {}
                for x in j:
                    e = sub(elem, x, f"{where} element")
                    copies[e] = copies.get(e, 0) + 1
                return BagValue(tuple(copies.items()))
            pairs = _pairs(j, fail)
            counts: list[tuple[Value, int]] = []
            for x, c in pairs:
                n = _decode_int(c, f"{where} count", fail)
                if n < 1:
                    raise ItfError(f"{where}: a bag count must be at least 1, found {n}")
                counts.append((sub(elem, x, f"{where} element"), n))
            return BagValue(tuple(counts))
        case OptionT(inner):
            if plain and j is None:
                return None
            if plain and not _is_option(j):
                return sub(inner, j, where)
            tag, payload = _variant(j, fail)
            if tag == "None" and _is_unit(payload):
                return None
            if tag == "Some":
                return sub(inner, payload, where)
            raise fail('{"tag": "Some", "value": v} or {"tag": "None", "value": {}}')
    raise ItfError(f"{where}: type {type_name(t)} has no ITF encoding")


def _plain_set(elems: list[Value], where: str) -> frozenset:
    seen: set[Value] = set()
    for e in elems:
        if e in seen:
            raise ItfError(f"{where}: {format_value(e)} appears twice in a set")
        seen.add(e)
    return frozenset(seen)


def _plain_key(t: Type, text: str, where: str) -> Value:
    """A JSON object key (always a string) as a map key of type t."""
    match t:
        case AtomT() | EnumT():
            return _decode_typed(t, text, f"{where} key")
        case IntT() | RangeT() if re.fullmatch(r"-?[0-9]{1,4000}", text):
            return int(text)
        case BoolT() if text in ("true", "false"):
            return text == "true"
    raise ItfError(
        f"{where}: key {text!r} does not name a value of type {type_name(t)}"
        + ("" if isinstance(t, (AtomT, EnumT, IntT, RangeT, BoolT)) else ' (write {"#map": [[k, v], ...]})')
    )


def _is_option(j: Any) -> bool:
    """The ITF spelling of an option value (Quint's Option variant)."""
    return isinstance(j, dict) and set(j) == {"tag", "value"} and j["tag"] in ("Some", "None")


def _decode_untyped(j: Any, where: str) -> Value:
    """Decode by the JSON shape alone (for readers that do not know the types).

    Options come back as VariantValue("Some"/"None") and bags as maps to counts:
    the JSON does not say which they were.
    """
    if isinstance(j, (bool, str)):
        return j
    if isinstance(j, int):
        return j
    if isinstance(j, list):
        return tuple(_decode_untyped(x, f"{where}[{i}]") for i, x in enumerate(j, start=1))
    if not isinstance(j, dict):
        raise ItfError(f"{where}: {_show(j)} is not an ITF value")
    if "#bigint" in j:
        return _decode_int(j, where, lambda exp: ItfError(f"{where}: expected {exp}, found {_show(j)}"))
    if "#set" in j or "#tup" in j:
        key = "#set" if "#set" in j else "#tup"
        if not isinstance(j[key], list):
            raise ItfError(f"{where}: {key} needs a JSON array, found {_show(j[key])}")
        elems = [_decode_untyped(x, f"{where} element") for x in j[key]]
        return frozenset(elems) if key == "#set" else tuple(elems)
    if "#map" in j:
        pairs = _pairs(j, lambda exp: ItfError(f"{where}: expected {exp}, found {_show(j)}"))
        return MapValue(tuple((_decode_untyped(k, where), _decode_untyped(x, where)) for k, x in pairs))
    if any(k.startswith("#") for k in j):
        raise ItfError(f"{where}: unsupported ITF value {_show(j)}")
    if set(j) == {"tag", "value"} and isinstance(j["tag"], str):
        payload = j["value"]
        if _is_unit(payload):
            return VariantValue(j["tag"])
        if _is_plain_object(payload):
            return VariantValue(
                j["tag"], tuple((n, _decode_untyped(x, f"{where}.{n}")) for n, x in payload.items())
            )
        return VariantValue(j["tag"], (("value", _decode_untyped(payload, where)),))
    return RecordValue(tuple((n, _decode_untyped(x, f"{where}.{n}")) for n, x in j.items()))


def _decode_int(j: Any, where: str, fail) -> int:
    if isinstance(j, int) and not isinstance(j, bool):
        return j  # legacy ITF: plain JSON numbers, still accepted by Quint
    if isinstance(j, dict) and set(j) == {"#bigint"} and isinstance(j["#bigint"], str):
        try:
            return parse_integer(j["#bigint"])
        except ValueError as exc:
            raise ItfError(f"{where}: {exc}") from None
    raise fail('{"#bigint": "n"}')


def _tagged_list(j: Any, key: str, fail) -> list:
    if not (isinstance(j, dict) and set(j) == {key} and isinstance(j[key], list)):
        raise fail(f'{{"{key}": [...]}}')
    return j[key]


def _pairs(j: Any, fail) -> list[tuple[Any, Any]]:
    items = _tagged_list(j, "#map", fail)
    if not all(isinstance(p, list) and len(p) == 2 for p in items):
        raise fail('{"#map": [[key, value], ...]}')
    return [(k, v) for k, v in items]


def _variant(j: Any, fail) -> tuple[str, Any]:
    if not (isinstance(j, dict) and set(j) == {"tag", "value"} and isinstance(j["tag"], str)):
        raise fail('{"tag": ..., "value": ...}')
    return j["tag"], j["value"]


def _is_unit(payload: Any) -> bool:
    """The payload of a field-less case, in each spelling found in the wild."""
    return payload is None or payload == {} or payload == {"#tup": []}


def _is_plain_object(j: Any) -> bool:
    return isinstance(j, dict) and not any(k.startswith("#") for k in j)


def _same_fields(obj: dict, names: list[str], where: str) -> None:
    missing = [n for n in names if n not in obj]
    extra = [n for n in obj if n not in names]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing field(s) " + ", ".join(missing))
        if extra:
            parts.append("unknown field(s) " + ", ".join(extra))
        raise ItfError(f"{where}: " + "; ".join(parts))


def _show(j: Any, limit: int = 60) -> str:
    text = json.dumps(j, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def itf_to_trace(
    data: Any,
    var_types: Mapping[str, Type] | None,
    param_types: ParamTypes | None = None,
) -> Trace:
    """A Trace from an ITF JSON object; with var_types, checked against the model.

    Every problem is an ItfError that names it: not an object, no "vars" or
    "states", a variable the model does not have (or one it has that the file
    lacks), a value that does not fit its type, a bad "loop".
    """
    if not isinstance(data, dict):
        raise ItfError(f"not an ITF trace: expected a JSON object, found {_show(data)}")
    for key in ("vars", "states"):
        if key not in data:
            raise ItfError(f'not an ITF trace: no "{key}" field')
    if not (isinstance(data["vars"], list) and all(isinstance(v, str) for v in data["vars"])):
        raise ItfError('"vars" must be a list of variable names')
    if not isinstance(data["states"], list):
        raise ItfError('"states" must be a list of states')
    if not data["states"]:
        raise ItfError('"states" is empty: a trace has at least one state')
    file_vars = [v for v in data["vars"] if v not in (ACTION_TAKEN, NONDET_PICKS)]
    if var_types is not None:
        unknown = [v for v in file_vars if v not in var_types]
        if unknown:
            raise ItfError(
                f"unknown variable(s) {', '.join(unknown)}: the model has {', '.join(var_types) or 'none'}"
            )
        absent = [v for v in var_types if v not in file_vars]
        if absent:
            raise ItfError(f"the trace has no variable(s) {', '.join(absent)}")
        var_names = tuple(var_types)
    else:
        var_names = tuple(file_vars)
    param_types = param_types or {}

    states: list[dict[str, Value]] = []
    steps: list[Step] = []
    for i, raw in enumerate(data["states"]):
        where = f"state {i}"
        if not isinstance(raw, dict):
            raise ItfError(f"{where}: expected a JSON object, found {_show(raw)}")
        extra = [k for k in raw if k not in var_names and k not in ("#meta", ACTION_TAKEN, NONDET_PICKS)]
        if extra:
            raise ItfError(f"{where}: unknown variable(s) {', '.join(extra)}")
        state: dict[str, Value] = {}
        for name in var_names:
            if name not in raw:
                raise ItfError(f"{where}: no value for variable {name}")
            t = var_types[name] if var_types is not None else None
            state[name] = decode_value(t, raw[name], f"{where}, {name}")
        states.append(state)
        if i > 0:
            steps.append(_decode_step(raw, where, param_types))

    loop = data.get("loop")
    if loop is not None and not (isinstance(loop, int) and not isinstance(loop, bool) and 0 <= loop < len(states)):
        raise ItfError(f'"loop" must be a state index between 0 and {len(states) - 1}, found {_show(loop)}')
    return Trace(var_names, tuple(states), tuple(steps), loop)


def _decode_step(raw: dict, where: str, param_types: ParamTypes) -> Step:
    action = raw.get(ACTION_TAKEN, UNKNOWN_ACTION)
    if not isinstance(action, str) or not action:
        raise ItfError(f"{where}: {ACTION_TAKEN} must be an action name, found {_show(action)}")
    fault = action.startswith("~")
    name = action[1:] if fault else action
    picks = raw.get(NONDET_PICKS, {})
    if not _is_plain_object(picks):
        raise ItfError(f"{where}: {NONDET_PICKS} must be a record, found {_show(picks)}")
    types = param_types.get(name, {})
    args: list[tuple[str, Value]] = []
    for arg, pick in picks.items():
        at = f"{where}, {NONDET_PICKS}.{arg}"
        if not (isinstance(pick, dict) and set(pick) == {"tag", "value"} and pick["tag"] in ("Some", "None")):
            raise ItfError(f'{at}: expected {{"tag": "Some" | "None", "value": ...}}, found {_show(pick)}')
        if pick["tag"] == "Some":
            args.append((arg, decode_value(types.get(arg), pick["value"], at)))
    return Step(name, tuple(args), fault)


def readable_untyped(trace: Trace) -> Trace:
    """A trace read without types, with options and bags shown as the spec would.

    Untyped reading keeps `{"tag": "Some", "value": v}` as a variant and a bag
    as a map to counts, since the JSON alone cannot tell them from a user's
    variant or map. For display: Some(v) becomes v and None `none`; and a
    variable that is an empty `#map` in some state while every value maps to a
    positive count is a bag (a total map over a non-empty type is never
    empty), shown as one so that steps read `net: + Vote{...}`.
    """

    def plain(v: Value) -> Value:
        if isinstance(v, VariantValue):
            if v.tag == "None" and not v.fields:
                return None
            if v.tag == "Some" and [n for n, _ in v.fields] == ["value"]:
                return plain(v.fields[0][1])
            return VariantValue(v.tag, tuple((n, plain(x)) for n, x in v.fields))
        if isinstance(v, frozenset):
            return frozenset(plain(x) for x in v)
        if isinstance(v, tuple):
            return tuple(plain(x) for x in v)
        if isinstance(v, MapValue):
            return MapValue(tuple((plain(k), plain(x)) for k, x in v.items))
        if isinstance(v, RecordValue):
            return RecordValue(tuple((n, plain(x)) for n, x in v.fields), v.name)
        return v

    def counts(v: Value) -> bool:
        return isinstance(v, MapValue) and all(
            isinstance(c, int) and not isinstance(c, bool) and c > 0 for _, c in v.items
        )

    bags = {
        n
        for n in trace.var_names
        if all(counts(s[n]) for s in trace.states) and any(not s[n].items for s in trace.states)
    }

    def var_value(name: str, v: Value) -> Value:
        v = plain(v)
        return BagValue(v.items) if name in bags else v

    states = tuple({n: var_value(n, s[n]) for n in trace.var_names} for s in trace.states)
    steps = tuple(Step(st.action, tuple((n, plain(x)) for n, x in st.args), st.fault) for st in trace.steps)
    return Trace(trace.var_names, states, steps, trace.loop)


def read_itf(
    path: str | Path,
    var_types: Mapping[str, Type] | None = None,
    param_types: ParamTypes | None = None,
) -> Trace:
    """Read an ITF file; unreadable, non-JSON or non-ITF content raises ItfError."""
    return read_itf_document(path, var_types, param_types)[0]


def read_itf_document(
    path: str | Path,
    var_types: Mapping[str, Type] | None = None,
    param_types: ParamTypes | None = None,
) -> tuple[Trace, dict[str, Any]]:
    """read_itf, and the file's top-level "#meta" object ({} if it has none)."""
    try:
        text = read_input(path, MAX_DATA_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ItfError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = strict_json.loads(text)
    except strict_json.StrictJsonError as exc:
        where = f"{path}:{exc.line}:{exc.column}" if exc.line is not None else str(path)
        raise ItfError(f"{where}: {exc.message}") from None
    try:
        trace = itf_to_trace(data, var_types, param_types)
    except ItfError as exc:
        raise ItfError(f"{path}: {exc}") from None
    meta = data.get("#meta")
    return trace, meta if isinstance(meta, dict) else {}
