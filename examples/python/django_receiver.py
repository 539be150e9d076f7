"""Django: verify a PayCA webhook from the raw body and acknowledge it.

Read the exact bytes with ``request.body`` (not ``request.POST``); PayCA
expects 204. Wire ``payca_webhook`` into your URLconf (csrf_exempt)."""
from __future__ import annotations

import os

import cardwire
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

client = cardwire.PayCaClient(
    client_id=os.environ.get("PAYCA_CLIENT_ID", "payca_demo"),
    client_secret=os.environ["PAYCA_CLIENT_SECRET"],
)
handled: list[str] = []


@csrf_exempt
@require_POST
def payca_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = client.verify_webhook(request.headers, request.body)
    except cardwire.CardwireError as e:
        return HttpResponse(e.code, status=401)
    if not event.duplicate:
        handled.append(event.type)
    ack = cardwire.PayCaClient.webhook_ack()
    return HttpResponse(ack["body"], status=ack["status"])
