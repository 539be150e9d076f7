"""Eight threads verifying webhooks at once give the same results as one
(the GIL is released around the crypto; one object serves every thread)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cardwire


def test_eight_threads_same_results(wc_pair: Any) -> None:
    m, p = wc_pair
    hooks = [p.sign_webhook("card_deposit", {"card_id": str(i), "amount": f"{i}.00", "status": 1}) for i in range(64)]

    def verify(h: dict[str, Any]) -> tuple[str, str, bool]:
        ev = m.verify_webhook(h["headers"], h["body"])
        return ev.data["card_id"], ev.delivery_key, ev.duplicate

    one = [verify(h) for h in hooks]
    fresh = cardwire.WorldCardMerchant(*_args(m))
    m2 = fresh
    with ThreadPoolExecutor(8) as pool:
        many = list(pool.map(lambda h: _verify(m2, h), hooks))
    assert [x[:2] for x in many] == [x[:2] for x in one]
    assert all(not d for _, _, d in one) and all(not d for _, _, d in many)
    with ThreadPoolExecutor(8) as pool:
        again = list(pool.map(lambda h: _verify(m2, h), hooks))
    assert all(d for _, _, d in again), "every redelivery is a duplicate, whichever thread sees it"


def _verify(m: cardwire.WorldCardMerchant, h: dict[str, Any]) -> tuple[str, str, bool]:
    ev = m.verify_webhook(h["headers"], h["body"])
    return ev.data["card_id"], ev.delivery_key, ev.duplicate


def _args(_: Any) -> tuple[str, str, str, str]:
    from conftest import AES_HEX, key

    return ("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))


def test_async_variants_run_in_threads(wc_pair: Any) -> None:
    import asyncio

    m, _ = wc_pair

    async def main() -> list[Any]:
        return await asyncio.gather(*(m.build_request_async("/api/v1/card/virtual/get_info", {"card_id": str(i)}) for i in range(8)))

    reqs = asyncio.run(main())
    assert len({r["headers"]["X-Nonce"] for r in reqs}) == 8
