"""`@nodeclass`: `@dataclass(frozen=True)` for the many small classes every run defines, cheap to define.

The syntax tree (syntax/ast.py) and the IR (ir/) declare about 180 frozen
dataclasses, the results, options and search records some 40 more, and every
`specpy` run imports them. Python 3.11's `dataclass` takes 0.2-0.7 ms a class
(it compiles each method with its own `exec`, and calls inspect.signature for a
class without a docstring): 60 ms of a one-state check's start-up at first.
`nodeclass` gives a class what the dataclass would have, without `dataclass`:

- the fields are collected from the class's annotations (and its dataclass
  bases') as `dataclasses.Field`s, so `dataclasses.fields`, `replace`,
  `is_dataclass`, `asdict`, `match` on positional fields, defaults, default
  factories, `field(init=False)` and `__post_init__` work as for any dataclass,
  and type checkers see a dataclass (`dataclass_transform`);
- `__eq__` and `__hash__` compare the `compare` fields with one attrgetter;
  equality holds only between instances of the same class; `__hash__` is None
  for a mutable class, as dataclass makes it;
- `__repr__` shows the `repr` fields; a frozen class's `__setattr__`/
  `__delattr__` raise FrozenInstanceError;
- `__init__` is compiled on the class's first instantiation (a run uses a
  fraction of the node classes), and shared by classes of one signature.

`@nodeclass` is frozen; `@nodeclass(frozen=False)` is a mutable `@dataclass`,
`eq=False` and `order=True` as dataclass's. Not supported (no class uses
them): `InitVar`, `kw_only`, `KW_ONLY`, slots. A subclass of a nodeclass is
declared with `@nodeclass` too (a plain frozen dataclass subclass works, but
pays dataclass's price).
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, Field, FrozenInstanceError
from functools import cache
from operator import attrgetter
from typing import Any, Callable, ClassVar, TypeVar, dataclass_transform, get_origin, overload

T = TypeVar("T")

#: `__init__` code by source text: classes with the same signature share it.
_INIT_CODE: dict[str, Any] = {}
#: What `dataclasses.fields` looks for in a field's `_field_type` (dataclasses' own markers).
_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]
_FIELD_CLASSVAR = dataclasses._FIELD_CLASSVAR  # type: ignore[attr-defined]
#: `order=True`'s methods: the compare fields as tuples, compared by these.
_ORDER = {"__lt__": tuple.__lt__, "__le__": tuple.__le__, "__gt__": tuple.__gt__, "__ge__": tuple.__ge__}


@overload
@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def nodeclass(cls: type[T], /) -> type[T]: ...


@overload
def nodeclass(*, frozen: bool = True, eq: bool = True, order: bool = False) -> Callable[[type[T]], type[T]]: ...


def nodeclass(cls: Any = None, /, *, frozen: bool = True, eq: bool = True, order: bool = False) -> Any:
    """`@dataclass(frozen=True)` for cls (or `frozen`, `eq`, `order` as dataclass's), cheap to define."""
    if cls is None:
        return lambda c: _make(c, frozen, eq, order)
    return _make(cls, frozen, eq, order)


def _make(cls: type[T], frozen: bool, eq: bool, order: bool) -> type[T]:
    if order and not eq:
        raise ValueError("eq must be true if order is true")
    own = cls.__dict__
    fields = _collect(cls, frozen)
    setattr(cls, "__dataclass_fields__", fields)
    setattr(cls, "__dataclass_params__", _params(frozen, eq, order))
    real = [f for f in fields.values() if f._field_type is _FIELD]  # type: ignore[attr-defined]
    if not own.get("__doc__"):
        cls.__doc__ = cls.__name__
    if "__match_args__" not in own:
        setattr(cls, "__match_args__", tuple(f.name for f in real if f.init))
    methods: dict[str, Any] = {"__init__": _lazy_init(cls, real, frozen), "__repr__": _repr([f.name for f in real if f.repr])}
    if frozen:
        methods |= {"__setattr__": _frozen_setattr, "__delattr__": _frozen_delattr}
    compared = [f.name for f in real if f.compare]
    if eq:
        # As dataclass: a __hash__ written in the class stays (Python sets __hash__ = None for a
        # class that writes __eq__ alone, which counts as not written).
        explicit_hash = own.get("__hash__", MISSING) not in (MISSING, None) or ("__hash__" in own and "__eq__" not in own)
        methods |= _eq_hash(compared, [f.name for f in real if (f.compare if f.hash is None else f.hash)])
        if explicit_hash:
            del methods["__hash__"]
        elif not frozen:
            methods["__hash__"] = None
    if order:
        for name, test in _ORDER.items():
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}. Consider using functools.total_ordering")
            methods[name] = _compare(compared, test)
    for name, fn in methods.items():
        if name not in own or name == "__hash__":
            setattr(cls, name, fn)
    return cls


