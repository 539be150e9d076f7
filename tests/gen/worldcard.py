#!/usr/bin/env python3
"""Generate WorldCard `Card/*` conformance vectors with Python `cryptography`.

An implementation independent of cardwire produces every artifact here: RSA-PSS
signatures (salt 32 and the maximum salt, as Go's rsa.SignPSS(..., nil) makes),
AES-256-GCM ciphertexts in Base64(nonce || ciphertext || tag), complete request and
webhook envelopes, and negative cases carrying the expected error code.

Re-runnable: keys are created once under tests/vectors/keys/ and reused; PSS
salts and GCM nonces are random, so re-running changes the signatures but not
what they must verify to. Run with `make vectors`.
"""
import base64
import hashlib

import business_key as bk
import json
import os
import pathlib
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = pathlib.Path(__file__).resolve().parent.parent / "vectors"
KEYS = ROOT / "keys"
OUT = ROOT / "worldcard"

AES_KEY_HEX = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
OTHER_AES_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
APP_ID = "app_cardwire_test"
NOW_S = 1_764_000_000  # fixed "now" for the vectors (2025-11-24T16:00:00Z)


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def load_or_create(name: str, bits: int):
    path = KEYS / f"{name}.pkcs8.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    priv8 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    priv1 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    der8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pub = key.public_key()
    spki = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1 = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    spki_der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1_der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    (KEYS / f"{name}.pkcs8.pem").write_bytes(priv8)
    (KEYS / f"{name}.pkcs1.pem").write_bytes(priv1)
    (KEYS / f"{name}.pkcs8.b64").write_text(b64(der8) + "\n")
    (KEYS / f"{name}.spki.pem").write_bytes(spki)
    (KEYS / f"{name}.pkcs1-pub.pem").write_bytes(pkcs1)
    (KEYS / f"{name}.spki.b64").write_text(b64(spki_der) + "\n")
    (KEYS / f"{name}.pkcs1-pub.b64").write_text(b64(pkcs1_der) + "\n")
    return key


def max_salt(key) -> int:
    em_len = (key.key_size - 1 + 7) // 8
    return em_len - 32 - 2


def pss_sign(key, message: bytes, salt: int) -> bytes:
    return key.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256())


def gcm_seal(key_hex: str, plaintext: bytes) -> str:
    nonce = os.urandom(12)
    return b64(nonce + AESGCM(bytes.fromhex(key_hex)).encrypt(nonce, plaintext, None))


def data_body(key_hex: str, payload: dict) -> bytes:
    plaintext = json.dumps(payload, separators=(",", ":")).encode()
    return b'{"data":"' + gcm_seal(key_hex, plaintext).encode() + b'"}'


def envelope(signer, key_hex, payload, timestamp, nonce, salt=32, app_id=APP_ID):
    body = data_body(key_hex, payload)
    sig = pss_sign(signer, body + str(timestamp).encode() + nonce.encode(), salt)
    headers = [["Content-Type", "application/json"], ["X-App-Id", app_id],
               ["X-Signature", b64(sig)], ["X-Timestamp", str(timestamp)], ["X-Nonce", nonce]]
    return headers, body


def write(name: str, case: dict):
    if case.get("kind") == "webhook" and case.get("expect") == "ok":
        # The delivery identity: the signed X-Nonce (providers.md, "Delivery identity").
        nonce = next(v for k, v in case["headers"] if k.lower() == "x-nonce")
        payload = case["payload"]
        case = dict(case, nonce_sha256=hashlib.sha256(nonce.encode()).hexdigest(),
                    # The business key, by the documented rule (tests/gen/business_key.py).
                    business_key=bk.business_key(payload.get("notify_type", ""), payload, **bk.WORLDCARD))
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=2, sort_keys=True) + "\n")


