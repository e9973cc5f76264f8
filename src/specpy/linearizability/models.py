"""Sequential specifications the histories are checked against.

A model turns each `Operation` into a payload once (`prepare`, which also
validates the operation and may drop it when it cannot matter, such as a read
whose result is unknown) and into a transition (`transition(payload)`, a
function the search calls with a state), which returns the state after the
operation, or REJECT when the operation could not have returned what it
returned in that state (None is a state: nil). States and payloads are
hashable (the search caches (linearized set, state) pairs).

Every model must accept an operation whose outcome is unknown (`info`, or
never completed) in every state: the search may place such an operation at
the very end, which is how "it never took effect" is expressed.

`partition_key` makes a model P-compositional: operations with different keys
touch independent objects and are checked separately.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

from specpy.linearizability.history import MISSING, Operation


class _Reject:
    def __repr__(self) -> str:
        return "REJECT"


#: What `step` returns when the operation is impossible in the state.
REJECT: Any = _Reject()


class ModelFailure(Exception):
    """The model itself failed while stepping (a spec operation that fails to evaluate)."""


class OpError(Exception):
    """An operation the model cannot interpret (reported at its line, exit 151)."""

    def __init__(self, message: str, op: Operation):
        super().__init__(message)
        self.message = message
        self.op = op


def show(value: Any) -> str:
    """A value as Jepsen users read it: nil, "strings", [vectors], #{sets}."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + " ".join(show(v) for v in value) + "]"
    if isinstance(value, frozenset):
        return "#{" + " ".join(sorted(show(v) for v in value)) + "}"
    return str(value)


class Model:
    """A built-in sequential object; subclasses define the operations."""

    name = ""
    operations: tuple[str, ...] = ()
    partitioned = False

    def __init__(self, initial: Any = None):
        self.initial = initial

    def init(self) -> Hashable:
        return self.initial

    def prepare(self, op: Operation) -> tuple | None:
        if op.f not in self.operations:
            raise OpError(f"the {self.name} model has no operation {op.f!r} (it has: {', '.join(self.operations)})", op)
        return getattr(self, "_prepare_" + op.f.replace("-", "_"))(op)

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        """The operation as a function of the state (the search's inner loop calls it)."""
        raise NotImplementedError

    def step(self, state: Any, payload: tuple) -> Any:
        return self.transition(payload)(state)

    def partition_key(self, payload: tuple) -> Hashable:
        return None

    def describe_op(self, payload: tuple) -> str:
        raise NotImplementedError

    def describe_state(self, state: Any) -> str:
        return f"the {self.name} held {show(state)}"

    def state_json(self, state: Any) -> Any:
        """The state in --json output (plain values; report.jsonable finishes the job)."""
        return state


def _returned(op: Operation) -> Any:
    """What a completed operation returned: its "output" if given, else its ok's value."""
    return op.output if op.output is not MISSING else op.result


class Register(Model):
    """A read/write register; a read returns the value last written (initially nil)."""

    name = "register"
    operations = ("read", "write")

    def _prepare_read(self, op: Operation) -> tuple | None:
        return None if op.unknown else ("read", _returned(op))

    def _prepare_write(self, op: Operation) -> tuple:
        return ("write", op.value)

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        kind, value = payload[0], payload[1]
        if kind == "write":
            return lambda state: value
        return lambda state: state if state == value else REJECT

    def describe_op(self, payload: tuple) -> str:
        if payload[0] == "read":
            return f"read() → {show(payload[1])}"
        return f"write({show(payload[1])})"

    def describe_state(self, state: Any) -> str:
        return f"the register held {show(state)}"


class CasRegister(Register):
    """A register with compare-and-set: cas [from to] sets `to` if it holds `from`.
    A cas that returned false (`"output": false`) found another value; a cas that
    failed (`:fail`) did not take effect and is dropped, as in Jepsen."""

    name = "cas-register"
    operations = ("read", "write", "cas")

    def _prepare_cas(self, op: Operation) -> tuple:
        if not (isinstance(op.value, tuple) and len(op.value) == 2):
            raise OpError(f"cas takes a pair [from to], found {show(op.value)}", op)
        if op.unknown:
            outcome = None
        else:
            outcome = op.output if op.output is not MISSING else True
            if not isinstance(outcome, bool):
                raise OpError(f"a cas's output must be true or false, found {show(outcome)}", op)
        return ("cas", op.value[0], op.value[1], outcome)

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        if payload[0] != "cas":
            return super().transition(payload)
        _, old, new, outcome = payload
        if outcome is None:
            return lambda state: new if state == old else state
        if outcome:
            return lambda state: new if state == old else REJECT
        return lambda state: state if state != old else REJECT

    def describe_op(self, payload: tuple) -> str:
        if payload[0] != "cas":
            return super().describe_op(payload)
        outcome = {None: "", True: "", False: " → false"}[payload[3]]
        return f"cas({show(payload[1])}, {show(payload[2])}){outcome}"


