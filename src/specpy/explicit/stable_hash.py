"""Fingerprints that are the same in the run that writes a checkpoint and the one that resumes it.

A fingerprint is Python's hash of a state (store.py). Ints, bools, tuples and
frozensets hash the same in every process, but in Python 3.11 hash(None) is
derived from None's address, which address-space layout randomisation
(ASLR) changes from process to process. A model whose states hold optional
values would therefore get other fingerprints after a resume, and the
stored fingerprint table would be useless.

`pin_none_hash` makes the address reproducible the way debuggers do: it
turns ASLR off for this process with personality(2) and re-executes the same
command (`python -m specpy ...`), once; the same Python installation then
puts None at the same address every time. It is done only by the `specpy
check` command with --checkpoint or --resume, and only on Linux; where it
cannot be done, the checkpoint's recorded hash(None) tells the resume to
refuse models with optional values (checkpoint.py).
"""

from __future__ import annotations

import ctypes
import os
import sys

#: personality(2) flag: no address-space randomisation for this process and what it executes.
ADDR_NO_RANDOMIZE = 0x0040000
#: Set in the re-executed process, so that it is done once.
PINNED_ENV = "SPECPY_NONE_HASH_PINNED"


def pin_none_hash(argv: list[str]) -> None:
    """Re-execute `python -m specpy argv[1:]` without ASLR, unless done already or impossible.

    Returns only if nothing was done; on success the process image is replaced.
    """
    if os.environ.get(PINNED_ENV) or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        current = libc.personality(0xFFFFFFFF)
        if current == -1 or libc.personality(current | ADDR_NO_RANDOMIZE) == -1:
            return
    except (OSError, AttributeError):
        return
    os.environ[PINNED_ENV] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "specpy", *argv[1:]])
