"""A sequential model written in the spec language: the spec's `operation`s over its variables.

Each operation is an action (ir.model.Operation): its parameters are the
invocation's arguments, and with a result its last parameter is the value
returned. The explicit backend compiles them; one step of an operation from
a spec state is `CompiledModel.replay` with the parameter tuple that holds
the invocation's arguments and the value the history says it returned (every
possible value when the outcome is unknown). Operations may be
nondeterministic (`choose`, `either`) and the spec may have several initial
states, so the search's state is the set of spec states the operations so
far can have reached (a subset construction, as Porcupine's
NondeterministicModel does); an operation is impossible when that set
becomes empty.

History values meet spec values through each type's universe: an integer is
an integer, a string names an atom or enum member, nil is `none`, a vector is
a sequence, a set is a set. A value outside a parameter's type is an error
at the operation's line.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Hashable

from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.ir.model import Model as SpecIR
from specpy.ir.types import type_name, universe, universe_size
from specpy.ir.values import MapValue, RecordValue, VariantValue, format_value
from specpy.linearizability.history import MISSING, Operation
from specpy.linearizability.models import REJECT, Model, ModelFailure, OpError, show

#: Largest parameter universe whose values are matched against history values.
MAX_VALUES = 100_000


def _spelling(value: Any) -> Hashable:
    """How a spec value is written in a history: atoms and enum members are their names
    (strings), sequences vectors, sets sets; the Python type is part of it, so that true is
    not 1. Records, maps and variants have no spelling and match nothing."""
    if isinstance(value, frozenset):
        return (frozenset, frozenset(_spelling(v) for v in value))
    if isinstance(value, tuple):
        return (tuple, tuple(_spelling(v) for v in value))
    if isinstance(value, (MapValue, RecordValue, VariantValue)):
        return (object, id(value))
    return (type(value), value)


class SpecModel(Model):
    """The operations of a spec as a linearizability model."""

    partitioned = False

    def __init__(self, spec: SpecIR):
        super().__init__(None)
        self.name = spec.name
        self.spec = spec
        ops = spec.operations
        self.by_name = {op.action.name: (k, op) for k, op in enumerate(ops)}
        self.operations = tuple(self.by_name)
        derived = dataclasses.replace(
            spec, actions=tuple(op.action for op in ops), invariants=(), transitions=(), properties=(),
            constraints=(), terminals=(), faults=None,
        )
        self.cm = CompiledModel(derived)
        self._tuples: dict[int, dict[tuple, int]] = {}
        self._universes: dict[Any, dict[Hashable, Any]] = {}

    def init(self) -> Hashable:
        out: list[tuple] = []
        try:
            self.cm.init(out)
        except (EvalFailure, AssertFailure) as exc:
            raise ModelFailure(self._failure("init", exc)) from None
        return frozenset(out)

    # ------------------------------------------------------------ operations

    def prepare(self, op: Operation) -> tuple | None:
        name = op.f.replace("-", "_")
        if name not in self.by_name:
            raise OpError(f"the spec {self.name} has no operation {op.f!r} (it has: {', '.join(self.operations)})", op)
        k, decl = self.by_name[name]
        params = decl.action.params
        inputs = params[:-1] if decl.has_result else params
        args = self._arguments(op, name, inputs)
        if not decl.has_result:
            return (k, name, args, MISSING, (self._tuple(k, args),), op.unknown)
        if op.unknown:
            result_type = params[-1].type
            ps = tuple(self._tuple(k, args + (v,)) for v in universe(result_type))
            return (k, name, args, MISSING, ps, True)
        returned = op.output if op.output is not MISSING else op.result
        value = self._value(op, returned, params[-1].type, f"the value {name} returned")
        return (k, name, args, value, (self._tuple(k, args + (value,)),), False)

    def _arguments(self, op: Operation, name: str, inputs: tuple) -> tuple:
        if not inputs:
            return ()
        if len(inputs) == 1:
            return (self._value(op, op.value, inputs[0].type, f"{name}'s argument {inputs[0].name}"),)
        if not (isinstance(op.value, tuple) and len(op.value) == len(inputs)):
            names = " ".join(p.name for p in inputs)
            raise OpError(f"{name} takes [{names}], found {show(op.value)}", op)
        return tuple(self._value(op, v, p.type, f"{name}'s argument {p.name}") for v, p in zip(op.value, inputs))

    def _value(self, op: Operation, value: Any, t: Any, what: str) -> Any:
        """The spec value of a history value, by the type's universe."""
        values = self._universes.get(t)
        if values is None:
            if universe_size(t) > MAX_VALUES:
                raise OpError(f"{what} has type {type_name(t)}, too large to match history values against", op)
            values = self._universes[t] = {_spelling(v): v for v in universe(t)}
        try:
            return values[_spelling(value)]
        except (KeyError, TypeError):
            raise OpError(f"{what} must be a {type_name(t)}, found {show(value)}", op) from None

    def _tuple(self, k: int, args: tuple) -> int:
        index = self._tuples.get(k)
        if index is None:
            index = self._tuples[k] = {tuple(a): p for p, a in enumerate(self.cm.actions[k].args)}
        return index[args]

    # ------------------------------------------------------------ steps

    def transition(self, payload: tuple) -> Callable[[Any], Any]:
        k, name, _, _, ps, unknown = payload
        replay = self.cm.replay

        def step(states: frozenset) -> Any:
            try:
                after = frozenset(t for s in states for p in ps for t in replay(k, p, s))
            except (EvalFailure, AssertFailure) as exc:
                raise ModelFailure(self._failure(f"operation {name}", exc)) from None
            if unknown:  # it may also not have taken effect (search.py: any model must accept it)
                return after | states
            return after if after else REJECT

        return step

    def _failure(self, where: str, exc: EvalFailure | AssertFailure) -> str:
        site = self.cm.sites.items[exc.site]
        if isinstance(exc, AssertFailure):
            return f"{site.span}: assert is false in {where}"
        return f"{site.span}: {where}: {exc.detail or exc.kind or site.kind}"

    # ------------------------------------------------------------ text

    def describe_op(self, payload: tuple) -> str:
        _, name, args, value, _, _ = payload
        call = f"{name}({', '.join(format_value(a) for a in args)})"
        return call if value is MISSING else f"{call} → {format_value(value)}"

    def describe_state(self, state: Any) -> str:
        shown = sorted(self._describe_one(s) for s in state)
        if len(shown) == 1:
            return shown[0]
        return "one of " + " | ".join(shown[:4]) + (f" | … ({len(shown)} states)" if len(shown) > 4 else "")

    def state_json(self, state: Any) -> Any:
        return [{n: format_value(v) for n, v in self.cm.states.decode(s).items()} for s in sorted(state)]

    def _describe_one(self, packed: tuple) -> str:
        values = self.cm.states.decode(packed)
        return ", ".join(f"{name} = {format_value(v)}" for name, v in values.items())
