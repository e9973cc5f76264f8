"""specpy: a small specification language and explicit-state model checker.

The pipeline (see docs/architecture.md): text → syntax (AST) → semantics
(names, types, IR) → a backend (explicit, smt, tla) → trace rendering.

The Python API (api.py) is `load`/`loads` returning a `Spec` with `.check()`
and `.validate(log)`; importing specpy loads nothing heavy (the parser and
the backends are imported on first use).
"""

import sys

#: Specs nest expressions up to syntax/parser.py's limits (a chain of `and`
#: may have ~5,000 terms), and the stages that recurse over them take at most
#: 2.2 frames per level (measured on a 5,000-term chain with check --backend
#: native/python/z3, simulate and tla): the interpreter's recursion limit is
#: raised to this once, on import, rather than in the middle of a run.
RECURSION_LIMIT = 25_000
if sys.getrecursionlimit() < RECURSION_LIMIT:
    sys.setrecursionlimit(RECURSION_LIMIT)

from specpy.api import Spec, load, loads  # noqa: E402

__version__ = "0.1.0"

__all__ = ["Spec", "__version__", "load", "loads"]
