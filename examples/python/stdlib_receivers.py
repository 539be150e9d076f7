"""A webhook receiver per provider on the standard library's HTTP server.

Each route reads the raw body, verifies it with the provider's merchant
class, does the work once (a redelivery comes back ``duplicate``) and answers
with the provider's acknowledgement. Run as a script, it starts on a free
loopback port, has each provider's platform side (cardwire's own, standing
in for the real provider) post a signed webhook twice plus one forgery, and
prints what happened. Throwaway test keys from tests/vectors/keys."""
from __future__ import annotations

import http.server
import pathlib
import threading
import urllib.error
import urllib.request
from typing import Any, Callable

import cardwire

KEYS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"


def key(name: str) -> str:
    return (KEYS / name).read_text()


AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
LEGACY_SECRET = "sBOvCZZurSbbdJiA"

RECEIVERS: dict[str, Any] = {
    "/worldcard": cardwire.WorldCardMerchant("app_demo", key("merchant_2048.pkcs8.pem"), AES, key("platform_2048.spki.pem")),
    "/legacy": cardwire.WorldCardLegacy("app_demo", LEGACY_SECRET),
    "/wasabi": cardwire.WasabiMerchant("wsb_demo", key("merchant_1024.pkcs8.pem"), key("platform_1024.spki.pem")),
    "/pintopay": cardwire.PinToPayMerchant("ptp_demo", "ptp-demo-secret"),
    "/payca": cardwire.PayCaClient("payca_demo", "payca-demo-secret"),
}
handled: list[str] = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        merchant = RECEIVERS.get(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if merchant is None:
            self._answer(404, {}, b"")
            return
        try:
            event = merchant.verify_webhook(self.headers, body)
        except cardwire.CardwireError as e:
            self._answer(401, {}, e.code.encode())
            return
        if not event.duplicate:
            handled.append(f"{self.path[1:]}:{event.type}")  # your work, once per delivery
        ack = type(merchant).webhook_ack()
        self._answer(ack["status"], ack["headers"], ack["body"])

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def post(url: str, hook: cardwire.SignedWebhook, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body if body is not None else hook["body"], method="POST", headers=hook["headers"])
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return e.code


def tamper(body: bytes) -> bytes:
    """One signed byte changed: the first letter or digit past the middle."""
    i = next(i for i in range(len(body) // 2, len(body)) if chr(body[i]).isalnum())
    return body[:i] + (b"B" if body[i:i + 1] == b"A" else b"A") + body[i + 1:]


def main() -> None:
    senders: dict[str, Callable[[], cardwire.SignedWebhook]] = {
        "/worldcard": lambda: cardwire.WorldCardPlatform("app_demo", key("merchant_2048.spki.pem"), AES, key("platform_2048.pkcs8.pem"))
        .sign_webhook("card_deposit", {"card_id": "c-1", "amount": "50.00", "status": 1}),
        "/legacy": lambda: cardwire.WorldCardLegacyPlatform("app_demo", LEGACY_SECRET)
        .sign_webhook({"orderNo": "O1", "merOrderNo": "M1", "status": "2", "settleAmount": "20.10"}),
        "/wasabi": lambda: cardwire.WasabiPlatform("wsb_demo", key("platform_1024.pkcs8.pem"), key("merchant_1024.spki.pem"))
        .sign_webhook("card_transaction", {"orderNo": "T-1", "status": "success"}),
        "/pintopay": lambda: cardwire.PinToPayPlatform("ptp_demo", "ptp-demo-secret").sign_webhook("card.transaction", {"card_id": "c-1"}),
        "/payca": lambda: cardwire.PayCaPlatform("payca_demo", "payca-demo-secret").sign_webhook("card_transaction", {"cardId": "c-1"}),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path, sign in senders.items():
            hook = sign()
            statuses = [post(base + path, hook), post(base + path, hook), post(base + path, hook, tamper(hook["body"]))]
            print(f"{path[1:]}: delivery {statuses[0]}, redelivery {statuses[1]}, forgery {statuses[2]}")
    finally:
        server.shutdown()
        server.server_close()
    print("handled once each:", ", ".join(handled))


if __name__ == "__main__":
    main()
