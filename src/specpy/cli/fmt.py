"""`specpy fmt`: rewrite specs in the canonical layout (src/specpy/fmt/), or check that they are.

Files are rewritten in place (cli/files.py `write_output`: temp file, fsync,
rename). `--check` and `--diff` write nothing: `--check` exits 1 when a file
would change (for CI, as black and ruff do), `--diff` prints what would
change as a unified diff. `-` formats standard input to standard output.
A spec that does not parse is reported with its located errors and left
alone; the others are still formatted, and the exit code is then 150.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from specpy.cli.output import Exit, Output, run_view
from specpy.result import EXIT_BAD_OPTION, EXIT_SYSTEM_ERROR, EXIT_WOULD_REFORMAT


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would be reformatted.")
@click.option("--diff", is_flag=True, help="Write nothing; print what would change as a unified diff.")
@click.pass_context
def fmt(ctx: click.Context, paths: tuple[Path, ...], check: bool, diff: bool) -> None:
    """Format spec files (directories: every *.spec under them; `-`: stdin to stdout).

    \b
    Exit codes: 0 nothing to do or every file formatted; 1 with --check, a
    file would be reformatted; 150 a file does not parse; 151 a file cannot
    be read.
    """

    def body() -> None:
        files = _expand(paths)
        worst = 0
        changed = unchanged = 0
        for path in files:
            code, did_change = _one(path, check or diff, diff)
            worst = max(worst, code)
            changed += did_change
            unchanged += code == 0 and not did_change
        if files != [Path("-")]:
            verb = "would be reformatted" if check or diff else "reformatted"
            click.echo(f"{changed} file{'s' * (changed != 1)} {verb}, {unchanged} unchanged", err=True)
        if worst == 0 and changed and check:
            worst = EXIT_WOULD_REFORMAT
        if worst:
            raise Exit(worst)

    run_view(ctx, body)


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.spec") if q.is_file()))
        else:
            files.append(p)
    return files


def _one(path: Path, dry: bool, diff: bool) -> tuple[int, bool]:
    """Format one file: (exit code for it, whether it changed or would)."""
    from specpy.cli.files import write_output
    from specpy.diagnostics import SourceFile, SpecError
    from specpy.fmt import FormatterBug, format_text
    from specpy.options import OptionError
    from specpy.pipeline import read_source

    stdin = str(path) == "-"
    try:
        source = SourceFile("<stdin>", sys.stdin.read()) if stdin else read_source(path)
    except OptionError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_BAD_OPTION, False
    except SpecError as exc:
        return Output(False).spec_errors(exc.diagnostics, None), False
    try:
        text = format_text(source)
    except SpecError as exc:
        return Output(False).spec_errors(exc.diagnostics, source), False
    except FormatterBug as exc:
        click.echo(f"specpy: internal error: {exc}; the file is left as it was. Please report it with the file.", err=True)
        return EXIT_SYSTEM_ERROR, False
    if stdin and not dry:
        click.echo(text, nl=False)
        return 0, text != source.text
    if text == source.text:
        return 0, False
    if diff:
        name = source.path
        click.echo("".join(difflib.unified_diff(
            source.text.splitlines(True), text.splitlines(True), f"{name} (original)", f"{name} (formatted)")), nl=False)
    elif dry:
        click.echo(f"would reformat {source.path}", err=True)
    else:
        error = write_output("fmt", path, text)
        if error is not None:
            click.echo(f"error: {error}", err=True)
            return EXIT_SYSTEM_ERROR, False
        click.echo(f"reformatted {source.path}", err=True)
    return 0, True

