"""FastAPI behind a load balancer: every instance shares one Redis
(``redis.asyncio``), so a provider's redelivery is processed once whichever
instance it lands on.

Verify the raw body with ``check_webhook``, then ``process`` the event: it is
reserved while your work runs and marked done after; a redelivery comes back
``duplicate`` (acknowledge), ``busy`` while another instance works on it
(503: the provider retries); Redis away is ``StoreUnavailable`` (503), never
"new". Run: ``REDIS_URL=redis://... uvicorn fastapi_redis:app``."""
from __future__ import annotations

import os
from typing import Any

import cardwire
import redis.asyncio
from cardwire.redis import AsyncRedisDeliveries
from fastapi import FastAPI, Request, Response
from redis.backoff import NoBackoff
from redis.retry import Retry

merchant = cardwire.WorldCardMerchant(
    app_id=os.environ.get("WORLDCARD_APP_ID", "app_demo"),
    private_key_pem=os.environ["WORLDCARD_PRIVATE_KEY_PEM"],
    aes_key=os.environ["WORLDCARD_AES_KEY"],
    platform_public_key_pem=os.environ["WORLDCARD_PLATFORM_PUBLIC_KEY_PEM"],
)
# Timeouts, and no hidden retries (redis-py retries by default, holding a decision for seconds).
deliveries = AsyncRedisDeliveries(redis.asyncio.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"),
                                                                socket_timeout=2, socket_connect_timeout=2,
                                                                retry=Retry(NoBackoff(), 0)))
app = FastAPI()
credited: list[str] = []


async def credit(event: Any) -> None:
    credited.append(event.data["card_id"])  # your work, once per event


@app.post("/webhooks/worldcard")
async def worldcard_webhook(request: Request) -> Response:
    try:
        event = merchant.check_webhook(request.headers, await request.body())
    except cardwire.CardwireError as e:
        return Response(status_code=401, content=e.code)
    try:
        outcome = await deliveries.process(event, credit)
    except cardwire.StoreUnavailable as e:
        return Response(status_code=503, content=e.code)
    if outcome == "busy":
        return Response(status_code=503, content="busy")
    ack = cardwire.WorldCardMerchant.webhook_ack()
    return Response(status_code=ack["status"], content=ack["body"], headers=ack["headers"])
