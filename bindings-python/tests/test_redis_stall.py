"""A stalled Redis (SIGSTOP, then SIGCONT) never turns into a lost delivery:
a command whose answer was lost may run later, but it records at most an
expiring *pending* entry, so the provider's retry (a new request, often on
another instance) is answered 5xx until it expires and processed then, never
``duplicate``. Sync and asyncio clients, mark-on-arrival (``seen``,
``verify_webhook(store=...)``) and mark-after-processing (``process``), with
and without the client's hidden retries."""
from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Any

import cardwire
import pytest
import redis
import redis.asyncio
from cardwire.redis import AsyncRedisDeliveries, RedisDeliveries
from redis.backoff import NoBackoff
from redis.retry import Retry

PENDING_MS = 800


def paused(server: Any, seconds: float) -> threading.Thread:
    """SIGSTOPs redis-server now and SIGCONTs it after ``seconds``, in the background."""
    os.kill(server.proc.pid, signal.SIGSTOP)

    def resume() -> None:
        time.sleep(seconds)
        os.kill(server.proc.pid, signal.SIGCONT)

    t = threading.Thread(target=resume)
    t.start()
    return t


def client(server: Any, *, hidden_retries: bool = False) -> redis.Redis:
    retry = Retry(NoBackoff(), 3) if hidden_retries else Retry(NoBackoff(), 0)
    # redis-py 6+ retries timeouts too when given a Retry with attempts.
    return redis.Redis(port=server.port, socket_timeout=0.2, socket_connect_timeout=0.5, retry=retry)


def retry_until_answered(d: RedisDeliveries, key: str, deadline_s: float = 10.0) -> tuple[bool, int]:
    """The provider retrying: (the first answer that is not a 5xx, how many 5xx before it)."""
    refused = 0
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            return d.seen(key, 60_000), refused
        except cardwire.StoreUnavailable:
            refused += 1
            time.sleep(0.1)
    raise AssertionError("never answered")


@pytest.mark.parametrize("pause_s", [0.3, 1.0, 2.0])
@pytest.mark.parametrize("hidden_retries", [False, True])
def test_seen_through_a_pause_never_says_duplicate(redis_server: Any, pause_s: float, hidden_retries: bool) -> None:
    key = f"cardwire:test:stall:{pause_s}:{hidden_retries}"
    first = RedisDeliveries(client(redis_server, hidden_retries=hidden_retries), pending_ms=PENDING_MS)
    t = paused(redis_server, pause_s)
    try:
        answer: Any = first.seen(key, 60_000)
    except cardwire.StoreUnavailable as e:
        answer = e
        assert "may have been recorded as pending" in str(e), str(e)
    t.join()
    # The first call never says "seen before" for a key nobody processed.
    assert answer is False or isinstance(answer, cardwire.StoreUnavailable), answer
    if answer is False:
        return  # it was answered in time (or its own retry recognised its reservation): processed once
    # The provider retries on another instance: 5xx while the pending entry lives, then new.
    other = RedisDeliveries(client(redis_server), pending_ms=PENDING_MS)
    seen, refused = retry_until_answered(other, key)
    assert seen is False, "a delivery answered 5xx must come back new, never duplicate"
    # ...and from then on it is a duplicate.
    assert other.seen(key, 60_000) is True


def test_verify_webhook_through_a_pause(redis_server: Any, wc_pair: Any) -> None:
    from test_redis import m_keys

    m, p = wc_pair
    hook = p.sign_webhook("card_deposit", {"card_id": "c-1", "amount": "10.00", "status": 1})
    stalled = cardwire.WorldCardMerchant("app", *m_keys(), store=RedisDeliveries(client(redis_server), pending_ms=PENDING_MS))
    t = paused(redis_server, 1.0)
    with pytest.raises(cardwire.StoreUnavailable):
        stalled.verify_webhook(hook["headers"], hook["body"])
    t.join()
    other = cardwire.WorldCardMerchant("app", *m_keys(), store=RedisDeliveries(client(redis_server), pending_ms=PENDING_MS))
    end = time.monotonic() + 10
    while True:
        try:
            ev = other.verify_webhook(hook["headers"], hook["body"])
            break
        except cardwire.StoreUnavailable:
            assert time.monotonic() < end
            time.sleep(0.1)
    assert not ev.duplicate, "the redelivery after a stall is processed"


