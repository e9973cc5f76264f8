"""`specpy linearizable` against the issue's targets and Porcupine's test histories.

    python bench/linearizable.py generate DIR          # the synthetic histories below
    python bench/linearizable.py big DIR               # target 1: each 1,000-op / 10-process history
    python bench/linearizable.py porcupine REPO DIR    # Porcupine's etcd and kv histories

`generate` writes, with a fixed seed, histories recorded from a simulated
concurrent run of a cas-register (each operation takes effect at one instant
between its invocation and its completion, so the history is linearizable):
  big/ok-N.jsonl      10 histories of 1,000 operations by 10 processes
  big/bad-N.jsonl     the same with one read's value changed in the middle (not linearizable)
  many/h-N.jsonl      100 histories of 200 operations by 5 processes, and many/h-N.edn the same
                      in EDN (target 2 times one `specpy linearizable` run over each set)
`big` decides each big history in-process and prints its time and verdict.
`porcupine` converts Porcupine's test_data/jepsen/etcd_*.log (Jepsen log
lines; a cas :fail is Porcupine's "cas returned false") to JSON lines,
decides them with cas-register, decides test_data/kv/*.txt (EDN) with
`kv --initial '""'`, and compares every verdict with the one Porcupine's
porcupine_test.go expects. REPO is a checkout of github.com/anishathalye/porcupine
(the data is not copied into this repository).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from specpy.linearizability.checker import check_history
from specpy.linearizability.models import BUILTIN


def simulate(n_ops: int, processes: int, rng: random.Random) -> list[dict]:
    """A concurrent run of a cas-register: each process invokes, takes effect, then completes."""
    state, events, phase, current = None, [], {p: "idle" for p in range(processes)}, {}
    done = 0
    while done < n_ops or any(v != "idle" for v in phase.values()):
        p = rng.randrange(processes)
        if phase[p] == "idle":
            if done >= n_ops:
                continue
            done += 1
            kind = rng.choice(["read", "read", "write", "cas"])
            value = None if kind == "read" else rng.randrange(5) if kind == "write" else [rng.randrange(5), rng.randrange(5)]
            current[p] = {"f": kind, "value": value}
            events.append({"process": p, "type": "invoke", "f": kind, "value": value})
            phase[p] = "invoked"
        elif phase[p] == "invoked":  # the instant it takes effect
            op = current[p]
            if op["f"] == "read":
                op["result"] = state
            elif op["f"] == "write":
                state = op["result"] = op["value"]
            else:
                op["output"] = state == op["value"][0]
                state = op["value"][1] if op["output"] else state
                op["result"] = op["value"]
            phase[p] = "applied"
        else:
            op = current.pop(p)
            event = {"process": p, "type": "ok", "f": op["f"], "value": op["result"]}
            if op["f"] == "cas":
                event["output"] = op["output"]
            events.append(event)
            phase[p] = "idle"
    return events


def corrupt_middle_read(events: list[dict]) -> None:
    reads = [e for e in events if e["type"] == "ok" and e["f"] == "read"]
    target = reads[len(reads) // 2]
    target["value"] = 99  # never written


def edn(event: dict) -> str:
    def show(v):
        if v is None:
            return "nil"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + " ".join(show(x) for x in v) + "]"
        return str(v)

    return "{" + ", ".join(f":{k} " + (f":{v}" if k in ("type", "f") else show(v)) for k, v in event.items()) + "}"


def write(path: Path, events: list[dict], as_edn: bool = False) -> None:
    path.write_text("".join((edn(e) if as_edn else json.dumps(e)) + "\n" for e in events))


def generate(out: Path) -> None:
    rng = random.Random(22)
    (out / "big").mkdir(parents=True, exist_ok=True)
    (out / "many").mkdir(parents=True, exist_ok=True)
    for n in range(10):
        events = simulate(1000, 10, rng)
        write(out / "big" / f"ok-{n}.jsonl", events)
        corrupt_middle_read(events)
        write(out / "big" / f"bad-{n}.jsonl", events)
    for n in range(100):
        events = simulate(200, 5, rng)
        write(out / "many" / f"h-{n}.jsonl", events)
        write(out / "many" / f"h-{n}.edn", events, as_edn=True)


def big(folder: Path) -> None:
    model = BUILTIN["cas-register"]()
    print("| history | operations | verdict | s |\n|---|--:|---|--:|")
    for path in sorted((folder / "big").glob("*.jsonl")):
        t = time.perf_counter()
        verdict = check_history(model, path)
        print(f"| {path.name} | {len(verdict.items)} | {verdict.status} | {time.perf_counter() - t:.3f} |")


ETCD = re.compile(r"^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*)$")


def etcd_to_jsonl(text: str) -> str:
    """Porcupine's reading of a Jepsen etcd log: a cas :fail returned false; a read :fail timed out."""
    lines = []
    for line in text.splitlines():
        m = ETCD.match(line)
        if not m:
            continue
        proc, kind, f, raw = int(m[1]), m[2], m[3], m[4].strip()
        value = None if raw in ("nil", ":timed-out") else [int(x) for x in raw.strip("[]").split()] if f == "cas" else int(raw)
        event = {"process": proc, "type": kind, "f": f, "value": value}
        if f == "cas" and kind == "fail":
            event.update(type="ok", output=False)
        elif kind == "fail":
            event["type"] = "info"
        lines.append(json.dumps(event))
    return "\n".join(lines) + "\n"


