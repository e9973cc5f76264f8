"""specpy: a small specification language and explicit-state model checker.

The pipeline (see docs/architecture.md): text → syntax (AST) → semantics
(names, types, IR) → a backend (explicit, smt, tla) → trace rendering.
"""

__version__ = "0.1.0"
