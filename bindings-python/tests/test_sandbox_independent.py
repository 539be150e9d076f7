"""Requests built by an independent implementation (this file: `cryptography`,
PyNaCl, hashlib and hmac, written here, not cardwire) are accepted by
`cardwire sandbox`; the same requests with one byte changed are refused in
the provider's own shape."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from typing import Any

import nacl.secret
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM



def post(url: str, headers: dict[str, str], body: bytes, method: str = "POST") -> tuple[int, bytes]:
    r = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(r, timeout=15) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def flip(b: bytes, i: int | None = None) -> bytes:
    i = len(b) // 2 if i is None else i
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1:]


def test_worldcard(sandbox: Any) -> None:
    c = sandbox["worldcard"]
    key = serialization.load_pem_private_key(c["private_key_pem"].encode(), password=None)
    aes = AESGCM(bytes.fromhex(c["aes_key"]) if len(c["aes_key"]) == 64 and all(ch in "0123456789abcdef" for ch in c["aes_key"]) else c["aes_key"].encode())

    def request(payload: dict[str, Any], nonce: str) -> tuple[dict[str, str], bytes]:
        iv = os.urandom(12)
        body = json.dumps({"data": base64.b64encode(iv + aes.encrypt(iv, json.dumps(payload).encode(), None)).decode()}).encode()
        ts = str(int(time.time()))
        sig = key.sign(body + ts.encode() + nonce.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        return {"Content-Type": "application/json", "X-App-Id": c["app_id"], "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": base64.b64encode(sig).decode()}, body

    apply = {"merchant_card_id": f"ind-{time.time_ns()}", "card_type": "VIRTUAL-V", "card_bin_id": "bin_1", "first_recharge_amount": "20.00",
             "first_name": "Ann", "last_name": "Lee", "state": "CA", "country_code": "US", "city": "LA", "address": "1 Main St", "postal_code": "90001"}
    h, b = request(apply, os.urandom(8).hex())
    status, out = post(c["base_url"] + "/api/v1/card/virtual/apply", h, b)
    assert status == 200 and json.loads(out)["code"] == 0, out
    h, b = request(apply, os.urandom(8).hex())
    status, out = post(c["base_url"] + "/api/v1/card/virtual/apply", h, flip(b, len(b) - 10))
    assert (status, json.loads(out)["message"]) == (401, "Signature verification failed"), out


def test_legacy(sandbox: Any) -> None:
    c = sandbox["legacy"]
    params = {"merOrderNo": f"ind-{time.time_ns()}", "cardType": "VISA", "businessScene": "ads", "cardArea": "US", "firstRecharge": "20",
              "appKey": c["app_key"], "nonce": os.urandom(6).hex(), "timestamp": str(int(time.time() * 1000))}
    canon = "&".join(f"{k}={v}" for k, v in sorted({**params, "appSecret": c["app_secret"]}.items(), key=lambda kv: kv[0].encode()))
    body = json.dumps({**params, "sign": hashlib.md5(canon.encode()).hexdigest()}).encode()
    status, out = post(c["base_url"] + "/api/card/kyc/apply/virtual/L", {"Content-Type": "application/json"}, body)
    assert json.loads(out)["success"] is True, out
    status, out = post(c["base_url"] + "/api/card/kyc/apply/virtual/L", {"Content-Type": "application/json"}, body.replace(b'"20"', b'"21"'))
    assert json.loads(out)["success"] is False, out


def test_wasabi(sandbox: Any) -> None:
    c = sandbox["wasabi"]
    key = serialization.load_pem_private_key(c["private_key_pem"].encode(), password=None)
    platform = serialization.load_pem_public_key(c["platform_public_key_pem"].encode())
    body = json.dumps({"cardHolderModel": "B2B", "merchantOrderNo": f"ind-{time.time_ns()}-0000001", "firstName": "Ann", "lastName": "Lee",
                       "email": "ann@example.com", "areaCode": "+1", "mobile": "5551234567", "birthday": "1990-01-01", "country": "US",
                       "town": "NY", "address": "1 Main St", "postCode": "10001"}).encode()
    sig = base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()
    h = {"Content-Type": "application/json", "X-WSB-API-KEY": c["api_key"], "X-WSB-SIGNATURE": sig}
    req = urllib.request.Request(c["base_url"] + "/merchant/core/mcb/card/holder/v2/create", data=body, method="POST", headers=h)
    with urllib.request.urlopen(req, timeout=15) as resp:
        out, rsig = resp.read(), resp.headers["X-WSB-SIGNATURE"]
    platform.verify(base64.b64decode(rsig), out, padding.PKCS1v15(), hashes.SHA256())  # the answer is signed by the platform key
    assert json.loads(out)["success"] is True, out
    status, out = post(c["base_url"] + "/merchant/core/mcb/card/holder/v2/create", h, flip(body))
    assert json.loads(out)["success"] is False and json.loads(out)["code"] == 401, out


def test_pintopay(sandbox: Any) -> None:
    c = sandbox["pintopay"]
    box = nacl.secret.SecretBox(hashlib.sha256(c["api_secret"].encode()).digest())

    def seal(payload: dict[str, Any]) -> bytes:
        nonce = os.urandom(24)
        return json.dumps({"encrypted": base64.b64encode(b"\x02" + nonce + box.encrypt(json.dumps(payload).encode(), nonce).ciphertext).decode()}).encode()

    h = {"API-KEY": c["api_key"], "Content-Type": "application/json"}
    status, out = post(c["base_url"] + "/api/v1/users/create", h, seal({"external_user_id": f"ind-{time.time_ns()}", "request_timestamp": time.time_ns() // 1000}))
    raw = base64.b64decode(json.loads(out)["encrypted"])
    assert status == 200 and json.loads(box.decrypt(raw[25:], raw[1:25]))["success"] is True
    status, out = post(c["base_url"] + "/api/v1/users/create", h, json.dumps({"encrypted": base64.b64encode(flip(base64.b64decode(json.loads(seal({"external_user_id": "x", "request_timestamp": time.time_ns() // 1000}))["encrypted"]))).decode()}).encode())
    assert status == 400, (status, out)


def test_payca_and_gateway(sandbox: Any) -> None:
    c = sandbox["payca"]
    body = json.dumps({"externalId": f"ind-{time.time_ns()}", "meta": {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", "phone": "5551234567",
                       "phoneCode": "+1", "birthday": "1990-01-01", "country": "US", "town": "NYC", "address": "1 Main St", "postCode": "10001"}}).encode()
    h = {"x-client-id": c["client_id"], "x-client-secret": c["client_secret"], "Content-Type": "application/json"}
    status, out = post(c["base_url"] + "/v1/users", h, body)
    assert status == 201, out
    status, out = post(c["base_url"] + "/v1/users", {**h, "x-client-secret": flip(c["client_secret"].encode()).decode()}, body)
    assert status == 401 and json.loads(out)["error"]["code"] == "ErrUnauthorized", out
    g = sandbox["gateway"]
    status, out = post(g["base_url"] + "/api/v1/cards/info", {"X-API-KEY": g["api_key"], "Content-Type": "application/json"}, b'{"cardNo":"none"}')
    assert json.loads(out)["success"] is False and status == 422, out
    status, out = post(g["base_url"] + "/api/v1/cards/info", {"X-API-KEY": flip(g["api_key"].encode()).decode(), "Content-Type": "application/json"}, b'{"cardNo":"none"}')
    assert (status, json.loads(out)["msg"]) == (401, "Invalid or missing API key."), out


# --- The corrected behaviours, each through the independent client (issue: the sandbox answers like the documents).


def wc_client(c: dict[str, Any]) -> Any:
    key = serialization.load_pem_private_key(c["private_key_pem"].encode(), password=None)
    aes = AESGCM(bytes.fromhex(c["aes_key"]) if len(c["aes_key"]) == 64 and all(ch in "0123456789abcdef" for ch in c["aes_key"]) else c["aes_key"].encode())

    def call(path: str, payload: dict[str, Any]) -> dict[str, Any]:
        iv, nonce = os.urandom(12), os.urandom(8).hex()
        body = json.dumps({"data": base64.b64encode(iv + aes.encrypt(iv, json.dumps(payload).encode(), None)).decode()}).encode()
        ts = str(int(time.time()))
        sig = key.sign(body + ts.encode() + nonce.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        h = {"Content-Type": "application/json", "X-App-Id": c["app_id"], "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": base64.b64encode(sig).decode()}
        status, out = post(c["base_url"] + path, h, body)
        answer: dict[str, Any] = json.loads(out)
        return answer

    return call, aes


def test_worldcard_times_card_fields_and_codes(sandbox: Any) -> None:
    call, aes = wc_client(sandbox["worldcard"])
    ref = f"ind2-{time.time_ns()}"
    applied = call("/api/v1/card/virtual/apply", {"merchant_card_id": ref, "card_type": "VIRTUAL-R", "card_bin_id": "bin_1", "first_recharge_amount": "20.00", "email": "a@b.io"})
    # RFC 3339 with an offset, as the documents show (2026-04-01T10:00:00+08:00), not a date.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", applied["data"]["created_at"]), applied
    card = applied["data"]["card_id"]
    info = call("/api/v1/card/virtual/get_info", {"card_id": card})["data"]
    assert info["card_number"] != "", info  # active (status 2): the encrypted card fields are there
    raw = base64.b64decode(info["card_number"])
    assert len(aes.decrypt(raw[:12], raw[12:], None)) >= 12
    call("/api/v1/card/freeze", {"card_id": card})
    frozen = call("/api/v1/card/virtual/get_info", {"card_id": card})["data"]
    # Only at status 2: empty strings otherwise (Card Details).
    assert frozen["status"] == 6 and [frozen[k] for k in ("card_number", "cvv", "expiry_month", "expiry_year")] == ["", "", "", ""], frozen
    # A call the card's status does not allow: 1006 "Invalid operation", not 10025 ("Card freeze failed").
    refused = call("/api/v1/card/deposit", {"card_id": card, "merchant_transaction_id": f"t-{ref}", "amount": "15.00"})
    assert refused["code"] == 1006, refused
    # A validation refusal: code 1001, data null (the field errors are in the message).
    invalid = call("/api/v1/card/virtual/apply", {"merchant_card_id": ref + "x", "card_type": "VIRTUAL-V", "card_bin_id": "b", "first_recharge_amount": "20"})
    assert invalid["code"] == 1001 and invalid["data"] is None and "first_name" in invalid["message"], invalid


def pintopay_call(c: dict[str, Any]) -> Any:
    box = nacl.secret.SecretBox(hashlib.sha256(c["api_secret"].encode()).digest())

    def call(path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        nonce = os.urandom(24)
        sealed = box.encrypt(json.dumps({**payload, "request_timestamp": time.time_ns() // 1000}).encode(), nonce).ciphertext
        body = json.dumps({"encrypted": base64.b64encode(b"\x02" + nonce + sealed).decode()}).encode()
        status, out = post(c["base_url"] + path, {"API-KEY": c["api_key"], "Content-Type": "application/json"}, body)
        raw = base64.b64decode(json.loads(out)["encrypted"])
        return status, json.loads(box.decrypt(raw[25:], raw[1:25]))

    return call


def test_pintopay_slugs_and_statuses_are_the_documents(sandbox: Any) -> None:
    call = pintopay_call(sandbox["pintopay"])
    user = f"ind2-{time.time_ns()}"
    assert call("/api/v1/users/create", {"external_user_id": user})[0] == 200
    assert call("/api/v1/users/create", {"external_user_id": user}) == (409, {"success": False, "error": "A user with this external_user_id already exists.", "error_slug": "external_user_id_exists"})
    status, answer = call("/api/v1/cardholders/create", {"external_user_id": "nobody-" + user, "first_name": "A", "last_name": "B", "birth_date": "1990-01-01",
                                                          "email": "a@b.io", "phone_number_full": "+15551234567", "country_iso": "US", "subprovider_code": "sp"})
    assert (status, answer["error_slug"]) == (404, "user_not_found"), answer
    status, answer = call("/api/v1/orders/check", {"order_id": "ord_none"})
    assert (status, answer["error_slug"]) == (404, "order_not_found"), answer


def test_payca_errors_carry_the_request_id_and_details(sandbox: Any) -> None:
    c = sandbox["payca"]
    h = {"x-client-id": c["client_id"], "x-client-secret": c["client_secret"], "Content-Type": "application/json"}
    status, out = post(c["base_url"] + "/v1/users", {**h, "X-Request-ID": "req-ind-1"}, b"not json")
    body = json.loads(out)
    assert (status, body["error"]["code"], body["requestId"]) == (400, "ErrInvalidArg", "req-ind-1"), body
    status, out = post(c["base_url"] + "/v1/cards", h, json.dumps({"accountId": "a", "bin": "537100"}).encode())
    body = json.loads(out)
    assert status == 400 and "balance" in body["error"]["details"], body
    assert body["requestId"].startswith("req_") and body["requestId"] != "sandbox", body


def test_gateway_event_polling_filters_and_pages(sandbox: Any) -> None:
    g = sandbox["gateway"]
    h = {"X-API-KEY": g["api_key"], "Content-Type": "application/json"}
    holder = json.dumps({"cardHolderModel": "B2B", "merchantOrderNo": f"ind2-{time.time_ns()}-0000001", "firstName": "Ann", "lastName": "Lee",
                         "email": "ann@example.com", "areaCode": "+1", "mobile": "5551234567", "birthday": "1990-01-01", "country": "US",
                         "town": "NY", "address": "1 Main St", "postCode": "10001"}).encode()
    status, out = post(g["base_url"] + "/api/v1/cardholders/create-v2", h, holder)
    assert status == 200, out
    holder_id = str(json.loads(out)["data"]["holderId"])
    status, out = post(g["base_url"] + f"/api/v1/webhook-events?category=card_holder&reference_id={holder_id}&per_page=5", h, b"", method="GET")
    page = json.loads(out)["data"]
    assert page["per_page"] == 5 and page["total"] == 1, page
    event = page["data"][0]
    # reference_id is text (the document's sample: "124024"); times are full RFC 3339 with microseconds.
    assert event["reference_id"] == holder_id and event["status"] == "pass_audit", event
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", event["created_at"]) and event["updated_at"], event
    status, out = post(g["base_url"] + "/api/v1/webhook-events?per_page=101", h, b"", method="GET")
    assert status == 422 and "per_page" in out.decode(), out
    status, out = post(g["base_url"] + "/api/v1/webhook-events?category=card_holder&from=2000-01-01%2000:00:00&to=2000-01-02%2000:00:00", h, b"", method="GET")
    assert json.loads(out)["data"]["total"] == 0, out


def test_every_documented_endpoint_answers_and_an_unknown_one_is_named(sandbox: Any) -> None:
    # WorldCard's test flow starts with the BIN list: answered in the documented shape, not "card does not exist".
    call, _ = wc_client(sandbox["worldcard"])
    bins = call("/api/v1/card/virtual/bin/list", {"page": 1, "page_size": 10})
    assert bins["code"] == 0 and isinstance(bins["data"], dict), bins
    unknown = call("/api/v1/card/virtual/nope", {})
    # The platform's path check answers first: 1001 with the path named (WorldCard documents no unknown-path answer).
    assert unknown["code"] == 1001 and "/api/v1/card/virtual/nope" in unknown["message"] and unknown["data"] is None, unknown
    # PayCA's reference lists, answered (not 404); an unknown path is named.
    c = sandbox["payca"]
    h = {"x-client-id": c["client_id"], "x-client-secret": c["client_secret"]}
    for path in ("/v1/cardholders/regions", "/v1/cardholders/occupations", "/v1/cardholders/cities?limit=10"):
        status, out = post(c["base_url"] + path, h, b"", method="GET")
        assert status == 200, (path, out)
    status, out = post(c["base_url"] + "/v1/nope", h, b"", method="GET")
    assert status == 404 and "/v1/nope" in json.loads(out)["error"]["message"], out
    # The gateway's reference data (GET) and an unknown path.
    g = sandbox["gateway"]
    gh = {"X-API-KEY": g["api_key"]}
    status, out = post(g["base_url"] + "/api/v1/common/regions", gh, b"", method="GET")
    assert status == 200 and json.loads(out)["success"] is True, out
    status, out = post(g["base_url"] + "/api/v1/nope", {**gh, "Content-Type": "application/json"}, b"{}")
    assert status == 404 and "/api/v1/nope" in json.loads(out)["msg"], out


def test_gateway_field_errors_and_legacy_time_formats(sandbox: Any) -> None:
    # The gateway applies its documented rules: 422 with {field: [messages]}.
    g = sandbox["gateway"]
    status, out = post(g["base_url"] + "/api/v1/cards/create-v2", {"X-API-KEY": g["api_key"], "Content-Type": "application/json"}, b'{"cardTypeId": 111001}')
    body = json.loads(out)
    assert status == 422 and body["msg"] == "Validation failed." and all(isinstance(v, list) for v in body["data"].values()) and "merchantOrderNo" in body["data"], body
    # Legacy answers' times are `YYYY-MM-DD HH:MM:SS`, statuses integers.
    c = sandbox["legacy"]
    params = {"merOrderNo": f"ind3-{time.time_ns()}", "cardType": "VISA", "businessScene": "ads", "cardArea": "US", "firstRecharge": "20",
              "appKey": c["app_key"], "nonce": os.urandom(6).hex(), "timestamp": str(int(time.time() * 1000))}
    canon = "&".join(f"{k}={v}" for k, v in sorted({**params, "appSecret": c["app_secret"]}.items(), key=lambda kv: kv[0].encode()))
    status, out = post(c["base_url"] + "/api/card/kyc/apply/virtual/L", {"Content-Type": "application/json"}, json.dumps({**params, "sign": hashlib.md5(canon.encode()).hexdigest()}).encode())
    data = json.loads(out)["data"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", data["createTime"]) and data["status"] == 1, data
