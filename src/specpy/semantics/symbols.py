"""The global symbol table: every top-level name and what it denotes.

Top-level names share one namespace (constants, types, atoms, variant cases,
record types, variables, defs, actions, invariants...), so a name means one
thing everywhere. Enum members are the exception: two enums may share a
member name, which must then be written `Type.member`.
"""

from __future__ import annotations

from dataclasses import field

from specpy.diagnostics import Span
from specpy.ir.model import StateVar
from specpy.ir.types import AtomT, EnumT, Type, VariantT
from specpy.nodeclass import nodeclass
from specpy.semantics.consts import ConstValue
from specpy.syntax import ast


@nodeclass(frozen=False)
class DefInfo:
    decl: ast.DefDecl
    params: tuple[Type, ...] = ()


@nodeclass(frozen=False)
class Symbols:
    spans: dict[str, Span] = field(default_factory=dict)
    consts: dict[str, ConstValue] = field(default_factory=dict)
    types: dict[str, Type] = field(default_factory=dict)
    atoms: dict[str, AtomT] = field(default_factory=dict)
    enum_members: dict[str, list[EnumT]] = field(default_factory=dict)
    cases: dict[str, VariantT] = field(default_factory=dict)
    vars: dict[str, StateVar] = field(default_factory=dict)
    defs: dict[str, DefInfo] = field(default_factory=dict)
    actions: set[str] = field(default_factory=set)
    procs: dict[str, ast.ProcDecl] = field(default_factory=dict)

    def kind_of(self, name: str) -> str | None:
        """What a global name denotes, in words (for error messages)."""
        if name in self.consts:
            return "constant"
        if name in self.types:
            return "type"
        if name in self.atoms:
            return f"member of type {self.atoms[name].name}"
        if name in self.enum_members:
            return "enum member"
        if name in self.cases:
            return f"case of variant type {self.cases[name].name}"
        if name in self.vars:
            return "state variable"
        if name in self.defs:
            return "def"
        if name in self.actions:
            return "action"
        if name in self.procs:
            return "procedure"
        return None

    def all_names(self) -> list[str]:
        return [
            *self.consts, *self.types, *self.atoms, *self.enum_members,
            *self.cases, *self.vars, *self.defs, *self.procs,
        ]
