"""Test-suite settings shared by every stage.

Hypothesis runs derandomized by default, so a CI run is reproducible and a
red build is never a coin toss; `HYPOTHESIS_PROFILE=explore pytest` draws
fresh random examples when hunting for new bugs.

The `golden` fixture compares renderings users read with files in the test's
`golden/` folder; after a deliberate change, `SPECPY_UPDATE_GOLDEN=1 pytest`
rewrites them (review the diff).

Tests marked `@pytest.mark.tlc` run TLC: they need `SPECPY_TLC_JAR` (the
tla2tools.jar) and java. Without them they skip — or fail, with
`SPECPY_REQUIRE_TLC=1`, which .ci/run sets when it provides the jar, so a CI
run never passes with TLC's tests silently skipped.

Ctrl-C is handled as at a terminal: a test run started in the background
(`cmd &` without job control, as CI scripts do) inherits SIGINT ignored, and
so would every specpy it starts (Python leaves an ignored SIGINT ignored);
the tests that send SIGINT stand for a user pressing Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A Python handler, unlike SIG_IGN, is not inherited: each child starts with SIGINT at its default.
signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "tlc: runs TLC (needs SPECPY_TLC_JAR and java)")


def tlc_missing() -> str | None:
    """Why TLC cannot run here, or None."""
    jar = os.environ.get("SPECPY_TLC_JAR")
    if not jar:
        return "SPECPY_TLC_JAR is not set (no TLC jar)"
    if not Path(jar).is_file():
        return f"SPECPY_TLC_JAR={jar} is not a file"
    if shutil.which("java") is None:
        return "no java on PATH (TLC needs Java 11 or later)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("tlc") is None:
        return
    missing = tlc_missing()
    if missing is None:
        return
    if os.environ.get("SPECPY_REQUIRE_TLC") == "1":
        pytest.fail(f"{missing}; SPECPY_REQUIRE_TLC=1 says TLC's tests must run", pytrace=False)
    pytest.skip(missing)


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
