"""The twenty findings of the hostile probe (issue 20), one regression test each.

Every specpy run here is a child process under a memory and a time limit
(limited.py): two of these inputs used to grow to 24 GB before the kernel
killed them. The hostile inputs themselves are files in data/.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from limited import ROOT, run_specpy

DATA = Path(__file__).resolve().parent / "data"
DIEHARD = ROOT / "specs" / "diehard.spec"
TWOPHASE = ROOT / "specs" / "twophase.spec"


def data(name: str) -> Path:
    return DATA / name


# ---------------------------------------------------------------- 1: errors in the initial states


#: The 1-state trace of an error in init: the initial state as far as it was computed.
NOT_YET = "x: (not computed: the error came first)"
INIT_ERRORS = [
    ("init_div_zero.spec", 75, "division of 1 by zero", NOT_YET),
    ("init_assert.spec", 14, "Assertion failed", "x: 1"),  # the assert reads the whole state
    ("init_out_of_range.spec", 75, "value 4 is not in 0..3", NOT_YET),
]


@pytest.mark.parametrize(("spec", "code", "needle", "state"), INIT_ERRORS)
@pytest.mark.parametrize(
    "extra",
    [(), ("--workers", "2"), ("--backend", "python"), ("--html", "{tmp}/r.html"), ("--trace-out", "{tmp}/t.json")],
    ids=["plain", "workers", "python", "html", "trace-out"],
)
def test_an_error_in_the_initial_states_is_reported_not_a_crash(tmp_path, spec, code, needle, state, extra) -> None:
    args = [a.format(tmp=tmp_path) for a in extra]
    result = run_specpy("check", data(spec), *args)
    assert result.code == code, result.stderr
    assert needle in result.stdout
    assert f"Trace (1 state):\nState 1 (initial)\n  {state}\n" in result.stdout
    if "--html" in extra:
        assert state.split(": ", 1)[1] in (tmp_path / "r.html").read_text()
    if "--trace-out" in extra:
        # An ITF state needs every variable: written for the whole state only, else a note says why.
        written = (tmp_path / "t.json").exists()
        assert written == (state != NOT_YET)
        assert written or "not written (the error left the initial state incomplete" in result.stderr
        if written:
            assert [s["x"] for s in json.loads((tmp_path / "t.json").read_text())["states"]] == [{"#bigint": "1"}]


@pytest.mark.parametrize(("spec", "code", "needle", "state"), INIT_ERRORS)
@pytest.mark.parametrize("command", [("simulate",), ("check", "--backend", "z3", "--depth", "2"), ("prove",)])
def test_an_error_in_the_initial_states_other_commands(command, spec, code, needle, state) -> None:
    result = run_specpy(*command, data(spec))
    assert result.code == code, result.stderr
    assert needle in result.stdout
    assert f"Trace (1 state):\nState 1 (initial)\n  {state}\n" in result.stdout


@pytest.mark.parametrize(
    "command",
    [("check",), ("check", "--backend", "python"), ("check", "--backend", "z3", "--depth", "1"), ("simulate",), ("prove",)],
    ids=["native", "python", "z3", "simulate", "prove"],
)
@pytest.mark.parametrize(
    ("spec", "code", "state"),
    [
        # The variables declared before the failing one are computed, the rest are not.
        ("init_partial.spec", 75, "a: 2\n  x: (not computed: the error came first)\n  y: (not computed: the error came first)"),
        # The second branch of the either fails the assert: its state, not the first branch's.
        ("init_either_assert.spec", 14, "a: 2\n  x: 1\n  y: 5"),
    ],
)
def test_the_trace_of_an_error_in_init_is_the_state_computed_so_far(command, spec, code, state) -> None:
    result = run_specpy(*command, data(spec))
    assert result.code == code, result.stderr
    assert f"Trace (1 state):\nState 1 (initial)\n  {state}\n\n" in result.stdout


# ---------------------------------------------------------------- 2: huge types


@pytest.mark.parametrize("spec", ["huge_type_nested_sets.spec", "huge_type_set_of_range.spec"])
def test_a_huge_type_is_checked_without_building_its_size(tmp_path, spec) -> None:
    """`universe_size` used to compute 2**(2**65536); the value {} has one state."""
    for command in (("check",), ("graph", "-o", tmp_path / "g.dot")):
        result = run_specpy(*command, data(spec), timeout=60)
        assert not result.crashed, result.stderr
    result = run_specpy("check", data(spec), "--json")
    assert result.code == 0 and json.loads(result.stdout)["distinct_states"] == 1


@pytest.mark.parametrize("spec", ["huge_type_nested_sets.spec", "huge_type_set_of_range.spec"])
def test_a_huge_type_is_a_located_error_for_z3(spec) -> None:
    result = run_specpy("check", data(spec), "--backend", "z3", "--depth", "2")
    assert result.code == 150, result.stderr
    assert f"{spec}:2:5: error" in result.stderr and "variable x: a value of" in result.stderr
    assert "Z3 terms" in result.stderr


def test_a_huge_product_of_parameter_domains_is_a_located_error() -> None:
    result = run_specpy("check", data("huge_parameter_product.spec"))
    assert result.code == 150
    assert "huge_parameter_product.spec:3:8: error" in result.stderr
    assert "action T has 100,000,000 parameter tuples" in result.stderr


def test_universe_size_saturates() -> None:
    from specpy.ir.types import UNIVERSE_CAP, BoolT, MapT, RangeT, SeqT, SetT, describe_size, universe_size

    nested: object = BoolT()
    for _ in range(6):
        nested = SetT(nested)
    assert universe_size(nested) == UNIVERSE_CAP + 1
    assert describe_size(universe_size(nested)) == "more than 2**64"
    assert universe_size(SetT(RangeT(0, 63))) == 2**64  # exact up to the cap
    assert universe_size(MapT(RangeT(0, 2), RangeT(0, 3))) == 64
    assert universe_size(SeqT(RangeT(0, 0), 10**12)) == 10**12 + 1  # no loop over the length
    assert universe_size(SeqT(RangeT(0, 1), 3)) == 15


# ---------------------------------------------------------------- 5, 6, 17: output files


def test_trace_out_through_a_symlink_writes_the_target(tmp_path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run_specpy("check", DIEHARD, "--trace-out", link)
    assert result.code == 12, result.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text())["#meta"]["violation"] == "NotSolved"


def test_html_and_trace_out_follow_symlinks_alike(tmp_path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    assert run_specpy("check", DIEHARD, "--html", link).code == 12
    assert link.is_symlink() and "<html" in real.read_text()


@pytest.mark.parametrize("option", ["--trace-out", "--html"])
def test_a_fifo_or_device_is_refused_before_the_run(tmp_path, option) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/full")):
        result = run_specpy("check", DIEHARD, option, target, timeout=30)
        assert result.code == 151, (target, result.stderr)
        assert "not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_new_output_file_respects_the_umask(tmp_path) -> None:
    out = tmp_path / "t.json"
    result = run_specpy("check", DIEHARD, "--trace-out", out)
    assert result.code == 12
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("option", ["--trace-out", "--html"])
def test_an_output_that_is_an_input_is_refused(tmp_path, option) -> None:
    victim = tmp_path / "victim.spec"
    victim.write_bytes(DIEHARD.read_bytes())
    result = run_specpy("check", victim, option, victim)
    assert result.code == 151
    assert "that is an input of this command" in result.stderr
    assert victim.read_bytes() == DIEHARD.read_bytes()


def test_trace_html_output_that_is_its_input_is_refused(tmp_path) -> None:
    trace = tmp_path / "t.json"
    assert run_specpy("check", DIEHARD, "--trace-out", trace).code == 12
    before = trace.read_text()
    result = run_specpy("trace", "html", trace, "-o", trace)
    assert result.code == 151 and trace.read_text() == before


def test_an_empty_output_path_is_refused() -> None:
    result = run_specpy("check", DIEHARD, "--trace-out", "")  # click reads it as "."
    assert result.code == 151 and "not a regular file" in result.stderr


def test_a_passing_run_removes_the_stale_trace(tmp_path) -> None:
    out = tmp_path / "stale.json"
    assert run_specpy("check", DIEHARD, "--trace-out", out).code == 12
    assert out.exists()
    result = run_specpy("check", TWOPHASE, "--trace-out", out)
    assert result.code == 0
    assert not out.exists()
    assert "removed the file an earlier run left there" in result.stderr


# ---------------------------------------------------------------- 3: input sizes


@pytest.mark.parametrize(
    "command",
    [("check", "/dev/zero"), ("trace", "show", "/dev/zero"), ("validate", ROOT / "examples/kvstore/kvstore.spec", "/dev/zero")],
    ids=["spec", "itf", "ndjson"],
)
def test_an_endless_input_is_refused_at_its_size_limit(command) -> None:
    result = run_specpy(*command, timeout=60)
    assert result.code == 151, result.stderr
    assert "MiB specpy reads" in result.stderr


# ---------------------------------------------------------------- 4: validate's gap loop


def test_validate_stops_when_no_state_is_left_in_the_gap() -> None:
    result = run_specpy(
        "validate", ROOT / "examples/kvstore/kvstore.spec", ROOT / "examples/kvstore/correct.ndjson",
        "--max-gap", "1000000000000", "--timeout", "20", timeout=60,
    )
    assert result.code == 0, result.stderr


# ---------------------------------------------------------------- 20: small things


@pytest.mark.parametrize("spec", ["bom_crlf.spec", "cr_only.spec"])
def test_a_byte_order_mark_and_cr_line_ends_are_accepted(spec) -> None:
    result = run_specpy("check", data(spec), "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["distinct_states"] == 2


def chain_spec(tmp_path: Path, terms: int, op: str = "and") -> Path:
    """x counts 0..3; the invariant is a chain of `terms` comparisons that all hold."""
    chain = f" {op} ".join(f"x != {i + 10}" if op == "and" else f"x == {i}" for i in range(terms))
    spec = tmp_path / "chain.spec"
    spec.write_text(f"spec Chain\nvar x: 0..3 = 0\naction A {{\n    x = (x + 1) % 4\n}}\n"
                    f"invariant I: {chain}\n")
    return spec


@pytest.mark.parametrize("op", ["and", "or"])
def test_a_chain_of_150_terms_is_checked(tmp_path, op) -> None:
    result = run_specpy("check", chain_spec(tmp_path, 150, op), "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["distinct_states"] == 4


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--backend", "python"),
        ("check", "--backend", "native"),
        ("check", "--backend", "z3", "--depth", "3"),
        ("simulate", "--runs", "2", "--depth", "5"),
        ("prove",),
        ("tla", "-o", "{tmp}/out"),
    ],
    ids=lambda c: "-".join(c[:3]).replace("--backend-", ""),
)
def test_a_chain_of_4000_terms_is_handled_by_every_stage(tmp_path, command) -> None:
    """Under the default recursion limit (1,000) this was a RecursionError in
    every stage, and type checking and range analysis took time quadratic in
    the chain's length (32 s for 1,000 terms)."""
    args = [a.format(tmp=tmp_path) for a in command]
    result = run_specpy(args[0], chain_spec(tmp_path, 4000), *args[1:], timeout=120)
    assert result.code == 0, result.stderr[-2000:]


