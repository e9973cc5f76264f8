"""`specpy graph`: the reachable state graph of a small spec as Graphviz DOT or SVG."""

from __future__ import annotations

from pathlib import Path

import click

from specpy.cli.flags import override_options, parse_overrides
from specpy.cli.files import check_output_path, write_output
from specpy.cli.output import Exit, fail_on_write_error, load_model, run_view
from specpy.options import OptionError
from specpy.result import EXIT_LIMIT, EXIT_SYSTEM_ERROR

GRAPH_MAX_STATES = 500  # `specpy graph` refuses larger models unless told otherwise


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FILE",
              help="The file to write (DOT, or SVG with --svg).")
@click.option("--svg", is_flag=True, help="Write SVG (needs Graphviz's `dot` on PATH) instead of DOT.")
@click.option("--max-states", type=int, default=GRAPH_MAX_STATES, show_default=True, metavar="N",
              help="Refuse models with more reachable states than this.")
@override_options
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
        check_output_path("-o", output, [spec])
        dot = shutil.which("dot") if svg else None
        if svg and dot is None:
            click.echo("error: --svg needs Graphviz's `dot` on PATH (Debian: apt-get install graphviz); "
                       "without --svg the DOT text is written", err=True)
            raise Exit(EXIT_SYSTEM_ERROR)
        model = load_model(spec, parse_overrides(consts, types))
        try:
            g = reachable_graph(model, max_states)
        except GraphTooLarge as exc:
            click.echo(f"error: {exc}; the graph is for small models: raise --max-states or make the "
                       "model smaller (--const, --type)", err=True)
            raise Exit(EXIT_LIMIT) from None
        except GraphEvalError as exc:
            click.echo(f"error: {exc}", err=True)
            raise Exit(EXIT_EVAL_ERROR) from None
        text = render_dot(g, model.name)
        if dot is not None:
            text = _run_dot(dot, text)
        fail_on_write_error(write_output("-o", output, text))
        click.echo(f"{len(g.states):,} states, {len(g.edges):,} edges, {len(g.violating):,} violating -> {output}")

    run_view(ctx, body)


def _run_dot(dot: str, text: str) -> str:
    import subprocess

    proc = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        click.echo(f"error: dot failed: {proc.stderr.strip()}", err=True)
        raise Exit(EXIT_SYSTEM_ERROR)
    return proc.stdout
