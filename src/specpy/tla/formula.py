"""A small tree of TLA+ formulas and its layout as bulleted /\\ and \\/ lists.

TLA+ bulleted lists are layout-sensitive: every line of an item must be
indented past its bullet. Rendering builds lines bottom-up, so an item's
continuation lines are simply indented by the bullet's width.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    pass


@dataclass(frozen=True)
class Atom(Formula):
    text: str


@dataclass(frozen=True)
class Conj(Formula):
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class Disj(Formula):
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class Exists(Formula):
    binding: str  # "x \\in S"
    body: Formula


@dataclass(frozen=True)
class Let(Formula):
    defs: tuple[tuple[str, str], ...]  # (name, definition text)
    body: Formula


@dataclass(frozen=True)
class Ite(Formula):
    cond: str
    then: Formula
    other: Formula


FALSE = Atom("FALSE")


def conj(items: list[Formula]) -> Formula:
    flat: list[Formula] = []
    for f in items:
        if isinstance(f, Conj):
            flat.extend(f.items)
        elif f != Atom("TRUE"):
            flat.append(f)
    if not flat:
        return Atom("TRUE")
    return flat[0] if len(flat) == 1 else Conj(tuple(flat))


def disj(items: list[Formula]) -> Formula:
    flat = [f for f in items if f != FALSE]
    if not flat:
        return FALSE
    return flat[0] if len(flat) == 1 else Disj(tuple(flat))


def render(f: Formula) -> list[str]:
    """The lines of f, unindented (the caller indents them as a block)."""
    match f:
        case Atom(text):
            return [text]
        case Conj(items) | Disj(items):
            bullet = "/\\ " if isinstance(f, Conj) else "\\/ "
            out = []
            for item in items:
                lines = render(item)
                out.append(bullet + lines[0])
                out.extend("   " + line for line in lines[1:])
            return out
        case Exists(binding, body):
            lines = render(body)
            if len(lines) == 1:
                return [f"\\E {binding} : {lines[0]}"]
            return [f"\\E {binding} :"] + ["    " + line for line in lines]
        case Let(defs, body):
            out = []
            for k, (name, text) in enumerate(defs):
                out.append(("LET " if k == 0 else "    ") + f"{name} == {text}")
            lines = render(body)
            out.append("IN  " + lines[0])
            out.extend("    " + line for line in lines[1:])
            return out
        case Ite(cond, then, other):
            out = [f"IF {cond}"]
            for word, branch in (("THEN ", then), ("ELSE ", other)):
                lines = render(branch)
                out.append(word + lines[0])
                out.extend("     " + line for line in lines[1:])
            return out
    raise TypeError(f"not a formula: {f!r}")
