"""Checkpoints of the explicit search (`--checkpoint DIR`) and resuming (`--resume DIR`).

The search is level-synchronous, so the end of a level (after the new states
are ranked) is a consistent point: the coordinator's counters and every
partition's links and frontier describe the same set of explored states.
The search records that point (`SearchPoint`) at every boundary and every
partition keeps its own (`Partition.snapshot`), so a checkpoint can be
written even in the middle of a level (Ctrl-C, a limit): it is the last
boundary, and resuming repeats the interrupted level.

Layout of DIR:

    CURRENT              the name of the complete checkpoint, e.g. "ckpt-000003"
    ckpt-000003/
      manifest.json      format, specpy version, model and options digests,
                         the search counters, per partition its counters and
                         the SHA-256 of each of its files
      p0-fps.npy ...     per partition p: fps, parents, via (the links of the
                         stored states), ranks, coverage and frontier (the
                         states of the next level, flat_values.py), numpy
                         .npy files read with allow_pickle=False
    LOCK                 held (flock) by the run writing DIR

Atomicity: a checkpoint is written into a fresh `.tmp-*` directory, every
file fsynced, renamed to `ckpt-N`, and only then CURRENT is replaced (write
a temporary file, fsync, rename) to name it; older checkpoints are removed
after. A run killed at any moment leaves CURRENT naming a complete
checkpoint (or no CURRENT at all before the first one).

A checkpoint directory is input like a spec: `load` validates the manifest
and every array (names, SHA-256, dtypes, lengths, frontier fingerprints)
and reports anything wrong as a CheckpointError (exit 151); nothing in it is
unpickled or evaluated.

Resuming is refused (CheckpointError) unless the model and the options that
shape the state space are those the checkpoint was written with: the model
digest covers the spec text, the constants and the types after overrides;
the options are deadlock checking, symmetry and --depth; a checkpoint of N
partitions resumes with any number of them (repartition.py renumbers). --max-states, --timeout, --memory-limit and
the checkpoint settings may change. The frontier holds the Python backend's
values whichever backend wrote it; the fingerprints are those of the backend
that wrote it (the manifest says which: `fingerprints`), and only that
backend resumes it. The native engine's are hashes of a state's bytes. The
Python backend's are Python hashes of states, equal in every process: internal values are ints, bools, tuples,
frozensets and the float that encodes `none` (state.py, OptionCodec), whose
hashes depend on their values alone. Checkpoints of formats 1 and 2 encoded
`none` as None, whose hash is its address, and are refused.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import numpy as np

from specpy import __version__
from specpy.explicit import flat_values
from specpy.explicit.partition import PartitionSnapshot
from specpy.explicit.store import fingerprints
from specpy.explicit.symmetry import reduced_types
from specpy.ir.model import Model
from specpy.ir.values import format_value
from specpy.nodeclass import nodeclass
from specpy.options import CheckOptions, OptionError

#: 2: workers split levels into runs (frontier_ids); 3: `none` is the float NONE,
#: no longer None, whose hash differed between processes (state.py, OptionCodec).
FORMAT = 3
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
CHECKPOINT_NAME = re.compile(r"ckpt-\d{6}")
TEMPORARY_NAME = re.compile(r"\.tmp-\d+-\d{6}")
PARTITION_FILE = re.compile(r"p\d+-[a-z_]+\.npy")
MAX_MANIFEST_BYTES = 16 << 20
#: The arrays of a partition: file suffix, dtype, dimensions.
ARRAYS = {
    "fps": (np.int64, 1),
    "parents": (np.int64, 1),
    "via": (np.int16, 1),
    "ranks": (np.int64, 1),
    "coverage": (np.int64, 2),
    "frontier": (np.int64, 1),
    "frontier_ids": (np.int64, 1),
}


class CheckpointError(OptionError):
    """A checkpoint that cannot be written or resumed from (exit 151); the message says why."""


@nodeclass(frozen=False)
class SearchPoint:
    """The coordinator's counters at a level boundary; `level` is the next one to expand."""

    level: int
    stored: int
    queued: int
    init_generated: int
    generated: int
    depth: int
    coverage: np.ndarray
    seconds: float


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the search passes a level boundary,
    so that an interrupt never finds the partitions and the counters at
    different levels; a signal that arrives meanwhile is delivered after."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ------------------------------------------------------------ what a checkpoint is for


