"""What the search remembers about the states it has seen: fingerprints and links.

A state is remembered by its 64-bit fingerprint (Python's `hash` of the
state tuple, 0 mapped to 1 because 0 marks an empty slot), not by its value:

- `FingerprintSet`, an open-addressing hash table in one int64 array (an
  anonymous memory map, so that growing it releases the old table slice by
  slice instead of holding both), answers "seen before?" for a whole batch
  of fingerprints at once (8 bytes a slot, at most `load` full: 8-16 bytes a
  state at the Python backend's 1/2, 8-11 at the native engine's 3/4);
- `Links` keeps, per stored state in discovery order, its fingerprint, the
  id of the state it was first reached from (32 bits until an id needs 64)
  and the action index (8 bits until one needs 16): 13 bytes a state. A shortest trace is rebuilt from these by re-execution from an
  initial state, as TLC does: at each step the recorded action is run again
  and the successor with the recorded fingerprint is taken (traces.py).

Two different states with the same fingerprint would make the second look
seen, so part of the state space could be missed. As with TLC's
fingerprints, the chance of any collision among n states is about
n^2 / 2^65 for a well-mixed 64-bit hash: 3e-8 for 1.7 million states,
3e-6 for 10 million. Python's tuple hash (xxHash-based) is well mixed for the
small ints and tuples that make up a state; the table mixes it once more
before choosing a slot. Every internal value (state.py) hashes the same in
every process, so fingerprints are equal from run to run (checkpoint.py).
"""

from __future__ import annotations

import mmap
import pickle
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from specpy.explicit.spill import BlockFile, SpilledLinks

EMPTY = 0
#: States per pickled block of a frontier: a block is the unit of expansion
#: (partition.py); small enough that its successors, most of them dropped
#: as known right after, stay in the CPU cache.
BLOCK = 128
#: Fibonacci hashing: slot = (fp * GOLDEN mod 2^64) >> (64 - bits).
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIN_BITS = 10
#: Probe rounds are done on whole arrays until at most this many fingerprints are left.
STRAGGLERS = 8
#: Slots of the old table re-inserted at a time when the table grows.
GROW_SLICE = 1 << 18
#: Insertion rounds done on whole arrays before the stragglers are placed one by one.
VECTOR_ROUNDS = 3
#: Tables at least this large (bytes) ask for huge pages.
HUGE_TABLE = 4 << 20
#: Links keep parent ids in 32 bits and actions in 8 until a value needs the wider type.
WIDER = {"i": "q", "b": "h"}


def fingerprints(states: list) -> np.ndarray:
    """The fingerprint of each state (int64), never EMPTY."""
    fps = np.fromiter(map(hash, states), dtype=np.int64, count=len(states))
    fps[fps == EMPTY] = 1
    return fps


class TableCode(Protocol):
    """Lookup and insertion over a FingerprintSet's table (its layout and
    probing) faster than numpy's rounds: the native model's, in C."""

    def insert(self, table: np.ndarray, bits: int, fps: np.ndarray) -> None:
        """Insert fingerprints, distinct and new, into a table of 2^bits slots with room for them."""

    def contains(self, table: np.ndarray, bits: int, fps: np.ndarray) -> np.ndarray:
        """A bool array: which of fps are in the table."""

    def rehash(self, old: np.ndarray, table: np.ndarray, bits: int) -> None:
        """Insert the fingerprints of a slice of a smaller table (0: empty) into
        a table of 2^bits slots; safe while other threads move other slices."""


