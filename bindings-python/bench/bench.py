#!/usr/bin/env python3
"""The Python package against what a Python user writes by hand with
`cryptography` and PyNaCl, in one run. Each operation is checked before it
is timed. Prints JSON lines; `tests/bench/compare.py` makes the table."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import pathlib
import sys
import time
from typing import Any, Callable

import cardwire
import nacl.secret
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEYS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"
AES_HEX = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
AES = bytes.fromhex(AES_HEX)
HAND = "hand-written (cryptography / PyNaCl)"
OURS = "cardwire (Python, native)"


def key(name: str) -> str:
    return (KEYS / name).read_text()


def timed(fn: Callable[[], Any]) -> float:
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 0.2 or n < 5:
            fn()
            n += 1
        best = min(best, (time.perf_counter() - start) * 1e6 / n)
    return best


def report(op: str, impl: str, fn: Callable[[], Any]) -> None:
    print(json.dumps({"op": op, "impl": impl, "us": round(timed(fn), 3)}), flush=True)


def main() -> None:
    head = '{"card_id":"1234567890123456","merchant_transaction_id":"mt_bench_1","amount":"100.00","memo":"'
    payload = (head + "x" * (1024 - len(head) - 2) + '"}').encode()
    m = cardwire.WorldCardMerchant("app_bench", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    p = cardwire.WorldCardPlatform("app_bench", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    m_priv = serialization.load_pem_private_key(key("merchant_2048.pkcs8.pem").encode(), password=None)
    p_priv = serialization.load_pem_private_key(key("platform_2048.pkcs8.pem").encode(), password=None)
    p_pub = serialization.load_pem_public_key(key("platform_2048.spki.pem").encode())
    gcm = AESGCM(AES)
    pss32 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)

    # WorldCard build_request, 1 KB
    def hand_build() -> tuple[bytes, dict[str, str]]:
        nonce = os.urandom(12)
        body = b'{"data":"' + base64.b64encode(nonce + gcm.encrypt(nonce, payload, None)) + b'"}'
        ts, n = str(int(time.time())), os.urandom(16).hex()
        sig = m_priv.sign(body + ts.encode() + n.encode(), pss32, hashes.SHA256())
        return body, {"Content-Type": "application/json", "X-App-Id": "app_bench", "X-Signature": base64.b64encode(sig).decode(), "X-Timestamp": ts, "X-Nonce": n}

    req = m.build_request("/api/v1/card/deposit", payload)
    assert p.verify_request(req["headers"], req["body"])["amount"] == "100.00"
    report("WorldCard build_request 1 KB", OURS, lambda: m.build_request("/api/v1/card/deposit", payload))
    hand_build()
    report("WorldCard build_request 1 KB", HAND, hand_build)

    # WorldCard verify_webhook, 1 KB
    hook = p.sign_webhook("card_billing", payload)
    assert m.verify_webhook(hook["headers"], hook["body"]).type == "card_billing"

    def hand_verify() -> Any:
        h = hook["headers"]
        p_pub.verify(base64.b64decode(h["X-Signature"]), hook["body"] + h["X-Timestamp"].encode() + h["X-Nonce"].encode(), pss32, hashes.SHA256())
        raw = base64.b64decode(json.loads(hook["body"])["data"])
        return json.loads(gcm.decrypt(raw[:12], raw[12:], None))

    assert hand_verify()["notify_type"] == "card_billing"
    report("WorldCard verify_webhook 1 KB", OURS, lambda: m.verify_webhook(hook["headers"], hook["body"]))
    report("WorldCard verify_webhook 1 KB", HAND, hand_verify)

    # single-field AES-GCM decryption
    field = m.encrypt_field("4937241000003841")
    assert m.decrypt_field(field) == "4937241000003841"

    def hand_field() -> str:
        raw = base64.b64decode(field)
        return gcm.decrypt(raw[:12], raw[12:], None).decode()

    report("AES-GCM field decrypt", OURS, lambda: m.decrypt_field(field))
    report("AES-GCM field decrypt", HAND, hand_field)

    # Wasabi sign, verify, field decrypt (2048-bit keys)
    wm = cardwire.WasabiMerchant("wsb", key("merchant_2048.pkcs8.pem"), key("platform_2048.spki.pem"))
    wp = cardwire.WasabiPlatform("wsb", key("platform_2048.pkcs8.pem"), key("merchant_2048.spki.pem"))
    path = "/merchant/core/mcb/card/info"
    assert wp.verify_request(wm.build_request(path, payload, validate=False)["headers"], payload)
    report("Wasabi sign 1 KB", OURS, lambda: wm.build_request(path, payload, validate=False))
    report("Wasabi sign 1 KB", HAND, lambda: base64.b64encode(m_priv.sign(payload, padding.PKCS1v15(), hashes.SHA256())))
    note = wp.sign_webhook("card_transaction", payload)
    assert wm.verify_webhook(note["headers"], note["body"]).type == "card_transaction"
    note_sig = base64.b64decode(note["headers"]["X-WSB-SIGNATURE"])

    def hand_wverify() -> Any:
        p_pub.verify(note_sig, note["body"], padding.PKCS1v15(), hashes.SHA256())
        return json.loads(note["body"])

    report("Wasabi verify 1 KB", OURS, lambda: wm.verify_webhook(note["headers"], note["body"]))
    report("Wasabi verify 1 KB", HAND, hand_wverify)
    ct = wp.encrypt_field("4937241000003841")
    assert wm.decrypt_field(ct) == "4937241000003841"
    report("Wasabi field decrypt (RSA-2048)", OURS, lambda: wm.decrypt_field(ct))
    report("Wasabi field decrypt (RSA-2048)", HAND, lambda: m_priv.decrypt(base64.b64decode(ct), padding.PKCS1v15()).decode())

    # PinToPay seal and open, 1 KB
    secret = "ptp-bench-secret"
    pm, pp = cardwire.PinToPayMerchant("ptp", secret), cardwire.PinToPayPlatform("ptp", secret)
    box = nacl.secret.SecretBox(hashlib.sha256(secret.encode()).digest())
    card = json.loads(payload)

    def hand_seal() -> bytes:
        data = dict(card, request_timestamp=time.time_ns() // 1000)
        nonce = os.urandom(24)
        return json.dumps({"encrypted": base64.b64encode(b"\x02" + nonce + box.encrypt(json.dumps(data, separators=(",", ":")).encode(), nonce).ciphertext).decode()}).encode()

    sealed_req = pm.build_request("/api/v1/cards/get", payload, validate=False)
    assert pp.verify_request(sealed_req["headers"], sealed_req["body"], path="/api/v1/cards/get")["card_id"] == "1234567890123456"
    report("PinToPay seal 1 KB", OURS, lambda: pm.build_request("/api/v1/cards/get", payload, validate=False))
    report("PinToPay seal 1 KB", HAND, hand_seal)
    sealed = pp.seal_response(payload)

    def hand_open() -> Any:
        raw = base64.b64decode(json.loads(sealed["body"])["encrypted"])
        return json.loads(box.decrypt(raw[25:], raw[1:25]))

    assert pm.open_response(200, {}, sealed["body"])["data"] == hand_open()
    report("PinToPay open 1 KB", OURS, lambda: pm.open_response(200, {}, sealed["body"]))
    report("PinToPay open 1 KB", HAND, hand_open)

    # PayCA verify, 1 KB
    pc, pcp = cardwire.PayCaClient("cid", "payca-secret"), cardwire.PayCaPlatform("cid", "payca-secret")
    ph = pcp.sign_webhook("card_transaction", card)
    assert pc.verify_webhook(ph["headers"], ph["body"]).type == "card_transaction"

    def hand_payca() -> Any:
        sig = ph["headers"]["x-signature"]
        expected = "sha256=" + hmac.new(b"payca-secret", ph["body"], hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig.lower(), expected):
            raise ValueError("bad signature")
        return json.loads(ph["body"])

    report("PayCA verify 1 KB", OURS, lambda: pc.verify_webhook(ph["headers"], ph["body"]))
    report("PayCA verify 1 KB", HAND, hand_payca)

    # The card reveal: the back end's seal (what a Python back end does), and
    # a whole round for reference (key pair, seal, one open). No hand-written
    # row: the interop judge is tests/test_reveal.py's HPKE over `cryptography`.
    fields = {"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "29"}

    def seal_for(r: cardwire.CardReveal) -> str:
        return cardwire.seal_card_for_browser(fields, r.public_key, card_id="card-1", request_id=r.request_id,
                                              expires_at_ms=int(time.time() * 1000) + 60_000)

    def round_trip() -> Any:
        r = cardwire.CardReveal.start("card-1")
        return r.open(seal_for(r))

    assert round_trip() == fields
    page = cardwire.CardReveal.start("card-1")
    report("card reveal: seal (PAN, CVV, expiry)", OURS, lambda: seal_for(page))
    report("card reveal: start + seal + open", OURS, round_trip)
    print(f"# Python {sys.version.split()[0]}, cardwire backend {cardwire.backend}", file=sys.stderr)


if __name__ == "__main__":
    main()
