"""The pytest plugin: specs as test items, expectations in their headers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

# pytester's in-process runs drop the modules first imported inside them, and
# numpy (imported by the explicit search) refuses a second import in one
# process: import the search here, so a run of this file alone works too.
import specpy.explicit.search  # noqa: F401
from specpy.pytest_plugin import Expectation, HeaderError, check_settings, parse_header

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ("-p", "specpy.pytest_plugin")

# Hand count: 4 states (x = 0..3); 1 initial + 3 Inc + 1 Stay self-loop = 5
# generated; depth 4.
OK = """# expect: ok distinct=4 generated=5 depth=4
spec Ok
var x: 0..3 = 0
action Inc { require x < 3
 x += 1 }
action Stay { require x == 3 }
"""

VIOLATED = """# A counter that breaks its invariant at x = 2.
# expect: ok
spec Small
var x: 0..3 = 0
action Inc { require x < 3
 x += 1 }
invariant Small: x <= 1
"""

DEADLOCK = """# check: --const Top=2
# expect: deadlock trace=3
spec Stops
const Top = 3
var x: 0..3 = 0
action Inc { require x < Top
 x += 1 }
"""


# ---------------------------------------------------------------- headers


def test_a_header_gives_verdict_name_pins_and_flags():
    text = "# A spec.\n#\n# expect: invariant Safe trace=5 distinct=12\n# check: --const N=3 --no-deadlock\nspec S\n"
    assert parse_header(text) == Expectation("invariant", "Safe", {"trace": 5, "distinct": 12}, ("--const", "N=3", "--no-deadlock"))


def test_only_the_leading_comment_block_is_the_header():
    with pytest.raises(HeaderError, match="no `# expect:` line"):
        parse_header("spec S\n# expect: ok\n")


@pytest.mark.parametrize(
    "text, message",
    [
        ("# expect:\n", "needs one of ok, invariant, deadlock, assert, eval-error, liveness"),
        ("# expect: fine\n", "found 'fine'"),
        ("# expect: invariant\n", "`# expect: invariant` needs the property's name"),
        ("# expect: deadlock Foo\n", "takes no name, found 'Foo'"),
        ("# expect: ok states=3\n", "'states=3' is not a pin"),
        ("# expect: ok distinct=many\n", "'distinct=many' is not a pin"),
        ("# expect: ok trace=3\n", "`trace=` needs a violation"),
        ("# expect: ok\n# expect: deadlock\n", "line 2: a second `# expect:` line"),
        ("# expect: ok\n# check: --const 'N=3\n", "line 2: `# check:` No closing quotation"),
    ],
)
def test_malformed_headers_say_what_is_wrong(text, message):
    with pytest.raises(HeaderError) as info:
        parse_header(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "flags, message",
    [
        (("--bogus",), "--bogus"),
        (("--json",), "--json changes only the output"),
        (("--const", "N"), "--const N: expected NAME=VALUE"),
        (("--max-states", "0"), "--max-states 0: must be at least 1"),
        (("--help",), "not --help or --version"),
        (("--backend", "z3"), "the plugin runs the explicit checker"),
    ],
)
def test_check_flags_are_read_as_specpy_check_reads_them(flags, message):
    with pytest.raises(HeaderError) as info:
        check_settings(Path("x.spec"), flags)
    assert message in str(info.value)


def test_check_flags_become_overrides_and_options():
    overrides, options = check_settings(Path("x.spec"), ("--no-deadlock", "--const", "N=3", "--type", "RM=a,b"))
    assert overrides.consts == {"N": "3"} and overrides.types == {"RM": ("a", "b")}
    assert options.check_deadlock is False
    assert options.backend == "python"  # the reference backend unless the header asks


@pytest.mark.parametrize("flag, engine", [("python", "python"), ("native", "native"), ("explicit", "auto")])
def test_check_flags_choose_the_explicit_backend(flag, engine):
    _, options = check_settings(Path("x.spec"), ("--backend", flag))
    assert options.backend == engine


# ---------------------------------------------------------------- the corpus


def corpus() -> list[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    return sorted(p for folder in config["specpy_specs"] for p in (ROOT / folder).rglob("*.spec"))


def test_every_spec_in_the_corpus_declares_its_expected_verdict():
    specs = corpus()
    assert ROOT / "specs" / "twophase.spec" in specs
    missing = []
    for path in specs:
        try:
            expectation = parse_header(path.read_text(encoding="utf-8"))
            check_settings(path, expectation.flags)
        except HeaderError as exc:
            missing.append(f"{path.relative_to(ROOT)}: {exc}")
    assert not missing, "specs without a valid `# expect:` header:\n" + "\n".join(missing)


def test_the_plugin_is_installed_as_a_pytest11_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"specpy.pytest_plugin": "specpy.pytest_plugin"}


# ---------------------------------------------------------------- pytest runs


@pytest.fixture
def specs_dir(pytester: pytest.Pytester) -> Path:
    pytester.makeini("[pytest]\nspecpy_specs = specs\n")
    folder = pytester.mkdir("specs")
    (folder / "ok.spec").write_text(OK)
    (folder / "violated.spec").write_text(VIOLATED)
    (folder / "deadlock.spec").write_text(DEADLOCK)
    (folder / "bare.spec").write_text("spec Bare\nvar x: bool = false\naction Flip { x = not x }\n")
    return folder


def test_pytest_specs_collects_every_spec_and_reports_each(pytester: pytest.Pytester, specs_dir: Path):
    result = pytester.runpytest(*PLUGIN, "specs")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "specs/bare.spec E*",
            "specs/deadlock.spec .*",
            "specs/ok.spec .*",
            "specs/violated.spec F*",
            "*ERROR at setup of specs/bare.spec::check*",
            "specs/bare.spec: no `# expect:` line in the header comment*",
            "*specs/violated.spec::check*",
            "specs/violated.spec: expected ok, got invariant Small",
            "Invariant Small violated.",
            "specs/violated.spec:7:11: note: Small is defined here",
            "State 3: Inc",
            "  x: 1 → 2",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_wrong_pin_fails_with_both_numbers(pytester: pytest.Pytester):
    pytester.makefile(".spec", pinned=OK.replace("distinct=4", "distinct=5"))
    result = pytester.runpytest(*PLUGIN, "pinned.spec")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["pinned.spec: expected distinct=5, got distinct=4"])


def test_a_spec_that_does_not_typecheck_fails_with_the_located_error(pytester: pytest.Pytester):
    pytester.makefile(".spec", broken="# expect: ok\nspec B\nvar x: 0..3 = y\n")
    result = pytester.runpytest(*PLUGIN, "broken.spec")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["broken.spec: the spec has errors", "broken.spec:3:*: error[[]E-*]: *y*"])


def test_other_spec_files_are_left_alone(pytester: pytest.Pytester):
    """A PyInstaller or RPM .spec outside `specpy_specs`, with no header, is not ours."""
    pytester.makefile(".spec", app="# -*- mode: python -*-\na = Analysis(['main.py'])\n")
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_spec_named_on_the_command_line_needs_a_header(pytester: pytest.Pytester):
    pytester.makefile(".spec", named="spec Named\nvar x: bool = false\naction Flip { x = not x }\n")
    result = pytester.runpytest(*PLUGIN, "named.spec")
    result.assert_outcomes(errors=1)