def test_a_chain_beyond_the_documented_limit_is_a_located_error(tmp_path) -> None:
    result = run_specpy("check", chain_spec(tmp_path, 6000))
    assert result.code == 150, result.stderr[-2000:]
    assert "chain.spec:6:" in result.stderr and "E-syntax-too-deep" in result.stderr
    assert "more than 5,000 levels" in result.stderr


def test_deep_arithmetic_is_a_located_error_not_a_crash(tmp_path) -> None:
    """`x + x + ... + x` nests to the left as `and` does, but is not a chain:
    generated Python would nest a parenthesis per term (Python parses 200)."""
    spec = tmp_path / "deep.spec"
    spec.write_text("spec Deep\nvar x: 0..3 = 0\ninvariant I: " + " + ".join(["x"] * 300) + " >= 0\n")
    result = run_specpy("check", spec)
    assert result.code == 150, result.stderr[-2000:]
    assert "deep.spec:3:" in result.stderr and "more than 150 levels" in result.stderr


# ---------------------------------------------------------------- 7, 8: checkpoint directories and manifests

RM4 = ("--type", "RM=r1,r2,r3,r4")


def stopped_run(tmp_path: Path, name: str = "ck") -> Path:
    directory = tmp_path / name
    result = run_specpy("check", TWOPHASE, *RM4, "--checkpoint", directory, "--max-states", "500")
    assert result.code == 152, result.stderr
    return directory


