"""Flask: verify a Wasabi notification from the raw body and acknowledge it.

Read the exact bytes with ``request.get_data()`` (not ``request.json``).
Run: ``flask --app flask_receiver run``."""
from __future__ import annotations

import os

import cardwire
from flask import Flask, Response, request

merchant = cardwire.WasabiMerchant(
    api_key=os.environ.get("WASABI_API_KEY", "wsb_demo"),
    private_key_pem=os.environ["WASABI_PRIVATE_KEY_PEM"],
    platform_public_key_pem=os.environ["WASABI_PLATFORM_PUBLIC_KEY_PEM"],
)
app = Flask(__name__)
handled: list[str] = []


@app.post("/webhooks/wasabi")
def wasabi_webhook() -> Response:
    try:
        event = merchant.verify_webhook(request.headers, request.get_data())
    except cardwire.CardwireError as e:
        return Response(e.code, status=401)
    if not event.duplicate:
        handled.append(event.type)
    ack = cardwire.WasabiMerchant.webhook_ack()
    return Response(ack["body"], status=ack["status"], headers=ack["headers"])
