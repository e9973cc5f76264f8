"""The LALR-table cache: written once, reused, and never needed for correctness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import specpy.syntax.parser as parser_module
from specpy.diagnostics import SourceFile

SPEC = "spec One\n\nvar x: 0..1 = 0\n\naction Stay { x = x }\n"


def fresh_parse(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("SPECPY_CACHE_DIR", str(cache_dir))
    parser_module._lark.cache_clear()
    parser_module.parse(SourceFile("one.spec", SPEC))


def test_cache_file_is_written_then_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_parse(monkeypatch, tmp_path)
    (cached,) = tmp_path.iterdir()  # one file, no temporary left behind
    assert cached.name.startswith("grammar-") and cached.stat().st_size > 0
    before = cached.stat().st_mtime_ns
    fresh_parse(monkeypatch, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]
    assert cached.stat().st_mtime_ns == before  # read, not rewritten
    parser_module._lark.cache_clear()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_unwritable_cache_directory_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path.chmod(0o500)
    try:
        fresh_parse(monkeypatch, tmp_path / "specpy")
        assert not (tmp_path / "specpy").exists()
    finally:
        tmp_path.chmod(0o700)
        parser_module._lark.cache_clear()


def test_cache_path_that_is_a_file_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    fresh_parse(monkeypatch, blocker / "specpy")
    parser_module._lark.cache_clear()


def test_corrupt_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_parse(monkeypatch, tmp_path)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"garbage\n")
    fresh_parse(monkeypatch, tmp_path)  # Lark notices the bad hash line and rebuilds
    parser_module._lark.cache_clear()
