"""`specpy explore` in a real browser: headless Chromium driven by Selenium
through Debian's chromedriver (`apt-get install chromium chromium-driver`;
.ci/run installs them as root, and selenium comes with the `test` extra).

The explorer is started as a user starts it (`specpy explore SPEC
--no-browser`, the address read from its output). The browser clicks
through the Raft Figure 8 counterexample step by step — the 9-state trace
that `specpy check specs/raft_figure8.spec` prints and TLC finds too
(docs/guide.md) — and must then see LeaderCompleteness reported violated,
with the other three invariants holding; back and forward move along the
path; the question box answers in the shown state and rejects Python with
a located error; the shortest-path button finds the same trace; the path
downloads as ITF; fault steps are marked as faults; the notebook output
renders in its frame. The screenshot of the last state is docs/explore.png
(`SPECPY_UPDATE_GOLDEN=1` replaces it).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from explorer_process import FIGURE8_STEPS, ROOT, Explorer

selenium = pytest.importorskip("selenium", reason="selenium is in the `test` extra")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
DRIVER = shutil.which("chromedriver")
SCREENSHOT = ROOT / "docs" / "explore.png"

pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="no headless Chromium with chromedriver (Debian: apt-get install chromium chromium-driver; .ci/run installs them as root)",
)


@pytest.fixture(scope="module")
def explorer():
    with Explorer("specs/raft_figure8.spec") as e:
        yield e


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,1100"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(driver, condition, timeout: float = 60):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


# Read through one script call each: the page redraws its lists on every
# answer, so element handles kept across a redraw would go stale.
def history(driver) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll('#history li')].map(e => e.textContent)")


def current(driver) -> int:
    return driver.execute_script("const e = document.querySelector('#history li.current'); return e ? Number(e.dataset.index) : -1")


def invariants(driver) -> dict[str, str]:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#invariants li')].map(e => [e.dataset.invariant, e.dataset.holds]))"
    )


def click_step(driver, label: str) -> None:
    before = len(history(driver))
    buttons = driver.execute_script(
        "return [...document.querySelectorAll('#moves button.move')].filter(b => b.dataset.label === arguments[0])", label
    )
    assert len(buttons) == 1, f"no single enabled step {label!r}"
    buttons[0].click()
    wait(driver, lambda d: len(history(d)) == before + 1)


def ask(driver, text: str) -> tuple[str, str]:
    """The answer's text and class after asking `text`."""
    box = driver.find_element(By.ID, "question")
    box.clear()
    box.send_keys(text)
    driver.execute_script("document.getElementById('answer').textContent = ''")
    driver.find_element(By.ID, "ask").click()
    wait(driver, lambda d: d.find_element(By.ID, "answer").text != "")
    answer = driver.find_element(By.ID, "answer")
    return answer.text, answer.get_attribute("class")


def test_click_through_figure8_to_the_violation(explorer: Explorer, browser, tmp_path: Path):
    d = browser
    d.get(explorer.url)
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#moves button.move"))
    assert history(d) == ["initial state"]
    assert set(invariants(d).values()) == {"true"}

    for i, label in enumerate(FIGURE8_STEPS):
        click_step(d, label)
        assert current(d) == i + 1
        # The chart grows with the path: one row per state.
        assert len(d.find_elements(By.CSS_SELECTOR, "#chart svg.msc g.row")) == i + 2
        if i < len(FIGURE8_STEPS) - 1:
            assert invariants(d)["LeaderCompleteness"] == "true", f"violated too early, after {label}"

    assert history(d) == ["initial state", *FIGURE8_STEPS]
    assert len(history(d)) == 9
    assert invariants(d) == {
        "ElectionSafety": "true", "LogMatching": "true", "LeaderCompleteness": "false", "StateMachineSafety": "true",
    }
    row = d.find_element(By.CSS_SELECTOR, '#invariants li[data-invariant="LeaderCompleteness"]')
    # The failing conjunct's bindings, as `specpy check` explains it: the committed
    # term-2 entry and the server s2 that could still lead without it.
    assert "violated" in row.text and "l=s2" in row.text and "term: 2" in row.text
    # The state panel highlights what the last step (Commit) changed.
    changed = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#state-vars dt.changed")]
    assert changed == ["commitIndex", "committed"]

    # For the screenshot: a question answered in the shown state (checked in test_questions_in_the_page).
    assert ask(d, "{s: log[s] for s in Server}")[0].startswith("{s1: [Entry{term: 2")
    shot = tmp_path / "explore.png"
    d.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("SPECPY_UPDATE_GOLDEN") == "1":
        shutil.copyfile(shot, SCREENSHOT)
    assert SCREENSHOT.is_file(), "docs/explore.png is missing: run with SPECPY_UPDATE_GOLDEN=1"

    # Back: state 8 satisfies LeaderCompleteness; forward: state 9 violates it again.
    d.find_element(By.ID, "back").click()
    wait(d, lambda d: current(d) == 7)
    assert invariants(d)["LeaderCompleteness"] == "true"
    assert len(history(d)) == 9  # the states ahead stay, to go forward to
    d.find_element(By.ID, "forward").click()
    wait(d, lambda d: current(d) == 8)
    assert invariants(d)["LeaderCompleteness"] == "false"
    # A click in the history goes straight to that state.
    d.find_elements(By.CSS_SELECTOR, "#history li")[3].click()
    wait(d, lambda d: current(d) == 3)
    d.find_elements(By.CSS_SELECTOR, "#history li")[8].click()
    wait(d, lambda d: current(d) == 8)


