"""A specpy subprocess whose stderr is a terminal (a pty), so that it prints its
progress line: signal tests wait for that line instead of sleeping a guessed
time, which a loaded machine turns into a signal before the search starts."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import threading
import time
from pathlib import Path

#: The progress line once the search has stored a state.
EXPLORING = re.compile(r"[\d,]+ states, [1-9][\d,]* distinct")


class TerminalRun:
    def __init__(self, args: list[str], cwd: Path) -> None:
        master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        self._master = master
        self._err: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            self._err.append(chunk.decode("utf-8", "replace"))

    @property
    def err(self) -> str:
        return "".join(self._err)

    def wait_until_exploring(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not EXPLORING.search(self.err):
            assert self.proc.poll() is None, "the run ended before it could be signalled: " + self.err
            assert time.monotonic() < deadline, f"no progress line after {timeout} s"
            time.sleep(0.1)

    def finish(self, timeout: float) -> tuple[int, str, str]:
        """Wait for the run to end: (exit code, stdout, stderr)."""
        out, _ = self.proc.communicate(timeout=timeout)
        self._reader.join(timeout=10)
        os.close(self._master)
        return self.proc.returncode, out, self.err
