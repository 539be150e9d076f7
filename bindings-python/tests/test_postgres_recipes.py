"""The PostgreSQL recipes of README "Running on several instances", each on a
real PostgreSQL: FastAPI + psycopg (examples/python/fastapi_postgres.py),
Express + pg (examples/node/express-postgres.mjs) and axum + tokio-postgres
(integrations/postgres/examples/axum_receiver.rs). Two instances of each: a delivery
and its redelivery on different instances credit once (the key and the
credit commit together); a forgery is refused; with PostgreSQL down the
answer is 503 and nothing is credited."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from typing import Any

import psycopg
import pytest
from cardwire.postgres import PostgresDeliveries
from conftest import AES_HEX, ROOT, key
from test_redis_recipes import forged, hook, post

sys.path.insert(0, str(ROOT / "examples" / "python"))


def prepare(url: str) -> None:
    with psycopg.connect(url) as c:
        PostgresDeliveries().migrate(c)
        c.execute("CREATE TABLE IF NOT EXISTS credits (card_id text, amount numeric)")
        c.commit()


def credits(url: str, card: str) -> int:
    with psycopg.connect(url) as c:
        row = c.execute("SELECT count(*) FROM credits WHERE card_id = %s", (card,)).fetchone()
        assert row is not None
        return int(row[0])


def test_fastapi_recipe(pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    prepare(pg_server.url)
    monkeypatch.setenv("WORLDCARD_PRIVATE_KEY_PEM", key("merchant_2048.pkcs8.pem"))
    monkeypatch.setenv("WORLDCARD_AES_KEY", AES_HEX)
    monkeypatch.setenv("WORLDCARD_PLATFORM_PUBLIC_KEY_PEM", key("platform_2048.spki.pem"))
    monkeypatch.setenv("DATABASE_URL", pg_server.url)
    sys.modules.pop("fastapi_postgres", None)
    one: Any = importlib.import_module("fastapi_postgres")
    sys.modules.pop("fastapi_postgres", None)
    two: Any = importlib.import_module("fastapi_postgres")
    h = hook("c-fastapi")
    with TestClient(one.app) as a, TestClient(two.app) as b:
        r1 = a.post("/webhooks/worldcard", content=h["body"], headers=h["headers"])
        r2 = b.post("/webhooks/worldcard", content=h["body"], headers=h["headers"])
        assert (r1.status_code, r1.text, r2.status_code, r2.text) == (200, "ok", 200, "ok")
        assert credits(pg_server.url, "c-fastapi") == 1
        assert b.post("/webhooks/worldcard", content=forged(h["body"]), headers=h["headers"]).status_code == 401
        pg_server.stop()
        try:
            h2 = hook("c-fastapi-2")
            r4 = a.post("/webhooks/worldcard", content=h2["body"], headers=h2["headers"])
            assert (r4.status_code, r4.text) == (503, "store_unavailable")
        finally:
            pg_server.restart()
        assert credits(pg_server.url, "c-fastapi-2") == 0


def test_express_recipe(pg_server: Any) -> None:
    prepare(pg_server.url)
    env = {**os.environ, "DATABASE_URL": pg_server.url}
    out = subprocess.run(["node", "express-postgres.mjs"], cwd=ROOT / "examples" / "node", env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "express + postgres: delivery 200, redelivery 200, forgery 401" in out.stdout, out.stdout
    assert "credits for c-1: 1" in out.stdout, out.stdout
    # Two instances importing the app; then PostgreSQL down.
    script = """
import { app } from './express-postgres.mjs';
import * as cw from 'cardwire';
import { readFileSync } from 'node:fs';
const key = (n) => readFileSync(new URL(`../../tests/vectors/keys/${n}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const p = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
const apps = [app(), app()];
const servers = await Promise.all(apps.map((a) => new Promise((r) => { const s = a.listen(0, '127.0.0.1', () => r(s)); })));
const url = (i) => `http://127.0.0.1:${servers[i].address().port}/webhooks/worldcard`;
const h = p.signWebhook('card_deposit', { card_id: 'c-two', amount: '7.00', status: 1 });
const post = async (i, hk) => (await fetch(url(i), { method: 'POST', headers: hk.headers, body: hk.body })).status;
console.log('two instances', await post(0, h), await post(1, h));
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
console.log('postgres down', await post(1, p.signWebhook('card_deposit', { card_id: 'c-three', amount: '1.00', status: 1 })));
for (const s of servers) s.close();
for (const a of apps) await a.close().catch(() => {});
"""
    proc = subprocess.Popen(["node", "--input-type=module", "-e", script], cwd=ROOT / "examples" / "node", env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout and proc.stdin
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.strip() == "ready":
            break
    pg_server.stop()
    try:
        proc.stdin.write("go\n")
        proc.stdin.flush()
        rest, err = proc.communicate(timeout=30)
    finally:
        pg_server.restart()
    text = "".join(lines) + rest
    assert proc.returncode == 0, err
    assert "two instances 200 200" in text and "postgres down 503" in text, text
    assert credits(pg_server.url, "c-two") == 1 and credits(pg_server.url, "c-three") == 0


def test_axum_recipe(pg_server: Any) -> None:
    prepare(pg_server.url)
    binary = ROOT / "target" / "release" / "examples" / "axum_receiver_postgres"
    assert binary.exists(), "make test builds it: cargo build --release -p cardwire-postgres --examples"
    procs, urls = [], []
    try:
        for _ in range(2):
            proc = subprocess.Popen([str(binary)], env={**os.environ, "DATABASE_URL": pg_server.url}, stdout=subprocess.PIPE, text=True)
            assert proc.stdout
            m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
            assert m
            procs.append(proc)
            urls.append(m.group(1) + "/webhooks/worldcard")
        h = hook("c-axum")
        assert post(urls[0], h) == (200, "ok")
        assert post(urls[1], h) == (200, "ok")  # the redelivery, on the other instance
        assert post(urls[1], h, forged(h["body"]))[0] == 401
        pg_server.stop()
        try:
            assert post(urls[0], hook("c-axum-2"))[0] == 503
        finally:
            pg_server.restart()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
    assert credits(pg_server.url, "c-axum") == 1 and credits(pg_server.url, "c-axum-2") == 0
