"""Deliveries on Redis: one replay decision shared by every instance of a
receiver (several processes, several machines), with the Python `redis`
client you already use (sync: :class:`RedisDeliveries`; ``redis.asyncio``:
:class:`AsyncRedisDeliveries`). The ``redis`` package is not a dependency
of cardwire: pass your own client.

Keys are the core's delivery keys (``cardwire:<provider>:<account
fingerprint>:<id|content>:<sha256>``): never a body or a secret. One atomic
command per decision.

Two ways to use it:

* **Mark on arrival** (``seen``, the replay-store protocol):
  ``WorldCardMerchant(..., store=RedisDeliveries(r))`` and ``verify_webhook``
  as usual. ``SET key done NX PX retention``. Simple; if your handler then
  crashes, the provider's redelivery comes back ``duplicate`` and the event is
  lost to you.
* **Mark after processing** (``process``, or ``reserve`` → ``commit`` /
  ``release``): ``check_webhook``, then ``process(event, handler)``. The key
  is reserved (``SET key pending:<token> NX PX reservation``) while your
  handler runs and committed (``done``, kept for the retention) only after it
  returns; if the handler raises, the reservation is released, and if the
  process dies mid-way, the reservation expires. Either way the provider's
  redelivery is processed then: at least once, never lost. A redelivery
  that arrives while another instance holds the reservation is ``busy``:
  answer 5xx so the provider retries later (acknowledging it could lose the
  event if that instance crashes). If Redis goes away after your handler
  returned, ``process`` still answers ``processed`` (it was) and keeps the
  commit: it is written before this object's next decision (or by
  ``flush()``), while the reservation still stops other instances.

When Redis is unreachable every call raises ``cardwire.StoreUnavailable``
(answer 5xx: the provider retries); it never answers "new" by guessing,
unless you ask for ``fallback=True`` (then a bounded in-memory store of this
process decides until Redis is back, and duplicates across instances are
possible in that time).
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Iterable, Literal, Union

from ._errors import StoreUnavailable

Outcome = Literal["processed", "duplicate", "busy"]
Reserved = Literal["new", "done", "busy"]

# Deletes the key only if it still holds this reservation's token.
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"


def _key(event: Any) -> tuple[str, int]:
    if isinstance(event, str):
        return event, 48 * 3600 * 1000
    return str(event["delivery_key"]), int(event["retention_ms"])


def _unavailable(e: BaseException) -> StoreUnavailable:
    err = StoreUnavailable(f"replay store unavailable: Redis did not answer ({type(e).__name__}); nothing was recorded (answer 5xx so the provider retries)")
    err.code = "store_unavailable"
    return err


class _Memory:
    """The opt-in fallback: bounded, this process only."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.items: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self.capacity = capacity

    def set_nx(self, key: str, value: str, ttl_ms: int) -> bool:
        now = time.monotonic()
        held = self.items.get(key)
        if held and held[1] > now:
            return False
        self.items[key] = (value, now + ttl_ms / 1000)
        while len(self.items) > self.capacity:
            self.items.popitem(last=False)
        return True

    def get(self, key: str) -> str | None:
        held = self.items.get(key)
        return held[0] if held and held[1] > time.monotonic() else None

    def set(self, key: str, value: str, ttl_ms: int) -> None:
        self.items[key] = (value, time.monotonic() + ttl_ms / 1000)

    def release(self, key: str, token: str) -> None:
        if self.get(key) == token:
            self.items.pop(key, None)


def _text(v: Any) -> str | None:
    return v.decode() if isinstance(v, bytes) else v


