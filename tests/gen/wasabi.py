#!/usr/bin/env python3
"""Generate Wasabi Card vectors with Python `cryptography`.

SHA256withRSA (PKCS#1 v1.5) signatures over exact body bytes, RSA-encrypted
card fields (PKCS#1 v1.5 single and multi-block, OAEP-SHA1, OAEP-SHA256) with
1024- and 2048-bit keys, signed notifications for every category, gateway
responses in every documented shape, and negative cases with expected codes.
"""
import base64
import hashlib
import business_key as bk
import json
import pathlib
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = pathlib.Path(__file__).resolve().parent.parent / "vectors"
KEYS = ROOT / "keys"
OUT = ROOT / "wasabi"
API_KEY = "wsb_test_api_key"


def key(name):
    return serialization.load_pem_private_key((KEYS / f"{name}.pkcs8.pem").read_bytes(), password=None)


def b64(b):
    return base64.b64encode(b).decode()


def sign(k, body: bytes):
    return b64(k.sign(body, padding.PKCS1v15(), hashes.SHA256()))


def encrypt(pub, plain: bytes, pad="pkcs1"):
    k = pub.key_size // 8
    if pad == "pkcs1":
        p, maxlen = padding.PKCS1v15(), k - 11
    elif pad == "oaep_sha1":
        p, maxlen = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None), k - 42
    else:
        p, maxlen = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None), k - 66
    chunks = [plain[i:i + maxlen] for i in range(0, len(plain), maxlen)] or [b""]
    return b"".join(pub.encrypt(c, p) for c in chunks)


