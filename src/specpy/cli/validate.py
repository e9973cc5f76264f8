"""`specpy validate`: is an implementation's NDJSON log a behaviour of the spec (docs/validation.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from specpy.cli.flags import override_options, parse_overrides, report_options
from specpy.cli.output import Output, guarded
from specpy.options import Overrides
from specpy.result import EXIT_BAD_OPTION


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@override_options
@click.option("--max-gap", type=int, default=0, show_default=True, metavar="K",
              help="Allow up to K unlogged steps between two log lines.")
@click.option("--max-states", type=int, default=None, metavar="N",
              help="Stop (exit 152) when one log line holds more than N spec states (candidates and gap states).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop (exit 152) after this many seconds.")
@report_options
@click.pass_context
def validate(
    ctx: click.Context,
    spec: Path,
    log: Path,
    consts: tuple[str, ...],
    types: tuple[str, ...],
    max_gap: int,
    max_states: int | None,
    timeout: float | None,
    as_json: bool,
    quiet: bool,
    full_trace: bool,
) -> None:
    """Decide whether the NDJSON log LOG (an implementation's steps) is a behaviour of SPEC.

    Exit 0 if it is, 12 with the first unexplained line if not, 151 for a bad log line,
    152 if a limit stopped it.
    """
    out = Output(as_json)

    def run() -> int:
        limits = ValidateOptions(max_gap, max_states, timeout)
        return _run_validate(spec, log, parse_overrides(consts, types), limits, out, quiet, full_trace)

    ctx.exit(guarded(out, run))


@dataclass(frozen=True)
class ValidateOptions:
    max_gap: int
    max_states: int | None
    timeout: float | None


def _run_validate(
    spec: Path, log: Path, overrides: Overrides, options: ValidateOptions, out: Output, quiet: bool, full_trace: bool
) -> int:
    from specpy.api import Spec
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source
    from specpy.trace.ndjson import LogError
    from specpy.report.validate import render_validation

    source = None
    try:
        source = read_source(spec)
        loaded = Spec(load_text(source, overrides))
        result = loaded.validate(log, options.max_gap, options.max_states, options.timeout)
    except SpecError as exc:
        return out.spec_errors(exc.diagnostics, source)
    except LogError as exc:
        out.spec_errors([exc.diagnostic], exc.source, kind="log-error")
        return EXIT_BAD_OPTION
    if out.as_json:
        out.json(result.to_json(loaded.var_types))
    else:
        click.echo(render_validation(result, str(log), options.max_gap, quiet, full_trace), nl=False)
    return result.exit_code
