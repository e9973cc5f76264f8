"""Symmetry reduction natively (native/c_symmetry.py) gives the Python
backend's results exactly: both pick the same representative of every orbit
(explicit/symmetry.py's signature plan, candidates compared in value order),
so counts, depth, verdict, coverage (the per-action `new` column too), where
a --max-states run stops, and the full counterexample trace are identical.

With representatives picked by different orders (the Python backend's hash,
the native core's memcmp: the code before this) the counts still agree but
the coverage's `new` column and the traces do not: causal_broadcast, links
and features.spec of the corpus run (test_native_specs.py, symmetry on) and
most variants below differ then."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from native_compare import both, same_representatives, summary
from test_native_specs import CORPUS
from test_native_specs import OPTIONS as CORPUS_OPTIONS

from specpy.diagnostics import SourceFile
from specpy.ir.model import Model
from specpy.options import CheckOptions
from specpy.pipeline import load, load_text
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
#: A cap that the big ones hit: where a run stops depends on the order of the states too.
OPTIONS = CheckOptions(max_states=20_000)


def safety_only(model: Model) -> Model:
    """Temporal properties are refused under symmetry (liveness.py)."""
    return dataclasses.replace(model, properties=())


def variant(path: str, *edits: tuple[str, str], cut: str | None = None) -> Model:
    """A spec of specs/ with text edits (a type made symmetric, an invariant added)."""
    text = (ROOT / path).read_text()
    for old, new in edits:
        assert old in text, (path, old)
        text = text.replace(old, new, 1)
    if cut is not None:
        text = text[: text.index(cut)]
    return safety_only(load_text(SourceFile(Path(path).name, text)))


VARIANTS = {
    "twophase-4-symmetric": lambda: variant("specs/twophase.spec", ("type RM = {r1, r2, r3}", "symmetric type RM = {r1, r2, r3, r4}")),
    "twophase-no-commit": lambda: variant(
        "specs/twophase.spec",
        ("type RM = {r1, r2, r3}", "symmetric type RM = {r1, r2, r3}"),
        ("\ninvariant ", "\ninvariant NoCommit: forall r in RM: rmState[r] != committed\ninvariant "),
    ),
    "paxos-two-symmetric-types": lambda: variant(
        "specs/paxos.spec", ("type Acceptor = {", "symmetric type Acceptor = {"), ("type Value = {", "symmetric type Value = {")
    ),
    "paxos-bug-symmetric": lambda: variant(
        "specs/paxos_bug_accept_lower_ballot.spec",
        ("type Acceptor = {", "symmetric type Acceptor = {"),
        ("type Value = {", "symmetric type Value = {"),
    ),
    "raft-3-servers": lambda: variant(
        "specs/raft.spec",
        ("type Server = {s1, s2}", "symmetric type Server = {s1, s2, s3}"),
        cut="# ---------------------------------------------------------------- liveness",
    ),
    "raft-double-vote-3-servers": lambda: variant(
        "specs/raft_bug_double_vote.spec", ("type Server = {s1, s2}", "symmetric type Server = {s1, s2, s3}")
    ),
    "zab-skip-sync-symmetric": lambda: variant("specs/zab_bug_skip_sync.spec", ("type Server = {", "symmetric type Server = {")),
}


def agree(model: Model, options: CheckOptions) -> tuple:
    python, native = both(model, options)
    assert native.backend == "native", native.backend_note
    assert summary(native) == summary(python)
    return python, native


def test_the_corpus_test_covers_the_symmetric_specs() -> None:
    """test_native_specs.py runs every spec of the corpus with symmetry on
    (its default): the symmetric ones are found there, not listed here."""
    names = {str(p.relative_to(ROOT)) for p in CORPUS if "symmetric type" in p.read_text()}
    assert {"specs/raft3.spec", "specs/causal_broadcast_bug_lamport_clock.spec", "tests/tla/data/features.spec"} <= names
    assert CORPUS_OPTIONS.symmetry


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_symmetric_variants_keep_the_same_representatives(name: str) -> None:
    """The representative itself, state by state (a result can hide a different one)."""
    assert same_representatives(VARIANTS[name]()) >= 250


@pytest.mark.parametrize("name", ["tests/explicit/data/symmetry/links.spec", "tests/native/data/stamps.spec", "specs/causal_broadcast.spec"])
def test_symmetric_specs_keep_the_same_representatives(name: str) -> None:
    assert same_representatives(safety_only(load(ROOT / name))) >= 250


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_symmetric_variants_agree(name: str) -> None:
    python, _ = agree(VARIANTS[name](), OPTIONS)
    if "bug" in name or "no-commit" in name:  # a counterexample, compared state by state
        assert python.violation is not None and len(python.violation.trace) > 2


@pytest.mark.parametrize(
    "name",
    ["specs/causal_broadcast.spec", "specs/quorum_register_bug_small_quorums.spec", "tests/explicit/data/symmetry/links.spec"],
)
def test_two_workers_agree(name: str) -> None:
    agree(safety_only(load(ROOT / name)), dataclasses.replace(OPTIONS, workers=2))


def test_two_workers_agree_on_a_counterexample_with_two_symmetric_types() -> None:
    python, _ = agree(VARIANTS["paxos-bug-symmetric"](), dataclasses.replace(OPTIONS, workers=2))
    assert python.kind is ResultKind.INVARIANT


def test_always_p_under_symmetry_is_checked_on_the_shared_representatives() -> None:
    """`always P` is checked on the stored graph after the search (liveness.py);
    the native store's states are the Python backend's representatives."""
    text = (ROOT / "tests/explicit/data/liveness/workers.spec").read_text().replace("type W", "symmetric type W", 1)
    model = load_text(SourceFile("workers.spec", text))
    model = dataclasses.replace(model, properties=(dataclasses.replace(model.properties[0], kind="always"),))
    python, native = agree(model, CheckOptions(check_deadlock=False))
    assert native.violation is not None and len(native.violation.trace) == 1