def raw_rsa(pub, em: bytes):
    n = pub.public_numbers()
    return pow(int.from_bytes(em, "big"), n.e, n.n).to_bytes(pub.key_size // 8, "big")


def write(name, case):
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    m1024, m2048, p1024, other = key("merchant_1024"), key("merchant_2048"), key("platform_1024"), key("other_2048")

    # --- requests (merchant -> platform) ---
    body = b'{"cardNo":"1234567890","merchantOrderNo":"ORDER-20260101-000001","amount":100.50}'
    rc = {"kind": "request", "api_key": API_KEY}
    write("request_1024", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode(),
                               headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m1024, body)]], expect="ok"))
    write("request_2048", dict(rc, merchant_public_key="merchant_2048.spki.pem", body=body.decode(),
                               headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m2048, body)]], expect="ok"))
    write("request_empty_params", dict(rc, merchant_public_key="merchant_1024.spki.b64", body="{}",
                                       headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m1024, b"{}")]], expect="ok"))
    write("request_multipart_signed_over_braces", dict(rc, merchant_public_key="merchant_1024.spki.b64", body="--b\r\nfile bytes\r\n--b--\r\n",
                                                       headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m1024, b"{}")],
                                                                ["Content-Type", "multipart/form-data; boundary=b"]], expect="ok"))
    write("request_neg_tampered", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode().replace("100.50", "900.50"),
                                       headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m1024, body)]], expect="signature_invalid"))
    write("request_neg_other_key", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode(),
                                        headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", sign(m2048, body)]], expect="signature_invalid"))
    write("request_neg_truncated_signature", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode(),
                                                  headers=[["X-WSB-API-KEY", API_KEY], ["X-WSB-SIGNATURE", b64(base64.b64decode(sign(m1024, body))[:-1])]],
                                                  expect="signature_invalid"))
    write("request_neg_unknown_api_key", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode(),
                                              headers=[["X-WSB-API-KEY", "nope"], ["X-WSB-SIGNATURE", sign(m1024, body)]], expect="unknown_merchant"))
    write("request_neg_missing_signature", dict(rc, merchant_public_key="merchant_1024.spki.b64", body=body.decode(),
                                                headers=[["X-WSB-API-KEY", API_KEY]], expect="malformed_envelope"))

    # --- responses (platform -> merchant) ---
    resp = b'{"success":true,"code":200,"msg":"Success","data":{"cardNo":"1234567890","amount":15.10,"currency":"USD","fee":0}}'
    rr = {"kind": "response", "platform_public_key": "platform_1024.spki.b64"}
    data = {"cardNo": "1234567890", "amount": "15.10", "currency": "USD", "fee": 0}
    write("response_signed", dict(rr, body=resp.decode(), headers=[["X-WSB-SIGNATURE", sign(p1024, resp)]], policy="require", expect="ok", data=data, verified=True))
    write("response_unsigned_verify_if_present", dict(rr, body=resp.decode(), headers=[], policy="verify_if_present", expect="ok", data=data, verified=False))
    write("response_neg_unsigned_require", dict(rr, body=resp.decode(), headers=[], policy="require", expect="malformed_envelope"))
    write("response_neg_tampered", dict(rr, body=resp.decode().replace("15.10", "15.11"), headers=[["X-WSB-SIGNATURE", sign(p1024, resp)]],
                                        policy="verify_if_present", expect="signature_invalid"))
    arr = b'{"success":true,"code":200,"msg":null,"data":[{"orderNo":"o1","amount":"10"}]}'
    write("response_data_array", dict(rr, body=arr.decode(), headers=[["X-WSB-SIGNATURE", sign(p1024, arr)]], policy="require", expect="ok",
                                      data=[{"orderNo": "o1", "amount": "10"}], verified=True))
    err = b'{"success":false,"code":500,"msg":"card not found","data":null}'
    write("response_neg_business_error", dict(rr, body=err.decode(), headers=[["X-WSB-SIGNATURE", sign(p1024, err)]], policy="require",
                                              expect="api_error", code="500", authenticated=True))
    # Real traffic: non-2xx answers that are not signed (a gateway's HTML page,
    # an unsigned JSON error) or badly signed are still error answers: the HTTP
    # status and the retry advice hold, the provider fields are not authenticated.
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    write("response_502_html_unsigned", dict(rr, status=502, body=html.decode(), headers=[], policy="require",
                                             expect="api_error", code="502", retryable=True, authenticated=False))
    busy = b'{"success":false,"code":500,"msg":"system busy","data":null}'
    write("response_500_unsigned_json", dict(rr, status=500, body=busy.decode(), headers=[], policy="require",
                                             expect="api_error", code="500", retryable=True, authenticated=False))
    write("response_503_bad_signature", dict(rr, status=503, body=busy.decode(), headers=[["X-WSB-SIGNATURE", sign(other, busy)]],
                                             policy="require", expect="api_error", code="500", retryable=True, authenticated=False))
    denied = b'{"success":false,"code":401,"msg":"signature error","data":null}'
    write("response_401_signed", dict(rr, status=401, body=denied.decode(), headers=[["X-WSB-SIGNATURE", sign(p1024, denied)]],
                                      policy="require", expect="api_error", code="401", retryable=False, authenticated=True))

    # --- notifications ---
    notes = {
        "card_holder": ({"holderId": 124024, "status": "pass_audit", "description": "Approved"}, "124024"),
        "card_holder_change_email": ({"holderId": 124025, "status": "wait_audit"}, "124025"),
        "card_transaction": ({"orderNo": "T-1", "merchantOrderNo": "ORDER-20260101-000002", "cardNo": "c1", "currency": "USD", "amount": 15,
                              "fee": 0.15, "type": "deposit", "status": "success", "transactionTime": 1764000000000}, "T-1"),
        "work": ({"orderNo": "W-1", "status": "done"}, "W-1"),
        "wallet_transaction": ({"orderNo": "WT-1", "status": "success", "amount": "5.00"}, "WT-1"),
        "wallet_transaction_v2": ({"orderNo": "WT-2", "status": "success"}, "WT-2"),
        "card_auth_transaction": ({"tradeNo": "TR-1", "cardNo": "c1", "authorizedAmount": 9.99, "status": "authorized", "type": "auth"},
                                  "TR-1"),
        "card_fee_patch": ({"tradeNo": "F-1", "originTradeNo": "TR-1", "amount": 0.3, "type": "card_patch_fee", "status": "success"}, "F-1"),
        "card_3ds": ({"tradeNo": "3DS-1", "cardNo": "c1", "values": b64(encrypt(m1024.public_key(), b"654321")), "type": "third_3ds_otp",
                      "expirationTime": 1764000300000}, "3DS-1"),
        "physical_card": ({"cardNo": "c9", "type": "card_activated", "status": "success"}, "c9"),
        "brand_new_category": ({"anything": [1, 2]}, None),
    }
    cases = [(cat, cat, payload, ident) for cat, (payload, ident) in notes.items()]
    # Status moves and repeated events of one object: each gets its own business key.
    cases += [
        ("card_holder_under_review", "card_holder", {"holderId": 124024, "status": "under_review"}, "124024"),
        ("card_holder_wait_audit", "card_holder", {"holderId": 124024, "status": "wait_audit"}, "124024"),
        ("card_auth_transaction_settled", "card_auth_transaction", {"tradeNo": "TR-1", "cardNo": "c1", "authorizedAmount": 9.99,
                                                                     "status": "authorized", "type": "auth", "settleDate": 1764086400000}, "TR-1"),
        ("card_transaction_freeze", "card_transaction", {"orderNo": "T-5", "cardNo": "c1", "type": "Freeze", "status": "success",
                                                         "transactionTime": 1764000000000}, "T-5"),
        ("card_transaction_freeze_again", "card_transaction", {"orderNo": "T-5", "cardNo": "c1", "type": "Freeze", "status": "success",
                                                               "transactionTime": 1764003600000}, "T-5"),
    ]
    keys = [bk.wasabi_key(cat, payload) for _, cat, payload, _ in cases]
    assert len(set(keys)) == len(keys), "every status move and every repeated event has its own business key"
    for name, cat, payload, ident in cases:
        # The business key, by the documented rule (tests/gen/business_key.py).
        dedup = bk.wasabi_key(cat, payload)
        raw = json.dumps(payload, separators=(",", ":")).encode()
        write(f"webhook_{name}", {"kind": "webhook", "platform_public_key": "platform_1024.spki.pem", "body": raw.decode(),
                                 "headers": [["X-WSB-CATEGORY", cat], ["X-WSB-SIGNATURE", sign(p1024, raw)], ["X-WSB-REQUEST-ID", f"rq-{name}"]],
                                 "expect": "ok", "id": ident, "dedup_key": dedup,
                                 # The delivery identity: SHA-256 of the signed body.
                                 "content_sha256": hashlib.sha256(raw).hexdigest()})
    raw = b'{"orderNo":"T-9","status":"success"}'
    wc = {"kind": "webhook", "platform_public_key": "platform_1024.spki.pem"}
    write("webhook_neg_tampered", dict(wc, body=raw.decode().replace("success", "fail"), expect="signature_invalid",
                                       headers=[["X-WSB-CATEGORY", "card_transaction"], ["X-WSB-SIGNATURE", sign(p1024, raw)]]))
    write("webhook_neg_other_key", dict(wc, body=raw.decode(), expect="signature_invalid",
                                        headers=[["X-WSB-CATEGORY", "card_transaction"], ["X-WSB-SIGNATURE", sign(other, raw)]]))
    write("webhook_neg_missing_signature", dict(wc, body=raw.decode(), expect="malformed_envelope", headers=[["X-WSB-CATEGORY", "card_transaction"]]))
    write("webhook_neg_not_base64", dict(wc, body=raw.decode(), expect="malformed_envelope",
                                         headers=[["X-WSB-CATEGORY", "card_transaction"], ["X-WSB-SIGNATURE", "***"]]))

    # --- RSA-encrypted fields ---
    for name, k in [("1024", m1024), ("2048", m2048)]:
        for pad in ["pkcs1", "oaep_sha1", "oaep_sha256"]:
            write(f"field_{name}_{pad}", {"kind": "field", "private_key": f"merchant_{name}.pkcs8.b64", "padding": pad,
                                          "value": b64(encrypt(k.public_key(), b"4937241000003841", pad)), "plaintext": "4937241000003841", "expect": "ok"})
    url = "https://activate.example/" + "x" * 200  # longer than one 1024-bit block
    multi = encrypt(m1024.public_key(), url.encode())
    assert len(multi) == 256
    write("field_1024_multi_block", {"kind": "field", "private_key": "merchant_1024.pkcs1.pem", "padding": "pkcs1", "value": b64(multi),
                                     "plaintext": url, "expect": "ok"})
    enc = b64(encrypt(m1024.public_key(), b"123"))
    write("field_url_encoded", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1",
                                "value": urllib.parse.quote(enc, safe=""), "plaintext": "123", "expect": "ok"})
    write("field_neg_truncated", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1",
                                  "value": b64(base64.b64decode(enc)[:-3]), "expect": "malformed_envelope"})
    write("field_neg_wrong_block_length", {"kind": "field", "private_key": "merchant_2048.pkcs8.pem", "padding": "pkcs1", "value": enc,
                                           "expect": "malformed_envelope"})
    write("field_neg_wrong_key", {"kind": "field", "private_key": "platform_1024.pkcs8.pem", "padding": "pkcs1", "value": enc, "expect": "decrypt_failed"})
    bad_pad = raw_rsa(m1024.public_key(), b"\x00\x01" + b"\xff" * 100 + b"\x00" + b"x" * 25)
    write("field_neg_bad_padding", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1", "value": b64(bad_pad),
                                    "expect": "decrypt_failed"})
    write("field_neg_oaep_as_pkcs1", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1",
                                      "value": b64(encrypt(m1024.public_key(), b"123", "oaep_sha256")), "expect": "decrypt_failed"})
    write("field_neg_not_base64", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1", "value": "@@@", "expect": "malformed_envelope"})
    write("field_neg_not_utf8", {"kind": "field", "private_key": "merchant_1024.pkcs8.pem", "padding": "pkcs1",
                                 "value": b64(encrypt(m1024.public_key(), b"\xff\xfe")), "expect": "malformed_envelope"})
    sens = {"cardNumber": b64(encrypt(m1024.public_key(), b"4937241000003841")), "cvv": b64(encrypt(m1024.public_key(), b"321")),
            "expireDate": b64(encrypt(m1024.public_key(), b"12/29")), "activateUrl": ""}
    write("sensitive_object", {"kind": "sensitive", "private_key": "merchant_1024.pkcs8.b64", "data": sens, "expect": "ok",
                               "plain": {"cardNumber": "4937241000003841", "cvv": "321", "expireDate": "12/29", "activateUrl": ""}})

    # --- gateway responses ---
    g = {"kind": "gateway"}
    write("gateway_success", dict(g, status=200, headers=[], body='{"success":true,"code":200,"msg":"Success","data":{"balance":100.25,"cardNo":"c1"}}',
                                  expect="ok", data={"balance": "100.25", "cardNo": "c1"}))
    write("gateway_422_fields", dict(g, status=422, headers=[], expect="api_error", code="422", retryable=False,
                                     body='{"success": false, "code": 422, "msg": "Validation failed.", "data": {"email": [ "The email field must be a valid email address." ], "cardHolderModel": [ "The selected card holder model is invalid." ]}}',
                                     field_errors={"email": ["The email field must be a valid email address."], "cardHolderModel": ["The selected card holder model is invalid."]}))
    write("gateway_422_upstream_code", dict(g, status=422, headers=[], expect="api_error", code="10015", retryable=False, field_errors=None,
                                            body='{"success":false,"code":10015,"msg":"Insufficient balance","data":null}'))
    write("gateway_429_framework", dict(g, status=429, headers=[["Retry-After", "30"]], expect="api_error", code="429", retryable=True, retry_after_ms=30000,
                                        body='{"message": "Too Many Attempts."}'))
    write("gateway_429_envelope", dict(g, status=429, headers=[], expect="api_error", code="429", retryable=True,
                                       body='{"success":false,"code":429,"msg":"Too many requests","data":null}'))
    write("gateway_502", dict(g, status=502, headers=[], expect="api_error", code="50001", retryable=True,
                              body='{"success":false,"code":50001,"msg":"Upstream Wasabi API error","data":null}'))
    write("gateway_502_money_movement", dict(g, status=502, headers=[], expect="api_error", code="50001", retryable=False,
                                             endpoint="cards/deposit",
                                             body='{"success":false,"code":50001,"msg":"upstream timeout","data":null}'))
    write("gateway_429_http_date", dict(g, status=429, headers=[["Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"]], expect="api_error",
                                        code="429", retryable=True, retry_after_ms=7000, now_ms=784111770000,
                                        body='{"message":"Too Many Attempts."}'))
    write("gateway_401", dict(g, status=401, headers=[], expect="api_error", code="401", retryable=False,
                              body='{"success": false, "code": 401, "msg": "Invalid or missing API key.", "data": null}'))
    write("gateway_503_html", dict(g, status=503, headers=[], expect="api_error", code="503", retryable=True, body="<html>Service Unavailable</html>"))
    write("gateway_neg_200_not_envelope", dict(g, status=200, headers=[], expect="malformed_envelope", body="<html>ok</html>"))
    events = {"success": True, "code": 200, "data": {"total": 2, "per_page": 15, "current_page": 1, "last_page": 1, "data": [
        {"id": 5, "category": "card_holder", "reference_id": "124024", "merchant_order_no": "ORDER20250101000001", "status": "pass_audit",
         "payload": {"holderId": 124024, "status": "pass_audit", "description": "Approved"}, "request_id": "rq-5", "signature_verified": True,
         "created_at": "2026-04-18T10:30:00.000000Z", "updated_at": "2026-04-18T10:30:00.000000Z"},
        {"id": 6, "category": "card_transaction", "reference_id": "T-1", "status": "success", "payload": {"orderNo": "T-1", "amount": 15.5},
         "request_id": "rq-6", "signature_verified": False, "created_at": "2026-04-18T10:31:00.000000Z", "updated_at": "2026-04-18T10:31:00.000000Z"}]}}
    write("gateway_webhook_events", dict(g, status=200, headers=[], body=json.dumps(events), expect="ok", events=True))
    print(f"wrote {len(list(OUT.glob('*.json')))} Wasabi vectors to {OUT}")


if __name__ == "__main__":
    main()
