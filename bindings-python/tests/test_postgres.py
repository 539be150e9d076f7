"""Deliveries in PostgreSQL, in the caller's own transaction (a real server,
started by the test as the `postgres` user): the key and the business write
commit or roll back together; concurrent redeliveries wait for the first and
see its outcome; expired keys are reclaimed; PostgreSQL down is 5xx with
nothing lost; the schema is the migration file; sync and asyncio."""
from __future__ import annotations

import asyncio
import pathlib
import threading
import time
from typing import Any

import cardwire
import psycopg
import pytest
from cardwire.postgres import SCHEMA, AsyncPostgresDeliveries, PostgresDeliveries

MIGRATION = pathlib.Path(__file__).resolve().parents[2] / "integrations" / "postgres" / "migrations" / "0001_cardwire_deliveries.sql"


def ev(key: str, retention_ms: int = 60_000) -> dict[str, Any]:
    return {"delivery_key": f"cardwire:test:content:{key}", "retention_ms": retention_ms, "business_key": f"card_deposit::{key}::"}


def setup(url: str) -> PostgresDeliveries:
    d = PostgresDeliveries()
    with psycopg.connect(url) as c:
        d.migrate(c)
        c.execute("CREATE TABLE IF NOT EXISTS credits (card text, amount numeric)")
        c.commit()
    return d


def credit(amount: str) -> Any:
    def handler(conn: Any, event: Any) -> None:
        conn.execute("INSERT INTO credits VALUES (%s, %s)", (event["delivery_key"], amount))
    return handler


def credits(url: str, key: str) -> int:
    with psycopg.connect(url) as c:
        row = c.execute("SELECT count(*) FROM credits WHERE card = %s", (f"cardwire:test:content:{key}",)).fetchone()
        assert row is not None
        return int(row[0])


def test_the_schema_is_the_migration_file() -> None:
    assert SCHEMA == MIGRATION.read_text()


def test_key_and_business_write_commit_together(pg_server: Any) -> None:
    d = setup(pg_server.url)
    with psycopg.connect(pg_server.url) as conn:
        assert d.process(conn, ev("a"), credit("10.00")) == "processed"
        assert d.process(conn, ev("a"), credit("10.00")) == "duplicate"
    assert credits(pg_server.url, "a") == 1
    # The handler fails: both roll back, the redelivery is processed.
    with psycopg.connect(pg_server.url) as conn:
        def boom(c: Any, e: Any) -> None:
            credit("5.00")(c, e)
            raise RuntimeError("crash between the business write and the acknowledgement")
        with pytest.raises(RuntimeError):
            d.process(conn, ev("b"), boom)
        assert credits(pg_server.url, "b") == 0
        assert d.process(conn, ev("b"), credit("5.00")) == "processed"
    assert credits(pg_server.url, "b") == 1
    # In the caller's own transaction, by hand.
    with psycopg.connect(pg_server.url) as conn:
        with conn.transaction():
            assert d.claim(conn, ev("c")) is True
            conn.execute("INSERT INTO credits VALUES (%s, 1)", ("cardwire:test:content:c",))
        with conn.transaction():
            assert d.claim(conn, ev("c")) is False
        row = conn.execute("SELECT business_key, expires_at > now() FROM cardwire_deliveries WHERE delivery_key = %s",
                           ("cardwire:test:content:c",)).fetchone()
        assert row == ("card_deposit::c::", True)


