"""Deliveries on a real Redis (started by the test): one decision across
instances and threads, mark-after-processing with reserve/commit/release,
a crash between reserve and commit, Redis unreachable, and the async client."""
from __future__ import annotations

import asyncio
import re
import threading
import time
from typing import Any

import cardwire
import pytest
import redis
import redis.asyncio
from cardwire.redis import AsyncRedisDeliveries, RedisDeliveries


def test_one_delivery_one_new_answer_across_threads_and_instances(redis_server: Any, wc_pair: Any) -> None:
    d = RedisDeliveries(redis.Redis.from_url(redis_server.url))
    answers: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        # A copy arriving while the first is between its reservation and its
        # commit (one round trip) is answered 5xx ("busy"): retried, never lost.
        try:
            seen: Any = d.seen("cardwire:test:k1", 10_000)
        except cardwire.StoreUnavailable as e:
            assert "busy" in str(e)
            seen = "busy"
        with lock:
            answers.append(seen)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(False) == 1 and answers.count(True) + answers.count("busy") == 15, answers
    assert d.seen("cardwire:test:k1", 10_000) is True

    # Two merchant instances (two "processes") on one Redis: the second sees a duplicate.
    m, p = wc_pair
    m2 = cardwire.WorldCardMerchant("app", *m_keys(), store=RedisDeliveries(redis.Redis.from_url(redis_server.url)))
    m3 = cardwire.WorldCardMerchant("app", *m_keys(), store=RedisDeliveries(redis.Redis.from_url(redis_server.url)))
    hook = p.sign_webhook("card_deposit", {"card_id": "c-1", "amount": "10.00", "status": 1})
    a, b = m2.verify_webhook(hook["headers"], hook["body"]), m3.verify_webhook(hook["headers"], hook["body"])
    assert (a.duplicate, b.duplicate) == (False, True)
    # The key in Redis is the delivery key: provider, account fingerprint, signed id hashed; no body, no secret.
    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("cardwire:worldcard:*")]
    assert keys == [a.delivery_key] and re.fullmatch(r"cardwire:worldcard:[0-9a-f]{16}:id:[0-9a-f]{64}", keys[0])
    assert 0 < redis.Redis.from_url(redis_server.url).pttl(keys[0]) <= a.retention_ms


def m_keys() -> tuple[str, str, str]:
    from conftest import AES_HEX, key

    return key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem")


def test_reserve_commit_release_and_process(redis_server: Any) -> None:
    r = redis.Redis.from_url(redis_server.url)
    a, b = RedisDeliveries(r), RedisDeliveries(r)
    ev = {"delivery_key": "cardwire:test:ev1", "retention_ms": 60_000}
    assert a.reserve(ev) == "new"
    assert b.reserve(ev) == "busy", "another instance holds it"
    a.commit(ev)
    assert b.reserve(ev) == "done"
    ev2 = {"delivery_key": "cardwire:test:ev2", "retention_ms": 60_000}
    with pytest.raises(ZeroDivisionError):
        a.process(ev2, lambda e: 1 / 0)
    assert b.process(ev2, lambda e: None) == "processed", "a failed handler released the reservation"
    assert a.process(ev2, lambda e: None) == "duplicate"
    # Another instance's reservation is not released by a stale release.
    ev3 = {"delivery_key": "cardwire:test:ev3", "retention_ms": 60_000}
    assert a.reserve(ev3) == "new"
    b.release(ev3)
    assert b.reserve(ev3) == "busy"


def test_a_crash_between_reserve_and_commit_is_processed_after_the_reservation_expires(redis_server: Any) -> None:
    r = redis.Redis.from_url(redis_server.url)
    crashed = RedisDeliveries(r, reservation_ms=300)
    ev = {"delivery_key": "cardwire:test:crash", "retention_ms": 60_000}
    assert crashed.reserve(ev) == "new"  # ... and the process dies here: no commit, no release
    survivor = RedisDeliveries(r)
    assert survivor.process(ev, lambda e: None) == "busy", "the redelivery while the reservation lives: 5xx, retried"
    time.sleep(0.4)
    done: list[str] = []
    assert survivor.process(ev, lambda e: done.append("handled")) == "processed"
    assert done == ["handled"]


def test_redis_unreachable_is_store_unavailable_unless_fallback_is_asked(redis_server: Any, wc_pair: Any) -> None:
    port = redis_server.port
    redis_server.kill()
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    down = redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    d = RedisDeliveries(down)
    with pytest.raises(cardwire.StoreUnavailable) as e:
        d.seen("cardwire:test:x", 1000)
    assert e.value.code == "store_unavailable" and "5xx" in str(e.value)
    with pytest.raises(cardwire.StoreUnavailable):
        d.process({"delivery_key": "cardwire:test:y", "retention_ms": 1000}, lambda ev: None)
    # Through verify_webhook: never "new" by guessing.
    m, p = wc_pair
    m2 = cardwire.WorldCardMerchant("app", *m_keys(), store=d)
    hook = p.sign_webhook("card_open", {"card_id": "c-9"})
    with pytest.raises(cardwire.StoreUnavailable):
        m2.verify_webhook(hook["headers"], hook["body"])
    # Fallback only when asked: this process decides alone until Redis is back.
    f = RedisDeliveries(down, fallback=True)
    assert (f.seen("cardwire:test:z", 60_000), f.seen("cardwire:test:z", 60_000)) == (False, True)


