"""A council information system for the tests: the OParl 1.1 example objects of the OParl
specification (tests/data/oparl), served over real HTTP by http.server in a thread.

The examples are separate objects, each with ids under https://oparl.example.org; the server
rewrites that origin to its own and stitches them into one system: System → body list (the
Body example) → paper list in two pages (a second paper derived from the Paper example with
the reference "Dez. I/0006/WP18" on page 1, the Paper example itself on page 2) → the Paper
with its consultation → the Meeting example (its agenda item names the paper's consultation,
so the result "Geändert beschlossen" belongs to it) and the Organization example.

`server.behave(path, mode)` makes one path misbehave: "slow", "html", "invalid", "loop",
"error". `server.requests` records (path, headers) of every request.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "oparl"
ORIGIN = "https://oparl.example.org"
ETAG = '"paper-749-v1"'
LAST_MODIFIED = "Tue, 08 Jan 2013 11:05:27 GMT"


def example(name: str, base: str) -> dict:
    return json.loads((EXAMPLES / f"{name}-01.json").read_text().replace(ORIGIN, base))


class OparlServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.oparl = self
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.requests: list[tuple[str, dict]] = []
        self.modes: dict[str, str] = {}
        self.routes = self._routes()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _routes(self) -> dict[str, dict]:
        base = self.base
        system = example("System", base)
        system["body"] = f"{base}/bodies"
        body = example("Body", base)
        paper = example("Paper", base)
        derived = copy.deepcopy(paper)
        derived.update(
            id=f"{base}/paper/750",
            reference="Dez. I/0006/WP18",
            name="Digitale Strategie der Stadt – 2. Fortschreibung",
            paperType="Beschlussvorlage",
            consultation=[],
        )
        meeting = example("Meeting", base)
        meeting["agendaItem"][0]["consultation"] = paper["consultation"][0]["id"]
        organization = example("Organization", base)
        papers = f"{base}/body/0/papers/"
        return {
            "/": system,
            "/bodies": {"data": [body], "links": {}},
            "/body/0/papers/": {"data": [derived], "links": {"next": f"{papers}?page=2"}},
            "/body/0/papers/?page=2": {"data": [paper], "links": {}},
            "/paper/749": paper,
            "/paper/750": derived,
            "/meeting/243": meeting,
            "/organization/96": organization,
        }

    @property
    def paper_url(self) -> str:
        return f"{self.base}/paper/749"

    def behave(self, path: str, mode: str) -> None:
        self.modes[path] = mode

    def start(self) -> OparlServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        server: OparlServer = self.server.oparl
        server.requests.append((self.path, dict(self.headers)))
        mode = server.modes.get(self.path)
        if mode == "slow":
            time.sleep(3)
        if mode == "loop":
            self._send(302, b"", {"Location": self.path})
            return
        if mode == "html":
            page = b"<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>"
            self._send(200, page, {"Content-Type": "text/html; charset=utf-8"})
            return
        if mode == "invalid":
            self._send(200, b'{"id": "kaputt", ', {"Content-Type": "application/json"})
            return
        if mode == "error":
            self._send(500, b"Internal Server Error", {"Content-Type": "text/plain"})
            return
        data = server.routes.get(self.path)
        if data is None:
            self._send(404, b'{"error": "not found"}', {"Content-Type": "application/json"})
            return
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.path == "/paper/749":
            headers |= {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, b"", headers)
                return
        self._send(200, json.dumps(data).encode(), headers)

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
