"""The business key rule, written from its documentation (README "Deliveries"),
independently of cardwire: `<type>:<kind>:<id>:<status>:<times>`, each part the
field's value as received (a string as is, a number as its JSON text), read at
the payload's root and then inside a `data` object; `%` and `:` inside a part
are percent-encoded; several times are joined by `,`."""
import json


def _text(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def _find(payload, name):
    v = _text(payload.get(name)) if isinstance(payload, dict) else None
    if v is None and isinstance(payload, dict) and isinstance(payload.get("data"), dict):
        v = _text(payload["data"].get(name))
    return v


def _first(payload, names):
    for n in names:
        v = _find(payload, n)
        if v is not None:
            return v
    return ""


def business_key(event_type, payload, kind, ids, status, times):
    parts = [event_type, _first(payload, kind), _first(payload, ids), _first(payload, status),
             ",".join(v for v in (_find(payload, t) for t in times) if v is not None)]
    return ":".join(p.replace("%", "%25").replace(":", "%3A") for p in parts)


# Where each provider's events keep those parts (the provider modules' tables, restated from the documents).
WORLDCARD = dict(kind=["transaction_type", "business_type"], ids=["transaction_id", "card_id", "merchant_card_id"],
                 status=["status", "card_status", "transaction_status"],
                 times=["transaction_time", "change_time", "complete_time", "reviewed_at", "expires_at"])
WASABI = dict(kind=["type"], status=["status"], times=["transactionTime", "settleDate", "expirationTime", "updateTime"])
WASABI_IDS = {"card_holder": "holderId", "card_holder_change_email": "holderId", "card_transaction": "orderNo", "work": "orderNo",
              "wallet_transaction": "orderNo", "wallet_transaction_v2": "orderNo", "card_auth_transaction": "tradeNo",
              "card_fee_patch": "tradeNo", "card_3ds": "tradeNo", "physical_card": "cardNo"}
PINTOPAY = dict(kind=["kind", "transaction_type"],
                ids=["event_id", "transaction_id", "order_id", "card_id", "cardholder_id", "external_user_id", "user_id"],
                status=["status", "kyc_status", "registration_status"], times=["timestamp", "created_at", "event_time", "updated_at"])
PAYCA = dict(kind=["type"], ids=["id", "transactionId", "cardholderId", "cardId", "accountId", "userId"],
             status=["status", "kycStatus"], times=["timestamp", "createdAt", "updatedAt"])


def wasabi_key(category, payload):
    ident = WASABI_IDS.get(category)
    return business_key(category, payload, ids=[ident] if ident else [], **WASABI)
