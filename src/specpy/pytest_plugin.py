"""The pytest plugin: every spec is a test item whose expected verdict is in its header.

    # expect: invariant NotSolved trace=7
    # check: --no-deadlock --const N=3

The leading comment block of a `.spec` file declares what `specpy check`
must report (`ok`, `invariant NAME`, `deadlock`, `assert`, `eval-error
[KIND]`, `liveness NAME`), optionally pinned numbers (`distinct=`,
`generated=`, `depth=`, and `trace=` states for a violation), and optionally
the `specpy check` flags to run with. The item fails with the rendered
report when the result differs; a spec with no `# expect:` line, or a
malformed one, is an error item, never a pass.

Which `.spec` files are specpy specs (other tools use the extension too):
those under a path of the `specpy_specs` ini option, those whose header has
an `# expect:` or `# check:` line, and those named on the command line.

Installed with specpy (entry point `pytest11`); docs/validation.md has the
details. Only pytest and the standard library are imported at start-up.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from specpy.options import CheckOptions, Overrides
    from specpy.result import CheckResult

INI_PATHS = "specpy_specs"
HEADER_LINE = re.compile(r"#\s*(expect|check)\s*:(.*)$")
#: Verdicts and whether they take a name (None: optional).
VERDICTS: dict[str, bool | None] = {
    "ok": False,
    "invariant": True,
    "deadlock": False,
    "assert": False,
    "eval-error": None,
    "liveness": True,
}
PINS = ("distinct", "generated", "depth", "trace")
#: `specpy check` flags that change the output, not the check: not for a test.
OUTPUT_FLAGS = {"as_json": "--json", "trace_out": "--trace-out", "quiet": "--quiet", "full_trace": "--full-trace"}


class HeaderError(Exception):
    """A spec's expectation header is missing or malformed."""


@dataclass(frozen=True)
class Expectation:
    verdict: str
    name: str | None = None
    pins: dict[str, int] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def header_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, "expect" | "check", rest) for each directive in the leading comment block."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        m = HEADER_LINE.match(stripped)
        if m:
            found.append((n, m.group(1), m.group(2).strip()))
    return found


def parse_header(text: str) -> Expectation:
    """The expectation a spec's header declares; HeaderError says what is wrong and where."""
    lines = header_lines(text)
    expects = [(n, rest) for n, kind, rest in lines if kind == "expect"]
    checks = [(n, rest) for n, kind, rest in lines if kind == "check"]
    if not expects:
        raise HeaderError(
            "no `# expect:` line in the header comment; add one such as `# expect: ok` or "
            "`# expect: invariant Name` (see docs/validation.md)"
        )
    for what, found in (("expect", expects), ("check", checks)):
        if len(found) > 1:
            raise HeaderError(f"line {found[1][0]}: a second `# {what}:` line (one per spec)")
    n, rest = expects[0]
    words = rest.split()
    if not words or words[0] not in VERDICTS:
        raise HeaderError(f"line {n}: `# expect:` needs one of {', '.join(VERDICTS)}, found {rest!r}")
    verdict, words = words[0], words[1:]
    name = None
    if words and "=" not in words[0]:
        name, words = words[0], words[1:]
    takes_name = VERDICTS[verdict]
    if takes_name and name is None:
        raise HeaderError(f"line {n}: `# expect: {verdict}` needs the property's name")
    if takes_name is False and name is not None:
        raise HeaderError(f"line {n}: `# expect: {verdict}` takes no name, found {name!r}")
    pins: dict[str, int] = {}
    for word in words:
        key, _, value = word.partition("=")
        if key not in PINS or not value.isdigit():
            raise HeaderError(f"line {n}: {word!r} is not a pin ({', '.join(p + '=N' for p in PINS)})")
        if key == "trace" and verdict == "ok":
            raise HeaderError(f"line {n}: `trace=` needs a violation to have a trace")
        pins[key] = int(value)
    try:
        flags = tuple(shlex.split(checks[0][1])) if checks else ()
    except ValueError as exc:
        raise HeaderError(f"line {checks[0][0]}: `# check:` {exc}") from None
    return Expectation(verdict, name, pins, flags)


