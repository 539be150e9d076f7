"""Replay decisions per second against a local redis-server and a local
PostgreSQL (both started here), from Python: cardwire.redis and
cardwire.postgres next to the redis-py and psycopg calls you would write by
hand, one run. Single connection (one decision after another) and
pipelined (`seen_many`: 64 decisions per round trip, against a redis-py
pipeline by hand); then one PayCA webhook verified and decided end to end
on each store: in memory (the default), Redis, PostgreSQL. Every operation
is checked first. Prints tables; `make bench-redis` runs it with the Node bench."""
from __future__ import annotations

import itertools
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

import cardwire
import psycopg
import redis
from cardwire.postgres import PostgresDeliveries
from cardwire.redis import RedisDeliveries

ROOT = pathlib.Path(__file__).resolve().parents[2]

N = int(os.environ.get("BENCH_N", "20000"))
TTL = 48 * 3600 * 1000
counter = itertools.count()


def start_redis() -> tuple[subprocess.Popen[bytes], int, str]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    d = tempfile.mkdtemp(prefix="cw-redis-bench-", dir=pathlib.Path(__file__).resolve().parents[2] / "target")
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            redis.Redis(port=port).ping()
            return proc, port, d
        except redis.exceptions.ConnectionError:
            time.sleep(0.025)
    raise RuntimeError("redis-server did not start")


def rates(ours: Callable[[int], Any], hand: Callable[[int], Any], n: int) -> tuple[float, float]:
    """Best of five, the two alternating (the same window for both)."""
    best = [0.0, 0.0]
    for _ in range(5):
        for i, fn in enumerate((ours, hand)):
            t = time.perf_counter()
            fn(n)
            best[i] = max(best[i], n / (time.perf_counter() - t))
    return best[0], best[1]


def key() -> str:
    return f"cardwire:bench:0123456789abcdef:id:{next(counter):064x}"


