#!/usr/bin/env python3
"""Generate the card-reveal vector with Python `cryptography` (independent of
cardwire), following docs/reveal-format.md only: RFC 9180 HPKE base mode,
DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, written out here from
the RFC's own definitions. The HPKE part first reproduces RFC 9180's published
vector for the suite, so the reveal vector rests on a checked implementation.
"""
import hashlib
import hmac
import json
import pathlib
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "vectors" / "reveal"

KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0002
SUITE_KEM = b"KEM" + struct.pack(">H", KEM_ID)
SUITE = b"HPKE" + struct.pack(">HHH", KEM_ID, KDF_ID, AEAD_ID)


def extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()


def expand(prk: bytes, info: bytes, n: int) -> bytes:
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:n]


def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    return expand(prk, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info, n)


def derive_key_pair(ikm: bytes) -> tuple[X25519PrivateKey, bytes]:
    prk = labeled_extract(SUITE_KEM, b"", b"dkp_prk", ikm)
    sk = X25519PrivateKey.from_private_bytes(labeled_expand(SUITE_KEM, prk, b"sk", b"", 32))
    return sk, sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seal(pk_r: bytes, info: bytes, aad: bytes, pt: bytes, ikm_e: bytes) -> tuple[bytes, bytes]:
    sk_e, enc = derive_key_pair(ikm_e)
    dh = sk_e.exchange(X25519PublicKey.from_public_bytes(pk_r))
    eae = labeled_extract(SUITE_KEM, b"", b"eae_prk", dh)
    shared = labeled_expand(SUITE_KEM, eae, b"shared_secret", enc + pk_r, 32)
    psk_id_hash = labeled_extract(SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(SUITE, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(SUITE, shared, b"secret", b"")
    key = labeled_expand(SUITE, secret, b"key", context, 32)
    nonce = labeled_expand(SUITE, secret, b"base_nonce", context, 12)
    return enc, AESGCM(key).encrypt(nonce, pt, aad)


def check_rfc9180() -> None:
    v = json.loads((ROOT / "vectors" / "hpke" / "rfc9180_x25519_sha256_aes256gcm.json").read_text())["vector"]
    h = bytes.fromhex
    _, pk_r = derive_key_pair(h(v["ikmR"]))
    assert pk_r.hex() == v["pkRm"], "DeriveKeyPair disagrees with RFC 9180"
    first = v["encryptions"][0]
    enc, ct = seal(pk_r, h(v["info"]), h(first["aad"]), h(first["pt"]), h(v["ikmE"]))
    assert enc.hex() == v["enc"] and ct.hex() == first["ct"], "seal disagrees with RFC 9180"


def b64url(b: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def main() -> None:
    check_rfc9180()
    # The browser's key: RFC 9180 DeriveKeyPair of 32 bytes of randomness;
    # the request id: 16 more random bytes as lowercase hex.
    ikm_r = bytes(range(1, 33))
    request_id_bytes = bytes(range(0xA0, 0xB0))
    _, pk_r = derive_key_pair(ikm_r)
    card_id, request_id = "card-5432", request_id_bytes.hex()
    expires_at_ms = 1_764_000_120_000
    fields = {"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "29", "cardholder": "Zoë Müller"}
    info = b"cardwire card reveal v1" + b"\x00" + card_id.encode() + b"\x00" + request_id.encode()
    header = b"\x01" + struct.pack(">Q", expires_at_ms)
    plaintext = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    enc, ct = seal(pk_r, info, header, plaintext, ikm_e=bytes(range(0x40, 0x60)))
    sealed = b64url(header + enc + ct)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "v1.json").write_text(json.dumps({
        "source": "tests/gen/reveal.py: Python `cryptography` (X25519, AES-GCM) and hmac, following docs/reveal-format.md; its HPKE reproduces RFC 9180's vector for the suite first",
        "browser_ikm": ikm_r.hex(),
        "browser_public_key": b64url(pk_r),
        "request_id_random": request_id_bytes.hex(),
        "card_id": card_id,
        "request_id": request_id,
        "expires_at_ms": expires_at_ms,
        "now_ms": expires_at_ms - 60_000,
        "sender_ikm": bytes(range(0x40, 0x60)).hex(),
        "info_hex": info.hex(),
        "aad_hex": header.hex(),
        "plaintext": plaintext.decode(),
        "fields": fields,
        "sealed": sealed,
    }, indent=2, ensure_ascii=False) + "\n")
    print("reveal: 1 vector (RFC 9180 check passed)")


if __name__ == "__main__":
    main()
