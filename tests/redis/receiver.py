"""One receiver instance (Python) of the multi-instance test: five providers'
webhook routes on the standard library's HTTP server, every decision in the
shared Redis through cardwire.redis (mark after processing). The work done
once per event is a line appended to this instance's log: the event's
reference and its delivery key.

    receiver.py PORT REDIS_URL LOG [CRASH_REF]

With CRASH_REF, the process dies (no cleanup) right after it reserves the
delivery carrying that reference, before doing the work: the crash between
reserve and commit. It dies holding only that reservation: it first lets the
deliveries already being processed on its other threads finish (a process
killed after someone's work and before its commit would process that event
again on redelivery: at least once, as documented) and answers 503 to new
ones meanwhile."""
from __future__ import annotations

import http.server
import os
import sys
import threading
from typing import Any

import cardwire
import redis
from cardwire.redis import RedisDeliveries

from common import RESERVATION_MS, find_ref, merchants

PORT, URL, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CRASH_REF = sys.argv[4] if len(sys.argv) > 4 else None
RECEIVERS = merchants(cardwire)
client = redis.Redis.from_url(URL, socket_timeout=2, socket_connect_timeout=1)
deliveries = RedisDeliveries(client, reservation_ms=RESERVATION_MS)
log = open(LOG, "a", buffering=1)
busy = threading.Condition()
state = {"inflight": 0, "dying": False}


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

        def work(ev: Any) -> None:
            log.write(f"{ref} {ev.delivery_key}\n")

        with busy:
            if state["dying"]:
                return self.answer(503, {}, b"shutting down")
            state["inflight"] += 1
        try:
            if CRASH_REF and ref == CRASH_REF:
                with busy:
                    state["dying"] = True
                    busy.wait_for(lambda: state["inflight"] == 1)
                try:
                    if deliveries.reserve(event) == "new":
                        os._exit(17)  # dies holding the reservation
                finally:
                    with busy:
                        state["dying"] = False
                outcome = "busy"
            else:
                outcome = deliveries.process(event, work)
        except cardwire.StoreUnavailable as e:
            return self.answer(503, {}, e.code.encode())
        finally:
            with busy:
                state["inflight"] -= 1
                busy.notify_all()
        if outcome == "busy":
            return self.answer(503, {}, b"busy")
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
