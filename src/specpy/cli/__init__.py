"""The `specpy` command: options in, pipeline and backend, rendering, exit code.

One module per command group; nothing here knows how a spec is parsed or
checked:

  __init__.py  the `specpy` group (this file)   options.py  shared flags, Overrides/CheckOptions
  check.py     check (and its report, ITF, HTML) output.py   messages, --json, exit codes, files
  simulate.py  simulate (random walks)          prove.py    prove (k-induction, Z3)
  validate.py  validate (NDJSON logs)           trace.py    trace show, trace html
  graph.py     graph (DOT/SVG)                  tla.py      tla, tlc, crosscheck
  linearizable.py  linearizable (Jepsen histories)   explore.py  explore (the browser explorer)
  fmt.py       fmt (the canonical layout)       lsp.py      lsp (the language server)

Exit codes follow TLC's; the one table is result.py `EXITS` (README's table
and `specpy --help` come from it). Every command runs inside one guard
(output.py `GuardedGroup`): Ctrl-C and SIGTERM end any command with 152
("interrupted"; during a search, with the statistics so far), a bug in specpy
is 153 with a short message (the traceback with `--debug` or SPECPY_DEBUG=1),
a usage error is click's 2 (unknown option, a non-integer where an integer is
expected), and a value of the right type but out of range (`--max-states 0`)
is a bad option value, 151.

With `--json`, stdout holds exactly one JSON object whatever happens: the
CheckResult (result.py `to_json`), or `{"result": "spec-error", "errors": [...]}`,
or `{"result": "option-error" | "usage-error" | "internal-error" | "system-error" | "interrupted",
"errors": [{"message": ...}]}`;
human-readable messages still go to stderr.

Importing this package loads click only: a command's module is imported when
that command runs (`COMMANDS`; `specpy --help` imports them all to list
them), and each command imports the parser and its backend (the explicit
search, z3, the TLA+ exporter, the HTML renderer) when it runs, so
`specpy --version` and usage errors stay instant, z3 is never loaded by
`specpy check`, and a check does not load the other commands' modules
(issue #15's start-up budget).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

# The explicit search imports numpy, whose OpenBLAS starts a thread per core
# on import; specpy does no linear algebra, and on a busy machine those
# threads cost a short check more wall time than anything it does
# (bench/startup.py). A user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from specpy.cli import startup  # noqa: E402

startup.pause()  # until a command's own work starts (startup.py)

import click  # noqa: E402

from specpy import __version__  # noqa: E402
from specpy.cli.output import GuardedGroup, Output  # noqa: E402
from specpy.result import EXIT_BAD_OPTION, exit_table  # noqa: E402

#: Each command: (its module in specpy.cli, the click command's name there).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "check"), "simulate": ("simulate", "simulate"), "prove": ("prove", "prove"),
    "validate": ("validate", "validate"), "trace": ("trace", "trace"), "graph": ("graph", "graph"),
    "tla": ("tla", "tla"), "tlc": ("tla", "tlc"), "crosscheck": ("tla", "crosscheck"),
    "linearizable": ("linearizable", "linearizable"), "explore": ("explore", "explore"),
    "fmt": ("fmt", "fmt"), "lsp": ("lsp", "lsp"),
}  # fmt: skip


class Specpy(GuardedGroup):
    """The `specpy` group, whose commands are imported when they are needed (`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"specpy.cli.{module}"), name)
        if cmd_name != "check":  # a check resumes once its backend is imported (check.py)
            startup.resume()
        return command


@click.group(
    cls=Specpy,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\b\nExit codes (prove adds 20, crosscheck and fmt --check 1; see README):\n" + exit_table(),
)
@click.version_option(__version__, prog_name="specpy")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (also SPECPY_DEBUG=1).")
@click.option("--dump-code", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write every function the explicit checker generates to DIR/MODEL/ (also SPECPY_DUMP_CODE=DIR).")
@click.pass_context
def main(ctx: click.Context, debug: bool, dump_code: Path | None) -> None:
    """specpy: check distributed-protocol specs (TLC-compatible verdicts and exit codes)."""
    if dump_code is not None:
        from specpy.explicit.compile import DUMP_ENV

        try:
            dump_code.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            ctx.exit(Output(False).fail(EXIT_BAD_OPTION, "option-error", f"--dump-code {dump_code}: {exc.strerror or exc}", "error: "))
        os.environ[DUMP_ENV] = str(dump_code)  # read where code is generated, also in worker processes
