#!/usr/bin/env python3
"""Generate PinToPay conformance vectors with PyNaCl (`nacl.secret.SecretBox`).

Envelope: {"encrypted": b64(0x02 || nonce(24) || secretbox)}, key = SHA-256(secret).
`SecretBox.encrypt(...).ciphertext` is tag||ciphertext, as the provider's sample uses.
Nonces are random: re-running changes the bytes, not what they must open to.
"""
import base64

import business_key as bk
import hashlib
import json
import pathlib

import nacl.secret
import nacl.utils

OUT = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "pintopay"
SECRET = "pk_test_secret_ünïcode_✓"
OTHER_SECRET = "another-secret-123"
API_KEY = "ptp_test_key"
NOW_US = 1_764_000_000_000_000


def box(secret):
    return nacl.secret.SecretBox(hashlib.sha256(secret.encode()).digest())


def seal(secret, payload, version=2):
    msg = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    nonce = nacl.utils.random(24)
    ct = box(secret).encrypt(msg, nonce).ciphertext
    return base64.b64encode(bytes([version]) + nonce + ct).decode()


def body(b64):
    return json.dumps({"encrypted": b64})


def write(name, case):
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    common = {"api_key": API_KEY, "api_secret": SECRET, "now_us": NOW_US}
    req = {"card_id": "card_123", "amount": "25.50", "request_timestamp": NOW_US - 5_000_000}
    hdr = [["API-KEY", API_KEY], ["Content-Type", "application/json"], ["Idempotency-Key", "idem-1"]]
    write("request_topup", dict(common, kind="request", path="/api/v1/cards/topup", headers=hdr,
                                body=body(seal(SECRET, req)), expect="ok", payload=req))
    req_str = {"external_user_id": "ext-1", "request_timestamp": str(NOW_US + 29_000_000)}
    write("request_timestamp_as_string", dict(common, kind="request", path="/api/v1/users/create", headers=hdr[:2],
                                              body=body(seal(SECRET, req_str)), expect="ok", payload=req_str))
    good = base64.b64decode(seal(SECRET, req))
    neg = {
        "request_neg_wrong_version": (base64.b64encode(b"\x01" + good[1:]).decode(), "malformed_envelope"),
        "request_neg_short_input": (base64.b64encode(good[:40]).decode(), "malformed_envelope"),
        "request_neg_flipped_mac": (base64.b64encode(good[:25] + bytes([good[25] ^ 1]) + good[26:]).decode(), "decrypt_failed"),
        "request_neg_flipped_ciphertext": (base64.b64encode(good[:-1] + bytes([good[-1] ^ 1])).decode(), "decrypt_failed"),
        "request_neg_wrong_secret": (seal(OTHER_SECRET, req), "decrypt_failed"),
        "request_neg_bad_base64": ("%%%", "malformed_envelope"),
        "request_neg_stale": (seal(SECRET, dict(req, request_timestamp=NOW_US - 31_000_000)), "timestamp_out_of_window"),
        "request_neg_future": (seal(SECRET, dict(req, request_timestamp=NOW_US + 31_000_000)), "timestamp_out_of_window"),
        "request_neg_no_timestamp": (seal(SECRET, {"card_id": "c"}), "malformed_envelope"),
        "request_neg_timestamp_not_numeric": (seal(SECRET, dict(req, request_timestamp="12abc")), "malformed_envelope"),
        "request_neg_timestamp_float": (seal(SECRET, dict(req, request_timestamp=1.5)), "malformed_envelope"),
        "request_neg_plaintext_not_json": (seal(SECRET, b"not json"), "malformed_envelope"),
    }
    for name, (b64, code) in neg.items():
        write(name, dict(common, kind="request", path="/api/v1/cards/topup", headers=hdr, body=body(b64), expect=code))
    write("request_neg_no_idempotency_key", dict(common, kind="request", path="/api/v1/cards/create", headers=hdr[:2],
                                                 body=body(seal(SECRET, req)), expect="idempotency_key_required"))
    write("request_neg_unknown_api_key", dict(common, kind="request", path="/api/v1/cards/topup",
                                              headers=[["API-KEY", "someone-else"]], body=body(seal(SECRET, req)),
                                              expect="unknown_merchant"))
    write("request_neg_no_envelope", dict(common, kind="request", path="/api/v1/cards/topup", headers=hdr,
                                          body='{"card_id":"x"}', expect="malformed_envelope"))

    # Responses the merchant must open.
    card = {"card_id": "card_123", "status": "active", "balance": "100.00"}
    write("response_success", dict(common, kind="response", status=200, body=body(seal(SECRET, card)), expect="ok", data=card))
    details = {"card_id": "card_123", "status": "active", "card_number": "5392000011112222", "cvv": "987",
               "expiry_month": "12", "expiry_year": "2030", "balance": "100.00"}
    write("response_card_details", dict(common, kind="response", status=200, body=body(seal(SECRET, details)), expect="ok", data=details))
    err = {"success": False, "error": "Card not found", "error_slug": "card_not_found"}
    write("response_encrypted_error", dict(common, kind="response", status=404, body=body(seal(SECRET, err)),
                                           expect="api_error", slug="card_not_found", retryable=False))
    write("response_plain_error", dict(common, kind="response", status=502,
                                       body=json.dumps({"success": False, "error": "Upstream", "error_slug": "provider_error"}),
                                       expect="api_error", slug="provider_error", retryable=True))
    write("response_unknown_slug_5xx", dict(common, kind="response", status=503,
                                            body=json.dumps({"success": False, "error": "x", "error_slug": "project_balance_failed"}),
                                            expect="api_error", slug="project_balance_failed", retryable=True))
    write("response_unknown_slug_4xx", dict(common, kind="response", status=400,
                                            body=json.dumps({"success": False, "error": "x", "error_slug": "amount_below_minimum"}),
                                            expect="api_error", slug="amount_below_minimum", retryable=False))
    write("response_plain_auth_error", dict(common, kind="response", status=400,
                                            body=json.dumps({"error": "Request timestamp outside allowed window"}),
                                            expect="api_error", slug="request_timestamp_outside_window", retryable=True))
    write("response_plain_text_auth_error", dict(common, kind="response", status=404, body="API key not found",
                                                 expect="api_error", slug="api_key_not_found", retryable=False))
    write("response_neg_wrong_secret", dict(common, kind="response", status=200, body=body(seal(OTHER_SECRET, card)),
                                            expect="decrypt_failed"))
    write("response_neg_plain_success", dict(common, kind="response", status=200, body=json.dumps(card),
                                             expect="malformed_envelope"))

    # Webhooks. The delivery identity is the SHA-256 of the decrypted payload
    # (providers.md, "Delivery identity"): computed here over the exact bytes sealed.
    def compact(p):
        return json.dumps(p, separators=(",", ":")).encode()

    def key(p):
        return bk.business_key(p.get("type", ""), p, **bk.PINTOPAY)

    # PinToPay signs no send time: `timestamp_ms` is null on every event, and
    # the payload's own times are data (providers.md, "Delivery identity").
    hook = {"type": "card.transaction", "timestamp": 1764000000, "card_id": "card_123", "amount": "9.99"}
    write("webhook_card_transaction", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                           body=body(seal(SECRET, hook)), expect="ok", payload=hook,
                                           event_type="card.transaction", timestamp_ms=None, business_key=key(hook),
                                           content_sha256=hashlib.sha256(compact(hook)).hexdigest()))
    # Genuine events whose own times are old, odd or absent: accepted, never refused.
    times = {
        "old_card_created_weeks_ago": {"type": "card.frozen", "card_id": "card_9", "status": "frozen",
                                       "created_at": "2025-10-01T09:00:00Z"},
        "epoch_with_fraction": {"type": "card.transaction", "card_id": "card_9", "timestamp": 1764000000.123456},
        "epoch_microseconds": {"type": "card.transaction", "card_id": "card_9", "timestamp": 1764000000123456},
        "negative_time": {"type": "card.transaction", "card_id": "card_9", "timestamp": -5},
        "far_future": {"type": "card.transaction", "card_id": "card_9", "timestamp": "2199-01-01T00:00:00+14:00"},
        "naive_datetime": {"type": "card.transaction", "card_id": "card_9", "event_time": "2026-01-02 03:04:05"},
        "free_text_time": {"type": "card.transaction", "card_id": "card_9", "timestamp": "yesterday at noon"},
        "object_time": {"type": "card.transaction", "card_id": "card_9", "timestamp": {"s": 1}},
        "null_time": {"type": "card.transaction", "card_id": "card_9", "timestamp": None},
    }
    for name, p in times.items():
        # The opened payload keeps a non-integer number as its exact text.
        opened = {k: json.dumps(v) if isinstance(v, float) else v for k, v in p.items()}
        write(f"webhook_time_{name}", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                           body=body(seal(SECRET, p)), expect="ok", payload=opened,
                                           event_type=p["type"], timestamp_ms=None, business_key=key(p),
                                           content_sha256=hashlib.sha256(compact(p)).hexdigest()))
    # Freeze, unfreeze, freeze again: three events, three business keys, none a duplicate.
    seq = [{"type": "card.status", "card_id": "card_7", "status": s, "timestamp": t}
           for s, t in (("frozen", 1764000000), ("active", 1764000600), ("frozen", 1764001200))]
    assert len({key(p) for p in seq}) == 3
    for i, p in enumerate(seq):
        write(f"webhook_sequence_{i}", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                            body=body(seal(SECRET, p)), expect="ok", payload=p,
                                            event_type="card.status", timestamp_ms=None, business_key=key(p),
                                            content_sha256=hashlib.sha256(compact(p)).hexdigest()))
    # Two different events sharing type and timestamp: never one delivery.
    for suffix, card_id in (("a", "card_A"), ("b", "card_B")):
        twin = {"type": "card.transaction", "timestamp": 1764000000, "card_id": card_id, "amount": "1.00"}
        write(f"webhook_same_type_and_time_{suffix}", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                                           body=body(seal(SECRET, twin)), expect="ok", payload=twin,
                                                           event_type="card.transaction", timestamp_ms=None,
                                                           business_key=key(twin),
                                                           content_sha256=hashlib.sha256(compact(twin)).hexdigest()))
    # Authentic, but no type: an unknown event to acknowledge, not an error.
    typeless = {"card_id": "card_123", "status": "frozen"}
    write("webhook_no_type", dict(common, kind="webhook", headers=[], body=body(seal(SECRET, typeless)), expect="ok",
                                  payload=typeless, event_type="", timestamp_ms=None, business_key=key(typeless),
                                  content_sha256=hashlib.sha256(compact(typeless)).hexdigest()))
    # Amounts as JSON numbers keep their exact text.
    money = b'{"type":"card.topup","created_at":"2025-11-24T16:00:00Z","amount":9.90,"fee":0.0120}'
    write("webhook_exact_numbers", dict(common, kind="webhook", headers=[], body=body(seal(SECRET, money)), expect="ok",
                                        payload={"type": "card.topup", "created_at": "2025-11-24T16:00:00Z",
                                                 "amount": "9.90", "fee": "0.0120"},
                                        event_type="card.topup", timestamp_ms=None,
                                        business_key=key(json.loads(money)),
                                        content_sha256=hashlib.sha256(money).hexdigest()))
    # A merchant request (request_timestamp) reflected to the webhook URL.
    write("webhook_neg_reflected_request", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                                body=body(seal(SECRET, req)), expect="malformed_envelope"))
    # An event that happened 30 days ago (re-sent, or about an old card): its
    # time is data, so it is accepted (it was refused as stale before round 3).
    old = dict(hook, timestamp=1764000000 - 30 * 86400)
    write("webhook_old_event_time", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                         body=body(seal(SECRET, old)), expect="ok", payload=old,
                                         event_type="card.transaction", timestamp_ms=None, business_key=key(old),
                                         content_sha256=hashlib.sha256(compact(old)).hexdigest()))
    write("webhook_neg_wrong_secret", dict(common, kind="webhook", headers=[["API-KEY", API_KEY]],
                                           body=body(seal(OTHER_SECRET, hook)), expect="decrypt_failed"))
    write("webhook_neg_flipped_mac", dict(common, kind="webhook", headers=[], expect="decrypt_failed",
                                          body=body(base64.b64encode(good[:30] + bytes([good[30] ^ 4]) + good[31:]).decode())))
    print(f"wrote {len(list(OUT.glob('*.json')))} PinToPay vectors to {OUT}")


if __name__ == "__main__":
    main()
