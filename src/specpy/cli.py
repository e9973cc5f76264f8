"""The `specpy` command: options in, pipeline and backend, rendering, exit code.

Nothing here knows how a spec is parsed or checked. Exit codes follow TLC's
(see result.py): 0 ok, 11 deadlock, 12 invariant, 13 liveness, 14 assert,
75 evaluation error, 150 spec error, 151 bad option value, 152 limit reached,
153 system or internal error, 2 usage error (click: unknown option, a
non-integer where an integer is expected), 130 interrupted (Ctrl-C; 128 +
SIGINT, as shells report it) when Ctrl-C comes before the search starts; during
the search, Ctrl-C and SIGTERM stop it with the statistics so far (152).
A value of the right type but out of range (`--max-states 0`) is a bad option
value, 151.

With `--json`, stdout holds exactly one JSON object whatever happens: the
CheckResult (result.py `to_json`), or `{"result": "spec-error", "errors": [...]}`,
or `{"result": "option-error" | "internal-error" | "system-error" | "interrupted",
"errors": [{"message": ...}]}`;
human-readable messages still go to stderr.

Heavy modules (the parser, the backend) are imported inside the command, so
`specpy --version` and usage errors stay instant and z3 is never loaded at
start-up.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from specpy import __version__
from specpy.options import CheckOptions, OptionError, Overrides
from specpy.result import EXIT_BAD_OPTION, EXIT_LIMIT, EXIT_SPEC_ERROR, EXIT_SYSTEM_ERROR

if TYPE_CHECKING:
    from specpy.api import Spec
    from specpy.diagnostics import Diagnostic, SourceFile
    from specpy.explicit.simulate import SimulationOptions
    from specpy.ir.model import Model
    from specpy.result import CheckResult, Stats, Violation

EXIT_INTERRUPTED = 130
PROGRESS_INTERVAL = 2.0  # seconds between progress lines on a terminal
GRAPH_MAX_STATES = 500  # `specpy graph` refuses larger models unless told otherwise
DEFAULT_CHECKPOINT_INTERVAL = CheckOptions.checkpoint_interval  # seconds


def _override_options(fn):
    """`--const NAME=V` and `--type NAME=a,b,c`, shared by every command that loads a spec."""
    fn = click.option("--type", "types", multiple=True, metavar="NAME=a,b,c",
                      help="Override a type's members (repeatable).")(fn)
    return click.option("--const", "consts", multiple=True, metavar="NAME=V",
                        help="Override a constant (repeatable).")(fn)


def _report_options(fn):
    """`--json`, `--quiet` and `--full-trace`: how a result is printed."""
    fn = click.option("--full-trace", is_flag=True, help="Print whole states in the trace, not only changes.")(fn)
    fn = click.option("--quiet", "-q", is_flag=True, help="Print the verdict line only.")(fn)
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specpy")
def main() -> None:
    """specpy: check distributed-protocol specs (TLC-compatible verdicts and exit codes)."""


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@_override_options
@click.option("--backend", type=click.Choice(["explicit", "z3"]), default="explicit", show_default=True)
@click.option("--depth", type=int, metavar="K",
              help="Bound the search depth (a bounded check, not a proof); z3: steps to check (required).")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@click.option("--no-symmetry", is_flag=True, help="Do not use symmetry reduction.")
@click.option("--max-states", type=int, metavar="N", help="Stop (exit 152) after N distinct states.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Stop (exit 152) after this much wall time.")
@click.option("--workers", type=int, default=1, show_default=True, metavar="N", help="Worker processes.")
@click.option("--memory-limit", type=int, metavar="MB",
              help="Stop (exit 152) when the checker uses more than MB megabytes (default: when the machine "
                   "is nearly out of memory).")
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write a checkpoint to DIR periodically and when stopped, for --resume.")
@click.option("--checkpoint-interval", type=float, metavar="SECONDS",
              help=f"Seconds between checkpoints (default {DEFAULT_CHECKPOINT_INTERVAL:g}).")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Continue from the checkpoint in DIR (and keep checkpointing there).")
@click.option("--trace-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the counterexample, if any, as ITF JSON.")
@_report_options
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write a self-contained HTML report (message chart, steps, states).")
@click.pass_context
def check(
    ctx: click.Context,
    spec: Path,
    consts: tuple[str, ...],
    types: tuple[str, ...],
    backend: str,
    depth: int | None,
    no_deadlock: bool,
    no_symmetry: bool,
    max_states: int | None,
    timeout: float | None,
    workers: int,
    memory_limit: int | None,
    checkpoint_dir: Path | None,
    checkpoint_interval: float | None,
    resume_dir: Path | None,
    trace_out: Path | None,
    as_json: bool,
    quiet: bool,
    full_trace: bool,
    html_out: Path | None,
) -> None:
    """Check every invariant, assert and (unless --no-deadlock) deadlock of SPEC."""
    out = _Output(as_json)

    def run() -> int:
        overrides = parse_overrides(consts, types)
        options = make_options(
            depth, no_deadlock, no_symmetry, max_states, timeout, workers,
            memory_limit, checkpoint_dir, checkpoint_interval, resume_dir,
        )
        robust = options.memory_limit_mb is not None or options.checkpoint_dir or options.resume_dir
        if backend != "explicit" and robust:
            raise OptionError("--memory-limit, --checkpoint and --resume apply to the explicit backend only")
        _check_writable("--trace-out", trace_out)
        _check_writable("--html", html_out)
        code = _run_check(spec, overrides, options, backend, trace_out, out, quiet, full_trace, html_out)
        if code == EXIT_LIMIT and backend == "explicit":
            click.echo(_resume_hint(options, spec, consts, types), err=True)
        return code

    ctx.exit(_guarded(out, run))


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
    return "To resume: " + shlex.join([*words, str(spec)])


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--invariant", "invariants", multiple=True, metavar="NAME",
              help="Prove these invariants together (repeatable; default: all). Others are neither assumed nor proved.")
@click.option("--k", "k", type=int, default=1, show_default=True, metavar="K", help="Try k-induction for k = 1..K.")
@_override_options
@click.option("--timeout", type=float, metavar="SECONDS", help="Stop (exit 152) after this much wall time.")
@click.option("--trace-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the violation or counterexample to induction, if any, as ITF JSON.")
@_report_options
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
    out = _Output(as_json)

    def run() -> int:
        overrides = parse_overrides(consts, types)
        if timeout is not None and not timeout > 0:
            raise OptionError(f"--timeout {timeout:g}: must be a positive number of seconds")
        _check_writable("--trace-out", trace_out)
        return _run_prove(spec, overrides, invariants, k, timeout, trace_out, out, quiet, full_trace)

    ctx.exit(_guarded(out, run))


def _run_prove(
    spec: Path,
    overrides: Overrides,
    invariants: tuple[str, ...],
    k: int,
    timeout: float | None,
    trace_out: Path | None,
    out: _Output,
    quiet: bool,
    full_trace: bool,
) -> int:
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source
    from specpy.smt.induction import prove as run_proof
    from specpy.smt.report import render_proof
    from specpy.trace.itf import write_itf

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
        write_error = _write_trace(trace_out, model, violation)
    elif trace_out is not None and proof.cti is not None:
        var_types = {var.name: var.type for var in model.vars}
        param_types = {a.name: {p.name: p.type for p in a.params} for a in model.actions}
        meta = {"source": model.source.path, "status": "not-inductive", "violation": proof.broken}
        try:
            write_itf(trace_out, proof.cti, var_types, meta, param_types)
        except OSError as exc:
            write_error = f"--trace-out {trace_out}: cannot write: {exc.strerror or exc}"
    if out.as_json:
        out.json(proof.to_json())
    else:
        transitions = frozenset(t.name for t in model.transitions)
        click.echo(render_proof(proof, model.source, transitions, full_trace, quiet), nl=False)
    if write_error is not None:
        click.echo(f"error: {write_error}", err=True)
        return EXIT_SYSTEM_ERROR
    return proof.exit_code


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@_override_options
@click.option("--runs", type=int, default=100, show_default=True, metavar="N", help="Random walks to take.")
@click.option("--depth", type=int, default=100, show_default=True, metavar="D", help="States per walk, at most.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S", help="Seed of the random choices.")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Stop (exit 152) after this much wall time.")
@click.option("--trace-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the violating walk, if any, as ITF JSON.")
@_report_options
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
    out = _Output(as_json)

    def run() -> int:
        from specpy.explicit.simulate import SimulationOptions

        overrides = parse_overrides(consts, types)
        for option, value in (("--runs", runs), ("--depth", depth)):
            if value < 1:
                raise OptionError(f"{option} {value}: must be at least 1")
        options = make_options(None, no_deadlock, True, None, timeout, 1)
        _check_writable("--trace-out", trace_out)
        sim = SimulationOptions(runs=runs, depth=depth, seed=seed)
        return _run_check(spec, overrides, options, "simulate", trace_out, out, quiet, full_trace, simulation=sim)

    ctx.exit(_guarded(out, run))


def _interrupt_on_sigterm() -> None:
    """Make SIGTERM stop a run the way Ctrl-C does (statistics so far, exit 152)."""
    import signal

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. called from a test harness)
        pass


def _guarded(out: _Output, run: Callable[[], int]) -> int:
    """Run a command body; every failure becomes its message and exit code, never a traceback."""
    _interrupt_on_sigterm()
    try:
        return run()
    except OptionError as exc:
        return out.fail(EXIT_BAD_OPTION, "option-error", str(exc), "error: ")
    except KeyboardInterrupt:
        return out.fail(EXIT_INTERRUPTED, "interrupted", "interrupted", "specpy: ")
    except MemoryError:
        message = "out of memory (bound the search with --max-states or smaller constants)"
        return out.fail(EXIT_SYSTEM_ERROR, "system-error", message, "specpy: ")
    except Exception as exc:  # the last line of defence: never a traceback by default
        return out.internal_error(exc)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@_override_options
@click.option("--max-gap", type=int, default=0, show_default=True, metavar="K",
              help="Allow up to K unlogged steps between two log lines.")
@click.option("--max-states", type=int, default=None, metavar="N",
              help="Stop (exit 152) when one log line holds more than N spec states (candidates and gap states).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop (exit 152) after this many seconds.")
@_report_options
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
    out = _Output(as_json)

    def run() -> int:
        limits = ValidateOptions(max_gap, max_states, timeout)
        return _run_validate(spec, log, parse_overrides(consts, types), limits, out, quiet, full_trace)

    ctx.exit(_guarded(out, run))


@dataclass(frozen=True)
class ValidateOptions:
    max_gap: int
    max_states: int | None
    timeout: float | None


def _run_validate(
    spec: Path, log: Path, overrides: Overrides, options: ValidateOptions, out: _Output, quiet: bool, full_trace: bool
) -> int:
    from specpy.api import Spec
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source
    from specpy.trace.ndjson import LogError
    from specpy.validation import render_validation

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


def parse_overrides(consts: tuple[str, ...], types: tuple[str, ...]) -> Overrides:
    """`NAME=V` / `NAME=a,b,c` texts as Overrides; malformed ones are OptionErrors.

    Only the shape is checked here; whether NAME exists and V fits is for
    semantics/, which knows the declarations.
    """
    const_values: dict[str, str] = {}
    for text in consts:
        name, value = _split_assignment("--const", text, "NAME=VALUE")
        if not value:
            raise OptionError(f"--const {text}: no value after '='")
        if name in const_values:
            raise OptionError(f"--const {name} is given twice")
        const_values[name] = value
    type_members: dict[str, tuple[str, ...]] = {}
    for text in types:
        name, value = _split_assignment("--type", text, "NAME=a,b,c")
        members = tuple(m.strip() for m in value.split(","))
        if not value.strip():
            raise OptionError(f"--type {text}: no members after '=' (write {name}=a,b,c)")
        if any(not m for m in members):
            raise OptionError(f"--type {text}: empty member name")
        if len(set(members)) != len(members):
            raise OptionError(f"--type {text}: a member is listed twice")
        if name in type_members:
            raise OptionError(f"--type {name} is given twice")
        type_members[name] = members
    return Overrides(consts=const_values, types=type_members)


def _split_assignment(option: str, text: str, form: str) -> tuple[str, str]:
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq:
        raise OptionError(f"{option} {text}: expected {form}")
    if not name:
        raise OptionError(f"{option} {text}: no name before '='")
    return name, value.strip()


def make_options(
    depth: int | None,
    no_deadlock: bool,
    no_symmetry: bool,
    max_states: int | None,
    timeout: float | None,
    workers: int,
    memory_limit: int | None = None,
    checkpoint_dir: Path | None = None,
    checkpoint_interval: float | None = None,
    resume_dir: Path | None = None,
) -> CheckOptions:
    """CheckOptions from the flags; out-of-range numbers are OptionErrors (151)."""
    for option, value, least in (
        ("--depth", depth, 1), ("--max-states", max_states, 1), ("--workers", workers, 1),
        ("--memory-limit", memory_limit, 1),
    ):
        if value is not None and value < least:
            raise OptionError(f"{option} {value}: must be at least {least}")
    for option, seconds in (("--timeout", timeout), ("--checkpoint-interval", checkpoint_interval)):
        if seconds is not None and not seconds > 0:
            raise OptionError(f"{option} {seconds:g}: must be a positive number of seconds")
    if checkpoint_interval is not None and checkpoint_dir is None and resume_dir is None:
        raise OptionError("--checkpoint-interval needs --checkpoint DIR (or --resume DIR)")
    return CheckOptions(
        check_deadlock=not no_deadlock,
        symmetry=not no_symmetry,
        max_states=max_states,
        max_depth=depth,
        timeout=timeout,
        workers=workers,
        memory_limit_mb=memory_limit,
        checkpoint_dir=str(checkpoint_dir) if checkpoint_dir is not None else None,
        checkpoint_interval=checkpoint_interval or DEFAULT_CHECKPOINT_INTERVAL,
        resume_dir=str(resume_dir) if resume_dir is not None else None,
    )


def _check_writable(option: str, path: Path | None) -> None:
    """Refuse an unwritable output file before a long run rather than after it."""
    if path is None:
        return
    parent = path.parent
    if not parent.is_dir():
        raise OptionError(f"{option} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OptionError(f"{option} {path}: directory {parent} is not writable")


def _run_check(
    spec: Path,
    overrides: Overrides,
    options: CheckOptions,
    backend: str,
    trace_out: Path | None,
    out: _Output,
    quiet: bool,
    full_trace: bool,
    html_out: Path | None = None,
    simulation: SimulationOptions | None = None,
) -> int:
    from specpy.api import Spec
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source

    source = None
    try:
        source = read_source(spec)
        model = load_text(source, overrides)
        if simulation is not None:
            from specpy.explicit.simulate import simulate as run_simulation

            result = run_simulation(model, options, simulation)
        else:
            result = _run_backend(backend, Spec(model), options, quiet)
    except SpecError as exc:
        return out.spec_errors(exc.diagnostics, source)
    # Write the trace before printing, so that a failed write cannot leave
    # two JSON objects on stdout; report the failure after the verdict.
    write_error = None
    if trace_out is not None and result.violation is not None:
        write_error = _write_trace(trace_out, model, result.violation)
    transitions = frozenset(t.name for t in model.transitions)
    if html_out is not None:
        write_error = write_error or _write_html_report(html_out, model, result, transitions)
    if out.as_json:
        out.json(result.to_json())
    else:
        from specpy.report import render_report

        click.echo(render_report(result, model.source, transitions, full_trace, quiet), nl=False)
    if write_error is not None:
        click.echo(f"error: {write_error}", err=True)
        return EXIT_SYSTEM_ERROR
    return result.exit_code


def _run_backend(backend: str, spec: Spec, options: CheckOptions, quiet: bool) -> CheckResult:
    if backend == "z3":
        from specpy.smt import check as smt_check

        return smt_check(spec.model, options)
    if backend != "explicit":  # click's Choice admits nothing else
        raise OptionError(f"--backend {backend}: unknown backend")
    progress = _Progress() if (sys.stderr.isatty() and not quiet) else None
    try:
        return spec.check(options, progress=progress)
    finally:
        if progress is not None:
            progress.clear()


def _write_trace(path: Path, model: Model, violation: Violation) -> str | None:
    """Write the ITF trace; returns what went wrong, if anything."""
    from specpy.trace.itf import write_itf

    var_types = {var.name: var.type for var in model.vars}
    param_types = {a.name: {p.name: p.type for p in a.params} for a in model.actions}
    meta = {"source": model.source.path, "status": violation.kind.value, "violation": violation.name}
    try:
        write_itf(path, violation.trace, var_types, meta, param_types)
    except OSError as exc:
        return f"--trace-out {path}: cannot write: {exc.strerror or exc}"
    return None


def _write_html_report(path: Path, model: Model, result: CheckResult, transitions: frozenset[str]) -> str | None:
    from specpy.report import verdict
    from specpy.trace.html import info_from_result, render_html
    from specpy.trace.msc import addressing_from_model

    info = info_from_result(result, model, verdict(result, transitions))
    trace = result.violation.trace if result.violation is not None else None
    return _write_text("--html", path, render_html(info, trace, addressing_from_model(model)))


def _write_text(option: str, path: Path, text: str) -> str | None:
    """Write an output file; returns what went wrong, if anything."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"{option} {path}: cannot write: {exc.strerror or exc}"
    return None


