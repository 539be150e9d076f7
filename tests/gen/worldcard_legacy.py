#!/usr/bin/env python3
"""Generate WorldCard legacy vectors with hashlib (MD5) and `cryptography` (AES-ECB).

The signing rule is the seed's ("Signing and Decryption") plus providers.md's
value rule for non-strings, implemented here independently of cardwire.
"""
import base64
import hashlib
import json
import pathlib

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

OUT = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "worldcard_legacy"
APP_KEY = "psqxrezci72955wqxlhar898vx2q8lts"
SECRET = "owfwFkDnlCuiUTYzA1b2C3d4E5f6G7h8"  # 32 bytes: AES-256 key too
EXCLUDE = {"/op/card/P/document": ["faceImage", "backImage"],
           "/api/card/kyc/apply/master/E": ["faceImage", "backImage", "passImage", "signImage"]}


def text(v):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def canonical(params, secret=SECRET, exclude=()):
    pairs = [(k, text(v)) for k, v in params.items() if k != "sign" and k not in exclude]
    pairs = [(k, t) for k, t in pairs if t is not None] + [("appSecret", secret)]
    pairs.sort(key=lambda kv: kv[0].encode())
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_unkeyed(params, exclude=()):
    """The signed parameters without the secret: what identifies a delivery."""
    pairs = [(k, text(v)) for k, v in params.items() if k != "sign" and k not in exclude]
    pairs = [(k, t) for k, t in pairs if t is not None]
    pairs.sort(key=lambda kv: kv[0].encode())
    return "&".join(f"{k}={v}" for k, v in pairs)


def content_key(params):
    return hashlib.sha256(canonical_unkeyed(params).encode()).hexdigest()


def literal_signed(template, literals):
    """A body written as text, signed over its literal values.

    `template` holds `{sign}`; `literals` maps each parameter to the exact
    text that takes part in the signature (numbers as written: 20.10 stays
    20.10). Returns (body text, canonical, sign)."""
    pairs = sorted(list(literals.items()) + [("appSecret", SECRET)], key=lambda kv: kv[0].encode())
    canon = "&".join(f"{k}={v}" for k, v in pairs)
    sign = hashlib.md5(canon.encode()).hexdigest()
    body = template.replace("{sign}", sign)
    # The literals really are the body's values (numbers compared as text).
    parsed = json.loads(body, parse_float=str, parse_int=str)
    for k, v in literals.items():
        got = parsed[k]
        got = json.dumps(got, separators=(",", ":")) if isinstance(got, dict) else got
        assert got == v or isinstance(parsed[k], dict), (k, got, v)
    unkeyed = "&".join(f"{k}={v}" for k, v in sorted(literals.items(), key=lambda kv: kv[0].encode()))
    return body, canon, sign, hashlib.sha256(unkeyed.encode()).hexdigest()


def md5(params, secret=SECRET, exclude=()):
    return hashlib.md5(canonical(params, secret, exclude).encode()).hexdigest()


def ecb(key: bytes, plain: bytes) -> str:
    p = padding.PKCS7(128).padder()
    data = p.update(plain) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return base64.b64encode(e.update(data) + e.finalize()).decode()


def ecb_raw(key: bytes, block: bytes) -> str:
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return base64.b64encode(e.update(block) + e.finalize()).decode()


