"""The structured fuzzer in CI: 3,000 cases, every file format, under resource limits.

Cases 0..2999 of tests/robustness/fuzz_inputs.py (mutated and generated specs,
NDJSON logs, ITF traces, checkpoints, 600 each), each run through the CLI in
a worker process limited to 2 GB of address space and 60 s
(fuzz_harness.py). Any hang, dead worker, escaped exception, internal error
or undocumented exit code fails the test with the case number that replays
it: `python bench/fuzz/run.py --seed-prefix ci --start N --cases 1`.
The long run (100,000 cases) is bench/fuzz/run.py; bench/results.md has its counts.
"""

from __future__ import annotations

from fuzz_harness import run_cases
from fuzz_inputs import GENERATORS

CASES = 3000


def test_three_thousand_structured_inputs_under_limits() -> None:
    report = run_cases(range(CASES), prefix="ci")
    assert report.total == CASES
    assert not report.findings, "\n".join(report.findings[:20])
    kinds = {outcome.split(":")[1] for outcome in report.outcomes}
    assert kinds >= set(GENERATORS) - {"spec-mutated"}  # every format was exercised
