"""The shipped corpus: every spec in specs/ exported to tla/, and TLC's recorded results.

`specpy tla --all` writes tla/<Module>.tla/.cfg for every specs/**/*.spec
(with the spec's defaults: deadlock checking and symmetry on);
`specpy tlc --record tla/tlc-results.json tla` runs TLC on them and records
its results, which tests/tla/test_tlc_results.py compares with each spec's
`# expect:` header on every CI run. tla/regenerate.sh runs both. Loading the
specs is the caller's (cli/tla.py): a backend never runs the front end.
"""

from __future__ import annotations

from pathlib import Path

from specpy.ir.model import Model
from specpy.ir.types import AtomT
from specpy.options import OptionError
from specpy.tla.export import Exported, exported_from
from specpy.tla.tlc import TlcRun

SPECS_DIR = Path("specs")
TLA_DIR = Path("tla")
RESULTS_FILE = "tlc-results.json"


def corpus_specs(specs_dir: Path = SPECS_DIR) -> list[Path]:
    """Every spec of the corpus (bug variants in subfolders too), in a stable order;
    OptionError if there is none (`--all` run outside the project: an empty table is no answer)."""
    found = sorted(specs_dir.rglob("*.spec"))
    if not found:
        raise OptionError(f"--all: no .spec files under {specs_dir}/ (run it from the project's root directory)")
    return found


def check_unique_modules(exports: list[tuple[Path, Exported]]) -> None:
    """Two specs exporting the same module name would overwrite each other (a bad input, 151)."""
    seen: dict[str, Path] = {}
    for spec, e in exports:
        if e.module in seen:
            raise OptionError(f"{spec} and {seen[e.module]} both export module {e.module}; give one a different `spec` name")
        seen[e.module] = spec


def tla_files(paths: list[Path]) -> list[Path]:
    """The .tla files to run: given files, and every .tla with a .cfg in given directories."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(t for t in p.glob("*.tla") if t.with_suffix(".cfg").is_file())
        elif not p.exists():  # `specpy tlc` with no argument, outside the project: no tla/ folder here
            raise OptionError(f"{p}: no such file or directory (give the .tla files or a folder of them)")
        else:
            out.append(p)
    return out


def spec_of(tla: Path) -> Path | None:
    """The spec an exported module was exported from (its header says), if specpy wrote it."""
    try:
        provenance = exported_from(tla.read_text(encoding="utf-8"))
    except OSError:
        return None
    return None if provenance is None else tla.parent / provenance.spec


def record_entry(run: TlcRun, today: str, model: Model | None) -> dict:
    """One model's line in tlc-results.json: what TLC said, and what it was run on
    (`model`: the spec the module was exported from, loaded with its defaults)."""
    r = run.result
    entry: dict = {"date": today}
    provenance = exported_from(run.tla.read_text(encoding="utf-8"))
    if provenance is not None and model is not None:
        entry["spec"] = Path(provenance.spec).as_posix().removeprefix("../")
        entry["constants"] = dict(model.constants)
        entry["types"] = {k: list(t.members) for k, t in model.types.items() if isinstance(t, AtomT)}
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
