"""What the sandbox tests share: the binary, starting it on a free port with
its credentials file, a webhook receiver that records every delivery and
answers each provider's acknowledgement, and sending a built request."""
from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import _openapi

BIN = os.environ.get("CARDWIRE_BIN", str(_openapi.ROOT / "target/release/cardwire"))

# What each provider's receiver answers to acknowledge (PayCA: 204, no body).
ACK = {"worldcard": b'{"code":0,"message":"success"}', "legacy": b"SUCCESS", "wasabi": b'{"success":true}',
       "pintopay": b'{"success":true}', "payca": b""}


def send(url: str, req: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """Sends a request a client built (`build_request`) to `url`: status, headers, body."""
    r = urllib.request.Request(url + req["path"], data=req["body"] or None, method=req["method"], headers=req["headers"])
    try:
        with urllib.request.urlopen(r, timeout=15) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


class Hooks:
    """A receiver on a free loopback port: `/hooks/<provider>` records
    (arrival time, lower-cased headers, body) and acknowledges."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, dict[str, str], bytes]] = []
        hooks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                provider = self.path.rsplit("/", 1)[-1]
                hooks.received.append((time.monotonic(), provider, {k.lower(): v for k, v in self.headers.items()}, body))
                ack = ACK.get(provider, b"")
                self.send_response(204 if provider == "payca" else 200)
                self.end_headers()
                if ack:
                    self.wfile.write(ack)

            def log_message(self, *a: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, provider: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/{provider}"

    def of(self, provider: str) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for _, p, h, b in self.received if p == provider]

    def wait(self, done: Any, seconds: float = 30) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline and not done():
            time.sleep(0.025)

    def close(self) -> None:
        self.server.shutdown()


class Sandbox:
    """`cardwire sandbox` on a free port with these extra arguments: its
    base URL, its credentials (the file it wrote), stopped on `close`."""

    def __init__(self, *args: str) -> None:
        self.creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        self.proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", self.creds_file, "--log-format", "off", *args],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", self.proc.stdout.readline())
        if not m:
            self.close()
            raise AssertionError("the sandbox did not start")
        self.base = m.group(1)
        self.creds = json.loads(open(self.creds_file).read())

    def admin(self, method: str, path: str) -> Any:
        req = urllib.request.Request(self.base + path, method=method, data=b"" if method in ("POST", "DELETE") else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `cardwire` command against this sandbox."""
        return subprocess.run([BIN, *args, "--sandbox", self.base], capture_output=True, text=True, timeout=30)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def fixtures_file(world: dict[str, Any]) -> str:
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(world, f)
    f.close()
    return f.name
