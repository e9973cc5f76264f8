"""Watching memory during a search: `--memory-limit MB`, and a guard without it.

A search that runs out of memory is killed by the kernel's OOM killer,
silently and with nothing to show for hours of work. Instead the search asks
a MemoryWatch, every few chunks of states and at every level boundary,
whether to stop; it then stops like any limit (statistics so far, exit 152,
a final checkpoint with `--checkpoint`).

- With `--memory-limit MB`: stop when the resident memory (RSS) of the
  checker — this process and its worker processes — exceeds MB megabytes
  (10^6 bytes). Pages that forked workers still share with the coordinator are
  counted in each, so the sum errs on the side of stopping early.
- Without it, a guard with judgement: memory is *short* when what is still
  available falls below a safety margin of max(MIN_MARGIN, MARGIN_FRACTION
  of the total) — the machine's (MemAvailable in /proc/meminfo) or, if the
  process runs in a cgroup with a memory limit (a container), the cgroup's
  (limit minus usage, reclaimable file cache not counted as usage); on a
  24 GB machine the margin is 1.2 GB. Short memory stops the search only
  when the checker is the cause: its own resident memory (with its workers)
  is at least OWN_SHARE of the memory in use, it grew since the last look,
  and the search has run GRACE_SECONDS. Otherwise it keeps going, as TLC
  does, and `note` says once that memory is short and which other process
  uses the most (a checker of 60 MB beside a 20 GB program is not the
  problem, and stopping it at its first state helps nobody).

Reading /proc costs some microseconds; it is done at most every
CHECK_SECONDS, so the hot loop only compares two clock readings.
"""

from __future__ import annotations

import ctypes
import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

#: Seconds between two looks at the memory figures.
CHECK_SECONDS = 0.5
#: The guard without --memory-limit: keep at least this fraction of the total free ...
MARGIN_FRACTION = 0.05
#: ... and at least this many bytes.
MIN_MARGIN = 256 << 20
MB = 10**6
#: Short memory stops the search only if the checker holds this share of the memory in use ...
OWN_SHARE = 0.25
#: ... and has run this long (start-up allocations and a moment's spike do not count).
GRACE_SECONDS = 3.0

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


#: mallopt(3)
M_MMAP_THRESHOLD = -3
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL("libc.so.6")
    _LIBC.malloc_trim, _LIBC.mallopt  # glibc only
except (OSError, AttributeError):
    _LIBC = None


def trim() -> None:
    """Give memory freed since (many small allocations, which the C library
    keeps for reuse otherwise) back to the system."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def map_large_arrays(threshold: int = 128 << 10) -> None:
    """Have the C library map every allocation above `threshold` bytes
    (numpy's per-level arrays) and unmap it when freed. By default glibc
    raises that threshold each time such a block is freed, up to 32 MiB, and
    then serves the next level's arrays from its heap, which it rarely
    returns. (A mapped block costs a page fault per page each time.)"""
    if _LIBC is not None:
        _LIBC.mallopt(M_MMAP_THRESHOLD, threshold)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (0 if it is gone or /proc is missing)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _meminfo() -> dict[str, int]:
    out = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            name, _, rest = line.partition(":")
            fields = rest.split()
            if fields:
                out[name] = int(fields[0]) * 1024
    except (OSError, ValueError):
        return {}
    return out


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # cgroup v2 writes "max" for no limit


def _inactive_file(stat: Path, key: str) -> int:
    try:
        for line in stat.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def cgroup_room() -> tuple[int, int] | None:
    """(limit, limit - usage) of this process's memory cgroup, if it has a limit."""
    found = _cgroup_limit()
    if found is None:
        return None
    limit, usage_file, stat_file, inactive = found
    usage = _read_int(usage_file)
    if usage is None:
        return None
    return limit, limit - max(0, usage - _inactive_file(stat_file, inactive))


@cache
def _cgroup_limit() -> tuple[int, Path, Path, str] | None:
    """The memory cgroup's limit, where its usage is read and the key of its
    reclaimable page cache; None without a limit below the machine's memory.
    Looked up once a process: a search asks for the room at every level's end
    (a one-state check 5 times), and the lookup was ~0.4 ms of each ~0.6 ms."""
    for limit_file, usage_file, stat_file, inactive in (
        ("memory.max", "memory.current", "memory.stat", "inactive_file"),  # cgroup v2
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "memory/memory.stat", "total_inactive_file"),
    ):
        root = Path("/sys/fs/cgroup")
        limit, usage = _read_int(root / limit_file), _read_int(root / usage_file)
        if limit is None or usage is None:
            continue
        total = _meminfo().get("MemTotal")
        if total is not None and limit >= total:
            return None  # no limit below the machine's memory
        return limit, root / usage_file, root / stat_file, inactive
    return None


