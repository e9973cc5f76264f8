"""Render a Trace as the text a user reads after a violation.

The first state is printed in full (a map too long for one line gets one
line per key); every later state shows only what the step changed, as
`path: old → new`, where the path descends into maps (`rmState[r1]`, at any
depth), records and variant fields (`.f`) and same-length sequences
(`log[s1][2]`, 1-based as in the language), so a one-entry update of a large
map is one line. Sets are shown as membership changes on one line,
additions then removals, each in display order (`msgs: +{Prepared{rm: r1}}
-{Abort}`), bags the same way with a copy count when more than one copy
changed (`net: +{Vote{...} ×2}`); a line past COLUMNS is split by sign, then
by element. A sequence that changed length but kept a common start or end is
an edit (`dlog[p2]: [..., +MsgId{src: p1, n: 2}]`, `...` being the unchanged
part). A whole-value change too long for a line puts the new value under
the old one (`→` under the colon). Everything is ordered deterministically,
so a rendering can be pinned in a golden file.
"""

from __future__ import annotations

from collections.abc import Iterator

from specpy.ir.values import (
    BagValue,
    MapValue,
    RecordValue,
    Value,
    VariantValue,
    format_value,
    is_tuple_value,
    sorted_for_display,
)
from specpy.trace.trace import NOT_COMPUTED, Trace

ARROW = "→"
#: Change lines and whole values longer than this are split where they can be
#: (a fixed width rather than the terminal's, so reports are the same everywhere).
COLUMNS = 100
LOOP_START = "── loop starts here ──"
INDENT = "  "


def render_trace(trace: Trace, full: bool = False, first: str = "initial") -> str:
    """The whole trace as text; `full=True` prints every state in full; `first`
    says what the first state is ("State 1 (initial)")."""
    lines: list[str] = []
    for i, state in enumerate(trace.states):
        if trace.loop is not None and i == trace.loop:
            lines.append(LOOP_START)
        if i == 0:
            lines.append(f"State 1 ({first})")
            lines.extend(_full_state(trace.var_names, state))
        else:
            lines.append(f"State {i + 1}: {trace.steps[i - 1].label()}")
            if full:
                lines.extend(_full_state(trace.var_names, state))
            else:
                changes = [
                    INDENT + line
                    for name in trace.var_names
                    for line in diff_value(name, trace.states[i - 1][name], state[name])
                ]
                lines.extend(changes or [INDENT + "(no change)"])
        lines.append("")
    if trace.loop is not None:
        lines.append(f"── back to state {trace.loop + 1} ──")
    elif lines:
        lines.pop()  # no blank line after the last state
    return "\n".join(lines) + "\n"


def _full_state(var_names: tuple[str, ...], state: dict[str, Value]) -> list[str]:
    return [INDENT + line for line in whole_state(var_names, state)]


def whole_state(var_names: tuple[str, ...], state: dict[str, Value]) -> list[str]:
    """Every variable, `name: value`; a map too long for one line gets one line per key (`past[m1]: {}`)."""
    lines = []
    for name in var_names:
        if name not in state:
            lines.append(f"{name}: {NOT_COMPUTED}")
            continue
        value = state[name]
        line = f"{name}: {format_value(value)}"
        if len(INDENT + line) > COLUMNS and isinstance(value, MapValue):
            lines += [f"{name}[{format_value(k)}]: {format_value(x)}" for k, x in value.items]
        else:
            lines.append(line)
    return lines


