"""Real traffic, round 3, as a new user meets it in Python: webhooks sealed
and signed by independent code (PyNaCl, hmac) with event times of every
shape are accepted; business keys tell events apart; keys, floats, unknown
paths and missing bodies get errors that say what to do."""
from __future__ import annotations

import base64
import decimal
import hashlib
import hmac
import json
import subprocess
import sys

import cardwire
import nacl.secret
import nacl.utils
import pytest
from conftest import AES_HEX, key

SECRET = "ptp-secret-123"
NOW_MS = 1_767_323_045_000


def pynacl_seal(payload: dict[str, object]) -> bytes:
    """PinToPay's envelope, sealed by PyNaCl: 0x02 ‖ nonce ‖ secretbox."""
    box = nacl.secret.SecretBox(hashlib.sha256(SECRET.encode()).digest())
    nonce = nacl.utils.random(24)
    sealed = box.encrypt(json.dumps(payload, separators=(",", ":")).encode(), nonce)
    return json.dumps({"encrypted": base64.b64encode(b"\x02" + nonce + sealed.ciphertext).decode()}).encode()


TIMES: list[object] = [
    1764000000, 1764000000123, 1764000000123456, 1764000000.5, -5, 0, 10**15,
    "2020-01-01T00:00:00Z", "2199-12-31T23:59:59+14:00", "2026-01-02T03:04:05", "2026-01-02 03:04:05",
    "weeks ago", "", None, {"s": 1}, [1, 2],
]


@pytest.mark.parametrize("t", TIMES, ids=[repr(t) for t in TIMES])
def test_pintopay_event_times_are_data(t: object) -> None:
    m = cardwire.PinToPayMerchant("ptp_key", SECRET)
    body = pynacl_seal({"type": "card.frozen", "card_id": "card_1", "status": "frozen", "created_at": t, "timestamp": t})
    ev = m.verify_webhook({"API-KEY": "ptp_key"}, body, now_ms=NOW_MS)
    assert ev.type == "card.frozen" and ev.timestamp_ms is None and not ev.duplicate
    assert ev.business_key is not None and ev.business_key.startswith("card.frozen::card_1:frozen:")
    assert m.verify_webhook({}, body, now_ms=NOW_MS + 1).duplicate


@pytest.mark.parametrize("t", TIMES, ids=[repr(t) for t in TIMES])
def test_payca_event_times_are_data(t: object) -> None:
    c = cardwire.PayCaClient("pc_client", "pc_secret")
    body = json.dumps({"cardholderId": "ch-1", "status": "pass_audit", "timestamp": t}).encode()
    sig = "sha256=" + hmac.new(b"pc_secret", body, hashlib.sha256).hexdigest()
    ev = c.verify_webhook({"x-signature": sig}, body, now_ms=NOW_MS)
    assert ev.type == "cardholder_status" and ev.timestamp_ms is None


def test_payca_status_moves_keep_their_order_and_keys() -> None:
    c = cardwire.PayCaClient("pc_client", "pc_secret")
    keys = []
    for status in ["wait_audit", "under_review", "pass_audit"]:
        body = json.dumps({"cardholderId": "ch-1", "status": status, "timestamp": "2026-01-02T03:04:05Z"}).encode()
        sig = "sha256=" + hmac.new(b"pc_secret", body, hashlib.sha256).hexdigest()
        keys.append(c.verify_webhook({"x-signature": sig}, body).business_key)
    assert len(set(keys)) == 3 and keys[-1].split(":")[3] == "pass_audit", keys


def test_aes_key_from_a_file_or_as_bytes() -> None:
    platform = cardwire.WorldCardPlatform("app", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    hook = platform.sign_webhook("card_open", {"card_id": "1"})
    for aes in [AES_HEX + "\n", "  " + AES_HEX + "\r\n", bytes.fromhex(AES_HEX), base64.b64encode(bytes.fromhex(AES_HEX)).decode()]:
        m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), aes, key("platform_2048.spki.pem"))
        assert m.verify_webhook(hook["headers"], hook["body"]).type == "card_open", repr(aes)
    with pytest.raises(cardwire.InvalidKey) as e:
        cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), bytes.fromhex(AES_HEX)[:16])
    assert "exactly 32 bytes" in str(e.value)
    with pytest.raises(cardwire.InvalidKey) as e:
        cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX[:40])
    assert all(w in str(e.value) for w in ["64 hex", "44 Base64", "32 raw", "white space"]), str(e.value)
    assert AES_HEX not in str(e.value)


def test_a_webhook_for_another_app_is_unknown_merchant() -> None:
    platform = cardwire.WorldCardPlatform("other_app", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    hook = platform.sign_webhook("card_open", {"card_id": "1"})
    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    with pytest.raises(cardwire.UnknownMerchant):
        m.verify_webhook(hook["headers"], hook["body"])


def test_money_never_goes_through_a_float() -> None:
    m = cardwire.PinToPayMerchant("ptp_key", SECRET)
    with pytest.raises(cardwire.InvalidInput) as e:
        m.build_request("/api/v1/cards/topup", {"card_id": "c", "amount": 100.5}, idempotency_key="i")
    assert "decimal.Decimal" in str(e.value) and "100.5" in str(e.value)
    with pytest.raises(cardwire.InvalidInput):
        m.build_request("/api/v1/cards/get", {"card_id": "c", "nested": {"x": [1.0]}})
    # A Decimal goes out as its exact text: a string where the table documents a decimal string.
    req = m.build_request("/api/v1/cards/topup", {"card_id": "c", "amount": decimal.Decimal("100.50")}, idempotency_key="i")
    opened = cardwire.PinToPayPlatform("ptp_key", SECRET).verify_request(req["headers"], req["body"], path="/api/v1/cards/topup")
    assert opened["amount"] == "100.50"
    box = nacl.secret.SecretBox(hashlib.sha256(SECRET.encode()).digest())
    raw = base64.b64decode(json.loads(req["body"])["encrypted"])
    assert b'"amount":"100.50"' in box.decrypt(raw[25:], raw[1:25]), "PyNaCl sees the string"
    # A JSON number where the table does not say string (Wasabi amounts).
    w = cardwire.WasabiMerchant("k", key("merchant_1024.pkcs8.pem"), key("platform_1024.spki.pem"))
    req = w.build_request("/merchant/core/mcb/card/deposit", {"cardNo": "c", "merchantOrderNo": "m" * 20, "amount": decimal.Decimal("15.10")})
    assert b'"amount":15.10' in req["body"]


def test_an_unknown_path_is_refused_naming_the_nearest() -> None:
    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX)
    with pytest.raises(cardwire.ValidationFailed) as e:
        m.build_request("/api/v1/card/virtual/get_inf", {"card_id": "c"})
    assert "nearest: `/api/v1/card/virtual/get_info`" in e.value.errors["path"][0]
    assert m.build_request("/api/v1/card/nope", {"card_id": "c"}, validate=False)["path"] == "/api/v1/card/nope"


def test_a_missing_body_says_how_to_read_it() -> None:
    c = cardwire.PayCaClient("pc_client", "pc_secret")
    with pytest.raises(cardwire.InvalidInput) as e:
        c.verify_webhook({"x-signature": "sha256=00"}, None)  # type: ignore[arg-type]
    assert "express.raw({ type: '*/*' })" in str(e.value) and "request.get_data()" in str(e.value)


def test_import_does_not_load_asyncio() -> None:
    code = "import sys, cardwire; print('asyncio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False", "asyncio is imported on the first async call, not with the package"
