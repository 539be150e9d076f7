"""The raw-body recipes (examples/python/*_receiver.py) in FastAPI, Flask and
Django: each verifies a webhook from the exact bytes and acknowledges it; a
redelivery is acknowledged and not handled twice; a forgery is refused."""
from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import cardwire
import pytest
from conftest import AES_HEX, ROOT, key

sys.path.insert(0, str(ROOT / "examples" / "python"))


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORLDCARD_PRIVATE_KEY_PEM", key("merchant_2048.pkcs8.pem"))
    monkeypatch.setenv("WORLDCARD_AES_KEY", AES_HEX)
    monkeypatch.setenv("WORLDCARD_PLATFORM_PUBLIC_KEY_PEM", key("platform_2048.spki.pem"))
    monkeypatch.setenv("WASABI_PRIVATE_KEY_PEM", key("merchant_1024.pkcs8.pem"))
    monkeypatch.setenv("WASABI_PLATFORM_PUBLIC_KEY_PEM", key("platform_1024.spki.pem"))
    monkeypatch.setenv("PAYCA_CLIENT_SECRET", "payca-secret")


def test_fastapi() -> None:
    from fastapi.testclient import TestClient

    mod: Any = importlib.import_module("fastapi_receiver")
    p = cardwire.WorldCardPlatform("app_demo", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    hook = p.sign_webhook("card_deposit", {"card_id": "1", "amount": "5.00", "status": 1})
    client = TestClient(mod.app)
    for _ in range(2):
        r = client.post("/webhooks/worldcard", content=hook["body"], headers=hook["headers"])
        assert (r.status_code, r.text) == (200, "ok")
    assert mod.handled == ["card_deposit"]
    r = client.post("/webhooks/worldcard", content=hook["body"] + b" ", headers=hook["headers"])
    assert (r.status_code, r.text) == (401, "signature_invalid")


def test_flask() -> None:
    mod: Any = importlib.import_module("flask_receiver")
    p = cardwire.WasabiPlatform("wsb_demo", key("platform_1024.pkcs8.pem"), key("merchant_1024.spki.pem"))
    hook = p.sign_webhook("card_transaction", {"orderNo": "T-1", "status": "success", "amount": "1.00"})
    client = mod.app.test_client()
    for rid in ("rq-1", "rq-2"):  # a redelivery with a fresh unsigned request id is still a duplicate
        headers = {**hook["headers"], "X-WSB-REQUEST-ID": rid}
        r = client.post("/webhooks/wasabi", data=hook["body"], headers=headers)
        assert r.status_code == 200 and cardwire.WasabiPlatform.is_acknowledged(r.status_code, r.data)
    assert mod.handled == ["card_transaction"]


def test_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="test", MIDDLEWARE=[])
        django.setup()
    from django.test import RequestFactory

    mod: Any = importlib.import_module("django_receiver")
    p = cardwire.PayCaPlatform("payca_demo", "payca-secret")
    hook = p.sign_webhook("card_transaction", {"cardId": "c-1", "amount": "12.50"})
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in hook["headers"].items() if k.lower() != "content-type"}
    for _ in range(2):
        req = RequestFactory().post("/webhooks/payca", data=hook["body"], content_type="application/json", **meta)
        r = mod.payca_webhook(req)
        assert r.status_code == 204
    assert mod.handled == ["card_transaction"]


urlpatterns: list[Any] = []
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