def test_a_checkpoint_of_another_model_is_not_replaced(tmp_path) -> None:
    directory = stopped_run(tmp_path)
    before = sorted(p.name for p in directory.iterdir())
    result = run_specpy("check", ROOT / "specs/paxos.spec", "--checkpoint", directory, "--max-states", "10")
    assert result.code == 151, result.stderr
    assert "holds the checkpoint of another model" in result.stderr and "--resume" in result.stderr
    assert sorted(p.name for p in directory.iterdir()) == before
    assert run_specpy("check", TWOPHASE, *RM4, "--resume", directory).code == 0


def test_only_files_specpy_made_are_removed(tmp_path) -> None:
    directory = tmp_path / "ck"
    mine = directory / "ckpt-000009"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("a user's file")
    result = run_specpy("check", TWOPHASE, *RM4, "--checkpoint", directory, "--checkpoint-interval", "0.001")
    assert result.code == 0, result.stderr
    assert (mine / "notes.txt").read_text() == "a user's file"
    current = (directory / "CURRENT").read_text()
    assert int(current[5:]) >= 10  # numbered after the user's
    assert sorted(p.name for p in directory.glob("ckpt-*")) == ["ckpt-000009", current]  # older ones of this run removed


def test_an_empty_checkpoint_path_is_refused(tmp_path) -> None:
    result = run_specpy("check", TWOPHASE, "--checkpoint", "", cwd=tmp_path)
    assert result.code == 151 and "empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_resuming_from_a_missing_directory_creates_nothing(tmp_path) -> None:
    result = run_specpy("check", TWOPHASE, "--resume", tmp_path / "missing")
    assert result.code == 151 and "no such directory" in result.stderr
    assert not (tmp_path / "missing").exists()


