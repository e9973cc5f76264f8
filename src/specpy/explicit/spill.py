"""Spilling to disk: a search larger than memory (`--disk-dir DIR`).

When memory runs short at a level boundary — the process's resident memory
above SPILL_AT of its share of `--memory-limit`, or, without a limit, less
than SPILL_MARGINS safety margins of memory available (memory.py) — a
partition turns *active*, and from then on

- the links of every settled level are appended to three files
  (`SpilledLinks`: 18 bytes a state; read back only for a trace or a
  checkpoint);
- the states of the next level are written block by block to a file as they
  are found (`BlockFile`; Frontier keeps the offsets) and read back once, when
  the level is expanded;
- the fingerprint table stays in memory up to `table_limit` fingerprints
  (TABLE_SHARE of the memory); beyond that it is merged into one sorted file
  on disk (`SortedFingerprints`, the sorted-runs design of TLC's DiskFPSet
  with a single run), and a fresh table starts with the newest level only
  (the states a level's successors most often repeat: its own, by
  self-loops).

A fingerprint found in a level may then be on disk only, so the partition
defers the question "stored before?" to the end of the level
(partition.py, "Deferred lookups"): the level's candidates are sorted and
compared with the sorted file in one sequential pass. Why one sorted file
and not an on-disk hash table: the lookups come in one batch per level, and
a sequential merge pass over a sorted file reads each page once, where a
hash table would read one random page per candidate; merging a flushed table
rewrites the file, but that happens once per `table_limit` new states.

Files go to a directory of their own under `--disk-dir` (default: the
system's temporary directory), removed when the search ends. A write that
fails (a full disk) raises DiskFull, which stops the search like a limit
(exit 152) with its last checkpoint intact.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from specpy.explicit.memory import available_room, map_large_arrays, margin, rss_bytes, trim
from specpy.explicit.store import FingerprintSet, Links

#: Fingerprints read from the sorted file at a time.
READ_BLOCK = 1 << 20
#: Spill when the resident memory exceeds this share of --memory-limit ...
SPILL_AT = 0.5
#: ... or, without a limit, when less than this many safety margins are available.
SPILL_MARGINS = 3
#: Of the memory (the limit, or the machine's), the share an active partition's table may take ...
TABLE_SHARE = 0.1
#: ... but it holds at least this many fingerprints.
MIN_TABLE = 1 << 16


class DiskFull(Exception):
    """A spill file could not be written; the message says which and why."""


class SortedFingerprints:
    """Every spilled fingerprint, in one sorted int64 file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0

    def contains(self, fps: np.ndarray) -> np.ndarray:
        """Which of fps are in the file: one sequential pass."""
        found = np.zeros(len(fps), dtype=bool)
        if not self.count or not len(fps):
            return found
        order = np.argsort(fps, kind="stable")
        want = fps[order]
        lo = 0
        with open(self.path, "rb") as f:
            for start in range(0, self.count, READ_BLOCK):
                block = np.fromfile(f, dtype=np.int64, count=min(READ_BLOCK, self.count - start))
                hi = int(np.searchsorted(want, block[-1], side="right"))
                if hi > lo:
                    q = want[lo:hi]
                    at = np.minimum(np.searchsorted(block, q), len(block) - 1)
                    found[order[lo:hi]] = block[at] == q
                lo = hi
                if lo == len(want):
                    break
        return found

    def merge(self, fps: np.ndarray) -> None:
        """Add distinct fingerprints (a new sorted file replaces the old one; those in it already are kept once)."""
        new = np.sort(fps)
        tmp = self.path.with_suffix(".tmp")
        count = 0
        try:
            with open(tmp, "wb") as out:
                lo = 0
                if self.count:
                    with open(self.path, "rb") as f:
                        for start in range(0, self.count, READ_BLOCK):
                            block = np.fromfile(f, dtype=np.int64, count=min(READ_BLOCK, self.count - start))
                            hi = int(np.searchsorted(new, block[-1], side="right"))
                            merged = np.concatenate([block, new[lo:hi]])
                            merged.sort(kind="stable")  # two sorted runs: a merge
                            merged = merged[np.concatenate([[True], merged[1:] != merged[:-1]])]  # on disk already
                            merged.tofile(out)
                            count += len(merged)
                            lo = hi
                new[lo:].tofile(out)
                count += len(new) - lo
            os.replace(tmp, self.path)
        except OSError as exc:
            raise DiskFull(f"cannot write {tmp}: {exc.strerror or exc}") from None
        self.count = count


