"""The shared conformance vectors (made by Python cryptography, PyNaCl and
hashlib/hmac, and the providers' published examples), through the wheel."""
from __future__ import annotations

import cardwire
from conftest import cases, code_of, key


def test_worldcard_vectors() -> None:
    n = 0
    for name, c in cases("worldcard"):
        if c["kind"] == "pss_verify":
            continue
        n += 1

        def merchant() -> cardwire.WorldCardMerchant:
            pub = key(c["platform_public_key"]) if c.get("platform_public_key") else None
            return cardwire.WorldCardMerchant(
                "app_cardwire_test", key("merchant_2048.pkcs8.pem"), c["aes_key"], pub,
                webhook_window_ms=c.get("window_ms"),
            )

        if c["kind"] == "gcm_open":
            out: list[str] = []
            assert code_of(lambda: out.append(merchant().decrypt_field(c["value"]))) == c["expect"], name
            if c["expect"] == "ok":
                assert out[0] == c["plaintext"], name
        elif c["kind"] == "webhook":
            m = merchant()
            evs: list[cardwire.Event] = []
            assert code_of(lambda: evs.append(m.verify_webhook(c["headers"], c["body"].encode(), now_ms=c["now_ms"]))) == c["expect"], name
            if c["expect"] == "ok":
                ev = evs[0]
                assert ev.type == c["notify_type"] and ev.raw == c["payload"] and not ev.duplicate, name
                assert ev.business_key == c["business_key"], name
                assert ev.delivery_key.endswith(":id:" + c["nonce_sha256"]), name
                again = m.verify_webhook(dict(c["headers"]), c["body"], now_ms=c["now_ms"] + 60_000)
                assert again.duplicate, f"{name}: a redelivery is a duplicate, not an error"
        elif c["kind"] == "request":
            p = cardwire.WorldCardPlatform(c["app_id"], key(c["merchant_public_key"]), c["aes_key"])
            got: list[object] = []
            assert code_of(lambda: got.append(p.verify_request(c["headers"], c["body"], now_ms=c["now_s"] * 1000))) == c["expect"], name
            if c["expect"] == "ok":
                assert got[0] == c["payload"], name
        elif c["kind"] == "response":
            m = merchant()
            opened: list[dict] = []
            assert code_of(lambda: opened.append(m.open_response(200, {}, c["body"]))) == c["expect"], name
            if c["expect"] == "ok":
                assert opened[0]["data"] == c.get("data"), name
                assert opened[0]["unencrypted_fields"] == c.get("unencrypted_fields", []), name
    assert n > 40


