"""`@nodeclass`: `@dataclass(frozen=True)` for the many small node classes, cheap to define.

The syntax tree (syntax/ast.py) and the IR (ir/) declare about 180 frozen
dataclasses, and every `specpy` run imports them. Python 3.11's `dataclass`
compiles six methods per class, one `exec` each, and calls inspect.signature
for a class without a docstring: about 60 ms of a one-state check's start-up.
`nodeclass` lets `dataclass` collect the fields only, and then gives the class
what a frozen dataclass has with no compiling but `__init__`'s, and that only
once per distinct signature (most node classes share one: `(left, right, span)`):

- `__eq__` and `__hash__` compare the `compare` fields with one attrgetter;
  equality holds only between instances of the same class;
- `__repr__` shows the `repr` fields; `__setattr__`/`__delattr__` raise
  FrozenInstanceError;
- `dataclasses.fields`, `replace`, `is_dataclass`, `asdict`, `match` on
  positional fields, defaults, default factories and `__post_init__` work
  as for any dataclass, and type checkers see a frozen dataclass.

Not supported (no node class uses them): `InitVar`, `kw_only`, ordering,
slots. A node class's subclasses are declared with `@nodeclass` too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform

T = TypeVar("T")

#: `__init__` code by source text: classes with the same signature share it.
_INIT_CODE: dict[str, Any] = {}


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def nodeclass(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` for cls, its methods built without compiling (but `__init__`, once)."""
    if not cls.__dict__.get("__doc__"):
        cls.__doc__ = cls.__name__  # else dataclass computes a signature for it
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    methods: dict[str, Callable] = {
        "__init__": _init(cls, fields),
        "__repr__": _repr([f.name for f in fields if f.repr]),
        "__setattr__": _frozen_setattr,
        "__delattr__": _frozen_delattr,
    }
    methods.update(_eq_hash([f.name for f in fields if f.compare], [f.name for f in fields if _hashed(f)]))
    own = cls.__dict__
    explicit_hash = own.get("__hash__") is not None
    for name, fn in methods.items():
        if name not in own or (name == "__hash__" and not explicit_hash):  # as dataclass: a method written in the class stays
            setattr(cls, name, fn)
    return cls


def _hashed(f: dataclasses.Field) -> bool:
    return f.compare if f.hash is None else f.hash


def _init(cls: type, fields: tuple[dataclasses.Field, ...]) -> Callable:
    params, body, defaults = ["self"], [], {}
    for i, f in enumerate(fields):
        if f.default is not MISSING:
            defaults[f"_d{i}"] = f.default
            params.append(f"{f.name}=_d{i}")
        elif f.default_factory is not MISSING:
            defaults[f"_f{i}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING: {f.name} = _f{i}()")
        else:
            params.append(f.name)
        body.append(f"    _set(self, {f.name!r}, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    # Defaults are read from the globals the code runs with, so the code is shared.
    source = "def make():\n  def __init__(" + ", ".join(params) + "):\n" + "\n".join(
        "  " + line for line in body or ["    pass"]
    ) + "\n  return __init__\n"
    code = _INIT_CODE.get(source)
    if code is None:
        code = _INIT_CODE[source] = compile(source, "<nodeclass>", "exec")  # field names only: identifiers
    namespace = {"_set": object.__setattr__, "_MISSING": MISSING, **defaults}
    exec(code, namespace)
    init = namespace["make"]()
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _eq_hash(compared: list[str], hashed: list[str]) -> dict[str, Callable]:
    key: Callable[[Any], Any] = attrgetter(*compared) if compared else (lambda self: ())
    hash_key: Callable[[Any], Any] = key if hashed == compared else attrgetter(*hashed) if hashed else (lambda self: ())

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hash_key(self))

    return {"__eq__": __eq__, "__hash__": __hash__}


def _repr(names: list[str]) -> Callable:
    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

    return __repr__


def _frozen_setattr(self: object, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
