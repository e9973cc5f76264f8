"""Exit codes are defined once (result.py `EXITS`); README's table and `specpy --help` come from it."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

from specpy.cli import main
from specpy.result import EXITS, exit_table

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "specpy"


def test_readme_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert exit_table(markdown=True) + "\n" in readme, (
        "README's exit-code table differs from result.py EXITS; paste `exit_table(markdown=True)`"
    )


def test_help_lists_every_exit_code() -> None:
    lines = [line.strip() for line in CliRunner().invoke(main, ["--help"]).output.splitlines()]
    for row in exit_table().splitlines():
        assert row.strip() in lines
    shared = [e.code for e in EXITS if not e.commands]
    assert [int(row.split()[0]) for row in exit_table().splitlines()] == shared


def test_codes_are_distinct() -> None:
    codes = [e.code for e in EXITS]
    assert len(codes) == len(set(codes))


def test_no_module_defines_its_own_exit_code() -> None:
    # `EXIT_X = <int>` anywhere but result.py is a second definition.
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "result.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                offenders += [f"{path.relative_to(SRC)}: {n}" for n in names if n.startswith("EXIT_")]
    assert not offenders, f"exit codes belong in result.py: {offenders}"


def test_prove_and_crosscheck_codes_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for e in EXITS:
        if e.commands:
            assert f"exit {e.code}" in readme or f"| {e.code} |" in readme, e
