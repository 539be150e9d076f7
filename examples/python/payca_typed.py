"""PayCA's request bodies, typed from docs/openapi/payca.yaml: mypy --strict
(with the `deprecated` error code on, as in mypy.ini here) accepts the right
fields and refuses a misspelt or missing one. Each refused line carries a
`type: ignore[...]` naming the error mypy must report; `warn_unused_ignores`
(part of --strict) fails the check if it reports none.

    python examples/python/payca_typed.py   # builds the requests, prints their paths
"""

from __future__ import annotations

from decimal import Decimal

import cardwire
from cardwire import PayCaCreateUser, PayCaIssueCard, WorldCardGetVirtualCardResponse

client = cardwire.PayCaClient("client-1", "secret-1")
platform = cardwire.PayCaPlatform("client-1", "secret-1")

user: PayCaCreateUser = {
    "externalId": "usr-001",
    "meta": {
        "firstName": "John", "lastName": "Doe", "email": "john@example.com", "phone": "5551234567",
        "phoneCode": "+1", "birthday": "1990-01-15", "country": "US", "town": "NYC",
        "address": "123 Main St", "postCode": "10001", "gender": "M",
    },
}
card: PayCaIssueCard = {"accountId": "acc-1", "bin": "537100", "balance": Decimal("100.00"), "idempotencyKey": "issue-001"}

requests = [
    client.build_request("/v1/users", user),
    client.build_request("/v1/users/{id}/cardholder", {"accountId": "acc-1", "bin": "537100"}, path_params=[("id", "usr-001")]),
    client.build_request("/v1/cards", card),
    client.build_request("/v1/cards", method="GET", query=[("limit", "10")]),
    client.build_request("/v1/webhooks", {"url": "https://shop.example.com/hooks", "type": "card_transaction"}),
    # Untyped paths, and paths known only at run time, stay as before.
    client.build_request("/v1/cardholders", query=[("limit", "100")]),
]


def issued_balance(headers: dict[str, str], body: bytes) -> str:
    # A verified request body, typed by its path.
    issued = platform.verify_request(headers, body, path="/v1/cards")
    return str(issued["balance"])


def card_status(opened: cardwire.Opened) -> int | None:
    # What an endpoint answers, typed from the description (every field optional).
    card: WorldCardGetVirtualCardResponse = opened["data"]
    return card.get("status")


def misuse() -> None:
    # A misspelt field: the typed overload refuses it, the catch-all for typed paths is deprecated.
    client.build_request("/v1/users", {"externalld": "usr-001"})  # type: ignore[deprecated]
    # In an annotated body, a misspelt or missing field is an error without any flag.
    bad: PayCaIssueCard = {"accountId": "acc-1", "bin": "537100", "balanse": "1"}  # type: ignore[typeddict-unknown-key, typeddict-item]
    missing: PayCaIssueCard = {"accountId": "acc-1", "bin": "537100"}  # type: ignore[typeddict-item]
    wrong_gender: PayCaCreateUser = {"externalId": "u", "meta": {"firstName": "J", "lastName": "D", "email": "j@d.io", "phone": "1", "phoneCode": "+1", "birthday": "1990-01-15", "country": "US", "town": "NYC", "address": "a", "postCode": "1", "gender": "X"}}  # type: ignore[typeddict-item]
    not_a_field = platform.verify_request({}, b"{}", path="/v1/users")["balance"]  # type: ignore[typeddict-item]
    answer: WorldCardGetVirtualCardResponse = {"card_idd": "c-1"}  # type: ignore[typeddict-unknown-key]
    status: str = answer["status"]  # type: ignore[assignment]
    del bad, missing, wrong_gender, not_a_field, status


if __name__ == "__main__":
    for r in requests:
        print(r["method"], r["path"])
