"""Imports run one way: front end → IR → backends → CLI (docs/architecture.md).

Every `import` in src/specpy (including those inside functions) is checked
against the allowed dependencies of its stage — each package and each
top-level module — so a backend that starts reading the AST, imports
another backend, or reaches up into the API, the CLI or the reports, fails
here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "specpy"

BACKENDS = {"explicit", "smt", "tla", "cluster"}
#: Where users reach specpy (and how results are shown): nothing below them imports them.
FRONT = {"api", "cli", "pytest_plugin", "report", "crosscheck", "pipeline", "explore"}
#: Every top-level package and module of specpy.
ALL = {p.stem for p in SRC.iterdir() if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"} - {
    "__init__", "__main__"
}

#: stage (a package or top-level module) -> specpy packages/modules it must never import
FORBIDDEN: dict[str, set[str]] = {
    # The middle layer: what every stage shares. Leaves import nothing of specpy but
    # nodeclass (the cheap dataclass, itself a leaf).
    "diagnostics": ALL - {"nodeclass"},
    "diagnostic_codes": ALL,
    "options": ALL - {"nodeclass"},
    "nodeclass": ALL,
    "result": ALL - {"diagnostics", "ir", "trace", "nodeclass"},
    # Stages and backends.
    "ir": {"syntax", "semantics", "trace", "result", "options", *FRONT, *BACKENDS},
    "syntax": {"semantics", "ir", "trace", "result", *FRONT, *BACKENDS},
    "semantics": {"trace", *FRONT, *BACKENDS},
    "trace": {"syntax", "semantics", *FRONT, *BACKENDS},
    "explicit": {"syntax", "semantics", *FRONT, "smt", "tla", "cluster"},
    # The cluster transport carries the explicit search's partitions; only api and cli import it.
    "cluster": {"syntax", "semantics", *FRONT, "smt", "tla"},
    "smt": {"syntax", "semantics", *FRONT, "explicit", "tla", "cluster"},
    "tla": {"syntax", "semantics", *FRONT, "explicit", "smt", "cluster"},
    # The native core drives the explicit search (which imports it lazily to pick an engine).
    "native": {"syntax", "semantics", *FRONT, "smt", "tla", "cluster"},
    # The formatter reads tokens and syntax trees; the language server is a front door of its own.
    "fmt": {"semantics", "ir", "trace", "result", *FRONT, *BACKENDS, "linearizability"},
    "lsp": {"trace", "result", *(FRONT - {"pipeline"}), *BACKENDS, "native", "linearizability"},
    "linearizability": {"syntax", "semantics", "cli", "smt", "tla", "api", "pytest_plugin", "crosscheck"},
    # Front doors: the pipeline is the front end only; reports show data, the rest compose.
    "pipeline": {"trace", *(FRONT - {"pipeline"}), *BACKENDS},
    "report": {"syntax", "semantics", "pipeline", "explicit", "tla", "api", "cli", "pytest_plugin", "crosscheck"},
    "crosscheck": {"syntax", "semantics", "smt", "api", "cli", "pytest_plugin", "report"},
    "api": {"cli", "pytest_plugin", "report", "crosscheck", "explore"},
    # The browser explorer: a front door over the pipeline, explicit/ and trace/.
    "explore": {"cli", "api", "pytest_plugin", "report", "crosscheck", "smt", "tla", "cluster", "native"},
}


def test_every_top_level_module_has_a_rule() -> None:
    # A new top-level module or package must say what it may import.
    unruled = ALL - set(FORBIDDEN) - {"cli", "pytest_plugin"}
    assert not unruled, f"add a FORBIDDEN rule for {sorted(unruled)} (tests/test_layering.py)"


def specpy_imports(path: Path) -> set[str]:
    """The first component after `specpy.` of every import in a file."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "specpy" and len(parts) > 1:
                found.add(parts[1])
    return found


def stage_files() -> list[tuple[str, Path]]:
    out = []
    for stage in FORBIDDEN:
        if (SRC / stage).is_dir():
            out += [(stage, f) for f in sorted((SRC / stage).rglob("*.py"))]
        elif (SRC / f"{stage}.py").is_file():
            out.append((stage, SRC / f"{stage}.py"))
    return out


@pytest.mark.parametrize("stage, path", stage_files(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_stage_imports_only_what_it_may(stage: str, path: Path) -> None:
    bad = specpy_imports(path) & FORBIDDEN[stage]
    assert not bad, f"{path.relative_to(SRC)} ({stage}/) must not import {sorted(bad)}"


def test_the_checker_finds_a_forbidden_import(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from specpy.syntax import ast\n")
    assert "syntax" in specpy_imports(f)