WEBHOOKS = {
    "card_open": {"card_id": "1234567890123456", "merchant_card_id": "mc_001", "card_number": "4937241000003841",
                  "status": 2, "amount": "100.00", "currency": "USD", "create_time": "2026-04-01T10:00:00+08:00",
                  "complete_time": "2026-04-01T10:00:05+08:00"},
    "card_deposit": {"transaction_id": "tx_1", "merchant_transaction_id": "mt_1", "card_id": "1234567890123456",
                     "amount": "50.00", "settle_amount": "49.50", "currency": "USD", "status": 1,
                     "create_time": "2026-04-01T10:00:00+08:00", "complete_time": "2026-04-01T10:00:03+08:00"},
    "card_close": {"card_id": "1234567890123456", "merchant_card_id": "mc_001", "card_number": "4937241000003841",
                   "card_status": "cancelled", "amount": "12.34", "currency": "USD", "complete_time": "2026-04-02T10:00:00+08:00"},
    "card_status_change": {"card_id": "1234567890123456", "merchant_card_id": "mc_001", "card_number": "4937241000003841",
                           "card_status": "frozen", "change_time": "2026-04-02T09:00:00+08:00"},
    "card_billing": {"transaction_id": "bill_1", "card_id": "1234567890123456", "card_type_id": 3,
                     "transaction_time": "2026-04-02T08:00:00+08:00", "transaction_type": "Authorization",
                     "transaction_status": "PENDING", "result_code": "00", "transaction_amount": "9.99",
                     "transaction_currency": "USD", "billing_amount": "9.99", "billing_currency": "USD",
                     "auth_code": "A1B2C3", "merchant_name": "ACME", "merchant_country": "US", "merchant_city": "NYC",
                     "mcc": "5734", "description": "ACME SOFTWARE"},
    "card_3ds": {"card_id": "1234567890123456", "currency": "USD", "amount": "9.99", "otp": "123456",
                 "detail": "ACME SOFTWARE", "expires_at": "2026-04-02T08:05:00+08:00"},
    "card_kyc": {"card_id": "1234567890123456789", "merchant_card_id": "mc_pcard_001", "card_type": "PHYSICAL-G",
                 "status": 3, "retry_allowed": True, "reason": "document unreadable", "reviewed_at": "2026-06-26T10:30:00+08:00"},
}