def test_pintopay_vectors() -> None:
    seen: set[str] = set()
    for name, c in cases("pintopay"):
        if c["kind"] == "request":
            p = cardwire.PinToPayPlatform(c["api_key"], c["api_secret"])
            got: list[object] = []
            assert code_of(lambda: got.append(p.verify_request(c["headers"], c["body"], path=c["path"], now_ms=c["now_us"] // 1000))) == c["expect"], name
            if c["expect"] == "ok":
                assert got[0] == c["payload"], name
        elif c["kind"] == "response":
            m = cardwire.PinToPayMerchant(c["api_key"], c["api_secret"])
            try:
                data = m.open_response(c.get("status") or 200, {}, c["body"])["data"]
                assert c["expect"] == "ok", name
                assert data == c["data"], name
            except cardwire.ApiError as e:
                assert c["expect"] == "api_error", name
                assert (e.provider_code, e.retryable) == (c["slug"], c["retryable"]), name
            except cardwire.CardwireError as e:
                assert e.code == c["expect"], name
        elif c["kind"] == "webhook":
            m = cardwire.PinToPayMerchant(c["api_key"], c["api_secret"])
            now = c["now_us"] // 1000
            evs: list[cardwire.Event] = []
            assert code_of(lambda: evs.append(m.verify_webhook(c["headers"], c["body"], now_ms=now))) == c["expect"], name
            if c["expect"] == "ok":
                ev = evs[0]
                # No send time is signed: the payload's own times are data.
                assert ev.type == c["event_type"] and ev.timestamp_ms is None, name
                assert ev.raw == c["payload"] and ev.business_key == c["business_key"], name
                assert ev.delivery_key.endswith(":content:" + c["content_sha256"]), name
                assert ev.delivery_key not in seen, f"{name}: two events, one key"
                seen.add(ev.delivery_key)
                assert m.verify_webhook(c["headers"], c["body"], now_ms=now + 1).duplicate


def test_payca_vectors() -> None:
    for name, c in cases("payca"):
        client = cardwire.PayCaClient(c["client_id"], c["client_secret"])
        evs: list[cardwire.Event] = []
        assert code_of(lambda: evs.append(client.verify_webhook(c["headers"], c["body"].encode(), now_ms=c["now_ms"]))) == c["expect"], name
        if c["expect"] == "ok":
            ev = evs[0]
            assert ev.type == ("" if c["event_type"] == "unknown" else c["event_type"]), name
            assert ev.delivery_id == c.get("delivery_id"), name
            assert ev.timestamp_ms is None, name
            if "business_key" in c:
                assert ev.business_key == c["business_key"], name
            assert ev.delivery_key.endswith(":content:" + c["content_sha256"]), name
            fresh = [h for h in c["headers"] if h[0].lower() != "x-request-id"] + [["x-request-id", "brand-new"]]
            assert client.verify_webhook(fresh, c["body"], now_ms=c["now_ms"] + 1).duplicate, name


def test_legacy_vectors() -> None:
    for name, c in cases("worldcard_legacy"):
        if c["kind"] == "ecb":
            out: list[str] = []
            assert code_of(lambda: out.append(cardwire.WorldCardLegacy("k", c["key"]).decrypt_field(c["value"]))) == c["expect"], name
            if c["expect"] == "ok":
                assert out[0] == c["plaintext"], name
        elif c["kind"] == "response":
            leg = cardwire.WorldCardLegacy("k", c["secret"])
            try:
                assert leg.open_response(200, {}, c["body"])["data"] == c["data"], name
            except cardwire.ApiError as e:
                assert e.outcome_unknown == c["outcome_unknown"], name
        elif c["kind"] == "webhook":
            leg = cardwire.WorldCardLegacy(c["app_key"], c["secret"])
            evs: list[cardwire.Event] = []
            assert code_of(lambda: evs.append(leg.verify_webhook(None, c["body"], now_ms=0))) == c["expect"], name
            if c["expect"] == "ok":
                ev = evs[0]
                assert ev.type == c["event"] and ev.business_key == c["dedup_key"], name
                assert ev.delivery_key.endswith(":content:" + c["content_sha256"]), name
                for k, v in c.get("exact", {}).items():
                    assert ev.raw[k] == v, f"{name}: {k} keeps its exact text"
        elif c["kind"] == "request":
            p = cardwire.WorldCardLegacyPlatform(c["app_key"], c["secret"])
            got: list[object] = []
            assert code_of(lambda: got.append(p.verify_request({}, c["body"], path=c["path"]))) == c["expect"], name


def test_wasabi_vectors() -> None:
    for name, c in cases("wasabi"):
        kind = c["kind"]
        if kind == "request":
            p = cardwire.WasabiPlatform("wsb_test_api_key", key("platform_1024.pkcs8.pem"), key(c["merchant_public_key"]))
            assert code_of(lambda: p.verify_request(c["headers"], c["body"])) == c["expect"], name
        elif kind == "response":
            m = cardwire.WasabiMerchant(
                "k", key("merchant_1024.pkcs8.pem"), key(c["platform_public_key"]),
                response_signature="require" if c["policy"] == "require" else "verify-if-present",
            )
            try:
                r = m.open_response(c.get("status", 200), c["headers"], c["body"])
                assert c["expect"] == "ok", name
                assert r["data"] == c["data"] and r["authenticated"] == c["verified"], name
            except cardwire.ApiError as e:
                assert c["expect"] == "api_error", name
                assert e.provider_code == c["code"] and e.authenticated == c["authenticated"], name
                if "retryable" in c:
                    assert e.retryable == c["retryable"], name
            except cardwire.CardwireError as e:
                assert e.code == c["expect"], name
        elif kind == "webhook":
            m = cardwire.WasabiMerchant("k", key("merchant_1024.pkcs8.pem"), key(c["platform_public_key"]))
            evs: list[cardwire.Event] = []
            assert code_of(lambda: evs.append(m.verify_webhook(c["headers"], c["body"], now_ms=0))) == c["expect"], name
            if c["expect"] == "ok":
                assert evs[0].business_key == c["dedup_key"], name
                assert evs[0].delivery_key.endswith(":content:" + c["content_sha256"]), name
                assert m.verify_webhook(c["headers"], c["body"], now_ms=1).duplicate, name
        elif kind == "field":
            pad = {"pkcs1": "pkcs1v15", "oaep_sha1": "oaep-sha1", "oaep_sha256": "oaep-sha256"}[c["padding"]]
            m = cardwire.WasabiMerchant("k", key(c["private_key"]), field_padding=pad)
            out: list[str] = []
            assert code_of(lambda: out.append(m.decrypt_field(c["value"]))) == c["expect"], name
            if c["expect"] == "ok":
                assert out[0] == c["plaintext"], name
        elif kind == "sensitive":
            m = cardwire.WasabiMerchant("k", key(c["private_key"]))
            assert m.open_sensitive(c["data"]) == c["plain"], name
        elif kind == "gateway":
            g = cardwire.WasabiGateway("wc_test")
            try:
                data = g.open_response(c["status"], c["headers"], c["body"], path=c.get("endpoint", "cards/info"), now_ms=c.get("now_ms", 0))["data"]
                assert c["expect"] == "ok", name
                if c.get("events"):
                    page = cardwire.WasabiGateway.parse_webhook_events(data)
                    assert [e["trusted"] for e in page["events"]] == [True, False], name
                else:
                    assert data == c["data"], name
            except cardwire.ApiError as e:
                assert c["expect"] == "api_error", name
                assert (e.provider_code, e.retryable) == (c["code"], c["retryable"]), name
                if c.get("retry_after_ms"):
                    assert e.retry_after_ms == c["retry_after_ms"], name
                if c.get("field_errors"):
                    assert e.errors == c["field_errors"], name
            except cardwire.CardwireError as e:
                assert e.code == c["expect"], name
