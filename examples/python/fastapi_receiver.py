"""FastAPI: verify a WorldCard webhook from the raw body and acknowledge it.

The signature covers the exact bytes: read them with ``await request.body()``,
never a parsed model. Run: ``uvicorn fastapi_receiver:app``."""
from __future__ import annotations

import os

import cardwire
from fastapi import FastAPI, Request, Response

merchant = cardwire.WorldCardMerchant(
    app_id=os.environ.get("WORLDCARD_APP_ID", "app_demo"),
    private_key_pem=os.environ["WORLDCARD_PRIVATE_KEY_PEM"],
    aes_key=os.environ["WORLDCARD_AES_KEY"],
    platform_public_key_pem=os.environ["WORLDCARD_PLATFORM_PUBLIC_KEY_PEM"],
)
app = FastAPI()
handled: list[str] = []


@app.post("/webhooks/worldcard")
async def worldcard_webhook(request: Request) -> Response:
    try:
        event = merchant.verify_webhook(request.headers, await request.body())
    except cardwire.CardwireError as e:
        return Response(status_code=401, content=e.code)
    if not event.duplicate:
        handled.append(event.type)  # your work, once per delivery
    ack = cardwire.WorldCardMerchant.webhook_ack()
    return Response(status_code=ack["status"], content=ack["body"], headers=ack["headers"])