# ---------------------------------------------------------------- trace files and the state graph


class _Exit(Exception):
    """Ends a command with an exit code once its message has been printed."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def _run_view(ctx: click.Context, body: Callable[[], None]) -> None:
    """Run a trace/graph command body with the exit-code contract of `check`;
    a bad trace file is a bad input, 151."""
    from specpy.trace.itf import ItfError

    def run() -> int:
        try:
            body()
        except _Exit as exc:
            return exc.code
        except ItfError as exc:
            raise OptionError(str(exc)) from None
        return 0

    ctx.exit(_guarded(_Output(False), run))


def _load_model(spec: Path, consts: tuple[str, ...], types: tuple[str, ...]) -> Model:
    """The spec's model; spec errors are printed (with carets) and end the command with 150."""
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source

    overrides = parse_overrides(consts, types)
    source = None
    try:
        source = read_source(spec)
        return load_text(source, overrides)
    except SpecError as exc:
        raise _Exit(_Output(False).spec_errors(exc.diagnostics, source)) from None


def _read_trace(file: Path, spec: Path | None, consts: tuple[str, ...], types: tuple[str, ...]):
    """The trace, the file's "#meta", and the model when --spec is given (values then
    decode by the spec's types and must match its variables)."""
    from specpy.trace.itf import readable_untyped, read_itf_document

    if spec is None:
        if consts or types:
            raise OptionError("--const and --type need --spec")
        trace, meta = read_itf_document(file)
        return readable_untyped(trace), meta, None
    model = _load_model(spec, consts, types)
    var_types = {v.name: v.type for v in model.vars}
    param_types = {a.name: {p.name: p.type for p in a.params} for a in model.actions}
    trace, meta = read_itf_document(file, var_types, param_types)
    return trace, meta, model


