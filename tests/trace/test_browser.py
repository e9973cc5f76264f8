"""The HTML report in a real browser: headless Chromium (Debian's `chromium`).

The report of the Raft double-vote bug (specs/raft_bug_double_vote.spec with
three servers) is opened with a probe script appended: after the page's own
script has run, it measures the laid-out SVG (lifeline positions, arrow end
points via getPointAtLength), clicks a step, and writes what it found into
the DOM, which `--dump-dom` returns. The test then checks one lifeline per
server, one arrow per message of the trace (counted from the ITF file, not
from the chart code), that every received arrow runs from its sender's
lifeline to its receiver's, and that clicking a step shows that state.

It also takes a screenshot; `SPECPY_UPDATE_GOLDEN=1` copies it to
docs/msc-raft-double-vote.png (shown in README.md and docs/guide.md).
.ci/run installs chromium where it can; elsewhere this test skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "raft_bug_double_vote.spec"
SCREENSHOT = ROOT / "docs" / "msc-raft-double-vote.png"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no headless Chromium (Debian: apt-get install chromium; .ci/run installs it as root)"
)

PROBE = """
<script>
window.addEventListener('load', () => {
  const svg = document.querySelector('svg.msc');
  const x = el => { const b = el.getBoundingClientRect(); return b.left + b.width / 2; };
  const lifelines = [...svg.querySelectorAll('g.lifeline')].map(g => ({
    name: g.dataset.process, x: x(g.querySelector('line')), height: g.querySelector('line').getBoundingClientRect().height }));
  const origin = svg.getBoundingClientRect().left;
  const arrows = [...svg.querySelectorAll('g.msg')].map(g => {
    const p = g.querySelector('path'), n = p.getTotalLength();
    return { src: g.dataset.src, dst: g.dataset.dst, kind: g.dataset.kind, length: n,
             x1: origin + p.getPointAtLength(0).x, x2: origin + p.getPointAtLength(n).x };
  });
  document.querySelector('svg.msc g.row[data-state="3"]').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({ lifelines, arrows,
    title: document.getElementById('state-title').textContent,
    selected: [...document.querySelectorAll('.selected')].map(e => e.dataset.state) });
  document.body.append(out);
});
</script>
"""


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def specpy(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specpy", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("browser")
    html, itf = folder / "report.html", folder / "trace.itf.json"
    # Relative to the repository (the cwd), so that the report shows the path a user would type.
    proc = specpy("check", SPEC.relative_to(ROOT), "--type", "Server=s1,s2,s3", "--quiet", "--html", html, "--trace-out", itf)
    assert proc.returncode == 12, proc.stderr  # ElectionSafety violated
    return html, itf


def messages_sent(itf: Path) -> int:
    """Copies added to the bag `net` over the trace, read from the ITF file alone."""
    def copies(state: dict) -> Counter:
        return Counter({json.dumps(m, sort_keys=True): int(c["#bigint"]) for m, c in state["net"]["#map"]})

    states = json.loads(itf.read_text())["states"]
    return sum(sum((copies(b) - copies(a)).values()) for a, b in zip(states, states[1:]))


def test_the_chart_in_a_browser(report: tuple[Path, Path], tmp_path: Path):
    html, itf = report
    probe = tmp_path / "probe.html"
    probe.write_text(html.read_text().replace("</body>", PROBE + "</body>"))
    proc = chromium("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the probe did not run: {proc.stderr[-2000:]}"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))

    # One lifeline per server, laid out left to right, drawn down the chart.
    lifelines = result["lifelines"]
    assert [l["name"] for l in lifelines] == ["s1", "s2", "s3"]
    xs = [l["x"] for l in lifelines]
    assert xs == sorted(xs) and min(b - a for a, b in zip(xs, xs[1:])) > 100
    assert all(l["height"] > 200 for l in lifelines)

    # One arrow per message: the shortest trace sends two RequestVotes and two
    # Votes (hand count, and the ITF file agrees).
    arrows = result["arrows"]
    assert len(arrows) == messages_sent(itf) == 4
    at = {l["name"]: l["x"] for l in lifelines}
    for a in arrows:
        assert a["kind"] == "received" and a["length"] > 50
        assert abs(a["x1"] - at[a["src"]]) < 1.5 and abs(a["x2"] - at[a["dst"]]) < 1.5, a

    # Clicking the row of state 4 shows state 4 and selects it in the chart and the list.
    assert result["title"].startswith("State 4: RequestVoteReq(")
    assert result["selected"] == ["3", "3"]


def test_screenshot(report: tuple[Path, Path], tmp_path: Path):
    html, _ = report
    shot = tmp_path / "report.png"
    proc = chromium("--window-size=1300,1000", f"--screenshot={shot}", html.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
        shutil.copyfile(shot, SCREENSHOT)


# The other charts of docs/guide.md: spec and flags, and the screenshot's file
# in docs/. Each is drawn and photographed like the one above; with
# SPECPY_UPDATE_GOLDEN=1 the screenshot replaces the committed one.
GUIDE_CHARTS = {
    "msc-quorum-small-quorums.png": ["specs/quorum_register_bug_small_quorums.spec"],
    "msc-causal-lamport-clock.png": ["specs/causal_broadcast_bug_lamport_clock.spec"],
    "msc-btree-split-not-atomic.png": ["specs/btree_wal_bug_split_not_atomic.spec"],
    "msc-raft-prevote-disruptive-server.png": ["specs/raft_prevote_bug_disruptive_server.spec"],
    "msc-zab-skip-sync.png": ["specs/zab_bug_skip_sync.spec"],
}


@pytest.mark.parametrize("png", sorted(GUIDE_CHARTS))
def test_guide_chart(png: str, tmp_path: Path):
    html, shot = tmp_path / "report.html", tmp_path / "report.png"
    proc = specpy("check", *GUIDE_CHARTS[png], "--quiet", "--html", html)
    assert proc.returncode in (12, 13), proc.stderr  # each is a bug variant's counterexample
    assert 'class="msc"' in html.read_text()
    proc = chromium("--window-size=1300,1000", f"--screenshot={shot}", html.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, proc.stderr[-2000:]
    if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
        shutil.copyfile(shot, ROOT / "docs" / png)
    assert (ROOT / "docs" / png).is_file(), f"docs/{png} is missing: run with SPECPY_UPDATE_GOLDEN=1"


# Every chart of chart_geometry.corpus() on one page with the report's CSS;
# the probe measures each text with the browser's own font (getBBox, in the
# SVG's user units) and the test checks the boxes as test_chart_layout.py
# checks the renderer's estimate: no two intersect, all inside the viewBox.
GEOMETRY_PROBE = """
<script>
window.addEventListener('load', () => {
  const charts = {};
  document.querySelectorAll('div[data-chart]').forEach(div => {
    const svg = div.querySelector('svg');
    const vb = svg.viewBox.baseVal;
    const boxes = [...svg.querySelectorAll('text')].map(t => {
      const b = t.getBBox();
      return [b.x, b.y, b.x + b.width, b.y + b.height, t.textContent];
    });
    charts[div.dataset.chart] = {view: [vb.x, vb.y, vb.x + vb.width, vb.y + vb.height], boxes};
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(charts);
  document.body.append(out);
});
</script>
"""


def test_no_chart_text_overlaps_in_a_browser(tmp_path: Path):
    from chart_geometry import corpus, problems

    from specpy.trace.html import _CSS

    charts = corpus()
    page = tmp_path / "charts.html"
    body = "".join(f'<div data-chart="{name}">{svg}</div>' for name, svg in charts.items())
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{_CSS}</style></head>'
                    f"<body>{body}{GEOMETRY_PROBE}</body></html>")
    proc = chromium("--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the probe did not run: {proc.stderr[-2000:]}"
    measured = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert set(measured) == set(charts)
    # getBBox gives a text's whole line box (ascent to descent, ~1.2 em): two
    # texts on neighbouring lines may share those margins, so each box is
    # shrunk by 1.5 px vertically before the comparison; horizontally it is exact.
    wrong = {}
    for name, m in measured.items():
        boxes = [(x0, y0 + 1.5, x1, y1 - 1.5, text) for x0, y0, x1, y1, text in m["boxes"]]
        found_problems = problems(tuple(m["view"]), boxes)
        if found_problems:
            wrong[name] = found_problems[:3]
    assert wrong == {}