def model_digest(model: Model) -> str:
    """SHA-256 over the spec text, the constants and the types (after overrides)."""
    h = hashlib.sha256()
    for part in (
        model.source.text,
        *(f"const {name} = {format_value(v)}" for name, v in sorted(model.constants.items())),
        *(f"type {name} = {t!r}" for name, t in sorted(model.types.items())),
    ):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def shaping_options(options: CheckOptions, parts: int, fingerprints: str = "python") -> dict[str, Any]:
    """The options that shape the explored state space (and the state ids), as
    recorded in a checkpoint; `fingerprints`: the backend whose fingerprints
    the checkpoint holds ("python" or "native": they differ, and a table of
    fingerprints cannot be turned into the other kind without the states)."""
    return {
        "check_deadlock": options.check_deadlock,
        "symmetry": options.symmetry,
        "max_depth": options.max_depth,
        "partitions": parts,
        "fingerprints": fingerprints,
        "representatives": REPRESENTATIVES,
    }


OPTION_FLAGS = {
    "check_deadlock": lambda v: "" if v else "--no-deadlock",
    "symmetry": lambda v: "" if v else "--no-symmetry",
    "max_depth": lambda v: f"--depth {v}" if v is not None else "",
    "partitions": lambda v: f"--workers {v}",
    "fingerprints": lambda v: f"--backend {v}",
    "representatives": lambda v: "",
}

#: Which member of each orbit symmetry reduction stores (explicit/symmetry.py):
#: the smallest candidate in value order, in both backends. Checkpoints from
#: before it was recorded kept other members, so a resumed symmetric run
#: would count some orbits twice.
REPRESENTATIVES = "value order"


# ------------------------------------------------------------ writing


