"""`specpy explore` as a user starts it, for the explorer's tests: a subprocess
whose address is read from its first line of output."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]

#: The steps of the Raft Figure 8 counterexample, as `specpy check
#: specs/raft_figure8.spec` prints its 9-state trace (TLC's is 9 states too;
#: docs/guide.md walks through it). test_explore.py checks that the checker
#: still finds exactly these.
FIGURE8_STEPS = [
    "Elect(s=s1, t=2, q={s1, s2})",
    "Elect(s=s2, t=3, q={s2, s3})",
    "ClientRequest(s=s1, v=v1)",
    "Elect(s=s1, t=4, q={s1, s3})",
    "ClientRequest(s=s2, v=v1)",
    "Replicate(s=s1, t=s3)",
    "Elect(s=s2, t=5, q={s2, s3})",
    "Commit(s=s1, n=1)",
]

ADDRESS = re.compile(r"at (http://127\.0\.0\.1:\d+/\?token=[\w-]+)$")


class Explorer:
    """`with Explorer(spec, *args) as e:` e.url, e.port, e.token, e.proc."""

    def __init__(self, spec: str, *args: str) -> None:
        self.args = [sys.executable, "-m", "specpy", "explore", spec, "--no-browser", *args]

    def __enter__(self) -> Explorer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        found = ADDRESS.search(line)
        if not found:
            self.proc.kill()
            raise AssertionError(f"no address in {line!r}: {self.proc.stderr.read()[-2000:]}")
        self.url = found.group(1)
        parts = urlsplit(self.url)
        self.port = parts.port
        self.token = parts.query.removeprefix("token=")
        return self

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C, as a user stops it: the exit code and the rest of the output."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
