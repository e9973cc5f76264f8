"""What a run checks: built before the search, printed as the report's head,
and named again by the verdict ("4 invariants and 2 properties hold").

A user should not have to read the spec to learn whether liveness was
checked, under which fairness, with which constants and fault budget. The
head is one line per item, only for what the spec has, so a small spec gets
a short head; `--quiet` and `--json` print none (`--json` carries the same
facts as `checked`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from specpy.ir.types import AtomT
from specpy.ir.values import format_value
from specpy.result import Checked

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.options import CheckOptions, Overrides

#: The width the head wraps at (a terminal's usual width, and deterministic for tests).
COLUMNS = 100

#: How `--backend` choices read in the head.
ENGINES = {
    "native": "explicit search, native (C) core",
    "python": "explicit search, Python core",
    "auto": "explicit search, native (C) core where the spec allows it, else Python",
    "z3": "bounded model checking with Z3",
    "simulate": "random walks (simulation, not a proof)",
}


def describe(
    model: Model, options: CheckOptions, overrides: Overrides, backend: str, walks: str | None = None
) -> Checked:
    """What checking `model` with `options` checks; `backend` is a key of ENGINES;
    `walks` describes a simulation's random walks."""
    atoms = [t for t in model.types.values() if isinstance(t, AtomT)]
    faults = model.faults
    fault_kinds: tuple[str, ...] = ()
    if faults is not None:
        fault_kinds = (
            tuple(f"lose {v}" for v in faults.lose)
            + tuple(f"duplicate {v}" for v in faults.duplicate)
            + tuple(f"crash {c.type.name}" for c in faults.crash)
        )
    bounds: list[str] = [walks] if walks is not None else []
    if options.max_depth is not None and backend != "simulate":
        bounds.append(f"depth {options.max_depth:,}")
    if options.max_states is not None:
        bounds.append(f"at most {options.max_states:,} distinct states")
    if options.timeout is not None:
        bounds.append(f"timeout {options.timeout:g} s")
    if options.memory_limit_mb is not None:
        bounds.append(f"memory limit {options.memory_limit_mb:,} MB")
    return Checked(
        spec=model.source.path,
        constants=tuple((name, format_value(value)) for name, value in model.constants.items()),
        types=tuple((t.name, t.members) for t in atoms),
        overridden=tuple(sorted({*overrides.consts, *overrides.types})),
        invariants=tuple(i.name for i in model.invariants),
        transitions=tuple(t.name for t in model.transitions),
        properties=tuple(p.name for p in model.properties),
        weak_fair=tuple(a.name for a in model.actions if a.fairness == "weak"),
        strong_fair=tuple(a.name for a in model.actions if a.fairness == "strong"),
        properties_checked=backend != "simulate",
        deadlock=options.check_deadlock,
        symmetry=tuple(t.name for t in atoms if t.symmetric) if options.symmetry and backend != "simulate" else (),
        faults=fault_kinds,
        fault_budget=faults.budget if faults is not None else None,
        constraints=len(model.constraints),
        backend=backend,
        workers=options.workers,
        bounds=tuple(bounds),
    )


def render_checked(checked: Checked, actions: tuple[str, ...] = (), columns: int = COLUMNS) -> str:
    """The head of a report: `Checking SPEC` and one indented item per line
    (a long list wraps, indented, to stay within `columns`)."""
    rows = checked_rows(checked, actions)
    width = max(len(label) for label, _ in rows) + 1
    lines = [f"Checking {checked.spec}"]
    for label, text in rows:
        lines += textwrap.wrap(
            text, columns, initial_indent=f"  {label + ':':<{width}} ", subsequent_indent=" " * (width + 3),
            break_on_hyphens=False,
        )
    return "\n".join(lines)


def checked_rows(checked: Checked, actions: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, text) per item of the head, as the text head and the HTML report show them.

    `actions` (every action's name) lets a fairness list most actions share
    read "every action but X".
    """
    overridden = set(checked.overridden)

    def mark(name: str) -> str:
        return " (set by --const/--type)" if name in overridden else ""

    rows: list[tuple[str, str]] = []
    if checked.constants:
        rows.append(("constants", ", ".join(f"{n} = {v}{mark(n)}" for n, v in checked.constants)))
    if checked.types:
        rows.append(("types", ", ".join(f"{n} = {{{', '.join(m)}}}{mark(n)}" for n, m in checked.types)))
    rows.append(("invariants", _names(checked.invariants)))
    if checked.transitions:
        rows.append(("transition invariants", _names(checked.transitions)))
    if checked.properties:
        if not checked.properties_checked:
            rows.append(("properties", f"{_names(checked.properties)} (not checked by simulation)"))
        else:
            rows.append(("properties", _names(checked.properties)))
            rows.append(("fairness", _fairness(checked, actions)))
    rows.append(("deadlock", "checked" if checked.deadlock else "not checked (--no-deadlock)"))
    if checked.constraints:
        rows.append(("constraints", f"{checked.constraints} (states outside them are checked, not expanded)"))
    if checked.symmetry:
        rows.append(("symmetry", ", ".join(checked.symmetry) + " (one state per renaming of their atoms)"))
    if checked.faults:
        budget = "no budget" if checked.fault_budget is None else f"budget {checked.fault_budget}"
        rows.append(("faults", f"{', '.join(checked.faults)}; {budget}"))
    workers = "" if checked.workers == 1 else f", {checked.workers} workers"
    rows.append(("backend", ENGINES.get(checked.backend, checked.backend) + workers))
    if checked.bounds:
        rows.append(("bounds", ", ".join(checked.bounds)))
    return rows


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "none"


def _fairness(checked: Checked, actions: tuple[str, ...]) -> str:
    parts = []
    for kind, fair in (("weak", checked.weak_fair), ("strong", checked.strong_fair)):
        if not fair:
            continue
        others = [a for a in actions if a not in fair]
        if actions and len(fair) == len(actions):
            parts.append(f"{kind} on every action")
        elif actions and len(fair) > 2 * len(others):
            parts.append(f"{kind} on every action but {', '.join(others)}")
        else:
            parts.append(f"{kind} on {', '.join(fair)}")
    return "; ".join(parts) if parts else "none (no action is `fair`)"


def held(checked: Checked) -> str:
    """What held, for an ok verdict: "4 invariants and 2 properties hold; no deadlock"."""
    items = [
        _count(len(checked.invariants), "invariant"),
        _count(len(checked.transitions), "transition invariant"),
        _count(len(checked.properties) if checked.properties_checked else 0, "property", "properties"),
    ]
    items = [i for i in items if i]
    if items:
        verb = "holds" if len(items) == 1 and items[0].startswith("1 ") else "hold"
        text = (" and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]) + f" {verb}"
    else:
        text = "no invariant or property to check"
    return text + ("; no deadlock" if checked.deadlock else "")


def _count(n: int, word: str, plural: str | None = None) -> str:
    if n == 0:
        return ""
    return f"1 {word}" if n == 1 else f"{n} {plural or word + 's'}"
