"""`specpy explore` without a browser: who the server answers, the question
box, the session's steps and traces, and the command's exit codes."""

from __future__ import annotations

import http.client
import json
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
from specpy.options import Overrides
from specpy.pipeline import read_source

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