def check_settings(path: Path, flags: tuple[str, ...]) -> tuple[Overrides, CheckOptions]:
    """The `# check:` flags read exactly as `specpy check` reads them."""
    import click

    from specpy.cli.check import check
    from specpy.cli.flags import make_options, parse_overrides
    from specpy.options import OptionError

    if any(f in ("-h", "--help", "--version") for f in flags):
        raise HeaderError("`# check:` takes check flags, not --help or --version")
    try:
        with check.make_context("check", [str(path), *flags]) as ctx:
            p = ctx.params
    except click.ClickException as exc:
        raise HeaderError(f"`# check:` {exc.format_message()}") from None
    used = [flag for key, flag in OUTPUT_FLAGS.items() if p[key]]
    if used:
        raise HeaderError(f"`# check:` {', '.join(used)} changes only the output; leave it out")
    if p["backend"] == "z3":
        raise HeaderError("`# check:` --backend z3: the plugin runs the explicit checker (python or native)")
    try:
        overrides = parse_overrides(p["consts"], p["types"])
        options = make_options(
            p["depth"], p["no_deadlock"], p["no_symmetry"], p["max_states"], p["timeout"], p["workers"]
        )
    except OptionError as exc:
        raise HeaderError(f"`# check:` {exc}") from None
    # Without --backend the Python backend runs (the reference); `--backend
    # native` makes a big spec's item fast, and fails it if the C core is
    # missing (`explicit`: native where it applies, as `specpy check` does).
    if p["backend"] is not None:
        options = dataclasses.replace(options, backend={"explicit": "auto"}.get(p["backend"], p["backend"]))
    return overrides, options


def differences(expected: Expectation, result: CheckResult) -> list[str]:
    """What the result got wrong, as `expected ..., got ...` lines (empty: it matches)."""
    v = result.violation
    got_name = v.name if v is not None else None
    out = []
    if result.kind.value != expected.verdict or (expected.name is not None and expected.name != got_name):
        got = result.kind.value + (f" {got_name}" if got_name and result.kind.value in ("invariant", "liveness", "eval-error") else "")
        if result.kind.value == "limit":
            got += f" ({result.limit}: {result.limit_detail})" if result.limit_detail else f" ({result.limit})"
        out.append(f"expected {expected.verdict}{' ' + expected.name if expected.name else ''}, got {got}")
    actual = {
        "distinct": result.stats.distinct_states,
        "generated": result.stats.states_generated,
        "depth": result.stats.depth,
        "trace": len(v.trace) if v is not None else None,
    }
    for key, want in expected.pins.items():
        if actual[key] != want:
            out.append(f"expected {key}={want}, got {key}={actual[key]}")
    return out


# ---------------------------------------------------------------- pytest hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_PATHS,
        type="paths",
        default=[],
        help="Folders (or files) whose .spec files are specpy specs, each a test item that needs an `# expect:` header.",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".spec" and _is_specpy_spec(file_path, parent.config):
        return SpecFile.from_parent(parent, path=file_path)
    return None


def _is_specpy_spec(path: Path, config: pytest.Config) -> bool:
    resolved = path.resolve()
    for folder in config.getini(INI_PATHS):
        root = Path(folder).resolve()
        if resolved == root or root in resolved.parents:
            return True
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        named = {Path(config.invocation_params.dir, a.split("::")[0]).resolve() for a in config.args}
        if resolved in named:
            return True
    try:
        return bool(header_lines(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


class SpecFile(pytest.File):
    def collect(self):
        yield SpecItem.from_parent(self, name="check")


class SpecMismatch(Exception):
    """The check's result is not what the header expects (the message is the report)."""


class SpecItem(pytest.Item):
    """`specpy check` on one spec, compared with its header's expectation."""

    expectation: Expectation
    overrides: Overrides
    options: CheckOptions

    @property
    def shown(self) -> str:
        """The spec's path as the report shows it (relative to where pytest was started)."""
        return os.path.relpath(self.path, self.config.invocation_params.dir)

    def setup(self) -> None:
        try:
            self.expectation = parse_header(self.path.read_text(encoding="utf-8"))
            self.overrides, self.options = check_settings(self.path, self.expectation.flags)
            problem = None
        except (HeaderError, UnicodeDecodeError) as exc:
            problem = f"{self.shown}: {exc}"
        if problem is not None:  # outside the except block: no chained traceback
            pytest.fail(problem, pytrace=False)

    def runtest(self) -> None:
        from specpy.api import Spec
        from specpy.diagnostics import SpecError, render
        from specpy.options import OptionError
        from specpy.pipeline import load_text, read_source
        from specpy.report.check import render_report

        source = read_source(self.shown)
        try:
            model = load_text(source, self.overrides)
            result = Spec(model).check(self.options)
        except SpecError as exc:
            rendered = "\n".join(render(d, {source.path: source}) for d in exc.diagnostics)
            raise SpecMismatch(f"{self.shown}: the spec has errors\n{rendered}") from None
        except OptionError as exc:
            raise SpecMismatch(f"{self.shown}: `# check:` {exc}") from None
        wrong = differences(self.expectation, result)
        if wrong:
            transitions = frozenset(t.name for t in model.transitions)
            report = render_report(result, source, transitions)
            raise SpecMismatch(f"{self.shown}: " + "; ".join(wrong) + "\n\n" + report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SpecMismatch):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.nodeid
