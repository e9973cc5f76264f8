"""Compile generated C with cffi (out-of-line API mode) and cache the result.

cffi writes the extension module's C (its wrappers around the declarations);
the generated code is compiled beside it as a second translation unit, at the
same time, and the two are linked (`RECIPE`). The compiler is run directly
with exactly FLAGS, so that the cache key names everything that went into
the library.

A compiled module is cached in a per-user directory (`$XDG_CACHE_HOME/specpy/
native`, else `~/.cache/specpy/native`), created with mode 0700 and refused
if another user owns it or others may write to it. The module's name is
`_specpy_<key>`, where key is the SHA-256 of the generated C, the cffi
declarations, the compiler's identity (its path and `--version` line), the
flags, the build recipe, the cffi version and the Python ABI tag: a module is only ever loaded
under the key of the source it was compiled from, so a stale or foreign file
with another name is never picked up, and a library is compiled once per
distinct spec/compiler/flags. A module is written to a temporary directory
inside the cache and moved into place (atomic), so concurrent runs are safe.

A run whose library is cached is part of every small check's start-up, so it
imports no cffi builder (the library needs `_cffi_backend` only) and starts no
process: the compiler's `--version` line is remembered in the same directory
(`cc-<hash>.txt`), keyed by the resolved binary's path, device, inode, size
and modification time, and asked again only when the binary changed.

The compiler is the one Python's build tools use: `$CC`, else sysconfig's
CC. None found is `NoCompiler` (the CLI's exit 151 under `--backend native`,
and a fallback to the Python backend by default).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import shlex
import stat
import sys
import sysconfig
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

FLAGS = ("-O2",)
#: How a library is made from the C (see _build), part of the cache key: a library built
#: another way is never loaded for this one.
RECIPE = "model.o + cffi wrappers.o, linked"


class NoCompiler(Exception):
    """The native backend cannot be built here (no cffi, no C compiler, no cache directory)."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    d = Path(base) / "specpy" / "native"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = d.stat()
    if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise NoCompiler(f"the cache directory {d} is not private to this user (it must be owned by you, mode 0700)")
    return d


