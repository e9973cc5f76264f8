"""Messages in a trace: who sent what to whom, when it arrived, what faults hit it.

This module turns a Trace into a Chart (the data of a message sequence
chart); msc_svg.py draws it. The rule that finds messages, in full (the
user-facing version is in docs/guide.md, "Reading the message chart"):

- **Processes** (the lifelines) are the atoms of one atom type: the type the
  spec declares with `processes T`, otherwise the atom type that fields of
  message values are typed with (fields named like src/dst count first),
  otherwise (no messages) the atom type that keys the most map variables
  (`pc: [Proc -> Pc]`). Without a spec (an ITF file read on its own), the
  processes are the atoms found in message fields that are also keys of some
  map-valued variable (`votedFor[s1]`), or in fields with a conventional
  name, or (no messages) the keys most map variables share.
- **Networks** are the state variables whose values are sets or bags of
  variant or record values with at least one field holding a process.
- **Sending**: a copy that appears in a network between two states was sent
  in that step; **receiving**: a copy that disappears from a bag was
  received. Sets keep their messages (TLA+ style), so a set message counts as
  received by the first later step whose action has the message itself as an
  argument (`action Recv(m: Msg)`); otherwise it stays in flight. Bags are the
  better network type for charts.
- **Sender and receiver**: the field named src/from/sender/source, and the
  field named dst/to/receiver/dest/destination. Failing names, the sender is
  the process the sending action acts for (its argument of the process type)
  and the receiver is the other process field. A side that cannot be told is
  drawn on the extra lifeline `(other)`.
- **Marks**: a filled dot on the lifeline of the process a step acts for
  (its first argument that is a process), a hollow dot on every other
  process whose own state the step changed (an entry of a map keyed by
  processes, such as `votedFor[s2]`), so message-free models read too.
- **Faults** (steps whose Step.fault is set, `~lose net ...`): a copy that
  disappears in a `lose` step is lost, a copy that appears in a `duplicate`
  step is a duplicate of an earlier message (same sender and receiver as the
  copy in flight), and a `crash` step marks the
  crashed process (its argument).

Several copies of the same message in a bag are matched first in, first out.
Everything is deterministic: the same trace always gives the same chart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from specpy.ir.values import BagValue, MapValue, RecordValue, Value, VariantValue, format_value
from specpy.trace.trace import Trace

if TYPE_CHECKING:
    from specpy.ir.model import Model

SENDER_FIELDS = ("src", "from", "sender", "source")
RECEIVER_FIELDS = ("dst", "to", "receiver", "dest", "destination")
#: The lifeline of a message side that cannot be told (see the module docstring).
OTHER = "(other)"


@dataclass(frozen=True)
class Addressing:
    """How messages are found in a trace: the processes and the network variables."""

    processes: tuple[str, ...]
    networks: tuple[str, ...]
    # Where the processes came from, for the report ("declared: processes Server").
    source: str = ""


@dataclass
class Message:
    """One copy of a message, from its send to its receipt, loss or the trace's end.

    Steps are state indices: `sent` = i means the step into states[i] sent it.
    """

    id: int
    value: Value
    net: str
    src: str
    dst: str
    sent: int
    received: int | None = None
    lost: int | None = None
    duplicate: bool = False  # this copy was made by a `duplicate` fault

    @property
    def text(self) -> str:
        return format_value(self.value)


@dataclass(frozen=True)
class Mark:
    """A point event on a lifeline: a crash, the process a step acts for, or
    another process whose own state (an entry of a map keyed by processes,
    `votedFor[s2]`) the step changed."""

    step: int
    process: str
    kind: str  # "crash", "act" or "state"


@dataclass
class Chart:
    """Everything a message sequence chart shows, independent of drawing."""

    processes: tuple[str, ...]
    messages: list[Message] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    # Per state index i >= 1: the label of the step into it, and the fault kind, if any.
    labels: list[str] = field(default_factory=list)
    faults: dict[int, str] = field(default_factory=dict)


# ---------------------------------------------------------------- finding networks and processes


def addressing_from_model(model: Model) -> Addressing:
    """The addressing of a typed model: declared or inferred process type, typed networks."""
    from specpy.ir.types import AtomT, BagT, RecordT, SetT, VariantT

    def message_fields(t) -> list[tuple[str, object]]:
        if isinstance(t, VariantT):
            return [f for case in t.cases for f in case.fields]
        if isinstance(t, RecordT):
            return list(t.fields)
        return []

    candidates = [
        (v.name, message_fields(v.type.elem)) for v in model.vars if isinstance(v.type, (SetT, BagT))
    ]
    declared = model.processes
    if declared is not None:
        ptype, source = declared, f"declared: processes {declared.name}"
    else:
        score: Counter[AtomT] = Counter()
        for _, fields in candidates:
            for name, ft in fields:
                if isinstance(ft, AtomT):
                    # A conventional name outweighs any number of other fields.
                    score[ft] += 1000 if name in SENDER_FIELDS + RECEIVER_FIELDS else 1
        if not score:
            return _keyed_processes(model)
        declared_order = [t for t in model.types.values() if isinstance(t, AtomT)]
        ptype = max(score, key=lambda t: (score[t], -declared_order.index(t) if t in declared_order else 0))
        source = f"inferred: message fields of type {ptype.name}"
    networks = tuple(name for name, fields in candidates if any(ft == ptype for _, ft in fields))
    return Addressing(tuple(ptype.members), networks, source)


def _keyed_processes(model: Model) -> Addressing:
    """No messages: lifelines for the atom type that keys the most map variables
    (a `pc`, `state` or `flag` per process), so a message-free model still shows
    who acts in each step and whose state changes."""
    from specpy.ir.types import AtomT, MapT

    keyed: Counter[AtomT] = Counter(
        v.type.key for v in model.vars if isinstance(v.type, MapT) and isinstance(v.type.key, AtomT)
    )
    if not keyed:
        return Addressing((), (), "no messages, and no variable is a map keyed by a type of atoms")
    declared = [t for t in model.types.values() if isinstance(t, AtomT)]
    ptype = max(keyed, key=lambda t: (keyed[t], -declared.index(t) if t in declared else 0))
    return Addressing(tuple(ptype.members), (), f"inferred: variables keyed by {ptype.name}, no messages")


def addressing_from_values(trace: Trace) -> Addressing:
    """The addressing of a trace read without its spec, from the values alone."""
    key_sets: list[frozenset[str]] = []  # the string keys of each map-valued variable
    field_values: dict[str, set[str]] = {}
    networks: list[str] = []
    for name in trace.var_names:
        found_messages = False
        for state in trace.states:
            value = state[name]
            if isinstance(value, MapValue):
                key_sets.append(frozenset(k for k, _ in value.items if isinstance(k, str)))
            for msg in _elements(value):
                found_messages = True
                for fname, fvalue in _fields(msg):
                    if isinstance(fvalue, str):
                        field_values.setdefault(fname, set()).add(fvalue)
        if found_messages:
            networks.append(name)
    processes: set[str] = set()
    for fname, values in field_values.items():
        # A map keyed by every atom the field holds (votedFor[s]) lists all the
        # processes, including those that never send or receive.
        keys = [k for k in key_sets if values <= k]
        if keys:
            processes |= values.union(*keys)
        elif fname in SENDER_FIELDS + RECEIVER_FIELDS:
            processes |= values
    if not processes:
        # No messages: the atoms keying the most map variables (a pc per process).
        keyed = Counter(k for k in key_sets if k)
        if not keyed:
            return Addressing((), (), "no message field holds a process (an atom used as a map key)")
        keys = max(keyed, key=lambda k: (keyed[k], sorted(k, key=_natural)))
        return Addressing(tuple(sorted(keys, key=_natural)), (), "inferred from map keys (no spec given, no messages)")
    nets = tuple(
        n for n in networks if any(isinstance(v, str) and v in processes for s in trace.states for m in _elements(s[n]) for _, v in _fields(m))
    )
    return Addressing(tuple(sorted(processes, key=_natural)), nets, "inferred from the values (no spec given)")


def _natural(text: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _elements(value: Value) -> list[Value]:
    """The distinct messages of a network value, or [] if it is not one."""
    return [m for m in _copies(value) if isinstance(m, (VariantValue, RecordValue))]


def _copies(value: Value) -> Counter:
    """A set, a bag, or an untyped bag (a map to counts) as element -> copies."""
    if isinstance(value, frozenset):
        return Counter({m: 1 for m in value})
    if isinstance(value, BagValue):
        return Counter(dict(value.items))
    if isinstance(value, MapValue) and value.items and all(
        isinstance(c, int) and not isinstance(c, bool) and isinstance(m, (VariantValue, RecordValue))
        for m, c in value.items
    ):
        return Counter(dict(value.items))
    return Counter()


def _fields(msg: Value) -> tuple[tuple[str, Value], ...]:
    return msg.fields if isinstance(msg, (VariantValue, RecordValue)) else ()


# ---------------------------------------------------------------- the chart


def build_chart(trace: Trace, addressing: Addressing) -> Chart:
    """The messages, faults and acting processes of every step of trace."""
    procs = set(addressing.processes)
    chart = Chart(addressing.processes)
    pending: dict[tuple[str, Value], list[Message]] = {}  # FIFO of copies in flight
    for i in range(1, len(trace.states)):
        step = trace.steps[i - 1]
        before, after = trace.states[i - 1], trace.states[i]
        chart.labels.append(step.label())
        fault = step.action.split()[0] if step.fault and step.action else None
        if fault:
            chart.faults[i] = fault
        # The process a step acts for: its first argument that is a process.
        actors = [v for _, v in step.args if isinstance(v, str) and v in procs]
        if actors:
            chart.marks.append(Mark(i, actors[0], "crash" if fault == "crash" else "act"))
        for p in _touched(before, after, procs):
            if p not in actors[:1]:
                chart.marks.append(Mark(i, p, "state"))
        for net in addressing.networks:
            old, new = _copies(before[net]), _copies(after[net])
            for msg in _sorted(old - new):
                for _ in range((old - new)[msg]):
                    queue = pending.get((net, msg))
                    if not queue:
                        continue  # present in the initial state: no send to match
                    copy = queue.pop(0)
                    if fault == "lose":
                        copy.lost = i
                    else:
                        copy.received = i
            for msg in _sorted(new - old):
                for _ in range((new - old)[msg]):
                    original = pending.get((net, msg))
                    if fault == "duplicate" and original:
                        src, dst = original[0].src, original[0].dst  # a copy goes where the original goes
                    else:
                        src, dst = _ends(msg, procs, actors)
                    copy = Message(len(chart.messages), msg, net, src, dst, i, duplicate=fault == "duplicate")
                    chart.messages.append(copy)
                    pending.setdefault((net, msg), []).append(copy)
            if isinstance(after[net], frozenset) and not fault:
                # Set networks keep messages: an action taking the message as an argument receives it.
                for _, arg in step.args:
                    queue = pending.get((net, arg))
                    if queue and queue[0].sent < i:
                        queue.pop(0).received = i
    if OTHER in {m.src for m in chart.messages} | {m.dst for m in chart.messages}:
        chart.processes = (*chart.processes, OTHER)
    return chart


def _touched(before: dict[str, Value], after: dict[str, Value], procs: set[str]) -> list[str]:
    """Processes whose own state changed: an entry [p] of a map keyed by processes."""
    changed: set[str] = set()
    for name, old in before.items():
        new = after[name]
        if isinstance(old, MapValue) and isinstance(new, MapValue) and old != new:
            new_items = dict(new.items)
            changed.update(k for k, v in old.items if k in procs and new_items.get(k) != v)
    return sorted(changed, key=_natural)


def _sorted(values) -> list[Value]:
    return sorted(values, key=format_value)


def _ends(msg: Value, procs: set[str], actors: list[str]) -> tuple[str, str]:
    """Sender and receiver of a message (see the module docstring for the rule)."""
    named = {n: v for n, v in _fields(msg) if isinstance(v, str) and v in procs}
    src = next((named[n] for n in SENDER_FIELDS if n in named), None)
    dst = next((named[n] for n in RECEIVER_FIELDS if n in named), None)
    others = [v for n, v in named.items() if n not in SENDER_FIELDS + RECEIVER_FIELDS]
    if src is None:
        src = actors[0] if actors else None
        if src is None and len(others) >= 2 and dst is None:
            src = others.pop(0)
    if dst is None:
        dst = next((v for v in others if v != src), None)
    return src or OTHER, dst or OTHER


def in_flight(chart: Chart) -> list[Message]:
    """Messages neither received nor lost by the end of the trace."""
    return [m for m in chart.messages if m.received is None and m.lost is None]
