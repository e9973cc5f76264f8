"""`specpy trace show|html`: read ITF trace files (from specpy, TLC via specpy, Quint or Apalache)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from specpy.cli.flags import override_options, parse_overrides
from specpy.cli.files import check_output_path, write_output
from specpy.cli.output import fail_on_write_error, load_model, run_view
from specpy.options import OptionError

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.trace.trace import Trace


def _read_trace(
    file: Path, spec: Path | None, consts: tuple[str, ...], types: tuple[str, ...]
) -> tuple[Trace, dict[str, Any], Model | None]:
    """The trace, the file's "#meta", and the model when --spec is given (values then
    decode by the spec's types and must match its variables)."""
    from specpy.trace.itf import readable_untyped, read_itf_document

    if spec is None:
        if consts or types:
            raise OptionError("--const and --type need --spec")
        trace, meta = read_itf_document(file)
        return readable_untyped(trace), meta, None
    model = load_model(spec, parse_overrides(consts, types))
    var_types = {v.name: v.type for v in model.vars}
    param_types = {a.name: {p.name: p.type for p in a.params} for a in model.actions}
    trace, meta = read_itf_document(file, var_types, param_types)
    return trace, meta, model


def _spec_options(fn):
    fn = override_options(fn)
    return click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), metavar="SPEC",
                        help="Read the trace against SPEC's variables and types.")(fn)


@click.group()
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

    run_view(ctx, body)


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

        check_output_path("-o", output, [file, spec])
        trace, meta, model = _read_trace(file, spec, consts, types)
        addressing = addressing_from_model(model) if model is not None else addressing_from_values(trace)
        text = render_html(info_from_itf_meta(meta, str(file), len(trace)), trace, addressing)
        fail_on_write_error(write_output("-o", output, text))

    run_view(ctx, body)
