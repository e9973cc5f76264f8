"""The Python API: load a spec, check it, validate implementation logs against it.

    import specpy
    spec = specpy.load("specs/twophase.spec", types={"RM": ["r1", "r2"]})
    result = spec.check()                  # a CheckResult; result.trace on a violation
    report = spec.validate("run.ndjson")   # a ValidationResult; report.ok

In Jupyter a CheckResult and a Trace display as the HTML report with its
message sequence chart (`_repr_html_`, trace/notebook.py).

The `specpy` command uses the same objects. Errors are exceptions carrying
what the CLI prints: SpecError (located diagnostics, exit 150), OptionError
(a bad constant, type or option, 151), LogError (a bad log line, 151).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from specpy.options import CheckOptions, OptionError, Overrides

if TYPE_CHECKING:
    from specpy.diagnostics import SourceFile
    from specpy.explicit.validate import Validator
    from specpy.ir.model import Model
    from specpy.ir.types import Type
    from specpy.result import CheckResult, Stats
    from specpy.trace.ndjson import LogEntry
    from specpy.result import ValidationResult

ConstValue = int | bool | str
#: A log for `Spec.validate`: an NDJSON file's path, or the lines' JSON objects
#: (dicts), or the lines' text.
Log = str | Path | Iterable[Mapping[str, Any] | str]


class Spec:
    """A loaded, typechecked spec (its IR Model) and what can be done with it."""

    def __init__(self, model: Model):
        self.model = model
        self._validator: Validator | None = None

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def source(self) -> SourceFile:
        return self.model.source

    @property
    def var_types(self) -> dict[str, Type]:
        return {v.name: v.type for v in self.model.vars}

    @property
    def param_types(self) -> dict[str, dict[str, Type]]:
        """Per action, its parameters' types."""
        return {a.name: {p.name: p.type for p in a.params} for a in self.model.actions}

    def __repr__(self) -> str:
        return f"<specpy.Spec {self.name} from {self.source.path}>"

    def check(
        self,
        options: CheckOptions | None = None,
        progress: Callable[[Stats], None] | None = None,
        **settings: Any,
    ) -> CheckResult:
        """Check every invariant, assert and deadlock breadth-first (explicit backend).

        `settings` are CheckOptions fields (check_deadlock, max_states,
        max_depth, timeout, symmetry, workers) applied on top of `options`.
        """
        try:
            opts = dataclasses.replace(options or CheckOptions(), **settings)
        except TypeError as exc:
            raise OptionError(f"unknown check setting: {exc}") from None
        if opts.cluster is not None:
            from specpy.cluster import check
        else:
            from specpy.explicit import check
        result = check(self.model, opts, progress=progress)
        result.model = self.model  # for the notebook report (CheckResult._repr_html_)
        return result

    def read_log(self, log: Log) -> list[LogEntry]:
        """A log's entries, checked against the spec's variables and actions (LogError if not)."""
        from specpy.trace.ndjson import LogReader

        reader = LogReader(self.var_types, self.param_types)
        if isinstance(log, (str, Path)):
            try:
                return reader.read_file(log)
            except OSError as exc:
                raise OptionError(f"cannot read {log}: {exc.strerror or exc}") from None
        items = list(log)
        if items and all(isinstance(x, str) for x in items):
            return reader.read_text("\n".join(items), "<log>")
        return reader.read_objects(items)

    def validate(
        self, log: Log, max_gap: int = 0, max_states: int | None = None, timeout: float | None = None
    ) -> ValidationResult:
        """Is the log a behaviour of the spec? See docs/validation.md.

        max_gap: how many unlogged steps may happen between two lines;
        max_states, timeout: stop (result kind "limit") when one line holds
        more spec states than that (its candidates and the states inside the
        gap before it), or after that many seconds.
        """
        from specpy.explicit.compile import CompiledModel
        from specpy.explicit.validate import ValidationLimits, Validator

        if max_gap < 0:
            raise OptionError(f"--max-gap {max_gap}: must be at least 0")
        if max_states is not None and max_states < 1:
            raise OptionError(f"--max-states {max_states}: must be at least 1")
        if timeout is not None and not timeout > 0:
            raise OptionError(f"--timeout {timeout:g}: must be more than 0")
        entries = self.read_log(log)
        if self._validator is None:
            self._validator = Validator(CompiledModel(self.model))
        return self._validator.validate(entries, max_gap, ValidationLimits(max_states, timeout))


def load(
    path: str | Path,
    consts: Mapping[str, ConstValue] | None = None,
    types: Mapping[str, Iterable[str]] | None = None,
) -> Spec:
    """Parse and typecheck a spec file, with constants and atom types overridden.

    consts: {"N": 3, "Debug": True}; types: {"RM": ["r1", "r2"]}, as
    `--const N=3 --type RM=r1,r2` on the command line.
    """
    from specpy.pipeline import load_text, read_source

    return Spec(load_text(read_source(path), overrides(consts, types)))


def loads(
    text: str,
    consts: Mapping[str, ConstValue] | None = None,
    types: Mapping[str, Iterable[str]] | None = None,
    name: str = "<string>",
) -> Spec:
    """Like load, from the spec's text; `name` is the file name errors show."""
    from specpy.diagnostics import SourceFile
    from specpy.pipeline import load_text

    return Spec(load_text(SourceFile(name, text), overrides(consts, types)))


def overrides(
    consts: Mapping[str, ConstValue] | None, types: Mapping[str, Iterable[str]] | None
) -> Overrides:
    """Python values as the text overrides semantics/ parses, as `--const`/`--type` give them."""
    const_text: dict[str, str] = {}
    for name, value in (consts or {}).items():
        if isinstance(value, bool):
            const_text[name] = "true" if value else "false"
        elif isinstance(value, (int, str)):
            const_text[name] = str(value)
        else:
            raise OptionError(f"constant {name}: {value!r} is not an int, bool or str")
    type_members: dict[str, tuple[str, ...]] = {}
    for name, members in (types or {}).items():
        if isinstance(members, str):
            raise OptionError(f"type {name}: give the members as a list, not the string {members!r}")
        type_members[name] = tuple(members)
    return Overrides(consts=const_text, types=type_members)
