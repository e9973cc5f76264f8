"""The native core: a spec's typed IR compiled to C, driven by the one search.

    c_types.py   the byte layout of a state (one C type per IR type)
    c_expr.py    IR expressions -> C expressions
    c_stmt.py    IR statements -> C emitting successors in the Python order
    c_module.py  the whole C file: actions, checks, the chunk kernel
    build.py     cffi (out-of-line API mode) + the per-user compiled-module cache
    kernel.py    NativeModel: what the search calls instead of the Python
                 backend's CompiledModel (states as bytes)

The search engine itself (explicit/search.py, partition.py, workers.py,
store.py) is shared by both backends; `engine` below is how it picks one.
docs/architecture.md ("The native core") describes the design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from specpy.explicit.checkpoint import written_by
from specpy.explicit.compile import dump_dir
from specpy.native.build import NoCompiler
from specpy.native.c_types import CapacityExceeded, NotNative

if TYPE_CHECKING:
    from specpy.explicit.compile import CompiledModel
    from specpy.native.kernel import NativeModel
    from specpy.options import CheckOptions


def refusal(cm: CompiledModel, options: CheckOptions, symmetric: bool) -> str | None:
    """Why this run cannot be native whatever the C (a search feature not native yet), or None."""
    model = cm.model
    if symmetric and model.transitions:
        return "transition invariants under symmetry reduction are checked by the Python backend"
    if options.resume_dir is not None and written_by(options.resume_dir) == "python":
        return f"the checkpoint in {options.resume_dir} holds the Python backend's fingerprints"
    if not model.vars:  # the C state would be an empty struct (found by bench/fuzz)
        return "a spec without variables is checked by the Python backend"
    return None


def native_model(
    cm: CompiledModel, options: CheckOptions, symmetric: bool, capacities: dict | None = None
) -> NativeModel:
    """The native model of cm's spec (NotNative, NoCompiler: why not);
    `capacities` of its sorted arrays (c_types.py) when a run starts over."""
    from specpy.native.kernel import NativeModel

    why = refusal(cm, options, symmetric)
    if why is not None:
        raise NotNative(why)
    types = tuple(t for t in cm.model.symmetric_types() if len(t.members) > 1) if symmetric else ()
    native = NativeModel(cm.model, cm, capacities, types)
    directory = dump_dir(cm.model.name)  # `specpy --dump-code DIR`: beside the Python functions
    if directory is not None:
        cm.expand  # noqa: B018 (compiled on first use; the dump shows the whole Python side too)
        (directory / "model.c").write_text(native.source)
    return native


__all__ = ["CapacityExceeded", "NoCompiler", "NotNative", "native_model", "refusal"]
