"""`specpy tla`, `specpy tlc`, `specpy crosscheck`: TLA+ export, TLC runs, and specpy against TLC.

The exporter, the TLC runner and the comparison live in tla/, tla_corpus.py and
crosscheck.py; they are imported only when one of these commands runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from specpy.cli.files import check_output_path, write_output
from specpy.cli.options import make_options, override_options, parse_overrides
from specpy.cli.output import Output, guarded
from specpy.options import OptionError
from specpy.result import EXIT_DISAGREE, EXIT_SYSTEM_ERROR

@click.command("tla")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for <Module>.tla and <Module>.cfg (default: tla/ with --all, else .).")
@click.option("--all", "all_specs", is_flag=True, help="Export every spec under specs/ (the committed tla/ folder).")
@override_options
@click.option("--no-deadlock", is_flag=True, help="Write CHECK_DEADLOCK FALSE.")
@click.option("--no-symmetry", is_flag=True, help="Write no SYMMETRY.")
@click.pass_context
def tla(ctx: click.Context, specs: tuple[Path, ...], out_dir: Path | None, all_specs: bool, consts: tuple[str, ...],
        types: tuple[str, ...], no_deadlock: bool, no_symmetry: bool) -> None:
    """Export SPEC as a TLA+ module and TLC configuration (exit 150 if it cannot be written)."""
    from specpy.diagnostics import SpecError
    from specpy.tla_corpus import TLA_DIR, export_corpus, export_spec

    out = Output(False)
    source = None

    def run() -> int:
        nonlocal source
        if all_specs == bool(specs):
            raise OptionError("give SPEC files or --all (not both)")
        try:
            if all_specs:
                if consts or types or no_deadlock or no_symmetry:
                    raise OptionError("--all exports every spec with its own defaults; overrides apply to one SPEC")
                target = out_dir or TLA_DIR
                written = [e.write(target) for _, e in export_corpus(out_dir=target)]
            else:
                from specpy.pipeline import read_source

                target = out_dir or Path(".")
                overrides = parse_overrides(consts, types)
                options = make_options(None, no_deadlock, no_symmetry, None, None, 1)
                written = []
                for spec in specs:
                    source = read_source(spec)
                    written.append(export_spec(spec, target, options, overrides).write(target))
        except SpecError as exc:
            return out.spec_errors(exc.diagnostics, source)
        except OSError as exc:
            return out.fail(EXIT_SYSTEM_ERROR, "system-error", f"cannot write: {exc}", "specpy: ")
        for tla_path, cfg_path in written:
            click.echo(f"wrote {tla_path} and {cfg_path}")
        return 0

    ctx.exit(guarded(out, run))


@click.command("tlc")
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

    def run() -> int:
        if workers < 1 or (timeout is not None and not timeout > 0):
            raise OptionError("--workers must be at least 1 and --timeout positive")
        check_output_path("--trace-out", trace_out, paths)
        return run_and_report(list(paths) or [TLA_DIR], jar, workers, timeout, record, quiet, trace_out, write_output)

    ctx.exit(guarded(Output(False), run))


@click.command("crosscheck")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "all_specs", is_flag=True, help="Every spec under specs/.")
@click.option("--jar", metavar="PATH", help="tla2tools.jar (default: $SPECPY_TLC_JAR).")
@override_options
@click.option("--no-deadlock", is_flag=True, help="Check neither for deadlocks.")
@click.option("--no-symmetry", is_flag=True, help="Use symmetry reduction in neither.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Per-run wall-time limit.")
@click.pass_context
def crosscheck(ctx: click.Context, specs: tuple[Path, ...], all_specs: bool, jar: str | None, consts: tuple[str, ...],
               types: tuple[str, ...], no_deadlock: bool, no_symmetry: bool, timeout: float | None) -> None:
    """Check SPEC with specpy and with TLC and compare; exit 1 if any result disagrees."""
    from specpy.crosscheck import crosscheck as run_both, table
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load, read_source
    from specpy.tla.tlc import TlcSetupError, find_jar
    from specpy.tla_corpus import SPECS_DIR, corpus_specs

    out = Output(False)
    source = None

    def run() -> int:
        nonlocal source
        if all_specs == bool(specs):
            raise OptionError("give SPEC files or --all (not both)")
        overrides = parse_overrides(consts, types)
        options = make_options(None, no_deadlock, no_symmetry, None, timeout, 1)
        try:
            jar_path = find_jar(jar)
            rows = []
            for spec in corpus_specs(SPECS_DIR) if all_specs else list(specs):
                source = read_source(spec)
                rows.append(run_both(spec, load(spec, overrides), overrides, options, jar_path))
                click.echo(f"checked {spec}", err=True)
        except SpecError as exc:
            return out.spec_errors(exc.diagnostics, source)
        except TlcSetupError as exc:
            return out.fail(EXIT_SYSTEM_ERROR, "system-error", str(exc), "specpy: ")
        click.echo(table(rows), nl=False)
        return 0 if all(r.agree for r in rows) else EXIT_DISAGREE

    ctx.exit(guarded(out, run))
