"""specpy: a small specification language and explicit-state model checker.

The pipeline (see docs/architecture.md): text → syntax (AST) → semantics
(names, types, IR) → a backend (explicit, smt, tla) → trace rendering.

The Python API (api.py) is `load`/`loads` returning a `Spec` with `.check()`
and `.validate(log)`; importing specpy loads nothing heavy (the parser and
the backends are imported on first use).
"""

from specpy.api import Spec, load, loads

__version__ = "0.1.0"

__all__ = ["Spec", "__version__", "load", "loads"]