def _manifest(directory: Path) -> Path:
    return directory / (directory / "CURRENT").read_text() / "manifest.json"


def _rehash(manifest: dict) -> dict:
    """What a careful forger would do: recompute the manifest's own digest."""
    import hashlib

    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return {**body, "manifest_sha256": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()}


def _edit_partition_generated(m: dict) -> None:
    m["partitions"][0]["generated"] = 7


def _edit_init_generated(m: dict) -> None:
    m["search"]["init_generated"] += 5


def _edit_coverage(m: dict) -> None:
    m["search"]["coverage"][0][1] += 1


def _edit_depth(m: dict) -> None:
    m["search"]["depth"] = m["search"]["level"] + 3


@pytest.mark.parametrize(
    ("edit", "rehash"),
    [
        (_edit_partition_generated, False), (_edit_init_generated, False), (_edit_coverage, False),
        (_edit_partition_generated, True), (_edit_init_generated, True), (_edit_depth, True),
    ],
)
def test_every_counter_of_a_manifest_is_checked(tmp_path, edit, rehash) -> None:
    """The manifest's own SHA-256 covers every counter; the counters that can be
    checked against the partitions are, even when the digest was recomputed."""
    directory = stopped_run(tmp_path)
    path = _manifest(directory)
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(_rehash(manifest) if rehash else manifest))
    result = run_specpy("check", TWOPHASE, *RM4, "--resume", directory, "--json")
    assert result.code == 151, result.stdout + result.stderr
    assert "corrupt checkpoint" in result.stderr