def _collect(cls: type, frozen: bool) -> dict[str, Field]:
    """The class's fields by name, its dataclass bases' first (as `dataclass` collects them)."""
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = base.__dict__.get("__dataclass_fields__")
        if inherited is not None:
            if base.__dict__["__dataclass_params__"].frozen != frozen:
                kind = "frozen" if frozen else "non-frozen"
                raise TypeError(f"cannot inherit {kind} dataclass from a {'non-frozen' if frozen else 'frozen'} one")
            fields.update(inherited)
    own = cls.__dict__
    annotations = own.get("__annotations__", {})
    for name, annotation in annotations.items():
        default = own.get(name, MISSING)
        f = default if isinstance(default, Field) else dataclasses.field(default=default)
        f.name, f.type = name, annotation
        classvar = _is_classvar(annotation)
        f._field_type = _FIELD_CLASSVAR if classvar else _FIELD  # type: ignore[attr-defined]
        if (isinstance(annotation, str) and ("InitVar" in annotation or "KW_ONLY" in annotation)) or f.kw_only is True:
            raise TypeError(f"{cls.__name__}.{name}: InitVar and keyword-only fields are not supported by @nodeclass")
        if f.kw_only is MISSING:
            f.kw_only = False  # type: ignore[assignment]
        if classvar:
            if f.default_factory is not MISSING:
                raise TypeError(f"field {name} cannot have a default factory")
        elif f.default is not MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        if isinstance(default, Field):
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        fields[name] = f
    for name, value in own.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    seen_default = False
    for f in fields.values():
        if f._field_type is _FIELD and f.init:  # type: ignore[attr-defined]
            if f.default is MISSING and f.default_factory is MISSING:
                if seen_default:
                    raise TypeError(f"non-default argument {f.name!r} follows default argument")
            else:
                seen_default = True
    return fields


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or get_origin(annotation) is ClassVar


@cache
def _params(frozen: bool, eq: bool, order: bool) -> Any:
    """A dataclass's `__dataclass_params__` for these options (one, shared by the classes that have them)."""
    probe = dataclasses.dataclass(frozen=frozen, eq=eq, order=order)(type("_Probe", (), {"__doc__": "probe"}))
    return probe.__dataclass_params__  # type: ignore[attr-defined]


def _lazy_init(cls: type, fields: list[Field], frozen: bool) -> Callable:
    """An `__init__` that compiles the class's own on the first call, puts it in its place and runs it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _init(cls, fields, frozen)
        if cls.__dict__.get("__init__") is __init__:
            type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _init(cls: type, fields: list[Field], frozen: bool) -> Callable:
    params, body, defaults = ["self"], [], {}
    for i, f in enumerate(fields):
        value = f.name
        if f.default is not MISSING:
            defaults[f"_d{i}"] = f.default
            if f.init:
                params.append(f"{f.name}=_d{i}")
            else:
                value = f"_d{i}"
        elif f.default_factory is not MISSING:
            defaults[f"_f{i}"] = f.default_factory
            if f.init:
                params.append(f"{f.name}=_MISSING")
                body.append(f"    if {f.name} is _MISSING: {f.name} = _f{i}()")
            else:
                value = f"_f{i}()"
        elif f.init:
            params.append(f.name)
        else:
            continue  # init=False without a default: not set, as dataclass does
        body.append(f"    _set(self, {f.name!r}, {value})" if frozen else f"    self.{f.name} = {value}")
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


def _compare(compared: list[str], test: Callable[[tuple, tuple], Any]) -> Callable:
    """An `order=True` comparison: `test` on the compare fields as tuples, instances of one class only."""
    key: Callable[[Any], tuple] = lambda self: tuple(getattr(self, n) for n in compared)  # noqa: E731

    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return test(key(self), key(other))
        return NotImplemented

    return compare


def _repr(names: list[str]) -> Callable:
    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

    return __repr__


def _frozen_setattr(self: object, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
