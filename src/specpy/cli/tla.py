"""`specpy tla`, `specpy tlc`, `specpy crosscheck`: TLA+ export, TLC runs, and specpy against TLC.

The exporter, the TLC runner and the shipped corpus live in tla/ (export.py,
tlc.py, corpus.py), the comparison in crosscheck.py; they are imported only
when one of these commands runs. What needs the front end (loading a spec)
is here: exporting specs, and reading TLC's output on a module specpy
exported by re-loading the spec its header names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specpy.cli.files import check_output_path, write_output
from specpy.cli.flags import make_options, override_options, parse_overrides
from specpy.cli.output import Output, guarded
from specpy.options import CheckOptions, OptionError, Overrides
from specpy.result import EXIT_DISAGREE, EXIT_SYSTEM_ERROR

if TYPE_CHECKING:
    from specpy.ir.model import Model
    from specpy.tla.export import Exported
    from specpy.tla.tlc_output import ModelInfo

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
    from specpy.tla.corpus import TLA_DIR

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
    from specpy.tla.corpus import TLA_DIR

    def run() -> int:
        if workers < 1 or (timeout is not None and not timeout > 0):
            raise OptionError("--workers must be at least 1 and --timeout positive")
        check_output_path("--trace-out", trace_out, paths)
        return run_and_report(list(paths) or [TLA_DIR], jar, workers, timeout, record, quiet, trace_out)

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
    from specpy.tla.corpus import SPECS_DIR, corpus_specs

    out = Output(False)
    source = None

    def run() -> int:
        nonlocal source
        if all_specs == bool(specs):
            raise OptionError("give SPEC files or --all (not both)")
        overrides = parse_overrides(consts, types)
        options = make_options(None, no_deadlock, no_symmetry, None, timeout, 1)
        chosen = corpus_specs(SPECS_DIR) if all_specs else list(specs)  # none found: 151, before TLC is looked for
        try:
            jar_path = find_jar(jar)
            rows = []
            for spec in chosen:
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


# ---------------------------------------------------------------- what needs the front end


def export_spec(spec: Path, out_dir: Path, options: CheckOptions | None = None, overrides: Overrides | None = None) -> Exported:
    from specpy.pipeline import load
    from specpy.tla.export import export, source_reference

    model = load(spec, overrides)
    return export(model, options or CheckOptions(), overrides, source_reference(spec, out_dir))


def export_corpus(specs_dir: Path | None = None, out_dir: Path | None = None) -> list[tuple[Path, Exported]]:
    """Every spec of the corpus exported (tla/corpus.py); two specs naming one module is a bad input."""
    from specpy.tla.corpus import SPECS_DIR, TLA_DIR, check_unique_modules, corpus_specs

    out = out_dir or TLA_DIR
    exports = [(spec, export_spec(spec, out)) for spec in corpus_specs(specs_dir or SPECS_DIR)]
    check_unique_modules(exports)
    return exports


def model_info_for(tla: Path) -> ModelInfo | None:
    """How to read TLC's output on a module specpy exported (re-loading the spec its
    header names, with the overrides it lists); for a hand-written module, the
    properties its .cfg names (TLC's message does not name the violated one)."""
    from specpy.diagnostics import SpecError
    from specpy.pipeline import load
    from specpy.tla.export import export, exported_from
    from specpy.tla.tlc_output import ModelInfo

    try:
        provenance = exported_from(tla.read_text(encoding="utf-8"))
    except OSError:
        return None
    if provenance is None:
        return ModelInfo(properties=_cfg_properties(tla.with_suffix(".cfg")))
    spec = tla.parent / provenance.spec
    try:
        model = load(spec, provenance.overrides)
        return export(model, CheckOptions(), provenance.overrides, provenance.spec).info
    except (SpecError, OptionError, OSError):
        return None


def run_and_report(paths: list[Path], jar: str | None, workers: int, timeout: float | None,
                   record: Path | None, quiet: bool, trace_out: Path | None = None) -> int:
    """`specpy tlc`: run each model, print TLC's progress and the report; TLC's exit code."""
    import datetime
    import json

    from specpy.diagnostics import Diagnostic, SourceFile, Span, render
    from specpy.report.check import render_report
    from specpy.tla.corpus import record_entry, spec_of, tla_files
    from specpy.tla.tlc import TlcSetupError, find_jar, run_tlc
    from specpy.tla.tlc_output import PROGRESS

    def progress(msg) -> None:
        if msg.code == PROGRESS and not quiet:
            click.echo(msg.text.strip(), err=True)

    try:
        jar_path = find_jar(jar)
        files = tla_files(paths)
        if not files:
            raise TlcSetupError(f"no .tla file with a .cfg beside it in {', '.join(map(str, paths))}")
        if trace_out is not None and len(files) > 1:
            raise OptionError(f"--trace-out needs one model; {len(files)} were given")
        runs, write_error = [], None
        for tla in files:
            click.echo(f"== {tla}")
            info = model_info_for(tla)
            run = run_tlc(tla, jar_path, workers, timeout, progress, info)
            runs.append(run)
            if trace_out is not None and run.result.violation is not None:
                write_error = write_error or write_output("--trace-out", trace_out, tlc_trace_itf(tla, run, info))
            if run.sany:
                source = SourceFile(str(tla), tla.read_text(encoding="utf-8"))
                for e in run.sany:
                    span = Span(str(tla), e.line, e.column, e.end_line or e.line, e.end_column or e.column + 1)
                    click.echo(render(Diagnostic("E-tla-parse", e.message, span), {str(tla): source}), err=True)
            if run.config is not None:  # not a verdict of the model: no report, no statistics
                cfg = tla.with_suffix(".cfg")
                where = f"{cfg}:{run.config.line}" if run.config.line else str(cfg)
                click.echo(f"error: {where}: {run.config.message}", err=True)
                continue
            click.echo(render_report(run.result, quiet=quiet), nl=False)
    except TlcSetupError as exc:
        click.echo(f"specpy: {exc}", err=True)
        return EXIT_SYSTEM_ERROR
    if write_error is not None:
        click.echo(f"error: {write_error}", err=True)
    if record is not None:
        data = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
        today = datetime.date.today().isoformat()
        data["tlc_version"] = runs[0].version
        data["tlc_flags"] = f"-workers {workers}"
        models = data.setdefault("models", {})
        for run in runs:
            models[run.tla.stem] = record_entry(run, today, _load_default(spec_of(run.tla)))
        data["models"] = dict(sorted(models.items()))
        record.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        click.echo(f"recorded {len(runs)} result(s) in {record}", err=True)
    return next((r.specpy_exit_code() for r in runs if r.specpy_exit_code() != 0), EXIT_SYSTEM_ERROR if write_error else 0)


def _load_default(spec: Path | None) -> Model | None:
    """The spec with its defaults (what tla/ records), or None if there is none."""
    from specpy.pipeline import load

    return None if spec is None else load(spec, Overrides())


def tlc_trace_itf(tla: Path, run, info: ModelInfo | None) -> str:
    """TLC's counterexample as ITF text, typed by the spec when the model was exported by specpy
    (untyped for a hand-written module)."""
    from specpy.trace.itf import itf_text

    v = run.result.violation
    var_types = info.var_types if info is not None else {}
    params = {a: dict(ps) for a, ps in info.params.items()} if info is not None else {}
    meta = {"source": str(tla), "checker": "tlc", "status": v.kind.value, "violation": v.name}
    return itf_text(v.trace, var_types, meta, params)


def _cfg_properties(cfg: Path) -> tuple[str, ...]:
    """The names after PROPERTY/PROPERTIES in a TLC configuration file."""
    from specpy.tla.names import CFG_KEYWORDS

    try:
        words = re.sub(r"\\\*[^\n]*|\(\*.*?\*\)", " ", cfg.read_text(encoding="utf-8"), flags=re.S).split()
    except (OSError, UnicodeDecodeError):
        return ()
    out, taking = [], False
    for word in words:
        if word in CFG_KEYWORDS:
            taking = word in ("PROPERTY", "PROPERTIES")
        elif taking:
            out.append(word)
    return tuple(out)
