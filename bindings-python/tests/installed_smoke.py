"""The installed-package smoke test: one round trip per provider, both sides,
in process. Run by `make test-python`, `make package-python` and
`make package-portable` in fresh virtualenvs that hold nothing but a built
wheel (installed with --no-index): the wheel needs no build tools, no Rust,
no network and no other package. Under qemu-user (the aarch64 wheels) it
runs from the unpacked wheel with an arm64 Python.

    python installed_smoke.py KEYS_DIR [--backend native]

Each provider: the merchant builds, the platform verifies and seals, the
merchant opens; the platform signs a webhook, the merchant verifies it, a
redelivery comes back duplicate and a changed byte is refused with the
catalog code.
"""
from __future__ import annotations

import base64
import json
import pathlib
import sys
from decimal import Decimal
from typing import Any, Callable

import cardwire

KEYS = pathlib.Path(sys.argv[1])
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
checked: list[str] = []


def key(name: str) -> str:
    return (KEYS / name).read_text()


def refused(code: str, f: Callable[[], Any]) -> None:
    try:
        f()
    except cardwire.CardwireError as e:
        assert e.code == code, (e.code, code)
        return
    raise SystemExit(f"accepted what should be refused with {code}")


def raw(body: Any) -> bytes:
    return body.encode() if isinstance(body, str) else bytes(body)


def changed(old: str, new: str) -> Callable[[Any], bytes]:
    """The body with one value changed (it must be there)."""
    def change(body: Any) -> bytes:
        assert old.encode() in raw(body), (old, body)
        return raw(body).replace(old.encode(), new.encode(), 1)
    return change


