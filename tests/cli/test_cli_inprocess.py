"""The CLI's plumbing, in process, with the pipeline and backend replaced by fakes.

These pin the error paths (150/151/152/153), the `--json` shapes and
`--trace-out` without depending on the parser or the checker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import specpy.cli as cli
import specpy.cli.check as check_command
import specpy.explicit
import specpy.pipeline
from specpy.diagnostics import Diagnostic, SourceFile, Span, SpecError
from specpy.ir.model import Model, NamedExpr, StateVar
from specpy.ir.types import RangeT
from specpy.options import CheckOptions, OptionError
from specpy.result import CheckResult, ResultKind, Stats, Violation
from specpy.trace.itf import read_itf
from specpy.trace.trace import Step, Trace

SPEC_TEXT = "spec T\nvar x: 0..3 = 0\naction Inc { x += 1 }\ninvariant Small: x <= 1\n"


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("t.spec").write_text(SPEC_TEXT)
    return "t.spec"


def fake_model(source: SourceFile) -> Model:
    return Model(
        name="T",
        source=source,
        constants={},
        types={},
        vars=(StateVar("x", RangeT(0, 3), 0),),
        init=(),
        actions=(),
        invariants=(NamedExpr("Small", None),),  # the expression is never looked at here
    )


def violation_result() -> CheckResult:
    trace = Trace(("x",), ({"x": 0}, {"x": 1}, {"x": 2}), (Step("Inc"), Step("Inc")))
    span = Span("t.spec", 4, 18, 4, 24)
    return CheckResult(
        ResultKind.INVARIANT,
        Stats(distinct_states=3, states_generated=3, depth=3, seconds=0.01),
        Violation(ResultKind.INVARIANT, "Small", trace, "x <= 1", span),
    )


def install(monkeypatch: pytest.MonkeyPatch, load=None, check=None) -> list[CheckOptions]:
    """Replace load_text and the explicit backend; returns the options it was given."""
    seen: list[CheckOptions] = []

    def default_load(source, overrides):
        return fake_model(source)

    def default_check(model, options, progress=None):
        seen.append(options)
        return violation_result()

    monkeypatch.setattr(specpy.pipeline, "load_text", load or default_load)
    monkeypatch.setattr(specpy.explicit, "check", check or default_check, raising=False)
    return seen


def invoke(*args: str):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def test_violation_report_and_exit_code(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)
    res = invoke("check", spec)
    assert res.exit_code == 12
    assert res.stdout.startswith("Checking t.spec\n  invariants: Small\n")
    assert "\n\nInvariant Small violated: x <= 1\n" in res.stdout
    assert "t.spec:4:18: note: Small is defined here" in res.stdout


def test_json_is_one_object(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)
    res = invoke("check", spec, "--json")
    out = json.loads(res.stdout)
    assert out["result"] == "invariant"
    assert out["violation"] == {
        "kind": "invariant", "name": "Small", "detail": "x <= 1", "trace_length": 3, "location": "t.spec:4:18",
    }


def test_flags_reach_the_backend(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = install(monkeypatch)
    invoke("check", spec, "--no-deadlock", "--no-symmetry", "--max-states", "7", "--depth", "3",
           "--timeout", "1.5", "--workers", "2")
    assert seen == [CheckOptions(check_deadlock=False, symmetry=False, max_states=7, max_depth=3,
                                 timeout=1.5, workers=2, backend="auto")]


def test_overrides_reach_the_pipeline(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    got = []

    def load(source, overrides):
        got.append(overrides)
        return fake_model(source)

    install(monkeypatch, load=load)
    invoke("check", spec, "--const", "N = 3", "--type", "RM=r1, r2,r3")
    assert got[0].consts == {"N": "3"}
    assert got[0].types == {"RM": ("r1", "r2", "r3")}


def test_trace_out(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)
    res = invoke("check", spec, "--trace-out", "cex.itf.json", "--quiet")
    assert res.exit_code == 12
    trace = read_itf("cex.itf.json", {"x": RangeT(0, 3)})
    assert trace == violation_result().violation.trace
    assert json.loads(Path("cex.itf.json").read_text())["#meta"]["source"] == "t.spec"


def test_spec_error_rendered_with_caret(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def load(source, overrides):
        raise SpecError([Diagnostic("E-unknown-name", "unknown name y", Span("t.spec", 3, 14, 3, 15))])

    install(monkeypatch, load=load)
    res = invoke("check", spec)
    assert res.exit_code == 150
    assert res.stderr == "t.spec:3:14: error[E-unknown-name]: unknown name y\n  action Inc { x += 1 }\n               ^\n"
    res = invoke("check", spec, "--json")
    assert json.loads(res.stdout)["errors"][0]["code"] == "E-unknown-name"


def test_backend_refusal_is_a_spec_error(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def check(model, options, progress=None):
        raise SpecError([Diagnostic("E-unsupported", "liveness is not supported", Span("t.spec", 4, 1, 4, 10))])

    install(monkeypatch, check=check)
    assert invoke("check", spec).exit_code == 150


def test_option_error_from_semantics(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def load(source, overrides):
        raise OptionError("--const N: no constant N (constants: Max)")

    install(monkeypatch, load=load)
    res = invoke("check", spec, "--json")
    assert res.exit_code == 151
    assert res.stderr == "error: --const N: no constant N (constants: Max)\n"
    assert json.loads(res.stdout) == {
        "result": "option-error", "errors": [{"message": "--const N: no constant N (constants: Max)"}]
    }


def test_internal_error_has_no_traceback_unless_debugging(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def check(model, options, progress=None):
        raise RuntimeError("boom")

    install(monkeypatch, check=check)
    monkeypatch.delenv("SPECPY_DEBUG", raising=False)
    res = invoke("check", spec)
    assert res.exit_code == 153
    assert res.stderr == (
        "specpy: internal error: RuntimeError: boom\n"
        "This is a bug in specpy. Please report it with the spec, the command line and the output "
        "of the same command run with --debug (or SPECPY_DEBUG=1), which shows the traceback.\n"
    )
    assert "Traceback" in CliRunner().invoke(cli.main, ["--debug", "check", spec]).stderr
    monkeypatch.setenv("SPECPY_DEBUG", "1")
    assert "Traceback" in invoke("check", spec).stderr


def test_interrupt_exit_152(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def check(model, options, progress=None):
        raise KeyboardInterrupt

    install(monkeypatch, check=check)
    res = invoke("check", spec)
    assert (res.exit_code, res.stderr) == (152, "specpy: interrupted\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (("--const", "x"), "--const x: expected NAME=VALUE"),
        (("--const", "=3"), "--const =3: no name before '='"),
        (("--const", "N="), "--const N=: no value after '='"),
        (("--const", "N=1", "--const", "N=2"), "--const N is given twice"),
        (("--type", "X="), "--type X=: no members after '=' (write X=a,b,c)"),
        (("--type", "X=a,,b"), "--type X=a,,b: empty member name"),
        (("--type", "X=a,a"), "--type X=a,a: a member is listed twice"),
        (("--workers", "0"), "--workers 0: must be at least 1"),
        (("--timeout", "0"), "--timeout 0: must be a positive number of seconds"),
    ],
)
def test_malformed_options(spec: str, monkeypatch: pytest.MonkeyPatch, args, message: str) -> None:
    install(monkeypatch)
    res = invoke("check", spec, *args)
    assert (res.exit_code, res.stderr) == (151, f"error: {message}\n")


def test_progress_is_throttled(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clock = [100.0]
    monkeypatch.setattr(check_command.time, "monotonic", lambda: clock[0])
    progress = check_command.Progress()
    stats = Stats(distinct_states=10, states_generated=25, queue=3, seconds=5.0)
    progress(stats)  # too soon after the start
    clock[0] += 2.5
    progress(stats)
    progress(stats)  # too soon after the last line
    progress.clear()
    err = capsys.readouterr().err
    assert err == "\r25 states, 10 distinct, 3 queued, 5 generated/s\x1b[K\r\x1b[K"


def test_out_of_memory_exit_153(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def check(model, options, progress=None):
        raise MemoryError

    install(monkeypatch, check=check)
    res = invoke("check", spec)
    assert res.exit_code == 153
    assert res.stderr.startswith("specpy: out of memory")
