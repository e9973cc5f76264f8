"""specpy's explicit checker agrees with TLC's recorded results on every spec in specs/.

tla/tlc-results.json holds TLC's results on the exported models (recorded by
tla/regenerate.sh with `-workers 1`), so this cross-validation runs in CI
without a jar. A spec with no recorded result fails here: nothing in specs/
escapes cross-validation silently (a spec TLC cannot run in reasonable time
must be listed under "not_run" with the reason).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specpy.explicit import check
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.tla_corpus import corpus_specs

ROOT = Path(__file__).resolve().parents[2]
RESULTS = json.loads((ROOT / "tla" / "tlc-results.json").read_text(encoding="utf-8"))
BY_SPEC = {entry["spec"]: (module, entry) for module, entry in RESULTS["models"].items()}
NOT_RUN = RESULTS.get("not_run", {})
SPECS = [p.relative_to(ROOT).as_posix() for p in corpus_specs(ROOT / "specs")]


def test_results_come_from_one_worker_runs():
    assert RESULTS["tlc_flags"] == "-workers 1"
    assert RESULTS["tlc_version"].startswith("TLC2 Version")


@pytest.mark.parametrize("spec", SPECS)
def test_every_spec_has_a_tlc_result(spec):
    if spec in NOT_RUN:
        assert NOT_RUN[spec].get("reason"), f"{spec} is listed under not_run without a reason"
        return
    assert spec in BY_SPEC, (
        f"{spec} has no recorded TLC result in tla/tlc-results.json: run tla/regenerate.sh "
        "(with SPECPY_TLC_JAR set), or list it under \"not_run\" with the reason"
    )


@pytest.mark.parametrize("spec", [s for s in SPECS if s in BY_SPEC])
def test_explicit_agrees_with_tlc(spec):
    module, tlc = BY_SPEC[spec]
    model = load(ROOT / spec)
    result = check(model, CheckOptions(check_deadlock=tlc["check_deadlock"]))
    ours = result.to_json()
    assert ours["result"] == tlc["verdict"], f"{module}: specpy says {ours['result']}, TLC said {tlc['verdict']}"
    if tlc["verdict"] == "ok":
        assert ours["distinct_states"] == tlc["distinct_states"]
        assert ours["depth"] == tlc["depth"]
        if tlc["terminal"]:
            # The export gives each terminal state a stuttering step, which TLC
            # counts as one more state generated (docs/tla.md).
            extra = tlc["states_generated"] - ours["states_generated"]
            assert 0 < extra <= ours["distinct_states"], f"{module}: {extra} extra generated states"
        else:
            assert ours["states_generated"] == tlc["states_generated"]
    else:
        # A violation: both searches are breadth-first, so the counterexample
        # is a shortest one in both; counts at the stop depend on the order
        # actions are tried and are not compared.
        assert ours["violation"]["name"] == tlc["violation"]
        if tlc["verdict"] != "liveness":  # TLC's lasso is not a shortest one (specpy's: docs/language.md)
            assert ours["violation"]["trace_length"] == tlc["trace_length"]
