"""Symmetry reduction on the message-level Raft model agrees with TLC.

specs/raft.spec with `type Server` made `symmetric` (2 servers, default
bounds): TLC 2.20 with SYMMETRY Permutations(Server) on specpy's export
(`-workers 1`) reports 73,018 distinct states and depth 39 — its output is
recorded in data/symmetry/raft_symmetric_server_tlc.out. Without symmetry both
tools report 146,003 (the spec's own `# expect:` header).
"""

from __future__ import annotations

import re
from pathlib import Path

from specpy.diagnostics import SourceFile
from specpy.explicit import check
from specpy.options import CheckOptions
from specpy.pipeline import load_text
from specpy.result import ResultKind

ROOT = Path(__file__).resolve().parents[2]
TLC_OUT = Path(__file__).parent / "data" / "symmetry" / "raft_symmetric_server_tlc.out"


def symmetric_raft() -> str:
    """raft.spec with `symmetric type Server`, without its temporal properties
    (liveness is refused under symmetry; they are the last section)."""
    text = (ROOT / "specs" / "raft.spec").read_text()
    text, liveness = text.split("# ---------------------------------------------------------------- liveness")
    assert "invariant" not in liveness, "specs/raft.spec has invariants after its liveness section"
    out, n = re.subn(r"^type Server = ", "symmetric type Server = ", text, flags=re.M)
    assert n == 1, "specs/raft.spec no longer declares `type Server = ...` on one line"
    return out


def test_symmetric_raft_matches_tlc_symmetry_count() -> None:
    tlc = TLC_OUT.read_text()
    distinct = int(re.search(r"(\d+) distinct states found, 0 states left", tlc).group(1))
    depth = int(re.search(r"depth of the complete state graph search is (\d+)", tlc).group(1))
    model = load_text(SourceFile("raft_symmetric.spec", symmetric_raft()))
    result = check(model, CheckOptions())
    assert result.kind is ResultKind.OK
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth) == (73_018, 39)
