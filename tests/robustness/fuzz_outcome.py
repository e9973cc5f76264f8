"""Run one fuzz input the way `specpy check` would, and classify the outcome."""

from __future__ import annotations

import os
import tempfile

from specpy.diagnostics import SpecError
from specpy.options import CheckOptions, OptionError
from specpy.pipeline import load


def outcome(data: bytes, max_states: int = 300, timeout: float = 5.0) -> str:
    """'spec-error:<code>', 'option-error', or a check result kind.

    Any other exception propagates: that is a crash the fuzzer reports.
    """
    from specpy.explicit import check

    fd, path = tempfile.mkstemp(suffix=".spec")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            model = load(path)
            result = check(model, CheckOptions(max_states=max_states, timeout=timeout))
        except SpecError as e:
            assert e.diagnostics, "a SpecError must carry at least one diagnostic"
            for d in e.diagnostics:
                assert d.span.line >= 1 and d.span.column >= 1, f"unlocated diagnostic: {d}"
            return "spec-error:" + e.diagnostics[0].code
        except OptionError:
            return "option-error"
        return result.kind.value
    finally:
        os.unlink(path)