class FingerprintSet:
    """A set of int64 fingerprints with vectorised lookup and insertion,
    at most `load` full (the table doubles beyond); `code`: faster lookup
    and insertion, if any."""

    def __init__(self, expected: int = 0, load: float = 0.5, code: TableCode | None = None) -> None:
        self.load = load
        self.code = code
        bits = MIN_BITS
        while (1 << bits) * load < expected:
            bits += 1
        self._alloc(bits)

    def _alloc(self, bits: int) -> None:
        self.bits = bits
        # Anonymous pages read as zeros (EMPTY) and take memory only once written.
        # Private: a shared anonymous map (mmap's default) keeps a page given back
        # with MADV_DONTNEED in memory as shmem until the whole map is closed.
        self._map: mmap.mmap | None = mmap.mmap(-1, 8 << bits, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        if (8 << bits) >= HUGE_TABLE and hasattr(mmap, "MADV_HUGEPAGE"):
            # Every lookup lands on a random page: 2 MB pages spare most TLB misses (Linux's THP,
            # often on for such requests only: transparent_hugepage/enabled = madvise).
            self._map.madvise(mmap.MADV_HUGEPAGE)
        self.table = np.frombuffer(self._map, dtype=np.int64)
        self.used = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with a plain copy of the table (a memory map does not pickle)."""
        return dict(self.__dict__, _map=None, table=self.table.copy(), code=None)

    def __len__(self) -> int:
        return self.used

    @property
    def nbytes(self) -> int:
        return self.table.nbytes

    def _slots(self, fps: np.ndarray) -> np.ndarray:
        return ((fps.view(np.uint64) * GOLDEN) >> np.uint64(64 - self.bits)).view(np.int64)

    def contains(self, fps: np.ndarray) -> np.ndarray:
        """A bool array: which of fps are in the set."""
        if self.code is not None:
            return self.code.contains(self.table, self.bits, fps)
        table, mask = self.table, (1 << self.bits) - 1
        found = np.zeros(len(fps), dtype=bool)
        todo = np.arange(len(fps))
        want = fps
        slot = self._slots(fps)
        while len(todo) > STRAGGLERS:
            cur = table[slot]
            hit = cur == want
            found[todo[hit]] = True
            go_on = ~hit & (cur != EMPTY)  # occupied by another: probe the next slot
            todo, want, slot = todo[go_on], want[go_on], (slot[go_on] + 1) & mask
        # The few long probe sequences left are cheaper one by one than as
        # more rounds of whole-array operations.
        for i, fp, j in zip(todo.tolist(), want.tolist(), slot.tolist()):
            while True:
                cur = int(table[j])
                if cur == fp:
                    found[i] = True
                    break
                if cur == EMPTY:
                    break
                j = (j + 1) & mask
        return found

    @property
    def room(self) -> int:
        """How many more fingerprints fit before the table must grow."""
        return int(self.load * len(self.table)) - self.used

    def reserve(self, n: int, each: Callable[[list[Callable[[], None]]], object] | None = None) -> None:
        """Grow the table, if needed, so that n more fingerprints keep it at most `load` full;
        `each` runs jobs in parallel threads (threads.py), which then move the old table's slices."""
        if n > self.room:
            self._grow(self.used + n, each)

    def add_new(self, fps: np.ndarray) -> None:
        """Insert fingerprints that are distinct and not in the set yet."""
        self.reserve(len(fps))
        if self.code is not None:
            self.code.insert(self.table, self.bits, fps)
            self.used += len(fps)
            return
        table, mask = self.table, (1 << self.bits) - 1
        todo = fps
        slot = self._slots(fps)
        for _ in range(VECTOR_ROUNDS):
            if not todo.size:
                break
            free = table[slot] == EMPTY
            # Of several fingerprints aiming at one free slot, one lands (the
            # write read back tells which): no sort needed. Which one lands
            # does not change what the set contains.
            cand = np.flatnonzero(free)
            table[slot[cand]] = todo[cand]
            lost = np.ones(len(todo), dtype=bool)
            lost[cand] = table[slot[cand]] != todo[cand]
            # A loser retries the same slot next round, now occupied, and moves on from there.
            slot = np.where(free, slot, (slot + 1) & mask)[lost]
            todo = todo[lost]
        for fp, j in zip(todo.tolist(), slot.tolist()):
            while table[j] != EMPTY:
                j = (j + 1) & mask
            table[j] = fp
        self.used += len(fps)

    def _grow(self, need: int, each: Callable[[list[Callable[[], None]]], object] | None = None) -> None:
        old, pages, used = self.table, self._map, self.used
        bits = self.bits
        while (1 << bits) * self.load < need:
            bits += 1
        self._alloc(bits)
        rehash = getattr(self.code, "rehash", None)

        def move(lo: int) -> None:
            """A slice of the old table into the new one (no copy of the whole table), its pages given back
            at once: the peak is the new table, not both."""
            part = old[lo : lo + GROW_SLICE]
            if rehash is not None:
                rehash(part, self.table, self.bits)
            else:
                self.add_new(part[part != EMPTY])
            if pages is not None:
                first, end = -(-8 * lo // mmap.PAGESIZE) * mmap.PAGESIZE, 8 * (lo + len(part)) // mmap.PAGESIZE * mmap.PAGESIZE
                if first < end:
                    pages.madvise(mmap.MADV_DONTNEED, first, end - first)

        slices = range(0, len(old), GROW_SLICE)
        if each is not None and rehash is not None:
            each([lambda lo=lo: move(lo) for lo in slices])
        else:
            for lo in slices:
                move(lo)
        self.used = used


class Links:
    """Per stored state, in discovery order: fingerprint, parent id, action index.

    A state's id is `local index * parts + part` (search.py), so that the
    parent of a state may be owned by another partition; -1 is "initial".
    Under memory pressure the settled links move to disk (`spill_to`,
    spill.py): the arrays then hold links `spilled`, `spilled + 1`, ...
    """

    def __init__(self) -> None:
        self.fp = array("q")
        self.parent = array("i")  # WIDER: 64 bits once an id needs them
        self.via = array("b")  # and 16 once an action index does
        self.spilled = 0
        self.disk: SpilledLinks | None = None

    def __len__(self) -> int:
        return self.spilled + len(self.fp)

    @property
    def nbytes(self) -> int:
        return sum(a.itemsize * a.buffer_info()[1] for a in (self.fp, self.parent, self.via))

    def _arrays(self) -> tuple[tuple[array, np.dtype], ...]:
        return tuple((a, np.dtype(a.typecode)) for a in (self.fp, self.parent, self.via))

    def extend(self, fps: np.ndarray, parents: np.ndarray, via: np.ndarray) -> None:
        for name, values in (("fp", fps), ("parent", parents), ("via", via)):
            a = getattr(self, name)
            if a.typecode in WIDER and len(values) and int(values.max()) > np.iinfo(a.typecode).max:
                a = array(WIDER[a.typecode], a)
                setattr(self, name, a)
            a.frombytes(np.asarray(values, dtype=a.typecode).tobytes())

    def fps_from(self, first: int) -> np.ndarray:
        """The fingerprints of links first, first + 1, ... (a copy; first >= spilled)."""
        return np.frombuffer(self.fp, dtype=np.int64)[first - self.spilled :].copy()

    def via_from(self, first: int) -> np.ndarray:
        """The actions of links first, first + 1, ... (a copy)."""
        return np.frombuffer(self.via, dtype=self.via.typecode)[first - self.spilled :].astype(np.int16)

    def keep_from(self, first: int, keep: np.ndarray) -> np.ndarray:
        """Keep only the links first + i where keep[i]; the actions of those dropped."""
        first -= self.spilled
        lost = np.frombuffer(self.via, dtype=self.via.typecode)[first:][~keep].astype(np.int16)
        for a, dtype in self._arrays():
            tail = np.frombuffer(a, dtype=dtype)[first:][keep]  # a copy: the array may be resized
            del a[first:]
            a.frombytes(tail.tobytes())
        return lost

    def get(self, local: int) -> tuple[int, int, int]:
        if local < self.spilled:
            assert self.disk is not None
            return self.disk.get(local)
        local -= self.spilled
        return self.fp[local], self.parent[local], self.via[local]

    def _here(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of the links in memory up to link n, widened to int64, int64, int16."""
        return tuple(  # type: ignore[return-value]
            np.frombuffer(a, dtype=dtype)[: max(n - self.spilled, 0)].astype(wide)
            for (a, dtype), wide in zip(self._arrays(), (np.int64, np.int64, np.int16))
        )

    def snapshot(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of the first n links: fingerprints, parents (int64), actions."""
        here = self._here(n)
        if self.disk is None:
            return here  # type: ignore[return-value]
        there = self.disk.read(min(n, self.spilled))
        return tuple(np.concatenate([a, b]) for a, b in zip(there, here))  # type: ignore[return-value]

    def spill_to(self, disk: SpilledLinks) -> None:
        """Move every link to the end of `disk` (they are settled: none is dropped any more)."""
        disk.append(*self._here(len(self)))
        self.spilled += len(self.fp)
        self.disk = disk
        for a in (self.fp, self.parent, self.via):
            del a[:]

    @classmethod
    def restore(cls, fps: np.ndarray, parents: np.ndarray, via: np.ndarray) -> Links:
        links = cls()
        links.extend(fps, parents, via)
        return links


class Raw(Sequence):
    """States of `width` bytes each, in one buffer (the native engine's
    states): state i is data[i * width : (i + 1) * width]."""

    def __init__(self, data: bytes, width: int) -> None:
        self.data, self.width = data, width

    def __len__(self) -> int:
        return len(self.data) // self.width

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        i %= n
        return self.data[i * self.width : (i + 1) * self.width]

    def __iter__(self) -> Iterator[bytes]:
        data, w = self.data, self.width
        return (data[i : i + w] for i in range(0, len(data), w))

    def take(self, idx: list[int]) -> list[bytes]:
        """The states at positions idx."""
        data, w = self.data, self.width
        return [data[i * w : i * w + w] for i in idx]

    def masked(self, mask: np.ndarray) -> Raw:
        """The states where mask is True."""
        rows = np.frombuffer(self.data, dtype=np.uint8).reshape(-1, self.width)
        return Raw(rows[mask].tobytes(), self.width)


class Frontier:
    """The states of one level, in order, in blocks of up to BLOCK states:
    pickled (20-60 bytes a state instead of 150-300 as tuples, and each
    block comes back as fresh, contiguous objects when it is expanded), or,
    for states that are bytes of one `width` (the native engine), the bytes
    themselves, which a block gives back as one buffer (`Raw`).

    With several partitions, some states are dropped after they were stored
    (another partition found them first) and runs of states move between
    partitions (partition.py `settle`): a block then carries a keep mask,
    and a frontier is sliced and joined block by block, so only the blocks
    at the ends of a slice are decoded.
    """

    def __init__(self, sink: BlockFile | None = None, width: int = 0) -> None:
        self.sink = sink  # blocks go to this file (spill.py), not to memory
        self.width = width  # > 0: raw blocks of states of this many bytes
        self.blocks: list[Any] = []  # bytes, or the DiskBlock the sink gave for them
        self.masks: list[np.ndarray | None] = []  # per block: which of its states are kept (None: all)
        self.sizes: list[int] = []  # per block: states kept
        self.tail: list = []  # the last, partial block
        self.size = 0

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        return sum(len(b) for b in self.blocks if type(b) is bytes)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a run passed to another process): blocks on disk travel as bytes."""
        state = dict(self.__dict__, sink=None)
        state["blocks"] = [_blob(b) for b in self.blocks]
        return state

    def extend(self, states: list) -> None:
        tail = self.tail
        tail += states
        while len(tail) >= BLOCK:
            self._append_block(tail[:BLOCK])
            del tail[:BLOCK]
        self.size += len(states)

    def extend_raw(self, data: bytes) -> None:
        """Append states given as one buffer (width > 0): whole blocks are
        cut from it directly, without an object per state."""
        w = self.width
        n = len(data) // w
        i = min(n, (BLOCK - len(self.tail)) % BLOCK)  # first fill the tail up
        self.extend(Raw(data[: i * w], w).take(list(range(i))))
        whole = (n - i) // BLOCK
        if whole and self.sink is None:  # many blocks at once
            step = BLOCK * w
            self.blocks += [data[j : j + step] for j in range(i * w, (i + whole * BLOCK) * w, step)]
            self.masks += [None] * whole
            self.sizes += [BLOCK] * whole
            self.size += whole * BLOCK
            i += whole * BLOCK
        while n - i >= BLOCK:
            self._append_block(Raw(data[i * w : (i + BLOCK) * w], w))
            self.size += BLOCK
            i += BLOCK
        self.extend(Raw(data[i * w :], w).take(list(range(n - i))))

    def _encode(self, states: list) -> bytes:
        if self.width:
            return states.data if isinstance(states, Raw) else b"".join(states)
        return pickle.dumps(states, pickle.HIGHEST_PROTOCOL)

    def _decode(self, block: Any, mask: np.ndarray | None) -> Sequence:
        """A block's states (written by this class in the search, never read from outside)."""
        if self.width:
            raw = Raw(_blob(block), self.width)
            return raw if mask is None else raw.masked(mask)
        states = pickle.loads(_blob(block))
        return states if mask is None else list(compress(states, mask))

    def _append_block(self, states: list, mask: np.ndarray | None = None, blob: bytes | None = None) -> None:
        if blob is None:
            blob = self._encode(states)
            if self.sink is not None:
                blob = self.sink.write(blob)
        self.blocks.append(blob)
        self.masks.append(mask)
        self.sizes.append(len(states) if mask is None else int(np.count_nonzero(mask)))

    @classmethod
    def of(cls, states: list, width: int = 0) -> Frontier:
        frontier = cls(width=width)
        frontier.extend(states)
        return frontier

    def states(self) -> list:
        """Every state, in order (a checkpoint writes them)."""
        return [s for chunk in self.chunks() for s in chunk]

    def chunks(self) -> Iterator[Sequence]:
        """The states, BLOCK at a time (the last chunk may be shorter),
        whatever the blocks: where the chunks of a run begin depends on its
        states alone, not on which states a partition dropped after storing
        them or where pieces were cut, so a run stopped by a violation counts
        the same states expanded (search.py) with processes or threads,
        spilled or not."""
        if self.width:
            for data, _ in self.groups(1):
                yield Raw(bytes(data), self.width)
            return
        pending: list = []
        for block, mask in zip(self.blocks, self.masks):
            pending += self._decode(block, mask)
            while len(pending) >= BLOCK:
                yield pending[:BLOCK]
                del pending[:BLOCK]
        pending += self.tail
        for i in range(0, len(pending), BLOCK):
            yield pending[i : i + BLOCK]

    def groups(self, count: int) -> Iterator[tuple[bytes | memoryview, list[int]]]:
        """The states (width > 0) `count` chunks at a time (as `chunks`, of
        BLOCK states; the last group may be shorter): their bytes as one
        buffer (a view into a larger one where blocks did not line up with
        the chunks), and the states of each chunk."""
        w, want = self.width, count * BLOCK
        pending: list[bytes | memoryview] = []
        have = 0
        for block, mask in zip(self.blocks, self.masks):
            data = _blob(block)
            pending.append(data if mask is None else Raw(data, w).masked(mask).data)
            have += len(pending[-1]) // w
            if have >= want:
                buf = b"".join(pending)
                if have == want:
                    yield buf, [BLOCK] * count
                    pending, have = [], 0
                    continue
                view, at = memoryview(buf), 0
                while have >= want:
                    yield view[at : at + want * w], [BLOCK] * count
                    at, have = at + want * w, have - want
                pending = [view[at:]] if have else []
        if self.tail:
            pending.append(b"".join(self.tail))
            have += len(self.tail)
        if have:
            yield b"".join(pending), [BLOCK] * (have // BLOCK) + ([have % BLOCK] if have % BLOCK else [])

    def keep(self, keep: np.ndarray) -> None:
        """Drop the states where `keep` is False (one flag per state; no mask set yet)."""
        assert len(keep) == self.size and all(m is None for m in self.masks)
        full = len(self.blocks) * BLOCK
        for i in np.unique(np.flatnonzero(~keep[:full]) // BLOCK).tolist():
            mask = keep[i * BLOCK : (i + 1) * BLOCK].copy()
            self.masks[i], self.sizes[i] = mask, int(np.count_nonzero(mask))
        self.tail = list(compress(self.tail, keep[full:]))
        self.size = int(np.count_nonzero(keep))

    def slice(self, lo: int, hi: int) -> Frontier:
        """States lo .. hi - 1 as a frontier: whole blocks are shared, the two
        at the ends are cut (decoded and encoded again)."""
        out = Frontier(width=self.width)
        if lo <= 0 and hi >= self.size:  # all of it (one partition's next level): the blocks are shared
            out.blocks, out.masks, out.sizes = list(self.blocks), list(self.masks), list(self.sizes)
            out.size = self.size - len(self.tail)
            out._add_loose(self.tail)
            return out
        start = 0
        for block, mask, size in zip(self.blocks, self.masks, self.sizes):
            end = start + size
            if lo <= start and end <= hi:
                out.blocks.append(block)
                out.masks.append(mask)
                out.sizes.append(size)
                out.size += size
            elif start < hi and lo < end:
                out._add_loose(self._decode(block, mask)[max(lo - start, 0) : hi - start])
            start = end
        if start < hi and lo < start + len(self.tail):
            out._add_loose(self.tail[max(lo - start, 0) : hi - start])
        return out

    def _add_loose(self, states: list) -> None:
        """Append states as a block of their own (a cut end of a slice)."""
        if states:
            self._append_block(states)
            self.size += len(states)

    @classmethod
    def join(cls, parts: list[Frontier], width: int = 0) -> Frontier:
        """The states of parts, in order."""
        out = cls(width=parts[0].width if parts else width)
        for part in parts:
            out.blocks += part.blocks
            out.masks += part.masks
            out.sizes += part.sizes
            out.size += part.size - len(part.tail)
            out._add_loose(part.tail)
        return out


def _blob(block: Any) -> bytes:
    """A frontier block's bytes, read back from disk if it was spilled."""
    return block if type(block) is bytes else block.read()


class StateStore:
    """Every stored state itself, in discovery order, with its links.

    Only temporal properties need it (liveness.py rebuilds the state graph
    from it); the search fills it when the model has some, and then runs in
    one partition so that ids are indices.
    """

    def __init__(self, states: list[tuple], links: Links) -> None:
        self.states = states
        self.fp = links.fp
        self.parent = links.parent
        self.via = links.via

    def __len__(self) -> int:
        return len(self.states)

    def path(self, i: int) -> list[int]:
        """Indices of the states from an initial state to state i."""
        out = []
        while i >= 0:
            out.append(i)
            i = self.parent[i]
        out.reverse()
        return out