def postgres_rows(url: str) -> list[tuple[str, float, float, str]]:
    conn = psycopg.connect(url, autocommit=True)
    d = PostgresDeliveries()
    d.migrate(conn)
    ev = {"delivery_key": key(), "retention_ms": TTL}
    assert d.process(conn, ev, lambda c, e: None) == "processed" and d.process(conn, ev, lambda c, e: None) == "duplicate"
    hand_sql = ("INSERT INTO cardwire_deliveries (delivery_key, expires_at) VALUES (%s, now() + interval '48 hours') "
                "ON CONFLICT DO NOTHING RETURNING 1")

    def cw_process(n: int) -> None:
        for _ in range(n):
            d.process(conn, {"delivery_key": key(), "retention_ms": TTL}, lambda c, e: None)

    def hand_process(n: int) -> None:
        for _ in range(n):
            with conn.transaction():
                conn.execute(hand_sql, (key(),)).fetchone()

    return [("PostgreSQL process (key in a transaction), one at a time",
             *rates(cw_process, hand_process, N // 4), "BEGIN; INSERT … ON CONFLICT DO NOTHING; COMMIT")]


def end_to_end(redis_client: Any, url: str) -> list[tuple[str, float]]:
    """One PayCA webhook verified (HMAC) and decided, on each store."""
    platform = cardwire.PayCaPlatform("pc", "pc-secret")
    n = N // 4
    hooks = [platform.sign_webhook("card_transaction", {"cardId": f"c-{i}", "n": next(counter)}) for i in range(n * 3)]
    memory = cardwire.PayCaClient("pc", "pc-secret")
    plain = cardwire.PayCaClient("pc", "pc-secret")
    store = RedisDeliveries(redis_client)
    d = PostgresDeliveries()
    conn = psycopg.connect(url, autocommit=True)
    h0 = hooks[0]
    assert memory.verify_webhook(h0["headers"], h0["body"]).duplicate is False
    assert memory.verify_webhook(h0["headers"], h0["body"]).duplicate is True
    # Checked first, on each store: new, then a duplicate.
    e = plain.check_webhook(hooks[-1]["headers"], hooks[-1]["body"])
    assert store.seen(e.delivery_key, e.retention_ms) is False and store.seen(e.delivery_key, e.retention_ms) is True
    assert d.process(conn, e, lambda c, x: None) == "processed" and d.process(conn, e, lambda c, x: None) == "duplicate"
    hooks = hooks[:-1]
    out = []
    for name, decide in [
        ("in memory (the default store)", lambda h: memory.verify_webhook(h["headers"], h["body"])),
        ("Redis (check_webhook + seen)", lambda h: store.seen(*(lambda e: (e.delivery_key, e.retention_ms))(plain.check_webhook(h["headers"], h["body"])))),
        ("PostgreSQL (check_webhook + process)", lambda h: d.process(conn, plain.check_webhook(h["headers"], h["body"]), lambda c, e: None)),
    ]:
        batch = hooks[:n]
        hooks = hooks[n:]
        t = time.perf_counter()
        for h in batch:
            decide(h)
        out.append((name, n / (time.perf_counter() - t)))
    return out


def main() -> None:
    proc, port, d = start_redis()
    pg_url = subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start", "bench"], check=True, capture_output=True,
                            text=True).stdout.strip()
    try:
        r = redis.Redis(port=port, single_connection_client=True)
        ours = RedisDeliveries(r)
        # Checked first: a new key is new, the same key again is a duplicate.
        k = key()
        assert ours.seen(k, TTL) is False and ours.seen(k, TTL) is True
        ev = {"delivery_key": key(), "retention_ms": TTL}
        assert ours.process(ev, lambda e: None) == "processed" and ours.process(ev, lambda e: None) == "duplicate"

        def cw_seen(n: int) -> None:
            for _ in range(n):
                ours.seen(key(), TTL)

        def hand_seen(n: int) -> None:
            for _ in range(n):
                r.set(key(), "1", nx=True, px=TTL)

        def cw_process(n: int) -> None:
            for _ in range(n):
                ours.process({"delivery_key": key(), "retention_ms": TTL}, lambda e: None)

        def hand_process(n: int) -> None:
            for _ in range(n):
                k = key()
                if r.set(k, "pending", nx=True, px=60_000):
                    r.set(k, "done", px=TTL)

        batch = [(key(), TTL) for _ in range(3)]
        assert ours.seen_many(batch + [batch[0]]) == [False, False, False, True]

        def cw_many(n: int, width: int = 64) -> None:
            for i in range(0, n, width):
                ours.seen_many([(key(), TTL) for _ in range(min(width, n - i))])

        def hand_pipeline(n: int, width: int = 64) -> None:
            for i in range(0, n, width):
                p = r.pipeline(transaction=False)
                for _ in range(min(width, n - i)):
                    p.set(key(), "1", nx=True, px=TTL)
                p.execute()

        rows = [
            ("seen (reserve, then done: stall-safe), one at a time", *rates(cw_seen, hand_seen, N), "r.set(k, 1, nx=True, px=ttl) (one step: not stall-safe)"),
            ("process (reserve + commit), one at a time", *rates(cw_process, hand_process, N // 2), "SET NX pending, then SET done"),
            ("seen_many, pipelined 64 per round trip", *rates(cw_many, hand_pipeline, N * 2), "redis-py pipeline of 64 SET NX"),
            *postgres_rows(pg_url),
        ]
        print(f"python {sys.version.split()[0]}, redis-py {redis.__version__}, psycopg {psycopg.__version__}, "
              "redis-server and PostgreSQL on loopback")
        print("| operation | cardwire (decisions/s) | by hand (decisions/s) | ratio | by hand is |")
        print("|---|---|---|---|---|")
        for name, ours_rate, hand_rate, what in rows:
            print(f"| {name} | {ours_rate:,.0f} | {hand_rate:,.0f} | {ours_rate / hand_rate:.2f}x | {what} |")
        print()
        print("| a PayCA webhook verified and decided, on | decisions/s |")
        print("|---|---|")
        for name, rate in end_to_end(r, pg_url):
            print(f"| {name} | {rate:,.0f} |")
    finally:
        subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "remove", "bench"], check=False)
        proc.kill()
        proc.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
