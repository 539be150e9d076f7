"""Interop both ways with the Python ecosystem's own crypto: `cryptography`
(RSA-PSS salt 32 and max, PKCS#1 v1.5 signatures, PKCS#1 v1.5 and OAEP
encryption, AES-GCM, AES-ECB, HMAC, MD5 via hashlib) and PyNaCl (the
PinToPay envelope). The independent library is the judge."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

import cardwire
import nacl.secret
import pytest
from conftest import AES_HEX, key
from cryptography.hazmat.primitives import hashes, padding as sympad, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AES = bytes.fromhex(AES_HEX)


def priv(name: str):  # type: ignore[no-untyped-def]
    return serialization.load_pem_private_key(key(name).encode(), password=None)


def pub(name: str):  # type: ignore[no-untyped-def]
    return serialization.load_pem_public_key(key(name).encode())


@pytest.mark.parametrize("bits", ["1024", "2048"])
def test_worldcard_request_verifies_with_cryptography_and_decrypts(bits: str) -> None:
    m = cardwire.WorldCardMerchant("app", key(f"merchant_{bits}.pkcs8.pem"), AES_HEX)
    req = m.build_request("/api/v1/card/virtual/get_info", {"card_id": "1234567890123456"}, timestamp_s=1764000000, nonce="n-1")
    h = req["headers"]
    signed = req["body"] + h["X-Timestamp"].encode() + h["X-Nonce"].encode()
    sig = base64.b64decode(h["X-Signature"])
    pss32 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    pub(f"merchant_{bits}.spki.pem").verify(sig, signed, pss32, hashes.SHA256())
    raw = base64.b64decode(json.loads(req["body"])["data"])
    assert json.loads(AESGCM(AES).decrypt(raw[:12], raw[12:], None)) == {"card_id": "1234567890123456"}


@pytest.mark.parametrize("salt", [32, padding.PSS.MAX_LENGTH, 0, 20])
def test_worldcard_webhook_signed_by_cryptography_verifies_any_salt(salt: int) -> None:
    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    nonce = os.urandom(12)
    payload = json.dumps({"notify_type": "card_deposit", "card_id": "1", "amount": 50.10, "status": 1}).encode()
    body = b'{"data":"' + base64.b64encode(nonce + AESGCM(AES).encrypt(nonce, payload, None)) + b'"}'
    ts, n = "1764000000123", "n-" + str(salt)
    sig = priv("platform_2048.pkcs8.pem").sign(body + ts.encode() + n.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256())
    headers = {"X-Signature": base64.b64encode(sig).decode(), "X-Timestamp": ts, "X-Nonce": n}
    ev = m.verify_webhook(headers, body, now_ms=1764000000500)
    assert ev.type == "card_deposit" and ev.data["amount"] == "50.1"
    assert not ev.duplicate and m.verify_webhook(headers, body, now_ms=1764000000600).duplicate
    with pytest.raises(cardwire.SignatureInvalid):
        m.verify_webhook(headers, body + b" ", now_ms=1764000000500)
    strict = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"), strict_pss_salt=True)
    if salt == 32:
        strict.verify_webhook(headers, body, now_ms=1764000000500)
    else:
        with pytest.raises(cardwire.SignatureInvalid):
            strict.verify_webhook(headers, body, now_ms=1764000000500)


@pytest.mark.parametrize("bits", ["1024", "2048"])
def test_wasabi_signatures_both_ways(bits: str) -> None:
    m = cardwire.WasabiMerchant("wsb", key(f"merchant_{bits}.pkcs8.pem"), key(f"platform_{bits}.spki.pem"))
    body = b'{"cardNo":"c1","merchantOrderNo":"ORDER-20260101-000001","amount":"10.00"}'
    req = m.build_request("/merchant/core/mcb/card/deposit", body)
    assert req["body"] == body
    pub(f"merchant_{bits}.spki.pem").verify(base64.b64decode(req["headers"]["X-WSB-SIGNATURE"]), body, padding.PKCS1v15(), hashes.SHA256())
    note = b'{"orderNo":"T-1","status":"success","amount":15.10}'
    sig = priv(f"platform_{bits}.pkcs8.pem").sign(note, padding.PKCS1v15(), hashes.SHA256())
    ev = m.verify_webhook({"X-WSB-CATEGORY": "card_transaction", "X-WSB-SIGNATURE": base64.b64encode(sig).decode()}, note)
    assert ev.data["amount"] == "15.10"


@pytest.mark.parametrize("bits", ["1024", "2048"])
@pytest.mark.parametrize("pad", ["pkcs1v15", "oaep-sha1", "oaep-sha256"])
def test_wasabi_fields_encrypted_by_cryptography_decrypt(bits: str, pad: str) -> None:
    scheme = {
        "pkcs1v15": padding.PKCS1v15(),
        "oaep-sha1": padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None),
        "oaep-sha256": padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    }[pad]
    m = cardwire.WasabiMerchant("wsb", key(f"merchant_{bits}.pkcs8.pem"), field_padding=pad)  # type: ignore[arg-type]
    ct = pub(f"merchant_{bits}.spki.pem").encrypt(b"4937241000003841", scheme)
    assert m.decrypt_field(base64.b64encode(ct).decode()) == "4937241000003841"
    p = cardwire.WasabiPlatform("wsb", key(f"platform_{bits}.pkcs8.pem"), key(f"merchant_{bits}.spki.pem"))
    ours = base64.b64decode(p.encrypt_field("123", padding=pad))  # type: ignore[arg-type]
    assert priv(f"merchant_{bits}.pkcs8.pem").decrypt(ours, scheme) == b"123"


def test_aes_gcm_fields_both_ways() -> None:
    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX)
    nonce = os.urandom(12)
    field = base64.b64encode(nonce + AESGCM(AES).encrypt(nonce, b"4937241000003841", None)).decode()
    assert m.decrypt_field(field) == "4937241000003841"
    raw = base64.b64decode(m.encrypt_field("123"))
    assert AESGCM(AES).decrypt(raw[:12], raw[12:], None) == b"123"


def test_legacy_md5_and_aes_ecb_against_hashlib_and_cryptography() -> None:
    secret = "sBOvCZZurSbbdJiA"
    leg = cardwire.WorldCardLegacy("app-1", secret)
    req = leg.build_request("/op/card/E/info", b'{"cardNumber":"4000","limit":20.10}', timestamp_ms=1764000000000, nonce="n1", validate=False)
    body = json.loads(req["body"], parse_float=str)
    fields = {k: v for k, v in body.items() if k != "sign"}
    canon = "&".join(f"{k}={v}" for k, v in sorted({**fields, "appSecret": secret}.items(), key=lambda kv: kv[0].encode()))
    assert body["sign"] == hashlib.md5(canon.encode()).hexdigest()
    enc = Cipher(algorithms.AES(secret.encode()), modes.ECB()).encryptor()
    padder = sympad.PKCS7(128).padder()
    ct = enc.update(padder.update(b"987") + padder.finalize()) + enc.finalize()
    assert leg.decrypt_field(base64.b64encode(ct).decode()) == "987"
    dec = Cipher(algorithms.AES(secret.encode()), modes.ECB()).decryptor()
    raw = dec.update(base64.b64decode(leg.encrypt_field("14"))) + dec.finalize()
    unpad = sympad.PKCS7(128).unpadder()
    assert unpad.update(raw) + unpad.finalize() == b"14"


def test_payca_hmac_both_ways() -> None:
    c = cardwire.PayCaClient("cid", "secret-1")
    body = b'{"event":"card_transaction","data":{"cardId":"c-1","amount":"12.50"}}'
    sig = "sha256=" + hmac.new(b"secret-1", body, hashlib.sha256).hexdigest().upper()
    ev = c.verify_webhook({"x-signature": sig, "x-request-id": "r1"}, body)
    assert ev.type == "card_transaction" and not ev.duplicate
    p = cardwire.PayCaPlatform("cid", "secret-1")
    hook = p.sign_webhook("account_transaction", {"accountId": "a", "amount": "1.00"})
    assert hook["headers"]["x-signature"] == "sha256=" + hmac.new(b"secret-1", hook["body"], hashlib.sha256).hexdigest()


def test_pintopay_envelope_both_ways_with_pynacl() -> None:
    secret = "pk_test_secret_ünïcode_✓"
    box = nacl.secret.SecretBox(hashlib.sha256(secret.encode()).digest())
    m = cardwire.PinToPayMerchant("k", secret)
    req = m.build_request("/api/v1/cards/get", {"card_id": "c1"}, timestamp_us=1764000000000000)
    raw = base64.b64decode(json.loads(req["body"])["encrypted"])
    assert raw[0] == 2
    plain = json.loads(box.decrypt(raw[25:], raw[1:25]))
    assert plain == {"card_id": "c1", "request_timestamp": 1764000000000000}
    nonce = os.urandom(24)
    sealed = base64.b64encode(bytes([2]) + nonce + box.encrypt(b'{"card_number":"4937241000003841"}', nonce).ciphertext).decode()
    assert m.open_response(200, {}, json.dumps({"encrypted": sealed}))["data"] == {"card_number": "4937241000003841"}
