"""The findings of the long fuzz run (bench/fuzz/long-run-2026-12-06.txt), one regression test each.

The inputs are the cases as the run generated them (data/fuzz_long3_N.*, N
the case number with `--seed-prefix long3`, from the frozen tree the run
used: the case number alone replays it only with that tree's specs/).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from fuzz_inputs import structured_spec
from limited import run_specpy

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("case", "line", "what"),
    [
        # zab_bug_skip_sync.spec with MaxEpoch = 99999999999999999999: 1..MaxHist was folded
        # into a frozenset while compiling (out of memory under 2 GB; pytest grew to 20 GB).
        ("fuzz_long3_7845.spec", 112, "1..99999999999999999999"),
        ("fuzz_long3_14215.spec", 154, "has more than 2**64 values"),  # zab.spec, a 139-digit MaxTxn
        # btree_wal_bug_split_not_atomic.spec with a 190-digit MaxLog: a hang (> 60 s).
        ("fuzz_long3_24570.spec", 64, "has more than 2**64 values"),
    ],
)
def test_a_huge_constant_range_is_a_located_error(case, line, what) -> None:
    result = run_specpy("check", DATA / case, "--max-states", "300", "--timeout", "5")
    assert result.code == 150, result.stderr
    assert f"{case}:{line}:" in result.stderr
    assert "E-universe-too-large" in result.stderr and what in result.stderr


def test_z3_encoding_honours_the_timeout() -> None:
    """Case 5556: an action parameter of type [Atom -> [Atom -> Atom]] is
    19,683 tuples to encode (77 s); --timeout 1 used to be checked only
    once encoding was done, so the run took 17 s and more under load."""
    result = run_specpy("check", DATA / "fuzz_long3_5556.spec", "--backend", "z3", "--depth", "2", "--timeout", "1")
    assert result.code == 152, result.stderr
    assert "timeout" in result.stdout


def test_the_system_encoder_stops_at_its_deadline() -> None:
    from specpy.pipeline import load
    from specpy.smt.system import SolverLimit, System

    model = load(DATA / "fuzz_long3_5556.spec")
    start = time.monotonic()
    with pytest.raises(SolverLimit, match="timeout"):
        System(model, deadline=start)
    assert time.monotonic() - start < 5  # one parameter tuple, not 19,683 (which take > 60 s)


def test_generated_specs_stay_small() -> None:
    """Case 21621 was a 1.2 MB spec (a 400-term `and` chain whose terms were
    400-term chains...) that took 14 s to parse and > 60 s under load: the
    generator must not grow exponentially (and specpy parses ~100 KB/s)."""
    sizes = [len(structured_spec(random.Random(f"size:{n}"), Path("/nonexistent")).files["g.spec"])
             for n in range(2000)]
    assert max(sizes) < 100_000, max(sizes)


# ---------------------------------------------------------------- histories (--seed-prefix long4h, --kind history)


def test_a_lone_surrogate_in_an_edn_history_is_located() -> None:
    """Case 38987: `:key "\\ud800"` was read, then printing it was a UnicodeEncodeError (exit 153).
    The file is the case's line 225 after three lines of the example history."""
    result = run_specpy("linearizable", "kv", DATA / "fuzz_long4h_38987.edn")
    assert result.code == 151, result.stderr
    assert "fuzz_long4h_38987.edn:4:44: error[E-history-syntax]: a string holds a lone UTF-16 surrogate" in result.stderr


@pytest.mark.parametrize("initial", ['{"x": 1}', '[1, {"a": 2}]'])
def test_an_object_as_initial_value_is_an_option_error(initial) -> None:
    """Case 15731: `--initial '{"x": 1}' --json` was "TypeError: Object of type
    _Unsupported is not JSON serializable" (exit 153)."""
    history = DATA.parent.parent.parent / "examples" / "linearizable" / "correct.jsonl"
    result = run_specpy("linearizable", "kv", history, "--initial", initial, "--json")
    assert result.code == 151, result.stdout + result.stderr
    assert "--initial: an object is not supported as a value" in result.stdout
