"""The committed tla/ folder is exactly what `specpy tla --all` writes today."""

from __future__ import annotations

from pathlib import Path

import pytest

from specpy.cli.tla import export_corpus
from specpy.tla.corpus import corpus_specs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(request):
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # the headers record spec paths relative to tla/
    try:
        return export_corpus(Path("specs"), Path("tla"))
    finally:
        os.chdir(cwd)


def test_every_spec_is_exported(exported):
    assert len(exported) == len(corpus_specs(ROOT / "specs"))


def test_committed_models_are_up_to_date(exported):
    stale = []
    for spec, e in exported:
        for suffix, text in ((".tla", e.tla), (".cfg", e.cfg)):
            path = ROOT / "tla" / f"{e.module}{suffix}"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(f"{path.relative_to(ROOT)} (from {spec})")
    assert not stale, "tla/ is out of date; run tla/regenerate.sh (or `specpy tla --all`): " + ", ".join(stale)


def test_no_model_without_a_spec(exported):
    modules = {e.module for _, e in exported}
    orphans = [p.name for p in (ROOT / "tla").glob("*.tla") if p.stem not in modules]
    assert not orphans, f"tla/ holds models of no spec in specs/: {orphans}"