def porcupine(repo: Path, out: Path) -> None:
    def show(path: str) -> str:
        return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, text=True,
                              check=True).stdout

    tests = show("porcupine_test.go")
    expected_etcd = {int(n): v == "true" for n, v in re.findall(r"checkJepsen\(t, (\d+), (true|false)\)", tests)}
    expected_kv = {name: v == "true" for name, v in re.findall(r'checkKv\(t, "([^"]+)", (true|false), true\)', tests)}
    (out / "porcupine").mkdir(parents=True, exist_ok=True)
    cas, kv = BUILTIN["cas-register"](), BUILTIN["kv"]("")
    print("| history | model | operations | processes | expected | specpy | s |\n|---|---|--:|--:|---|---|--:|")
    total, disagree = 0.0, 0
    rows = [(f"etcd_{n:03d}", f"test_data/jepsen/etcd_{n:03d}.log", cas, exp) for n, exp in sorted(expected_etcd.items())]
    rows += [(name, f"test_data/kv/{name}.txt", kv, exp) for name, exp in sorted(expected_kv.items())]
    for name, src, model, exp in rows:
        path = out / "porcupine" / (name + (".jsonl" if model is cas else ".edn"))
        path.write_text(etcd_to_jsonl(show(src)) if model is cas else show(src))
        t = time.perf_counter()
        verdict = check_history(model, path)
        seconds = time.perf_counter() - t
        total += seconds
        want = "linearizable" if exp else "not-linearizable"
        disagree += verdict.status != want
        procs = len(verdict.history.processes) if verdict.history else 0
        ops = len(verdict.items) if verdict.items is not None else 0
        print(f"| {name} | {model.name} | {ops} | {procs} | {want} | {verdict.status} | {seconds:.3f} |")
    print(f"\n{len(rows)} histories, {total:.2f} s in all, {disagree} verdicts differ from Porcupine's")
    if disagree:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("generate").add_argument("dir", type=Path)
    sub.add_parser("big").add_argument("dir", type=Path)
    p = sub.add_parser("porcupine")
    p.add_argument("repo", type=Path)
    p.add_argument("dir", type=Path)
    args = parser.parse_args()
    if args.cmd == "generate":
        generate(args.dir)
    elif args.cmd == "big":
        big(args.dir)
    else:
        porcupine(args.repo, args.dir)


if __name__ == "__main__":
    main()
