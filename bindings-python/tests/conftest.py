"""Shared helpers: the repository's conformance vectors and test keys."""
from __future__ import annotations

import json
import pathlib
from typing import Any, Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
AES_HEX = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"


def key(name: str) -> str:
    return (VECTORS / "keys" / name).read_text()


def cases(provider: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((VECTORS / provider).glob("*.json")):
        yield path.stem, json.loads(path.read_text())


def code_of(fn: Any) -> str:
    import cardwire

    try:
        fn()
        return "ok"
    except cardwire.CardwireError as e:
        return e.code


@pytest.fixture
def wc_pair() -> Any:
    import cardwire

    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    p = cardwire.WorldCardPlatform("app", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    return m, p
