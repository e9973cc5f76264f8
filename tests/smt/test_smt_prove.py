"""k-induction: proofs, counterexamples to induction, violations in the base case."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner
from smt_replay import replay

from specpy.cli import main
from specpy.explicit.compile import CompiledModel
from specpy.options import OptionError, Overrides
from specpy.pipeline import load
from specpy.result import EXIT_NOT_INDUCTIVE, ResultKind
from specpy.smt.induction import Proof, prove

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GUIDE = ROOT / "docs" / "guide.md"


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
    # The detail names the quantifier values that break it, and they do.
    (failure,) = proof.failing
    a, b = re.fullmatch(r"forall a=(r\d), b=(r\d)", failure.detail).groups()
    assert last["rmState"].as_dict()[a] == "aborted" and last["rmState"].as_dict()[b] == "committed"


PAXOS_STRENGTHENING = ("AcceptorState", "PromiseIsTrue", "OneValuePerBallot", "ProposalIsSafe", "VoteWasProposed")


def test_paxos_agreement_is_proved_with_its_strengthening_invariants():
    model = load(SPECS / "paxos.spec")
    proof = prove(model)
    assert proof.outcome is Proof.PROVED and proof.k == 1
    assert proof.invariants == ("Agreement", "Validity", *PAXOS_STRENGTHENING)


@pytest.mark.parametrize("dropped", PAXOS_STRENGTHENING)
def test_paxos_without_a_strengthening_invariant_is_not_inductive(dropped):
    # Each of the five is needed: without it the step case has a
    # counterexample, which the explicit evaluator confirms: its first state
    # satisfies every invariant kept, its step is a transition of the spec,
    # and its last state breaks exactly the invariants reported.
    model = load(SPECS / "paxos.spec")
    kept = tuple(i.name for i in model.invariants if i.name != dropped)
    proof = prove(model, kept)
    assert proof.outcome is Proof.NOT_INDUCTIVE and proof.exit_code == EXIT_NOT_INDUCTIVE
    assert len(proof.cti) == 2 and proof.failing
    cm = CompiledModel(model)
    first, last = (cm.states.encode(s) for s in proof.cti.states)
    holds = lambda name, s: cm.state_function(next(i.expr for i in model.invariants if i.name == name), {})(s)  # noqa: E731
    assert all(holds(name, first) for name in kept)
    assert [name for name in kept if not holds(name, last)] == [f.invariant for f in proof.failing]
    (step,) = proof.cti.steps
    k = next(i for i, a in enumerate(cm.actions) if a.action.name == step.action)
    p = next(i for i in range(len(cm.actions[k].args)) if cm.actions[k].label_args(i) == step.args)
    assert last in cm.replay(k, p, first)
    assert all(f.detail.startswith("forall ") for f in proof.failing)  # every one is a forall


def test_cti_json_names_the_failing_invariants_and_why():
    runner = CliRunner()
    kept = [a for name in ("Agreement", "Validity", "AcceptorState", "OneValuePerBallot", "ProposalIsSafe", "VoteWasProposed")
            for a in ("--invariant", name)]
    r = runner.invoke(main, ["prove", str(SPECS / "paxos.spec"), *kept, "--json"])
    assert r.exit_code == EXIT_NOT_INDUCTIVE
    cti = json.loads(r.output)["counterexample_to_induction"]
    assert cti["trace_length"] == 2 and cti["failing"][0] == {"invariant": cti["invariant"], "detail": cti["detail"]}
    # PromiseIsTrue is what is missing: some 2a step proposes a value that is
    # not safe, found through an untrue promise.
    assert cti["invariant"] == "ProposalIsSafe"
    assert re.match(r"forall m=Accept\{bal: \d, val: v\d\}; forall c=\d", cti["detail"])


#: Z3 is deterministic for one version, so a counterexample to induction
#: quoted in docs/guide.md is compared verbatim only under the Z3 it was
#: recorded with (another version may find a different, equally valid one).
GUIDE_Z3 = "5.4.1"


def guide_prove_blocks() -> list[tuple[str, str]]:
    """(command, quoted output) of every `$ specpy prove` block in docs/guide.md."""
    return re.findall(r"^\$ (specpy prove [^\n]*)\n(.*?)^```", GUIDE.read_text(), re.M | re.S)


def test_guide_quotes_paxos_proofs():
    assert sum("paxos.spec" in command for command, _ in guide_prove_blocks()) == 2


@pytest.mark.parametrize("command, quoted", guide_prove_blocks(), ids=[c for c, _ in guide_prove_blocks()])
def test_guide_shows_the_output_specpy_prove_prints(command, quoted):
    # docs/guide.md quotes `specpy prove` runs verbatim; the time line aside.
    out = subprocess.run(
        [sys.executable, "-m", "specpy", *command.split()[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    strip = lambda text: re.sub(r"time: +[\d.]+ s", "time: _", text)  # noqa: E731
    if quoted.startswith("Proved") or z3.get_version_string() == GUIDE_Z3:
        assert strip(quoted) == strip(out)
    else:
        assert quoted.splitlines()[0].split(":")[0] == out.splitlines()[0].split(":")[0]


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
