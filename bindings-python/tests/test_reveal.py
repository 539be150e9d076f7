"""Card reveal interop with an HPKE composed here from `cryptography`'s
X25519, HKDF and AES-GCM (RFC 9180 base mode, written out in this file, not
by cardwire), checked first against RFC 9180's published vector; then both
directions against the Python package."""
from __future__ import annotations

import hashlib
import hmac
import json
import struct
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

import cardwire
import pytest
from conftest import ROOT
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

KEM_ID, KDF_ID, AEAD_ID = 0x20, 1, 2
SUITE_KEM = b"KEM" + struct.pack(">H", KEM_ID)
SUITE = b"HPKE" + struct.pack(">HHH", KEM_ID, KDF_ID, AEAD_ID)


def extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()


def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), n, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info).derive(prk)


def raw_pub(k: X25519PublicKey) -> bytes:
    return k.public_bytes(Encoding.Raw, PublicFormat.Raw)


def derive_key_pair(ikm: bytes) -> X25519PrivateKey:
    prk = labeled_extract(SUITE_KEM, b"", b"dkp_prk", ikm)
    return X25519PrivateKey.from_private_bytes(labeled_expand(SUITE_KEM, prk, b"sk", b"", 32))


def shared_secret(dh: bytes, enc: bytes, pk_r: bytes) -> bytes:
    prk = labeled_extract(SUITE_KEM, b"", b"eae_prk", dh)
    return labeled_expand(SUITE_KEM, prk, b"shared_secret", enc + pk_r, 32)


def key_schedule(ss: bytes, info: bytes) -> tuple[bytes, bytes]:
    ctx = b"\x00" + labeled_extract(SUITE, b"", b"psk_id_hash", b"") + labeled_extract(SUITE, b"", b"info_hash", info)
    secret = labeled_extract(SUITE, ss, b"secret", b"")
    return labeled_expand(SUITE, secret, b"key", ctx, 32), labeled_expand(SUITE, secret, b"base_nonce", ctx, 12)


def seal(pk_r: bytes, info: bytes, aad: bytes, pt: bytes, eph: X25519PrivateKey | None = None) -> tuple[bytes, bytes]:
    sk_e = eph or X25519PrivateKey.generate()
    enc = raw_pub(sk_e.public_key())
    ss = shared_secret(sk_e.exchange(X25519PublicKey.from_public_bytes(pk_r)), enc, pk_r)
    key, nonce = key_schedule(ss, info)
    return enc, AESGCM(key).encrypt(nonce, pt, aad)


def open_(sk_r: X25519PrivateKey, enc: bytes, info: bytes, aad: bytes, ct: bytes) -> bytes:
    ss = shared_secret(sk_r.exchange(X25519PublicKey.from_public_bytes(enc)), enc, raw_pub(sk_r.public_key()))
    key, nonce = key_schedule(ss, info)
    return AESGCM(key).decrypt(nonce, ct, aad)


def b64url(b: bytes) -> str:
    return urlsafe_b64encode(b).decode().rstrip("=")


def unb64url(s: str) -> bytes:
    return urlsafe_b64decode(s + "=" * (-len(s) % 4))


def info(card_id: str, request_id: str) -> bytes:
    return b"cardwire card reveal v1\x00" + card_id.encode() + b"\x00" + request_id.encode()


def header(expires_at_ms: int) -> bytes:
    return b"\x01" + struct.pack(">Q", expires_at_ms)