@pytest.mark.parametrize("seconds", ["NaN", "1e400", "-1", "Infinity"])
def test_a_manifest_with_a_bad_number_is_corrupt(tmp_path, seconds) -> None:
    directory = stopped_run(tmp_path)
    path = _manifest(directory)
    text = json.dumps(_rehash(json.loads(path.read_text())))
    text = text.replace('"seconds": ', f'"seconds": {seconds}, "was": ', 1)
    path.write_text(text)
    result = run_specpy("check", TWOPHASE, *RM4, "--resume", directory, "--json")
    assert result.code == 151, result.stdout + result.stderr
    json.loads(result.stdout)  # one valid JSON object, never NaN


def test_a_deeply_nested_manifest_is_corrupt(tmp_path) -> None:
    directory = stopped_run(tmp_path)
    _manifest(directory).write_text("[" * 100_000 + "]" * 100_000)
    result = run_specpy("check", TWOPHASE, *RM4, "--resume", directory)
    assert result.code == 151 and "corrupt checkpoint" in result.stderr, result.stderr


@pytest.mark.parametrize("victim", ["manifest.json", "p0-fps.npy", "CURRENT"])
def test_a_fifo_in_a_checkpoint_does_not_hang(tmp_path, victim) -> None:
    directory = stopped_run(tmp_path)
    path = directory / victim if victim == "CURRENT" else _manifest(directory).parent / victim
    path.unlink()
    os.mkfifo(path)
    result = run_specpy("check", TWOPHASE, *RM4, "--resume", directory, timeout=30)
    assert result.code == 151, result.stderr


# ---------------------------------------------------------------- 9, 12, 15, 20: ITF and NDJSON readers

COUNTER = DATA / "counter.spec"