class KeyValue(Model):
    """A map of registers: get / put / append per key, each key checked on its own.

    The key is the event's `:key`, or the first element of a `[key value]`
    value (Jepsen's independent keys). `append` concatenates strings (as
    Porcupine's kv model does) and appends any other value to a list."""

    name = "kv"
    operations = ("get", "put", "append")
    partitioned = True

    def _key_value(self, op: Operation, value: Any, what: str) -> tuple[Hashable, Any]:
        if op.key is not MISSING:
            return op.key, value
        if isinstance(value, tuple) and len(value) == 2:
            return value
        raise OpError(f"{op.f} needs a :key, or a [key value] pair as its {what}, found {show(value)}", op)

    def _prepare_get(self, op: Operation) -> tuple | None:
        key, _ = self._key_value(op, op.value, "value")
        if op.unknown:
            return None
        returned = _returned(op)
        if op.key is MISSING:
            _, returned = self._key_value(op, returned, "ok's value")
        return ("get", key, returned)

    def _prepare_put(self, op: Operation) -> tuple:
        return ("put", *self._key_value(op, op.value, "value"))

    def _prepare_append(self, op: Operation) -> tuple:
        return ("append", *self._key_value(op, op.value, "value"))

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        kind, _, value = payload
        if kind == "get":
            return lambda state: state if state == value else REJECT
        if kind == "put":
            return lambda state: value
        # append: to a string, or to a list
        empty = "" if isinstance(value, str) else ()
        tail = value if isinstance(value, str) else (value,)
        return lambda state: (
            (empty if state is None else state) + tail if state is None or type(state) is type(empty) else REJECT
        )

    def partition_key(self, payload: tuple) -> Hashable:
        return payload[1]

    def describe_op(self, payload: tuple) -> str:
        kind, key, value = payload
        if kind == "get":
            return f"get({show(key)}) → {show(value)}"
        return f"{kind}({show(key)}, {show(value)})"

    def describe_state(self, state: Any) -> str:
        return f"the key held {show(state)}"


class SetModel(Model):
    """A set: add x, remove x, and read, which returns every element."""

    name = "set"
    operations = ("add", "remove", "read")

    def init(self) -> Hashable:
        return frozenset() if self.initial is None else frozenset(self.initial)

    def _prepare_add(self, op: Operation) -> tuple:
        return ("add", op.value)

    def _prepare_remove(self, op: Operation) -> tuple:
        return ("remove", op.value)

    def _prepare_read(self, op: Operation) -> tuple | None:
        if op.unknown:
            return None
        returned = _returned(op)
        if not isinstance(returned, (tuple, frozenset)):
            raise OpError(f"a set's read returns a collection of elements, found {show(returned)}", op)
        return ("read", frozenset(returned))

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        kind, value = payload
        if kind == "add":
            return lambda state: state | {value}
        if kind == "remove":
            return lambda state: state - {value}
        return lambda state: state if state == value else REJECT

    def describe_op(self, payload: tuple) -> str:
        kind, value = payload
        return f"read() → {show(value)}" if kind == "read" else f"{kind}({show(value)})"

    def describe_state(self, state: Any) -> str:
        return f"the set held {show(state)}"


class Queue(Model):
    """A FIFO queue: enqueue x; dequeue returns the oldest element (nil when empty)."""

    name = "queue"
    operations = ("enqueue", "dequeue")

    def init(self) -> Hashable:
        return () if self.initial is None else tuple(self.initial)

    def _prepare_enqueue(self, op: Operation) -> tuple:
        return ("enqueue", op.value)

    def _prepare_dequeue(self, op: Operation) -> tuple:
        return ("dequeue", MISSING if op.unknown else _returned(op))

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        kind, value = payload
        if kind == "enqueue":
            return lambda state: state + (value,)
        if value is MISSING:  # a dequeue whose result is unknown
            return lambda state: state[1:]
        if value is None:  # found the queue empty
            return lambda state: state if not state else REJECT
        return lambda state: state[1:] if state and state[0] == value else REJECT

    def describe_op(self, payload: tuple) -> str:
        kind, value = payload
        if kind == "enqueue":
            return f"enqueue({show(value)})"
        return "dequeue()" if value is MISSING else f"dequeue() → {show(value)}"

    def describe_state(self, state: Any) -> str:
        return "the queue was empty" if not state else f"the queue held {show(state)} (oldest first)"


BUILTIN: dict[str, type[Model]] = {
    m.name: m for m in (Register, CasRegister, KeyValue, SetModel, Queue)
}
