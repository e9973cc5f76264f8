"""Structured fuzz inputs for every file specpy reads, and the command that reads each.

Each generator takes a random.Random and a scratch directory and returns a
`Case`: the files to write there and the specpy arguments that read them.
Beside the text mutations of fuzz_mutate.py (every spec in specs/), inputs
are generated with structure, where the probe found its bugs:

- specs: deep and huge types (`set[set[...]]`, maps keyed by big types,
  long sequences, many parameters), errors in the initial states (division by
  zero, asserts, values outside their range), and every expression form in
  the language, combined at random;
- NDJSON logs: valid kvstore logs mutated as JSON (values swapped for deep
  nesting, long or non-ASCII integers, NaN, duplicate keys, lone surrogates,
  wrong types) and as bytes;
- ITF traces: a real counterexample (diehard) mutated the same ways, plus
  empty and missing `states`;
- checkpoints: a real checkpoint directory (twophase, 3 RMs) with one
  counter of its manifest changed (with and without its digest recomputed),
  its JSON mutated, or a partition file's bytes flipped or truncated;
- histories (`specpy linearizable`): the Jepsen examples, JSON lines mutated
  as JSON and EDN lines as tokens, and both as bytes, checked against the
  built-in kv model or the cas_register spec.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fuzz_mutate import MUTATORS

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.spec"))
KVSTORE = ROOT / "examples" / "kvstore"
CHECK_LIMITS = ("--max-states", "300", "--timeout", "5")


@dataclass
class Case:
    kind: str  # the generator's name: what the finding report groups by
    args: list[str]  # specpy's arguments; {dir} is the case's scratch directory
    files: dict[str, bytes] = field(default_factory=dict)
    tree: Path | None = None  # a directory to copy into the scratch directory first
    edit: Callable[[Path], None] | None = None  # run on the scratch directory after the copy


# ---------------------------------------------------------------- specs: text mutations


def mutated_spec(rng: random.Random, scratch: Path) -> Case:
    spec = rng.choice(SPECS)
    mutator = rng.choice(MUTATORS)
    data = mutator(spec.read_text(), rng)
    return Case(f"spec-{mutator.__name__}", ["check", "{dir}/s.spec", *CHECK_LIMITS], {"s.spec": data})


# ---------------------------------------------------------------- specs: structured


def _type(rng: random.Random, depth: int) -> str:
    """A random type, deep and large on purpose."""
    leaves = ["bool", f"0..{rng.choice([0, 1, 3, 40, 1000, 10**6, 10**12])}", "Atom", "Color"]
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice(leaves)
    inner = _type(rng, depth - 1)
    return rng.choice([
        f"set[{inner}]", f"[Atom -> {inner}]", f"[{_type(rng, 0)} -> {inner}]",
        f"seq[{inner}, {rng.choice([1, 3, 50, 10**9])}]", f"bag[{inner}, {rng.choice([1, 2, 10**6])}]",
        f"{inner}?", f"{{f: {inner}, g: bool}}",
    ])


def _initial(t: str, rng: random.Random) -> str:
    """A value of type t when its outermost constructor tells one (else a likely type error)."""
    if t.startswith(("set[", "bag[")):
        return "{}"
    if t.endswith("?"):
        return "none"
    if t.startswith("seq["):
        return "[]"
    if t.startswith("["):
        return rng.choice(["{k: " + _initial(t.split("->", 1)[1].strip()[:-1], rng) + " for k in Atom}", "{}"])
    return {"bool": "false", "Atom": "a1", "Color": "Color.red"}.get(t, "0")


def _expr(rng: random.Random, depth: int) -> str:
    """An expression of (mostly) type int or bool over x: 0..3, s: set[0..3]."""
    atoms = ["x", "1", "0", "3", "-1", "true", "false", "s", "{}", "{1, 2}", "Atom", "a1", "Color.red", "none"]
    if depth <= 0:
        return rng.choice(atoms)
    a, b = _expr(rng, depth - 1), _expr(rng, depth - 1)
    return rng.choice([
        f"({a} + {b})", f"({a} - {b})", f"({a} * {b})", f"({a} // {b})", f"({a} % {b})",
        f"({a} == {b})", f"({a} != {b})", f"({a} < {b})", f"({a} <= {b})",
        f"({a} and {b})", f"({a} or {b})", f"(not {a})", f"({a} implies {b})",
        f"({a} in {b})", f"({a} | {b})", f"({a} & {b})", f"({a} - {b})",
        f"(if {a} then {b} else {a})", f"(forall v in {b}: {a})", f"(exists v in {b}: {a})",
        f"{{v + 1 for v in {b}}}", f"{{v for v in {b} if {a}}}", f"(let y = {a} in {b})",
        f"len({a})", f"min({a})", f"max({a})", f"{a}[{b}]", f"{a}.f", f"({a} is Some)",
        # A long chain of small terms (not of `a`: chains of chains grow exponentially).
        "(" + " and ".join(_expr(rng, 0) for _ in range(rng.choice([2, 150, 400]))) + ")",
    ])


def structured_spec(rng: random.Random, scratch: Path) -> Case:
    t = _type(rng, rng.randint(0, 7))
    lines = [
        "spec Gen",
        "type Atom = {a1, a2, a3}",
        "type Color = enum { red, green }",
        f"const N = {rng.choice([0, 1, 3, 4, -1, 10**30])}",
        f"var x: 0..3 = {rng.choice(['0', 'N', '1 // 0', '3 + 1', _expr(rng, 2)])}",
        "var s: set[0..3] = {}",
        f"var y: {t} = {_initial(t, rng)}",
    ]
    if rng.random() < 0.3:
        lines.append(f"init {{ assert {_expr(rng, 2)} }}")
    params = rng.choice(["", "(p: Atom)", "(p: 0..9999, q: 0..9999)", f"(p: {_type(rng, 2)})"])
    well_typed = rng.random() < 0.5  # so that huge types and init errors reach the checker
    guard = "x < 3" if well_typed else _expr(rng, rng.randint(0, 4))
    update = "(x + 1) % 4" if well_typed else _expr(rng, rng.randint(0, 3))
    invariant = rng.choice(["x >= 0", "x != 3", "y == y"]) if well_typed else _expr(rng, rng.randint(0, 4))
    lines += [
        f"action A{params} {{",
        f"    require {guard}",
        f"    x = {update}",
        "    s = s | {x}",
        "    y = y",
        "}",
        f"invariant I: {invariant}",
    ]
    if rng.random() < 0.3:
        lines.append(f"property P: eventually {_expr(rng, 1)}")
    args = ["check", "{dir}/g.spec", *CHECK_LIMITS]
    if rng.random() < 0.15:
        args = ["check", "{dir}/g.spec", "--backend", "z3", "--depth", "2", "--timeout", "5"]
    elif rng.random() < 0.15:
        args = ["simulate", "{dir}/g.spec", "--runs", "3", "--depth", "10", "--timeout", "5"]
    elif rng.random() < 0.1:
        args = ["check", "{dir}/g.spec", *CHECK_LIMITS, "--json", "--trace-out", "{dir}/t.json", "--html", "{dir}/r.html"]
    return Case("spec-structured", args, {"g.spec": "\n".join(lines).encode() + b"\n"})


# ---------------------------------------------------------------- JSON mutations (logs, traces, manifests)


def _hostile_value(rng: random.Random) -> object:
    depth = rng.choice([5, 99, 101, 5000])
    return rng.choice([
        "__DEEP__" if depth > 100 else json.loads("[" * depth + "]" * depth),
        {"#bigint": rng.choice(["0_0", " 0 ", "\u0660", "1e3", "-", "", "9" * 5000, "-0", "00"])},
        {"#set": [1, 1]}, {"#map": [[1]]}, {"#tup": []}, {"#unserializable": "x"}, {"tag": "Some"},
        float("nan"), "__HUGE__", -(2**63), 2**64, 0.5, None, True, "", "\ud800", "x" * 100_000,
        {"#set": [{"#set": []}] * 3}, [], {}, "k1", "c1", "v1",
    ])


def _mutate_json(value: object, rng: random.Random) -> object:
    """Replace, delete or duplicate one node somewhere in a JSON value."""
    value = copy.deepcopy(value)
    nodes: list[tuple[object, object]] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            nodes += [(v, k) for k in v]
            stack += list(v.values())
        elif isinstance(v, list):
            nodes += [(v, i) for i in range(len(v))]
            stack += v
    if not nodes:
        return _hostile_value(rng)
    parent, key = rng.choice(nodes)
    op = rng.random()
    if op < 0.6:
        parent[key] = _hostile_value(rng)  # type: ignore[index]
    elif op < 0.8:
        del parent[key]  # type: ignore[arg-type]
    elif isinstance(parent, dict):
        parent[str(key) + rng.choice(["", "_", "\u0301"])] = parent[key]
    else:
        parent.insert(int(key), parent[key])  # type: ignore[arg-type,attr-defined]
    return value


def _dumps(value: object, rng: random.Random) -> bytes:
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    text = text.replace('"__HUGE__"', "9" * 5000).replace('"__DEEP__"', "[" * 5000 + "]" * 5000)
    if rng.random() < 0.2 and len(text) > 2:  # a duplicate key, which json.dumps cannot write
        text = text.replace("{", '{"dup": 1, "dup": 2, ', 1)
    return text.encode("utf-8", "surrogatepass")


def _byte_flip(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf[: rng.randint(0, len(buf))] if rng.random() < 0.2 else buf)


def ndjson_log(rng: random.Random, scratch: Path) -> Case:
    source = rng.choice([KVSTORE / "correct.ndjson", KVSTORE / "buggy.ndjson"])
    lines = source.read_text().splitlines()
    if rng.random() < 0.25:
        data = _byte_flip("\n".join(lines).encode(), rng)
    else:
        i = rng.randrange(len(lines))
        lines[i] = _dumps(_mutate_json(json.loads(lines[i]), rng), rng).decode("utf-8", "surrogatepass")
        data = "\n".join(lines).encode("utf-8", "surrogatepass")
    args = ["validate", str(KVSTORE / "kvstore.spec"), "{dir}/log.ndjson", "--timeout", "5"]
    if rng.random() < 0.2:
        args += ["--max-gap", str(rng.choice([1, 3, 10**12]))]
    return Case("ndjson", args, {"log.ndjson": data})


_DIEHARD_ITF: dict | None = None


def _diehard_itf() -> dict:
    """The diehard counterexample as ITF, as specpy writes it (made once per process)."""
    global _DIEHARD_ITF
    if _DIEHARD_ITF is None:
        from specpy.explicit import check
        from specpy.options import CheckOptions
        from specpy.pipeline import load
        from specpy.trace.itf import trace_to_itf

        model = load(ROOT / "specs" / "diehard.spec")
        trace = check(model, CheckOptions()).violation.trace
        _DIEHARD_ITF = trace_to_itf(trace, {v.name: v.type for v in model.vars})
    return _DIEHARD_ITF


def itf_trace(rng: random.Random, scratch: Path) -> Case:
    doc = _diehard_itf()
    if rng.random() < 0.2:
        data = _byte_flip(json.dumps(doc).encode(), rng)
    else:
        mutated = _mutate_json(doc, rng)
        if rng.random() < 0.1 and isinstance(mutated, dict):
            mutated["states"] = rng.choice([[], None, {}, [{}]])
        data = _dumps(mutated, rng)
    command = rng.choice([
        ["trace", "show", "{dir}/t.itf.json"],
        ["trace", "show", "{dir}/t.itf.json", "--spec", str(ROOT / "specs" / "diehard.spec")],
        ["trace", "html", "{dir}/t.itf.json", "-o", "{dir}/t.html"],
    ])
    return Case("itf", command, {"t.itf.json": data})


_CHECKPOINT: Path | None = None
RM3 = ("--type", "RM=r1,r2,r3")


def _checkpoint_dir(scratch: Path) -> Path:
    """A real checkpoint (twophase, 3 RMs, stopped at 100 states), made once per process."""
    global _CHECKPOINT
    if _CHECKPOINT is None:
        from specpy.explicit import check
        from specpy.options import CheckOptions, Overrides
        from specpy.pipeline import load

        model = load(ROOT / "specs" / "twophase.spec", Overrides(types={"RM": ("r1", "r2", "r3")}))
        directory = scratch / "fuzz-checkpoint"
        shutil.rmtree(directory, ignore_errors=True)
        check(model, CheckOptions(max_states=100, checkpoint_dir=str(directory)))
        (directory / "LOCK").unlink(missing_ok=True)
        _CHECKPOINT = directory
    return _CHECKPOINT


def _edit_checkpoint(rng: random.Random) -> Callable[[Path], None]:
    choice, seed = rng.random(), rng.random()

    def edit(directory: Path) -> None:
        r = random.Random(seed)
        ckpt = directory / "ck" / (directory / "ck" / "CURRENT").read_text()
        manifest = ckpt / "manifest.json"
        if choice < 0.5:
            doc = json.loads(manifest.read_text())
            doc = _mutate_json(doc, r)
            if r.random() < 0.5 and isinstance(doc, dict):  # a forger recomputes the digest
                body = {k: v for k, v in doc.items() if k != "manifest_sha256"}
                try:
                    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
                except ValueError:
                    digest = "x"
                doc = {**body, "manifest_sha256": digest}
            manifest.write_bytes(_dumps(doc, r))
        elif choice < 0.8:
            victim = r.choice(sorted(ckpt.iterdir()))
            victim.write_bytes(_byte_flip(victim.read_bytes(), r))
        else:
            (directory / "ck" / "CURRENT").write_bytes(_byte_flip(b"ckpt-000001", r))

    return edit


def checkpoint(rng: random.Random, scratch: Path) -> Case:
    tree = _checkpoint_dir(scratch)
    args = ["check", str(ROOT / "specs" / "twophase.spec"), *RM3, "--resume", "{dir}/ck", "--max-states", "2000",
            "--timeout", "5"]
    return Case("checkpoint", args, tree=tree, edit=_edit_checkpoint(rng))


LINEARIZABLE = ROOT / "examples" / "linearizable"
_EDN_TOKENS = ["nil", ":invoke", ":ok", ":fail", ":info", ":nemesis", "#{1 1}", "#inst \"x\"", "{", "}", "[", "]",
               "\"\\ud800\"", "9" * 5000, "-0", "1e999", "##NaN", ":process", "#_", ";", "\\c", "0x10"]


def history(rng: random.Random, scratch: Path) -> Case:
    edn = rng.random() < 0.4
    lines = (LINEARIZABLE / ("correct.edn" if edn else "correct.jsonl")).read_text().splitlines()
    if rng.random() < 0.25:
        data = _byte_flip("\n".join(lines).encode(), rng)
    else:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            if edn:
                toks = lines[i].split(" ")
                toks[rng.randrange(len(toks))] = rng.choice(_EDN_TOKENS)
                lines[i] = " ".join(toks)
            else:
                lines[i] = _dumps(_mutate_json(json.loads(lines[i]), rng), rng).decode("utf-8", "surrogatepass")
        if rng.random() < 0.1:  # an operation that never completes, or a process reused while open
            lines.append(rng.choice(lines))
        data = "\n".join(lines).encode("utf-8", "surrogatepass")
    name = "h.edn" if edn else "h.jsonl"
    model = rng.choice(["kv", "kv", str(LINEARIZABLE / "cas_register.spec")])
    args = ["linearizable", model, "{dir}/" + name, "--timeout", "5"]
    if rng.random() < 0.2:
        args += ["--initial", rng.choice(['{"x": 1}', "NaN", '{"a": 1, "a": 2}', "[" * 200 + "]" * 200, "9" * 5000])]
    if rng.random() < 0.1:
        args += ["--json", "--html", "{dir}/h.html"]
    return Case("history", args, {name: data})


GENERATORS: dict[str, Callable[[random.Random, Path], Case]] = {
    "spec-mutated": mutated_spec,
    "spec-structured": structured_spec,
    "ndjson": ndjson_log,
    "itf": itf_trace,
    "checkpoint": checkpoint,
    "history": history,
}
