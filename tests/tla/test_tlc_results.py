"""specpy agrees with TLC's recorded results on every spec in specs/.

tla/tlc-results.json holds TLC's results on the exported models (recorded by
tla/regenerate.sh with `-workers 1`); each spec's `# expect:` header pins
specpy's result, which the pytest plugin checks by running the spec. Here
TLC's record is compared with the same header, so this cross-validation runs
in CI without a jar and without checking every spec twice. A spec with no recorded result fails here: nothing in specs/
escapes cross-validation silently (a spec TLC cannot run in reasonable time
must be listed under "not_run" with the reason).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specpy.pytest_plugin import parse_header
from specpy.tla.corpus import corpus_specs

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
def test_tlc_agrees_with_the_header(spec):
    # The spec's `# expect:` header is the one place its numbers are pinned,
    # and the pytest plugin checks specpy against it; TLC's recorded result
    # must agree with the same header.
    module, tlc = BY_SPEC[spec]
    e = parse_header((ROOT / spec).read_text(encoding="utf-8"))
    # `--backend` chooses how specpy computes the same result; any other flag changes the model.
    model_flags = [f for i, f in enumerate(e.flags) if f != "--backend" and (i == 0 or e.flags[i - 1] != "--backend")]
    assert not model_flags, f"{spec}: TLC's run uses the spec's defaults, the header's `# check:` flags would differ"
    assert tlc["check_deadlock"], f"{module}: recorded without deadlock checking, the header's check has it"
    assert e.verdict == tlc["verdict"], f"{module}: the header says {e.verdict}, TLC said {tlc['verdict']}"
    pins = e.pins
    if tlc["verdict"] == "ok":
        assert {"distinct", "generated", "depth"} <= set(pins), f"{spec}: its header must pin distinct, generated, depth"
        assert (pins["distinct"], pins["depth"]) == (tlc["distinct_states"], tlc["depth"]), module
        if tlc["terminal"]:
            # The export gives each terminal state a stuttering step, which TLC
            # counts as one more state generated (docs/tla.md).
            extra = tlc["states_generated"] - pins["generated"]
            assert 0 < extra <= pins["distinct"], f"{module}: {extra} extra generated states"
        else:
            assert pins["generated"] == tlc["states_generated"], module
    else:
        # A violation: both searches are breadth-first, so the counterexample
        # is a shortest one in both; counts at the stop depend on the order
        # actions are tried and are not compared.
        assert e.name == tlc["violation"], module
        if tlc["verdict"] != "liveness":  # TLC's lasso is not a shortest one (specpy's: docs/language.md)
            assert "trace" in pins, f"{spec}: its header must pin trace="
            assert pins["trace"] == tlc["trace_length"], module
