"""The click flags every command shares (`--const`/`--type`, `--json`/`--quiet`/`--full-trace`,
and turning flag values into Overrides and CheckOptions.

A malformed or out-of-range value is an OptionError, which the commands
report as a bad option value (exit 151).
"""

from __future__ import annotations

from pathlib import Path

import click

from specpy.options import CheckOptions, OptionError, Overrides

DEFAULT_CHECKPOINT_INTERVAL = CheckOptions.checkpoint_interval  # seconds


def override_options(fn):
    """`--const NAME=V` and `--type NAME=a,b,c`, shared by every command that loads a spec."""
    fn = click.option("--type", "types", multiple=True, metavar="NAME=a,b,c",
                      help="Override a type's members (repeatable).")(fn)
    return click.option("--const", "consts", multiple=True, metavar="NAME=V",
                        help="Override a constant (repeatable).")(fn)


def report_options(fn):
    """`--json`, `--quiet` and `--full-trace`: how a result is printed."""
    fn = click.option("--full-trace", is_flag=True, help="Print whole states in the trace, not only changes.")(fn)
    fn = click.option("--quiet", "-q", is_flag=True, help="Print the verdict line only.")(fn)
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")(fn)


def timeout_option(fn):
    """`--timeout SECONDS` for the commands that stop with exit 152 when it runs out."""
    return click.option("--timeout", type=float, metavar="SECONDS",
                        help="Stop (exit 152) after this much wall time.")(fn)


def trace_out_option(help: str):
    """`--trace-out FILE` (ITF JSON); `help` says which trace is written."""
    return click.option("--trace-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help=help)


def parse_overrides(consts: tuple[str, ...], types: tuple[str, ...]) -> Overrides:
    """`NAME=V` / `NAME=a,b,c` texts as Overrides; malformed ones are OptionErrors.

    Only the shape is checked here; whether NAME exists and V fits is for
    semantics/, which knows the declarations.
    """
    const_values: dict[str, str] = {}
    for text in consts:
        name, value = _split_assignment("--const", text, "NAME=VALUE")
        if not value:
            raise OptionError(f"--const {text}: no value after '='")
        if name in const_values:
            raise OptionError(f"--const {name} is given twice")
        const_values[name] = value
    type_members: dict[str, tuple[str, ...]] = {}
    for text in types:
        name, value = _split_assignment("--type", text, "NAME=a,b,c")
        members = tuple(m.strip() for m in value.split(","))
        if not value.strip():
            raise OptionError(f"--type {text}: no members after '=' (write {name}=a,b,c)")
        if any(not m for m in members):
            raise OptionError(f"--type {text}: empty member name")
        if len(set(members)) != len(members):
            raise OptionError(f"--type {text}: a member is listed twice")
        if name in type_members:
            raise OptionError(f"--type {name} is given twice")
        type_members[name] = members
    return Overrides(consts=const_values, types=type_members)


def _split_assignment(option: str, text: str, form: str) -> tuple[str, str]:
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq:
        raise OptionError(f"{option} {text}: expected {form}")
    if not name:
        raise OptionError(f"{option} {text}: no name before '='")
    return name, value.strip()


def make_options(
    depth: int | None,
    no_deadlock: bool,
    no_symmetry: bool,
    max_states: int | None,
    timeout: float | None,
    workers: int,
    memory_limit: int | None = None,
    checkpoint_dir: str | Path | None = None,
    checkpoint_interval: float | None = None,
    resume_dir: str | Path | None = None,
    disk_dir: Path | None = None,
    cluster: str | None = None,
) -> CheckOptions:
    """CheckOptions from the flags; out-of-range numbers are OptionErrors (151)."""
    for option, value, least in (
        ("--depth", depth, 1), ("--max-states", max_states, 1), ("--workers", workers, 1),
        ("--memory-limit", memory_limit, 1),
    ):
        if value is not None and value < least:
            raise OptionError(f"{option} {value}: must be at least {least}")
    for option, seconds in (("--timeout", timeout), ("--checkpoint-interval", checkpoint_interval)):
        if seconds is not None and not seconds > 0:
            raise OptionError(f"{option} {seconds:g}: must be a positive number of seconds")
    for option, directory in (("--checkpoint", checkpoint_dir), ("--resume", resume_dir)):
        if directory is not None and str(directory) == "":
            raise OptionError(f"{option}: the directory name is empty")
    if cluster is not None:
        from specpy.cluster.connect import parse

        parse(cluster)  # a malformed address fails before the spec is even read
    if checkpoint_interval is not None and checkpoint_dir is None and resume_dir is None:
        raise OptionError("--checkpoint-interval needs --checkpoint DIR (or --resume DIR)")
    return CheckOptions(
        check_deadlock=not no_deadlock,
        symmetry=not no_symmetry,
        max_states=max_states,
        max_depth=depth,
        timeout=timeout,
        workers=workers,
        memory_limit_mb=memory_limit,
        checkpoint_dir=str(checkpoint_dir) if checkpoint_dir is not None else None,
        checkpoint_interval=checkpoint_interval or DEFAULT_CHECKPOINT_INTERVAL,
        resume_dir=str(resume_dir) if resume_dir is not None else None,
        disk_dir=str(disk_dir) if disk_dir is not None else None,
        cluster=cluster,
    )
