"""Every diagnostic code is registered (diagnostic_codes.py) and documented (docs/errors.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from specpy.diagnostic_codes import CODES, errors_md

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "specpy"
CODE = re.compile(r"[EW]-[a-z0-9]+(?:-[a-z0-9]+)*")


def reported_codes() -> dict[str, str]:
    """Every string constant in src/specpy that is a whole diagnostic code -> one file using it."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "diagnostic_codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.setdefault(node.value, str(path.relative_to(SRC)))
    return found


def test_every_reported_code_is_registered() -> None:
    missing = {c: f for c, f in reported_codes().items() if c not in CODES}
    assert not missing, (
        f"diagnostic codes reported but not registered: {missing}; add each to "
        "src/specpy/diagnostic_codes.py and run `python -m specpy.diagnostic_codes`"
    )


def test_every_registered_code_is_reported() -> None:
    stale = set(CODES) - set(reported_codes())
    assert not stale, f"registered but never reported (remove them): {sorted(stale)}"


def test_docs_errors_md_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == errors_md(), (
        "docs/errors.md is stale: run `python -m specpy.diagnostic_codes`"
    )


def test_the_scan_finds_codes() -> None:
    # The scanner must see codes wherever they are written (a literal in a call).
    assert "E-unsupported" in reported_codes() and "E-syntax-eof" in reported_codes()
    assert len(reported_codes()) >= 70


def test_every_anchor_names_a_heading_of_docs_errors_md() -> None:
    # GitHub's anchor for the heading `### E-unknown-name` is `#e-unknown-name`.
    headings = {line[4:].strip().lower() for line in errors_md().splitlines() if line.startswith("### ")}
    for c in CODES.values():
        page, _, anchor = c.anchor.partition("#")
        assert page == "docs/errors.md" and anchor in headings, c
