"""A key-value store with retrying clients, instrumented to log for `specpy validate`.

This is the implementation that kvstore.spec describes: clients send
numbered puts, retry when a reply is lost, and the server applies each
request at most once by remembering the last request number it applied per
client. `--buggy` runs a server that forgot that check, so a late copy of an
old request overwrites a newer value.

After every step it logs one NDJSON line (docs/validation.md): the step's
action and arguments, and the variables of the node that took it — the
client's counters after a client step, the server's data after a server
step. The network is never logged. Retries are not logged either: resending
a request changes no state the spec tracks.

    python examples/kvstore/kvstore.py > run.ndjson
    specpy validate examples/kvstore/kvstore.spec run.ndjson

The run is one fixed schedule (below), so the logs are reproducible; the
committed correct.ndjson and buggy.ndjson are its output.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import IO, Any

CLIENTS = ("c1", "c2")
KEYS = ("k1", "k2")


@dataclass(frozen=True)
class Request:
    client: str
    seq: int
    key: str
    val: str


class StepLog:
    """Writes one JSON object per line: the step taken and the state after it."""

    def __init__(self, out: IO[str]):
        self.out = out

    def step(self, action: str, args: dict[str, Any] | None = None, **state: Any) -> None:
        line: dict[str, Any] = {"action": action}
        if args:
            line["args"] = args
        line.update(state)
        self.out.write(json.dumps(line) + "\n")


class Server:
    def __init__(self, log: StepLog, dedupe: bool = True):
        self.log = log
        self.dedupe = dedupe
        self.store: dict[str, str | None] = {k: None for k in KEYS}
        self.applied = {c: 0 for c in CLIENTS}

    def handle(self, req: Request) -> int:
        """Apply a request unless it is a copy of one already applied; returns the ack."""
        if not self.dedupe or req.seq > self.applied[req.client]:
            self.store[req.key] = req.val
            self.applied[req.client] = req.seq
        self.log.step("Deliver", {"r": asdict(req)}, store=dict(self.store), applied=dict(self.applied))
        return req.seq


class Clients:
    """Every client's counters: puts issued and puts acknowledged."""

    def __init__(self, log: StepLog):
        self.log = log
        self.issued = {c: 0 for c in CLIENTS}
        self.acked = {c: 0 for c in CLIENTS}
        self.outstanding: dict[str, Request] = {}

    def put(self, client: str, key: str, val: str) -> Request:
        assert client not in self.outstanding, "one put at a time"
        self.issued[client] += 1
        req = Request(client, self.issued[client], key, val)
        self.outstanding[client] = req
        self.log.step("Put", {"c": client, "k": key, "v": val}, issued=dict(self.issued))
        return req

    def retry(self, client: str) -> Request:
        return self.outstanding[client]  # the same request again; nothing changes

    def ack(self, client: str, seq: int) -> None:
        if self.outstanding.get(client) and self.outstanding[client].seq == seq:
            del self.outstanding[client]
            self.acked[client] = seq
            self.log.step("Ack", {"c": client}, acked=dict(self.acked))


def run(out: IO[str], buggy: bool) -> None:
    """The schedule: c1's reply is lost and its retry arrives after c2's write."""
    log = StepLog(out)
    server = Server(log, dedupe=not buggy)
    clients = Clients(log)
    log.step("init", store=dict(server.store), applied=dict(server.applied),
             issued=dict(clients.issued), acked=dict(clients.acked))

    first = clients.put("c1", "k1", "v1")
    server.handle(first)                      # applied; the reply is lost
    copy = clients.retry("c1")                # c1 times out and sends it again
    second = clients.put("c2", "k1", "v2")
    clients.ack("c2", server.handle(second))  # k1 = v2
    clients.ack("c1", server.handle(copy))    # the late copy: must not undo c2's write
    clients.ack("c1", server.handle(clients.put("c1", "k2", "v1")))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buggy", action="store_true", help="run the server without its duplicate check")
    args = parser.parse_args(argv)
    run(sys.stdout, args.buggy)


if __name__ == "__main__":
    main()
