"""Deliveries in PostgreSQL, in the same transaction as your business write
(psycopg 3, sync: :class:`PostgresDeliveries`; asyncio:
:class:`AsyncPostgresDeliveries`). ``psycopg`` is not a dependency of
cardwire: pass your own connection.

The delivery key is inserted (``INSERT … ON CONFLICT DO NOTHING``, or over
an expired row) in *your* transaction, before your writes: both commit or
neither does. A redelivery of a committed event finds the key and is a
duplicate; one that arrives while the first is still in its transaction
waits for it (the key's row lock), then is a duplicate if it committed and
processed if it rolled back. A crash before the commit rolls everything
back: the provider's redelivery is processed. There is no reservation to
expire and no outbox: **exactly once, in the business sense**, for work
done in that database.

The table (``SCHEMA``, the same text as
``integrations/postgres/migrations/0001_cardwire_deliveries.sql``) is created by
``migrate(conn)`` or by your own migration tool. Keys expire after their
retention (48 h by default); delete expired rows from time to time with
``purge(conn)`` (``DELETE FROM cardwire_deliveries WHERE expires_at < now()``).

PostgreSQL unreachable, or gone mid-transaction: ``cardwire.StoreUnavailable``
(answer 5xx: the provider retries). The transaction rolled back, or, if the
answer to its COMMIT was lost, committed whole: the retry is then processed
or a duplicate, never lost.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Literal, Union

from ._errors import StoreUnavailable

Outcome = Literal["processed", "duplicate"]

SCHEMA = """-- cardwire: processed webhook deliveries, recorded in the same transaction as
-- the business write they caused (INSERT ... ON CONFLICT in your transaction):
-- both commit or neither does. One row per delivery key; no body, no secret.
CREATE TABLE IF NOT EXISTS cardwire_deliveries (
    delivery_key  text        PRIMARY KEY,
    business_key  text,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS cardwire_deliveries_expires_at ON cardwire_deliveries (expires_at);
-- Retention: a key is needed only while the provider may redeliver (48 h by
-- default). Run from time to time (cron, pg_cron, your scheduler):
--   DELETE FROM cardwire_deliveries WHERE expires_at < now();
"""

# Inserted, or written over an expired row: a row comes back (new). A live
# row already there: nothing comes back (a duplicate). A row another
# transaction is inserting: this waits for it to commit or roll back.
_CLAIM = (
    "INSERT INTO {t} (delivery_key, business_key, expires_at) "
    "VALUES (%s, %s, now() + %s * interval '1 millisecond') "
    "ON CONFLICT (delivery_key) DO UPDATE SET business_key = EXCLUDED.business_key, "
    "processed_at = now(), expires_at = EXCLUDED.expires_at WHERE {t}.expires_at < now() "
    "RETURNING 1"
)
_PURGE = "DELETE FROM {t} WHERE expires_at < now()"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")


def _fields(event: Any) -> tuple[str, str | None, int]:
    if isinstance(event, str):
        return event, None, 48 * 3600 * 1000
    business = event.get("business_key") if hasattr(event, "get") else None
    return str(event["delivery_key"]), business, int(event["retention_ms"])


def _unavailable(e: BaseException) -> StoreUnavailable:
    err = StoreUnavailable(
        f"delivery store unavailable: PostgreSQL did not answer ({type(e).__name__}); the transaction rolled back, "
        "or, if its commit's answer was lost, committed whole (your work and the key together): answer 5xx so the "
        "provider retries; the retry is processed or a duplicate, never lost"
    )
    err.code = "store_unavailable"
    return err


def _connection_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (psycopg.OperationalError, psycopg.InterfaceError)


class PostgresDeliveries:
    """Delivery keys in your PostgreSQL transactions (psycopg 3, sync)."""

    def __init__(self, table: str = "cardwire_deliveries") -> None:
        if not _NAME.match(table):
            raise ValueError("table must be a plain SQL name (letters, digits, underscores)")
        self.table = table

    def _sql(self, text: str) -> str:
        return text.replace("cardwire_deliveries", self.table) if "{t}" not in text else text.format(t=self.table)

    def migrate(self, conn: Any) -> None:
        """Creates the table and its index if they are missing (``SCHEMA``)."""
        try:
            with conn.transaction():
                conn.execute(self._sql(SCHEMA))
        except _connection_errors() as e:
            raise _unavailable(e) from None

    def claim(self, conn: Any, event: Any) -> bool:
        """Inside your transaction: True when this delivery is new (its key is
        now part of the transaction), False when it was processed before."""
        key, business, retention = _fields(event)
        try:
            return conn.execute(self._sql(_CLAIM), (key, business, retention)).fetchone() is not None
        except _connection_errors() as e:
            raise _unavailable(e) from None

    def process(self, conn: Any, event: Any, handler: Callable[[Any, Any], Any]) -> Outcome:
        """Runs ``handler(conn, event)`` in one transaction with the delivery
        key: ``processed`` (both committed) or ``duplicate`` (acknowledge,
        skip). If the handler raises, both roll back and the error propagates."""
        try:
            with conn.transaction():
                if not self.claim(conn, event):
                    return "duplicate"
                handler(conn, event)
            return "processed"
        except _connection_errors() as e:
            raise _unavailable(e) from None

    def purge(self, conn: Any) -> int:
        """Deletes expired keys; returns how many."""
        try:
            with conn.transaction():
                return int(conn.execute(self._sql(_PURGE)).rowcount)
        except _connection_errors() as e:
            raise _unavailable(e) from None


class AsyncPostgresDeliveries:
    """The same for psycopg's ``AsyncConnection``."""

    def __init__(self, table: str = "cardwire_deliveries") -> None:
        self._sync = PostgresDeliveries(table)
        self.table = table

    async def migrate(self, conn: Any) -> None:
        try:
            async with conn.transaction():
                await conn.execute(self._sync._sql(SCHEMA))
        except _connection_errors() as e:
            raise _unavailable(e) from None

    async def claim(self, conn: Any, event: Any) -> bool:
        key, business, retention = _fields(event)
        try:
            cur = await conn.execute(self._sync._sql(_CLAIM), (key, business, retention))
            return await cur.fetchone() is not None
        except _connection_errors() as e:
            raise _unavailable(e) from None

    async def process(self, conn: Any, event: Any, handler: Callable[[Any, Any], Union[Awaitable[Any], Any]]) -> Outcome:
        try:
            async with conn.transaction():
                if not await self.claim(conn, event):
                    return "duplicate"
                r = handler(conn, event)
                if hasattr(r, "__await__"):
                    await r
            return "processed"
        except _connection_errors() as e:
            raise _unavailable(e) from None

    async def purge(self, conn: Any) -> int:
        try:
            async with conn.transaction():
                cur = await conn.execute(self._sync._sql(_PURGE))
                return int(cur.rowcount)
        except _connection_errors() as e:
            raise _unavailable(e) from None


__all__ = ["PostgresDeliveries", "AsyncPostgresDeliveries", "SCHEMA", "Outcome"]
