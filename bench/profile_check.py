"""Where a check spends its time: cProfile's top entries by own time.

    python bench/profile_check.py specs/raft.spec
    python bench/profile_check.py specs/twophase.spec --type RM=r1,r2,r3,r4,r5,r6,r7 --top 20

The explicit search runs in this process with one worker, as `specpy check`
does (parsing and compilation are left out). cProfile slows the many small
calls of the generated code most, so read the entries as shares, not times;
bench/profiles/ keeps the before/after profiles of issue #7.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from pathlib import Path

from specpy.cli.flags import parse_overrides
from specpy.explicit.search import check
from specpy.options import CheckOptions
from specpy.pipeline import load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec")
    ap.add_argument("--type", action="append", default=[], dest="types", help="as for specpy check")
    ap.add_argument("--const", action="append", default=[], dest="consts", help="as for specpy check")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    model = load(args.spec, parse_overrides(tuple(args.consts), tuple(args.types)))
    profile = cProfile.Profile()
    profile.enable()
    result = check(model, CheckOptions())
    profile.disable()
    s = result.stats
    print(f"{args.spec} {' '.join(args.types + args.consts)}: {result.kind.value}, {s.distinct_states:,} distinct, "
          f"{s.states_generated:,} generated, depth {s.depth}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    here = str(Path.cwd()) + "/"
    print("\n".join(line.replace(here, "") for line in lines[start - 3 :]))


if __name__ == "__main__":
    main()
