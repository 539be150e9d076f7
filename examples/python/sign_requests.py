"""Building signed requests for every provider: the exact method, path,
headers and body to send with your HTTP client (here: printed, not sent).
Throwaway test keys from tests/vectors/keys."""
from __future__ import annotations

import pathlib
from decimal import Decimal

import cardwire

KEYS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"


def key(name: str) -> str:
    return (KEYS / name).read_text()


def show(name: str, req: cardwire.Request) -> None:
    print(f"{name}: {req['method']} {req['path']} headers={sorted(req['headers'])} body={len(req['body'])} bytes")


def main() -> None:
    wc = cardwire.WorldCardMerchant("app_demo", key("merchant_2048.pkcs8.pem"), AES)
    show("worldcard", wc.build_request("/api/v1/card/deposit", {"card_id": "c-1", "merchant_transaction_id": "t-1", "amount": Decimal("100.00")}))
    legacy = cardwire.WorldCardLegacy("app_demo", "sBOvCZZurSbbdJiA")
    req = legacy.build_request("/op/card/E/info", {"cardNumber": "4000"})
    show("legacy", req)
    wsb = cardwire.WasabiMerchant("wsb_demo", key("merchant_1024.pkcs8.pem"))
    show("wasabi", wsb.build_request("/merchant/core/mcb/card/info", {"cardNo": "c1"}))
    gw = cardwire.WasabiGateway("gw_demo")
    show("gateway", gw.build_request("work-orders/", {"pageNum": 1}, method="GET"))
    ptp = cardwire.PinToPayMerchant("ptp_demo", "ptp-demo-secret")
    show("pintopay", ptp.build_request("/api/v1/cards/topup", {"card_id": "c-1", "amount": "25.50"}, idempotency_key="topup-1"))
    payca = cardwire.PayCaClient("payca_demo", "payca-demo-secret")
    show("payca", payca.build_request("/v1/cards", query=[("limit", "10")], method="GET"))
    try:
        wc.build_request("/api/v1/card/deposit", {"card_id": "c-1", "merchant_transaction_id": "t-2", "amount": "5"})
    except cardwire.ValidationFailed as e:
        print("refused before sending:", e.errors)


if __name__ == "__main__":
    main()
