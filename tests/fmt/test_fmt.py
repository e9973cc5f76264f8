"""`specpy fmt`: the canonical layout keeps the meaning and every comment, and is a fixed point.

Every .spec in the repository that parses (specs/, examples/, the tests'
corpora) and hypothesis-generated specs are formatted and checked:
parse(fmt(x)) == parse(x) (syntax trees compare without spans),
fmt(fmt(x)) == fmt(x), the same comments in the same order, and the layout
does not depend on the input's spacing or indentation.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from specpy.cli import main
from specpy.diagnostics import SourceFile, SpecError
from specpy.fmt import WIDTH, format_text
from specpy.fmt.tokens import lines_of
from specpy.syntax.parser import parse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from random_specs import specs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent


def _parses(path: Path) -> bool:
    try:
        parse(SourceFile(str(path), path.read_text(encoding="utf-8")))
    except SpecError:
        return False
    return True


CORPUS = sorted(
    p for p in ROOT.rglob("*.spec")
    if ".venv" not in p.parts and "node_modules" not in p.parts and _parses(p)
)


def comments(text: str) -> list[str]:
    source = SourceFile("x.spec", text)
    parse(source)
    return [line.comment for line in lines_of(source) if line.comment is not None]


def check_formatting(text: str) -> str:
    source = SourceFile("x.spec", text)
    out = format_text(source)
    assert parse(SourceFile("x.spec", out)) == parse(source)
    assert comments(out) == comments(text)
    assert format_text(SourceFile("x.spec", out)) == out
    assert not any(line != line.rstrip() for line in out.splitlines()), "trailing whitespace"
    return out


def test_the_corpus_is_large() -> None:
    # specs/ (31) and examples/ (3) and the parsing specs of the tests' corpora; a glob that
    # silently found nothing would make the next test vacuous.
    assert len(CORPUS) >= 100
    assert sum(p.parent.name == "specs" and p.parent.parent == ROOT for p in CORPUS) == 31


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_corpus(path: Path) -> None:
    check_formatting(path.read_text(encoding="utf-8"))


def _mangle(text: str, rng: random.Random) -> str:
    """The same spec with other indentation and spacing: extra blanks between tokens (a blank
    between two tokens never changes a token), other indentation; lines holding a trailing
    comment keep their spacing (the comment's column is the author's)."""
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if "#" in stripped:
            out.append(line if not stripped.startswith("#") else " " * rng.randint(0, 6) + stripped)
            continue
        body = re.sub(r" (?=\S)", lambda m: " " * rng.randint(1, 3), stripped)
        out.append(" " * rng.randint(0, 6) + body)
    return "\n".join(out)


@pytest.mark.parametrize("path", [p for p in CORPUS if p.parent.name == "specs"], ids=lambda p: p.name)
def test_layout_ignores_the_input_spacing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    mangled = _mangle(text, random.Random(path.name))
    assert mangled != text
    assert format_text(SourceFile("x.spec", mangled)) == format_text(SourceFile("x.spec", text))


@st.composite
def commented_specs(draw) -> str:
    """A random spec with whole-line and trailing comments, blank lines, and some lines
    indented at random."""
    lines = draw(specs()).split("\n")
    out = []
    for line in lines:
        if draw(st.integers(0, 4)) == 0:
            out.append(" " * draw(st.integers(0, 8)) + "# " + draw(st.sampled_from(["note", "x = 1 {", "}", "#"])))
        if draw(st.integers(0, 5)) == 0:
            out.append("")
        tail = "  # why" if line.strip() and draw(st.integers(0, 3)) == 0 else ""
        out.append(" " * draw(st.integers(0, 3)) + line.lstrip() + tail)
    return "\n".join(out)


@settings(max_examples=150)
@given(commented_specs())
def test_generated_specs(text: str) -> None:
    check_formatting(text)


def test_canonical_layout() -> None:
    # The rules of fmt/layout.py, one per line. Line breaks are the author's; a trailing
    # comment keeps its column if the code leaves two spaces before it.
    source = """\
spec   Demo
type Color=enum{red,green}
type Msg=Ping{n:0..3}|Pong
const N=3
var x:0..N=0   # the counter
var s : set[Color] = { }
def twice(a:int)=2*a
action Step(c:Color){require x<N and c in {red}
x=x+1;s=s|{c}
if x==-1{x=0}else{x=(x+1)%4}
}
invariant Small:x>=0 and x<=N
"""
    assert check_formatting(source) == """\
