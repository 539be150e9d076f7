"""FastAPI on PostgreSQL: the delivery key is recorded in the same
transaction as the business write (``cardwire.postgres``), so both commit or
neither does: exactly once in the business sense, whichever instance a
redelivery lands on, with no reservation to expire.

Verify the raw body with ``check_webhook``, then ``process`` the event in a
transaction: ``processed`` (your write and the key committed together) or
``duplicate`` (acknowledge); PostgreSQL away is ``StoreUnavailable`` (503),
and nothing is lost. Run: ``DATABASE_URL=postgresql://... uvicorn
fastapi_postgres:app``."""
from __future__ import annotations

import os
from typing import Any

import cardwire
import psycopg
from cardwire.postgres import AsyncPostgresDeliveries
from fastapi import FastAPI, Request, Response

merchant = cardwire.WorldCardMerchant(
    app_id=os.environ.get("WORLDCARD_APP_ID", "app_demo"),
    private_key_pem=os.environ["WORLDCARD_PRIVATE_KEY_PEM"],
    aes_key=os.environ["WORLDCARD_AES_KEY"],
    platform_public_key_pem=os.environ["WORLDCARD_PLATFORM_PUBLIC_KEY_PEM"],
)
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://127.0.0.1/app")
deliveries = AsyncPostgresDeliveries()
app = FastAPI()


async def credit(conn: Any, event: Any) -> None:
    # Your write, in the same transaction as the delivery key.
    await conn.execute("INSERT INTO credits (card_id, amount) VALUES (%s, %s)", (event.data["card_id"], event.data["amount"]))


@app.post("/webhooks/worldcard")
async def worldcard_webhook(request: Request) -> Response:
    try:
        event = merchant.check_webhook(request.headers, await request.body())
    except cardwire.CardwireError as e:
        return Response(status_code=401, content=e.code)
    try:
        # A pool (psycopg_pool) in production; one connection per request keeps the recipe short.
        async with await psycopg.AsyncConnection.connect(DATABASE_URL, connect_timeout=2) as conn:
            await deliveries.process(conn, event, credit)  # processed or duplicate: both acknowledged
    except (cardwire.StoreUnavailable, psycopg.OperationalError):
        return Response(status_code=503, content="store_unavailable")
    ack = cardwire.WorldCardMerchant.webhook_ack()
    return Response(status_code=ack["status"], content=ack["body"], headers=ack["headers"])