def _spec_options(fn):
    fn = _override_options(fn)
    return click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), metavar="SPEC",
                        help="Read the trace against SPEC's variables and types.")(fn)


@main.group()
def trace() -> None:
    """Read ITF trace files (from specpy, TLC via specpy, Quint or Apalache)."""


@trace.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_spec_options
@click.option("--full", is_flag=True, help="Print every state whole, not only changes.")
@click.pass_context
def trace_show(ctx: click.Context, file: Path, spec: Path | None, consts: tuple[str, ...],
               types: tuple[str, ...], full: bool) -> None:
    """Print the ITF trace FILE as text: per step the action and the changed variables."""

    def body() -> None:
        from specpy.trace.text import render_trace

        trace, _, _ = _read_trace(file, spec, consts, types)
        n = len(trace)
        kind = "lasso, " if trace.loop is not None else ""
        click.echo(f"Trace ({kind}{n} state{'s' if n != 1 else ''}):\n" + render_trace(trace, full=full), nl=False)

    _run_view(ctx, body)


@trace.command("html")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FILE",
              help="The HTML file to write.")
@_spec_options
@click.pass_context
def trace_html(ctx: click.Context, file: Path, output: Path, spec: Path | None, consts: tuple[str, ...],
               types: tuple[str, ...]) -> None:
    """Write the ITF trace FILE as a self-contained HTML report with a message sequence chart."""

    def body() -> None:
        from specpy.trace.html import info_from_itf_meta, render_html
        from specpy.trace.msc import addressing_from_model, addressing_from_values

        _check_writable("-o", output)
        trace, meta, model = _read_trace(file, spec, consts, types)
        addressing = addressing_from_model(model) if model is not None else addressing_from_values(trace)
        text = render_html(info_from_itf_meta(meta, str(file), len(trace)), trace, addressing)
        _fail_on_write_error(_write_text("-o", output, text))

    _run_view(ctx, body)


