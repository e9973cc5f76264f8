"""The files a command writes (`--trace-out`, `--html`, `-o`): one set of rules.

- A symlink is followed: the file it points to is replaced, the link stays.
- Only regular files are replaced: a FIFO, a device (`/dev/full`) or a
  directory is refused before the run, so nothing blocks and nothing the
  user did not name is turned into a regular file.
- A file that is also an input of the command (the spec, the trace being
  rendered) is refused before the run: `--trace-out victim.spec` would
  replace the spec by JSON.
- The new file is written beside its target, fsynced and renamed over it, so a
  reader never sees half a file; it keeps the old file's permissions, or gets
  the umask's default for a new file, and every write error is reported.
- A run that has nothing to write removes the file an earlier run left
  (`remove_stale`), so a stale counterexample is never mistaken for this run's.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

import click

from specpy.options import OptionError


def check_output_path(option: str, path: Path | None, inputs: Iterable[Path | str | None] = ()) -> None:
    """Refuse an output file that cannot or must not be written, before a long run (OptionError, 151)."""
    if path is None:
        return
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        raise OptionError(f"{option} {path}: not a regular file (a directory, FIFO or device); not replaced")
    parent = target.parent
    if not parent.is_dir():
        raise OptionError(f"{option} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OptionError(f"{option} {path}: directory {parent} is not writable")
    if target.exists():
        for given in inputs:
            if given is not None and str(given) != "" and _same_file(target, Path(given)):
                raise OptionError(f"{option} {path}: that is an input of this command ({given}); not overwritten")


def write_output(option: str, path: Path, text: str) -> str | None:
    """Write TEXT to PATH by the rules above; returns what went wrong, if anything."""
    target = Path(os.path.realpath(path))
    try:
        if target.exists() and not target.is_file():
            return f"{option} {path}: not a regular file; not replaced"
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        import tempfile  # only when a file is written: not on every run's start-up

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        return f"{option} {path}: cannot write: {exc.strerror or exc}"
    return None


def remove_stale(option: str, path: Path, why: str) -> None:
    """Say on stderr that this run writes nothing at PATH, and remove the file an earlier run wrote there."""
    target = Path(os.path.realpath(path))
    if not target.is_file():
        click.echo(f"note: {option} {path}: not written ({why})", err=True)
        return
    try:
        target.unlink()
    except OSError as exc:
        click.echo(f"warning: {option} {path}: not written ({why}); the file an earlier run left there "
                   f"could not be removed: {exc.strerror or exc}", err=True)
        return
    click.echo(f"note: {option} {path}: not written ({why}); removed the file an earlier run left there", err=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