def test_a_concurrent_redelivery_waits_and_sees_the_outcome(pg_server: Any) -> None:
    d = setup(pg_server.url)
    # Each side records its own outcome: both wake when the first commits, so
    # the order in which they finish is not part of what is tested.
    outcomes: dict[str, str] = {}
    inside = threading.Event()

    def slow(conn: Any, event: Any) -> None:
        inside.set()
        time.sleep(0.5)
        credit("1.00")(conn, event)

    def first() -> None:
        with psycopg.connect(pg_server.url) as c:
            outcomes["first"] = d.process(c, ev("w"), slow)

    t = threading.Thread(target=first)
    t.start()
    inside.wait(5)
    with psycopg.connect(pg_server.url) as c:
        outcomes["redelivery"] = d.process(c, ev("w"), credit("1.00"))  # waits on the first's row
    t.join()
    assert outcomes == {"first": "processed", "redelivery": "duplicate"} and credits(pg_server.url, "w") == 1
    # The first rolls back instead: the waiting one is processed.
    outcomes.clear()
    inside.clear()

    def failing(conn: Any, event: Any) -> None:
        inside.set()
        time.sleep(0.5)
        raise RuntimeError("rolled back")

    def first_fails() -> None:
        with psycopg.connect(pg_server.url) as c:
            try:
                d.process(c, ev("r"), failing)
            except RuntimeError:
                outcomes["first"] = "rolled back"

    t = threading.Thread(target=first_fails)
    t.start()
    inside.wait(5)
    with psycopg.connect(pg_server.url) as c:
        outcomes["redelivery"] = d.process(c, ev("r"), credit("2.00"))
    t.join()
    assert outcomes == {"first": "rolled back", "redelivery": "processed"} and credits(pg_server.url, "r") == 1


def test_expired_keys_are_reclaimed_and_purged(pg_server: Any) -> None:
    d = setup(pg_server.url)
    with psycopg.connect(pg_server.url) as conn:
        assert d.process(conn, ev("x", retention_ms=1), credit("1")) == "processed"
        time.sleep(0.05)
        assert d.process(conn, ev("x", retention_ms=60_000), credit("1")) == "processed", "an expired key is new again"
        assert d.process(conn, ev("y", retention_ms=1), credit("1")) == "processed"
        time.sleep(0.05)
        assert d.purge(conn) >= 1
        assert conn.execute("SELECT count(*) FROM cardwire_deliveries WHERE expires_at < now()").fetchone() == (0,)


def test_verified_webhooks_once_across_instances(pg_server: Any, wc_pair: Any) -> None:
    from test_redis import m_keys

    d = setup(pg_server.url)
    _, p = wc_pair
    hook = p.sign_webhook("card_deposit", {"card_id": "c-pg", "amount": "10.00", "status": 1})
    a = cardwire.WorldCardMerchant("app", *m_keys())
    b = cardwire.WorldCardMerchant("app", *m_keys())
    with psycopg.connect(pg_server.url) as c1, psycopg.connect(pg_server.url) as c2:
        e1, e2 = a.check_webhook(hook["headers"], hook["body"]), b.check_webhook(hook["headers"], hook["body"])
        assert d.process(c1, e1, lambda c, e: None) == "processed"
        assert d.process(c2, e2, lambda c, e: pytest.fail("processed twice")) == "duplicate"
        row = c1.execute("SELECT business_key FROM cardwire_deliveries WHERE delivery_key = %s", (e1.delivery_key,)).fetchone()
        assert row == (e1.business_key,)


def test_postgres_down_is_store_unavailable_and_nothing_is_lost(pg_server: Any) -> None:
    d = setup(pg_server.url)
    conn = psycopg.connect(pg_server.url)
    pg_server.stop()
    try:
        with pytest.raises(cardwire.StoreUnavailable) as e:
            d.process(conn, ev("down"), credit("1"))
        assert e.value.code == "store_unavailable" and "5xx" in str(e.value)
    finally:
        conn.close()
        pg_server.restart()
    with psycopg.connect(pg_server.url) as c:
        assert d.process(c, ev("down"), credit("1")) == "processed", "the retry after the outage is processed"
    assert credits(pg_server.url, "down") == 1


def test_async(pg_server: Any) -> None:
    setup(pg_server.url)

    async def main() -> list[str]:
        d = AsyncPostgresDeliveries()
        async with await psycopg.AsyncConnection.connect(pg_server.url) as a, await psycopg.AsyncConnection.connect(pg_server.url) as b:

            async def handler(conn: Any, event: Any) -> None:
                await asyncio.sleep(0.2)
                await conn.execute("INSERT INTO credits VALUES (%s, 3)", (event["delivery_key"],))

            return list(await asyncio.gather(d.process(a, ev("async"), handler), d.process(b, ev("async"), handler)))

    assert sorted(asyncio.run(main())) == ["duplicate", "processed"]
    assert credits(pg_server.url, "async") == 1


def test_table_names_are_checked() -> None:
    with pytest.raises(ValueError):
        PostgresDeliveries("deliveries; DROP TABLE x")