def test_async_client(redis_server: Any) -> None:
    async def main() -> list[str]:
        r = redis.asyncio.Redis.from_url(redis_server.url)
        a, b = AsyncRedisDeliveries(r), AsyncRedisDeliveries(r)
        ev = {"delivery_key": "cardwire:test:async", "retention_ms": 60_000}
        handled: list[str] = []

        async def handler(e: Any) -> None:
            await asyncio.sleep(0.05)
            handled.append("x")

        outcomes = await asyncio.gather(a.process(ev, handler), b.process(ev, handler))
        assert sorted(outcomes) == ["busy", "processed"]
        assert await b.process(ev, handler) == "duplicate"
        assert await a.seen("cardwire:test:async2", 1000) is False
        await r.aclose()
        return handled

    assert asyncio.run(main()) == ["x"]


def test_redis_away_after_the_handler_returned_keeps_the_commit(redis_server: Any) -> None:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis(port=redis_server.port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    d = RedisDeliveries(client)
    ev = {"delivery_key": "cardwire:test:unsaved", "retention_ms": 60_000}
    # Redis dies while the handler runs (its reservation is in the append-only file).
    assert d.process(ev, lambda e: redis_server.kill()) == "processed"
    with pytest.raises(cardwire.StoreUnavailable):
        d.seen("cardwire:test:other", 1000)  # the commit cannot be written yet: 5xx
    redis_server.start()
    other = RedisDeliveries(redis.Redis(port=redis_server.port))
    assert other.reserve(ev) == "busy"  # the reservation survived the restart
    d.flush()
    assert other.reserve(ev) == "done"
    assert d.process(ev, lambda e: pytest.fail("processed twice")) == "duplicate"


def test_keys_hold_no_body_and_no_secret(redis_server: Any, wc_pair: Any) -> None:
    m, p = wc_pair
    client = redis.Redis.from_url(redis_server.url)
    m2 = cardwire.WorldCardMerchant("app", *m_keys(), store=RedisDeliveries(client))
    hook = p.sign_webhook("card_deposit", {"card_id": "c-secret-card", "amount": "12.34", "status": 1})
    m2.verify_webhook(hook["headers"], hook["body"])
    keys = [k.decode() for k in client.keys("cardwire:worldcard:*")]
    assert len(keys) == 1 and re.fullmatch(r"cardwire:worldcard:[0-9a-f]{16}:id:[0-9a-f]{64}", keys[0])
    values = [client.get(k) for k in keys]
    assert values == [b"done"]
    body = hook["body"] if isinstance(hook["body"], str) else hook["body"].decode()
    assert all(body not in k and "c-secret-card" not in k for k in keys)


def test_sandboxes_share_request_nonces_through_redis(redis_server: Any) -> None:
    """Two `cardwire sandbox` instances, one account (`--seed`), one Redis:
    a request accepted by one is a replay for the other (WorldCard nonce,
    PinToPay timestamp); without the shared store both would accept it."""
    import json
    import os
    import subprocess
    import tempfile
    import urllib.error
    import urllib.request

    from conftest import ROOT

    bin_ = os.environ.get("CARDWIRE_BIN", str(ROOT / "target/release/cardwire"))
    procs, bases, creds = [], [], {}
    try:
        for _ in range(2):
            out = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
            proc = subprocess.Popen([bin_, "sandbox", "--listen", "127.0.0.1:0", "--seed", "23", "--credentials-out", out,
                                     "--replay-store", redis_server.url], stdout=subprocess.PIPE, text=True)
            procs.append(proc)
            assert proc.stdout
            m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
            assert m
            bases.append(m.group(1))
            assert m.group(1) in open(out).read()
            creds = json.loads(open(out).read())
            os.unlink(out)

        def send(base: str, req: Any) -> int:
            r = urllib.request.Request(base + req["path"], data=req["body"] or None, method=req["method"], headers=req["headers"])
            try:
                with urllib.request.urlopen(r, timeout=15) as resp:
                    return int(resp.status)
            except urllib.error.HTTPError as e:
                return int(e.code)

        w = creds["worldcard"]
        wc = cardwire.WorldCardMerchant(w["app_id"], w["private_key_pem"], w["aes_key"], w["platform_public_key_pem"])
        req = wc.build_request("/api/v1/card/virtual/get_info", {"card_id": "c-none"})
        req2 = wc.build_request("/api/v1/card/virtual/get_info", {"card_id": "c-none"})
        # Each instance's base URL for a provider: its own address + /<provider>.
        def url(i: int, provider: str) -> str:
            return str(creds[provider]["base_url"]).replace(bases[-1], bases[i])

        assert send(url(0, "worldcard"), req) == 200
        assert send(url(1, "worldcard"), req) == 401  # the same nonce, on the other instance
        assert send(url(1, "worldcard"), req2) == 200  # a fresh request is fine
        p = creds["pintopay"]
        ptp = cardwire.PinToPayMerchant(p["api_key"], p["api_secret"])
        preq = ptp.build_request("/api/v1/project/balance", {})
        assert send(url(1, "pintopay"), preq) == 200
        assert send(url(0, "pintopay"), preq) != 200  # the same timestamp, refused as a replay
        keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("cardwire:*")]
        assert any(k.startswith("cardwire:worldcard") for k in keys) and any(k.startswith("cardwire:pintopay") for k in keys), keys
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
