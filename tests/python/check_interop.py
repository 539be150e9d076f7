#!/usr/bin/env python3
"""Verify and open envelopes made by cardwire with independent implementations.

Reads the JSON printed by `cargo run -p cardwire-examples --bin interop-emit`.
WorldCard: PSS signatures checked with salt exactly 32 (what cardwire promises
to sign with) and PSS.AUTO; bodies and card fields decrypted with AESGCM.
PinToPay: PyNaCl SecretBox opens our envelopes. PayCA: hmac verifies our
signatures; the `email` package parses our multipart body. Legacy: hashlib
recomputes our MD5 sign; `cryptography` decrypts our AES-ECB.
"""
import email.parser
import email.policy
import hashlib
import hmac
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


def legacy_text(v):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def check_other(name, case):
    provider, kind = case["provider"], case["kind"]
    if provider == "pintopay":
        import nacl.secret
        raw = base64.b64decode(json.loads(case["body"])["encrypted"])
        check(name + " version byte", raw[0] == 2)
        box = nacl.secret.SecretBox(hashlib.sha256(case["secret"].encode()).digest())
        plain = json.loads(box.decrypt(raw[25:], raw[1:25]))
        if kind == "request":
            check(name + " timestamp", plain.pop("request_timestamp") == case["timestamp_us"])
            headers = {k.lower(): v for k, v in case["headers"]}
            check(name + " headers", headers.get("api-key") == "ptp_key" and headers.get("idempotency-key") == "idem-1")
        check(name + " payload", plain == case["payload"], f"{plain}")
    elif provider == "payca" and kind == "webhook":
        headers = {k.lower(): v for k, v in case["headers"]}
        expected = "sha256=" + hmac.new(case["secret"].encode(), case["body"].encode(), hashlib.sha256).hexdigest()
        check(name + " hmac", hmac.compare_digest(headers["x-signature"], expected))
        check(name + " request id", headers["x-request-id"] == "req-1")
    elif provider == "payca" and kind == "multipart":
        body = bytes.fromhex(case["body_hex"])
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + case["content_type"].encode() + b"\r\n\r\n" + body)
        parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
        check(name + " path", case["path"] == "/v1/users/user%2F1/kyc/documents")
        check(name + " file bytes", parts["file"].get_payload(decode=True) == bytes.fromhex(case["file_hex"]))
        check(name + " file name", parts["file"].get_param("filename", header="content-disposition") == "pass%22port.jpg")
        check(name + " file type", parts["file"].get_content_type() == "image/jpeg")
        check(name + " type field", parts["type"].get_payload(decode=True) == b"passport")
    elif provider == "worldcard_legacy" and kind == "request":
        params = json.loads(case["body"])
        pairs = [(k, legacy_text(v)) for k, v in params.items() if k != "sign" and k not in case["exclude"]]
        pairs = sorted([(k, t) for k, t in pairs if t is not None] + [("appSecret", case["secret"])], key=lambda kv: kv[0].encode())
        digest = hashlib.md5("&".join(f"{k}={v}" for k, v in pairs).encode()).hexdigest()
        check(name + " md5 sign", params["sign"] == digest)
        check(name + " no secret sent", "appSecret" not in params and case["secret"] not in case["body"])
        check(name + " timestamp ms", params["timestamp"] == "1764000000000")
    elif provider == "worldcard_legacy" and kind == "ecb":
        from cryptography.hazmat.primitives import padding as sympad
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        d = Cipher(algorithms.AES(case["secret"].encode()), modes.ECB()).decryptor()
        padded = d.update(base64.b64decode(case["value"])) + d.finalize()
        u = sympad.PKCS7(128).unpadder()
        check(name + " aes-ecb", (u.update(padded) + u.finalize()).decode() == case["plaintext"])
    elif provider == "wasabi":
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric import padding as apad
        if kind in ("request", "upload", "notification"):
            headers = {k.lower(): v for k, v in case["headers"]}
            pub = serialization.load_pem_public_key((KEYS / case["public_key"]).read_bytes())
            signed = b"{}" if kind == "upload" else case["body"].encode()
            sig = base64.b64decode(headers["x-wsb-signature"])
            try:
                pub.verify(sig, signed, apad.PKCS1v15(), hashes.SHA256())
                ok = True
            except InvalidSignature:
                ok = False
            check(name + " SHA256withRSA", ok and len(sig) == pub.key_size // 8)
            if kind == "request":
                check(name + " api key", headers["x-wsb-api-key"] == "wsb_key")
            if kind == "notification":
                check(name + " category", headers["x-wsb-category"] == "card_transaction" and headers["x-wsb-request-id"] == "rq-1")
        elif kind == "field":
            priv = serialization.load_pem_private_key((KEYS / case["private_key"]).read_bytes(), password=None)
            k = priv.key_size // 8
            raw = base64.b64decode(case["value"])
            pad = {"pkcs1": apad.PKCS1v15(),
                   "oaep_sha1": apad.OAEP(mgf=apad.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None),
                   "oaep_sha256": apad.OAEP(mgf=apad.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)}[case["padding"]]
            plain = b"".join(priv.decrypt(raw[i:i + k], pad) for i in range(0, len(raw), k))
            check(name + " " + case["padding"] + " blocks", len(raw) % k == 0 and len(raw) > k)
            check(name + " " + case["padding"], plain.decode() == case["plaintext"])
    else:
        check(name, False, "unknown case")


cases = json.load(sys.stdin)
for i, case in enumerate(cases):
    name = f"{i}:{case['provider']}:{case['kind']}"
    if case["provider"] != "worldcard":
        check_other(name, case)
    elif case["kind"] in ("request", "webhook"):
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

print("interop: cardwire output checked by cryptography, PyNaCl, hashlib/hmac and email")
print(f"python-interop: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
