"""Render a Trace as the text a user reads after a violation.

The first state is printed in full; every later state shows only what the
step changed, as `path: old → new`, where the path descends into maps
(`rmState[r1]`), records and variant fields (`.f`) and same-length sequences
(`log[s1][2]`, 1-based as in the language), so a one-entry update of a large
map is one line. Sets are always shown as membership changes, one line per
element (`msgs: + Prepared{rm: r1}`, `msgs: - Abort`), removals before
additions, each group in display order; bags the same way with a copy count
when more than one copy changed (`net: + Vote{...} (×2)`). Everything is
ordered deterministically, so a rendering can be pinned in a golden file.
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
from specpy.trace.trace import Trace

ARROW = "→"
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
    return [f"{INDENT}{name}: {format_value(state[name])}" for name in var_names]


def diff_value(path: str, old: Value, new: Value) -> Iterator[str]:
    """The change lines for one value, descending into structure where it can.

    A descent only happens when both sides have the same shape (same map keys,
    same record fields, same variant tag, same sequence length); otherwise the
    whole value is shown as `old → new`, which is what a reader wants when, say,
    a variant changes case.
    """
    if old == new:
        return
    if isinstance(old, frozenset) and isinstance(new, frozenset):
        for elem in display_sorted(old - new):
            yield f"{path}: - {format_value(elem)}"
        for elem in display_sorted(new - old):
            yield f"{path}: + {format_value(elem)}"
    elif isinstance(old, BagValue) and isinstance(new, BagValue):
        yield from _diff_bag(path, old, new)
    elif isinstance(old, MapValue) and isinstance(new, MapValue) and _same_keys(old, new):
        new_items = dict(new.items)
        for key, before in old.items:
            yield from diff_value(f"{path}[{format_value(key)}]", before, new_items[key])
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
    else:
        yield f"{path}: {format_value(old)} {ARROW} {format_value(new)}"


def _diff_bag(path: str, old: BagValue, new: BagValue) -> Iterator[str]:
    before, after = dict(old.items), dict(new.items)
    removed = {e: before[e] - after.get(e, 0) for e in before if before[e] > after.get(e, 0)}
    added = {e: after[e] - before.get(e, 0) for e in after if after[e] > before.get(e, 0)}
    for sign, delta in (("-", removed), ("+", added)):
        for elem in display_sorted(delta):
            copies = "" if delta[elem] == 1 else f" (×{delta[elem]})"
            yield f"{path}: {sign} {format_value(elem)}{copies}"


def _same_keys(a: MapValue, b: MapValue) -> bool:
    return {k for k, _ in a.items} == {k for k, _ in b.items}


def display_sorted(values) -> list[Value]:
    """Values in the order format_value's set rendering uses (stable, natural).

    Used wherever generic values without their type must be listed
    deterministically (set diffs here, untyped set encoding in ITF).
    """
    by_text = {format_value(v): v for v in values}
    return [by_text[text] for text in sorted_for_display(values)]