def _fail_on_write_error(error: str | None) -> None:
    if error is not None:
        click.echo(f"error: {error}", err=True)
        raise _Exit(EXIT_SYSTEM_ERROR)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FILE",
              help="The file to write (DOT, or SVG with --svg).")
@click.option("--svg", is_flag=True, help="Write SVG (needs Graphviz's `dot` on PATH) instead of DOT.")
@click.option("--max-states", type=int, default=GRAPH_MAX_STATES, show_default=True, metavar="N",
              help="Refuse models with more reachable states than this.")
@_override_options
@click.pass_context
def graph(ctx: click.Context, spec: Path, output: Path, svg: bool, max_states: int, consts: tuple[str, ...],
          types: tuple[str, ...]) -> None:
    """Draw the reachable state graph of a small SPEC (Graphviz DOT or SVG)."""

    def body() -> None:
        import shutil

        from specpy.explicit.graph import GraphEvalError, GraphTooLarge, reachable_graph
        from specpy.result import EXIT_EVAL_ERROR
        from specpy.trace.graph import render_dot

        if max_states < 1:
            raise OptionError(f"--max-states {max_states}: must be at least 1")
        _check_writable("-o", output)
        dot = shutil.which("dot") if svg else None
        if svg and dot is None:
            click.echo("error: --svg needs Graphviz's `dot` on PATH (Debian: apt-get install graphviz); "
                       "without --svg the DOT text is written", err=True)
            raise _Exit(EXIT_SYSTEM_ERROR)
        model = _load_model(spec, consts, types)
        try:
            g = reachable_graph(model, max_states)
        except GraphTooLarge as exc:
            click.echo(f"error: {exc}; the graph is for small models: raise --max-states or make the "
                       "model smaller (--const, --type)", err=True)
            raise _Exit(EXIT_LIMIT) from None
        except GraphEvalError as exc:
            click.echo(f"error: {exc}", err=True)
            raise _Exit(EXIT_EVAL_ERROR) from None
        text = render_dot(g, model.name)
        if dot is not None:
            text = _run_dot(dot, text)
        _fail_on_write_error(_write_text("-o", output, text))
        click.echo(f"{len(g.states):,} states, {len(g.edges):,} edges, {len(g.violating):,} violating -> {output}")

    _run_view(ctx, body)


