"""Imports run one way: front end → IR → backends → CLI (docs/architecture.md).

Every `import` in src/specpy (including those inside functions) is checked
against the allowed dependencies of its stage, so a backend that starts
reading the AST, or one backend importing another, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "specpy"

BACKENDS = {"explicit", "smt", "tla"}

#: stage -> specpy sub-packages/modules it must never import
FORBIDDEN: dict[str, set[str]] = {
    "ir": {"syntax", "semantics", "trace", "result", "options", "pipeline", "cli", *BACKENDS},
    "syntax": {"semantics", "ir", "trace", "pipeline", "cli", *BACKENDS},
    "semantics": {"trace", "pipeline", "cli", *BACKENDS},
    "trace": {"syntax", "semantics", "pipeline", "cli", *BACKENDS},
    "explicit": {"syntax", "semantics", "pipeline", "cli", "smt", "tla"},
    "smt": {"syntax", "semantics", "pipeline", "cli", "explicit", "tla"},
    "tla": {"syntax", "semantics", "pipeline", "cli", "explicit", "smt"},
    "linearizability": {"syntax", "semantics", "cli", "smt", "tla"},
}


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
    return [
        (stage, f)
        for stage in FORBIDDEN
        if (SRC / stage).is_dir()
        for f in sorted((SRC / stage).rglob("*.py"))
    ]


@pytest.mark.parametrize("stage, path", stage_files(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_stage_imports_only_what_it_may(stage: str, path: Path) -> None:
    bad = specpy_imports(path) & FORBIDDEN[stage]
    assert not bad, f"{path.relative_to(SRC)} ({stage}/) must not import {sorted(bad)}"


def test_the_checker_finds_a_forbidden_import(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from specpy.syntax import ast\n")
    assert "syntax" in specpy_imports(f)
