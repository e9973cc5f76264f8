"""Golden files for error messages: what a user reads is compared in full.

Each tests/errors/NAME.spec must fail to load; the rendered diagnostics must
equal tests/errors/NAME.expected. A change in wording is a visible diff in
review. To accept new output: SPECPY_UPDATE_GOLDEN=1 pytest tests/test_error_goldens.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specpy.diagnostics import SpecError, render
from specpy.pipeline import load_text, read_source

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "errors").glob("*.spec"))


def rendered_errors(spec: Path) -> str:
    rel = spec.relative_to(ROOT).as_posix()
    os.chdir(ROOT)
    source = read_source(rel)
    with pytest.raises(SpecError) as info:
        load_text(source)
    return "\n".join(render(d, {rel: source}) for d in info.value.diagnostics) + "\n"


def test_there_are_enough_error_kinds() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("spec", CASES, ids=lambda p: p.stem)
def test_error_golden(spec: Path) -> None:
    actual = rendered_errors(spec)
    expected_file = spec.with_suffix(".expected")
    if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
        expected_file.write_text(actual)
    assert expected_file.exists(), f"missing {expected_file.name}; run with SPECPY_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text()
