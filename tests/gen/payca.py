#!/usr/bin/env python3
"""Generate PayCA webhook vectors with Python's hmac/hashlib (independent of cardwire).

x-signature: sha256=<hex> = HMAC-SHA256(client secret, raw body).
"""
import hashlib

import business_key as bk
import hmac
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "payca"
CLIENT_ID = "payca_client_1"
SECRET = "pc_secret_Zq9!x"


def sig(body: bytes, secret=SECRET, upper=False):
    h = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return "sha256=" + (h.upper() if upper else h)


# 2026-01-02T03:04:05Z plus one second (PayCA signs no send time: the body's
# `timestamp` is data and plays no part in the verdict).
NOW_MS = 1767323046000


def key(event_type, payload):
    """The business key, by the documented rule (tests/gen/business_key.py)."""
    return bk.business_key(event_type, payload, **bk.PAYCA)


def content_key(body: bytes) -> str:
    """The delivery identity: SHA-256 of the signed body (providers.md, "Delivery identity")."""
    return hashlib.sha256(body).hexdigest()


def write(name, case):
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=2, sort_keys=True) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    common = {"kind": "webhook", "client_id": CLIENT_ID, "client_secret": SECRET, "now_ms": NOW_MS}
    card = b'{"event":"card_transaction","data":{"cardId":"c-1","amount":"12.50","currency":"USD","status":"completed"}}'
    ledger = b'{"event": "account_transaction", "data": {"accountId": "a-1", "amount": "100.00", "type": "credit"}}'
    holder = b'{"cardholderId":"ch-9","status":"pass_audit","previousStatus":"under_review","description":"Approved","timestamp":"2026-01-02T03:04:05Z"}'
    kyc = b'{"userId":"u-1","kycStatus":"completed"}'
    for name, body, typ in [("card_transaction", card, "card_transaction"), ("account_transaction", ledger, "account_transaction"),
                            ("cardholder_status", holder, "cardholder_status"), ("kyc_unknown_shape", kyc, "unknown")]:
        write(f"webhook_{name}", dict(common, headers=[["x-signature", sig(body)], ["x-client-id", CLIENT_ID], ["x-request-id", f"req-{name}"]],
                                      body=body.decode(), expect="ok", event_type=typ, delivery_id=f"req-{name}",
                                      business_key=key("" if typ == "unknown" else typ, json.loads(body)),
                                      timestamp_ms=None, content_sha256=content_key(body)))
    write("webhook_uppercase_hex", dict(common, headers=[["X-Signature", sig(card, upper=True)], ["X-Request-Id", "r-up"]],
                                        body=card.decode(), expect="ok", event_type="card_transaction", delivery_id="r-up",
                                        business_key=key("card_transaction", json.loads(card)),
                                        content_sha256=content_key(card)))
    write("webhook_no_request_id", dict(common, headers=[["x-signature", sig(card)], ["x-idempotency-key", "idem-7"]],
                                        body=card.decode(), expect="ok", event_type="card_transaction", delivery_id="idem-7",
                                        content_sha256=content_key(card)))
    # A cardholder event re-sent by POST /v1/webhooks/resend?fromDate=...: its
    # `timestamp` (when the status changed) is 30 days old. It is data: accepted.
    old = holder.replace(b"2026-01-02T03:04:05Z", b"2025-12-03T03:04:05Z")
    write("webhook_resent_old_cardholder", dict(common, headers=[["x-signature", sig(old)], ["x-request-id", "r-old"]],
                                                body=old.decode(), expect="ok", event_type="cardholder_status", delivery_id="r-old",
                                                business_key=key("cardholder_status", json.loads(old)), timestamp_ms=None,
                                                content_sha256=content_key(old)))
    # The cardholder's status moves, each with its own time: three keys, in order.
    moves = []
    for i, (prev, status, ts) in enumerate([("pending_review", "wait_audit", "2026-01-02T03:00:00Z"),
                                            ("wait_audit", "under_review", "2026-01-02T03:02:00Z"),
                                            ("under_review", "pass_audit", "2026-01-02T03:04:00Z")]):
        b = json.dumps({"cardholderId": "ch-7", "status": status, "previousStatus": prev, "description": "",
                        "timestamp": ts}, separators=(",", ":")).encode()
        moves.append(key("cardholder_status", json.loads(b)))
        write(f"webhook_cardholder_move_{i}", dict(common, headers=[["x-signature", sig(b)]], body=b.decode(), expect="ok",
                                                   event_type="cardholder_status", delivery_id=None, business_key=moves[-1],
                                                   timestamp_ms=None, content_sha256=content_key(b)))
    assert len(set(moves)) == 3
    # Event times in any shape are data: epoch with a fraction, naive date-time, text, null, an object.
    for name, ts in [("epoch_fraction", 1767323045.5), ("epoch_ms", 1767323045000), ("naive", "2026-01-02 03:04:05"),
                     ("text", "not a time"), ("null", None), ("object", {"at": 1}), ("far_past", "1970-01-01T00:00:00Z")]:
        b = json.dumps({"cardholderId": "ch-8", "status": "reject", "previousStatus": "under_review", "description": "x",
                        "timestamp": ts}, separators=(",", ":")).encode()
        write(f"webhook_time_{name}", dict(common, headers=[["x-signature", sig(b)]], body=b.decode(), expect="ok",
                                           event_type="cardholder_status", delivery_id=None,
                                           business_key=key("cardholder_status", json.loads(b)), timestamp_ms=None,
                                           content_sha256=content_key(b)))
    # Amounts as JSON numbers with trailing zeros: signed over the exact text.
    money = b'{"event":"card_transaction","data":{"cardId":"c-2","amount":12.50,"fee":0.0120,"total":100.00}}'
    write("webhook_exact_numbers", dict(common, headers=[["x-signature", sig(money)]], body=money.decode(), expect="ok",
                                        event_type="card_transaction", delivery_id=None, content_sha256=content_key(money),
                                        data={"cardId": "c-2", "amount": "12.50", "fee": "0.0120", "total": "100.00"}))
    write("webhook_neg_tampered_body", dict(common, headers=[["x-signature", sig(card)]], body=card.decode().replace("12.50", "99.50"),
                                            expect="signature_invalid"))
    write("webhook_neg_wrong_secret", dict(common, headers=[["x-signature", sig(card, secret="other")]], body=card.decode(),
                                           expect="signature_invalid"))
    write("webhook_neg_not_hex", dict(common, headers=[["x-signature", "sha256=" + "zz" * 32]], body=card.decode(), expect="malformed_envelope"))
    write("webhook_neg_short_hex", dict(common, headers=[["x-signature", sig(card)[:-2]]], body=card.decode(), expect="malformed_envelope"))
    write("webhook_neg_no_prefix", dict(common, headers=[["x-signature", sig(card)[7:]]], body=card.decode(), expect="malformed_envelope"))
    write("webhook_neg_missing_signature", dict(common, headers=[["x-request-id", "r"]], body=card.decode(), expect="malformed_envelope"))
    print(f"wrote {len(list(OUT.glob('*.json')))} PayCA vectors to {OUT}")


if __name__ == "__main__":
    main()
