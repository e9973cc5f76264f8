"""How a command ends: messages on stderr, one JSON object with --json, written
files, and the exit code — never a Python traceback.

`guarded` runs a command body and turns every failure into its message and
exit code; `run_view` does the same for the commands that read a trace file or
draw a graph, where a bad input file is a bad option value (151).
`GuardedGroup` (the `specpy` group) is the one guard around every command:
SIGTERM becomes Ctrl-C, Ctrl-C anywhere ends with 152 ("interrupted"), and
anything a command body lets escape is a bug in specpy, 153, with a short
message and how to report it (the traceback only with `specpy --debug` or
SPECPY_DEBUG=1). Exit codes: result.py `EXITS`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from specpy.options import OptionError, Overrides
from specpy.result import EXIT_BAD_OPTION, EXIT_INTERRUPTED, EXIT_SPEC_ERROR, EXIT_SYSTEM_ERROR

if TYPE_CHECKING:
    from specpy.diagnostics import Diagnostic, SourceFile
    from specpy.ir.model import Model
    from specpy.trace.trace import Trace

def debugging() -> bool:
    """`specpy --debug` or SPECPY_DEBUG=1: show tracebacks of internal errors."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("debug"):
        return True
    return os.environ.get("SPECPY_DEBUG") == "1"


class Output:
    """Where failures go: a message on stderr, and one JSON object on stdout with --json."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def json(self, obj: dict[str, Any]) -> None:
        import json  # only with --json: not on every run's start-up

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

    def internal_error(self, exc: BaseException) -> int:
        """A bug in specpy: a short message, how to report it, the traceback only when debugging."""
        if debugging():
            import traceback  # only for a bug: not on every run's start-up

            traceback.print_exc()
        message = (
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in specpy. Please report it with the spec, the command line and the output "
            "of the same command run with --debug (or SPECPY_DEBUG=1), which shows the traceback."
        )
        return self.fail(EXIT_SYSTEM_ERROR, "internal-error", message, "specpy: ")

    def interrupted(self) -> int:
        return self.fail(EXIT_INTERRUPTED, "interrupted", "interrupted", "specpy: ")


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


def interrupt_on_sigterm() -> None:
    """Make SIGTERM stop a run the way Ctrl-C does (statistics so far, exit 152)."""
    import signal

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. called from a test harness)
        pass


def guarded(out: Output, run: Callable[[], int]) -> int:
    """Run a command body; every failure becomes its message and exit code, never a traceback."""
    interrupt_on_sigterm()
    try:
        return run()
    except OptionError as exc:
        return out.fail(EXIT_BAD_OPTION, "option-error", str(exc), "error: ")
    except KeyboardInterrupt:
        return out.interrupted()
    except MemoryError:
        message = "out of memory (bound the search with --max-states or smaller constants)"
        return out.fail(EXIT_SYSTEM_ERROR, "system-error", message, "specpy: ")
    except BrokenPipeError:
        return output_closed()
    except Exception as exc:  # the last line of defence: never a traceback by default
        return out.internal_error(exc)


def output_closed() -> int:
    """Whoever read standard output went away (`specpy check ... | head`): a system
    error, not a bug. Python's own complaint when it flushes at exit is silenced."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    click.echo("error: standard output was closed before specpy finished writing to it", err=True)
    return EXIT_SYSTEM_ERROR


class GuardedGroup(click.Group):
    """The `specpy` group: every command runs inside this guard (module docstring)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        # Parsing the command line comes before invoke: an interrupt there
        # would be click's "Aborted!" and exit 1.
        interrupt_on_sigterm()
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(Output(False).interrupted()) from None

    def invoke(self, ctx: click.Context) -> Any:
        words = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # click empties both when it invokes
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            # click prints the usage message and exits 2; --json still promises one JSON object
            if "--json" in words:
                Output(True).json({"result": "usage-error", "errors": [{"message": exc.format_message()}]})
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: ctx.exit(code)
        except KeyboardInterrupt:
            ctx.exit(Output(False).interrupted())
        except BrokenPipeError:
            ctx.exit(output_closed())
        except Exception as exc:  # the last line of defence: never a traceback by default
            ctx.exit(Output(False).internal_error(exc))


class Exit(Exception):
    """Ends a command with an exit code once its message has been printed."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def run_view(ctx: click.Context, body: Callable[[], None]) -> None:
    """Run a trace/graph command body with the exit-code contract of `check`;
    a bad trace file is a bad input, 151."""
    from specpy.trace.itf import ItfError

    def run() -> int:
        try:
            body()
        except Exit as exc:
            return exc.code
        except ItfError as exc:
            raise OptionError(str(exc)) from None
        return 0

    ctx.exit(guarded(Output(False), run))


def load_model(spec: Path, overrides: Overrides) -> Model:
    """The spec's model; spec errors are printed (with carets) and end the command with 150."""
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load_text, read_source

    source = None
    try:
        source = read_source(spec)
        return load_text(source, overrides)
    except SpecError as exc:
        raise Exit(Output(False).spec_errors(exc.diagnostics, source)) from None


def write_trace(path: Path, model: Model, trace: Trace, status: str, name: str | None) -> str | None:
    """Write TRACE as ITF (`status` and the property `name` go into its "#meta"); returns what
    went wrong, if anything. An error while the initial state was computed leaves it incomplete:
    nothing is written (an ITF state needs every variable) and the file an earlier run left is
    removed."""
    from specpy.cli.files import remove_stale, write_output
    from specpy.trace.itf import itf_text

    if len(trace) == 0 or not trace.complete:
        remove_stale("--trace-out", path, "the error left the initial state incomplete, and an ITF state needs every variable")
        return None
    var_types = {var.name: var.type for var in model.vars}
    param_types = {a.name: {p.name: p.type for p in a.params} for a in model.actions}
    meta = {"source": model.source.path, "status": status, "violation": name}
    return write_output("--trace-out", path, itf_text(trace, var_types, meta, param_types))


def fail_on_write_error(error: str | None) -> None:
    if error is not None:
        click.echo(f"error: {error}", err=True)
        raise Exit(EXIT_SYSTEM_ERROR)