def test_a_deeply_nested_ndjson_line_is_located(tmp_path) -> None:
    log = tmp_path / "deep.ndjson"
    log.write_text('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    result = run_specpy("validate", COUNTER, log)
    assert result.code == 151, result.stderr
    assert "deep.ndjson:1:" in result.stderr and "nested more than 100 levels deep" in result.stderr


def test_a_deeply_nested_itf_set_is_located(tmp_path) -> None:
    trace = tmp_path / "deep.itf.json"
    trace.write_text('{"vars": ["x"], "states": [{"x": ' + '{"#set": [' * 50_000 + "]}" * 50_000 + "}]}\n")
    result = run_specpy("trace", "show", trace)
    assert result.code == 151, result.stderr
    assert "deep.itf.json:1:" in result.stderr and "nested more than 100 levels deep" in result.stderr


def test_a_lone_surrogate_in_an_itf_name_is_located() -> None:
    result = run_specpy("trace", "show", data("itf_surrogate_var.itf.json"))
    assert result.code == 151, result.stderr
    assert "itf_surrogate_var.itf.json:1:12: a string holds a lone UTF-16 surrogate" in result.stderr


def test_an_itf_file_without_states_is_refused() -> None:
    result = run_specpy("trace", "show", data("itf_empty_states.itf.json"))
    assert result.code == 151, result.stderr
    assert '"states" is empty' in result.stderr


@pytest.mark.parametrize("name", ["underscore", "spaces", "arabic_indic"])
def test_integers_are_ascii_digits_only(name) -> None:
    result = run_specpy("validate", COUNTER, data(f"ndjson_bigint_{name}.ndjson"))
    assert result.code == 151, result.stdout + result.stderr
    assert "is not an integer (ASCII digits" in result.stderr
    result = run_specpy("trace", "show", data(f"itf_bigint_{name}.itf.json"))
    assert result.code == 151, result.stdout + result.stderr
    assert "is not an integer (ASCII digits" in result.stderr


@pytest.mark.parametrize("value", ["1_0", "\u0663", "+1", "0x1"])
def test_const_overrides_are_ascii_digits_only(value) -> None:
    result = run_specpy("check", ROOT / "specs/paxos.spec", "--const", f"MaxBallot={value}")
    assert result.code == 151, result.stderr


def test_duplicate_keys_are_refused_in_itf_as_in_ndjson() -> None:
    result = run_specpy("trace", "show", data("itf_duplicate_key.itf.json"))
    assert result.code == 151, result.stdout + result.stderr
    assert 'key "x" appears twice in one object' in result.stderr


def test_a_number_too_long_to_convert_is_a_plain_message() -> None:
    result = run_specpy("validate", COUNTER, data("ndjson_long_number.ndjson"))
    assert result.code == 151, result.stderr
    assert "ndjson_long_number.ndjson:1:" in result.stderr
    assert "an integer of 5,000 digits is longer than the 4,000 specpy reads" in result.stderr
    assert "set_int_max_str_digits" not in result.stderr


# ---------------------------------------------------------------- 10, 11, 13, 14: TLA+ and TLC

JAR = os.environ.get("SPECPY_TLC_JAR")
needs_tlc = pytest.mark.skipif(not (JAR and Path(JAR).is_file()), reason="needs SPECPY_TLC_JAR")
JVM = 64_000_000_000  # the JVM reserves address space it never touches: TLC runs get more room


@needs_tlc
@pytest.mark.parametrize(
    ("cfg", "where", "message"),
    [
        ("INVARIANT NoSuch", "Str.cfg: ", "The invariant NoSuch specified in the configuration file is not defined"),
        ("INVARIANT Next", "Str.cfg: ", "The invariant Next is not a state predicate"),
        ("FOO Bar", "Str.cfg:3: ", "TLC found an error in the configuration file at line 3."),
    ],
)
def test_tlc_names_the_cfg_for_its_errors(tmp_path, cfg, where, message) -> None:
    """Row 19: .cfg errors were "Evaluation error" with a statistics table, TLC's
    raw @!@!@ markers in the text, and exit 76 or 255 (not in specpy's table)."""
    shutil.copytree(DATA / "tlc", tmp_path / "tlc")
    (tmp_path / "tlc" / "Str.cfg").write_text(f"INIT Init\nNEXT Next\n{cfg}\n")
    result = run_specpy("tlc", tmp_path / "tlc" / "Str.tla", timeout=120, memory=JVM)
    assert result.code == 151, result.stdout + result.stderr
    assert f"error: {tmp_path / 'tlc' / where}{message}" in result.stderr
    assert "@!@!@" not in result.stdout + result.stderr
    assert "Evaluation error" not in result.stdout and "Statistics" not in result.stdout


@needs_tlc
def test_tlc_trace_out_of_a_hand_written_module(tmp_path) -> None:
    shutil.copytree(DATA / "tlc", tmp_path / "tlc")
    out = tmp_path / "s.json"
    result = run_specpy("tlc", tmp_path / "tlc" / "Str.tla", "--trace-out", out, timeout=120, memory=JVM)
    assert result.code == 12, result.stderr
    assert "Invariant Inv violated." in result.stdout  # TLC's verdict is shown
    doc = json.loads(out.read_text())
    assert [s["x"] for s in doc["states"]] == [{"#bigint": str(i)} for i in range(4)]  # untyped, as TLC gave it


@needs_tlc
def test_a_tla_file_named_like_an_option_is_not_an_option(tmp_path) -> None:
    (tmp_path / "dash").mkdir()
    for suffix in ("tla", "cfg"):
        (tmp_path / "dash" / f"-config.{suffix}").write_bytes((DATA / "tlc" / f"Str.{suffix}").read_bytes())
    result = run_specpy("tlc", tmp_path / "dash" / "-config.tla", timeout=120, memory=JVM)
    assert "unrecognized option" not in result.stdout + result.stderr
    assert not result.crashed


def test_tlc_gets_no_file_name_starting_with_a_dash() -> None:
    from specpy.tla.tlc import tlc_command

    cmd = tlc_command("java", Path("t.jar"), Path("d/-config.tla"), Path("d/-config.cfg"), 1, Path("m"))
    assert cmd[-1] == "./-config.tla" and cmd[-2] == "./-config.cfg"


def test_a_spec_named_like_a_standard_module_is_renamed(tmp_path) -> None:
    result = run_specpy("tla", data("named_naturals.spec"), "-o", tmp_path)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Naturals_.cfg", "Naturals_.tla"]
    assert "MODULE Naturals_ " in (tmp_path / "Naturals_.tla").read_text()


@pytest.mark.parametrize("command", [("crosscheck", "--all"), ("tla", "--all", "-o", "out")])
def test_all_without_specs_is_an_error(tmp_path, command) -> None:
    result = run_specpy(*command, cwd=tmp_path, env={"SPECPY_TLC_JAR": JAR or "/nonexistent.jar"})
    assert result.code == 151, result.stderr
    assert "no .spec files under specs/" in result.stderr


# ---------------------------------------------------------------- 16, 18: option errors


def test_a_type_member_that_is_an_enum_member_names_the_option() -> None:
    result = run_specpy("check", TWOPHASE, "--type", "RM=r1,r2,working")
    assert result.code == 151, result.stderr
    assert "--type RM: `working` is already a member of type RMState" in result.stderr


@pytest.mark.parametrize("args", [("--bogus",), ("--max-states", "abc")])
def test_a_usage_error_with_json_prints_one_json_object(args) -> None:
    result = run_specpy("check", "--json", *args, DIEHARD)
    assert result.code == 2
    assert json.loads(result.stdout)["result"] == "usage-error"


# ---------------------------------------------------------------- found by the structured fuzzer


def test_a_spec_of_comments_only_is_checked_not_a_crash() -> None:
    """bench/fuzz (a truncated spec): the native core's state of no variables
    was an empty C struct whose size disagreed with Python's layout (153)."""
    result = run_specpy("check", data("comments_only.spec"))
    assert result.code == 11, result.stderr  # one state, no action: a deadlock, as TLC reports it


def test_a_range_beyond_64_bits_is_checked_not_a_crash() -> None:
    """bench/fuzz (a huge integer in a range bound): the native core found no C
    integer type for it and raised StopIteration (153); now the Python backend runs it."""
    result = run_specpy("check", data("range_beyond_64_bits.spec"), "--json")
    assert result.code == 11, result.stderr  # x = 0, 1, 2, then no action: TLC's deadlock
    assert json.loads(result.stdout)["distinct_states"] == 3


@needs_tlc
def test_tlc_names_the_property_of_a_hand_written_module(tmp_path) -> None:
    (tmp_path / "Live.tla").write_text(
        "---- MODULE Live ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = x\n"
        "Spec == Init /\\ [][Next]_x\nProp == <>(x = 1)\n====\n"
    )
    (tmp_path / "Live.cfg").write_text("SPECIFICATION Spec\nPROPERTY Prop\n")
    result = run_specpy("tlc", tmp_path / "Live.tla", timeout=120, memory=JVM)
    assert result.code == 13, result.stdout + result.stderr
    assert "Temporal property Prop violated" in result.stdout


@needs_tlc
def test_tlc_without_arguments_outside_the_project(tmp_path) -> None:
    result = run_specpy("tlc", cwd=tmp_path, memory=JVM)
    assert result.code == 151, result.stderr
    assert "tla: no such file or directory" in result.stderr
