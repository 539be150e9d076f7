"""One receiver instance (Python, psycopg) of the multi-instance test on
PostgreSQL: the five providers' routes, each delivery processed in one
transaction with its key (cardwire.postgres): the work is a row in `work`
(the event's reference and delivery key), written in the same transaction.

    receiver_pg.py PORT DATABASE_URL [CRASH_REF [before|after]]

With CRASH_REF and `before`, the process dies (no cleanup) after the work row
is written and before the commit: the transaction rolls back and the
redelivery is processed elsewhere. With `after`, it dies after the commit and
before the acknowledgement: the redelivery is a duplicate."""
from __future__ import annotations

import http.server
import os
import sys
import threading
from typing import Any

import cardwire
import psycopg
from cardwire.postgres import PostgresDeliveries

from common import find_ref, merchants

PORT, URL = int(sys.argv[1]), sys.argv[2]
CRASH_REF = sys.argv[3] if len(sys.argv) > 3 else None
CRASH_WHEN = sys.argv[4] if len(sys.argv) > 4 else "before"
RECEIVERS = merchants(cardwire)
deliveries = PostgresDeliveries()
local = threading.local()


def connection() -> psycopg.Connection[Any]:
    conn = getattr(local, "conn", None)
    if conn is None or conn.closed or conn.broken:
        conn = psycopg.connect(URL, connect_timeout=2, autocommit=True)
        local.conn = conn
    return conn


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        merchant = RECEIVERS.get(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if merchant is None:
            return self.answer(404, {}, b"")
        try:
            event = merchant.check_webhook(self.headers, body)
        except cardwire.CardwireError as e:
            return self.answer(401, {}, e.code.encode())
        ref = find_ref(event.raw)

        def work(conn: Any, ev: Any) -> None:
            conn.execute("INSERT INTO work (ref, delivery_key) VALUES (%s, %s)", (ref, ev.delivery_key))
            if CRASH_REF == ref and CRASH_WHEN == "before":
                os._exit(17)  # dies with the transaction open: it rolls back

        try:
            outcome = deliveries.process(connection(), event, work)
        except (cardwire.StoreUnavailable, psycopg.OperationalError) as e:
            return self.answer(503, {}, str(getattr(e, "code", "store_unavailable")).encode())
        if CRASH_REF == ref and CRASH_WHEN == "after" and outcome == "processed":
            os._exit(18)  # committed, never acknowledged
        ack = type(merchant).webhook_ack()
        self.answer(ack["status"], {**ack["headers"], "x-outcome": outcome}, ack["body"])

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Receiver)
print("ready", flush=True)
server.serve_forever()
