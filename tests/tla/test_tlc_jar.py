"""Tests that run TLC itself: skipped unless SPECPY_TLC_JAR points to tla2tools.jar."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from specpy.crosscheck import crosscheck
from specpy.options import CheckOptions, Overrides
from specpy.pipeline import load
from specpy.result import ResultKind
from specpy.tla.tlc import run_tlc
from specpy.tla_corpus import model_info_for

JAR = os.environ.get("SPECPY_TLC_JAR")
pytestmark = pytest.mark.skipif(not JAR or shutil.which("java") is None, reason="SPECPY_TLC_JAR is not set (or no java)")
ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
RESULTS = json.loads((ROOT / "tla" / "tlc-results.json").read_text(encoding="utf-8"))["models"]


@pytest.mark.parametrize("module", sorted(RESULTS))
def test_tlc_still_gives_the_recorded_result(module):
    tla = ROOT / "tla" / f"{module}.tla"
    run = run_tlc(tla, Path(JAR), info=model_info_for(tla))
    rec = RESULTS[module]
    assert run.result.kind.value == rec["verdict"]
    assert run.exit_code == rec["exit_code"]
    if rec["verdict"] == "ok":
        s = run.result.stats
        assert (s.distinct_states, s.states_generated, s.depth) == (rec["distinct_states"], rec["states_generated"], rec["depth"])
    else:
        assert len(run.result.violation.trace) == rec["trace_length"]


@pytest.mark.parametrize("module", sorted(RESULTS))
def test_sany_parses_the_export_without_warnings(module):
    out = subprocess.run(
        ["java", "-cp", JAR, "tla2sany.SANY", f"{module}.tla"], cwd=ROOT / "tla", capture_output=True, text=True, timeout=120
    ).stdout
    assert "Semantic errors" not in out and "*** Warnings" not in out and "Parse Error" not in out, out


@pytest.mark.parametrize("limit, kind, distinct", [("3", ResultKind.EVAL_ERROR, None), ("2", ResultKind.OK, 95452)])
def test_crosscheck_agrees_on_every_construct(tmp_path, limit, kind, distinct):
    # features.spec uses seqs, bags, variants, records, options, maps, sum, for,
    # choose, either, receive; with `len(net) < 3` a third copy overflows the
    # bag (an evaluation error in both checkers, 3-state trace). 95,452 distinct
    # states: specpy's explicit checker and TLC (-workers 1), no symmetry.
    spec = tmp_path / "features.spec"
    spec.write_text((DATA / "features.spec").read_text().replace("len(net) < 3", f"len(net) < {limit}"))
    c = crosscheck(spec, load(spec), Overrides(), CheckOptions(symmetry=False), Path(JAR))
    assert c.agree, c.problems
    assert c.explicit.kind is kind
    if distinct is not None:
        assert c.tlc.stats.distinct_states == distinct