def write_partition(snap: PartitionSnapshot, directory: str | Path, part: int) -> dict[str, Any]:
    """Write one partition's arrays into `directory`; returns its manifest entry."""
    frontier, count = flat_values.encode(snap.frontier)
    arrays = {
        "fps": snap.fps,
        "parents": snap.parents,
        "via": snap.via,
        "ranks": snap.ranks,
        "coverage": snap.coverage,
        "frontier": frontier,
        "frontier_ids": snap.frontier_ids,
    }
    files = {}
    for name, array in arrays.items():
        path = Path(directory) / f"p{part}-{name}.npy"
        with open(path, "wb") as f:
            np.save(f, np.ascontiguousarray(array, dtype=ARRAYS[name][0]), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        files[name] = _sha256(path)
    return {
        "boundary": snap.boundary,
        "stored": len(snap.fps),
        "frontier": count,
        "generated": snap.generated,
        "files": files,
    }


class Checkpointer:
    """Writes the checkpoints of one run into one directory, at most every `interval` seconds."""

    def __init__(
        self, directory: str, interval: float, model: Model, options: CheckOptions, parts: int, resuming: bool = False,
        fingerprints: str = "python",
    ) -> None:
        self.dir = Path(directory)
        self.parts = parts
        self.fingerprints = fingerprints  # the backend whose fingerprints the search stores
        self.interval = interval
        self.model = model
        self.options = options
        self.next_due = time.monotonic() + interval
        self.saved_level: int | None = None
        self.last_saved: Path | None = None
        if resuming and not self.dir.is_dir():
            raise CheckpointError(f"--resume {directory}: no such directory")
        if not resuming:
            _refuse_another_models_checkpoint(self.dir, model)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.dir / "LOCK", "w")
        except OSError as exc:
            raise CheckpointError(f"--checkpoint {directory}: cannot write there: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise CheckpointError(f"--checkpoint {directory}: another specpy run is writing checkpoints there") from None

    def close(self) -> None:
        """Let another run write here (releases the lock)."""
        self._lock.close()

    def due(self) -> bool:
        return time.monotonic() >= self.next_due

    def save(self, point: SearchPoint, save_parts: Callable[[Path], list[dict[str, Any]]]) -> Path:
        """Write the checkpoint of `point`; `save_parts` writes the partitions into a directory."""
        try:
            return self._save(point, save_parts)
        except OSError as exc:
            raise CheckpointError(f"--checkpoint {self.dir}: cannot write a checkpoint: {exc.strerror or exc}") from None

    def _save(self, point: SearchPoint, save_parts: Callable[[Path], list[dict[str, Any]]]) -> Path:
        import json  # json and shutil only when a checkpoint is written: not on every run's start-up
        import shutil

        seq = 1 + max((int(p.name[5:]) for p in self.dir.iterdir() if CHECKPOINT_NAME.fullmatch(p.name)), default=0)
        tmp = self.dir / f".tmp-{os.getpid()}-{seq:06d}"
        tmp.mkdir()
        parts = save_parts(tmp)
        boundaries = {p["boundary"] for p in parts}
        if boundaries != {point.level}:
            raise AssertionError(f"partitions at boundaries {sorted(boundaries)}, the search at {point.level}")
        manifest = {
            "format": FORMAT,
            "specpy": __version__,
            "spec": self.model.source.path,
            "model_sha256": model_digest(self.model),
            "options": shaping_options(self.options, self.parts, self.fingerprints),
            "search": {
                "level": point.level,
                "stored": point.stored,
                "queued": point.queued,
                "init_generated": point.init_generated,
                "generated": point.generated,
                "depth": point.depth,
                "seconds": round(point.seconds, 3),
                "coverage": point.coverage.tolist(),
            },
            "partitions": parts,
        }
        manifest["manifest_sha256"] = _manifest_digest(manifest)
        _write_synced(tmp / MANIFEST, json.dumps(manifest, indent=1).encode())
        _fsync_dir(tmp)
        final = self.dir / f"ckpt-{seq:06d}"
        os.rename(tmp, final)
        _fsync_dir(self.dir)
        _write_synced(self.dir / f".{CURRENT}.tmp", final.name.encode())
        os.replace(self.dir / f".{CURRENT}.tmp", self.dir / CURRENT)
        _fsync_dir(self.dir)
        for old in self.dir.iterdir():
            if old != final and _made_by_specpy(old):
                shutil.rmtree(old, ignore_errors=True)
        self.saved_level = point.level
        self.last_saved = final
        self.next_due = time.monotonic() + self.interval
        return final


def _made_by_specpy(path: Path) -> bool:
    """A checkpoint or temporary directory as specpy writes them: the name and
    every file in it are specpy's (a user's own `ckpt-000009/` is left alone)."""
    if not (CHECKPOINT_NAME.fullmatch(path.name) or TEMPORARY_NAME.fullmatch(path.name)):
        return False
    if path.is_symlink() or not path.is_dir():
        return False
    return all(name == MANIFEST or PARTITION_FILE.fullmatch(name) for name in os.listdir(path))


def _refuse_another_models_checkpoint(directory: Path, model: Model) -> None:
    """A fresh `--checkpoint DIR` may not replace the checkpoint of another model."""
    try:
        name = _read_regular(directory / CURRENT, 64).decode("ascii").strip()
        if not CHECKPOINT_NAME.fullmatch(name):
            raise ValueError(f"{CURRENT} does not name a checkpoint")
        manifest = _read_manifest(directory / name)
        spec, digest = manifest["spec"], manifest["model_sha256"]
        stored = manifest["search"]["stored"]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        raise CheckpointError(
            f"--checkpoint {directory}: holds a damaged checkpoint; remove it or choose another directory"
        ) from None
    if digest != model_digest(model):
        raise CheckpointError(
            f"--checkpoint {directory}: holds the checkpoint of another model ({spec}, {stored} states stored): "
            f"resume it with `specpy check --resume {directory} {spec}` (and the --const/--type it was run with), "
            "or remove the directory to start afresh"
        )


def _manifest_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest without its own digest (keys sorted): every counter is covered."""
    import json  # json and strict_json only when a checkpoint is written or read: not on every run's start-up

    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _read_manifest(checkpoint: Path) -> Any:
    """The JSON value of a checkpoint's manifest (strict_json's errors are ValueErrors)."""
    from specpy.trace import strict_json

    return strict_json.loads(_read_regular(checkpoint / MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))


def _open_regular(path: Path) -> int:
    """A descriptor of a regular file; a FIFO or device is refused without blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError(f"{path.name} is not a regular file")
    return fd


