"""End-to-end: `specpy trace show|html`, `specpy check --html`, `specpy graph`.

Exit codes: 0 done, 12 (check) invariant violated, 150 spec error, 151 a bad
trace file or option, 152 the graph is larger than --max-states, 153 a
missing tool or an unwritable output.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from test_cli_e2e import ROOT, run

TRACE_DATA = ROOT / "tests" / "trace" / "data"
VOTE_BUG = TRACE_DATA / "vote_bug.spec"


@pytest.fixture(scope="module")
def vote_itf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("itf") / "vote.itf.json"
    proc = run("check", VOTE_BUG, "--no-deadlock", "--quiet", "--trace-out", out)
    assert proc.returncode == 12, proc.stderr
    return out


def test_trace_show_prints_the_text_view(vote_itf: Path, golden):
    proc = run("trace", "show", vote_itf)
    assert proc.returncode == 0, proc.stderr
    golden("trace_show_vote_bug", proc.stdout)


def test_trace_show_with_the_spec_gives_the_checkers_own_rendering(vote_itf: Path):
    checked = run("check", VOTE_BUG, "--no-deadlock")
    shown = run("trace", "show", vote_itf, "--spec", VOTE_BUG)
    assert shown.returncode == 0, shown.stderr
    trace_part = checked.stdout[checked.stdout.index("Trace (") : checked.stdout.index("\n\nStatistics")]
    assert shown.stdout == trace_part + "\n"


def test_trace_show_full(vote_itf: Path):
    proc = run("trace", "show", vote_itf, "--full")
    assert proc.returncode == 0
    # Every state whole: 11 states x 5 variables.
    assert len(re.findall(r"^  leader: ", proc.stdout, re.M)) == 11


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not JSON: Expecting property name enclosed in double quotes"),
        ('{"vars": ["x"]}', 'not an ITF trace: no "states" field'),
        ("[1, 2]", "not an ITF trace: expected a JSON object"),
        ('{"vars": ["x"], "states": [{"x": {"#wat": 1}}]}', "state 0, x: unsupported ITF value"),
    ],
)
def test_bad_trace_files_are_named_and_exit_151(tmp_path: Path, content: str, message: str):
    bad = tmp_path / "bad.itf.json"
    bad.write_text(content)
    for command in (["show"], ["html", "-o", str(tmp_path / "r.html")]):
        proc = run("trace", *command, bad)
        assert proc.returncode == 151, proc.stderr
        assert message in proc.stderr and str(bad) in proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_trace_of_another_spec_is_refused(vote_itf: Path):
    proc = run("trace", "show", vote_itf, "--spec", ROOT / "specs" / "twophase.spec")
    assert proc.returncode == 151
    assert "unknown variable(s) net, votedFor, votes, asked, leader" in proc.stderr


def test_a_missing_trace_file(tmp_path: Path):
    proc = run("trace", "show", tmp_path / "nope.json")
    assert proc.returncode == 151 and "cannot read" in proc.stderr


def test_a_bad_spec_is_a_spec_error(vote_itf: Path, tmp_path: Path):
    spec = tmp_path / "bad.spec"
    spec.write_text("var x: 0..3 = \n")
    proc = run("trace", "show", vote_itf, "--spec", spec)
    assert proc.returncode == 150 and "bad.spec:" in proc.stderr


def test_check_html_and_trace_html_write_the_report(vote_itf: Path, tmp_path: Path):
    report = tmp_path / "report.html"
    proc = run("check", VOTE_BUG, "--no-deadlock", "--quiet", "--html", report)
    assert proc.returncode == 12
    html = report.read_text()
    assert "Invariant OneLeader violated" in html
    assert html.count('<g class="lifeline"') == 3 and html.count('<g class="msg ') == 4
    from_file = tmp_path / "from_file.html"
    proc = run("trace", "html", vote_itf, "-o", from_file)
    assert proc.returncode == 0, proc.stderr
    html = from_file.read_text()
    assert "invariant: OneLeader (from the trace file)" in html
    assert html.count('<g class="lifeline"') == 3 and html.count('<g class="msg ') == 4


def test_check_html_for_a_passing_spec(tmp_path: Path):
    report = tmp_path / "ok.html"
    proc = run("check", ROOT / "specs" / "twophase.spec", "--quiet", "--html", report)
    assert proc.returncode == 0
    html = report.read_text()
    assert "No violation found: 9 invariants hold; no deadlock." in html and "<th>distinct states</th><td>288</td>" in html


def test_unwritable_html_output_is_refused_before_the_run(tmp_path: Path):
    proc = run("check", VOTE_BUG, "--html", tmp_path / "missing" / "r.html")
    assert proc.returncode == 151 and "--html" in proc.stderr and "does not exist" in proc.stderr


def test_graph_writes_dot(tmp_path: Path):
    out = tmp_path / "g.dot"
    proc = run("graph", ROOT / "specs" / "twophase.spec", "-o", out)
    assert proc.returncode == 0, proc.stderr
    # TLC: 288 distinct states, 1,146 generated = 1 initial + 1,145 successors (edges).
    assert proc.stdout.strip() == f"288 states, 1,145 edges, 0 violating -> {out}"
    dot = out.read_text()
    assert dot.startswith('digraph "TwoPhase" {') and dot.count("[label=") >= 288


def test_graph_refuses_a_model_above_the_bound(tmp_path: Path):
    proc = run("graph", ROOT / "specs" / "twophase.spec", "-o", tmp_path / "g.dot", "--max-states", "100")
    assert proc.returncode == 152
    assert "more than 100 reachable states" in proc.stderr and "--max-states" in proc.stderr
    assert not (tmp_path / "g.dot").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_graph_svg(tmp_path: Path):
    out = tmp_path / "g.svg"
    proc = run("graph", ROOT / "specs" / "diehard.spec", "-o", out, "--svg")
    assert proc.returncode == 0, proc.stderr
    svg = out.read_text()
    assert "<svg" in svg and svg.count('class="node"') == 16


def test_graph_svg_without_dot_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    from specpy.cli import main

    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = CliRunner().invoke(main, ["graph", str(ROOT / "specs" / "diehard.spec"), "-o", str(tmp_path / "g.svg"), "--svg"])
    assert result.exit_code == 153
    assert "--svg needs Graphviz's `dot`" in result.output


def test_check_json_is_unchanged_by_html(tmp_path: Path):
    proc = run("check", VOTE_BUG, "--no-deadlock", "--json", "--html", tmp_path / "r.html")
    assert json.loads(proc.stdout)["violation"]["trace_length"] == 11


def test_graph_of_a_model_with_an_evaluation_error(tmp_path: Path):
    proc = run("graph", ROOT / "tests" / "cli" / "data" / "evalerror.spec", "-o", tmp_path / "g.dot")
    assert proc.returncode == 75
    assert "action Inc: value 4 is not in 0..3 (run `specpy check` to see the trace)" in proc.stderr
