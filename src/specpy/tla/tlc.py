"""Run TLC on a .tla/.cfg pair and read its result (`specpy tlc`, `specpy crosscheck`).

The jar comes from `--jar`, else `$SPECPY_TLC_JAR`; without one, TlcSetupError
says how to get it. java is started with an argument list (never a shell
string), with `-tool` (machine-readable messages, see tlc_output.py),
`-noGenerateSpecTE` (no trace-exploration files beside the model) and a
temporary `-metadir`, so a run leaves nothing behind. TLC's exit code is
kept (TlcRun.exit_code, recorded for the corpus); `specpy tlc` exits with
it where specpy's table has the same row (the table was TLC's to begin
with) and maps the rest (`specpy_exit_code`): an error in the .cfg is 151,
TLC's evaluation failures 76/77 are 75, an ASSUME that fails (10) is 14,
and anything else (255: an unexpected exception) is 153.

Given the ModelInfo of the model (Exported.info; cli/tla.py model_info_for reads it
from an exported module's header), TLC's names and values are turned back
into the spec's (variants, bags, atoms), so TLC's trace renders exactly
like specpy's own; without it, TLC's values are read untyped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from specpy.ir.model import Model
from specpy.ir.types import Type
from specpy.result import (
    EXIT_ASSERT, EXIT_BAD_OPTION, EXIT_EVAL_ERROR, EXIT_LIMIT, EXIT_SYSTEM_ERROR, EXITS, CheckResult, ResultKind,
)
from specpy.tla.tlc_output import (
    ConfigError, Message, ModelInfo, SanyError, TlcOutput, config_error, sany_errors, split_messages, to_result,
)

JAR_ENV = "SPECPY_TLC_JAR"
JAR_HELP = (
    "TLC is needed: download tla2tools.jar (https://github.com/tlaplus/tlaplus/releases) and pass "
    f"--jar PATH or set {JAR_ENV}=PATH; java (17 or later) must be on PATH"
)


class TlcSetupError(Exception):
    """No jar, no java, or no .cfg: the run cannot start (exit 153 / 151)."""


@dataclass
class TlcRun:
    """One TLC run: its result as specpy's CheckResult, and what TLC itself said."""

    tla: Path
    result: CheckResult
    exit_code: int
    version: str | None
    output: TlcOutput
    sany: list[SanyError]
    config: ConfigError | None = None  # TLC's complaint about the .cfg (then no verdict)

    def specpy_exit_code(self) -> int:
        """The exit code of `specpy tlc` for this run: TLC's, mapped into specpy's table."""
        if self.config is not None:
            return EXIT_BAD_OPTION
        if self.exit_code in _SHARED_EXITS:
            return self.exit_code
        return _TLC_ONLY_EXITS.get(self.exit_code, EXIT_SYSTEM_ERROR)


#: The exit codes of specpy's table that every command shares (TLC's, where TLC has them).
_SHARED_EXITS = frozenset(e.code for e in EXITS if not e.commands)
#: TLC's exit codes specpy's table has no row for, and the row they belong in.
_TLC_ONLY_EXITS = {10: EXIT_ASSERT, 76: EXIT_EVAL_ERROR, 77: EXIT_EVAL_ERROR}


def find_jar(jar: str | None) -> Path:
    path = jar or os.environ.get(JAR_ENV)
    if not path:
        raise TlcSetupError(f"no TLC jar given. {JAR_HELP}")
    p = Path(path)
    if not p.is_file():
        raise TlcSetupError(f"TLC jar {path} does not exist. {JAR_HELP}")
    return p


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise TlcSetupError(f"java is not on PATH. {JAR_HELP}")
    return java


def tlc_command(java: str, jar: Path, tla: Path, cfg: Path, workers: int, metadir: Path) -> list[str]:
    return [
        java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-tool", "-noGenerateSpecTE",
        "-workers", str(workers), "-metadir", str(metadir), "-config", _operand(cfg.name), _operand(tla.name),
    ]  # fmt: skip


def _operand(name: str) -> str:
    """A file name TLC cannot read as an option (`-config.tla` would be one)."""
    return "./" + name if name.startswith("-") else name


def run_tlc(
    tla: Path,
    jar: Path,
    workers: int = 1,
    timeout: float | None = None,
    on_message: Callable[[Message], None] | None = None,
    info: ModelInfo | None = None,
) -> TlcRun:
    """Run TLC on `tla` with the .cfg beside it; on_message sees each message as it arrives."""
    cfg = tla.with_suffix(".cfg")
    if not cfg.is_file():
        raise TlcSetupError(f"{tla}: no {cfg.name} beside it")
    java = find_java()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="specpy-tlc-") as tmp:
        cmd = tlc_command(java, jar, tla, cfg, workers, Path(tmp) / "meta")
        proc = subprocess.Popen(
            cmd, cwd=tla.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace"
        )
        timed_out = threading.Event()
        timer = None
        if timeout is not None:

            def stop() -> None:
                timed_out.set()
                proc.kill()

            timer = threading.Timer(timeout, stop)
            timer.start()
        try:
            assert proc.stdout is not None
            output = split_messages(proc.stdout, on_message)
            code = proc.wait()
        finally:
            if timer is not None:
                timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    seconds = time.monotonic() - start
    result = to_result(output, info, seconds)
    if timed_out.is_set():
        result.kind, result.limit, code = ResultKind.LIMIT, "timeout", EXIT_LIMIT
    config = config_error(output) if result.kind in (ResultKind.EVAL_ERROR, ResultKind.LIMIT) and not timed_out.is_set() else None
    return TlcRun(tla, result, code, output.version, output, sany_errors(output.raw), config)


# ------------------------------------------------------------ exported models

def model_info(model: Model, names: dict[str, str], tag: str, tla_text: str = "") -> ModelInfo:
    """How to read TLC's output for an exported model; `names` maps spec names to TLA+ ones,
    `tla_text` is the exported module (it places the fault steps' lines of Next)."""
    back = {tla: spec for spec, tla in names.items()}
    faults: dict[str, tuple[str, str, Type]] = {}
    f = model.faults
    if f is not None:
        for kind, nets in (("lose", f.lose), ("duplicate", f.duplicate)):
            for net in nets:
                faults[names[f"{kind.capitalize()}_{net}"]] = (f"{kind} {net}", "msg", model.var(net).type.elem)
        for c in f.crash:
            faults[names[f"Crash_{names[c.type.name]}"]] = ("crash", "who", c.type)
    fault_lines: dict[int, tuple[str, str, str]] = {}
    if f is not None:
        for kind, nets in (("lose", f.lose), ("duplicate", f.duplicate)):
            for net in nets:
                call = f" : {names[f'{kind.capitalize()}_{net}']}("
                for number, line in enumerate(tla_text.splitlines(), start=1):
                    if line.lstrip().startswith("\\/ \\E") and call in line:
                        fault_lines[number] = (f"{kind} {net}", "msg", net)
    return ModelInfo(
        var_names=model.var_names,
        var_types={v.name: v.type for v in model.vars},
        params={a.name: tuple((p.name, p.type) for p in a.params) for a in model.actions},
        spec_name=back,
        tag=tag,
        properties=tuple(p.name for p in model.properties),
        faults=faults,
        fault_lines=fault_lines,
    )
