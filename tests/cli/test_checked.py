"""What a run checks: the head before the search, `checked` in --json, and
the verdict naming what held (issue 23, part 1)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import specpy
from specpy.cli import main
from specpy.options import CheckOptions, Overrides
from specpy.report.check import render_report, verdict
from specpy.report.checked import describe, held, render_checked
from specpy.result import CheckResult, ResultKind, Stats

ROOT = Path(__file__).resolve().parents[2]


def raft_head(**options) -> str:
    model = specpy.load(ROOT / "specs" / "raft.spec", consts={"MaxFaults": 1}).model
    checked = describe(model, CheckOptions(**options), Overrides(consts={"MaxFaults": "1"}), "auto")
    return render_checked(checked, tuple(a.name for a in model.actions))


def test_raft_head_names_everything_the_spec_checks() -> None:
    # specs/raft.spec: 4 invariants, 2 properties, every action but
    # ClientRequest `fair action`, the faults block with budget MaxFaults.
    assert raft_head(max_states=1000).splitlines() == [
        f"Checking {ROOT / 'specs' / 'raft.spec'}",
        "  constants:  MaxTerm = 3, MaxLogLen = 2, MaxInFlight = 2, MaxFaults = 1 (set by --const/--type)",
        "  types:      Server = {s1, s2}, Value = {v1}",
        "  invariants: ElectionSafety, LogMatching, LeaderCompleteness, StateMachineSafety",
        "  properties: ElectionProgress, LeaderCommits",
        "  fairness:   weak on every action but ClientRequest",
        "  deadlock:   checked",
        "  faults:     lose net, duplicate net, crash Server; budget 1",
        "  backend:    explicit search, native (C) core where the spec allows it, else Python",
        "  bounds:     at most 1,000 distinct states",
    ]


def test_head_lines_wrap_within_the_width() -> None:
    model = specpy.load(ROOT / "specs" / "paxos.spec").model
    head = render_checked(describe(model, CheckOptions(), Overrides(), "python"), columns=60)
    assert all(len(line) <= 60 for line in head.splitlines())
    assert "\n              ProposalIsSafe, VoteWasProposed\n" in head  # continued under the first name


def test_symmetry_and_no_deadlock_are_said() -> None:
    model = specpy.load(ROOT / "specs" / "quorum_register.spec").model
    head = render_checked(describe(model, CheckOptions(check_deadlock=False, workers=2), Overrides(), "native"))
    assert "  deadlock:   not checked (--no-deadlock)" in head
    assert "  symmetry:   Replica (one state per renaming of their atoms)" in head
    assert "native (C) core, 2 workers" in head
    off = describe(model, CheckOptions(symmetry=False), Overrides(), "python")
    assert off.symmetry == ()


def test_held_counts_what_held() -> None:
    model = specpy.load(ROOT / "specs" / "raft.spec").model
    checked = describe(model, CheckOptions(), Overrides(), "python")
    assert held(checked) == "4 invariants and 2 properties hold; no deadlock"
    result = CheckResult(ResultKind.OK, Stats(), checked=checked)
    assert verdict(result) == "No violation found: 4 invariants and 2 properties hold; no deadlock."
    one = describe(specpy.load(ROOT / "tests" / "cli" / "data" / "ok.spec").model, CheckOptions(check_deadlock=False),
                   Overrides(), "python")
    assert held(one) == "1 invariant holds"


def test_quiet_is_still_one_line() -> None:
    model = specpy.load(ROOT / "specs" / "raft.spec").model
    result = CheckResult(ResultKind.OK, Stats(), checked=describe(model, CheckOptions(), Overrides(), "python"))
    assert render_report(result, quiet=True).count("\n") == 1


def test_cli_head_json_and_verdict() -> None:
    spec = str(ROOT / "specs" / "idempotent_delivery.spec")
    text = CliRunner().invoke(main, ["check", spec, "--backend", "python"])
    assert text.exit_code == 0
    head, verdict_line = text.stdout.split("\n\n")[:2]
    assert head.startswith(f"Checking {spec}\n") and "  properties: EveryRequestApplied\n" in head
    assert verdict_line == "No violation found: 2 invariants and 1 property hold; no deadlock."
    out = CliRunner().invoke(main, ["check", spec, "--backend", "python", "--json"])
    checked = json.loads(out.stdout)["checked"]
    assert checked["invariants"] == ["AppliedAtMostOnce", "AckedWasApplied"]
    assert checked["properties"] == ["EveryRequestApplied"]
    assert checked["fault_budget"] == 3 and checked["deadlock"] is True and checked["backend"] == "python"
    quiet = CliRunner().invoke(main, ["check", spec, "--backend", "python", "-q"])
    assert quiet.stdout == "No violation found: 2 invariants and 1 property hold; no deadlock.\n"


def test_simulation_says_properties_are_not_checked() -> None:
    out = CliRunner().invoke(main, ["simulate", str(ROOT / "specs" / "idempotent_delivery.spec"), "--runs", "2"])
    assert "  properties: EveryRequestApplied (not checked by simulation)\n" in out.stdout
    assert "  bounds:     2 walks of up to 100 states, seed 0\n" in out.stdout
    assert ": 2 invariants hold; no deadlock." in out.stdout


def test_the_html_report_says_what_was_checked(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    spec = str(ROOT / "specs" / "idempotent_delivery_bug_no_dedup.spec")
    out = CliRunner().invoke(main, ["check", spec, "--backend", "python", "-q", "--html", str(html)])
    assert out.exit_code == 12
    page = html.read_text()
    assert "<summary>What was checked</summary>" in page
    assert "<tr><th>invariants</th><td>AppliedAtMostOnce" in page and "<tr><th>deadlock</th><td>checked</td></tr>" in page
