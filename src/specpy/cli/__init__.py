"""The `specpy` command: options in, pipeline and backend, rendering, exit code.

One module per command group; nothing here knows how a spec is parsed or
checked:

  __init__.py  the `specpy` group (this file)   options.py  shared flags, Overrides/CheckOptions
  check.py     check (and its report, ITF, HTML) output.py   messages, --json, exit codes, files
  simulate.py  simulate (random walks)          prove.py    prove (k-induction, Z3)
  validate.py  validate (NDJSON logs)           trace.py    trace show, trace html
  graph.py     graph (DOT/SVG)                  tla.py      tla, tlc, crosscheck
  linearizable.py  linearizable (Jepsen histories)

Exit codes follow TLC's (see result.py): 0 ok, 11 deadlock, 12 invariant,
13 liveness, 14 assert, 75 evaluation error, 150 spec error, 151 bad option
value, 152 limit reached, 153 system or internal error, 2 usage error (click:
unknown option, a non-integer where an integer is expected), 130 interrupted
(Ctrl-C; 128 + SIGINT, as shells report it) when Ctrl-C comes before the
search starts; during the search, Ctrl-C and SIGTERM stop it with the
statistics so far (152). A value of the right type but out of range
(`--max-states 0`) is a bad option value, 151.

With `--json`, stdout holds exactly one JSON object whatever happens: the
CheckResult (result.py `to_json`), or `{"result": "spec-error", "errors": [...]}`,
or `{"result": "option-error" | "internal-error" | "system-error" | "interrupted",
"errors": [{"message": ...}]}`;
human-readable messages still go to stderr.

Importing this package loads click and the command modules only: each command
imports the parser and its backend (the explicit search, z3, the TLA+
exporter, the HTML renderer) when it runs, so `specpy --version` and usage
errors stay instant and z3 is never loaded by `specpy check`.
"""

from __future__ import annotations

import click

from specpy import __version__
from specpy.cli import check, graph, linearizable, prove, simulate, tla, trace, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specpy")
def main() -> None:
    """specpy: check distributed-protocol specs (TLC-compatible verdicts and exit codes)."""


for command in (
    check.check, simulate.simulate, prove.prove, validate.validate, trace.trace, graph.graph,
    tla.tla, tla.tlc, tla.crosscheck, linearizable.linearizable,
):
    main.add_command(command)