FIELDS = {"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "29"}


def test_the_hpke_written_here_matches_rfc9180() -> None:
    v = json.loads((ROOT / "tests/vectors/hpke/rfc9180_x25519_sha256_aes256gcm.json").read_text())["vector"]
    h = bytes.fromhex
    sk_r = derive_key_pair(h(v["ikmR"]))
    assert raw_pub(sk_r.public_key()).hex() == v["pkRm"]
    sk_e = derive_key_pair(h(v["ikmE"]))
    e = v["encryptions"][0]
    enc, ct = seal(h(v["pkRm"]), h(v["info"]), h(e["aad"]), h(e["pt"]), sk_e)
    assert (enc.hex(), ct.hex()) == (v["enc"], e["ct"])
    assert open_(sk_r, enc, h(v["info"]), h(e["aad"]), ct) == h(e["pt"])


def test_a_reveal_sealed_by_cardwire_opens_here() -> None:
    sk = X25519PrivateKey.generate()
    expires = int(time.time() * 1000) + 60_000
    sealed = cardwire.seal_card_for_browser(FIELDS, b64url(raw_pub(sk.public_key())), card_id="card-1", request_id="req-1", expires_at_ms=expires)
    blob = unb64url(sealed)
    assert blob[:9] == header(expires)
    assert json.loads(open_(sk, blob[9:41], info("card-1", "req-1"), blob[:9], blob[41:])) == FIELDS
    with pytest.raises(Exception):
        open_(sk, blob[9:41], info("card-1", "req-2"), blob[:9], blob[41:])


def test_a_reveal_sealed_here_opens_once_in_a_card_reveal() -> None:
    reveal = cardwire.CardReveal.start("card-7")
    assert (reveal.card_id, len(unb64url(reveal.public_key))) == ("card-7", 32)
    expires = int(time.time() * 1000) + 60_000
    enc, ct = seal(unb64url(reveal.public_key), info("card-7", reveal.request_id), header(expires), json.dumps(FIELDS).encode())
    sealed = b64url(header(expires) + enc + ct)
    assert reveal.open(sealed) == FIELDS
    with pytest.raises(cardwire.ReplayDetected):
        reveal.open(sealed)


def test_provider_data_to_a_sealed_reveal(wc_pair: Any) -> None:
    m, p = wc_pair
    sealed_response = p.seal_response({"card_id": "c-1", "card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029", "balance": "10.00"})
    opened = m.open_response(sealed_response["status"], sealed_response["headers"], sealed_response["body"])
    reveal = cardwire.CardReveal("c-1")
    sealed = cardwire.seal_card_for_browser(opened["data"], reveal.public_key, card_id="c-1", request_id=reveal.request_id,
                                            expires_at_ms=int(time.time() * 1000) + 60_000, provider="worldcard")
    assert reveal.open(sealed) == {"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029"}
    with pytest.raises(cardwire.InvalidInput):
        cardwire.seal_card_for_browser(FIELDS, b64url(b"\x01" * 31), card_id="c", request_id="r", expires_at_ms=int(time.time() * 1000) + 1000)


def test_answer_reveal_seals_for_the_page_and_audits_without_card_data() -> None:
    reveal = cardwire.CardReveal.start("card-9")
    opened = {"card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029", "balance": "10.00"}
    answer = cardwire.answer_reveal(reveal.request(), opened, provider="worldcard", ttl_ms=30_000)
    audit = answer["audit"]
    assert sorted(audit) == ["at_ms", "card_id", "expires_at_ms", "fields", "provider", "request_id"]
    assert (audit["card_id"], audit["request_id"], audit["provider"]) == ("card-9", reveal.request_id, "worldcard")
    assert audit["fields"] == ["cvv", "expiry_month", "expiry_year", "pan"]
    assert audit["expires_at_ms"] <= audit["at_ms"] + 30_000
    assert not any(s in json.dumps(audit) for s in ("4937241000003841", "3841", "2029", "10.00"))
    fields = reveal.open(answer["sealed"])
    assert fields["pan"] == "4937241000003841" and "balance" not in fields


def test_answer_reveal_opens_with_the_hpke_written_here() -> None:
    # The page's key pair is made here, not by cardwire: the answer must open
    # with the RFC 9180 code above, under the expiry the audit record names.
    sk = X25519PrivateKey.generate()
    request = {"public_key": b64url(raw_pub(sk.public_key())), "request_id": "a" * 32, "card_id": "card-3",
               "expires_at_ms": int(time.time() * 1000) + 60_000}
    opened = {"card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029", "balance": "10.00"}
    answer = cardwire.answer_reveal(request, opened, provider="worldcard", ttl_ms=30_000)
    blob = unb64url(answer["sealed"])
    assert blob[:9] == header(answer["audit"]["expires_at_ms"])
    fields = json.loads(open_(sk, blob[9:41], info("card-3", "a" * 32), blob[:9], blob[41:]))
    assert fields == {"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029"}
    with pytest.raises(Exception):
        open_(sk, blob[9:41], info("card-4", "a" * 32), blob[:9], blob[41:])