def _read_regular(path: Path, limit: int) -> bytes:
    with os.fdopen(_open_regular(path), "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path.name} is too large")
    return data


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with os.fdopen(_open_regular(path), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------ reading


def written_by(directory: str) -> str | None:
    """The backend whose fingerprints the checkpoint in `directory` holds, if
    it can be told at a glance (`load` reports anything wrong with it)."""
    try:
        name = _read_regular(Path(directory) / CURRENT, 64).decode("ascii").strip()
        if not CHECKPOINT_NAME.fullmatch(name):
            return None
        manifest = _read_manifest(Path(directory) / name)
        kind = manifest["options"].get("fingerprints", "python")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return kind if kind in ("python", "native") else None


def load(
    directory: str, model: Model, options: CheckOptions, parts: int, kind: str = "python",
    fingerprint: Callable[[list], np.ndarray] = fingerprints, actions: int | None = None,
) -> tuple[SearchPoint, list[PartitionSnapshot]]:
    """The checkpoint in `directory`, validated against the model and options
    of this run; `kind`: the backend resuming it, `fingerprint`: its
    fingerprints of states (the Python backend's values); `actions`: how many
    the search counts (the model's, then the steps of its `faults` block)."""
    d = Path(directory)

    def bad(why: str) -> CheckpointError:
        return CheckpointError(f"--resume {directory}: {why}")

    if not d.is_dir():
        raise bad("no such directory")
    try:
        name = _read_regular(d / CURRENT, 64).decode("ascii").strip()
    except (OSError, ValueError):
        raise bad(f"not a checkpoint directory (no readable {CURRENT} file; was the run stopped before its first checkpoint?)") from None
    if not CHECKPOINT_NAME.fullmatch(name):
        raise bad(f"corrupt checkpoint: {CURRENT} does not name a checkpoint")
    ckpt = d / name
    try:
        manifest = _read_manifest(ckpt)
    except (OSError, ValueError) as exc:
        raise bad(f"corrupt checkpoint: cannot read {name}/{MANIFEST} ({exc})") from None
    if isinstance(manifest, dict) and manifest.get("format") == FORMAT and (
        manifest.get("manifest_sha256") != _manifest_digest(manifest)
    ):
        raise bad(f"corrupt checkpoint: {name}/{MANIFEST} does not match its own SHA-256 (edited or damaged)")
    try:
        actions = len(model.actions) if actions is None else actions
        return _restore(manifest, ckpt, model, options, parts, bad, kind, fingerprint, actions)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise bad(f"corrupt checkpoint: {type(exc).__name__}: {exc}") from None


def _restore(
    manifest: Any, ckpt: Path, model: Model, options: CheckOptions, nparts: int, bad: Callable[[str], CheckpointError],
    kind: str, fingerprint: Callable[[list], np.ndarray], actions: int,
) -> tuple[SearchPoint, list[PartitionSnapshot]]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        written = manifest.get("format") if isinstance(manifest, dict) else None
        if type(written) is int and written < FORMAT:
            raise bad(
                f"checkpoint format {written} was written by an older specpy, whose fingerprints of optional "
                f"values differ from process to process; this specpy resumes format {FORMAT} only: "
                "run the check again without --resume"
            )
        raise bad(f"not a checkpoint of format {FORMAT} (written by another specpy version?)")
    if manifest["specpy"] != __version__:
        raise bad(f"written by specpy {manifest['specpy']}; this is specpy {__version__}")
    if manifest["model_sha256"] != model_digest(model):
        raise bad(
            f"the checkpoint is of another model: the spec text, its constants or types differ from those of "
            f"{manifest['spec']} when the checkpoint was written"
        )
    # The partition count is recorded but may change: the search repartitions (repartition.py).
    recorded, now = manifest["options"], shaping_options(options, nparts, kind)
    if isinstance(recorded, dict):  # older manifests lack the newer options
        if "representatives" not in recorded and options.symmetry and reduced_types(model):
            raise bad(
                "written by an older specpy, whose symmetry reduction stored other members of each orbit "
                "(resuming would count some states twice): run the check again without --resume"
            )
        # before the native backend: Python fingerprints; without symmetry the representatives do not matter
        recorded = {"fingerprints": "python", "representatives": REPRESENTATIVES, **recorded}
    now["partitions"] = recorded.get("partitions") if isinstance(recorded, dict) else None
    if recorded != now:
        changed = [k for k in now if recorded.get(k) != now[k]]
        then = " ".join(filter(None, (OPTION_FLAGS[k](recorded.get(k)) for k in changed)))
        raise bad(
            f"written with other options ({', '.join(changed)} differ); resume with the same "
            f"--no-deadlock, --no-symmetry, --depth and backend (there: {then or 'the defaults'})"
        )
    s = manifest["search"]
    entries = manifest["partitions"]
    if len(entries) != now["partitions"]:
        raise bad(f"corrupt checkpoint: {len(entries)} partitions stored, {now['partitions']} recorded")
    level = _int(s["level"], 1)
    snaps = [_read_partition(ckpt, p, e, level, actions) for p, e in enumerate(entries)]
    coverage = np.asarray(s["coverage"], dtype=np.int64)
    point = SearchPoint(
        level,
        _int(s["stored"]),
        _int(s["queued"]),
        _int(s["init_generated"]),
        _int(s["generated"]),
        _int(s["depth"]),
        coverage,
        _seconds(s["seconds"]),
    )
    if point.stored != sum(len(x.fps) for x in snaps) or point.queued != sum(len(x.frontier) for x in snaps):
        raise ValueError("the search counters do not match the partitions")
    if point.generated != point.init_generated + sum(x.generated for x in snaps) or point.depth > level:
        raise ValueError("the counts of generated states or the depth do not match the partitions")
    if (coverage < 0).any():
        raise ValueError("negative coverage counts")
    _check_frontiers(snaps, fingerprint)
    if coverage.shape != (actions, 3):
        raise ValueError("coverage has the wrong shape")
    return point, snaps


def _int(v: Any, least: int = 0) -> int:
    if type(v) is not int or v < least:
        raise ValueError(f"{v!r} is not an integer >= {least}")
    return v


def _seconds(v: Any) -> float:
    if type(v) not in (int, float) or not 0 <= v < 1e12:
        raise ValueError(f"{v!r} is not a number of seconds")
    return float(v)


def _read_partition(ckpt: Path, part: int, entry: dict, level: int, actions: int) -> PartitionSnapshot:
    if _int(entry["boundary"]) != level:
        raise ValueError(f"partition {part} is at another level")
    arrays = {}
    for name, (dtype, ndim) in ARRAYS.items():
        path = ckpt / f"p{part}-{name}.npy"
        if _sha256(path) != entry["files"][name]:
            raise ValueError(f"{path.name} does not match its SHA-256 in the manifest (damaged or partly written)")
        array = np.load(path, allow_pickle=False)
        if array.dtype != dtype or array.ndim != ndim:
            raise ValueError(f"{path.name} has dtype {array.dtype} and {array.ndim} dimensions")
        arrays[name] = array
    stored, nfrontier = _int(entry["stored"]), _int(entry["frontier"])
    fps, ranks, ids = arrays["fps"], arrays["ranks"], arrays["frontier_ids"]
    if not (len(fps) == len(arrays["parents"]) == len(arrays["via"]) == stored) or not (len(ranks) == len(ids) == nfrontier):
        raise ValueError(f"partition {part}: array lengths disagree")
    if (np.diff(ranks) != 1).any():
        raise ValueError(f"partition {part}: the ranks of its run are not consecutive")
    if (fps == 0).any() or len(np.unique(fps)) != stored:
        raise ValueError(f"partition {part}: fingerprints are not distinct and non-zero")
    frontier = flat_values.decode(arrays["frontier"], nfrontier)
    if arrays["coverage"].shape != (actions, 3) or ((arrays["via"] < -1) | (arrays["via"] >= actions)).any():
        raise ValueError(f"partition {part}: action indices out of range")
    if (arrays["parents"] < -1).any():
        raise ValueError(f"partition {part}: negative state ids")
    return PartitionSnapshot(
        level, fps, arrays["parents"], arrays["via"], frontier, ids, ranks, _int(entry["generated"]), arrays["coverage"]
    )


def _check_frontiers(snaps: list[PartitionSnapshot], fingerprint: Callable[[list], np.ndarray] = fingerprints) -> None:
    """Every frontier state is a stored state (of any partition) with the fingerprint stored for it."""
    parts = len(snaps)
    if len(np.unique(np.concatenate([x.fps for x in snaps]))) != sum(len(x.fps) for x in snaps):
        raise ValueError("two partitions store the same fingerprint")
    for part, x in enumerate(snaps):
        if not len(x.frontier):
            continue
        owner, local = x.frontier_ids % parts, x.frontier_ids // parts
        if (x.frontier_ids < 0).any() or any((local[owner == p] >= len(snaps[p].fps)).any() for p in range(parts)):
            raise ValueError(f"partition {part}: frontier ids out of range")
        recorded = np.empty(len(local), np.int64)
        for p in range(parts):
            at = owner == p
            recorded[at] = snaps[p].fps[local[at]]
        if not np.array_equal(fingerprint(x.frontier), recorded):
            raise ValueError(f"partition {part}: the frontier states do not have their recorded fingerprints")