def test_questions_in_the_page(explorer: Explorer, browser, tmp_path: Path):
    d = browser
    if current(d) != 8:
        pytest.skip("needs the state the first test ends in")
    # log[s2] holds the term-3 entry of ClientRequest(s=s2) (state 6 of the trace).
    assert ask(d, "log[s2]") == ("[Entry{term: 3, value: v1}]    : seq[Entry, 2]", "")
    # The question is asked again in every state shown: in state 5 s2's log is empty.
    d.execute_script("document.querySelectorAll('#history li')[4].click()")
    wait(d, lambda d: current(d) == 4 and d.find_element(By.ID, "answer").text == "[]    : seq[Entry, 2]")
    d.execute_script("document.querySelectorAll('#history li')[8].click()")
    wait(d, lambda d: current(d) == 8 and d.find_element(By.ID, "answer").text.startswith("[Entry{term: 3"))
    assert ask(d, "exists s in Server: role[s] == Leader")[0].startswith("true")
    marker = tmp_path / "injected"
    text, cls = ask(d, f'__import__("os").system("touch {marker}")')
    assert cls == "error" and text.startswith("<expression>:1:") and "^" in text
    assert not marker.exists()


def test_shortest_path_and_itf_download(explorer: Explorer, browser, tmp_path: Path):
    d = browser
    d.find_element(By.ID, "restart").click()
    wait(d, lambda d: history(d) == ["initial state"])
    d.find_element(By.CSS_SELECTOR, '#invariants li[data-invariant="LeaderCompleteness"] button.shortest').click()
    wait(d, lambda d: len(history(d)) == 9, timeout=120)
    assert history(d) == ["initial state", *FIGURE8_STEPS]
    assert invariants(d)["LeaderCompleteness"] == "false"

    href = d.find_element(By.ID, "download").get_attribute("href")
    with urllib.request.urlopen(href, timeout=30) as r:
        data = r.read()
    itf = json.loads(data)
    assert len(itf["states"]) == 9
    assert [s["mbt::actionTaken"] for s in itf["states"][1:]] == [s.split("(")[0] for s in FIGURE8_STEPS]

    # The downloaded file, opened in the page, is the same trace again.
    d.find_element(By.ID, "restart").click()
    wait(d, lambda d: history(d) == ["initial state"])
    path = tmp_path / "figure8.itf.json"
    path.write_bytes(data)
    d.find_element(By.ID, "upload").send_keys(str(path))
    wait(d, lambda d: len(history(d)) == 9)
    assert history(d) == ["initial state", *FIGURE8_STEPS] and current(d) == 8


def test_notebook_output_renders_in_a_browser(browser, tmp_path: Path):
    """What Jupyter shows for a check result (`_repr_html_`): the sandboxed frame
    draws the report's chart and its script runs (it fills the state panel)."""
    import specpy

    result = specpy.load(ROOT / "specs/raft_figure8.spec").check()
    page = tmp_path / "notebook.html"
    page.write_text(f"<!DOCTYPE html><html><body><h1>Out[1]:</h1>{result._repr_html_()}</body></html>", encoding="utf-8")
    d = browser
    d.get(page.as_uri())
    d.switch_to.frame(d.find_element(By.TAG_NAME, "iframe"))
    try:
        wait(d, lambda d: d.find_element(By.ID, "state-title").text.startswith("State 9: Commit(s=s1, n=1)"))
        assert len(d.find_elements(By.CSS_SELECTOR, "svg.msc g.row")) == 9
        assert [g.get_attribute("data-process") for g in d.find_elements(By.CSS_SELECTOR, "svg.msc g.lifeline")] == ["s1", "s2", "s3"]
    finally:
        d.switch_to.default_content()


def test_fault_steps_are_marked_in_the_page(browser):
    """idempotent_delivery.spec's `faults` block: after a Send, losing or duplicating
    the request are buttons marked as faults, and a fault taken is marked in the history."""
    d = browser
    with Explorer("specs/idempotent_delivery.spec") as e:
        d.get(e.url)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#moves button.move"))
        click_step(d, "Send(r=r1)")
        faults = d.execute_script(
            "return [...document.querySelectorAll('#moves button.move.fault')].map(b => [b.dataset.label, b.querySelector('.tag').textContent])"
        )
        assert faults == [["~lose net Req{id: r1}", "fault"], ["~duplicate net Req{id: r1}", "fault"]]
        click_step(d, "~lose net Req{id: r1}")
        marked = d.execute_script("return [...document.querySelectorAll('#history li.fault')].map(e => e.textContent)")
        assert marked == ["~lose net Req{id: r1}"]
