"""`specpy check`: the explicit (or Z3) check of a spec, its report, ITF and HTML output.

`run_check` is also the body of `specpy simulate` (a check along random walks).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specpy.cli.flags import (
    DEFAULT_CHECKPOINT_INTERVAL, make_options, override_options, parse_overrides, report_options,
    timeout_option, trace_out_option,
)
from specpy.cli.files import check_output_path, remove_stale, write_output
from specpy.cli import startup
from specpy.cli.output import Output, guarded, write_trace
from specpy.options import CheckOptions, OptionError, Overrides
from specpy.result import EXIT_LIMIT, EXIT_SYSTEM_ERROR

if TYPE_CHECKING:
    from specpy.api import Spec
    from specpy.explicit.simulate import SimulationOptions
    from specpy.ir.model import Model
    from specpy.result import Checked, CheckResult, Stats

PROGRESS_INTERVAL = 2.0  # seconds between progress lines on a terminal


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@override_options
@click.option("--backend", type=click.Choice(["python", "native", "z3", "explicit"]), default=None,
              help="python: the explicit search on generated Python; native: on generated C (cffi and a C "
                   "compiler); z3: bounded model checking. Default: native when the spec and the run allow it, "
                   "else python with a note on stderr saying why (`explicit` is that default).")
@click.option("--depth", type=int, metavar="K",
              help="Bound the search depth (a bounded check, not a proof); z3: steps to check (required).")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@click.option("--no-symmetry", is_flag=True, help="Do not use symmetry reduction.")
@click.option("--max-states", type=int, metavar="N", help="Stop (exit 152) after N distinct states.")
@timeout_option
@click.option("--workers", type=int, default=1, show_default=True, metavar="N", help="Worker processes.")
@click.option("--memory-limit", type=int, metavar="MB",
              help="Stop (exit 152) when the checker uses more than MB megabytes (default: when the machine "
                   "is nearly out of memory and the checker is the cause).")
@click.option("--cluster", metavar="ray[=ADDRESS]",
              help="Run the partitions as Ray actors: `ray` starts a local Ray, `ray=auto` or `ray=HOST:PORT` "
                   "joins a cluster (docs/cluster.md; needs specpy-mc[ray]).")
@click.option("--disk-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Where fingerprints, links and frontiers spill when memory runs short "
                   "(default: a temporary directory, removed at the end).")
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(file_okay=False), metavar="DIR",  # "" stays "" (refused)
              help="Write a checkpoint to DIR periodically and when stopped, for --resume.")
@click.option("--checkpoint-interval", type=float, metavar="SECONDS",
              help=f"Seconds between checkpoints (default {DEFAULT_CHECKPOINT_INTERVAL:g}).")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False), metavar="DIR",  # "" stays "" (refused)
              help="Continue from the checkpoint in DIR (and keep checkpointing there).")
@trace_out_option("Write the counterexample, if any, as ITF JSON.")
@report_options
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write a self-contained HTML report (message chart, steps, states).")
@click.pass_context
def check(
    ctx: click.Context,
    spec: Path,
    consts: tuple[str, ...],
    types: tuple[str, ...],
    backend: str | None,
    depth: int | None,
    no_deadlock: bool,
    no_symmetry: bool,
    max_states: int | None,
    timeout: float | None,
    workers: int,
    memory_limit: int | None,
    cluster: str | None,
    disk_dir: Path | None,
    checkpoint_dir: str | None,
    checkpoint_interval: float | None,
    resume_dir: str | None,
    trace_out: Path | None,
    as_json: bool,
    quiet: bool,
    full_trace: bool,
    html_out: Path | None,
) -> None:
    """Check every invariant, assert and (unless --no-deadlock) deadlock of SPEC."""
    out = Output(as_json)

    def run() -> int:
        overrides = parse_overrides(consts, types)
        options = make_options(
            depth, no_deadlock, no_symmetry, max_states, timeout, workers,
            memory_limit, checkpoint_dir, checkpoint_interval, resume_dir, disk_dir, cluster,
        )
        robust = (
            options.memory_limit_mb is not None or options.checkpoint_dir or options.resume_dir or options.disk_dir
            or options.cluster
        )
        engine = {None: "auto", "explicit": "auto", "python": "python", "native": "native"}.get(backend, "auto")
        options = dataclasses.replace(options, backend=engine)
        kind = "z3" if backend == "z3" else "explicit"
        if kind != "explicit" and robust:
            raise OptionError(
                "--memory-limit, --disk-dir, --cluster, --checkpoint and --resume apply to the explicit backend only"
            )
        check_output_path("--trace-out", trace_out, [spec])
        check_output_path("--html", html_out, [spec])
        code = run_check(spec, overrides, options, kind, trace_out, out, quiet, full_trace, html_out)
        if code == EXIT_LIMIT and kind == "explicit":
            click.echo(_resume_hint(options, spec, consts, types), err=True)
        return code

    ctx.exit(guarded(out, run))


def _resume_hint(options: CheckOptions, spec: Path, consts: tuple[str, ...], types: tuple[str, ...]) -> str:
    """How to continue a stopped run: the exact command, or how to make that possible."""
    import shlex

    directory = options.checkpoint_dir or options.resume_dir
    if directory is None:
        return "To be able to resume a stopped run, start it with --checkpoint DIR."
    if not (Path(directory) / "CURRENT").is_file():
        return f"No checkpoint was written to {directory}: the search stopped before its first level was done."
    words = ["specpy", "check", "--resume", str(directory)]
    words += [w for c in consts for w in ("--const", c)] + [w for t in types for w in ("--type", t)]
    words += ["--no-deadlock"] * (not options.check_deadlock) + ["--no-symmetry"] * (not options.symmetry)
    if options.max_depth is not None:
        words += ["--depth", str(options.max_depth)]
    if options.workers != 1:
        words += ["--workers", str(options.workers)]
    if options.cluster is not None:
        words += ["--cluster", options.cluster]
    return "To resume: " + shlex.join([*words, str(spec)])


def run_check(
    spec: Path,
    overrides: Overrides,
    options: CheckOptions,
    backend: str,
    trace_out: Path | None,
    out: Output,
    quiet: bool,
    full_trace: bool,
    html_out: Path | None = None,
    simulation: SimulationOptions | None = None,
) -> int:
    """Load SPEC, run the backend (or random walks), print the result; the exit code."""
    from specpy.api import Spec
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source

    source = None
    try:
        source = read_source(spec)
        model = load_text(source, overrides)
        checked = _announce(model, options, overrides, backend, simulation, quiet or out.as_json)
        if simulation is not None:
            from specpy.explicit.simulate import simulate as run_simulation

            startup.resume()
            result = run_simulation(model, options, simulation)
        else:
            result = _run_backend(backend, Spec(model), options, quiet)
    except SpecError as exc:
        return out.spec_errors(exc.diagnostics, source)
    # The head named the backend asked for; the result knows the one that ran.
    result.checked = dataclasses.replace(checked, backend=result.backend if backend == "explicit" else checked.backend)
    # Write the trace before printing, so that a failed write cannot leave
    # two JSON objects on stdout; report the failure after the verdict.
    write_error = None
    if trace_out is not None and result.violation is not None:
        v = result.violation
        write_error = write_trace(trace_out, model, v.trace, v.kind.value, v.name)
    elif trace_out is not None:
        remove_stale("--trace-out", trace_out, "no violation, so no trace")
    if result.backend_note is not None and not quiet:
        click.echo(f"note: checked with the Python backend: {result.backend_note}", err=True)
    for note in (result.memory_note, result.workers_note):
        if note is not None:
            click.echo(f"note: {note}", err=True)
    transitions = frozenset(t.name for t in model.transitions)
    if html_out is not None:
        write_error = write_error or _write_html_report(html_out, model, result, transitions)
    if out.as_json:
        out.json(result.to_json())
    else:
        from specpy.report.check import render_report

        click.echo(render_report(result, model.source, transitions, full_trace, quiet), nl=False)
    if write_error is not None:
        click.echo(f"error: {write_error}", err=True)
        return EXIT_SYSTEM_ERROR
    return result.exit_code


def _announce(
    model: Model, options: CheckOptions, overrides: Overrides, backend: str,
    simulation: SimulationOptions | None, silent: bool,
) -> Checked:
    """What this run checks, printed before the search unless `silent` (--quiet, --json)."""
    from specpy.report.checked import describe, render_checked

    if simulation is not None:
        walks = f"{simulation.runs:,} walks of up to {simulation.depth:,} states, seed {simulation.seed}"
        checked = describe(model, options, overrides, "simulate", walks)
    else:
        checked = describe(model, options, overrides, options.backend if backend == "explicit" else backend)
    if not silent:
        click.echo(render_checked(checked, tuple(a.name for a in model.actions)) + "\n")
    return checked


def _run_backend(backend: str, spec: Spec, options: CheckOptions, quiet: bool) -> CheckResult:
    if backend == "z3":
        from specpy.smt import check as smt_check

        startup.resume()
        return smt_check(spec.model, options)
    if backend != "explicit":  # click's Choice admits nothing else
        raise OptionError(f"--backend {backend}: unknown backend")
    import specpy.explicit.search  # noqa: F401 (spec.check's engine, imported before the collector resumes)

    startup.resume()
    progress = Progress() if (sys.stderr.isatty() and not quiet) else None
    try:
        return spec.check(options, progress=progress)
    finally:
        if progress is not None:
            progress.clear()


def _write_html_report(path: Path, model: Model, result: CheckResult, transitions: frozenset[str]) -> str | None:
    from specpy.report.check import verdict
    from specpy.report.checked import checked_rows
    from specpy.trace.html import info_from_result, render_html
    from specpy.trace.msc import addressing_from_model

    rows = checked_rows(result.checked, tuple(a.name for a in model.actions)) if result.checked is not None else []
    info = info_from_result(result, model, verdict(result, transitions), tuple(rows))
    trace = result.violation.trace if result.violation is not None else None
    return write_output("--html", path, render_html(info, trace, addressing_from_model(model)))


class Progress:
    """A progress line on stderr (a TTY), at most every PROGRESS_INTERVAL seconds.

    The backend may call it as often as it likes with its current Stats; the
    throttling lives here so that backends need not know about terminals.
    """

    def __init__(self) -> None:
        self._last = time.monotonic()
        self._shown = False

    def __call__(self, stats: Stats) -> None:
        now = time.monotonic()
        # The slack keeps a backend that itself reports every PROGRESS_INTERVAL
        # from losing every other line to clock jitter.
        if now - self._last < 0.9 * PROGRESS_INTERVAL:
            return
        self._last = now
        self._shown = True
        line = (
            f"{stats.states_generated:,} states, {stats.distinct_states:,} distinct, "
            f"{stats.queue:,} queued, {stats.states_per_second:,.0f} generated/s"
        )
        sys.stderr.write(f"\r{line}\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
