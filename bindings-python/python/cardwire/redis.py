"""Deliveries on Redis: one replay decision shared by every instance of a
receiver (several processes, several machines), with the Python `redis`
client you already use (sync: :class:`RedisDeliveries`; ``redis.asyncio``:
:class:`AsyncRedisDeliveries`). The ``redis`` package is not a dependency
of cardwire: pass your own client.

Keys are the core's delivery keys (``cardwire:<provider>:<account
fingerprint>:<id|content>:<sha256>``): never a body or a secret. One atomic
command per decision.

Two ways to use it:

* **Mark on arrival** (``mark_on_arrival``, also under the replay-store
  protocol's name ``seen``):
  ``WorldCardMerchant(..., store=RedisDeliveries(r))`` and ``verify_webhook``
  as usual. The key is first reserved (``pending:<token>``, expiring after
  ``pending_ms``) and marked ``done`` only once Redis has answered, so a
  command that timed out and ran later leaves at most an expiring *pending*
  entry: the provider's retry is answered 5xx until it expires, never
  ``duplicate``. But the delivery is marked before your handler runs: **if
  your handler crashes, the provider's redelivery comes back ``duplicate``
  and the event is lost to you.** Prefer ``process``.
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

When Redis is unreachable or does not answer in time every call raises
``cardwire.StoreUnavailable`` (answer 5xx: the provider retries); it never
answers "new" by guessing, unless you ask for ``fallback=True`` (then a
bounded in-memory store of this process decides until Redis is back, and
duplicates across instances are possible in that time). A command whose
answer was lost may still have run: it recorded at most a *pending* entry,
never ``done``, so the retry is refused with 5xx until that entry expires and
is processed then. Every decision carries its own token, so a client's hidden
retry of the same command recognises its own reservation.

Give the client timeouts and no hidden retries, so a stalled Redis cannot
hold a decision for long: ``redis.Redis(..., socket_timeout=2,
socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))``.
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
# Reserves the key with this decision's token unless it is held; a repeat of
# the same command (the client's own retry after a lost answer) finds its own
# token and is still "new". Never writes "done".
_RESERVE = (
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'new' end "
    "if v == ARGV[1] then return 'new' end "
    "if v == 'done' then return 'done' end "
    "return 'busy'"
)
# Marks the key done only while it holds this decision's token.
_COMMIT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2]) else return 0 end"


def _key(event: Any) -> tuple[str, int]:
    if isinstance(event, str):
        return event, 48 * 3600 * 1000
    return str(event["delivery_key"]), int(event["retention_ms"])


def _unavailable(e: BaseException, pending_ms: int | None = None) -> StoreUnavailable:
    outcome = (
        f"it may have been recorded as pending for up to {pending_ms} ms, never as processed"
        if pending_ms is not None
        else "nothing was recorded"
    )
    err = StoreUnavailable(f"replay store unavailable: Redis did not answer ({type(e).__name__}); {outcome} (answer 5xx so the provider retries)")
    err.code = "store_unavailable"
    return err


def _busy(key_kind: str) -> StoreUnavailable:
    err = StoreUnavailable(
        f"replay store busy: this {key_kind} is being processed by another instance, or an earlier attempt's outcome "
        "is unknown; answer 5xx so the provider retries (it is processed once the reservation expires)"
    )
    err.code = "store_unavailable"
    return err


def _token() -> str:
    return "pending:" + secrets.token_hex(8)


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

    def reserve(self, key: str, token: str, ttl_ms: int) -> str:
        held = self.get(key)
        if held is None:
            self.set(key, token, ttl_ms)
            return "new"
        return "new" if held == token else "done" if held == "done" else "busy"

    def commit(self, key: str, token: str, ttl_ms: int) -> None:
        if self.get(key) == token:
            self.set(key, "done", ttl_ms)


def _text(v: Any) -> str | None:
    return v.decode() if isinstance(v, bytes) else v


class RedisDeliveries:
    """Replay and processing decisions on Redis, for a sync ``redis.Redis``.

    ``reservation_ms``: how long ``process`` holds a delivery while the
    handler runs (a crashed instance's reservation expires after it).
    ``pending_ms``: how long ``seen`` may leave a pending entry whose outcome
    was lost (the provider's retry is answered 5xx until it expires)."""

    def __init__(self, client: Any, *, reservation_ms: int = 60_000, pending_ms: int = 30_000, fallback: bool = False) -> None:
        self.client = client
        self.reservation_ms = reservation_ms
        self.pending_ms = pending_ms
        self.fallback = _Memory() if fallback else None
        self._tokens: dict[str, str] = {}
        self._unsaved: dict[str, int] = {}

    def _call(self, redis_op: Callable[[], Any], memory_op: Callable[[_Memory], Any], pending_ms: int | None = None) -> Any:
        self.flush()
        try:
            return redis_op()
        except Exception as e:  # the client's connection and timeout errors
            if self.fallback is not None:
                return memory_op(self.fallback)
            raise _unavailable(e, pending_ms) from None

    def _reserve(self, key: str, token: str, ttl_ms: int) -> str:
        return str(_text(self._call(lambda: self.client.eval(_RESERVE, 1, key, token, ttl_ms),
                                    lambda m: m.reserve(key, token, ttl_ms), pending_ms=ttl_ms)))

    def _mark_done(self, key: str, token: str, ttl_ms: int) -> None:
        # The delivery is this caller's already; if this answer is lost the
        # commit is written by the next decision (or flush()), and until then
        # the pending entry still stops everyone else.
        try:
            self._call(lambda: self.client.eval(_COMMIT, 1, key, token, ttl_ms), lambda m: m.commit(key, token, ttl_ms))
        except StoreUnavailable:
            self._unsaved[key] = ttl_ms

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
        """The replay-store protocol, which ``verify_webhook(store=...)``
        calls: :meth:`mark_on_arrival` under the protocol's name."""
        return self.mark_on_arrival(key, ttl_ms)

    def mark_on_arrival(self, key: str, ttl_ms: int) -> bool:
        """Marks the delivery when it arrives, before your work: **a crash in
        your handler loses the event** (the redelivery is a duplicate); see
        ``process``. Stall-safe: True only when ``key`` was processed before.
        Raises ``StoreUnavailable`` when another instance holds it or Redis
        did not answer (then at most an expiring pending entry was recorded)."""
        token = _token()
        state = self._reserve(key, token, self.pending_ms)
        if state == "done":
            return True
        if state == "busy":
            raise _busy("delivery")
        self._mark_done(key, token, ttl_ms)
        return False

    def seen_many(self, items: Iterable[tuple[str, int]]) -> list[bool]:
        """``seen`` for many ``(key, ttl_ms)`` at once, in two pipelined round
        trips (a page of polled events, a batch): each answer is still its own
        atomic decision; a key repeated within the batch is a duplicate of
        its first occurrence."""
        items = list(items)
        first: dict[str, int] = {}
        for k, ttl in items:
            first.setdefault(k, ttl)
        unique = list(first.items())
        tokens = [_token() for _ in unique]

        def pipelined(script: str, args: list[tuple[str, str, int]]) -> list[Any]:
            p = self.client.pipeline(transaction=False)
            for key, token, ttl in args:
                p.eval(script, 1, key, token, ttl)
            return list(p.execute())

        states = [str(_text(x)) for x in self._call(
            lambda: pipelined(_RESERVE, [(k, t, self.pending_ms) for (k, _), t in zip(unique, tokens)]),
            lambda m: [m.reserve(k, t, self.pending_ms) for (k, _), t in zip(unique, tokens)],
            pending_ms=self.pending_ms)]
        if "busy" in states:
            raise _busy("delivery")
        mine = [(k, t, ttl) for (k, ttl), t, st in zip(unique, tokens, states) if st == "new"]
        if mine:
            try:
                def in_memory(m: _Memory) -> None:
                    for k, t, ttl in mine:
                        m.commit(k, t, ttl)

                self._call(lambda: pipelined(_COMMIT, mine), in_memory)
            except StoreUnavailable:
                self._unsaved.update({k: ttl for k, _, ttl in mine})
        answer = {k: st == "done" for (k, _), st in zip(unique, states)}
        out = []
        for k, _ in items:
            out.append(answer[k])
            answer[k] = True  # a second occurrence within the batch is a duplicate
        return out

    def reserve(self, event: Any) -> Reserved:
        """``new`` (reserved for you now), ``done`` (processed before: a duplicate) or ``busy``."""
        key, _ = _key(event)
        token = _token()
        state = self._reserve(key, token, self.reservation_ms)
        if state == "new":
            self._tokens[key] = token
        return state  # type: ignore[return-value]

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
    """The same decisions for ``redis.asyncio.Redis``; use with ``check_webhook``.
    ``timeout_s`` bounds every Redis call (default 2 s), whatever the client's
    own settings."""

    def __init__(self, client: Any, *, reservation_ms: int = 60_000, pending_ms: int = 30_000,
                 timeout_s: float = 2.0, fallback: bool = False) -> None:
        self.client = client
        self.reservation_ms = reservation_ms
        self.pending_ms = pending_ms
        self.timeout_s = timeout_s
        self.fallback = _Memory() if fallback else None
        self._tokens: dict[str, str] = {}
        self._unsaved: dict[str, int] = {}

    async def _call(self, redis_op: Callable[[], Awaitable[Any]], memory_op: Callable[[_Memory], Any],
                    pending_ms: int | None = None) -> Any:
        import asyncio

        await self.flush()
        try:
            return await asyncio.wait_for(redis_op(), self.timeout_s)
        except Exception as e:
            if self.fallback is not None:
                return memory_op(self.fallback)
            raise _unavailable(e, pending_ms) from None

    async def _reserve(self, key: str, token: str, ttl_ms: int) -> str:
        return str(_text(await self._call(lambda: self.client.eval(_RESERVE, 1, key, token, ttl_ms),
                                          lambda m: m.reserve(key, token, ttl_ms), pending_ms=ttl_ms)))

    async def _mark_done(self, key: str, token: str, ttl_ms: int) -> None:
        try:
            await self._call(lambda: self.client.eval(_COMMIT, 1, key, token, ttl_ms), lambda m: m.commit(key, token, ttl_ms))
        except StoreUnavailable:
            self._unsaved[key] = ttl_ms

    async def flush(self) -> None:
        """Writes the commits Redis missed; raises ``StoreUnavailable`` while it is away."""
        import asyncio

        for key, retention in list(self._unsaved.items()):
            try:
                await asyncio.wait_for(self.client.set(key, "done", px=retention), self.timeout_s)
            except Exception as e:
                raise _unavailable(e) from None
            self._unsaved.pop(key, None)

    async def seen(self, key: str, ttl_ms: int) -> bool:
        """The replay-store protocol: :meth:`mark_on_arrival` under its name."""
        return await self.mark_on_arrival(key, ttl_ms)

    async def mark_on_arrival(self, key: str, ttl_ms: int) -> bool:
        """Marks the delivery when it arrives, before your work: **a crash in
        your handler loses the event**; see ``process``. Stall-safe."""
        token = _token()
        state = await self._reserve(key, token, self.pending_ms)
        if state == "done":
            return True
        if state == "busy":
            raise _busy("delivery")
        await self._mark_done(key, token, ttl_ms)
        return False

    async def seen_many(self, items: Iterable[tuple[str, int]]) -> list[bool]:
        """``seen`` for many ``(key, ttl_ms)``, one after another."""
        return [await self.seen(k, ttl) for k, ttl in items]

    async def reserve(self, event: Any) -> Reserved:
        key, _ = _key(event)
        token = _token()
        state = await self._reserve(key, token, self.reservation_ms)
        if state == "new":
            self._tokens[key] = token
        return state  # type: ignore[return-value]

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
