"""`specpy prove`: k-induction with Z3 (z3 is imported only when the command runs)."""

from __future__ import annotations

from pathlib import Path

import click

from specpy.cli.files import check_output_path
from specpy.cli.flags import (
    override_options, parse_overrides, report_options, timeout_option, trace_out_option,
)
from specpy.cli.output import Output, guarded, write_trace
from specpy.options import OptionError, Overrides
from specpy.result import EXIT_SYSTEM_ERROR


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--invariant", "invariants", multiple=True, metavar="NAME",
              help="Prove these invariants together (repeatable; default: all). Others are neither assumed nor proved.")
@click.option("--k", "k", type=int, default=1, show_default=True, metavar="K", help="Try k-induction for k = 1..K.")
@override_options
@timeout_option
@trace_out_option("Write the violation or counterexample to induction, if any, as ITF JSON.")
@report_options
@click.pass_context
def prove(
    ctx: click.Context,
    spec: Path,
    invariants: tuple[str, ...],
    k: int,
    consts: tuple[str, ...],
    types: tuple[str, ...],
    timeout: float | None,
    trace_out: Path | None,
    as_json: bool,
    quiet: bool,
    full_trace: bool,
) -> None:
    """Prove SPEC's invariants for every reachable state by k-induction (Z3).

    Exit 0 proved, 20 not inductive at K (a counterexample to induction is
    printed), 12/14/75 a violation from the initial states, 152 timeout or
    Z3 unknown.
    """
    out = Output(as_json)

    def run() -> int:
        overrides = parse_overrides(consts, types)
        if timeout is not None and not timeout > 0:
            raise OptionError(f"--timeout {timeout:g}: must be a positive number of seconds")
        check_output_path("--trace-out", trace_out, [spec])
        return _run_prove(spec, overrides, invariants, k, timeout, trace_out, out, quiet, full_trace)

    ctx.exit(guarded(out, run))


def _run_prove(
    spec: Path,
    overrides: Overrides,
    invariants: tuple[str, ...],
    k: int,
    timeout: float | None,
    trace_out: Path | None,
    out: Output,
    quiet: bool,
    full_trace: bool,
) -> int:
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source
    from specpy.smt.induction import prove as run_proof
    from specpy.report.prove import render_proof

    source = None
    try:
        source = read_source(spec)
        model = load_text(source, overrides)
        proof = run_proof(model, invariants, k, timeout)
    except SpecError as exc:
        return out.spec_errors(exc.diagnostics, source)
    write_error = None
    violation = proof.check.violation if proof.check is not None else None
    if trace_out is not None and violation is not None:
        write_error = write_trace(trace_out, model, violation.trace, violation.kind.value, violation.name)
    elif trace_out is not None and proof.cti is not None:
        write_error = write_trace(trace_out, model, proof.cti, "not-inductive", proof.broken)
    if out.as_json:
        out.json(proof.to_json())
    else:
        transitions = frozenset(t.name for t in model.transitions)
        click.echo(render_proof(proof, model.source, transitions, full_trace, quiet), nl=False)
    if write_error is not None:
        click.echo(f"error: {write_error}", err=True)
        return EXIT_SYSTEM_ERROR
    return proof.exit_code