class RedisDeliveries:
    """Replay and processing decisions on Redis, for a sync ``redis.Redis``."""

    def __init__(self, client: Any, *, reservation_ms: int = 60_000, fallback: bool = False) -> None:
        self.client = client
        self.reservation_ms = reservation_ms
        self.fallback = _Memory() if fallback else None
        self._tokens: dict[str, str] = {}
        self._unsaved: dict[str, int] = {}

    def _call(self, redis_op: Callable[[], Any], memory_op: Callable[[_Memory], Any]) -> Any:
        self.flush()
        try:
            return redis_op()
        except Exception as e:  # the client's connection and timeout errors
            if self.fallback is not None:
                return memory_op(self.fallback)
            raise _unavailable(e) from None

    def flush(self) -> None:
        """Writes the commits Redis missed (it was away when a handler returned).
        Raises ``StoreUnavailable`` while Redis is still away."""
        for key, retention in list(self._unsaved.items()):
            try:
                self.client.set(key, "done", px=retention)
            except Exception as e:
                raise _unavailable(e) from None
            self._unsaved.pop(key, None)

    def seen(self, key: str, ttl_ms: int) -> bool:
        """The replay-store protocol: True when ``key`` was seen before; records it otherwise."""
        created = self._call(lambda: self.client.set(key, "done", nx=True, px=ttl_ms),
                             lambda m: m.set_nx(key, "done", ttl_ms))
        return not created

    def seen_many(self, items: Iterable[tuple[str, int]]) -> list[bool]:
        """``seen`` for many ``(key, ttl_ms)`` at once, in one pipelined round
        trip (a page of polled events, a batch): each answer is still its own
        atomic ``SET NX``."""
        items = list(items)

        def pipelined() -> list[Any]:
            p = self.client.pipeline(transaction=False)
            for key, ttl in items:
                p.set(key, "done", nx=True, px=ttl)
            return list(p.execute())

        created = self._call(pipelined, lambda m: [m.set_nx(k, "done", t) for k, t in items])
        return [not c for c in created]

    def reserve(self, event: Any) -> Reserved:
        """``new`` (reserved for you now), ``done`` (processed before: a duplicate) or ``busy``."""
        key, _ = _key(event)
        token = "pending:" + secrets.token_hex(8)
        if self._call(lambda: self.client.set(key, token, nx=True, px=self.reservation_ms),
                      lambda m: m.set_nx(key, token, self.reservation_ms)):
            self._tokens[key] = token
            return "new"
        held = _text(self._call(lambda: self.client.get(key), lambda m: m.get(key)))
        return "done" if held == "done" else "busy"

    def commit(self, event: Any) -> None:
        """Marks the delivery processed, kept for its retention."""
        key, retention = _key(event)
        self._tokens.pop(key, None)
        self._call(lambda: self.client.set(key, "done", px=retention), lambda m: m.set(key, "done", retention))

    def release(self, event: Any) -> None:
        """Gives the reservation back (your handler failed): the redelivery will be processed."""
        key, _ = _key(event)
        token = self._tokens.pop(key, "")
        self._call(lambda: self.client.eval(_RELEASE, 1, key, token), lambda m: m.release(key, token))

    def process(self, event: Any, handler: Callable[[Any], Any]) -> Outcome:
        """Runs ``handler(event)`` once across every instance: ``processed``,
        ``duplicate`` (acknowledge, skip) or ``busy`` (answer 5xx, the provider retries)."""
        state = self.reserve(event)
        if state == "done":
            return "duplicate"
        if state == "busy":
            return "busy"
        try:
            handler(event)
        except BaseException:
            self.release(event)
            raise
        try:
            self.commit(event)
        except StoreUnavailable:
            key, retention = _key(event)
            self._unsaved[key] = retention  # written by the next decision or flush()
        return "processed"


class AsyncRedisDeliveries:
    """The same decisions for ``redis.asyncio.Redis``; use with ``check_webhook``."""

    def __init__(self, client: Any, *, reservation_ms: int = 60_000, fallback: bool = False) -> None:
        self.client = client
        self.reservation_ms = reservation_ms
        self.fallback = _Memory() if fallback else None
        self._tokens: dict[str, str] = {}
        self._unsaved: dict[str, int] = {}

    async def _call(self, redis_op: Callable[[], Awaitable[Any]], memory_op: Callable[[_Memory], Any]) -> Any:
        await self.flush()
        try:
            return await redis_op()
        except Exception as e:
            if self.fallback is not None:
                return memory_op(self.fallback)
            raise _unavailable(e) from None

    async def flush(self) -> None:
        """Writes the commits Redis missed; raises ``StoreUnavailable`` while it is away."""
        for key, retention in list(self._unsaved.items()):
            try:
                await self.client.set(key, "done", px=retention)
            except Exception as e:
                raise _unavailable(e) from None
            self._unsaved.pop(key, None)

    async def seen(self, key: str, ttl_ms: int) -> bool:
        created = await self._call(lambda: self.client.set(key, "done", nx=True, px=ttl_ms), lambda m: m.set_nx(key, "done", ttl_ms))
        return not created

    async def seen_many(self, items: Iterable[tuple[str, int]]) -> list[bool]:
        """``seen`` for many ``(key, ttl_ms)`` in one pipelined round trip."""
        items = list(items)

        async def pipelined() -> list[Any]:
            p = self.client.pipeline(transaction=False)
            for key, ttl in items:
                p.set(key, "done", nx=True, px=ttl)
            return list(await p.execute())

        created = await self._call(pipelined, lambda m: [m.set_nx(k, "done", t) for k, t in items])
        return [not c for c in created]

    async def reserve(self, event: Any) -> Reserved:
        key, _ = _key(event)
        token = "pending:" + secrets.token_hex(8)
        if await self._call(lambda: self.client.set(key, token, nx=True, px=self.reservation_ms), lambda m: m.set_nx(key, token, self.reservation_ms)):
            self._tokens[key] = token
            return "new"
        held = _text(await self._call(lambda: self.client.get(key), lambda m: m.get(key)))
        return "done" if held == "done" else "busy"

    async def commit(self, event: Any) -> None:
        key, retention = _key(event)
        self._tokens.pop(key, None)
        await self._call(lambda: self.client.set(key, "done", px=retention), lambda m: m.set(key, "done", retention))

    async def release(self, event: Any) -> None:
        key, _ = _key(event)
        token = self._tokens.pop(key, "")
        await self._call(lambda: self.client.eval(_RELEASE, 1, key, token), lambda m: m.release(key, token))

    async def process(self, event: Any, handler: Callable[[Any], Union[Awaitable[Any], Any]]) -> Outcome:
        state = await self.reserve(event)
        if state == "done":
            return "duplicate"
        if state == "busy":
            return "busy"
        try:
            r = handler(event)
            if hasattr(r, "__await__"):
                await r
        except BaseException:
            await self.release(event)
            raise
        try:
            await self.commit(event)
        except StoreUnavailable:
            key, retention = _key(event)
            self._unsaved[key] = retention
        return "processed"


__all__ = ["RedisDeliveries", "AsyncRedisDeliveries", "Outcome", "Reserved"]
