"""Typed webhook events: narrow on ``event.type`` and ``event.data`` is the
documented shape of that event (a ``TypedDict``), checked by mypy --strict.

Run as a script, it has WorldCard's platform side (cardwire's own, standing
in for the real provider) sign a deposit webhook, verifies it, and prints
what the typed handler read. Throwaway test keys from tests/vectors/keys."""
from __future__ import annotations

import pathlib

import cardwire
from cardwire import WorldCardEvent

KEYS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"


def key(name: str) -> str:
    return (KEYS / name).read_text()


def credited(event: WorldCardEvent) -> str | None:
    """The amount a deposit credits, or None for any other event."""
    if event.type == "card_deposit":
        # Narrowed: `event.data` is WorldCardCardDepositData, so a typo in a
        # key is a type error (mypy --strict checks this file).
        return event.data.get("amount")
    return None


def main() -> None:
    merchant = cardwire.WorldCardMerchant("app_demo", key("merchant_2048.pkcs8.pem"), AES, key("platform_2048.spki.pem"))
    platform = cardwire.WorldCardPlatform("app_demo", key("merchant_2048.spki.pem"), AES, key("platform_2048.pkcs8.pem"))
    hook = platform.sign_webhook("card_deposit", {"card_id": "c-1", "transaction_id": "t-1", "amount": "25.00", "status": 1})
    event = merchant.verify_webhook(hook["headers"], hook["body"])
    print(event.type, credited(event))


if __name__ == "__main__":
    main()
