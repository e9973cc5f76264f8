"""`specpy lsp`: the language server on stdin/stdout (src/specpy/lsp/, docs/editors.md)."""

from __future__ import annotations

import click

from specpy.cli.output import Exit, run_view
from specpy.result import EXIT_SYSTEM_ERROR


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport).")
@click.pass_context
def lsp(ctx: click.Context, stdio: bool) -> None:
    """Run the language server (LSP over stdio) for editors: diagnostics, hover, go to
    definition, references, rename, outline, completion, formatting. Needs pygls:
    pip install 'specpy-mc[lsp]'."""

    def body() -> None:
        try:
            from specpy.lsp.server import main
        except ImportError as exc:
            click.echo(f"error: specpy lsp needs pygls ({exc}); install it with: pip install 'specpy-mc[lsp]'", err=True)
            raise Exit(EXIT_SYSTEM_ERROR) from None
        main()

    run_view(ctx, body)
