"""Shared by the multi-instance test's driver and Python receivers: the
throwaway accounts (tests/vectors/keys), and how an event's reference is
found in its authenticated payload."""
from __future__ import annotations

import pathlib
from typing import Any

KEYS = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "keys"
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
LEGACY_SECRET = "sBOvCZZurSbbdJiA"
RESERVATION_MS = 3000


def key(name: str) -> str:
    return (KEYS / name).read_text()


def merchants(cw: Any) -> dict[str, Any]:
    return {
        "/worldcard": cw.WorldCardMerchant("app_demo", key("merchant_2048.pkcs8.pem"), AES, key("platform_2048.spki.pem")),
        "/legacy": cw.WorldCardLegacy("app_demo", LEGACY_SECRET),
        "/wasabi": cw.WasabiMerchant("wsb_demo", key("merchant_1024.pkcs8.pem"), key("platform_1024.spki.pem")),
        "/pintopay": cw.PinToPayMerchant("ptp_demo", "ptp-demo-secret"),
        "/payca": cw.PayCaClient("payca_demo", "payca-demo-secret"),
    }


def find_ref(v: Any) -> str | None:
    """The driver's event reference (`ev-NNNN`) wherever the payload holds it."""
    if isinstance(v, str):
        return v if v.startswith("ev-") else None
    items = v.values() if hasattr(v, "values") else v if isinstance(v, list) else []
    for x in items:
        r = find_ref(x)
        if r:
            return r
    return None