spec Demo
type Color = enum { red, green }
type Msg = Ping{n: 0..3} | Pong
const N = 3
var x: 0..N = 0  # the counter
var s: set[Color] = {}
def twice(a: int) = 2 * a
action Step(c: Color) { require x < N and c in {red}
    x = x + 1; s = s | {c}
    if x == -1 { x = 0 } else { x = (x + 1) % 4 }
}
invariant Small: x >= 0 and x <= N
"""


def test_long_lines_break_and_continuations_align() -> None:
    long_and = " and ".join(f"x != {i}" for i in range(20))
    fields = ", ".join(f"f{i}: {i}" for i in range(14))
    source = f"""\
type R = {{{", ".join(f"f{i}: 0..20" for i in range(14))}}}
var x: 0..20 = 0
var r: R = R{{{fields}}}
invariant A: {long_and}
"""
    out = check_formatting(source)
    assert max(len(line) for line in out.splitlines()) <= WIDTH
    lines = out.splitlines()
    # inside a bracket, continuation lines align just after it
    start = next(i for i, line in enumerate(lines) if line.startswith("var r"))
    assert lines[start + 1].index("f") == lines[start].index("{") + 1
    # outside brackets, the break comes before `and`, four spaces in
    a = next(i for i, line in enumerate(lines) if line.startswith("invariant A"))
    assert lines[a + 1].startswith("    and x != ")


def test_comments_stay_where_they_are() -> None:
    source = """\
# header

var x: 0..3 = 0    # aligned
var yy: 0..3 = 0   # aligned
action A {
        # before the statement
    x = 1 # close
    # before the brace
}
"""
    assert check_formatting(source) == """\
# header

var x: 0..3 = 0    # aligned
var yy: 0..3 = 0   # aligned
action A {
    # before the statement
    x = 1  # close
    # before the brace
}
"""


def test_blank_lines_are_capped() -> None:
    source = "var x: 0..1 = 0\n\n\n\n\naction A {\n\n\n    x = 1\n\n\n    x = 0\n\n}\n\n\n"
    assert check_formatting(source) == "var x: 0..1 = 0\n\n\naction A {\n    x = 1\n\n    x = 0\n}\n"


# ---------------------------------------------------------------- the command


def test_check_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    f = tmp_path / "a.spec"
    f.write_text("var x:0..1=0\n")
    result = CliRunner().invoke(main, ["fmt", "--check", str(f)])
    assert result.exit_code == 1, result.output
    assert f.read_text() == "var x:0..1=0\n"
    assert "would reformat" in result.output


def test_diff_prints_a_unified_diff(tmp_path: Path) -> None:
    f = tmp_path / "a.spec"
    f.write_text("var x:0..1=0\n")
    result = CliRunner().invoke(main, ["fmt", "--diff", str(f)])
    assert result.exit_code == 0
    assert "-var x:0..1=0\n+var x: 0..1 = 0\n" in result.output
    assert f.read_text() == "var x:0..1=0\n"


def test_rewrites_in_place_then_check_passes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    f = tmp_path / "sub" / "a.spec"
    f.write_text("var x:0..1=0\n")
    assert CliRunner().invoke(main, ["fmt", str(tmp_path)]).exit_code == 0
    assert f.read_text() == "var x: 0..1 = 0\n"
    assert CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)]).exit_code == 0


def test_a_spec_that_does_not_parse_is_left_alone_with_150(tmp_path: Path) -> None:
    bad = tmp_path / "bad.spec"
    bad.write_text("var x: 0..1 = \n")
    good = tmp_path / "good.spec"
    good.write_text("var x:0..1=0\n")
    result = CliRunner().invoke(main, ["fmt", str(bad), str(good)])
    assert result.exit_code == 150
    assert "bad.spec:1:14: error[E-syntax-eof]" in result.output
    assert bad.read_text() == "var x: 0..1 = \n"
    assert good.read_text() == "var x: 0..1 = 0\n"


def test_stdin_to_stdout() -> None:
    result = CliRunner().invoke(main, ["fmt", "-"], input="var x:0..1=0\n")
    assert result.exit_code == 0
    assert result.output == "var x: 0..1 = 0\n"


def test_a_missing_file_is_151(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["fmt", str(tmp_path / "none.spec")]).exit_code == 151


@pytest.mark.parametrize("path", [p for p in CORPUS if p.parent.name == "specs"], ids=lambda p: p.name)
def test_one_pass_gives_the_tree_and_the_tokens(path: Path) -> None:
    # syntax.parser.parse_with_tokens (what fmt and the language server use) is parse + tokens
    from specpy.syntax.parser import parse_with_tokens, tokens

    source = SourceFile(str(path), path.read_text(encoding="utf-8"))
    module, found = parse_with_tokens(source)
    assert module == parse(source)
    assert [d.span for d in module.decls] == [d.span for d in parse(source).decls]
    assert [(t.type, t.start_pos) for t in found] == [(t.type, t.start_pos) for t in tokens(source)]
