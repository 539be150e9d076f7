"""A loopback round trip per provider over real HTTP on 127.0.0.1: the
standard library's http.server plays the platform side (cardwire's platform
classes), urllib plays the client (the merchant classes), and the platform
posts a webhook back to a merchant receiver that acknowledges it."""
from __future__ import annotations

import http.server
import json
from decimal import Decimal
import threading
from typing import Any, Callable

import cardwire
import pytest
from _sandbox import send
from conftest import AES_HEX, key

Handler = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class Server:
    """A ThreadingHTTPServer on a free loopback port calling `handle`."""

    def __init__(self, handle: Handler) -> None:
        class H(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, out = handle(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def response(r: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return r["status"], r["headers"], r["body"]


def receiver(merchant: Any, ack: dict[str, Any], events: list[cardwire.Event]) -> Handler:
    def handle(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            events.append(merchant.verify_webhook(headers, body))
            return response(ack)
        except cardwire.CardwireError as e:
            return 401, {}, e.code.encode()

    return handle


def roundtrip(platform_handle: Handler, merchant: Any, req: dict[str, Any]) -> dict[str, Any]:
    server = Server(platform_handle)
    try:
        status, headers, body = send(server.url, req)
    finally:
        server.close()
    return merchant.open_response(status, headers, body)


def deliver(hook: dict[str, Any], merchant: Any, is_ack: Callable[[int, bytes], bool]) -> list[cardwire.Event]:
    events: list[cardwire.Event] = []
    server = Server(receiver(merchant, type(merchant).webhook_ack(), events))
    try:
        for _ in range(2):  # the platform retries: the second is a duplicate, acknowledged too
            status, _, body = send(server.url, {"method": "POST", "path": "/hooks", "headers": hook["headers"], "body": hook["body"]})
            assert is_ack(status, body)
    finally:
        server.close()
    return events


def test_worldcard() -> None:
    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    p = cardwire.WorldCardPlatform("app", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))

    def platform(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            payload = p.verify_request(headers, body, path=path)
        except cardwire.CardwireError as e:
            return response(cardwire.WorldCardPlatform.rejection(e))
        return response(p.seal_response({"card_id": payload["card_id"], "status": 2, "card_number": "4937241000003841", "cvv": "123"}))

    opened = roundtrip(platform, m, m.build_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"}))
    assert opened["data"]["card_number"] == "4937241000003841" and opened["data"]["cvv"] == "123"
    with pytest.raises(cardwire.ApiError) as e:
        roundtrip(platform, m, m.build_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"}, timestamp_s=1))
    assert (e.value.status, e.value.provider_message) == (401, "Request expired")
    events = deliver(p.sign_webhook("card_open", {"card_id": "c-1", "status": 2}), m, lambda s, b: cardwire.WorldCardPlatform.is_acknowledged(s, b))
    assert [ev.duplicate for ev in events] == [False, True]


def test_legacy() -> None:
    secret = "sBOvCZZurSbbdJiA"
    m = cardwire.WorldCardLegacy("app-1", secret)
    p = cardwire.WorldCardLegacyPlatform("app-1", secret)

    def platform(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            fields = p.verify_request(headers, body, path=path)
        except cardwire.CardwireError as e:
            return response(cardwire.WorldCardLegacyPlatform.rejection(e))
        return response(p.seal_response({"cardNo": fields["cardNumber"], "cvv": "987", "balance": Decimal("12.00")}))

    opened = roundtrip(platform, m, m.build_request("/op/card/E/info", {"cardNumber": "4000"}))
    assert opened["data"] == {"cardNo": "4000", "cvv": "987", "balance": "12.00"}
    events = deliver(p.sign_webhook({"orderNo": "O1", "merOrderNo": "M1", "status": "2", "settleAmount": "20.10"}), m,
                     lambda s, b: cardwire.WorldCardLegacyPlatform.is_acknowledged(s, b))
    assert [ev.type for ev in events] == ["top_up", "top_up"] and events[1].duplicate


def test_wasabi() -> None:
    m = cardwire.WasabiMerchant("wsb", key("merchant_1024.pkcs8.pem"), key("platform_1024.spki.pem"))
    p = cardwire.WasabiPlatform("wsb", key("platform_1024.pkcs8.pem"), key("merchant_1024.spki.pem"))

    def platform(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            payload = p.verify_request(headers, body)
        except cardwire.CardwireError:
            return response(p.seal_error(401, "signature error"))
        return response(p.seal_response({"cardNo": payload["cardNo"], "cvv": p.encrypt_field("321"), "balance": Decimal("15.10")}))

    opened = roundtrip(platform, m, m.build_request("/merchant/core/mcb/card/info", {"cardNo": "c1"}))
    assert opened["authenticated"] and opened["data"]["balance"] == "15.10"
    assert m.decrypt_field(opened["data"]["cvv"]) == "321"
    events = deliver(p.sign_webhook("card_transaction", {"orderNo": "T-1", "status": "success"}), m,
                     lambda s, b: cardwire.WasabiPlatform.is_acknowledged(s, b))
    assert [ev.duplicate for ev in events] == [False, True]


def test_gateway() -> None:
    g = cardwire.WasabiGateway("gw-key")

    def gateway(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if {k.lower(): v for k, v in headers.items()}.get("x-api-key") != "gw-key":
            return 401, {}, b'{"success":false,"code":401,"msg":"Invalid or missing API key.","data":null}'
        if method == "GET":
            return 200, {}, json.dumps({"success": True, "code": 200, "msg": "Success", "data": {"path": path}}).encode()
        return 429, {"Retry-After": "2"}, b'{"message":"Too Many Attempts."}'

    req = g.build_request("work-orders/", {"pageNum": 2}, method="GET")
    assert roundtrip(gateway, _GatewayOpener(g, "work-orders/"), req)["data"] == {"path": "/api/v1/work-orders/?pageNum=2"}
    with pytest.raises(cardwire.ApiError) as e:
        roundtrip(gateway, _GatewayOpener(g, "cards/deposit"), g.build_request("cards/deposit", {"cardNo": "c", "amount": "10", "merchantOrderNo": "m-1"}, validate=False))
    assert (e.value.status, e.value.retryable, e.value.retry_after_ms) == (429, True, 2000)


class _GatewayOpener:
    def __init__(self, g: cardwire.WasabiGateway, path: str) -> None:
        self.g, self.path = g, path

    def open_response(self, status: int, headers: dict[str, str], body: bytes) -> Any:
        return self.g.open_response(status, headers, body, path=self.path)


def test_pintopay() -> None:
    m = cardwire.PinToPayMerchant("ptp", "a-long-enough-secret")
    p = cardwire.PinToPayPlatform("ptp", "a-long-enough-secret")

    def platform(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            payload = p.verify_request(headers, body, path=path)
        except cardwire.CardwireError as e:
            return response(p.rejection(e))
        return response(p.seal_response({"order_id": "o-1", "amount": payload["amount"]}))

    req = m.build_request("/api/v1/cards/topup", {"card_id": "c", "amount": "25.50"}, idempotency_key="idem-1")
    assert roundtrip(platform, m, req)["data"] == {"order_id": "o-1", "amount": "25.50"}
    with pytest.raises(cardwire.ApiError) as e:  # the same sealed request again: a replay
        server = Server(platform)
        try:
            send(server.url, req)
            status, headers, body = send(server.url, req)
        finally:
            server.close()
        m.open_response(status, headers, body)
    assert e.value.provider_code == "duplicate_request"
    events = deliver(p.sign_webhook("card.transaction", {"card_id": "c", "amount": "1.00"}), m, lambda s, b: s == 200 and json.loads(b) == {"success": True})
    assert [ev.duplicate for ev in events] == [False, True]


def test_payca() -> None:
    c = cardwire.PayCaClient("cid", "csecret")
    p = cardwire.PayCaPlatform("cid", "csecret")

    def platform(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            payload = p.verify_request(headers, body, path=path)
        except cardwire.CardwireError as e:
            return response(cardwire.PayCaPlatform.rejection(e, "req-1"))
        return 201, {"Content-Type": "application/json"}, json.dumps({"id": "u-1", "externalId": payload["externalId"]}).encode()

    assert roundtrip(platform, c, c.build_request("/v1/users", {"externalId": "usr-001"}))["data"] == {"id": "u-1", "externalId": "usr-001"}
    with pytest.raises(cardwire.ApiError) as e:
        roundtrip(platform, c, cardwire.PayCaClient("cid", "wrong").build_request("/v1/users", {"externalId": "x"}))
    assert (e.value.provider_code, e.value.status, e.value.request_id) == ("ErrUnauthorized", 401, "req-1")
    events = deliver(p.sign_webhook("card_transaction", {"cardId": "c-1"}), c, lambda s, b: cardwire.PayCaPlatform.is_acknowledged(s))
    assert [ev.duplicate for ev in events] == [False, True]