def write(name, case):
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def signed(body):
    body = dict(body, appKey=APP_KEY)
    body["sign"] = md5(body)
    return body


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    # --- signing: canonical string and digest ---
    published = {"amount": "1", "appId": "YTUvZeeOdx", "callbackUrl": "http://127.0.0.1:8921/api/callback/test",
                 "itemId": "100001", "outOrderId": "2975857684279803", "timestamp": "20200717133601001", "uuid": "18898810602"}
    write("sign_published_example", {"kind": "sign", "params": published, "secret": "owfwFkDnlCuiUTYz", "exclude": [],
                                     "canonical": canonical(published, "owfwFkDnlCuiUTYz"), "sign": "2f64566717836f1b62276519ac71aaf3"})
    assert md5(published, "owfwFkDnlCuiUTYz") == "2f64566717836f1b62276519ac71aaf3"
    mixed = {"cardNumber": "5592922156696856", "dailyPurchaseLimit": 5000, "dailyAtmLimit": 0, "flag": True,
             "ext": {"b": 1, "a": "x"}, "list": [1, "2"], "empty": "", "nothing": None, "name": "Zoë", "Zed": "upper first",
             "appKey": APP_KEY, "nonce": "n1", "timestamp": "1651052350742"}
    write("sign_mixed_values", {"kind": "sign", "params": mixed, "secret": SECRET, "exclude": [],
                                "canonical": canonical(mixed), "sign": md5(mixed)})
    doc = {"cardNumber": "5592922156696856", "idType": "PASSPORT", "faceImage": "aGVsbG8=", "backImage": "d29ybGQ=",
           "appKey": APP_KEY, "nonce": "n2", "timestamp": "1651052350742"}
    body, canon, sign, _ = literal_signed('{"dailyPurchaseLimit":20.10,"dailyAtmLimit":12.00,"fee":0.0120,"big":98765432109876543210,"appKey":"'
                                          + APP_KEY + '","nonce":"n3","timestamp":"1651052350742","sign":"{sign}"}',
                                          {"dailyPurchaseLimit": "20.10", "dailyAtmLimit": "12.00", "fee": "0.0120",
                                           "big": "98765432109876543210", "appKey": APP_KEY, "nonce": "n3", "timestamp": "1651052350742"})
    write("sign_exact_numbers", {"kind": "sign", "body": body, "secret": SECRET, "exclude": [], "canonical": canon, "sign": sign})
    write("sign_document_excludes_images", {"kind": "sign", "params": doc, "secret": SECRET, "exclude": EXCLUDE["/op/card/P/document"],
                                            "canonical": canonical(doc, exclude=EXCLUDE["/op/card/P/document"]),
                                            "sign": md5(doc, exclude=EXCLUDE["/op/card/P/document"])})

    # --- AES-ECB ---
    write("ecb_published_110", {"kind": "ecb", "key": "uDMGUIodDeKcja0nDbIBzpfDJFIHld56", "value": "jvU9Vaz67Gj+Xn/qlaXKHA==", "plaintext": "110", "expect": "ok"})
    write("ecb_published_14", {"kind": "ecb", "key": "sBOvCZZurSbbdJiA", "value": "U88v0HHTLxUp9LUkj95AJA==", "plaintext": "14", "expect": "ok"})
    for key in ["0123456789abcdef", "0123456789abcdef01234567", SECRET]:
        write(f"ecb_key_{len(key)}", {"kind": "ecb", "key": key, "value": ecb(key.encode(), "4111111111111111".encode()),
                                      "plaintext": "4111111111111111", "expect": "ok"})
    write("ecb_exact_block", {"kind": "ecb", "key": SECRET, "value": ecb(SECRET.encode(), b"0123456789abcdef"), "plaintext": "0123456789abcdef", "expect": "ok"})
    write("ecb_neg_bad_padding", {"kind": "ecb", "key": SECRET, "value": ecb_raw(SECRET.encode(), b"123\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x04"), "expect": "decrypt_failed"})
    write("ecb_neg_zero_padding", {"kind": "ecb", "key": SECRET, "value": ecb_raw(SECRET.encode(), b"1234567890123450"[:15] + b"\x00"), "expect": "decrypt_failed"})
    write("ecb_neg_not_block_multiple", {"kind": "ecb", "key": SECRET, "value": base64.b64encode(b"x" * 17).decode(), "expect": "malformed_envelope"})
    write("ecb_neg_bad_base64", {"kind": "ecb", "key": SECRET, "value": "@@@@", "expect": "malformed_envelope"})
    write("ecb_neg_not_utf8", {"kind": "ecb", "key": SECRET, "value": ecb(SECRET.encode(), b"\xff\xfe"), "expect": "malformed_envelope"})
    write("ecb_neg_wrong_key_length", {"kind": "ecb", "key": "short", "value": "jvU9Vaz67Gj+Xn/qlaXKHA==", "expect": "invalid_key"})

    # --- responses ---
    k = SECRET.encode()
    info_p = {"bin": "559292", "status": "Active", "cardInfo": {"cardNo": ecb(k, b"5592922156696856"), "cvv": ecb(k, b"123"),
                                                              "expYear": ecb(k, b"2029"), "expMonth": ecb(k, b"09")},
              "balance": {"available": "10.00", "currency": "USD"}}
    write("response_virtual_p_info", {"kind": "response", "secret": SECRET, "body": json.dumps({"success": True, "status": 200, "msg": "Operation successful", "data": info_p}),
                                      "expect": "ok", "data": dict(info_p, cardInfo={"cardNo": "5592922156696856", "cvv": "123", "expYear": "2029", "expMonth": "09"})})
    info_l = {"cardNo": "4000111122223333", "cvv": ecb(k, b"987"), "balance": "5.00", "cardStatus": 1}
    write("response_virtual_l_info", {"kind": "response", "secret": SECRET, "body": json.dumps({"success": True, "status": "200", "msg": "操作成功", "data": info_l}),
                                      "expect": "ok", "data": dict(info_l, cvv="987")})
    write("response_neg_duplicate_order", {"kind": "response", "secret": SECRET, "body": '{"success":false,"status":5101,"msg":"duplicate order","data":null}',
                                           "expect": "api_error", "code": "5101", "outcome_unknown": False})
    write("response_neg_not_final", {"kind": "response", "secret": SECRET, "body": '{"success":false,"status":500,"msg":"Failure","data":null}',
                                     "expect": "api_error", "code": "500", "outcome_unknown": True})

    # --- webhooks (bodies from the seed's examples and tables, signed here) ---
    hooks = {
        "bill": ({"localCurrencyAmt": "10", "occurTime": "2024-09-03 17:40:06", "platformType": "开卡预存", "localCurrency": "USD", "transCurrency": "USD",
                  "recordNo": "2409031607063343947", "crossBoardType": "1", "transType": "TOP UP", "respCodeDesc": "交易成功", "respCode": "000000",
                  "transCurrencyAmt": "10", "transStatus": "APPROVED"}, "bill", "bill:record:2409031607063343947"),
        "close": ({"localCurrencyAmt": "10", "occurTime": "2024-09-03 17:40:06", "localCurrency": "USD", "recordNo": "2409031607063343948", "transCurrencyAmt": "10"},
                  "close", "close:record:2409031607063343948"),
        "virtual_p": ({"data": "{\"id\":\"e6a54b44-1a38-4d51-824c-6f7bf6e1fb3e\",\"currency\":\"USD\",\"amount\":\"9\",\"type\":\"TopUp\",\"cardNo\":\"5592922156696856\",\"status\":\"Closed\",\"transactionTime\":\"2024-11-29T07:14:18.157Z\"}",
                       "type": "CardTransaction"}, "virtual_p", "virtual_p:CardTransaction:e6a54b44-1a38-4d51-824c-6f7bf6e1fb3e:Closed::"),
        "oob": ({"data": "{\"cardNumber\":\"7662222584726493096\",\"acsTransactionId\":\"41ce7a7d-9d57-4d87-b6e4-310acfa4b276\",\"status\":1,\"expireDate\":1722212495829}"},
                "oob", "oob:41ce7a7d-9d57-4d87-b6e4-310acfa4b276:1"),
        "topup": ({"orderNo": "O1", "merOrderNo": "M1", "status": "2", "completeTime": "20220331121212", "createTime": "20220331121200", "settleAmount": "9.99", "ext": ""},
                  "top_up", "topup:O1:2"),
        "kyc": ({"orderNo": "K1", "merOrderNo": "MK1", "cardNumber": "4000", "status": "2", "completeTime": "20220331121212", "createTime": "20220331121200", "ext": {"a": 1}},
                "kyc", "kyc:K1:2"),
        "otp": ({"otp": "123456", "cardNo": "4000****1111", "transactionCurrency": "USD", "transactionAmount": "1.00"}, "otp", "otp:4000****1111:123456:1.00"),
        "transfer": ({"orderNo": "T1", "merOrderNo": "MT1", "status": "2", "completeTime": "20220331121212", "createTime": "20220331121200", "account": "acc",
                      "targetAmount": "100.00", "targetCurrency": "PHP", "sourceCurrency": "USD", "sourceAmount": "1.8", "proRatedFee": "0.01", "fixedFee": 1},
                     "transfer_order", "transfer:T1:2"),
    }
    for name, (body, kind, key) in hooks.items():
        write(f"webhook_{name}", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps(signed(body), ensure_ascii=False),
                                  "expect": "ok", "event": kind, "dedup_key": key,
                                  "content_sha256": content_key(dict(body, appKey=APP_KEY))})
    # Real traffic: a Transfer V4 order notification whose amounts arrive as
    # JSON numbers with trailing zeros, several decimal places and a large
    # integer, signed by the provider over the text it sent.
    template = ('{"orderNo":"T77","merOrderNo":"MT77","status":2,"completeTime":"20260101121212","createTime":"20260101121200",'
                '"account":12345678901234567890123,"targetAmount":20.10,"targetCurrency":"PHP","sourceCurrency":"USD",'
                '"sourceAmount":12.00,"proRatedFee":0.0120,"fixedFee":1.50,"ext":{"uetr":"637","rate":56.10},'
                '"appKey":"' + APP_KEY + '","sign":"{sign}"}')
    literals = {"orderNo": "T77", "merOrderNo": "MT77", "status": "2", "completeTime": "20260101121212", "createTime": "20260101121200",
                "account": "12345678901234567890123", "targetAmount": "20.10", "targetCurrency": "PHP", "sourceCurrency": "USD",
                "sourceAmount": "12.00", "proRatedFee": "0.0120", "fixedFee": "1.50", "ext": '{"uetr":"637","rate":56.10}', "appKey": APP_KEY}
    body, canon, sign, ck = literal_signed(template, literals)
    write("webhook_transfer_exact_numbers", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": body, "expect": "ok",
                                             "event": "transfer_order", "dedup_key": "transfer:T77:2", "content_sha256": ck,
                                             "canonical": canon, "exact": {"targetAmount": "20.10", "sourceAmount": "12.00",
                                                                           "proRatedFee": "0.0120", "account": "12345678901234567890123"}})
    # Whitespace and member order differ, the signed parameters do not: the same delivery.
    spaced = body.replace(",", ", ").replace('"orderNo":"T77", ', "")
    spaced = spaced[:-1] + ', "orderNo":"T77"}'
    write("webhook_transfer_exact_numbers_reformatted", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": spaced,
                                                         "expect": "ok", "event": "transfer_order", "dedup_key": "transfer:T77:2",
                                                         "content_sha256": ck})
    # Reflection: a merchant's own request (it carries nonce and timestamp,
    # and orderNo/status), signed with the same secret, posted to the webhook URL.
    reflected = signed({"orderNo": "K9", "status": "2", "nonce": "n-1", "timestamp": "1764000000000"})
    write("webhook_neg_reflected_request", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps(reflected),
                                            "expect": "malformed_envelope"})
    good = signed(hooks["topup"][0])
    write("webhook_neg_tampered", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps(dict(good, settleAmount="99.99")), "expect": "signature_invalid"})
    write("webhook_neg_wrong_secret", {"kind": "webhook", "secret": "another-secret-00000000000000000", "app_key": APP_KEY, "body": json.dumps(good), "expect": "signature_invalid"})
    write("webhook_neg_missing_sign", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps({k: v for k, v in good.items() if k != "sign"}), "expect": "malformed_envelope"})
    write("webhook_neg_sign_not_hex", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps(dict(good, sign="346de23ueh2uwbduhru3heu3")), "expect": "malformed_envelope"})
    extra = dict(good, undocumentedField="x")
    write("webhook_neg_unsigned_extra_field", {"kind": "webhook", "secret": SECRET, "app_key": APP_KEY, "body": json.dumps(extra), "expect": "signature_invalid"})

    # --- requests the platform verifies (document upload: images excluded from the sign) ---
    req = {"cardNumber": "5592922156696856", "idType": "PASSPORT", "faceImage": "aGVsbG8=", "appKey": APP_KEY, "nonce": "n-9", "timestamp": "1764000000000"}
    req["sign"] = md5(req, exclude=EXCLUDE["/op/card/P/document"])
    write("request_document", {"kind": "request", "secret": SECRET, "app_key": APP_KEY, "path": "/op/card/P/document", "body": json.dumps(req), "expect": "ok"})
    write("request_document_image_swapped", {"kind": "request", "secret": SECRET, "app_key": APP_KEY, "path": "/op/card/P/document",
                                             "body": json.dumps(dict(req, faceImage="b3RoZXI=")), "expect": "ok"})
    write("request_neg_tampered", {"kind": "request", "secret": SECRET, "app_key": APP_KEY, "path": "/op/card/P/document",
                                   "body": json.dumps(dict(req, cardNumber="5592922156696857")), "expect": "signature_invalid"})
    # A webhook (appKey and sign only) posted to the platform's request endpoint.
    write("request_neg_webhook_shaped", {"kind": "request", "secret": SECRET, "app_key": APP_KEY, "path": "/op/card/P/document",
                                         "body": json.dumps(signed({"cardNumber": "5592922156696856", "idType": "PASSPORT"})),
                                         "expect": "malformed_envelope"})
    write("request_neg_unknown_app_key", {"kind": "request", "secret": SECRET, "app_key": APP_KEY, "path": "/op/card/P/document",
                                          "body": json.dumps(dict(req, appKey="other")), "expect": "unknown_merchant"})
    print(f"wrote {len(list(OUT.glob('*.json')))} legacy vectors to {OUT}")


if __name__ == "__main__":
    main()