def diff_value(path: str, old: Value, new: Value) -> Iterator[str]:
    """The change lines for one value, descending into structure where it can.

    A descent only happens when both sides have the same shape (same record
    fields, same variant tag, same sequence length; for maps, the keys both
    have, the others shown as added or removed `k: v` entries); otherwise a
    sequence that kept a common start or end is shown as an edit
    (`[..., +x]`), and anything else whole as `old → new`, which is what a
    reader wants when, say, a variant changes case.
    """
    if old == new:
        return
    if isinstance(old, frozenset) and isinstance(new, frozenset):
        yield from _edit(
            path,
            [format_value(e) for e in display_sorted(new - old)],
            [format_value(e) for e in display_sorted(old - new)],
        )
    elif isinstance(old, BagValue) and isinstance(new, BagValue):
        yield from _diff_bag(path, old, new)
    elif isinstance(old, MapValue) and isinstance(new, MapValue):
        # Entries in both descend; entries only on one side (a map read from a
        # trace file whose domain changes) are added or removed as `k: v` pairs.
        old_items, new_items = dict(old.items), dict(new.items)
        for key, before in old.items:
            if key in new_items:
                yield from diff_value(f"{path}[{format_value(key)}]", before, new_items[key])
        if not _same_keys(old, new):
            yield from _edit(
                path,
                [f"{format_value(k)}: {format_value(v)}" for k, v in new.items if k not in old_items],
                [f"{format_value(k)}: {format_value(v)}" for k, v in old.items if k not in new_items],
            )
    elif (
        isinstance(old, RecordValue)
        and isinstance(new, RecordValue)
        and [n for n, _ in old.fields] == [n for n, _ in new.fields]
    ) or (
        isinstance(old, VariantValue)
        and isinstance(new, VariantValue)
        and old.tag == new.tag
        and [n for n, _ in old.fields] == [n for n, _ in new.fields]
    ):
        tuple_ = is_tuple_value(old)  # a tuple's component is t[1], not t.1
        for (name, before), (_, after) in zip(old.fields, new.fields):
            yield from diff_value(f"{path}[{name}]" if tuple_ else f"{path}.{name}", before, after)
    elif isinstance(old, tuple) and isinstance(new, tuple) and len(old) == len(new):
        for i, (before, after) in enumerate(zip(old, new), start=1):
            yield from diff_value(f"{path}[{i}]", before, after)
    elif isinstance(old, tuple) and isinstance(new, tuple) and (edit := _sequence_edit(old, new)) is not None:
        yield f"{path}: {edit}"
    else:
        before, after = format_value(old), format_value(new)
        line = f"{path}: {before} {ARROW} {after}"
        if len(INDENT + line) <= COLUMNS:
            yield line
        else:  # the new value under the old one, the arrow under the colon
            yield f"{path}: {before}"
            yield f"{' ' * len(path)}{ARROW} {after}"


def _edit(path: str, added: list[str], removed: list[str]) -> Iterator[str]:
    """A set's (or bag's) change: `path: +{a, b} -{c}` on one line when it fits
    in COLUMNS, else one line per sign, else one line per element."""
    groups = [(sign, items) for sign, items in (("+", added), ("-", removed)) if items]
    line = f"{path}: " + " ".join(f"{sign}{{{', '.join(items)}}}" for sign, items in groups)
    if len(INDENT + line) <= COLUMNS:
        yield line
        return
    for sign, items in groups:
        line = f"{path}: {sign}{{{', '.join(items)}}}"
        if len(INDENT + line) <= COLUMNS or len(items) == 1:
            yield line
        else:
            yield from (f"{path}: {sign}{{{item}}}" for item in items)


def _sequence_edit(old: tuple, new: tuple) -> str | None:
    """A sequence change that kept a common start or end, as `[..., -x, +y, ...]`
    (`...` the unchanged part); None when the two share neither end."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    if start == 0 and end == 0:
        return None
    items = (
        ["..."] * (start > 0)
        + [f"-{format_value(x)}" for x in old[start:len(old) - end]]
        + [f"+{format_value(x)}" for x in new[start:len(new) - end]]
        + ["..."] * (end > 0)
    )
    return "[" + ", ".join(items) + "]"


def _diff_bag(path: str, old: BagValue, new: BagValue) -> Iterator[str]:
    before, after = dict(old.items), dict(new.items)
    removed = {e: before[e] - after.get(e, 0) for e in before if before[e] > after.get(e, 0)}
    added = {e: after[e] - before.get(e, 0) for e in after if after[e] > before.get(e, 0)}

    def shown(delta: dict) -> list[str]:
        return [format_value(e) + ("" if delta[e] == 1 else f" ×{delta[e]}") for e in display_sorted(delta)]

    yield from _edit(path, shown(added), shown(removed))


def _same_keys(a: MapValue, b: MapValue) -> bool:
    return {k for k, _ in a.items} == {k for k, _ in b.items}


def display_sorted(values) -> list[Value]:
    """Values in the order format_value's set rendering uses (stable, natural).

    Used wherever generic values without their type must be listed
    deterministically (set diffs here, untyped set encoding in ITF).
    """
    by_text = {format_value(v): v for v in values}
    return [by_text[text] for text in sorted_for_display(values)]
