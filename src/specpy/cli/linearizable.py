"""`specpy linearizable`: is each concurrent history linearizable for a model (docs/linearizability.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from specpy.cli.files import check_output_path, write_output
from specpy.cli.output import Exit, Output, guarded
from specpy.options import OptionError
from specpy.result import EXIT_BAD_OPTION, EXIT_EVAL_ERROR, EXIT_INVARIANT, EXIT_LIMIT, EXIT_OK, EXIT_SYSTEM_ERROR


@click.command()
@click.argument("model")
@click.argument("histories", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "edn", "jsonl"]), default="auto", show_default=True,
              help="History format: Jepsen EDN or JSON lines (auto: by extension, then by content).")
@click.option("--initial", metavar="JSON", default=None,
              help="The object's initial value as JSON (default nil: an empty register, set or queue).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Stop after this many seconds for the whole run; undecided histories are unknown (exit 152).")
@click.option("--max-configurations", type=int, default=None, metavar="N",
              help="Stop a history undecided (exit 152) when the search has cached N configurations "
                   "(default 5,000,000: about 1 GB).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every verdict on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict lines.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Also write every verdict as a self-contained HTML timeline.")
@click.pass_context
def linearizable(
    ctx: click.Context,
    model: str,
    histories: tuple[Path, ...],
    fmt: str,
    initial: str | None,
    timeout: float | None,
    max_configurations: int | None,
    as_json: bool,
    quiet: bool,
    html_out: Path | None,
) -> None:
    """Decide whether each HISTORY (Jepsen EDN or JSON lines) is linearizable for MODEL.

    MODEL is one of register, cas-register, kv, set, queue, or a .spec file
    whose `operation` declarations define the object. Exit 0 if every
    history is linearizable, 12 if one is not, 151 for a malformed history,
    152 if --timeout, --max-configurations or Ctrl-C stopped a history first (undecided histories are
    reported as unknown); with a .spec model, 150 for a spec error and 75 when
    an operation fails to evaluate.
    """
    out = Output(as_json)

    def run() -> int:
        check_output_path("--html", html_out, histories)
        return _run(model, histories, fmt, initial, timeout, max_configurations, out, quiet, html_out)

    ctx.exit(guarded(out, run))


def _make_model(name: str, initial: str | None, out: Output):
    from specpy.linearizability.models import BUILTIN

    if name.endswith(".spec"):
        if initial is not None:
            raise OptionError("--initial is for the built-in models; a spec's variables have their own initial values")
        return _spec_model(Path(name), out)
    if name not in BUILTIN:
        raise OptionError(f"unknown model {name!r} (built-in models: {', '.join(BUILTIN)})")
    value = None
    if initial is not None:
        from specpy.linearizability.history import HistoryError, parse_json_value

        try:
            value = parse_json_value(initial)
        except HistoryError as exc:
            raise OptionError(f"--initial: {exc.diagnostic.message}") from None
    return BUILTIN[name](value)


def _spec_model(path: Path, out: Output):
    """The spec's operations as a model; spec errors are printed (with carets) and end with 150."""
    from specpy.diagnostics import Diagnostic, SpecError, Span
    from specpy.linearizability.spec_model import SpecModel
    from specpy.pipeline import load_text, read_source

    source = None
    try:
        source = read_source(path)
        spec = load_text(source)
        if not spec.operations:
            message = "the spec declares no operation (`operation name(params) -> T = e { ... }`, docs/language.md)"
            raise SpecError([Diagnostic("E-no-operations", message, Span(str(path), 1, 1, 1, 2))])
        return SpecModel(spec)
    except SpecError as exc:
        raise Exit(out.spec_errors(exc.diagnostics, source)) from None


def _run(name: str, paths: tuple[Path, ...], fmt: str, initial: str | None, timeout: float | None,
         max_configurations: int | None, out: Output, quiet: bool, html_out: Path | None) -> int:
    from specpy.linearizability.checker import UNKNOWN, Verdict, check_history
    from specpy.linearizability.models import ModelFailure
    from specpy.linearizability.report import render_summary, render_verdict, verdict_json
    from specpy.linearizability.search import MAX_CONFIGURATIONS

    if timeout is not None and timeout <= 0:
        raise OptionError("--timeout must be positive")
    if max_configurations is not None and max_configurations <= 0:
        raise OptionError("--max-configurations must be positive")
    try:
        model = _make_model(name, initial, out)
    except Exit as exc:
        return exc.code
    deadline = None if timeout is None else time.monotonic() + timeout
    verdicts: list[Verdict] = []
    interrupted = False
    for path in paths:
        if interrupted or (deadline is not None and time.monotonic() > deadline):
            verdict = Verdict(str(path), UNKNOWN, reason="interrupted" if interrupted else "timeout")
        else:
            try:
                verdict = check_history(model, path, fmt, deadline, max_configurations or MAX_CONFIGURATIONS)
            except ModelFailure as exc:  # the spec's operation failed to evaluate: no verdict can be trusted
                return out.fail(EXIT_EVAL_ERROR, "eval-error", str(exc), "error: ")
            interrupted = verdict.reason == "interrupted"  # Ctrl-C or SIGTERM: the rest are unknown too
        verdicts.append(verdict)
        if not out.as_json:
            click.echo(render_verdict(model, verdict, quiet), nl=False, err=verdict.error is not None)
    if not out.as_json and len(verdicts) > 1:
        click.echo(render_summary(verdicts), nl=False)
    if html_out is not None:
        from specpy.linearizability.html import render_html

        error = write_output("--html", html_out, render_html(model, verdicts))
        if error is not None:
            return out.fail(EXIT_SYSTEM_ERROR, "system-error", error, "error: ")
    code = exit_code([v.status for v in verdicts])
    if out.as_json:
        result = {0: "linearizable", EXIT_INVARIANT: "not-linearizable", EXIT_LIMIT: "unknown",
                  EXIT_BAD_OPTION: "malformed"}[code]
        out.json({"result": result, "model": model.name, "histories": [verdict_json(model, v) for v in verdicts]})
    return code


def exit_code(statuses: list[str]) -> int:
    """A malformed history outranks a violation, which outranks an undecided one."""
    from specpy.linearizability.checker import MALFORMED, NOT_LINEARIZABLE, UNKNOWN

    for status, code in ((MALFORMED, EXIT_BAD_OPTION), (NOT_LINEARIZABLE, EXIT_INVARIANT), (UNKNOWN, EXIT_LIMIT)):
        if status in statuses:
            return code
    return EXIT_OK