def _run_dot(dot: str, text: str) -> str:
    import subprocess

    proc = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        click.echo(f"error: dot failed: {proc.stderr.strip()}", err=True)
        raise _Exit(EXIT_SYSTEM_ERROR)
    return proc.stdout


class _Progress:
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
            f"{stats.queue:,} queued, {stats.states_per_second:,.0f} states/s"
        )
        sys.stderr.write(f"\r{line}\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


class _Output:
    """Where failures go: a message on stderr, and one JSON object on stdout with --json."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def json(self, obj: dict[str, Any]) -> None:
        click.echo(json.dumps(obj))

    def fail(self, code: int, kind: str, message: str, prefix: str) -> int:
        click.echo(prefix + message, err=True)
        if self.as_json:
            self.json({"result": kind, "errors": [{"message": message}]})
        return code

    def spec_errors(self, diagnostics: list[Diagnostic], source: SourceFile | None, kind: str = "spec-error") -> int:
        from specpy.diagnostics import render

        sources = {source.path: source} if source is not None else {}
        for diag in diagnostics:
            click.echo(render(diag, sources), err=True)
        if self.as_json:
            self.json({"result": kind, "errors": [_diagnostic_json(d) for d in diagnostics]})
        return EXIT_SPEC_ERROR

    def internal_error(self, exc: Exception) -> int:
        if os.environ.get("SPECPY_DEBUG") == "1":
            traceback.print_exc()
        message = f"internal error: {type(exc).__name__}: {exc} (set SPECPY_DEBUG=1 for the traceback)"
        return self.fail(EXIT_SYSTEM_ERROR, "internal-error", message, "specpy: ")


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    s = d.span
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": s.file,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
        "notes": [{"message": n.message, "location": str(n.span) if n.span else None} for n in d.notes],
    }



# ------------------------------------------------------------ TLA+ and TLC (src/specpy/tla/)


@main.command("tla")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for <Module>.tla and <Module>.cfg (default: tla/ with --all, else .).")
@click.option("--all", "all_specs", is_flag=True, help="Export every spec under specs/ (the committed tla/ folder).")
@_override_options
@click.option("--no-deadlock", is_flag=True, help="Write CHECK_DEADLOCK FALSE.")
@click.option("--no-symmetry", is_flag=True, help="Write no SYMMETRY.")
@click.pass_context
def tla(ctx: click.Context, specs: tuple[Path, ...], out_dir: Path | None, all_specs: bool, consts: tuple[str, ...],
        types: tuple[str, ...], no_deadlock: bool, no_symmetry: bool) -> None:
    """Export SPEC as a TLA+ module and TLC configuration (exit 150 if it cannot be written)."""
    from specpy.diagnostics import SpecError
    from specpy.tla_corpus import TLA_DIR, export_corpus, export_spec

    out = _Output(False)
    source = None
    try:
        if all_specs == bool(specs):
            raise OptionError("give SPEC files or --all (not both)")
        if all_specs:
            if consts or types or no_deadlock or no_symmetry:
                raise OptionError("--all exports every spec with its own defaults; overrides apply to one SPEC")
            target = out_dir or TLA_DIR
            written = [e.write(target) for _, e in export_corpus(out_dir=target)]
        else:
            target = out_dir or Path(".")
            overrides = parse_overrides(consts, types)
            options = make_options(None, no_deadlock, no_symmetry, None, None, 1)
            written = []
            for spec in specs:
                from specpy.pipeline import read_source

                source = read_source(spec)
                written.append(export_spec(spec, target, options, overrides).write(target))
        for tla_path, cfg_path in written:
            click.echo(f"wrote {tla_path} and {cfg_path}")
        code = 0
    except SpecError as exc:
        code = out.spec_errors(exc.diagnostics, source)
    except (OptionError, ValueError) as exc:
        code = out.fail(EXIT_BAD_OPTION, "option-error", str(exc), "error: ")
    except OSError as exc:
        code = out.fail(EXIT_SYSTEM_ERROR, "system-error", f"cannot write: {exc}", "specpy: ")
    except Exception as exc:  # the last line of defence: never a traceback by default
        code = out.internal_error(exc)
    ctx.exit(code)


@main.command("tlc")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--jar", metavar="PATH", help="tla2tools.jar (default: $SPECPY_TLC_JAR).")
@click.option("--workers", type=int, default=1, show_default=True, help="TLC worker threads (1 for reproducible counts).")
@click.option("--timeout", type=float, metavar="SECONDS", help="Stop TLC after this much wall time (exit 152).")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Record each model's result in FILE (JSON; tla/tlc-results.json for the corpus).")
@click.option("--quiet", "-q", is_flag=True, help="Print the verdict lines only (no progress, no trace).")
@click.option("--trace-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write TLC's counterexample, if any, as ITF JSON (one model only).")
@click.pass_context
def tlc(ctx: click.Context, paths: tuple[Path, ...], jar: str | None, workers: int, timeout: float | None,
        record: Path | None, quiet: bool, trace_out: Path | None) -> None:
    """Run TLC on each .tla (with its .cfg) in PATHS (default: tla/); exit with TLC's code."""
    from specpy.tla_corpus import TLA_DIR, run_and_report

    out = _Output(False)
    try:
        if workers < 1 or (timeout is not None and not timeout > 0):
            raise OptionError("--workers must be at least 1 and --timeout positive")
        _check_writable("--trace-out", trace_out)
        code = run_and_report(list(paths) or [TLA_DIR], jar, workers, timeout, record, quiet, trace_out)
    except OptionError as exc:
        code = out.fail(EXIT_BAD_OPTION, "option-error", str(exc), "error: ")
    except KeyboardInterrupt:
        code = out.fail(EXIT_INTERRUPTED, "interrupted", "interrupted", "specpy: ")
    except Exception as exc:  # the last line of defence: never a traceback by default
        code = out.internal_error(exc)
    ctx.exit(code)


@main.command("crosscheck")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "all_specs", is_flag=True, help="Every spec under specs/.")
@click.option("--jar", metavar="PATH", help="tla2tools.jar (default: $SPECPY_TLC_JAR).")
@_override_options
@click.option("--no-deadlock", is_flag=True, help="Check neither for deadlocks.")
@click.option("--no-symmetry", is_flag=True, help="Use symmetry reduction in neither.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Per-run wall-time limit.")
@click.pass_context
def crosscheck(ctx: click.Context, specs: tuple[Path, ...], all_specs: bool, jar: str | None, consts: tuple[str, ...],
               types: tuple[str, ...], no_deadlock: bool, no_symmetry: bool, timeout: float | None) -> None:
    """Check SPEC with specpy and with TLC and compare; exit 1 if any result disagrees."""
    from specpy.crosscheck import EXIT_DISAGREE, crosscheck as run_both, table
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load, read_source
    from specpy.tla.tlc import TlcSetupError, find_jar
    from specpy.tla_corpus import SPECS_DIR, corpus_specs

    out = _Output(False)
    source = None
    try:
        if all_specs == bool(specs):
            raise OptionError("give SPEC files or --all (not both)")
        overrides = parse_overrides(consts, types)
        options = make_options(None, no_deadlock, no_symmetry, None, timeout, 1)
        jar_path = find_jar(jar)
        rows = []
        for spec in corpus_specs(SPECS_DIR) if all_specs else list(specs):
            source = read_source(spec)
            rows.append(run_both(spec, load(spec, overrides), overrides, options, jar_path))
            click.echo(f"checked {spec}", err=True)
        click.echo(table(rows), nl=False)
        code = 0 if all(r.agree for r in rows) else EXIT_DISAGREE
    except SpecError as exc:
        code = out.spec_errors(exc.diagnostics, source)
    except OptionError as exc:
        code = out.fail(EXIT_BAD_OPTION, "option-error", str(exc), "error: ")
    except TlcSetupError as exc:
        code = out.fail(EXIT_SYSTEM_ERROR, "system-error", str(exc), "specpy: ")
    except Exception as exc:  # the last line of defence: never a traceback by default
        code = out.internal_error(exc)
    ctx.exit(code)