class SpilledLinks:
    """The links of settled levels: three append-only files (fp, parent, via)."""

    NAMES = (("fp", np.int64), ("parent", np.int64), ("via", np.int16))

    def __init__(self, directory: Path) -> None:
        self.paths = [directory / f"links-{name}.bin" for name, _ in self.NAMES]
        self.count = 0

    def append(self, fps: np.ndarray, parents: np.ndarray, via: np.ndarray) -> None:
        try:
            for path, a in zip(self.paths, (fps, parents, via)):
                with open(path, "ab") as f:
                    a.tofile(f)
        except OSError as exc:
            raise DiskFull(f"cannot write {path}: {exc.strerror or exc}") from None
        self.count += len(fps)

    def get(self, i: int) -> tuple[int, int, int]:
        out = []
        for path, (_, dtype) in zip(self.paths, self.NAMES):
            size = np.dtype(dtype).itemsize
            with open(path, "rb") as f:
                f.seek(i * size)
                out.append(int(np.fromfile(f, dtype=dtype, count=1)[0]))
        return out[0], out[1], out[2]

    def read(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first n links."""
        return tuple(np.fromfile(path, dtype=dtype, count=n) for path, (_, dtype) in zip(self.paths, self.NAMES))  # type: ignore[return-value]


class DiskBlock:
    """Where a frontier block lies in a BlockFile."""

    __slots__ = ("file", "offset", "size")

    def __init__(self, file: BlockFile, offset: int, size: int) -> None:
        self.file, self.offset, self.size = file, offset, size

    def read(self) -> bytes:
        return os.pread(self.file.fd, self.size, self.offset)


class BlockFile:
    """One level's frontier blocks: an unlinked temporary file, closed (and
    so freed) when no frontier refers to its blocks any more."""

    def __init__(self, directory: Path) -> None:
        self.fd = os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o600) if hasattr(os, "O_TMPFILE") else self._named(directory)
        self.end = 0

    @staticmethod
    def _named(directory: Path) -> int:
        import tempfile

        fd, name = tempfile.mkstemp(dir=directory)
        os.unlink(name)
        return fd

    def write(self, blob: bytes) -> DiskBlock:
        try:
            written = os.pwrite(self.fd, blob, self.end)
            if written != len(blob):
                raise OSError(28, "No space left on device")
        except OSError as exc:
            raise DiskFull(f"cannot write the frontier: {exc.strerror or exc}") from None
        block = DiskBlock(self, self.end, len(blob))
        self.end += len(blob)
        return block

    def __del__(self) -> None:
        os.close(self.fd)


class Spill:
    """One partition's disk space, and when it turns active.

    `limit`: the bytes of resident memory this process may use (its share of
    --memory-limit), None for the machine's available memory.
    """

    def __init__(self, root: str | None, name: str, limit: int | None) -> None:
        self.root = root
        self.name = name
        self.limit = limit
        memory = limit if limit is not None else (available_room() or (1 << 62, 0))[0]
        slots = 1 << max(int(memory * TABLE_SHARE / 8).bit_length() - 1, 1)  # a table's size is a power of two
        self.table_limit = max(MIN_TABLE, slots // 2)  # fingerprints: the table is at most half full
        self.dir: Path | None = None
        self.fps: SortedFingerprints | None = None
        self.links: SpilledLinks | None = None

    @property
    def active(self) -> bool:
        return self.dir is not None

    def _activate(self) -> None:
        import tempfile  # only once a run spills: not on every run's start-up

        try:
            if self.root is not None:
                Path(self.root).mkdir(parents=True, exist_ok=True)
            self.dir = Path(tempfile.mkdtemp(prefix=f"specpy-spill-{self.name}-", dir=self.root))
        except OSError as exc:
            raise DiskFull(f"--disk-dir {self.root or tempfile.gettempdir()}: {exc.strerror or exc}") from None
        self.fps = SortedFingerprints(self.dir / "fps.bin")
        self.links = SpilledLinks(self.dir)
        map_large_arrays()

    def pressed(self) -> bool:
        """Is memory short (see the module docstring)?"""
        if self.limit is not None:
            return rss_bytes(os.getpid()) > SPILL_AT * self.limit
        room = available_room()
        return room is not None and room[1] < SPILL_MARGINS * margin(room[0])

    def settled(self, seen: FingerprintSet, learn: np.ndarray, links: Links, own: np.ndarray | None) -> FingerprintSet:
        """At a level boundary (the level's links are final): add the
        fingerprints `learn` (not in `seen`) to what is remembered, turning
        active first when memory is short; then move the links to disk, and a
        table that would pass `table_limit` to the sorted file. The newest
        level (`learn`, and `own`: those stored here that `seen` holds
        already) starts the next table. The table to go on with."""
        if not self.active and self.pressed():
            self._activate()
        if not self.active:
            seen.add_new(learn)
            return seen
        assert self.links is not None and self.fps is not None
        links.spill_to(self.links)
        if len(seen) + len(learn) <= self.table_limit:
            seen.add_new(learn)
        else:
            self.fps.merge(seen.table[seen.table != 0])
            self.fps.merge(learn)
            newest = learn if own is None else np.concatenate([own, learn])
            seen = FingerprintSet(len(newest) if len(newest) <= self.table_limit else 0)
            if len(newest) <= self.table_limit:
                seen.add_new(newest)
        trim()  # the frontier's blocks are many small allocations freed by the last level
        return seen

    def contains(self, fps: np.ndarray) -> np.ndarray:
        if self.fps is None:
            return np.zeros(len(fps), dtype=bool)
        return self.fps.contains(fps)

    def frontier_file(self) -> BlockFile:
        assert self.dir is not None
        return BlockFile(self.dir)

    def close(self) -> None:
        """Remove the files (those a frontier still holds open vanish when it is freed)."""
        if self.dir is not None:
            import shutil  # only once a run has spilled: not on every run's start-up

            shutil.rmtree(self.dir, ignore_errors=True)
