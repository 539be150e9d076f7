#!/usr/bin/env python3
"""What a Python user writes by hand with `cryptography`, for the same
envelopes as examples/src/bench_compare.rs: the comparison baseline.

Each operation runs once and is checked before it is timed. Prints one JSON
line per measurement (mean microseconds, best of five batches)."""
import base64
import hashlib
import hmac
import json
import os
import pathlib
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEYS = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "keys"
AES = bytes.fromhex("7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a")


def private(name):
    return serialization.load_pem_private_key((KEYS / name).read_bytes(), password=None)


def public(name):
    return serialization.load_pem_public_key((KEYS / name).read_bytes())


def timed(fn):
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 0.25 or n < 5:
            fn()
            n += 1
        best = min(best, (time.perf_counter() - start) * 1e6 / n)
    return best


def report(op, us):
    print(json.dumps({"op": op, "impl": "Python cryptography (hand-written)", "us": round(us, 3)}))


def main():
    merchant, platform = private("merchant_2048.pkcs8.pem"), private("platform_2048.pkcs8.pem")
    platform_pub, merchant_pub = public("platform_2048.spki.pem"), public("merchant_2048.spki.pem")
    head = '{"card_id":"1234567890123456","merchant_transaction_id":"mt_bench_1","amount":"100.00","memo":"'
    payload = (head + "x" * (1024 - len(head) - 2) + '"}').encode()
    assert len(payload) == 1024
    gcm = AESGCM(AES)
    pss32 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)

    def build_request():
        nonce = os.urandom(12)
        body = b'{"data":"' + base64.b64encode(nonce + gcm.encrypt(nonce, payload, None)) + b'"}'
        ts, n = b"1764000000", b"bench-nonce"
        sig = merchant.sign(body + ts + n, pss32, hashes.SHA256())
        return body, {"X-App-Id": "app_bench", "X-Signature": base64.b64encode(sig).decode(),
                      "X-Timestamp": ts.decode(), "X-Nonce": n.decode(), "Content-Type": "application/json"}

    body, headers = build_request()
    merchant_pub.verify(base64.b64decode(headers["X-Signature"]), body + b"1764000000bench-nonce", pss32, hashes.SHA256())
    report("worldcard build_request 1 KB", timed(build_request))

    # A webhook as the platform sends it; verified (salt 32) and decrypted as a user would.
    nonce = os.urandom(12)
    inner = json.dumps({"notify_type": "card_billing", **json.loads(payload)}).encode()
    hook = b'{"data":"' + base64.b64encode(nonce + gcm.encrypt(nonce, inner, None)) + b'"}'
    hook_sig = platform.sign(hook + b"1764000000000n", pss32, hashes.SHA256())

    def verify_webhook():
        platform_pub.verify(hook_sig, hook + b"1764000000000n", pss32, hashes.SHA256())
        raw = base64.b64decode(json.loads(hook)["data"])
        return json.loads(gcm.decrypt(raw[:12], raw[12:], None))

    assert verify_webhook()["notify_type"] == "card_billing"
    report("worldcard verify_webhook 1 KB", timed(verify_webhook))

    n2 = os.urandom(12)
    field = base64.b64encode(n2 + gcm.encrypt(n2, b"4937241000003841", None)).decode()

    def decrypt_field():
        raw = base64.b64decode(field)
        return gcm.decrypt(raw[:12], raw[12:], None).decode()

    assert decrypt_field() == "4937241000003841"
    report("AES-GCM field decrypt", timed(decrypt_field))

    pkcs1 = padding.PKCS1v15()

    def wasabi_sign():
        return base64.b64encode(merchant.sign(payload, pkcs1, hashes.SHA256())).decode()

    merchant_pub.verify(base64.b64decode(wasabi_sign()), payload, pkcs1, hashes.SHA256())
    report("wasabi sign 1 KB", timed(wasabi_sign))

    note_sig = platform.sign(payload, pkcs1, hashes.SHA256())

    def wasabi_verify():
        platform_pub.verify(note_sig, payload, pkcs1, hashes.SHA256())
        return json.loads(payload)

    wasabi_verify()
    report("wasabi verify 1 KB", timed(wasabi_verify))

    ct = base64.b64encode(merchant_pub.encrypt(b"4937241000003841", pkcs1)).decode()

    def wasabi_decrypt():
        return merchant.decrypt(base64.b64decode(ct), pkcs1).decode()

    assert wasabi_decrypt() == "4937241000003841"
    report("wasabi field decrypt (RSA-2048 PKCS#1 v1.5)", timed(wasabi_decrypt))

    hook = b'{"event":"card_transaction","data":' + payload + b"}"
    hook_sig = "sha256=" + hmac.new(b"payca-secret", hook, hashlib.sha256).hexdigest()

    def payca_verify():
        expected = "sha256=" + hmac.new(b"payca-secret", hook, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(hook_sig.lower(), expected):
            raise ValueError("bad signature")
        return json.loads(hook)

    assert payca_verify()["event"] == "card_transaction"
    report("payca verify 1 KB", timed(payca_verify))


if __name__ == "__main__":
    main()