def flipped_byte(body: Any) -> bytes:
    """One bit of the body changed: for envelopes whose signature covers the raw bytes."""
    b = bytearray(raw(body))
    b[len(b) // 2] ^= 0x01
    return bytes(b)


def flipped_ciphertext(body: Any) -> bytes:
    """PinToPay: one bit of the sealed bytes changed, still valid Base64."""
    doc = json.loads(raw(body))
    sealed = bytearray(base64.b64decode(doc["encrypted"]))
    sealed[-1] ^= 0x01
    doc["encrypted"] = base64.b64encode(bytes(sealed)).decode()
    return json.dumps(doc).encode()


def webhook(hook: Any, receiver: Any, tamper: Callable[[Any], bytes], code: str = "signature_invalid") -> None:
    first = receiver.verify_webhook(hook["headers"], hook["body"])
    again = receiver.verify_webhook(hook["headers"], hook["body"])
    assert (first.duplicate, again.duplicate) == (False, True)
    refused(code, lambda: receiver.verify_webhook(hook["headers"], tamper(hook["body"])))


def opened(merchant: Any, r: Any, **kw: Any) -> Any:
    return merchant.open_response(r["status"], r["headers"], r["body"], **kw)


# WorldCard Card/*: AES-256-GCM body, RSA-PSS-SHA256.
m = cardwire.WorldCardMerchant("app_smoke", key("merchant_2048.pkcs8.pem"), AES, key("platform_2048.spki.pem"))
p = cardwire.WorldCardPlatform("app_smoke", key("merchant_2048.spki.pem"), AES, key("platform_2048.pkcs8.pem"))
req = m.build_request("/api/v1/card/deposit", {"card_id": "c_1", "amount": "10.00", "merchant_transaction_id": "t1"})
assert p.verify_request(req["headers"], req["body"], path="/api/v1/card/deposit")["amount"] == "10.00"
refused("signature_invalid", lambda: p.verify_request({**req["headers"], "X-Signature": "AAAA"}, req["body"]))
assert opened(m, p.seal_response({"card_id": "c_1", "status": 2}))["data"]["card_id"] == "c_1"
webhook(p.sign_webhook("card_open", {"card_id": "c_1", "status": 2}), m, flipped_byte)
checked.append("worldcard")

# WorldCard legacy: MD5 over sorted parameters, AES-ECB.
secret = "sBOvCZZurSbbdJiA"
lm, lp = cardwire.WorldCardLegacy("app-1", secret), cardwire.WorldCardLegacyPlatform("app-1", secret)
req = lm.build_request("/op/card/E/info", {"cardNumber": "4000"})
assert lp.verify_request(req["headers"], req["body"], path="/op/card/E/info")["cardNumber"] == "4000"
assert opened(lm, lp.seal_response({"cardNo": "4000", "balance": Decimal("12.00")}))["data"]["balance"] == "12.00"
webhook(lp.sign_webhook({"orderNo": "O1", "merOrderNo": "M1", "status": "2", "settleAmount": "20.10"}), lm, changed("20.10", "20.11"))
checked.append("worldcard_legacy")

# Wasabi Card Open API: RSA-SHA256 PKCS#1 v1.5 (1024-bit keys), RSA-encrypted fields.
wm = cardwire.WasabiMerchant("wsb", key("merchant_1024.pkcs8.pem"), key("platform_1024.spki.pem"))
wp = cardwire.WasabiPlatform("wsb", key("platform_1024.pkcs8.pem"), key("merchant_1024.spki.pem"))
req = wm.build_request("/merchant/core/mcb/card/info", {"cardNo": "c1"})
assert wp.verify_request(req["headers"], req["body"])["cardNo"] == "c1"
refused("signature_invalid", lambda: wp.verify_request(req["headers"], changed('"c1"', '"c2"')(req["body"])))
o = opened(wm, wp.seal_response({"cardNo": "c1", "cvv": wp.encrypt_field("321"), "balance": Decimal("15.10")}))
assert o["authenticated"] and o["data"]["balance"] == "15.10" and wm.decrypt_field(o["data"]["cvv"]) == "321"
webhook(wp.sign_webhook("card_transaction", {"orderNo": "T-1", "status": "success"}), wm, changed("T-1", "T-2"))
checked.append("wasabi")

# Wasabi API gateway: X-API-KEY, {success, code, msg, data}, 429 back-off.
g = cardwire.WasabiGateway("gw-key")
req = g.build_request("work-orders/", {"pageNum": 2}, method="GET")
assert {k.lower(): v for k, v in req["headers"].items()}["x-api-key"] == "gw-key"
ok = json.dumps({"success": True, "code": 200, "msg": "Success", "data": {"n": 1}}).encode()
assert g.open_response(200, {}, ok, path="work-orders/")["data"] == {"n": 1}
try:
    g.open_response(429, {"Retry-After": "2"}, b'{"message":"Too Many Attempts."}', path="cards/deposit")
    raise SystemExit("a 429 opened")
except cardwire.ApiError as e:
    assert (e.status, e.retryable, e.retry_after_ms) == (429, True, 2000)
checked.append("wasabi_gateway")

# PinToPay: XSalsa20-Poly1305 envelopes, µs timestamps, idempotency.
pm, pp = cardwire.PinToPayMerchant("ptp", "a-long-enough-secret"), cardwire.PinToPayPlatform("ptp", "a-long-enough-secret")
req = pm.build_request("/api/v1/cards/topup", {"card_id": "c", "amount": "25.50"}, idempotency_key="idem-1")
assert pp.verify_request(req["headers"], req["body"], path="/api/v1/cards/topup")["amount"] == "25.50"
refused("replay_detected", lambda: pp.verify_request(req["headers"], req["body"], path="/api/v1/cards/topup"))
assert opened(pm, pp.seal_response({"order_id": "o-1"}))["data"] == {"order_id": "o-1"}
webhook(pp.sign_webhook("card.transaction", {"card_id": "c", "amount": "1.00"}), pm, flipped_ciphertext, "decrypt_failed")
checked.append("pintopay")

# PayCA: client id/secret headers, `sha256=` HMAC-SHA256 webhooks.
c, cp = cardwire.PayCaClient("cid", "csecret"), cardwire.PayCaPlatform("cid", "csecret")
req = c.build_request("/v1/users", {"externalId": "usr-001"})
assert cp.verify_request(req["headers"], req["body"], path="/v1/users")["externalId"] == "usr-001"
refused("signature_invalid", lambda: cp.verify_request(cardwire.PayCaClient("cid", "wrong").build_request("/v1/users", {"externalId": "x"})["headers"], b"{}", path="/v1/users"))
webhook(cp.sign_webhook("card_transaction", {"cardId": "c-1", "amount": "1.00"}), c, changed("1.00", "1.01"))
checked.append("payca")

want = sys.argv[sys.argv.index("--backend") + 1] if "--backend" in sys.argv else "native"
assert cardwire.backend == want, cardwire.backend
print(f"installed wheel works on Python {sys.version.split()[0]} ({sys.platform}, {cardwire.backend}): {', '.join(checked)}")
