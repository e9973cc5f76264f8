"""k-induction: proofs, counterexamples to induction, violations in the base case."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from smt_replay import replay

from specpy.cli import main
from specpy.options import OptionError, Overrides
from specpy.pipeline import load
from specpy.result import ResultKind
from specpy.smt.induction import EXIT_NOT_INDUCTIVE, Proof, prove

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize("n", [3, 7])
def test_twophase_consistent_is_proved_with_its_strengthening_invariants(n):
    model = load(SPECS / "twophase.spec", Overrides(types={"RM": tuple(f"r{i}" for i in range(1, n + 1))}))
    proof = prove(model)
    assert proof.outcome is Proof.PROVED and proof.k == 1
    assert "Consistent" in proof.invariants and len(proof.invariants) == len(model.invariants)


def test_consistent_alone_is_not_inductive_and_the_cti_is_one_step():
    proof = prove(load(SPECS / "twophase.spec"), ("Consistent",), max_k=1)
    assert proof.outcome is Proof.NOT_INDUCTIVE and proof.broken == "Consistent"
    assert len(proof.cti) == 2  # k + 1 states
    first, last = proof.cti.states
    consistent = lambda s: not ({"aborted", "committed"} <= set(s["rmState"].as_dict().values()))  # noqa: E731
    assert consistent(first) and not consistent(last)


def test_tcommit_is_inductive_as_written():
    proof = prove(load(SPECS / "tcommit.spec"))
    assert proof.outcome is Proof.PROVED and proof.k == 1


def test_diehard_base_case_finds_the_violation():
    # DieHard's NotSolved fails after 6 steps (TLC: a 7-state trace), so
    # k-induction with k = 7 finds it in the base case, a shortest trace.
    model = load(SPECS / "diehard.spec")
    proof = prove(model, max_k=7)
    assert proof.outcome is None and proof.check.kind is ResultKind.INVARIANT
    assert len(proof.check.violation.trace) == 7
    assert proof.exit_code == 12
    replay(model, proof.check.violation)
    short = prove(model, max_k=6)
    assert short.outcome is Proof.NOT_INDUCTIVE and len(short.cti) == 7


def test_unknown_invariant_is_an_option_error():
    with pytest.raises(OptionError, match="no such invariant"):
        prove(load(SPECS / "twophase.spec"), ("Nope",))


def test_cli_prove_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["prove", str(SPECS / "twophase.spec")])
    assert ok.exit_code == 0 and ok.output.startswith("Proved: Consistent, ")
    cti_file = tmp_path / "cti.itf.json"
    weak = runner.invoke(main, ["prove", str(SPECS / "twophase.spec"), "--invariant", "Consistent", "--trace-out", str(cti_file)])
    assert weak.exit_code == EXIT_NOT_INDUCTIVE == 20
    assert "Counterexample to induction (2 states" in weak.output
    assert "State 1 (any state where the invariants hold)" in weak.output
    assert '"not-inductive"' in cti_file.read_text()
    bad = runner.invoke(main, ["prove", str(SPECS / "diehard.spec"), "--k", "7", "--json"])
    assert bad.exit_code == 12 and '"result": "invariant"' in bad.output
    assert runner.invoke(main, ["prove", str(SPECS / "twophase.spec"), "--k", "0"]).exit_code == 151
