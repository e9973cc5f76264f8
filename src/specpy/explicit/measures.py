"""`measure NAME: expr` in the explicit search: each measure's least and
greatest value over the states stored.

Each partition keeps a Tally of the states it stores (initial states
included; a state stored by two partitions in one level is counted by both,
which min and max do not mind) and sends it with every level report; the
coordinator merges the partitions' latest tallies. A state in which a
measure cannot be evaluated (an index out of range, a division by zero)
counts as `undefined` for that measure instead of stopping the search: a
measure is a statistic, not a check. Under symmetry reduction the states
are canonical representatives, so a measure should be symmetric too (its
value the same on every renaming), as invariants must be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field

from specpy.explicit.runtime import EvalFailure
from specpy.nodeclass import nodeclass
from specpy.result import MeasureStats


@nodeclass(frozen=False)
class Tally:
    """Per measure: least and greatest value seen (None: none yet), and the states where it failed."""

    low: list[int | None] = field(default_factory=list)
    high: list[int | None] = field(default_factory=list)
    undefined: list[int] = field(default_factory=list)

    @classmethod
    def empty(cls, n: int) -> Tally:
        return cls([None] * n, [None] * n, [0] * n)

    def add(self, fns: list[Callable[[tuple], object]], states: Iterable[tuple]) -> None:
        for i, fn in enumerate(fns):
            low, high, bad = self.low[i], self.high[i], 0
            for s in states:
                try:
                    v = int(fn(s))  # type: ignore[call-overload]
                except EvalFailure:
                    bad += 1
                    continue
                if low is None or v < low:
                    low = v
                if high is None or v > high:
                    high = v
            self.low[i], self.high[i] = low, high
            self.undefined[i] += bad

    @classmethod
    def merged(cls, tallies: list[Tally], n: int) -> Tally:
        out = cls.empty(n)
        for t in tallies:
            for i in range(n):
                if t.low[i] is not None and (out.low[i] is None or t.low[i] < out.low[i]):
                    out.low[i] = t.low[i]
                if t.high[i] is not None and (out.high[i] is None or t.high[i] > out.high[i]):
                    out.high[i] = t.high[i]
                out.undefined[i] += t.undefined[i]
        return out

    def stats(self, names: list[str]) -> list[MeasureStats]:
        return [MeasureStats(name, lo, hi, bad) for name, lo, hi, bad in zip(names, self.low, self.high, self.undefined)]
