"""`specpy simulate`: a check along random walks, for models too big to enumerate."""

from __future__ import annotations

from pathlib import Path

import click

from specpy.cli.check import run_check
from specpy.cli.files import check_output_path
from specpy.cli.flags import (
    make_options, override_options, parse_overrides, report_options, timeout_option, trace_out_option,
)
from specpy.cli.output import Output, guarded
from specpy.options import OptionError


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@override_options
@click.option("--runs", type=int, default=100, show_default=True, metavar="N", help="Random walks to take.")
@click.option("--depth", type=int, default=100, show_default=True, metavar="D", help="States per walk, at most.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S", help="Seed of the random choices.")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@timeout_option
@trace_out_option("Write the violating walk, if any, as ITF JSON.")
@report_options
@click.pass_context
def simulate(
    ctx: click.Context,
    spec: Path,
    consts: tuple[str, ...],
    types: tuple[str, ...],
    runs: int,
    depth: int,
    seed: int,
    no_deadlock: bool,
    timeout: float | None,
    trace_out: Path | None,
    as_json: bool,
    quiet: bool,
    full_trace: bool,
) -> None:
    """Check SPEC along random walks (reproducible by --seed): for models too big to enumerate."""
    out = Output(as_json)

    def run() -> int:
        from specpy.explicit.simulate import SimulationOptions

        overrides = parse_overrides(consts, types)
        for option, value in (("--runs", runs), ("--depth", depth)):
            if value < 1:
                raise OptionError(f"{option} {value}: must be at least 1")
        options = make_options(None, no_deadlock, True, None, timeout, 1)
        check_output_path("--trace-out", trace_out, [spec])
        sim = SimulationOptions(runs=runs, depth=depth, seed=seed)
        return run_check(spec, overrides, options, "simulate", trace_out, out, quiet, full_trace, simulation=sim)

    ctx.exit(guarded(out, run))
