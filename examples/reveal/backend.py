"""The back end of the card-details page (examples/browser), in Python. It
holds the merchant's account keys; the page never does. POST /api/reveal
{provider, cardId, publicKey, requestId}: fetch the card from the provider
(here: the conformance fixtures, made by Python cryptography and PyNaCl,
stand in for the live call), open the response with the merchant class, and
seal only the card fields to the page's one-time key for a minute. Static
files: only the page and the npm package.

    python examples/reveal/backend.py [port]   -> prints "listening on http://127.0.0.1:PORT"
"""
from __future__ import annotations

import http.server
import json
import pathlib
import posixpath
import sys
import time
from typing import Any, Callable
from urllib.parse import unquote, urlparse

import cardwire

ROOT = pathlib.Path(__file__).resolve().parents[2]
WC = json.loads((ROOT / "tests/vectors/worldcard/response_virtual_get_info.json").read_text())
PTP = json.loads((ROOT / "tests/vectors/pintopay/response_card_details.json").read_text())
worldcard = cardwire.WorldCardMerchant("app_demo", (ROOT / "tests/vectors/keys/merchant_2048.pkcs8.pem").read_text(), WC["aes_key"])
pintopay = cardwire.PinToPayMerchant(PTP["api_key"], PTP["api_secret"])

# The signed-in user's cards, and how to read each from its provider.
CARDS: dict[str, tuple[str, Callable[[], Any]]] = {
    "worldcard": ("1234567890123456", lambda: worldcard.open_response(200, {}, WC["body"])["data"]),
    "pintopay": ("card_123", lambda: pintopay.open_response(200, {}, PTP["body"])["data"]),
}
TYPES = {".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm"}
PUBLIC = ("examples/browser/", "bindings-node/pkg/")


def reveal(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    card = CARDS.get(request.get("provider", ""))
    if card is None or card[0] != request.get("cardId"):
        return 404, {"error": "no such card for this user"}
    sealed = cardwire.seal_card_for_browser(card[1](), request["publicKey"], card_id=card[0], request_id=request["requestId"],
                                            expires_at_ms=int(time.time() * 1000) + 60_000, provider=request["provider"])
    return 200, {"sealed": sealed}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if urlparse(self.path).path != "/api/reveal":
            self._send(404, "text/plain", b"")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            status, answer = reveal(json.loads(body))
        except cardwire.CardwireError as e:
            status, answer = 400, {"error": e.code}
        except (ValueError, KeyError, TypeError):
            status, answer = 400, {"error": "bad request"}
        self._send(status, "application/json", json.dumps(answer).encode())

    def do_GET(self) -> None:
        path = posixpath.normpath(unquote(urlparse(self.path).path)).lstrip("/")
        file = ROOT / path
        if not path.startswith(PUBLIC) or not file.is_file():
            self._send(404, "text/plain", b"")
            return
        self._send(200, TYPES.get(file.suffix, "application/octet-stream"), file.read_bytes())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