def available_room() -> tuple[int, int] | None:
    """(total, available) memory for this process: the tighter of the machine and its cgroup."""
    info = _meminfo()
    if "MemTotal" not in info or "MemAvailable" not in info:
        return None
    room = (info["MemTotal"], info["MemAvailable"])
    cgroup = cgroup_room()
    if cgroup is not None and cgroup[1] < room[1]:
        room = cgroup
    return room


def margin(total: int) -> int:
    return max(MIN_MARGIN, int(MARGIN_FRACTION * total))


def largest_process(exclude: set[int]) -> tuple[int, str, int] | None:
    """(pid, name, resident bytes) of the process using the most memory, other than `exclude`."""
    best: tuple[int, str, int] | None = None
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    for entry in entries:
        pid = int(entry)
        if pid in exclude:
            continue
        rss = rss_bytes(pid)
        if best is None or rss > best[2]:
            best = (pid, "", rss)
    if best is None or best[2] == 0:
        return None
    try:
        name = Path(f"/proc/{best[0]}/comm").read_text().strip()
    except OSError:
        name = "?"
    return best[0], name, best[2]


class MemoryWatch:
    """Tells the search when to stop for memory; `pids` lists its worker processes.

    `note` is set (once) when memory was short but the checker was not the
    cause, so the run went on: the front end shows it.
    """

    def __init__(self, limit_mb: int | None, pids: Callable[[], list[int]] = list) -> None:
        self.limit_mb = limit_mb
        self.pids = pids
        self.next_check = 0.0
        self.started = time.monotonic()
        self.last_own: int | None = None  # the checker's resident bytes at the previous look
        self.note: str | None = None

    def exceeded(self, force: bool = False) -> str | None:
        """Why the search must stop now, or None. Cheap unless CHECK_SECONDS have passed."""
        now = time.monotonic()
        if not force and now < self.next_check:
            return None
        self.next_check = now + CHECK_SECONDS
        pids = [os.getpid(), *self.pids()]
        own = sum(map(rss_bytes, pids))
        growing = self.last_own is not None and own > self.last_own
        self.last_own = own
        if self.limit_mb is not None:
            if own > self.limit_mb * MB:
                return f"the checker uses {own / MB:,.0f} MB, more than --memory-limit {self.limit_mb:,} MB"
            return None
        room = available_room()
        if room is None:
            return None
        total, available = room
        if available >= margin(total):
            return None
        short = (
            f"only {available / MB:,.0f} MB of {total / MB:,.0f} MB memory is left available "
            f"(safety margin {margin(total) / MB:,.0f} MB)"
        )
        share = own / max(total - available, 1)
        if share >= OWN_SHARE and growing and now - self.started >= GRACE_SECONDS:
            return (
                f"{short}; the checker uses {own / MB:,.0f} MB ({share:.0%} of the memory in use) and is "
                "still growing; stopped before the system runs out"
            )
        if self.note is None:
            other = largest_process(set(pids))
            cause = (
                f"; the largest other process is {other[1]} (pid {other[0]}, {other[2] / MB:,.0f} MB)"
                if other is not None and other[2] > own else ""
            )
            self.note = f"memory is short: {short}{cause}; the checker uses {own / MB:,.0f} MB and went on"
        return None


#: Allocations between two collections of the youngest generation while a
#: search runs (Python's default: 700). A search allocates a tuple per state
#: and successor and keeps few of them, and builds no cycles: with the default
#: the cyclic collector ran ~340 times and took ~5% of raft.spec's safety check.
GC_YOUNG = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often (GC_YOUNG) inside the block."""
    before = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
