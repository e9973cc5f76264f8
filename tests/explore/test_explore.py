"""`specpy explore` without a browser: who the server answers, the question
box, the session's steps and traces, and the command's exit codes."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import specpy
from explorer_process import FIGURE8_STEPS, ROOT, Explorer
from specpy.diagnostics import SourceFile
from specpy.explore import open_server
from specpy.explore.server import Handler, is_loopback
from specpy.explore.session import ExploreError
from specpy.options import Overrides
from specpy.pipeline import read_source
from specpy.pytest_plugin import parse_header

FIGURE8 = "specs/raft_figure8.spec"


@pytest.fixture(scope="module")
def server():
    """An in-process server on a free port, serving in a thread."""
    srv = open_server(read_source(ROOT / FIGURE8), Overrides())
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(srv, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers=headers or {})
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def api(srv, path: str, body: dict | None = None) -> dict:
    status, data = request(srv, "POST" if body is not None else "GET", path, body, {"X-Specpy-Token": srv.token})
    assert status == 200, data
    return json.loads(data)


# ---------------------------------------------------------------- who may talk to it


def test_the_checker_pins_figure8():
    # The steps the browser test clicks are the checker's shortest counterexample.
    result = specpy.load(ROOT / FIGURE8).check()
    assert result.violation.name == "LeaderCompleteness"
    assert [s.label() for s in result.trace.steps] == FIGURE8_STEPS


def test_binds_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token=")
    assert len(server.token) >= 32


@pytest.mark.parametrize("path", ["/", "/api/view", "/api/itf"])
def test_refuses_requests_without_the_token(server, path):
    assert request(server, "GET", path)[0] == 403
    assert request(server, "GET", path + "?token=wrong")[0] == 403
    assert request(server, "GET", path, headers={"X-Specpy-Token": server.token[:-1]})[0] == 403
    assert request(server, "GET", f"{path}?token={server.token}")[0] == 200
    assert request(server, "POST", "/api/step", {"index": 0})[0] == 403


def test_refuses_a_foreign_host_header(server):
    # A DNS-rebinding page would reach the port under its own name.
    status, _ = request(server, "GET", f"/?token={server.token}", headers={"Host": f"evil.example:{server.port}"})
    assert status == 403


def test_refuses_a_non_loopback_peer(server):
    """The handler refuses a peer that is not loopback, even with the token (the
    socket is bound to 127.0.0.1, so such a peer is simulated over a socket pair)."""
    mine, theirs = socket.socketpair()
    theirs.sendall(f"GET /?token={server.token} HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
    Handler(mine, ("192.0.2.7", 40000), server)
    mine.close()
    reply = theirs.recv(65536).decode()
    theirs.close()
    assert reply.startswith("HTTP/1.0 403") and "only this machine" in reply


def test_is_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("127.8.9.10") and is_loopback("::1")
    assert not is_loopback("192.168.1.2") and not is_loopback("0.0.0.0") and not is_loopback("localhost")


def test_page_has_a_strict_content_security_policy(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", f"/?token={server.token}")
    r = conn.getresponse()
    html = r.read().decode()
    csp = r.getheader("Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html and r.getheader("Referrer-Policy") == "no-referrer"


# ---------------------------------------------------------------- the question box


INJECTIONS = [
    ('__import__("os").system("touch {marker}")', "E-syntax-no-strings", 12),
    ("__import__('os').system('touch {marker}')", "E-syntax-unexpected-token", 12),
    ("open('{marker}', 'w')", "E-syntax-unexpected-token", 6),
    ("exec", "E-unknown-name", 1),
    ("(lambda: 1)()", "E-syntax-unexpected-token", 8),
    ("1; import os", "E-syntax-unexpected-token", 4),
    ("1; invariant Evil: true", "E-question", 4),
    ("log[s1]\ninvariant Evil: true", "E-question", 1),
    ("[c for c in ().__class__.__bases__]", "E-syntax-unexpected-token", 4),
]


@pytest.mark.parametrize("text, code, column", INJECTIONS)
def test_the_question_box_rejects_python(server, tmp_path: Path, text: str, code: str, column: int):
    marker = tmp_path / "injected"
    answer = api(server, "/api/ask", {"expression": text.format(marker=marker)})
    assert answer["value"] is None
    assert f"error[{code}]" in answer["error"], answer["error"]
    line = 2 if "\n" in text else 1
    assert answer["error"].startswith(f"<expression>:{line}:{column}:") and "^" in answer["error"]
    assert (answer["line"], answer["column"]) == (line, column)
    assert not marker.exists()


def test_questions_are_typechecked_and_located(server):
    a = api(server, "/api/ask", {"expression": "currentTerm[s1] + role[s2]"})
    assert "error[E-" in a["error"] and a["error"].startswith("<expression>:1:")
    a = api(server, "/api/ask", {"expression": "currentTerm[s9]"})
    assert a["error"].startswith("<expression>:1:13: error[E-unknown-name]")
    a = api(server, "/api/ask", {"expression": ""})
    assert "E-question" in a["error"]


def test_questions_answer_in_the_shown_state(server):
    api(server, "/api/restart", {"initial": 0})
    a = api(server, "/api/ask", {"expression": "{s: len(log[s]) for s in Server}"})
    assert (a["value"], a["type"], a["error"]) == ("{s1: 0, s2: 0, s3: 0}", "[Server -> int]", None)
    api(server, "/api/shortest", {"invariant": "LeaderCompleteness"})
    a = api(server, "/api/ask", {"expression": "{s: len(log[s]) for s in Server}"})
    assert a["value"] == "{s1: 1, s2: 1, s3: 1}"
    # An evaluation error in this state is located in the box too.
    a = api(server, "/api/ask", {"expression": "log[s1][2]"})
    assert a["error"].startswith("<expression>:1:1: error[E-question]: evaluation error: index 2 is out of range")


# ---------------------------------------------------------------- the session through the API


def test_steps_back_forward_and_branches(server):
    v = api(server, "/api/restart", {"initial": 0})
    assert v["history"] == [{"label": "initial state", "fault": False}]
    labels = [m["label"] for m in v["moves"]]
    # Every Elect with a majority quorum and a later term, by server: 3 servers x
    # 4 terms x 3 quorums (two pairs and all three) = 36 (hand count).
    assert len(labels) == 36 and all(x.startswith("Elect(") for x in labels)
    v = api(server, "/api/step", {"index": labels.index(FIGURE8_STEPS[0])})
    assert v["cursor"] == 1 and [x[0] for x in v["vars"] if x[2]] == ["currentTerm", "votedFor", "role"]
    v = api(server, "/api/step", {"index": [m["label"] for m in v["moves"]].index(FIGURE8_STEPS[1])})
    v = api(server, "/api/goto", {"index": 1})
    assert v["cursor"] == 1 and len(v["history"]) == 3  # forward is still possible
    # Another step from state 2 replaces what followed.
    other = next(m for m in v["moves"] if m["label"] != FIGURE8_STEPS[1])
    v = api(server, "/api/step", {"index": v["moves"].index(other)})
    assert [h["label"] for h in v["history"]] == ["initial state", FIGURE8_STEPS[0], other["label"]]


def test_bad_requests_are_answered_not_raised(server):
    status, data = request(server, "POST", "/api/step", {"index": 999}, {"X-Specpy-Token": server.token})
    assert status == 400 and "no step 999" in json.loads(data)["error"]
    status, data = request(server, "POST", "/api/step", {"index": "x"}, {"X-Specpy-Token": server.token})
    assert status == 400
    status, data = request(server, "POST", "/api/shortest", {"invariant": "Nope"}, {"X-Specpy-Token": server.token})
    assert status == 400 and "no invariant Nope" in json.loads(data)["error"]
    status, _ = request(server, "POST", "/api/walk", {"steps": 0}, {"X-Specpy-Token": server.token})
    assert status == 400


def test_random_walk_is_reproducible(server):
    def walk() -> list[str]:
        api(server, "/api/restart", {"initial": 0})
        return [h["label"] for h in api(server, "/api/walk", {"steps": 12, "seed": 42})["history"]]

    first = walk()
    assert first == walk() and 2 <= len(first) <= 13


def test_itf_download_reads_back(server, tmp_path: Path):
    api(server, "/api/shortest", {"invariant": "LeaderCompleteness"})
    status, data = request(server, "GET", f"/api/itf?token={server.token}")
    assert status == 200
    path = tmp_path / "path.itf.json"
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "specpy", "trace", "show", str(path), "--spec", FIGURE8],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Trace (9 states):") and "Commit(s=s1, n=1)" in proc.stdout


def test_an_itf_file_opened_in_the_page(server):
    api(server, "/api/shortest", {"invariant": "LeaderCompleteness"})
    _, itf = request(server, "GET", f"/api/itf?token={server.token}")
    api(server, "/api/restart", {"initial": 0})
    v = api(server, "/api/load", {"name": "f8.itf.json", "text": itf.decode()})
    assert [h["label"] for h in v["history"][1:]] == FIGURE8_STEPS and v["message"] == "f8.itf.json: 9 states"

    def refused(text: str) -> str:
        status, data = request(server, "POST", "/api/load", {"name": "x.json", "text": text}, {"X-Specpy-Token": server.token})
        assert status == 400
        return json.loads(data)["error"]

    assert refused('{"vars": [}').startswith("x.json:1:")
    assert refused("[1]").startswith("x.json: not an ITF trace")
    # The states must follow each other in this spec: state 3 of the file is state 1 again.
    doc = json.loads(itf)
    doc["states"][2] = doc["states"][0]
    assert refused(json.dumps(doc)) == "x.json: state 3 is not a successor of state 2 in this spec"


def test_moves_of_one_label_are_told_apart():
    # raft.spec's actions receive with `receive m in net where ...`: after two
    # RequestVotes to s1 of terms above its own, UpdateTerm(s=s1) has one move per message.
    srv = open_server(read_source(ROOT / "specs/raft.spec"), Overrides())
    try:
        s = srv.app.session
        for label in ["Timeout(s=s2)", "RequestVoteReq(s=s2, t=s1)", "Timeout(s=s2)", "RequestVoteReq(s=s2, t=s1)"]:
            s.take([m["label"] for m in s.view()["moves"]].index(label))
        handle = [m for m in s.view()["moves"] if m["label"] == "UpdateTerm(s=s1)"]
        assert [m["choice"] for m in handle] == ["1 of 2", "2 of 2"]
        assert [m["changes"][0] for m in handle] == ["currentTerm[s1]: 1 → 2", "currentTerm[s1]: 1 → 3"]
    finally:
        srv.server_close()


def test_faults_are_marked(tmp_path: Path):
    srv = open_server(read_source(ROOT / "specs/idempotent_delivery.spec"), Overrides())
    try:
        app = srv.app
        s = app.session
        s.take(0)  # the first enabled step from the initial state puts a message on the network
        faults = [m for m in s.view()["moves"] if m["fault"]]
        assert faults and all(m["label"].startswith("~") for m in faults)
    finally:
        srv.server_close()


# ---------------------------------------------------------------- the command


def test_trace_option_starts_on_the_trace(tmp_path: Path):
    itf = tmp_path / "f8.itf.json"
    proc = subprocess.run([sys.executable, "-m", "specpy", "check", FIGURE8, "--quiet", "--backend", "python",
                           "--trace-out", str(itf)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 12, proc.stderr
    with Explorer(FIGURE8, "--trace", str(itf)) as e:
        conn = http.client.HTTPConnection("127.0.0.1", e.port, timeout=60)
        conn.request("GET", "/api/view", headers={"X-Specpy-Token": e.token})
        v = json.loads(conn.getresponse().read())
        assert [h["label"] for h in v["history"][1:]] == FIGURE8_STEPS and v["cursor"] == 8
        code, out, err = e.stop()
    # Ctrl-C ends it through the CLI's guard: "interrupted", 152, no traceback.
    assert code == 152 and "specpy: interrupted" in err and "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", e.port), timeout=5)


def test_a_trace_of_another_spec_is_refused(tmp_path: Path):
    itf = tmp_path / "dh.itf.json"
    subprocess.run([sys.executable, "-m", "specpy", "check", "specs/diehard.spec", "--quiet", "--trace-out", str(itf)],
                   capture_output=True, text=True, cwd=ROOT, timeout=300)
    proc = subprocess.run([sys.executable, "-m", "specpy", "explore", FIGURE8, "--no-browser", "--trace", str(itf)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 151 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_a_spec_error_is_located(tmp_path: Path):
    bad = tmp_path / "bad.spec"
    bad.write_text("var x: 0..3 = 0\naction A { x = y }\n")
    proc = subprocess.run([sys.executable, "-m", "specpy", "explore", str(bad), "--no-browser"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 150 and f"{bad}:2:16: error[E-unknown-name]" in proc.stderr


def test_a_busy_port_is_a_bad_option(server):
    proc = subprocess.run([sys.executable, "-m", "specpy", "explore", FIGURE8, "--no-browser", "--port", str(server.port)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 151 and f"--port {server.port}" in proc.stderr


def test_open_server_takes_overrides():
    source = SourceFile("<t>", "type Server = {a, b}\nvar n: 0..3 = 0\naction Inc(s: Server) { require n < 3\n n += 1 }\n")
    srv = open_server(source, Overrides(types={"Server": ("x", "y", "z")}))
    try:
        assert [m["label"] for m in srv.app.session.view()["moves"]] == ["Inc(s=x)", "Inc(s=y)", "Inc(s=z)"]
    finally:
        srv.server_close()


def test_several_initial_states_and_a_failing_step():
    source = SourceFile("<t>", (
        "var x: 0..3 = 0\n"
        "var s: seq[0..3, 2] = []\n"
        "init { either { x = 0 } or { x = 2 } }\n"
        "action Inc { require x < 3\n x += 1 }\n"
        "action Peek { s = [s[1]] }\n"           # s[1] of the empty sequence: an evaluation error
        "invariant Small: x < 3\n"
    ))
    srv = open_server(source, Overrides())
    try:
        s = srv.app.session
        v = s.view()
        assert v["initial_states"] == 2 and v["vars"][0] == ["x", "0", False]
        inc, peek = v["moves"]
        assert inc == {"label": "Inc", "fault": False, "error": None, "changes": ["x: 0 → 1"], "choice": ""}
        assert peek["label"] == "Peek" and peek["error"].startswith("index-out-of-range") and peek["error"].endswith("(<t>:6:20)")
        s.restart(1)
        assert s.view()["vars"][0] == ["x", "2", False]
        s.take(0)
        v = s.view()
        assert v["vars"][0] == ["x", "3", True]
        assert v["invariants"] == [{"name": "Small", "location": "<t>:7:11", "holds": False, "detail": "", "error": None}]
        # A walk draws from every successor as `specpy simulate` does, so Peek's
        # failure stops it where simulate would report it; the page says why.
        s.restart(0)
        s.walk(10, 3)
        assert s.message.startswith("random walk (seed 3): 0 steps: a step of this state fails (index-out-of-range")
        assert len(s.view()["history"]) == 1
    finally:
        srv.server_close()


def test_an_init_that_fails_is_an_evaluation_error(tmp_path: Path):
    bad = tmp_path / "bad.spec"
    bad.write_text("var s: seq[0..3, 2] = []\nvar x: 0..3 = 0\ninit { x = s[1] }\naction A { x = 0 }\n")
    proc = subprocess.run([sys.executable, "-m", "specpy", "explore", str(bad), "--no-browser"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 75 and "the initial states cannot be computed" in proc.stderr, proc.stderr
    assert f"{bad}:3:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("spec, invariant, states", [
    # README's table: DieHard's 7-state trace (TLC's BFS gives the same), and the
    # Lamport-clock causal broadcast's 5-state trace, found under symmetry.
    ("specs/diehard.spec", "NotSolved", 7),
    ("specs/causal_broadcast_bug_lamport_clock.spec", "CausalDelivery", 5),
])
def test_shortest_trace_to_a_violation(spec: str, invariant: str, states: int):
    srv = open_server(read_source(ROOT / spec), Overrides())
    try:
        s = srv.app.session
        s.shortest(invariant)
        v = s.view()
        assert len(v["history"]) == states and v["cursor"] == states - 1
        assert [r["holds"] for r in v["invariants"] if r["name"] == invariant] == [False]
        s.goto(states - 2)
        assert [r["holds"] for r in s.view()["invariants"] if r["name"] == invariant] == [True]
    finally:
        srv.server_close()


def test_without_a_display_no_browser_is_started():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.Popen([sys.executable, "-m", "specpy", "explore", "specs/diehard.spec"], cwd=ROOT,
                            env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second, third = (proc.stdout.readline().strip() for _ in range(3))
        assert first.startswith("specpy explore: DieHard (specs/diehard.spec) at http://127.0.0.1:")
        assert second == "Press Ctrl-C to stop." and third == "(no display: open the address above in a browser)"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 152


def test_a_lasso_is_followed_with_its_loop(tmp_path: Path):
    # The disruptive-server bug's StableLeader counterexample is a lasso; its length is the
    # spec's `# expect:` pin (22 states since the model is message-level).
    itf = tmp_path / "lasso.itf.json"
    spec = "specs/raft_prevote_bug_disruptive_server.spec"
    states = parse_header((ROOT / spec).read_text(encoding="utf-8")).pins["trace"]
    proc = subprocess.run([sys.executable, "-m", "specpy", "check", spec, "--quiet", "--trace-out", str(itf)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 13, proc.stderr
    loop = json.loads(itf.read_text())["loop"]
    srv = open_server(read_source(ROOT / spec), Overrides())
    try:
        s = srv.app.session
        s.load_itf("lasso.itf.json", itf.read_text())
        v = s.view()
        assert len(v["history"]) == states and s.loop == loop
        assert v["message"] == f"lasso.itf.json: {states} states, a lasso: the last state steps back to state {loop + 1}"
        assert 'class="loop"' in v["chart"]["svg"]
        s.goto(5)
        assert 'class="loop"' not in s.view()["chart"]["svg"]  # only drawn on the whole lasso
        # A loop the spec cannot close is refused.
        doc = json.loads(itf.read_text())
        doc["loop"] = 0
        with pytest.raises(ExploreError, match="does not step back to state 1"):
            s.load_itf("bad.itf.json", json.dumps(doc))
    finally:
        srv.server_close()


def test_a_spec_without_initial_states(tmp_path: Path):
    bad = tmp_path / "none.spec"
    bad.write_text("var x: 0..3 = 0\ninit { require x == 1 }\naction A { x = 0 }\n")
    proc = subprocess.run([sys.executable, "-m", "specpy", "explore", str(bad), "--no-browser"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 151 and "the spec has no initial state: there is nothing to explore" in proc.stderr
