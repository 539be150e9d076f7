#!/usr/bin/env python3
"""Verify and open WorldCard envelopes made by cardwire, with Python `cryptography`.

Reads the JSON printed by `cargo run -p cardwire-examples --bin interop-emit`.
Signatures are checked with salt length exactly 32 (what cardwire promises to
sign with) and with PSS.AUTO; bodies and card fields are decrypted with AESGCM.
"""
import base64
import json
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEYS = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "keys"
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def gcm_open(key_hex, b64):
    raw = base64.b64decode(b64)
    return AESGCM(bytes.fromhex(key_hex)).decrypt(raw[:12], raw[12:], None)


def verify_pss(pub, message, sig, salt):
    try:
        pub.verify(sig, message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


cases = json.load(sys.stdin)
for i, case in enumerate(cases):
    name = f"{i}:{case['kind']}"
    if case["kind"] in ("request", "webhook"):
        headers = {k.lower(): v for k, v in case["headers"]}
        pub = serialization.load_pem_public_key((KEYS / case["public_key"]).read_bytes())
        body = case["body"].encode()
        msg = body + headers["x-timestamp"].encode() + headers["x-nonce"].encode()
        sig = base64.b64decode(headers["x-signature"])
        check(name + " signature length = modulus", len(sig) == pub.key_size // 8)
        check(name + " PSS salt 32", verify_pss(pub, msg, sig, 32))
        check(name + " PSS auto", verify_pss(pub, msg, sig, padding.PSS.AUTO))
        check(name + " tampered body rejected", not verify_pss(pub, msg.replace(b'"data":"', b'"data":"x'), sig, padding.PSS.AUTO))
        env = json.loads(body)
        check(name + " body shape", list(env.keys()) == ["data"] and body.startswith(b'{"data":"'))
        plain = json.loads(gcm_open(case["aes_key"], env["data"]))
        check(name + " payload", plain == case["payload"], f"{plain} != {case['payload']}")
        check(name + " content-type", headers.get("content-type") == "application/json")
        if case["kind"] == "webhook":
            check(name + " ms timestamp", len(headers["x-timestamp"]) == 13)
        else:
            check(name + " s timestamp", len(headers["x-timestamp"]) == 10)
    elif case["kind"] == "response":
        env = json.loads(case["body"])
        check(name + " code", env["code"] == 0 and env["message"] == "success")
        data = env["data"]
        for field, value in case["data"].items():
            if field in ("card_number", "cvv", "expiry_month", "expiry_year"):
                check(name + " " + field, gcm_open(case["aes_key"], data[field]).decode() == value)
                check(name + " " + field + " not plaintext", data[field] != value)
            else:
                check(name + " " + field, data[field] == value)
    else:
        check(name, False, "unknown kind")

print("worldcard interop checked by python cryptography")
print(f"python-interop: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
