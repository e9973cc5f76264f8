"""`measure NAME: expr`: min and max over the reachable states (explicit/measures.py).

The expected values are counted by hand on tiny specs, and on the library
specs that declare measures they are what each header argues (N - W
replicas behind a completed write, three page images per split).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError
from specpy.explicit import check
from specpy.options import CheckOptions, OptionError, Overrides
from specpy.pipeline import load, load_text as _load_text

ROOT = Path(__file__).resolve().parents[2]


def load_text(text: str, name: str):
    return _load_text(SourceFile(name, text))

COUNTER = """var x: 0..3 = 0
action Up { require x < 3; x += 1 }
measure Double: 2 * x + 1
measure Inverse: 6 // x
terminal x == 3
"""


def measures(result) -> dict[str, tuple]:
    return {m.name: (m.min, m.max, m.undefined) for m in result.stats.measures}


def test_min_max_and_undefined_by_hand():
    # x takes 0..3: 2x+1 is 1..7; 6 // x is undefined at x = 0, and 2..6 elsewhere.
    r = check(load_text(COUNTER, "counter.spec"), CheckOptions())
    assert measures(r) == {"Double": (1, 7, 0), "Inverse": (2, 6, 1)}


def test_workers_give_the_same_numbers():
    one = check(load(ROOT / "specs" / "btree_wal.spec"), CheckOptions())
    two = check(load(ROOT / "specs" / "btree_wal.spec"), CheckOptions(workers=2))
    assert measures(one) == measures(two) == {"PageImagesLogged": (0, 8, 0), "ExtraPageImages": (0, 4, 0)}


def test_quorum_sizes_decide_how_many_replicas_lag():
    # N - W replicas may miss a completed write: 1 with W = 2, 2 with W = 1.
    ok = measures(check(load(ROOT / "specs" / "quorum_register.spec"), CheckOptions()))
    bug = measures(check(load(ROOT / "specs" / "quorum_register.spec", Overrides(consts={"W": "1"})), CheckOptions()))
    assert ok["ReplicasBehindCompleted"][1] == 1 and bug["ReplicasBehindCompleted"][1] == 2


def test_simulate_reports_the_states_its_walks_visit():
    from specpy.explicit.simulate import SimulationOptions, simulate

    r = simulate(load_text(COUNTER, "counter.spec"), CheckOptions(), SimulationOptions(runs=3, depth=10, seed=1))
    assert measures(r) == {"Double": (1, 7, 0), "Inverse": (2, 6, 3)}  # x = 0 starts each of the 3 walks


def test_a_stopped_run_reports_what_it_explored():
    spec = "var x: 0..5 = 0\naction Up { require x < 5; x += 1 }\ninvariant Small: x < 3\nmeasure X: x\n"
    r = check(load_text(spec, "stop.spec"), CheckOptions())
    assert r.violation is not None and measures(r) == {"X": (0, 3, 0)}


def test_json_and_text_reports(tmp_path):
    spec = tmp_path / "counter.spec"
    spec.write_text(COUNTER)
    out = CliRunner().invoke(main, ["check", str(spec), "--json"])
    assert json.loads(out.stdout)["measures"] == {
        "Double": {"min": 1, "max": 7, "undefined": 0}, "Inverse": {"min": 2, "max": 6, "undefined": 1},
    }
    text = CliRunner().invoke(main, ["check", str(spec)]).stdout
    assert "Measures (over the 4 distinct states explored):\n  measure  min  max  undefined\n  Double     1    7          0\n" in text


def test_no_measures_no_section(tmp_path):
    spec = tmp_path / "plain.spec"
    spec.write_text("var x: 0..1 = 0\naction Up { require x < 1; x += 1 }\nterminal x == 1\n")
    out = CliRunner().invoke(main, ["check", str(spec), "--json"])
    assert "measures" not in json.loads(out.stdout) and "Measures" not in CliRunner().invoke(main, ["check", str(spec)]).stdout


def test_the_native_backend_computes_the_same_measures():
    r = check(load_text(COUNTER, "counter.spec"), CheckOptions(backend="auto"))
    assert r.backend == "native" and measures(r)["Double"] == (1, 7, 0)


def test_resume_is_refused(tmp_path):
    with pytest.raises(OptionError, match="measure"):
        check(load_text(COUNTER, "counter.spec"), CheckOptions(resume_dir=tmp_path))


@pytest.mark.parametrize("body, message", [
    ("measure M: x > 1", "measure M must be an integer, found a boolean"),
    ("measure M: x' + 1", "can only be used in a `transition` invariant, not in measure M"),
    ("measure x: 1", "`x` is declared twice"),
])
def test_bad_measures_are_located_errors(body, message):
    with pytest.raises(SpecError) as e:
        load_text(f"var x: 0..3 = 0\naction Up {{ require x < 3; x += 1 }}\n{body}\n", "bad.spec")
    d = e.value.diagnostics[0]
    assert message in d.message and d.span.line == 3


def test_measure_is_still_a_name():
    # A contextual keyword: a variable may be called `measure`.
    r = check(load_text("var measure: 0..1 = 0\naction Up { require measure < 1; measure = 1 }\nterminal measure == 1\n", "m.spec"), CheckOptions())
    assert r.stats.distinct_states == 2


def test_tla_export_writes_an_operator(tmp_path):
    spec = tmp_path / "counter.spec"
    spec.write_text(COUNTER)
    assert CliRunner().invoke(main, ["tla", str(spec), "-o", str(tmp_path)]).exit_code == 0
    tla = (tmp_path / "Counter.tla").read_text()
    assert "\\* measure Double: specpy check reports its min and max" in tla and "Double ==\n    (2 * x) + 1" in tla
    assert "Double" not in (tmp_path / "Counter.cfg").read_text()
