"""The shipped corpus: every spec in specs/ exported to tla/, and TLC's recorded results.

`specpy tla --all` writes tla/<Module>.tla/.cfg for every specs/**/*.spec
(with the spec's defaults: deadlock checking and symmetry on);
`specpy tlc --record tla/tlc-results.json tla` runs TLC on them and records
its results, which tests/tla/test_tlc_results.py compares with the explicit
checker on every CI run. tla/regenerate.sh runs both.
"""

from __future__ import annotations

from pathlib import Path

from specpy.options import CheckOptions
from specpy.tla.export import Exported, export, source_reference

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
            raise ValueError(f"{spec} and {seen[e.module]} both export module {e.module}; give one a different `spec` name")
        seen[e.module] = spec
        out.append((spec, e))
    return out
