"""One Trace type for every backend (explicit BFS, Z3 BMC, TLC's output, ITF files).

A trace is a list of states (dicts from variable name to generic value, see
ir/values.py) and, for each state after the first, the step that produced it.
A lasso (liveness counterexample) has `loop` = the index of the state the last
state steps back to.
"""

from __future__ import annotations


from specpy.ir.values import Value
from specpy.nodeclass import nodeclass

#: How a variable the initial state had not assigned yet when `init` failed is shown.
NOT_COMPUTED = "(not computed: the error came first)"


@nodeclass
class Step:
    """The step into a state: an action with its arguments, or a fault (`~lose net`)."""

    action: str
    args: tuple[tuple[str, Value], ...] = ()
    fault: bool = False

    def label(self) -> str:
        from specpy.ir.values import format_value

        name = ("~" + self.action) if self.fault else self.action
        if not self.args:
            return name
        if self.fault:
            return name + " " + " ".join(format_value(v) for _, v in self.args)
        return name + "(" + ", ".join(f"{k}={format_value(v)}" for k, v in self.args) + ")"


@nodeclass
class Trace:
    var_names: tuple[str, ...]
    states: tuple[dict[str, Value], ...]
    # steps[i] produced states[i + 1]; len(steps) == len(states) - 1.
    steps: tuple[Step, ...]
    loop: int | None = None

    def __post_init__(self) -> None:
        if len(self.steps) != max(len(self.states) - 1, 0):
            raise ValueError("a trace needs exactly one step per state after the first")

    def __len__(self) -> int:
        return len(self.states)

    @property
    def complete(self) -> bool:
        """Every state holds every variable. Only the trace of an error in
        `init` is incomplete: its one state holds what was assigned before it."""
        return all(len(s) == len(self.var_names) for s in self.states)

    def _repr_html_(self) -> str:
        """The trace as the HTML report with its message sequence chart, for Jupyter (notebook.py)."""
        from specpy.trace.notebook import trace_html

        return trace_html(self)
