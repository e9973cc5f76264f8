"""The --html timeline in a real browser (headless Chromium, as tests/trace/test_browser.py).

A register history with a stale read, an :info write and a write never
completed is rendered; a probe script appended to the page measures the laid
out SVG and writes what it found into the DOM (`--dump-dom`). Positions are
checked against the history file itself (event order, read by the test), not
against the chart code: one lane per process, every bar on its process's
lane, an operation that returned before another was invoked drawn entirely
to its left, the unplaceable read red, the prefix numbered in order, bars of
unknown outcome reaching the right end, and the "linearizable up to here"
line crossing the red bar.

The screenshot test's picture is docs/linearizability-timeline.png (shown in
docs/linearizability.md); `SPECPY_UPDATE_GOLDEN=1` refreshes it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "linearizability-timeline.png"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no headless Chromium (Debian: apt-get install chromium; .ci/run installs it as root)"
)

EVENTS = [
    (0, "invoke", "write", 1), (0, "ok", "write", 1),
    (3, "invoke", "write", 7),                        # never completed
    (1, "invoke", "write", 2), (2, "invoke", "read", None), (2, "ok", "read", 2), (1, "ok", "write", 2),
    (4, "invoke", "write", 5), (4, "info", "write", 5),  # timed out
    (2, "invoke", "read", None), (2, "ok", "read", 1),  # stale: 2 was written and read before
]

PROBE = """
<script>
window.addEventListener('load', () => {
  const svg = document.querySelector('svg.timeline');
  const box = el => el.getBoundingClientRect();
  const lanes = [...svg.querySelectorAll('g.lane')].map(g => {
    const b = box(g.querySelector('line')); return { process: g.dataset.process, y: b.top + b.height / 2, right: b.right }; });
  const bars = [...svg.querySelectorAll('g.op')].map(g => {
    const r = g.querySelector('rect'), b = box(r);
    return { op: +g.dataset.op, process: g.dataset.process, cls: g.getAttribute('class'), order: g.dataset.order,
             left: b.left, right: b.right, y: b.top + b.height / 2, fill: getComputedStyle(r).fill };
  });
  const cut = svg.querySelector('line.cut');
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({ lanes, bars, cut: cut ? box(cut).left : null,
    verdict: document.querySelector('.verdict').textContent });
  document.body.append(out);
});
</script>
"""


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("timeline")
    history, html = folder / "stale.jsonl", folder / "timeline.html"
    history.write_text("".join(json.dumps({"process": p, "type": t, "f": f, "value": v}) + "\n" for p, t, f, v in EVENTS))
    # Relative to the folder (the cwd), so that the page shows the name a user would type.
    proc = subprocess.run([sys.executable, "-m", "specpy", "linearizable", "register", history.name, "--html", html.name],
                          capture_output=True, text=True, cwd=folder, timeout=120)
    assert proc.returncode == 12, proc.stderr
    return html


def intervals() -> dict[int, tuple[int, float]]:
    """Each operation's (invocation, completion) positions from EVENTS; unknown outcomes end at infinity.
    Operations are numbered in invocation order, as the history reader numbers them."""
    ops, open_, done = {}, {}, {}
    for n, (p, t, f, v) in enumerate(EVENTS):
        if t == "invoke":
            open_[p] = len(ops)
            ops[len(ops)] = n
        else:
            done[open_.pop(p)] = n if t == "ok" else float("inf")
    return {k: (call, done.get(k, float("inf"))) for k, call in ops.items()}


def test_the_timeline_in_a_browser(page: Path, tmp_path: Path):
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    proc = chromium("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the probe did not run: {proc.stderr[-2000:]}"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert result["verdict"] == "not linearizable"

    lanes = {l["process"]: l for l in result["lanes"]}
    assert list(lanes) == ["0", "3", "1", "2", "4"]  # processes in order of their first event
    bars = {b["op"]: b for b in result["bars"]}
    spans = intervals()
    assert sorted(bars) == sorted(spans) == [0, 1, 2, 3, 4, 5]
    for b in bars.values():
        assert abs(b["y"] - lanes[b["process"]]["y"]) < 1, b
    # Real-time order: returned before the other was invoked => drawn entirely to its left.
    pairs = [(a, b) for a in spans for b in spans if spans[a][1] < spans[b][0]]
    assert len(pairs) == 9  # write(1) before the 5 later ops; write(2) and read()→2 each before the last 2
    for a, b in pairs:
        assert bars[a]["right"] < bars[b]["left"], (a, b)

    blocked = [b for b in bars.values() if "blocked" in b["cls"]]
    assert [b["op"] for b in blocked] == [5] and blocked[0]["fill"] == "rgb(247, 185, 181)"
    prefix = sorted((b for b in bars.values() if "prefix" in b["cls"]), key=lambda b: b["order"])
    assert [b["order"] for b in prefix] == ["#1", "#2", "#3"] and [b["op"] for b in prefix] == [0, 2, 3]
    unknown = [b for b in bars.values() if "unknown" in b["cls"]]
    assert sorted(b["op"] for b in unknown) == [1, 4]
    assert all(b["right"] >= max(x["right"] for x in bars.values()) - 1 for b in unknown)
    assert blocked[0]["left"] < result["cut"] < blocked[0]["right"]


def test_screenshot(page: Path, tmp_path: Path):
    shot = tmp_path / "timeline.png"
    proc = chromium("--window-size=1000,560", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
        shutil.copyfile(shot, SCREENSHOT)
