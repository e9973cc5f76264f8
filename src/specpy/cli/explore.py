"""`specpy explore`: a spec in the browser (explore/, docs/explore.md)."""

from __future__ import annotations

from pathlib import Path

import click

from specpy.cli.flags import override_options, parse_overrides
from specpy.cli.output import Exit, Output, run_view
from specpy.options import OptionError
from specpy.result import EXIT_EVAL_ERROR


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trace", "trace_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.itf.json",
              help="Start on this trace (an ITF file, e.g. from `specpy check --trace-out`).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default="a free port",
              help="The port on 127.0.0.1 to serve on.")
@click.option("--no-browser", is_flag=True, help="Print the address only; do not open a browser.")
@override_options
@click.pass_context
def explore(ctx: click.Context, spec: Path, trace_file: Path | None, port: int, no_browser: bool,
            consts: tuple[str, ...], types: tuple[str, ...]) -> None:
    """Explore SPEC in the browser: take steps, go back, walk at random, replay
    counterexamples, ask what an expression is in the current state.

    Serves on 127.0.0.1 only, at an address with a random token; Ctrl-C stops
    it (exit 152, as every command that is interrupted).
    """

    def body() -> None:
        from specpy.diagnostics import SpecError
        from specpy.explore import open_server
        from specpy.explore.session import ExploreError, InitFailure
        from specpy.pipeline import read_source
        from specpy.trace.itf import read_itf_document

        overrides = parse_overrides(consts, types)
        source = read_source(spec)
        try:
            server = open_server(source, overrides, port)
        except SpecError as exc:
            raise Exit(Output(False).spec_errors(exc.diagnostics, source)) from None
        except InitFailure as exc:  # as `specpy check` reports it: an evaluation error
            click.echo(f"error: {spec}: {exc}", err=True)
            raise Exit(EXIT_EVAL_ERROR) from None
        except ExploreError as exc:
            raise OptionError(f"{spec}: {exc}") from None
        except OSError as exc:
            raise OptionError(f"--port {port}: {exc.strerror or exc}") from None
        try:
            session = server.app.session
            if trace_file is not None:
                trace, _ = read_itf_document(trace_file, session.var_types, session.param_types)
                try:
                    session.follow(trace, str(trace_file))
                except ExploreError as exc:
                    raise OptionError(str(exc)) from None
            click.echo(f"specpy explore: {model_name(session)} at {server.url}")
            click.echo("Press Ctrl-C to stop.")
            if not no_browser:
                open_browser(server.url)
            server.serve_forever()
        finally:
            server.server_close()

    run_view(ctx, body)


def open_browser(url: str) -> None:
    """Open url in a graphical browser. Without a display (an SSH session, a
    container) Python's webbrowser would start a console browser such as lynx
    in this terminal, and wait for it before serving: then only say so."""
    import os
    import sys
    import webbrowser

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        click.echo("(no display: open the address above in a browser)")
        return
    if not webbrowser.open(url):
        click.echo("(no browser could be opened: open the address above)")


def model_name(session) -> str:
    return f"{session.model.name} ({session.model.source.path})"
