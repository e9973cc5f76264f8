"""The golden-file fixture: renderings users read are compared in full.

To accept new output after a deliberate change:
SPECPY_UPDATE_GOLDEN=1 pytest tests/trace tests/cli
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest


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
