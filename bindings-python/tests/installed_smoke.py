"""Run by `make test-python` in a fresh virtualenv of Debian's own Python
that holds nothing but the wheel (installed with --no-index): the wheel
needs no build tools, no Rust, no network and no other package."""
from __future__ import annotations

import pathlib
import sys

import cardwire

KEYS = pathlib.Path(sys.argv[1])
m = cardwire.WorldCardMerchant(
    "app_smoke",
    (KEYS / "merchant_2048.pkcs8.pem").read_text(),
    "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a",
    (KEYS / "platform_2048.spki.pem").read_text(),
)
p = cardwire.WorldCardPlatform(
    "app_smoke",
    (KEYS / "merchant_2048.spki.pem").read_text(),
    "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a",
    (KEYS / "platform_2048.pkcs8.pem").read_text(),
)
req = m.build_request("/api/v1/card/deposit", {"card_id": "c_1", "amount": "10.00", "merchant_transaction_id": "t1"})
assert p.verify_request(req["headers"], req["body"])["amount"] == "10.00"
try:
    p.verify_request({**req["headers"], "X-Signature": "AAAA"}, req["body"])
    raise SystemExit("a forged signature was accepted")
except cardwire.SignatureInvalid as e:
    assert e.code == "signature_invalid"
assert cardwire.backend == "native", cardwire.backend
print(f"installed wheel works on Python {sys.version.split()[0]} at {sys.executable} (backend {cardwire.backend})")
