"""The "Running on several instances" recipes (README), each on a real
Redis: FastAPI (examples/python/fastapi_redis.py), Express
(examples/node/express-redis.mjs) and axum
(integrations/redis/examples/axum_receiver.rs). Two instances of each recipe share
one Redis: a delivery and its redelivery on different instances are
processed once; a forgery is refused; with Redis down the answer is 503."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import cardwire
import pytest
from conftest import AES_HEX, ROOT, key

sys.path.insert(0, str(ROOT / "examples" / "python"))


def hook(card: str) -> Any:
    p = cardwire.WorldCardPlatform("app_demo", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    return p.sign_webhook("card_deposit", {"card_id": card, "amount": "50.00", "status": 1})


def forged(body: bytes) -> bytes:
    return body[:-3] + bytes([body[-3] ^ 1]) + body[-2:]


def post(url: str, h: Any, body: bytes | None = None) -> tuple[int, str]:
    r = urllib.request.Request(url, data=h["body"] if body is None else body, method="POST", headers=h["headers"])
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return int(resp.status), resp.read().decode()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read().decode()


def test_fastapi_recipe(redis_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("WORLDCARD_PRIVATE_KEY_PEM", key("merchant_2048.pkcs8.pem"))
    monkeypatch.setenv("WORLDCARD_AES_KEY", AES_HEX)
    monkeypatch.setenv("WORLDCARD_PLATFORM_PUBLIC_KEY_PEM", key("platform_2048.spki.pem"))
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    # Two instances: the module loaded twice, each with its own client.
    sys.modules.pop("fastapi_redis", None)
    one: Any = importlib.import_module("fastapi_redis")
    sys.modules.pop("fastapi_redis", None)
    two: Any = importlib.import_module("fastapi_redis")
    assert one.app is not two.app
    h = hook("c-fastapi")
    with TestClient(one.app) as a, TestClient(two.app) as b:
        r1 = a.post("/webhooks/worldcard", content=h["body"], headers=h["headers"])
        r2 = b.post("/webhooks/worldcard", content=h["body"], headers=h["headers"])
        assert (r1.status_code, r1.text, r2.status_code, r2.text) == (200, "ok", 200, "ok")
        assert one.credited + two.credited == ["c-fastapi"]
        r3 = b.post("/webhooks/worldcard", content=forged(h["body"]), headers=h["headers"])
        assert r3.status_code == 401
        redis_server.kill()
        h2 = hook("c-fastapi-2")
        r4 = a.post("/webhooks/worldcard", content=h2["body"], headers=h2["headers"])
        assert (r4.status_code, r4.text) == (503, "store_unavailable")
        assert one.credited + two.credited == ["c-fastapi"]


def test_express_recipe(redis_server: Any) -> None:
    env = {**os.environ, "REDIS_URL": redis_server.url}
    out = subprocess.run(["node", "express-redis.mjs"], cwd=ROOT / "examples" / "node", env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "express + redis: delivery 200, redelivery 200, forgery 401" in out.stdout, out.stdout
    assert out.stdout.count("credited 50.00 to c-1") == 1, out.stdout
    # And as two instances importing the app, on one Redis, with Redis then down.
    script = """
import { app } from './express-redis.mjs';
import * as cw from 'cardwire';
import { readFileSync } from 'node:fs';
const key = (n) => readFileSync(new URL(`../../tests/vectors/keys/${n}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const p = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
const apps = [app(), app()];
const servers = await Promise.all(apps.map((a) => new Promise((r) => { const s = a.listen(0, '127.0.0.1', () => r(s)); })));
const url = (i) => `http://127.0.0.1:${servers[i].address().port}/webhooks/worldcard`;
await Promise.all(apps.map((a) => a.ready));
const h = p.signWebhook('card_deposit', { card_id: 'c-two', amount: '7.00', status: 1 });
const post = async (i, hk) => (await fetch(url(i), { method: 'POST', headers: hk.headers, body: hk.body })).status;
console.log('two instances', await post(0, h), await post(1, h));
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
console.log('redis down', await post(1, p.signWebhook('card_deposit', { card_id: 'c-three', amount: '1.00', status: 1 })));
for (const s of servers) s.close();
for (const a of apps) a.close();
"""
    proc = subprocess.Popen(["node", "--input-type=module", "-e", script], cwd=ROOT / "examples" / "node", env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout and proc.stdin
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.strip() == "ready":
            break
    redis_server.kill()
    proc.stdin.write("go\n")
    proc.stdin.flush()
    rest, err = proc.communicate(timeout=30)
    text = "".join(lines) + rest
    assert proc.returncode == 0, err
    assert "two instances 200 200" in text, text
    assert text.count("credited 7.00 to c-two") == 1, text
    assert "redis down 503" in text and "c-three" not in text, text


def test_axum_recipe(redis_server: Any) -> None:
    binary = ROOT / "target" / "release" / "examples" / "axum_receiver"
    assert binary.exists(), "make test builds it: cargo build --release -p cardwire-redis --examples"
    procs, urls = [], []
    try:
        for _ in range(2):
            proc = subprocess.Popen([str(binary)], env={**os.environ, "REDIS_URL": redis_server.url}, stdout=subprocess.PIPE, text=True)
            assert proc.stdout
            m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
            assert m
            procs.append(proc)
            urls.append(m.group(1) + "/webhooks/worldcard")
        h = hook("c-axum")
        assert post(urls[0], h) == (200, "ok")
        assert post(urls[1], h) == (200, "ok")  # the redelivery, on the other instance
        assert post(urls[1], h, forged(h["body"]))[0] == 401
        redis_server.kill()
        assert post(urls[0], hook("c-axum-2")) == (503, "store_unavailable")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
    printed = "".join(p.stdout.read() for p in procs if p.stdout)
    assert printed.count('credited Some("50.00") to Some("c-axum")') == 1, printed
    assert "c-axum-2" not in printed
