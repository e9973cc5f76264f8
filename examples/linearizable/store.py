"""A replicated key-value store tested the Jepsen way: client threads, a recorded history.

The store has a primary and a replica. Every put and append is applied by the
primary, which ships it to the replica; the replica applies what it receives
`LAG` updates late (a slow network link). Gets are served by the primary, so
the store is linearizable. With `--buggy`, gets are served by the replica,
which can return a value older than one a completed put already wrote: a
stale read, which `specpy linearizable kv` finds.

Client threads run random gets, puts and appends on a few keys and record
every invocation and completion in Jepsen's history format (one EDN map per
line, or JSON lines with --jsonl). Some operations time out: the client does
not know whether they took effect, records `:info`, and — as Jepsen does —
carries on under a new process number.

    python examples/linearizable/store.py --seed 1 > correct.edn
    python examples/linearizable/store.py --seed 1 --buggy > buggy.edn
    specpy linearizable kv correct.edn buggy.edn

The threads' interleaving depends on the scheduler, so two runs with one seed
differ; examples/linearizable/{correct,buggy}.edn are recorded runs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import deque
from typing import IO, Any

KEYS = ("x", "y", "z")
LAG = 2


class Replica:
    """Applies the primary's updates LAG updates after they were made."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.pending: deque[tuple[str, str]] = deque()

    def ship(self, key: str, value: str) -> None:
        self.pending.append((key, value))
        while len(self.pending) > LAG:
            k, v = self.pending.popleft()
            self.data[k] = v


class Store:
    def __init__(self, buggy: bool) -> None:
        self.buggy = buggy
        self.data: dict[str, str] = {}
        self.replica = Replica()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            return (self.replica.data if self.buggy else self.data).get(key)

    def put(self, key: str, value: str) -> None:
        with self.lock:
            self.data[key] = value
            self.replica.ship(key, value)

    def append(self, key: str, value: str) -> None:
        with self.lock:
            self.data[key] = self.data.get(key, "") + value
            self.replica.ship(key, self.data[key])


class Recorder:
    """The history: events appended in real-time order, one line each."""

    def __init__(self, out: IO[str], jsonl: bool) -> None:
        self.out = out
        self.jsonl = jsonl
        self.lock = threading.Lock()
        self.start = time.monotonic_ns()

    def event(self, process: int, kind: str, f: str, key: str, value: Any) -> None:
        with self.lock:
            t = time.monotonic_ns() - self.start
            if self.jsonl:
                line = json.dumps({"process": process, "type": kind, "f": f, "key": key, "value": value, "time": t})
            else:
                shown = "nil" if value is None else json.dumps(value)
                line = f"{{:process {process}, :type :{kind}, :f :{f}, :key {json.dumps(key)}, :value {shown}, :time {t}}}"
            self.out.write(line + "\n")


def client(store: Store, rec: Recorder, process: int, clients: int, ops: int, rng: random.Random,
           info_rate: float) -> None:
    for n in range(ops):
        key = rng.choice(KEYS)
        f = rng.choice(("get", "get", "put", "append"))
        value = None if f == "get" else f"{process}.{n}"
        rec.event(process, "invoke", f, key, value)
        time.sleep(rng.random() * 0.0005)
        if f != "get" and rng.random() < info_rate:
            if rng.random() < 0.5:
                getattr(store, f)(key, value)  # it took effect, but the reply was lost
            rec.event(process, "info", f, key, value)
            process += clients  # Jepsen: a crashed client comes back as a new process
            continue
        result = store.get(key) if f == "get" else getattr(store, f)(key, value)
        time.sleep(rng.random() * 0.0005)
        rec.event(process, "ok", f, key, result if f == "get" else value)


def run(out: IO[str], clients: int, ops: int, seed: int, buggy: bool, jsonl: bool, info_rate: float) -> None:
    store, rec = Store(buggy), Recorder(out, jsonl)
    threads = [
        threading.Thread(target=client, args=(store, rec, p, clients, ops, random.Random(seed * 1000 + p), info_rate))
        for p in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--ops", type=int, default=40, help="operations per client")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--buggy", action="store_true", help="serve gets from the lagging replica")
    parser.add_argument("--jsonl", action="store_true", help="write JSON lines instead of EDN")
    parser.add_argument("--info-rate", type=float, default=0.05, help="fraction of updates that time out")
    args = parser.parse_args(argv)
    run(sys.stdout, args.clients, args.ops, args.seed, args.buggy, args.jsonl, args.info_rate)


if __name__ == "__main__":
    main()