def main():
    KEYS.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    merchant = load_or_create("merchant_2048", 2048)
    platform = load_or_create("platform_2048", 2048)
    merchant_1024 = load_or_create("merchant_1024", 1024)
    platform_1024 = load_or_create("platform_1024", 1024)
    other = load_or_create("other_2048", 2048)

    # --- RSA-PSS signatures our verifier must accept (and reject) ---
    msg = b'{"data":"AAAA"}1711929600550e8400-e29b-41d4-a716-446655440000'
    for name, key, bits in [("2048", platform, 2048), ("1024", platform_1024, 1024)]:
        for salt_name, salt in [("salt32", 32), ("maxsalt", max_salt(key)), ("salt0", 0), ("salt20", 20)]:
            write(f"pss_{name}_{salt_name}", {
                "kind": "pss_verify", "public_key": f"platform_{name}.spki.pem", "message": msg.decode(),
                "signature": b64(pss_sign(key, msg, salt)), "salt_len": salt,
                "expect": "ok", "expect_strict": "ok" if salt == 32 else "signature_invalid"})
    sig = pss_sign(platform, msg, 32)
    write("pss_neg_other_key", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem", "message": msg.decode(),
                                "signature": b64(pss_sign(other, msg, 32)), "expect": "signature_invalid"})
    write("pss_neg_tampered_message", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem",
                                       "message": msg.decode().replace("AAAA", "AAAB"), "signature": b64(sig),
                                       "expect": "signature_invalid"})
    write("pss_neg_truncated", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem", "message": msg.decode(),
                                "signature": b64(sig[:-1]), "expect": "signature_invalid"})
    write("pss_neg_too_long", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem", "message": msg.decode(),
                               "signature": b64(b"\x00" + sig), "expect": "signature_invalid"})
    write("pss_neg_1024_sig_on_2048_key", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem", "message": msg.decode(),
                                           "signature": b64(pss_sign(platform_1024, msg, 32)), "expect": "signature_invalid"})
    write("pss_neg_pkcs1v15", {"kind": "pss_verify", "public_key": "platform_2048.spki.pem", "message": msg.decode(),
                               "signature": b64(platform.sign(msg, padding.PKCS1v15(), hashes.SHA256())),
                               "expect": "signature_invalid"})

    # --- AES-256-GCM fields our decryptor must open ---
    for field, plain in [("card_number", "4937241000003841"), ("cvv", "123"), ("expiry_month", "09"),
                         ("expiry_year", "2029"), ("unicode", "Zoë Ünïcødé ✓"), ("empty", "")]:
        write(f"gcm_{field}", {"kind": "gcm_open", "aes_key": AES_KEY_HEX, "value": gcm_seal(AES_KEY_HEX, plain.encode()),
                               "plaintext": plain, "expect": "ok"})
    good = base64.b64decode(gcm_seal(AES_KEY_HEX, b"4937241000003841"))
    tampered = good[:-1] + bytes([good[-1] ^ 0x01])
    write("gcm_neg_tampered_tag", {"kind": "gcm_open", "aes_key": AES_KEY_HEX, "value": b64(tampered), "expect": "decrypt_failed"})
    flipped = good[:13] + bytes([good[13] ^ 0x80]) + good[14:]
    write("gcm_neg_tampered_ciphertext", {"kind": "gcm_open", "aes_key": AES_KEY_HEX, "value": b64(flipped), "expect": "decrypt_failed"})
    write("gcm_neg_wrong_key", {"kind": "gcm_open", "aes_key": OTHER_AES_KEY_HEX, "value": b64(good), "expect": "decrypt_failed"})
    write("gcm_neg_truncated", {"kind": "gcm_open", "aes_key": AES_KEY_HEX, "value": b64(good[:27]), "expect": "malformed_envelope"})
    write("gcm_neg_bad_base64", {"kind": "gcm_open", "aes_key": AES_KEY_HEX, "value": "not*base64!", "expect": "malformed_envelope"})
    aes_b64 = b64(bytes.fromhex(AES_KEY_HEX))
    write("gcm_key_as_base64", {"kind": "gcm_open", "aes_key": aes_b64, "value": gcm_seal(AES_KEY_HEX, b"321"),
                                "plaintext": "321", "expect": "ok"})
    raw_key = "k" * 16 + "0123456789abcdef"
    write("gcm_key_as_raw_32", {"kind": "gcm_open", "aes_key": raw_key,
                                "value": gcm_seal(raw_key.encode().hex(), b"777"), "plaintext": "777", "expect": "ok"})

    # --- Webhooks (platform -> merchant), timestamps in milliseconds ---
    now_ms = NOW_S * 1000
    common = {"kind": "webhook", "aes_key": AES_KEY_HEX, "platform_public_key": "platform_2048.spki.pem", "now_ms": now_ms}
    for i, (ntype, data) in enumerate(WEBHOOKS.items()):
        payload = dict(data, notify_type=ntype)
        for salt_name, salt in [("salt32", 32), ("maxsalt", max_salt(platform))]:
            nonce = str(uuid.uuid4())
            headers, body = envelope(platform, AES_KEY_HEX, payload, now_ms - 1000 * i, nonce, salt)
            write(f"webhook_{ntype}_{salt_name}", dict(common, headers=headers, body=body.decode(),
                                                        expect="ok", notify_type=ntype, payload=payload))
    unknown = {"notify_type": "card_something_new", "card_id": "1", "extra": {"nested": [1, 2]}}
    headers, body = envelope(platform, AES_KEY_HEX, unknown, now_ms, "nonce-unknown-1")
    write("webhook_unknown_type", dict(common, headers=headers, body=body.decode(), expect="ok",
                                       notify_type="card_something_new", payload=unknown))
    headers, body = envelope(platform_1024, AES_KEY_HEX, WEBHOOKS["card_open"] | {"notify_type": "card_open"}, now_ms,
                             "nonce-1024", max_salt(platform_1024))
    write("webhook_1024_bit_platform_key", dict(common, platform_public_key="platform_1024.spki.b64", headers=headers,
                                                body=body.decode(), expect="ok", notify_type="card_open",
                                                payload=WEBHOOKS["card_open"] | {"notify_type": "card_open"}))
    base_payload = WEBHOOKS["card_open"] | {"notify_type": "card_open"}
    headers, body = envelope(platform, AES_KEY_HEX, base_payload, now_ms, "nonce-neg-1")
    tampered_body = body.replace(b'"data":"', b'"data":"A', 1)
    write("webhook_neg_tampered_body", dict(common, headers=headers, body=tampered_body.decode(), expect="signature_invalid"))
    h2 = [list(h) for h in headers]
    h2[3][1] = str(now_ms + 1)
    write("webhook_neg_tampered_timestamp", dict(common, headers=h2, body=body.decode(), expect="signature_invalid"))
    h3 = [h for h in headers if h[0] != "X-Nonce"]
    write("webhook_neg_missing_nonce", dict(common, headers=h3, body=body.decode(), expect="malformed_envelope"))
    h4 = [list(h) for h in headers]
    h4[2][1] = "%%%not-base64%%%"
    write("webhook_neg_bad_signature_base64", dict(common, headers=h4, body=body.decode(), expect="malformed_envelope"))
    headers5, body5 = envelope(other, AES_KEY_HEX, base_payload, now_ms, "nonce-neg-5")
    write("webhook_neg_signed_by_other_key", dict(common, headers=headers5, body=body5.decode(), expect="signature_invalid"))
    headers6, body6 = envelope(platform, OTHER_AES_KEY_HEX, base_payload, now_ms, "nonce-neg-6")
    write("webhook_neg_wrong_aes_key", dict(common, headers=headers6, body=body6.decode(), expect="decrypt_failed"))
    stale_ts = now_ms - 6 * 60 * 1000
    headers7, body7 = envelope(platform, AES_KEY_HEX, base_payload, stale_ts, "nonce-stale")
    write("webhook_stale_accepted_without_window", dict(common, headers=headers7, body=body7.decode(), expect="ok",
                                                        notify_type="card_open", payload=base_payload))
    write("webhook_neg_stale_with_window", dict(common, headers=headers7, body=body7.decode(), window_ms=300000,
                                                expect="timestamp_out_of_window"))
    # Freshness tied to memory: signed 47 hours ago (a late retry, inside the
    # 48 h retention) is accepted; signed 30 days ago cannot be proven new.
    old_ts = now_ms - 47 * 3600 * 1000
    headers9, body9 = envelope(platform, AES_KEY_HEX, base_payload, old_ts, "nonce-47h")
    write("webhook_late_retry_within_retention", dict(common, headers=headers9, body=body9.decode(), expect="ok",
                                                      notify_type="card_open", payload=base_payload))
    month_ts = now_ms - 30 * 86400 * 1000
    headers10, body10 = envelope(platform, AES_KEY_HEX, base_payload, month_ts, "nonce-30d")
    write("webhook_neg_signed_30_days_ago", dict(common, headers=headers10, body=body10.decode(),
                                                 expect="timestamp_out_of_window"))
    # A retry WorldCard re-signed with a new nonce: a new delivery to the
    # signature rule, the same business key (what catches it).
    headers11, body11 = envelope(platform, AES_KEY_HEX, base_payload, now_ms - 60_000, "nonce-resigned-retry")
    write("webhook_resigned_retry", dict(common, headers=headers11, body=body11.decode(), expect="ok",
                                         notify_type="card_open", payload=base_payload))
    # A webhook for another app (X-App-Id is not this merchant's): refused.
    headers12, body12 = envelope(platform, AES_KEY_HEX, base_payload, now_ms, "nonce-other-app", app_id="app_someone_else")
    write("webhook_neg_other_app_id", dict(common, headers=headers12, body=body12.decode(), expect="unknown_merchant"))
    headers8, _ = envelope(platform, AES_KEY_HEX, base_payload, now_ms, "nonce-neg-8")
    not_json = b"this is not json"
    sig8 = pss_sign(platform, not_json + str(now_ms).encode() + b"nonce-neg-8", 32)
    h8 = [list(h) for h in headers8]
    h8[2][1] = b64(sig8)
    write("webhook_neg_signed_but_not_envelope", dict(common, headers=h8, body=not_json.decode(), expect="malformed_envelope"))

    # --- Requests (merchant -> platform), timestamps in seconds ---
    rcommon = {"kind": "request", "app_id": APP_ID, "aes_key": AES_KEY_HEX,
               "merchant_public_key": "merchant_2048.spki.pem", "now_s": NOW_S}
    apply = {"merchant_card_id": "mc_001", "card_type": "VIRTUAL-V", "card_bin_id": "bin_001",
             "first_recharge_amount": "100.00", "first_name": "John", "last_name": "Doe", "state": "NY",
             "country_code": "US", "city": "New York", "address": "123 Main St", "postal_code": "10001"}
    for salt_name, salt in [("salt32", 32), ("maxsalt", max_salt(merchant))]:
        headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S - 10, str(uuid.uuid4()), salt)
        write(f"request_apply_{salt_name}", dict(rcommon, headers=headers, body=body.decode(), expect="ok", payload=apply))
    headers, body = envelope(merchant_1024, AES_KEY_HEX, {"card_id": "1234567890123456"}, NOW_S, "nonce-r1024")
    write("request_1024_bit_merchant_key", dict(rcommon, merchant_public_key="merchant_1024.pkcs1-pub.b64", headers=headers,
                                                body=body.decode(), expect="ok", payload={"card_id": "1234567890123456"}))
    headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S - 301, "nonce-r-stale")
    write("request_neg_stale_timestamp", dict(rcommon, headers=headers, body=body.decode(), expect="timestamp_out_of_window"))
    headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S + 301, "nonce-r-future")
    write("request_neg_future_timestamp", dict(rcommon, headers=headers, body=body.decode(), expect="timestamp_out_of_window"))
    headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S, "nonce-r-app", app_id="app_unknown")
    write("request_neg_unknown_app_id", dict(rcommon, headers=headers, body=body.decode(), expect="unknown_merchant"))
    headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S, "nonce-r-tamper")
    write("request_neg_tampered_body", dict(rcommon, headers=headers, body=body.replace(b'":"', b'":"B', 1).decode(),
                                            expect="signature_invalid"))
    headers, body = envelope(other, AES_KEY_HEX, apply, NOW_S, "nonce-r-other")
    write("request_neg_signed_by_other_key", dict(rcommon, headers=headers, body=body.decode(), expect="signature_invalid"))
    headers, body = envelope(merchant, OTHER_AES_KEY_HEX, apply, NOW_S, "nonce-r-aes")
    write("request_neg_wrong_aes_key", dict(rcommon, headers=headers, body=body.decode(), expect="decrypt_failed"))
    headers, body = envelope(merchant, AES_KEY_HEX, apply, NOW_S, "nonce-r-missing")
    write("request_neg_missing_app_id", dict(rcommon, headers=[h for h in headers if h[0] != "X-App-Id"],
                                             body=body.decode(), expect="malformed_envelope"))

    # --- Responses (platform -> merchant): sensitive fields encrypted by cryptography ---
    info = {"card_id": "1234567890123456", "merchant_card_id": "mc_001", "card_type": "VIRTUAL-V", "status": 2,
            "card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029",
            "available_balance": "90.00", "currency": "USD"}
    sealed = dict(info)
    for f in ("card_number", "cvv", "expiry_month", "expiry_year"):
        sealed[f] = gcm_seal(AES_KEY_HEX, info[f].encode())
    write("response_virtual_get_info", {"kind": "response", "aes_key": AES_KEY_HEX,
                                        "body": json.dumps({"code": 0, "message": "success", "data": sealed}),
                                        "expect": "ok", "data": info})
    pending = dict(info, status=1, card_number="", cvv="", expiry_month="", expiry_year="")
    write("response_not_active_empty_fields", {"kind": "response", "aes_key": AES_KEY_HEX,
                                               "body": json.dumps({"code": 0, "message": "success", "data": pending}),
                                               "expect": "ok", "data": pending})
    phys = {"card_id": "1234567890123456789", "card_type": "PHYSICAL-G", "status": 8,
            "card_number": gcm_seal(AES_KEY_HEX, b"4000123412341234")}
    write("response_physical_status_8", {"kind": "response", "aes_key": AES_KEY_HEX,
                                         "body": json.dumps({"code": 0, "message": "success", "data": phys}),
                                         "expect": "ok", "data": dict(phys, card_number="4000123412341234")})
    # The document's own physical get_info example ("Physical Card — Detail"),
    # verbatim: card_number arrives in clear. It must open; the field is
    # passed through and reported as not encrypted.
    doc_example = ('{ "code": 0, "message": "success", "data": { "card_id": "1234567890123456789", "merchant_card_id": "mc_001", '
                   '"card_type": "PHYSICAL-G", "status": 2, "card_number": "4937241000003841", "available_balance": "100.00", '
                   '"currency": "USD", "created_at": "2026-06-05T10:00:00+08:00", "updated_at": "2026-06-05T12:00:00+08:00" } }')
    write("response_physical_get_info_document_example", {"kind": "response", "aes_key": AES_KEY_HEX, "body": doc_example,
                                                          "expect": "ok", "data": json.loads(doc_example)["data"],
                                                          "unencrypted_fields": ["card_number"]})
    write("response_change_pin_no_data", {"kind": "response", "aes_key": AES_KEY_HEX,
                                          "body": '{"code":0,"message":"success"}', "expect": "ok", "data": None})
    write("response_neg_business_error", {"kind": "response", "aes_key": AES_KEY_HEX,
                                          "body": '{"code":10011,"message":"Duplicate card order","data":null}',
                                          "expect": "api_error", "provider_code": "10011"})
    bad = dict(sealed, cvv=b64(b"\x00" * 12 + b"\x01" * 19))
    write("response_neg_tampered_cvv", {"kind": "response", "aes_key": AES_KEY_HEX,
                                        "body": json.dumps({"code": 0, "message": "success", "data": bad}),
                                        "expect": "decrypt_failed"})
    print(f"wrote {len(list(OUT.glob('*.json')))} WorldCard vectors to {OUT}")


if __name__ == "__main__":
    main()
