"""Test-suite settings shared by every stage.

Hypothesis runs derandomized by default, so a CI run is reproducible and a
red build is never a coin toss; `HYPOTHESIS_PROFILE=explore pytest` draws
fresh random examples when hunting for new bugs.

The `golden` fixture compares renderings users read with files in the test's
`golden/` folder; after a deliberate change, `SPECPY_UPDATE_GOLDEN=1 pytest`
rewrites them (review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    folder = Path(request.path).parent / "golden"

    def check(name: str, actual: str) -> None:
        path = folder / f"{name}.txt"
        if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"missing {path.name}; run with SPECPY_UPDATE_GOLDEN=1"
        assert actual == path.read_text(encoding="utf-8")

    return check
