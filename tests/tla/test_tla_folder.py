"""The committed tla/ folder is exactly what `specpy tla --all` writes today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specpy.tla_corpus import corpus_specs, export_corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(request):
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # the headers record spec paths relative to tla/
    refused: list = []
    try:
        return export_corpus(Path("specs"), Path("tla"), refused), refused
    finally:
        os.chdir(cwd)


def test_every_spec_is_exported_or_its_refusal_recorded(exported):
    models, refused = exported
    assert len(models) + len(refused) == len(corpus_specs(ROOT / "specs"))
    # A spec the exporter refuses (E-unsupported) escapes TLC only if
    # tla/tlc-results.json says so, with the reason (tla/regenerate.sh records it).
    not_run = json.loads((ROOT / "tla" / "tlc-results.json").read_text(encoding="utf-8")).get("not_run", {})
    for spec, exc in refused:
        assert spec.as_posix() in not_run, f"{spec}: {exc.diagnostics[0].message}, and not listed under not_run"


def test_committed_models_are_up_to_date(exported):
    stale = []
    for spec, e in exported[0]:
        for suffix, text in ((".tla", e.tla), (".cfg", e.cfg)):
            path = ROOT / "tla" / f"{e.module}{suffix}"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(f"{path.relative_to(ROOT)} (from {spec})")
    assert not stale, "tla/ is out of date; run tla/regenerate.sh (or `specpy tla --all`): " + ", ".join(stale)


def test_no_model_without_a_spec(exported):
    modules = {e.module for _, e in exported[0]}
    orphans = [p.name for p in (ROOT / "tla").glob("*.tla") if p.stem not in modules]
    assert not orphans, f"tla/ holds models of no spec in specs/: {orphans}"
