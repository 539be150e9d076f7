"""Bad input raises the right exception with a message that says what to
pass, and never crashes the interpreter."""
from __future__ import annotations

import threading
from typing import Any

import cardwire
import pytest
from conftest import AES_HEX, key


def merchant() -> cardwire.WorldCardMerchant:
    return cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: cardwire.WorldCardMerchant(None, "x", AES_HEX), cardwire.InvalidInput, "app_id"),  # type: ignore[arg-type]
        (lambda: cardwire.WorldCardMerchant(7, key("merchant_1024.pkcs8.pem"), AES_HEX), cardwire.InvalidInput, "must be text"),  # type: ignore[arg-type]
        (lambda: cardwire.WorldCardMerchant("a", "nope", AES_HEX), cardwire.InvalidKey, "key"),
        (lambda: cardwire.WorldCardMerchant("a", key("merchant_1024.spki.pem"), AES_HEX), cardwire.InvalidKey, "public key"),
        (lambda: cardwire.PinToPayMerchant("k", "short"), cardwire.InvalidKey, ""),
        (lambda: cardwire.WorldCardLegacy("k", "odd-length-secret"), cardwire.InvalidKey, "16, 24 or 32"),
        (lambda: cardwire.WasabiMerchant("k", key("merchant_1024.pkcs8.pem"), field_padding="rot13"), cardwire.InvalidInput, "pkcs1v15"),  # type: ignore[arg-type]
        (lambda: merchant().build_request("/api/v1/card/close", 12), cardwire.InvalidInput, "payload"),  # type: ignore[arg-type]
        (lambda: merchant().build_request("/api/v1/card/close", "{not json"), cardwire.InvalidInput, "JSON"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "c"}, timestamp_s=-1), cardwire.InvalidInput, "non-negative"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "c"}, timestamp_s=1.5), cardwire.InvalidInput, "whole number"),  # type: ignore[arg-type]
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "c"}, nonce="has space"), cardwire.InvalidInput, "nonce"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "c"}, random=b"123"), cardwire.InvalidInput, "32 bytes"),
        (lambda: merchant().build_request("/nope", {}), cardwire.InvalidInput, "paths look like"),
        (lambda: merchant().build_request(None, {}), cardwire.InvalidInput, "path"),  # type: ignore[arg-type]
        (lambda: merchant().open_response(200, {}, None), cardwire.InvalidInput, "body"),  # type: ignore[arg-type]
        (lambda: merchant().open_response(70000, {}, "{}"), cardwire.InvalidInput, "HTTP status"),
        (lambda: merchant().verify_webhook(12, b"{}"), cardwire.InvalidInput, "headers"),  # type: ignore[arg-type]
        (lambda: merchant().verify_webhook({}, b"{}"), cardwire.MalformedEnvelope, "X-Signature"),
        (lambda: merchant().verify_webhook({"X-Signature": "AAAA", "X-Timestamp": "1", "X-Nonce": "n"}, {"data": "x"}), cardwire.InvalidInput, "request.get_data()"),  # type: ignore[arg-type]
        (lambda: merchant().verify_webhook({"X-Signature": "AAAA", "X-Timestamp": "1", "X-Nonce": "n"}, b"\xff\xfe\x00"), cardwire.SignatureInvalid, ""),
        (lambda: merchant().verify_webhook({"X-Signature": "AAAA", "X-Timestamp": "1", "X-Nonce": "n"}, "x" * 5_000_000), cardwire.SignatureInvalid, ""),
        (lambda: merchant().build_request("/api/v1/card/close", "x" * 5_000_000), cardwire.InvalidInput, "JSON"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": object()}), cardwire.InvalidInput, "cannot take a value of type object"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "\ud800"}), cardwire.InvalidInput, "Unicode"),
        (lambda: merchant().build_request("/api/v1/card/close", {"amount": float("nan")}, validate=False), cardwire.InvalidInput, "NaN"),
        (lambda: merchant().build_request("/api/v1/card/close", {"card_id": "c"}, timestmap_s=1), TypeError, "timestmap_s"),  # type: ignore[call-arg]
        (lambda: cardwire.validate("nope", "/x", {}), cardwire.InvalidInput, ""),  # type: ignore[arg-type]
        (lambda: cardwire.status_model("nope"), cardwire.InvalidInput, "pintopay.order"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_a_typed_error(call: Any, exc: type[BaseException], words: str) -> None:
    with pytest.raises(exc) as e:
        call()
    assert words in str(e.value), str(e.value)
    if isinstance(e.value, cardwire.CardwireError):
        assert e.value.code in cardwire.error_codes()
        assert "PRIVATE KEY" not in str(e.value) and AES_HEX not in str(e.value)


def test_validation_and_invalid_input_are_value_errors() -> None:
    with pytest.raises(ValueError):
        cardwire.validate("worldcard", "/api/v1/card/deposit", {"amount": "5"})
    with pytest.raises(ValueError):
        merchant().build_request("/nope", {})
    with pytest.raises(cardwire.ValidationFailed) as e:
        cardwire.validate("worldcard", "/api/v1/card/deposit", {"card_id": "c", "merchant_transaction_id": "t", "amount": "5"})
    assert e.value.errors == {"amount": ["must be at least 10"]}


def test_a_store_that_fails_is_store_unavailable_never_new(wc_pair: Any) -> None:
    _, p = wc_pair

    class Down:
        def seen(self, key: str, ttl_ms: int) -> bool:
            raise ConnectionError("redis down")

    class Wrong:
        def seen(self, key: str, ttl_ms: int) -> Any:
            return "maybe"

    hook = p.sign_webhook("card_open", {"card_id": "1"})
    for store in (Down(), Wrong()):
        m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"), store=store)
        with pytest.raises(cardwire.StoreUnavailable):
            m.verify_webhook(hook["headers"], hook["body"])


def test_a_custom_store_shares_deliveries_between_instances(wc_pair: Any) -> None:
    _, p = wc_pair

    class Shared:
        def __init__(self) -> None:
            self.keys: dict[str, int] = {}
            self.lock = threading.Lock()

        def seen(self, key: str, ttl_ms: int) -> bool:
            with self.lock:
                if key in self.keys:
                    return True
                self.keys[key] = ttl_ms
                return False

    store = Shared()
    a, b = (cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"), store=store) for _ in range(2))
    hook = p.sign_webhook("card_open", {"card_id": "1"})
    assert not a.verify_webhook(hook["headers"], hook["body"]).duplicate
    assert b.verify_webhook(hook["headers"], hook["body"]).duplicate
    assert list(store.keys.values()) == [48 * 3600 * 1000]
