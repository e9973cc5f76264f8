"""The explorer's web server: the page and a small JSON API over one Session.

Python's standard library (http.server) serves it: one user's browser tab on
this machine sends a few requests a second, so a framework would add
dependencies (and their updates) for routing we do in twenty lines; nothing
here needs HTTP/2, websockets or more than a thread per request.

Who may talk to it:

- it listens on 127.0.0.1 only, and refuses (403) a request whose peer is not
  a loopback address;
- every request needs the random token of this run (`secrets.token_urlsafe`,
  192 bits), in the URL (`?token=`, the address printed at start) or in the
  X-Specpy-Token header (the page's own requests); compared in constant time;
- the Host header must name this server (127.0.0.1 or localhost and its port),
  so a DNS-rebinding page cannot reach it under another name;
- answers say `Cache-Control: no-store`, `Referrer-Policy: no-referrer` (the
  token never leaves in a Referer) and a Content-Security-Policy allowing only
  the page's own nonce'd script and requests to itself.

Requests are served one at a time (a lock around the session): a random walk
or a search for a counterexample holds the others back, as it should.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from specpy.explore.page import page
from specpy.explore.questions import Questions
from specpy.explore.session import ExploreError, Session

#: The largest request body accepted: an ITF file the page uploads (a question
#: is at most 10,000 characters).
MAX_BODY = 64 * 1024 * 1024
TOKEN_HEADER = "X-Specpy-Token"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class App:
    """What each path does, on one session (the server holds its lock around every call)."""

    def __init__(self, session: Session, questions: Questions) -> None:
        self.session = session
        self.questions = questions
        self.posts: dict[str, Callable[[dict[str, Any]], Any]] = {
            "/api/step": lambda b: session.take(_int(b, "index")),
            "/api/goto": lambda b: session.goto(_int(b, "index")),
            "/api/restart": lambda b: session.restart(_int(b, "initial", 0)),
            "/api/walk": lambda b: session.walk(_int(b, "steps"), _int(b, "seed", 0)),
            "/api/shortest": lambda b: session.shortest(_str(b, "invariant")),
            "/api/load": lambda b: session.load_itf(_str(b, "name"), _str(b, "text")),
        }

    def get(self, path: str) -> tuple[int, str, bytes, dict[str, str]]:
        if path == "/":
            html, nonce = page(self.session.model.name)
            return 200, "text/html; charset=utf-8", html.encode(), {"Content-Security-Policy": _csp(nonce)}
        if path == "/api/view":
            return _json(200, self.session.view())
        if path == "/api/itf":
            name = f"{_file_part(self.session.model.name)}-explore.itf.json"
            headers = {"Content-Disposition": f'attachment; filename="{name}"'}
            return 200, "application/json", self.session.itf().encode(), headers
        return _json(404, {"error": f"no such page: {path}"})

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, str, bytes, dict[str, str]]:
        if path == "/api/ask":
            return _json(200, self.questions.ask(_str(body, "expression"), self.session.state).to_json())
        action = self.posts.get(path)
        if action is None:
            return _json(404, {"error": f"no such request: {path}"})
        try:
            action(body)
        except ExploreError as exc:
            self.session.message = f"error: {exc}"
            return _json(400, {"error": str(exc), "view": self.session.view()})
        return _json(200, self.session.view())


class ExploreServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: App, port: int = 0, token: str | None = None) -> None:
        self.app = app
        self.token = token or secrets.token_urlsafe(24)
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"


class Handler(BaseHTTPRequestHandler):
    server: ExploreServer
    server_version = "specpy-explore"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows only the address and how to stop."""

    def _serve(self, method: str) -> None:
        refused = self._refusal()
        if refused is not None:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", refused.encode())
            return
        path = urlsplit(self.path).path
        try:
            with self.server.lock:
                if method == "GET":
                    answer = self.server.app.get(path)
                else:
                    answer = self.server.app.post(path, self._body())
        except _BadRequest as exc:
            answer = _json(400, {"error": str(exc)})
        except Exception as exc:  # one request failed; the server goes on
            answer = _json(500, {"error": f"internal error: {type(exc).__name__}: {exc}"})
        self._send(*answer)

    def _refusal(self) -> str | None:
        """Why this request is refused, or None."""
        if not is_loopback(self.client_address[0]):
            return "refused: only this machine may connect"
        host = self.headers.get("Host", "")
        if host not in (f"127.0.0.1:{self.server.port}", f"localhost:{self.server.port}"):
            return "refused: unexpected Host header"
        query = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        given = self.headers.get(TOKEN_HEADER) or query
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            return "refused: this address needs the token specpy explore printed"
        return None

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise _BadRequest("bad Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise _BadRequest(f"a request body of at most {MAX_BODY:,} bytes")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise _BadRequest("the request body is not JSON") from None
        if not isinstance(body, dict):
            raise _BadRequest("the request body is not a JSON object")
        return body

    def _send(self, status: int, ctype: str, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _BadRequest(Exception):
    pass


def _int(body: dict[str, Any], key: str, default: int | None = None) -> int:
    v = body.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool):
        raise _BadRequest(f"`{key}` must be an integer")
    return v


def _str(body: dict[str, Any], key: str) -> str:
    v = body.get(key)
    if not isinstance(v, str):
        raise _BadRequest(f"`{key}` must be a string")
    return v


def _json(status: int, obj: Any) -> tuple[int, str, bytes, dict[str, str]]:
    return status, "application/json", json.dumps(obj, ensure_ascii=False).encode(), {}


def _csp(nonce: str) -> str:
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _file_part(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:64] or "spec"
