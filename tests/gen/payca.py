#!/usr/bin/env python3
"""Generate PayCA webhook vectors with Python's hmac/hashlib (independent of cardwire).

x-signature: sha256=<hex> = HMAC-SHA256(client secret, raw body).
"""
import hashlib
import hmac
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "payca"
CLIENT_ID = "payca_client_1"
SECRET = "pc_secret_Zq9!x"


def sig(body: bytes, secret=SECRET, upper=False):
    h = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return "sha256=" + (h.upper() if upper else h)


# 2026-01-02T03:04:05Z, the cardholder event's signed time, plus one second.
NOW_MS = 1767323046000


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
                                      content_sha256=content_key(body)))
    write("webhook_uppercase_hex", dict(common, headers=[["X-Signature", sig(card, upper=True)], ["X-Request-Id", "r-up"]],
                                        body=card.decode(), expect="ok", event_type="card_transaction", delivery_id="r-up",
                                        content_sha256=content_key(card)))
    write("webhook_no_request_id", dict(common, headers=[["x-signature", sig(card)], ["x-idempotency-key", "idem-7"]],
                                        body=card.decode(), expect="ok", event_type="card_transaction", delivery_id="idem-7",
                                        content_sha256=content_key(card)))
    # The cardholder event's signed timestamp, 30 days before now: older than
    # the 48 h retention, so it cannot be proven new.
    stale = holder.replace(b"2026-01-02T03:04:05Z", b"2025-12-03T03:04:05Z")
    write("webhook_neg_stale_cardholder", dict(common, headers=[["x-signature", sig(stale)], ["x-request-id", "r-old"]],
                                               body=stale.decode(), expect="timestamp_out_of_window"))
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