def test_process_through_a_pause_is_exactly_once(redis_server: Any) -> None:
    ev = {"delivery_key": "cardwire:test:stall:process", "retention_ms": 60_000}
    handled: list[str] = []
    a = RedisDeliveries(client(redis_server), reservation_ms=PENDING_MS)
    t = paused(redis_server, 1.0)
    with pytest.raises(cardwire.StoreUnavailable):
        a.process(ev, lambda e: handled.append("a"))
    t.join()
    b = RedisDeliveries(client(redis_server), reservation_ms=PENDING_MS)
    outcomes = []
    end = time.monotonic() + 10
    while time.monotonic() < end:
        o = b.process(ev, lambda e: handled.append("b"))
        outcomes.append(o)
        if o != "busy":
            break
        time.sleep(0.1)
    assert outcomes[-1] == "processed" and handled == ["b"], (outcomes, handled)
    assert b.process(ev, lambda e: handled.append("again")) == "duplicate"


def test_a_hidden_client_retry_recognises_its_own_reservation(redis_server: Any) -> None:
    """The command ran, its answer was lost, the client sent it again: that
    is still this caller's delivery ("new"), not someone else's."""
    d = RedisDeliveries(redis.Redis(port=redis_server.port))
    token = "pending:0123456789abcdef"
    import cardwire.redis as cr

    r = redis.Redis(port=redis_server.port)
    assert r.eval(cr._RESERVE, 1, "cardwire:test:own", token, 5000) == b"new"
    assert r.eval(cr._RESERVE, 1, "cardwire:test:own", token, 5000) == b"new", "the same token again: still new"
    assert r.eval(cr._RESERVE, 1, "cardwire:test:own", "pending:other", 5000) == b"busy"
    assert d.reserve({"delivery_key": "cardwire:test:own", "retention_ms": 1000}) == "busy"
    r.eval(cr._COMMIT, 1, "cardwire:test:own", token, 5000)
    assert d.seen("cardwire:test:own", 1000) is True


def test_async_seen_through_a_pause(redis_server: Any) -> None:
    async def main() -> None:
        key = "cardwire:test:stall:async"
        first = AsyncRedisDeliveries(redis.asyncio.Redis(port=redis_server.port), pending_ms=PENDING_MS, timeout_s=0.2)
        t = paused(redis_server, 1.0)
        with pytest.raises(cardwire.StoreUnavailable) as e:
            await first.seen(key, 60_000)
        assert "may have been recorded as pending" in str(e.value)
        await asyncio.to_thread(t.join)
        other = AsyncRedisDeliveries(redis.asyncio.Redis(port=redis_server.port), pending_ms=PENDING_MS)
        end = time.monotonic() + 10
        while True:
            try:
                assert await other.seen(key, 60_000) is False
                break
            except cardwire.StoreUnavailable:
                assert time.monotonic() < end
                await asyncio.sleep(0.1)
        assert await other.seen(key, 60_000) is True

    asyncio.run(main())


def test_a_killed_redis_is_5xx_and_nothing_is_lost(redis_server: Any) -> None:
    key = "cardwire:test:killed"
    d = RedisDeliveries(client(redis_server), pending_ms=PENDING_MS)
    redis_server.kill()
    with pytest.raises(cardwire.StoreUnavailable):
        d.mark_on_arrival(key, 60_000)  # `seen` under the name that says what it does
    redis_server.start()
    again = RedisDeliveries(client(redis_server), pending_ms=PENDING_MS)
    seen, _ = retry_until_answered(again, key)
    assert seen is False