@cache
def compiler() -> tuple[str, str]:
    """(the compiler command, its identity for the cache key)."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    words = shlex.split(cc)
    path = executable(words[0]) if words else None
    if path is None:
        raise NoCompiler(f"no C compiler found (looked for {words[0] if words else 'cc'!r}; set CC or install gcc)")
    return cc, f"{path} {' '.join(words[1:])} {version_line(path)}"


def executable(name: str) -> str | None:
    """Where `name` runs from, as `shutil.which` finds it on POSIX (a name with a slash as
    given, else the first executable file of that name on $PATH); shutil itself imports its
    archive modules (bz2, lzma), which every run would pay for one lookup."""
    dirs = [""] if os.sep in name else os.get_exec_path()
    for d in dirs:
        path = os.path.join(d, name)
        if os.access(path, os.X_OK) and not os.path.isdir(path):
            return path
    return None


def version_line(path: str) -> str:
    """The first line of `path --version`, run only when the compiler's binary changed: the line
    is remembered in the cache directory under the resolved binary's path, device, inode, size
    and modification time, so a run whose library is cached starts no process."""
    binary = os.path.realpath(path)
    try:
        st = os.stat(binary)
    except OSError as exc:
        raise NoCompiler(f"the C compiler {path} does not run: {exc}") from None
    stamp = f"{binary}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}"
    remembered = cache_dir() / f"cc-{hashlib.sha256(stamp.encode('utf-8', 'surrogateescape')).hexdigest()}.txt"
    try:
        return remembered.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    import subprocess

    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise NoCompiler(f"the C compiler {path} does not run: {exc}") from None
    line = version.splitlines()[0] if version else ""
    partial = remembered.with_name(f"{remembered.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(line, encoding="utf-8")
        os.replace(partial, remembered)  # atomic: a concurrent run reads the whole line or none
    except OSError:
        partial.unlink(missing_ok=True)
    return line


def module_key(source: str, cdef: str) -> str:
    """The SHA-256 naming the library of `source`: everything that goes into it. cffi's version
    is its C backend's (`_cffi_backend.__version__`, the same string as `cffi.__version__`), so a
    cached library loads without importing cffi's builder."""
    import _cffi_backend

    _, identity = compiler()
    h = hashlib.sha256()
    for part in (source, cdef, identity, " ".join(FLAGS), RECIPE, _cffi_backend.__version__, sys.implementation.cache_tag):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def load(source: str, cdef: str) -> ModuleType:
    """The compiled cffi module of `source` (its `.lib` and `.ffi`), from the cache or freshly built.
    A cached library is loaded with Python's extension loader alone (it needs `_cffi_backend`,
    not the cffi package); cffi's builder is imported only to build one."""
    try:
        key = module_key(source, cdef)
    except ImportError:
        raise NoCompiler("cffi is not installed (pip install 'specpy-mc[native]')") from None
    name = f"_specpy_{key}"
    directory = cache_dir()
    target = directory / (name + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    if not target.exists():
        _build(name, source, cdef, target)
    loader = importlib.machinery.ExtensionFileLoader(name, str(target))
    spec = importlib.machinery.ModuleSpec(name, loader, origin=str(target))
    module = loader.create_module(spec)
    loader.exec_module(module)
    return module


def _build(name: str, source: str, cdef: str, target: Path) -> None:
    """Compile `source` into the library `target`, written beside it and moved into place.

    Two translation units are compiled at once, then linked: the generated C
    on its own (no Python.h: nearly all of the compiler's work), started
    first, and cffi's module, whose C (its wrappers around the declarations in
    `cdef`) cffi writes while the first compiles; on two idle cores the
    library is ready when the generated C is."""
    import shutil
    import tempfile

    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        raise NoCompiler(f"Python's C headers are not installed (no {include}/Python.h; e.g. apt-get install python3-dev)")
    work = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
    try:
        model, wrappers = work / "model.c", work / f"{name}.c"
        objects = [work / "model.o", work / "wrappers.o"]
        model.write_text(source, encoding="utf-8")
        with Compilers() as compilers:
            compilers.start([*FLAGS, "-fPIC", "-fvisibility=hidden", "-c", str(model), "-o", str(objects[0])])
            _emit_wrappers(name, cdef, wrappers)
            compilers.start([*FLAGS, "-fPIC", "-I", include, "-c", str(wrappers), "-o", str(objects[1])])
            compilers.wait()
        link = ["-undefined", "dynamic_lookup"] if sys.platform == "darwin" else []
        built = work / target.name
        with Compilers() as linker:
            linker.start(["-shared", *link, *map(str, objects), "-o", str(built)])
            linker.wait()
        os.replace(built, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _emit_wrappers(name: str, cdef: str, path: Path) -> None:
    """cffi's C for the module `name`: its wrappers around the declarations in `cdef`."""
    import contextlib
    import io

    try:
        import cffi
    except ImportError:
        raise NoCompiler("cffi is not installed (pip install 'specpy-mc[native]')") from None
    builder = cffi.FFI()
    builder.cdef(cdef)
    builder.set_source(name, "#include <stdint.h>\n" + cdef)
    with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <file>"
        builder.emit_c_code(str(path))


class Compilers:
    """Compiler processes started one by one (argument lists, no shell) and waited for
    together; the first failure is NoCompiler with the compiler's first error line. Leaving
    the block early (an error, a timeout, Ctrl-C or SIGTERM) leaves no compiler running."""

    def __init__(self) -> None:
        cc, _ = compiler()
        words = shlex.split(cc)
        self.command = [executable(words[0]) or words[0], *words[1:]]
        self.running: list[Any] = []

    def __enter__(self) -> Compilers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for process in self.running:
            if process.poll() is None:
                process.kill()
                process.wait()

    def start(self, args: list[str]) -> None:
        import subprocess

        try:
            self.running.append(subprocess.Popen([*self.command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        except OSError as exc:
            raise NoCompiler(f"the C compiler did not run: {exc}") from None

    def wait(self) -> None:
        import subprocess

        failures = []
        for process in self.running:
            try:
                _, stderr = process.communicate(timeout=600)
            except subprocess.TimeoutExpired:
                failures.append("it ran for more than 600 s")
                continue
            if process.returncode != 0:
                errors = [line for line in stderr.splitlines() if ": error" in line]
                failures.append(errors[0].strip()[:300] if errors else stderr.strip()[-300:])
        if failures:
            raise NoCompiler(f"the C compiler failed on the generated code: {failures[0]}")
