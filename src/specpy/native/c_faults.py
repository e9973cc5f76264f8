"""The `faults` block in C: one function per fault step, after the actions.

The steps and their order are explicit/faults.py's (every `lose` line, then
every `duplicate`, then every `crash`, as written), and so is each step's
order of successors: a lost or duplicated message in the network's canonical
element order, a crashed atom in member order. With a budget, a step is
enabled only while the counter variable is below it and adds 1.

A crash restores values of the initial state, which the Python backend has
already checked are the same in every initial state (E-crash-initial); they
are packed into the C as hex bytes.
"""

from __future__ import annotations

from specpy.ir.model import BUDGET_VAR, Model, crashed_maps
from specpy.ir.types import BagT, MapT, SetT
from specpy.native.c_expr import ExprC, c_bytes
from specpy.native.c_types import ArrC, BitsC, NotNative


def fault_functions(ex: ExprC, model: Model, initial: tuple | None, first: int) -> list[str]:
    """C functions act<first>, act<first + 1>, ...: the fault steps of model."""
    faults = model.faults
    if faults is None:
        return []
    index = {v.name: i for i, v in enumerate(model.vars)}
    count = ""
    guard = ""
    if faults.budget is not None:
        c = index[BUDGET_VAR]
        guard = f"if (s->v{c} >= {faults.budget}) return; "
        count = f"n.v{c} = s->v{c} + 1; "
    bodies = [_lose(ex, model, name, index[name], count) for name in faults.lose]
    bodies += [_duplicate(ex, model, name, index[name], count) for name in faults.duplicate]
    for crash in faults.crash:
        bodies.append(_crash(ex, model, crash, index, initial, count))
    return [f"static void act{first + k}(SpCtx *cx, const S *s) {{ {guard}{body} }}" for k, body in enumerate(bodies)]


def _lose(ex: ExprC, model: Model, name: str, i: int, count: str) -> str:
    t = model.var(name).type
    c = ex.ct(t)
    if isinstance(c, ArrC):
        assert isinstance(t, (SetT, BagT))
        remove = ex.array_fns(t)[2]
        return f"for (int k = 0; k < s->v{i}.n; k++) {{ S n = *s; {remove}(&n.v{i}, s->v{i}.v[k].e); {count}sp_emit(cx, &n); }}"
    if isinstance(c, BitsC) and c.words == 0:
        return (
            f"uint64_t m = (uint64_t)s->v{i}; while (m) {{ int b = __builtin_ctzll(m); m &= m - 1; "
            f"S n = *s; n.v{i} = ({c.name})((uint64_t)n.v{i} & ~(1ULL << b)); {count}sp_emit(cx, &n); }}"
        )
    if isinstance(c, BitsC):
        return (
            f"for (int w = 0; w < {c.words}; w++) {{ uint64_t m = s->v{i}.w[w]; while (m) {{ int b = __builtin_ctzll(m); "
            f"m &= m - 1; S n = *s; n.v{i}.w[w] &= ~(1ULL << b); {count}sp_emit(cx, &n); }} }}"
        )
    raise NotNative(f"`lose {name}` is not native yet")


def _duplicate(ex: ExprC, model: Model, name: str, i: int, count: str) -> str:
    t = model.var(name).type
    assert isinstance(t, BagT), "semantics checks that `duplicate` names a bag"
    return (
        f"for (int k = 0; k < s->v{i}.n; k++) if (s->v{i}.v[k].c < {t.max_count}) "
        f"{{ S n = *s; n.v{i}.v[k].c++; {count}sp_emit(cx, &n); }}"
    )


def _crash(ex: ExprC, model: Model, crash, index: dict[str, int], initial: tuple | None, count: str) -> str:
    if initial is None:  # no initial state: nothing is reachable, no crash runs
        return ""
    resets = []
    for v in crashed_maps(model, crash):
        assert isinstance(v.type, MapT)
        value = ex.ct(v.type.value)
        i = index[v.name]
        table = c_bytes(b"".join(value.pack(x) for x in initial[v.index]))
        resets.append(f"memcpy(&n.v{i}.v[a], {table} + a * sizeof n.v{i}.v[0], sizeof n.v{i}.v[0]);")
    for name in crash.resets:
        v = model.var(name)
        resets.append(f"memcpy(&n.v{index[name]}, {c_bytes(ex.ct(v.type).pack(initial[v.index]))}, sizeof n.v{index[name]});")
    members = len(crash.type.members)
    return f"for (int a = 0; a < {members}; a++) {{ S n = *s; {' '.join(resets)} {count}sp_emit(cx, &n); }}"
