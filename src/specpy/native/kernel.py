"""The native model: what the one search (explicit/search.py, partition.py)
calls instead of the Python backend's compiled model, with states as bytes.

The search core stays in Python and is shared: levels, partitions, workers,
checkpoints, limits, progress and Ctrl-C. Per chunk of the frontier it makes
one call, `expand_chunk`, which runs every action of every state in C and
returns the successors as one buffer (`Packed`), their fingerprints and the
per-(state, action) counts; the new ones among them are checked in one more
call (`check_new`). Python's work is per chunk, plus a bytes slice per new
state.

Evaluation errors: the C code only says which (state, action) failed (or
that a check raised); the search re-executes the step in the Python backend
(the `python` model below, on the state unpacked from its bytes... or rather
rebuilt by re-executing the trace from an initial state), which raises the
same failure with today's message. Initial states come from the Python
backend too, packed into the native layout.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from specpy.explicit.compile import CompiledModel
from specpy.explicit.runtime import EvalFailure
from specpy.explicit.store import FingerprintSet, Links, Raw, StateStore, fingerprints
from specpy.ir.model import Model
from specpy.native import build
from specpy.ir.types import AtomT, Type, type_name
from specpy.native.c_module import CDEF, generate_layout
from specpy.native.c_types import CAPACITY, CAPACITY_MAX, CapacityExceeded, NotNative
from specpy.nodeclass import nodeclass


class Packed(Raw):
    """Successor states in one buffer (state i is bytes [i * size, (i + 1) * size)), with fingerprints."""

    def __init__(self, data: bytes, size: int, fps: np.ndarray) -> None:
        super().__init__(data, size)
        self.fps = fps


@nodeclass(frozen=False)
class Run:
    """What one `NativeModel.run` call did (see sp_run in c_module.py)."""

    chunks: int  # chunks expanded and stored
    status: int  # segments.py's RUN_DONE, RUN_REPORT (chunk `chunks` has something to report) or RUN_FULL
    generated: int  # successors of those chunks
    needed: int  # RUN_FULL: the new states chunk `chunks` has
    filled: int  # the table's slots it filled (a state taken over from another segment fills none)
    states: bytes  # the new states, in order
    links: np.ndarray  # per new state: parent position in the call's states, action, position among the parent's successors
    fps: np.ndarray  # per new state: its fingerprint
    slots: np.ndarray  # per new state: its slot in the table (explicit/threads.py)


class NativeModel:
    """The search's view of a spec compiled to C; `python` is the same spec in the Python backend."""

    backend = "native"
    #: The fingerprint table's fill before it grows (store.py): C probes fast enough at 3/4.
    load = 0.75

    def __init__(
        self, model: Model, python: CompiledModel, capacities: dict[Type, int] | None = None, symmetric: tuple[AtomT, ...] = ()
    ) -> None:
        self.model = model
        self.python = python
        self.actions = python.actions
        self.capacities = dict(capacities or {})
        self.symmetric = symmetric  # states are canonicalised in C (c_symmetry.py)
        crash = model.faults is not None and model.faults.crash
        initial = python._initial_states() if crash else []
        while True:  # a constant may need a larger array than the default capacity
            try:
                self.source, self.layout = generate_layout(model, self.capacities, initial[0] if initial else None, symmetric)
                break
            except CapacityExceeded as exc:
                self.capacities = self.grown(exc)
        module = build.load(self.source, CDEF)
        self.ffi, self.lib = module.ffi, module.lib
        self.size = self.state_width = self.lib.sp_state_size()
        self.codecs = [self.layout.of(v.type) for v in model.vars]
        self.transitions = self._transitions if model.transitions else None
        self.constraint = self._constraint if model.constraints else None
        self.terminal = self._terminal if model.terminals else None
        self.invariants = self._invariants if model.invariants else None
        self.measures = [self._measure(k) for k in range(len(model.measures))]
        self._local = threading.local()  # each thread's context (sp_context): levels expand in threads

    @property
    def _cx(self):
        """This thread's buffers in C (successors, new states, scratch), made on first use."""
        cx = getattr(self._local, "cx", None)
        if cx is None:
            cx = self._local.cx = self.ffi.gc(self.lib.sp_context(), self.lib.sp_context_free)
        return cx

    def grown(self, exc: CapacityExceeded) -> dict[Type, int]:
        """The capacities with the array that overflowed made 4x larger
        (NotNative past CAPACITY_MAX: the spec then runs in Python)."""
        arr = self.layout.arrays[exc.index]
        if arr.cap >= CAPACITY_MAX:
            raise NotNative(f"a value of type {type_name(arr.ir)} needs more than {CAPACITY_MAX} distinct elements natively")
        out = dict(self.capacities)
        out[arr.ir] = min(CAPACITY_MAX, 4 * self.capacities.get(arr.ir, CAPACITY))
        return out

    def larger(self, exc: Exception):
        """For a run that raised exc: a function giving the capacities to
        start over with when an array overflowed (here or in a worker
        process, whose traceback names it); else exc is re-raised."""
        found = exc if isinstance(exc, CapacityExceeded) else CapacityExceeded.parse(str(exc))
        if found is None:
            raise exc
        return lambda: self.grown(found)

    def _raised(self) -> None:
        """After a native failure: CapacityExceeded if an array overflowed (else the failure is the spec's)."""
        k = self.lib.sp_overflowed()
        if k:
            raise CapacityExceeded(k - 1)

    def _failed(self) -> NoReturn:
        """A single-state check failed natively: CapacityExceeded, or EvalFailure (re-executed in Python)."""
        self._raised()
        raise EvalFailure(0, 0)

    # ------------------------------------------------------------ states

    def pack(self, state: tuple) -> bytes:
        """A Python backend state (explicit/state.py) in the native layout."""
        data = b"".join(c.pack(x) for c, x in zip(self.codecs, state))
        assert len(data) == self.size, "the Python and C layouts disagree"
        if self.symmetric:  # the orbit's native representative
            buf = self.ffi.new("char[]", data)
            self.lib.sp_canonical(buf)
            data = self.ffi.buffer(buf, self.size)[:]
        return data

    def unpack(self, data: bytes) -> tuple:
        out, off = [], 0
        for c in self.codecs:
            x, off = c.unpack(data, off)
            out.append(x)
        return tuple(out)

    def python_store(self, store: StateStore) -> StateStore:
        """The stored states as the Python backend's values, with its
        fingerprints (liveness.py works on those; links are unchanged). Under
        symmetry reduction they are already the Python backend's
        representatives (c_symmetry.py picks the same member of each orbit)."""
        states = [self.unpack(s) for s in store.states]
        parents = np.asarray(store.parent, dtype=np.int64)
        via = np.asarray(store.via, dtype=np.int16)
        return StateStore(states, Links.restore(fingerprints(states), parents, via))

    def fingerprints(self, states) -> np.ndarray:
        if isinstance(states, Packed):
            return states.fps
        fp = self.lib.sp_fingerprint
        return np.fromiter((fp(s) for s in states), dtype=np.int64, count=len(states))

    def fingerprint_of(self, state: tuple) -> int:
        """The fingerprint of a Python backend state (traces are rebuilt there)."""
        return int(self.lib.sp_fingerprint(self.pack(state)))

    # ------------------------------------------------------------ expansion

    def expand_chunk(self, chunk: Sequence[bytes]) -> tuple[Packed, np.ndarray, bool]:
        """As CompiledModel.expand_chunk: successors, ends (cut at a failure), failed."""
        nact = len(self.actions)
        ends = np.zeros(len(chunk) * nact, np.int64)
        failed = self.ffi.new("int64_t *")
        ffi, lib = self.ffi, self.lib
        data = chunk.data if isinstance(chunk, Raw) else b"".join(chunk)
        cx = self._cx
        n = lib.sp_expand(cx, data, len(chunk), self._ptr(ends), failed)
        data = ffi.buffer(lib.sp_out(cx), n * self.size)[:] if n else b""
        fps = np.frombuffer(ffi.buffer(lib.sp_fps(cx), 8 * n), dtype=np.int64).copy() if n else np.zeros(0, np.int64)
        at = failed[0]
        if at >= 0:
            self._raised()
            return Packed(data, self.size, fps), ends[:at], True
        return Packed(data, self.size, fps), ends, False

    def run(
        self, states: bytes | memoryview, sizes: list[int], table: FingerprintSet, room: np.ndarray, mark: int,
        deadlock: bool, coverage: np.ndarray,
    ) -> Run:
        """Expand, check and store consecutive chunks (`sizes[c]` states each,
        one after the other in `states`) in one C call until one has something
        to report or does not fit in `table` (sp_run): new fingerprints go into
        `table`, counts into coverage (actions x 3). `room` (one int64): the
        slots every caller may still fill, shared by threads that store at once;
        `mark`: -1 for one thread, else the segment (explicit/threads.py)."""
        ffi, lib = self.ffi, self.lib
        counts = np.array(sizes, np.int64)
        result = np.zeros(5, np.int64)
        assert coverage.flags.c_contiguous and coverage.dtype == np.int64
        ptr = self._ptr
        data = ffi.cast("char *", ffi.from_buffer(states))
        cx = self._cx
        n = lib.sp_run(
            cx, data, len(sizes), ptr(counts), ptr(table.table), table.bits, ptr(room), mark, deadlock, ptr(coverage), ptr(result),
        )
        states = ffi.buffer(lib.sp_new_states(cx), n * self.size)[:] if n else b""
        links = np.frombuffer(ffi.buffer(lib.sp_new_links(cx), 40 * n), np.int64).reshape(n, 5).copy() if n else np.zeros((0, 5), np.int64)
        fps, slots = (np.ascontiguousarray(links[:, c]) for c in (3, 4))  # threads.py hands them to C
        return Run(int(result[0]), int(result[1]), int(result[2]), int(result[3]), int(result[4]), states, links[:, :3], fps, slots)

    def unmark(self, table: FingerprintSet, fps: np.ndarray, slots: np.ndarray, mark: int) -> np.ndarray:
        """Which of the states segment `mark` claimed (at `slots`) stayed its
        own, their slots unmarked (sp_unmark; the others were taken over)."""
        held = np.zeros(len(fps), dtype=bool)
        ptr = self._ptr
        self.lib.sp_unmark(ptr(table.table), ptr(fps), ptr(slots), len(fps), mark, ptr(held.view(np.uint8), "uint8_t *"))
        return held

    def remark(self, table: FingerprintSet, fps: np.ndarray, slots: np.ndarray, mark: int, held: np.ndarray) -> None:
        """After `table` grew: the claims `unmark` found standing marked again, `slots` updated (sp_remark)."""
        ptr = self._ptr
        self.lib.sp_remark(ptr(table.table), table.bits, ptr(fps), ptr(slots), len(fps), mark, ptr(held.view(np.uint8), "uint8_t *"))

    def _ptr(self, array: np.ndarray, ctype: str = "int64_t *"):
        """A C pointer to a numpy array's data (which must stay alive meanwhile)."""
        return self.ffi.cast(ctype, self.ffi.from_buffer(array))

    def unseen(self, seen: FingerprintSet, fps: np.ndarray) -> np.ndarray:
        """As Partition._unseen with one table: positions of the fingerprints
        not in `seen`, each once (its first), in one C call."""
        fps = np.ascontiguousarray(fps, dtype=np.int64)
        out = np.empty(len(fps), np.int64)
        n = self.lib.sp_unseen(self._ptr(seen.table), seen.bits, self._ptr(fps), len(fps), self._ptr(out))
        return out[:n]

    @property
    def table_code(self) -> NativeModel:
        """store.TableCode: FingerprintSet's lookup and insertion in C (this model's `insert`, `rehash`, `contains`)."""
        return self

    def insert(self, table: np.ndarray, bits: int, fps: np.ndarray) -> None:
        fps = np.ascontiguousarray(fps, dtype=np.int64)
        self.lib.sp_insert(self._ptr(table), bits, self._ptr(fps), len(fps))

    def rehash(self, old: np.ndarray, table: np.ndarray, bits: int) -> None:
        self.lib.sp_rehash(self._ptr(np.ascontiguousarray(old)), len(old), self._ptr(table), bits)

    def contains(self, table: np.ndarray, bits: int, fps: np.ndarray) -> np.ndarray:
        fps = np.ascontiguousarray(fps, dtype=np.int64)
        out = np.empty(len(fps), np.uint8)
        self.lib.sp_contains(self._ptr(table), bits, self._ptr(fps), len(fps), self._ptr(out, "uint8_t *"))
        return out.view(bool)

    def verdicts(self, what: str, states: list[bytes]) -> tuple[np.ndarray, int]:
        """The invariants' first failing index (-1: none) or the constraints'
        truth for each state, up to the first state where they raise, and
        how many were evaluated: partition._verdicts in one C call."""
        out = np.empty(len(states), np.int64)
        n = self.lib.sp_many(0 if what == "invariants" else 1, b"".join(states), len(states), self._ptr(out))
        if n < len(states):
            self._raised()
        return out[:n], n

    # ------------------------------------------------------------ checks (EvalFailure: the search re-executes in Python)

    def _invariants(self, s: bytes) -> int:
        r = self.lib.sp_invariants(s)
        if r == -2:
            self._failed()
        return r

    def _constraint(self, s: bytes) -> bool:
        r = self.lib.sp_constraint(s)
        if r == -2:
            self._failed()
        return bool(r)

    def _terminal(self, s: bytes) -> bool:
        r = self.lib.sp_terminal(s)
        if r == -2:
            self._failed()
        return bool(r)

    def _measure(self, k: int):
        """The k-th measure as a function of a state (EvalFailure where it is undefined: measures.py)."""

        def value(s: bytes) -> int:
            out = self.ffi.new("int64_t *")  # per call: partitions may measure in threads
            if self.lib.sp_measure(k, s, out) == -2:
                self._failed()
            return out[0]

        return value

    def _transitions(self, s: bytes, t: bytes) -> int:
        r = self.lib.sp_transitions(s, t)
        if r == -2:
            self._failed()
        return r
