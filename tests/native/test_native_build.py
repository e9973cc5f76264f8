"""The compiled-module cache's start-up: a cached library loads without cffi's builder
(no `cffi`, no `pycparser`) and without starting a process; the compiler's `--version` line
is remembered per compiler binary and asked again only when that binary changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specpy.native import build

#: A stand-in compiler that counts how often it is asked its version.
FAKE_CC = """#!/bin/sh
echo run >> "{log}"
echo "fakecc {version}"
echo "second line"
"""


def fake_compiler(tmp_path: Path, version: str) -> Path:
    cc = tmp_path / "fakecc"
    cc.write_text(FAKE_CC.format(log=tmp_path / "runs.log", version=version))
    cc.chmod(0o755)
    return cc


def runs(tmp_path: Path) -> int:
    log = tmp_path / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def identity(monkeypatch: pytest.MonkeyPatch, cc: Path) -> str:
    monkeypatch.setenv("CC", str(cc))
    build.compiler.cache_clear()
    try:
        return build.compiler()[1]
    finally:
        build.compiler.cache_clear()


def test_the_version_runs_only_when_the_compiler_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc = fake_compiler(tmp_path, "1.0")
    assert identity(monkeypatch, cc) == f"{cc}  fakecc 1.0"
    assert runs(tmp_path) == 1
    assert identity(monkeypatch, cc) == f"{cc}  fakecc 1.0"  # remembered: no second run
    assert runs(tmp_path) == 1
    # An upgrade in place: same path, new contents (size) and time -> asked again.
    cc.write_text(FAKE_CC.format(log=tmp_path / "runs.log", version="2.0.1"))
    assert identity(monkeypatch, cc) == f"{cc}  fakecc 2.0.1"
    assert runs(tmp_path) == 2
    # Only the modification time changed (same size): asked again too.
    st = cc.stat()
    os.utime(cc, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    identity(monkeypatch, cc)
    assert runs(tmp_path) == 3


def test_a_symlinked_compiler_is_remembered_by_its_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two names of one binary share the remembered line; the key still names the path used."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc = fake_compiler(tmp_path, "3.0")
    link = tmp_path / "cc"
    link.symlink_to(cc)
    assert identity(monkeypatch, cc) == f"{cc}  fakecc 3.0"
    assert identity(monkeypatch, link) == f"{link}  fakecc 3.0"
    assert runs(tmp_path) == 1


def test_the_compiler_is_found_as_shutil_finds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cc = fake_compiler(tmp_path, "1.0")
    (tmp_path / "plain").write_text("not executable")
    (tmp_path / "dir").mkdir()
    monkeypatch.setenv("PATH", f"{tmp_path / 'dir'}:{tmp_path}:{os.environ['PATH']}")
    for name in ("fakecc", str(cc), "plain", "dir", "sh", "/bin/sh", "no-such-compiler", "./fakecc"):
        assert build.executable(name) == shutil.which(name), name
    assert build.executable("fakecc") == str(cc)


#: Run in a fresh interpreter: a one-state check on the native backend, recording every process
#: it starts (audit events) and whether cffi's Python package or pycparser were imported.
PROBE = """
import sys
spawned = []
sys.addaudithook(lambda event, args: spawned.append(event) if event in {events!r} else None)
from specpy.cli import main
try:
    main(["check", "--backend", "native", "--json", {spec!r}])
except SystemExit as exit:
    code = exit.code
print("PROBE", __import__("json").dumps({{"exit": code, "spawned": spawned,
      "imported": [m for m in ("cffi", "pycparser", "shutil") if m in sys.modules]}}))
"""
SPAWNING = ("subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.system")


def probe(spec: Path, env: dict[str, str]) -> dict:
    code = PROBE.format(events=SPAWNING, spec=str(spec))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300).stdout
    report = json.loads(out.split("PROBE ", 1)[1])
    report["backend"] = json.loads(out.split("PROBE ", 1)[0])["backend"]
    return report


def test_a_cached_library_loads_without_cffi_or_a_process(tmp_path: Path) -> None:
    spec = tmp_path / "one.spec"
    spec.write_text("spec One\nvar x: 0..1 = 0\naction Stay { x = x }\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = probe(spec, env)  # compiles: cffi's builder and the compiler run
    assert first["backend"] == "native" and first["exit"] == 0
    assert "cffi" in first["imported"] and "subprocess.Popen" in first["spawned"]
    again = probe(spec, env)
    assert again == {"exit": 0, "spawned": [], "imported": [], "backend": "native"}


#: A stand-in compiler for the build itself: each `-c` compile announces itself and waits
#: (up to 20 s) for the other one, so the build only succeeds when both run at once; the
#: link step (no `-c`) hands the work to the real compiler.
CONCURRENT_CC = """#!/bin/sh
case " $* " in
  *" -c "*)
    touch "{dir}/started.$$"
    i=0
    while [ "$(ls {dir} | grep -c '^started')" -lt 2 ]; do
      i=$((i + 1)); [ $i -gt 200 ] && {{ echo "compile ran alone: error: not concurrent" >&2; exit 1; }}
      sleep 0.1
    done
    exec {real} "$@" ;;
  *--version*) echo "concurrent-cc 1" ;;
  *) exec {real} "$@" ;;
esac
"""


def test_the_generated_c_and_cffis_wrappers_compile_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The two translation units are compiled concurrently (each waits for the other here:
    compiled one after the other, the first gives up) and the linked library runs."""
    import shutil

    real = shutil.which("cc") or shutil.which("gcc")
    assert real is not None
    marks = tmp_path / "marks"
    marks.mkdir()
    cc = tmp_path / "concurrentcc"
    cc.write_text(CONCURRENT_CC.format(dir=marks, real=real))
    cc.chmod(0o755)
    monkeypatch.setenv("CC", str(cc))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build.compiler.cache_clear()
    try:
        module = build.load("int sp_answer(void) { return 42; }\n", "int sp_answer(void);")
    finally:
        build.compiler.cache_clear()
    assert module.lib.sp_answer() == 42
    assert len(list(marks.iterdir())) == 2


def test_a_compile_error_is_no_compiler_with_its_first_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build.compiler.cache_clear()
    with pytest.raises(build.NoCompiler, match=r"failed on the generated code: .*model\.c:1:\d+: error: .undeclared_name. undeclared"):
        build.load("int sp_answer(void) { return undeclared_name; }\n", "int sp_answer(void);")
