"""TLA+ models of specs, for the CLI: the shipped corpus, and reading an exported model back.

The shipped corpus: every spec in specs/ exported to tla/, and TLC's recorded results.

`specpy tla --all` writes tla/<Module>.tla/.cfg for every specs/**/*.spec
(with the spec's defaults: deadlock checking and symmetry on);
`specpy tlc --record tla/tlc-results.json tla` runs TLC on them and records
its results, which tests/tla/test_tlc_results.py compares with the explicit
checker on every CI run. tla/regenerate.sh runs both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from specpy.options import CheckOptions, OptionError
from specpy.tla.export import Exported, export, source_reference
from specpy.tla.tlc import model_info
from specpy.tla.tlc_output import ModelInfo

SPECS_DIR = Path("specs")
TLA_DIR = Path("tla")
RESULTS_FILE = "tlc-results.json"


def corpus_specs(specs_dir: Path = SPECS_DIR) -> list[Path]:
    """Every spec of the corpus (bug variants in subfolders too), in a stable order."""
    return sorted(specs_dir.rglob("*.spec"))


def export_spec(spec: Path, out_dir: Path, options: CheckOptions | None = None, overrides=None) -> Exported:
    from specpy.pipeline import load

    model = load(spec, overrides)
    return export(model, options or CheckOptions(), overrides, source_reference(spec, out_dir))


def export_corpus(specs_dir: Path = SPECS_DIR, out_dir: Path = TLA_DIR) -> list[tuple[Path, Exported]]:
    """Export every spec; two specs naming the same module is an error (ValueError)."""
    out: list[tuple[Path, Exported]] = []
    seen: dict[str, Path] = {}
    for spec in corpus_specs(specs_dir):
        e = export_spec(spec, out_dir)
        if e.module in seen:
            raise OptionError(f"{spec} and {seen[e.module]} both export module {e.module}; give one a different `spec` name")
        seen[e.module] = spec
        out.append((spec, e))
    return out


_HEADER = re.compile(r"^\\\* Exported by specpy from (.+?)(?: \(with (.*)\))?; do not edit\.$", re.M)


def model_info_for(tla: Path) -> ModelInfo | None:
    """The ModelInfo of a module specpy exported, by re-loading its spec; None otherwise."""
    from specpy.diagnostics import SpecError
    from specpy.options import CheckOptions, OptionError, Overrides
    from specpy.pipeline import load
    from specpy.tla.export import Exporter

    try:
        head = tla.read_text(encoding="utf-8")[:2000]
    except OSError:
        return None
    m = _HEADER.search(head)
    if m is None:
        return None
    spec = tla.parent / m.group(1)
    words = (m.group(2) or "").split()
    given = [words[i + 1].partition("=") for i, w in enumerate(words[:-1]) if w in ("--const", "--type")]
    kinds = [w for w in words if w in ("--const", "--type")]
    overrides = Overrides(
        consts={n: v for k, (n, _, v) in zip(kinds, given) if k == "--const"},
        types={n: tuple(v.split(",")) for k, (n, _, v) in zip(kinds, given) if k == "--type"},
    )
    try:
        model = load(spec, overrides)
        exporter = Exporter(model, CheckOptions(), overrides, str(spec))
    except (SpecError, OptionError, OSError):
        return None
    return model_info(model, exporter.names.mapping, exporter.ex.tag, tla.read_text(encoding="utf-8"))


def tla_files(paths: list[Path]) -> list[Path]:
    """The .tla files to run: given files, and every .tla with a .cfg in given directories."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(t for t in p.glob("*.tla") if t.with_suffix(".cfg").is_file())
        else:
            out.append(p)
    return out


def record_entry(run, today: str) -> dict:
    """One model's line in tlc-results.json: what TLC said, and what it was run on."""
    from specpy.options import Overrides
    from specpy.pipeline import load

    r = run.result
    entry: dict = {"date": today}
    m = _HEADER.search(run.tla.read_text(encoding="utf-8")[:2000])
    if m is not None:
        spec = run.tla.parent / m.group(1)
        entry["spec"] = Path(m.group(1)).as_posix().removeprefix("../")
        model = load(spec, Overrides())
        entry["constants"] = {k: v for k, v in model.constants.items()}
        entry["types"] = {k: list(t.members) for k, t in model.types.items() if hasattr(t, "members") and hasattr(t, "symmetric")}
        entry["terminal"] = bool(model.terminals)
    cfg = run.tla.with_suffix(".cfg").read_text(encoding="utf-8")
    entry["check_deadlock"] = "CHECK_DEADLOCK FALSE" not in cfg
    entry["verdict"] = r.kind.value
    entry["violation"] = None if r.violation is None else r.violation.name
    entry["distinct_states"] = r.stats.distinct_states
    entry["states_generated"] = r.stats.states_generated
    entry["depth"] = r.stats.depth
    entry["trace_length"] = None if r.violation is None else len(r.violation.trace)
    entry["exit_code"] = run.exit_code
    return entry


def run_and_report(paths: list[Path], jar: str | None, workers: int, timeout: float | None,
                   record: Path | None, quiet: bool, trace_out: Path | None = None,
                   write_output: Callable[[str, Path, str], str | None] | None = None) -> int:
    """`specpy tlc`: run each model, print TLC's progress and the report; TLC's exit code.
    `write_output(option, path, text)` writes the `--trace-out` file (cli/files.py)."""
    import datetime
    import json

    import click

    from specpy.diagnostics import Diagnostic, SourceFile, Span, render
    from specpy.options import OptionError
    from specpy.report.check import render_report
    from specpy.result import EXIT_SYSTEM_ERROR
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
                assert write_output is not None
                write_error = write_error or write_output("--trace-out", trace_out, tlc_trace_itf(tla, run, info))
            if run.sany:
                source = SourceFile(str(tla), tla.read_text(encoding="utf-8"))
                for e in run.sany:
                    span = Span(str(tla), e.line, e.column, e.end_line or e.line, e.end_column or e.column + 1)
                    click.echo(render(Diagnostic("E-tla-parse", e.message, span), {str(tla): source}), err=True)
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
            models[run.tla.stem] = record_entry(run, today)
        data["models"] = dict(sorted(models.items()))
        record.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        click.echo(f"recorded {len(runs)} result(s) in {record}", err=True)
    return next((r.exit_code for r in runs if r.exit_code != 0), EXIT_SYSTEM_ERROR if write_error else 0)


def tlc_trace_itf(tla: Path, run, info: ModelInfo | None) -> str:
    """TLC's counterexample as ITF text, typed by the spec when the model was exported by specpy
    (untyped for a hand-written module)."""
    from specpy.trace.itf import itf_text

    v = run.result.violation
    var_types = info.var_types if info is not None else {}
    params = {a: dict(ps) for a, ps in info.params.items()} if info is not None else {}
    meta = {"source": str(tla), "checker": "tlc", "status": v.kind.value, "violation": v.name}
    return itf_text(v.trace, var_types, meta, params)
