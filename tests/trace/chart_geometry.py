"""The charts the layout tests draw, and the check that no two texts of a
chart overlap and every text lies inside its viewBox (issue 23, part 3).

`corpus()` is the counterexample chart of every spec in specs/ and
tests/trace/data/ that has one, plus random walks through specs without
one; test_chart_layout.py checks them from the renderer's width estimate,
test_browser.py from headless Chromium's own text measurements.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from pathlib import Path

from specpy.explicit import check
from specpy.explicit.compile import CompiledModel
from specpy.explicit.simulate import random_trace
from specpy.options import CheckOptions
from specpy.pipeline import load
from specpy.trace.msc import addressing_from_model, build_chart
from specpy.trace.msc_svg import FONT, render_svg, text_width

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"

#: Specs whose check finds no violation: charts of random walks through them.
WALKS = ("twophase", "paxos", "quorum_register", "causal_broadcast", "idempotent_delivery", "raft")
#: Specs without a counterexample, or (raft_liveness_bug_split_vote: 30 s) slow
#: to find one; idempotent_delivery_bug_unfair_retry and
#: raft_prevote_bug_disruptive_server stand for lassos.
SKIP = {
    "raft3", "zab", "zab_abstract", "raft_abstract", "lsm", "btree_wal", "language_tour", "tcommit", "lamport_mutex", "raft_prevote",
    "raft_liveness_bug_split_vote",
}


def bug_specs() -> list[Path]:
    specs = sorted((ROOT / "specs").glob("*.spec")) + sorted((ROOT / "tests" / "trace" / "data").glob("*.spec"))
    return [p for p in specs if p.stem not in SKIP and p.stem not in WALKS]


@functools.cache
def corpus() -> dict[str, str]:
    """name -> SVG of every chart the layout tests check."""
    charts: dict[str, str] = {}
    for path in bug_specs():
        model = load(path)
        result = check(model, CheckOptions(check_deadlock=False, max_states=200_000))
        addressing = addressing_from_model(model)
        if result.violation is None or not addressing.processes:
            continue
        v = result.violation
        charts[path.stem] = render_svg(build_chart(v.trace, addressing), v.name, v.trace.loop)
    for name in WALKS:
        model = load(ROOT / "specs" / f"{name}.spec")
        cm, addressing = CompiledModel(model), addressing_from_model(model)
        for seed in (1, 2, 3):
            trace = random_trace(cm, 25, seed)
            charts[f"{name}-walk{seed}"] = render_svg(build_chart(trace, addressing))
    return charts


def text_boxes(svg: str) -> tuple[tuple[float, float, float, float], list[tuple[float, float, float, float, str]]]:
    """The viewBox, and (x0, y0, x1, y1, text) of every <text>, from the renderer's width estimate."""
    root = ET.fromstring(svg)
    _, _, width, height = map(float, root.get("viewBox").split())
    boxes = []
    for parent in root.iter():
        for el in parent:
            if el.tag != f"{SVG}text":
                continue
            text = "".join(el.itertext())
            size = FONT
            if "cross" in (el.get("class") or ""):
                size = 16
            elif parent.get("class") == "crash":
                size = 11
            x, y, w = float(el.get("x")), float(el.get("y")), text_width(text, size)
            anchor = el.get("text-anchor", "start")
            x0 = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
            boxes.append((x0, y - 0.8 * size, x0 + w, y + 0.25 * size, text))
    return (0.0, 0.0, width, height), boxes


def problems(view: tuple[float, float, float, float], boxes: list[tuple]) -> list[str]:
    """Every pair of text boxes that intersect, and every box not inside the view."""
    out = []
    vx0, vy0, vx1, vy1 = view
    for b in boxes:
        if b[0] < vx0 or b[1] < vy0 or b[2] > vx1 or b[3] > vy1:
            out.append(f"outside the viewBox {view}: {b}")
    ordered = sorted(boxes, key=lambda b: b[1])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[1] >= a[3]:
                break
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append(f"overlap: {a} and {b}")
    return out
