"""What a user asked for, beyond the spec: overrides, search settings, limits."""

from __future__ import annotations

from dataclasses import field

from specpy.nodeclass import nodeclass


@nodeclass
class Overrides:
    """`--const NAME=V` and `--type NAME=a,b,c`, as the user wrote them.

    Values stay text until semantics/ parses them against the declaration, so
    that a bad value is reported with the declaration it does not fit.
    """

    consts: dict[str, str] = field(default_factory=dict)
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)


@nodeclass
class CheckOptions:
    check_deadlock: bool = True
    symmetry: bool = True
    max_states: int | None = None  # stop after this many distinct states
    max_depth: int | None = None  # explicit: bound the BFS; z3: BMC depth
    timeout: float | None = None  # seconds of wall time
    workers: int = 1
    memory_limit_mb: int | None = None  # stop when the checker's RSS exceeds this (explicit/memory.py)
    checkpoint_dir: str | None = None  # write checkpoints here (explicit/checkpoint.py)
    checkpoint_interval: float = 60.0  # seconds between two checkpoints
    resume_dir: str | None = None  # continue the search from this checkpoint
    disk_dir: str | None = None  # spill files go here (explicit/spill.py); None: the temporary directory
    cluster: str | None = None  # "ray", "ray=auto", "ray=HOST:PORT": partitions in Ray actors (cluster/)
    # The explicit search's successor engine: "python", "native" (compiled to
    # C, native/; an error if it cannot be used) or "auto" (native when it
    # can be used, else python with a note saying why).
    backend: str = "python"


class OptionError(Exception):
    """A bad `--const`/`--type`/option value (exit 151); the message names it."""
