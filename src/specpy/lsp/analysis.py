"""One version of one spec, analysed for the editor: diagnostics and where every name is.

No LSP types here (server.py converts): positions are 1-based (line,
column) in code points, as `Span`s are. `analyse(text, path)` never raises:
a spec that does not parse has its syntax diagnostic and no names; a spec
that does not typecheck has every diagnostic and all the names the parser
and the typechecker found (semantics/index.py).

Where names are:

* **globals** (constants, types, atoms, enum members, variant cases,
  variables, defs, actions, procedures, invariants, ...) from the syntax
  tree's declarations, and their uses among the NAME tokens of the text:
  a local may not shadow a global (`E-shadowing`), so a NAME token spelled
  like a global is that global — except a field (`m.term`, `{term: ...}`,
  `term: Term` in a record type), which the token's neighbours tell apart;
  `Color.red` is the member `red` of enum `Color`;
* **locals** (parameters, `let`, bound variables) from the typechecker,
  each binding with its uses and its type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from specpy.diagnostics import Diagnostic, SourceFile, SpecError, Span
from specpy.ir import expr as ir
from specpy.ir.types import type_name
from specpy.options import Overrides
from specpy.semantics.index import NameIndex
from specpy.syntax import ast

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Decl:
    """A global declaration: its name's span, the whole declaration's, and its kind in words."""

    name: str
    kind: str
    span: Span
    full: Span
    parent: str | None = None  # the type of a member or case


@dataclass(frozen=True)
class Occurrence:
    """A name in the text: a global's (decl) or a local's (local), declared here or used."""

    span: Span
    name: str
    decl: Decl | None = None
    local: ir.Local | None = None
    is_decl: bool = False


@dataclass
class Analysis:
    source: SourceFile
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module: ast.Module | None = None
    decls: list[Decl] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    index: NameIndex | None = None

    @property
    def parsed(self) -> bool:
        return self.module is not None

    # ------------------------------------------------------------ queries

    def at(self, line: int, column: int) -> Occurrence | None:
        """The name at a position (1-based), or just before it (the cursor at a name's end)."""
        for occ in self.occurrences:
            s = occ.span
            if s.line == line and s.column <= column <= s.end_column:
                return occ
        return None

    def references(self, occ: Occurrence, include_declaration: bool = True) -> list[Occurrence]:
        same = [o for o in self.occurrences if _same_target(o, occ)]
        return [o for o in same if include_declaration or not o.is_decl]

    def definition(self, occ: Occurrence) -> Span | None:
        if occ.decl is not None:
            return occ.decl.span
        return next((o.span for o in self.occurrences if o.is_decl and _same_target(o, occ)), None)

    def global_named(self, name: str) -> Decl | None:
        return next((d for d in self.decls if d.name == name and d.kind != "field"), None)

    def enclosing(self, line: int) -> Decl | None:
        """The top-level declaration a line is in."""
        for d in self.decls:
            if d.parent is None and d.full.line <= line <= d.full.end_line:
                return d
        return None

    def locals_before(self, line: int, column: int) -> list[ir.Local]:
        """The locals bound in the declaration around a position, before it (for completion)."""
        around = self.enclosing(line)
        if around is None or self.index is None:
            return []
        out: dict[str, ir.Local] = {}
        for span, local in self.index.bindings:
            inside = around.full.line <= span.line <= around.full.end_line
            if inside and (span.line, span.column) < (line, column):
                out[local.name] = local
        return list(out.values())

    # ------------------------------------------------------------ hover

    def hover(self, occ: Occurrence) -> str:
        """Markdown: what the name is, its type or value, and its declaration's comment."""
        if occ.local is not None:
            return f"```specpy\n{occ.name}: {type_name(occ.local.type)}\n```\nlocal name"
        decl = occ.decl
        assert decl is not None
        lines = [f"```specpy\n{self._declaration_text(decl)}\n```"]
        detail = self._detail(decl)
        if detail:
            lines.append(detail)
        comment = self.comment_above(decl)
        if comment:
            lines.append(comment)
        return "\n\n".join(lines)

    def _declaration_text(self, decl: Decl) -> str:
        if decl.kind == "field" and decl.full.line == decl.full.end_line:
            text = self.source.line(decl.full.line)[decl.full.column - 1 : decl.full.end_column - 1]
            return f"{text}  (field of {decl.parent})"
        if decl.parent is not None:
            return f"{decl.name}  ({decl.kind} of {decl.parent})"
        first, last = decl.full.line, decl.full.end_line
        if decl.kind in ("action", "operation", "proc", "init"):
            last = first  # the header: the body is too long to read in a hover
        text = [self.source.line(n) for n in range(first, min(last, first + 7) + 1)]
        if last > first + 7:
            text.append("    ...")
        return "\n".join(_strip_comment(t) for t in text).strip()

    def _detail(self, decl: Decl) -> str:
        symbols = self.index.symbols if self.index is not None else None
        if symbols is None:
            return ""
        if decl.kind == "const" and decl.name in symbols.consts:
            value = symbols.consts[decl.name]
            return f"constant, value `{str(value).lower() if isinstance(value, bool) else value}`"
        if decl.kind == "state variable" and decl.name in symbols.vars:
            return f"state variable of type `{type_name(symbols.vars[decl.name].type)}`"
        if decl.kind == "type" and decl.name in symbols.types:
            return f"type `{type_name(symbols.types[decl.name])}`"
        if decl.kind == "def" and decl.name in symbols.defs:
            return "def (inlined where it is used)"
        return decl.kind

    def comment_above(self, decl: Decl) -> str:
        """The `#` lines just above a declaration (or above its type, for a member), and its
        trailing comment."""
        owner = self.global_named(decl.parent) if decl.parent is not None else decl
        if owner is None:
            return ""
        lines: list[str] = []
        n = owner.full.line - 1
        while n >= 1 and self.source.line(n).lstrip().startswith("#"):
            lines.insert(0, self.source.line(n).lstrip()[1:].strip())
            n -= 1
        line = self.source.line(decl.span.line)
        if "#" in line[decl.span.column - 1:]:
            lines.append(line[line.index("#", decl.span.column - 1) + 1:].strip())
        return "\n".join(lines).strip()


def _same_target(a: Occurrence, b: Occurrence) -> bool:
    if a.local is not None or b.local is not None:
        return a.local is not None and b.local is not None and a.local.uid == b.local.uid
    return a.decl is not None and a.decl == b.decl


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip() if "#" in line else line.rstrip()


# ---------------------------------------------------------------- building


def analyse(text: str, path: str) -> Analysis:
    """Parse and typecheck one text; every failure becomes a diagnostic."""
    from specpy.semantics.analyze import analyze
    from specpy.syntax.parser import parse_with_tokens

    source = SourceFile(path, text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    result = Analysis(source)
    try:
        result.module, found = parse_with_tokens(source)
    except SpecError as exc:
        result.diagnostics = list(exc.diagnostics)
        return result
    index = NameIndex()
    result.index = index
    try:
        analyze(result.module, source, Overrides(), index)
    except SpecError as exc:
        result.diagnostics = list(exc.diagnostics)
    result.decls = declarations(result.module)
    result.occurrences = _occurrences(source, result.decls, index, found)
    return result


def declarations(module: ast.Module) -> list[Decl]:
    """Every global declaration of a module, members and cases after their type."""
    out: list[Decl] = []
    for d in module.decls:
        kind = _KINDS.get(type(d))
        name = getattr(d, "name", None)
        if kind is None or not isinstance(name, ast.Ident):
            continue
        out.append(Decl(name.name, kind, name.span, d.span))
        if isinstance(d, ast.TypeDecl):
            out.extend(_members(d))
    return out


def _members(d: ast.TypeDecl) -> list[Decl]:
    body, owner = d.body, d.name.name
    if isinstance(body, ast.AtomsBody):
        return [Decl(m.name, "atom", m.span, m.span, owner) for m in body.members]
    if isinstance(body, ast.EnumBody):
        return [Decl(m.name, "enum member", m.span, m.span, owner) for m in body.members]
    if isinstance(body, ast.VariantBody):
        out = []
        for a in body.alts:
            out.append(Decl(a.name.name, "case", a.name.span, a.span, owner))
            out.extend(Decl(f.name.name, "field", f.name.span, f.span, a.name.name) for f in a.fields)
        return out
    if isinstance(body, ast.RecordBody):
        return [Decl(f.name.name, "field", f.name.span, f.span, owner) for f in body.fields]
    return []


_KINDS: dict[type, str] = {
    ast.SpecHeader: "spec",
    ast.ConstDecl: "const",
    ast.TypeDecl: "type",
    ast.VarDecl: "state variable",
    ast.DefDecl: "def",
    ast.ActionDecl: "action",
    ast.OperationDecl: "operation",
    ast.ProcDecl: "proc",
    ast.InvariantDecl: "invariant",
    ast.TransitionDecl: "transition invariant",
    ast.PropertyDecl: "property",
    ast.MeasureDecl: "measure",
}


def _occurrences(source: SourceFile, decls: list[Decl], index: NameIndex, toks: list[Any]) -> list[Occurrence]:
    def key(span: Span) -> tuple[int, int]:
        return (span.line, span.column)

    out: dict[tuple[int, int], Occurrence] = {}
    for span, local in index.bindings:
        if span.line > 0:
            out[key(span)] = Occurrence(span, local.name, local=local, is_decl=True)
    for span, local in index.uses:
        if span.line > 0 and key(span) not in out:
            out[key(span)] = Occurrence(span, local.name, local=local)
    by_span = {key(d.span): d for d in decls}
    globals_ = {d.name: d for d in decls if d.kind != "field" and d.kind != "enum member"}
    members: dict[tuple[str, str], Decl] = {(d.parent, d.name): d for d in decls if d.parent is not None}  # type: ignore[misc]
    enum_members: dict[str, list[Decl]] = {}
    for d in decls:
        if d.kind == "enum member":
            enum_members.setdefault(d.name, []).append(d)
    for i, tok in enumerate(toks):
        if tok.type != "NAME":
            continue
        span = Span(source.path, tok.line, tok.column, tok.end_line, tok.end_column)
        k = key(span)
        if k in out:
            continue
        if k in by_span:
            out[k] = Occurrence(span, tok.value, by_span[k], is_decl=True)
            continue
        prev = toks[i - 1] if i > 0 else None
        after = toks[i + 1] if i + 1 < len(toks) else None
        if prev is not None and prev.type == "DOT":
            owner = toks[i - 2] if i > 1 and toks[i - 2].type == "NAME" else None
            member = members.get((owner.value, tok.value)) if owner is not None else None
            if member is not None and member.kind in ("enum member", "atom", "case"):
                out[k] = Occurrence(span, tok.value, member)
            elif owner is not None:
                found = _field(out.get((owner.line, owner.column)), tok.value, members, index)
                if found is not None:
                    out[k] = Occurrence(span, tok.value, found)
            continue
        if after is not None and after.type == "COLON" and prev is not None and prev.type in ("_LBRACE", "COMMA", "LPAR"):
            continue  # a field's name, or a binder the typechecker did not reach
        decl = globals_.get(tok.value)
        if decl is None and len(enum_members.get(tok.value, [])) == 1:
            decl = enum_members[tok.value][0]
        if decl is not None:
            out[k] = Occurrence(span, tok.value, decl)
    return sorted(out.values(), key=lambda o: key(o.span))


def _field(owner: Occurrence | None, name: str, members: dict[tuple[str, str], Decl], index: NameIndex) -> Decl | None:
    """The declaration of field `name` of a record or variant value held by a name (`m.term`
    with `m` a local or a state variable), or None."""
    from specpy.ir.types import OptionT, RecordT, VariantT

    if owner is None:
        return None
    t = owner.local.type if owner.local is not None else None
    if t is None and owner.decl is not None and index.symbols is not None and owner.decl.name in index.symbols.vars:
        t = index.symbols.vars[owner.decl.name].type
    if isinstance(t, OptionT):
        t = t.inner
    if isinstance(t, RecordT):
        return members.get((t.name, name))
    if isinstance(t, VariantT):
        for case in t.cases:
            if name in dict(case.fields):
                return members.get((case.name, name))
    return None
